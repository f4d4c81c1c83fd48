//! What the code already does for observability: metrics clients, tracing SDKs, structured
//! logging and error tracking, from the dependencies every package manifest declares (and, for
//! libraries whose JSON output is a setting, the code that turns it on); plus monitoring config
//! kept in the repository (Prometheus, alert rules, Grafana, ServiceMonitors).

use regex::Regex;
use shipshape_core::{ArtifactKind, Evidence, FileEntry, ManifestKind};

use super::deps::{name_matches, Dep, Eco};
use super::orchestrator::Manifest;
use super::{find_line, Found};
use crate::ctx::Ctx;
use crate::model::Observability;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Cat {
    Metrics,
    Tracing,
    Logging,
    Errors,
}

/// What else a library needs before it counts.
#[derive(Clone, Copy)]
enum Needs {
    Nothing,
    /// A Cargo feature turned on where it is declared.
    Feature(&'static str),
    /// Code (files with these extensions, under the manifest's folder) matching a pattern.
    Code(&'static [&'static str], &'static str),
}

struct Lib {
    eco: Eco,
    /// Lower-cased package name; a trailing `*` makes it a prefix.
    name: &'static str,
    cat: Cat,
    label: &'static str,
    needs: Needs,
    /// Added to the evidence note.
    hint: &'static str,
}

const fn lib(eco: Eco, name: &'static str, cat: Cat, label: &'static str) -> Lib {
    Lib {
        eco,
        name,
        cat,
        label,
        needs: Needs::Nothing,
        hint: "",
    }
}

const fn lib_if(eco: Eco, name: &'static str, cat: Cat, label: &'static str, needs: Needs) -> Lib {
    Lib {
        eco,
        name,
        cat,
        label,
        needs,
        hint: "",
    }
}

use Cat::*;
use Eco::*;

const PY: &[&str] = &["py"];
const GO: &[&str] = &["go"];
const CS: &[&str] = &["cs", "json"];

/// Observability libraries per ecosystem.
const LIBRARIES: &[Lib] = &[
    // Metrics
    lib(Node, "prom-client", Metrics, "prometheus"),
    lib(Node, "express-prom-bundle", Metrics, "prometheus"),
    lib(Python, "prometheus-client", Metrics, "prometheus"),
    lib(
        Python,
        "prometheus-fastapi-instrumentator",
        Metrics,
        "prometheus",
    ),
    lib(Python, "django-prometheus", Metrics, "prometheus"),
    lib(Python, "starlette-exporter", Metrics, "prometheus"),
    lib(
        Go,
        "github.com/prometheus/client_golang",
        Metrics,
        "prometheus",
    ),
    lib(Rust, "prometheus", Metrics, "prometheus"),
    lib(Rust, "metrics-exporter-prometheus", Metrics, "prometheus"),
    lib(Jvm, "micrometer-registry-prometheus", Metrics, "prometheus"),
    lib(Dotnet, "prometheus-net*", Metrics, "prometheus"),
    lib(Ruby, "prometheus-client", Metrics, "prometheus"),
    lib(Ruby, "yabeda-prometheus*", Metrics, "prometheus"),
    lib(Ruby, "yabeda*", Metrics, "yabeda"),
    lib(Php, "promphp/prometheus_client_php", Metrics, "prometheus"),
    lib(
        Node,
        "@opentelemetry/sdk-metrics",
        Metrics,
        "opentelemetry-metrics",
    ),
    lib(
        Go,
        "go.opentelemetry.io/otel/sdk/metric",
        Metrics,
        "opentelemetry-metrics",
    ),
    lib(
        Jvm,
        "opentelemetry-sdk-metrics",
        Metrics,
        "opentelemetry-metrics",
    ),
    lib(Node, "hot-shots", Metrics, "statsd"),
    lib(Node, "node-statsd", Metrics, "statsd"),
    lib(Python, "statsd", Metrics, "statsd"),
    lib(Go, "github.com/cactus/go-statsd-client*", Metrics, "statsd"),
    lib(Ruby, "statsd-instrument", Metrics, "statsd"),
    lib(Rust, "cadence", Metrics, "statsd"),
    lib(Jvm, "micrometer-registry-statsd", Metrics, "statsd"),
    lib(Node, "datadog-metrics", Metrics, "datadog"),
    lib(Python, "datadog", Metrics, "datadog"),
    lib(Go, "github.com/datadog/datadog-go*", Metrics, "datadog"),
    lib(Ruby, "dogstatsd-ruby", Metrics, "datadog"),
    lib(Jvm, "micrometer-registry-datadog", Metrics, "datadog"),
    lib(Php, "datadog/php-datadogstatsd", Metrics, "datadog"),
    // Tracing
    lib(Node, "@opentelemetry/sdk-node", Tracing, "opentelemetry"),
    lib(
        Node,
        "@opentelemetry/sdk-trace-node",
        Tracing,
        "opentelemetry",
    ),
    lib(
        Node,
        "@opentelemetry/sdk-trace-base",
        Tracing,
        "opentelemetry",
    ),
    lib(
        Node,
        "@opentelemetry/auto-instrumentations-node",
        Tracing,
        "opentelemetry",
    ),
    lib(Python, "opentelemetry-sdk", Tracing, "opentelemetry"),
    lib(Python, "opentelemetry-distro", Tracing, "opentelemetry"),
    lib(
        Python,
        "opentelemetry-instrumentation*",
        Tracing,
        "opentelemetry",
    ),
    lib(Go, "go.opentelemetry.io/otel/sdk", Tracing, "opentelemetry"),
    lib(Rust, "opentelemetry-sdk", Tracing, "opentelemetry"),
    lib(Rust, "opentelemetry-otlp", Tracing, "opentelemetry"),
    lib(Rust, "tracing-opentelemetry", Tracing, "opentelemetry"),
    lib(Jvm, "opentelemetry-sdk", Tracing, "opentelemetry"),
    lib(
        Jvm,
        "opentelemetry-spring-boot-starter",
        Tracing,
        "opentelemetry",
    ),
    lib(Jvm, "opentelemetry-javaagent", Tracing, "opentelemetry"),
    lib(
        Jvm,
        "micrometer-tracing-bridge-otel",
        Tracing,
        "opentelemetry",
    ),
    lib(Ruby, "opentelemetry-sdk", Tracing, "opentelemetry"),
    lib(Php, "open-telemetry/sdk", Tracing, "opentelemetry"),
    lib(Dotnet, "opentelemetry", Tracing, "opentelemetry"),
    lib(
        Dotnet,
        "opentelemetry.extensions.hosting",
        Tracing,
        "opentelemetry",
    ),
    lib(Node, "dd-trace", Tracing, "datadog"),
    lib(Python, "ddtrace", Tracing, "datadog"),
    lib(Go, "gopkg.in/datadog/dd-trace-go*", Tracing, "datadog"),
    lib(Go, "github.com/datadog/dd-trace-go*", Tracing, "datadog"),
    lib(Ruby, "ddtrace", Tracing, "datadog"),
    lib(Ruby, "datadog", Tracing, "datadog"),
    lib(Jvm, "dd-trace-api", Tracing, "datadog"),
    lib(Dotnet, "datadog.trace*", Tracing, "datadog"),
    lib(Php, "datadog/dd-trace", Tracing, "datadog"),
    lib(Node, "jaeger-client", Tracing, "jaeger"),
    lib(Python, "jaeger-client", Tracing, "jaeger"),
    lib(Go, "github.com/uber/jaeger-client-go", Tracing, "jaeger"),
    lib(Jvm, "jaeger-client", Tracing, "jaeger"),
    lib(Rust, "opentelemetry-jaeger", Tracing, "jaeger"),
    // Structured logging
    lib(Node, "pino", Logging, "pino"),
    Lib {
        eco: Node,
        name: "winston",
        cat: Logging,
        label: "winston",
        needs: Needs::Nothing,
        hint: " (JSON output via format.json() is typical; check the format)",
    },
    lib(Node, "bunyan", Logging, "bunyan"),
    lib(Python, "structlog", Logging, "structlog"),
    lib(Python, "python-json-logger", Logging, "python-json-logger"),
    lib_if(
        Python,
        "loguru",
        Logging,
        "loguru",
        Needs::Code(PY, r"serialize\s*=\s*True"),
    ),
    lib(Go, "go.uber.org/zap", Logging, "zap"),
    lib(Go, "github.com/rs/zerolog", Logging, "zerolog"),
    lib_if(
        Go,
        "github.com/sirupsen/logrus",
        Logging,
        "logrus",
        Needs::Code(GO, r"\bJSONFormatter\s*\{"),
    ),
    lib_if(
        Rust,
        "tracing-subscriber",
        Logging,
        "tracing-subscriber-json",
        Needs::Feature("json"),
    ),
    lib(
        Jvm,
        "logstash-logback-encoder",
        Logging,
        "logstash-logback-encoder",
    ),
    lib(
        Jvm,
        "log4j-layout-template-json",
        Logging,
        "log4j-layout-template-json",
    ),
    lib(Ruby, "lograge", Logging, "lograge"),
    lib(Php, "monolog/monolog", Logging, "monolog"),
    lib(Dotnet, "serilog.formatting.compact", Logging, "serilog"),
    lib_if(
        Dotnet,
        "serilog*",
        Logging,
        "serilog",
        Needs::Code(CS, r"(?:Compact|Rendered)?JsonFormatter"),
    ),
    // Error tracking
    lib(Node, "@sentry/*", Errors, "sentry"),
    lib(Python, "sentry-sdk", Errors, "sentry"),
    lib(Python, "raven", Errors, "sentry"),
    lib(Go, "github.com/getsentry/sentry-go*", Errors, "sentry"),
    lib(Rust, "sentry", Errors, "sentry"),
    lib(Jvm, "sentry*", Errors, "sentry"),
    lib(Ruby, "sentry-*", Errors, "sentry"),
    lib(Php, "sentry/*", Errors, "sentry"),
    lib(Dotnet, "sentry*", Errors, "sentry"),
    lib(Node, "rollbar", Errors, "rollbar"),
    lib(Python, "rollbar", Errors, "rollbar"),
    lib(Go, "github.com/rollbar/rollbar-go", Errors, "rollbar"),
    lib(Ruby, "rollbar", Errors, "rollbar"),
    lib(Php, "rollbar/*", Errors, "rollbar"),
    lib(Jvm, "rollbar*", Errors, "rollbar"),
    lib(Dotnet, "rollbar*", Errors, "rollbar"),
    lib(Node, "@bugsnag/*", Errors, "bugsnag"),
    lib(Python, "bugsnag", Errors, "bugsnag"),
    lib(Ruby, "bugsnag", Errors, "bugsnag"),
    lib(Go, "github.com/bugsnag/bugsnag-go*", Errors, "bugsnag"),
    lib(Php, "bugsnag/*", Errors, "bugsnag"),
    lib(Jvm, "bugsnag*", Errors, "bugsnag"),
    lib(Dotnet, "bugsnag*", Errors, "bugsnag"),
    lib(Node, "@honeybadger-io/*", Errors, "honeybadger"),
    lib(Python, "honeybadger", Errors, "honeybadger"),
    lib(Ruby, "honeybadger", Errors, "honeybadger"),
    lib(Go, "github.com/honeybadger-io/*", Errors, "honeybadger"),
    lib(Php, "honeybadger-io/*", Errors, "honeybadger"),
];

/// Structured logging from the standard library: no dependency to find, only the code.
const STDLIB_LOGGING: &[(ManifestKind, &[&str], &str, &str)] =
    &[(ManifestKind::GoMod, GO, r"\bslog\.NewJSONHandler\b", "slog")];

/// Kubernetes kinds of the Prometheus operator: (kind, category, label).
const MONITORING_KINDS: &[(&str, &str)] = &[
    ("ServiceMonitor", "service-monitor"),
    ("PodMonitor", "service-monitor"),
    ("PrometheusRule", "alert-rules"),
];

/// One piece of evidence, in the order detection found it.
enum Step {
    Add(Cat, &'static str, Evidence),
    /// Evidence that counts only if the code under `dir` matches `pattern`: looked for in
    /// [`Pending::finish`], once the services' sources are read (and cached), so the same files
    /// are not read twice at once. `dependency` is added first when it counts.
    Code {
        cat: Cat,
        label: &'static str,
        dependency: Option<Evidence>,
        dir: String,
        exts: &'static [&'static str],
        pattern: &'static str,
    },
}

/// What [`detect`] found, in order, with the code searches still to do.
#[derive(Default)]
pub(crate) struct Pending {
    steps: Vec<Step>,
}

impl Pending {
    fn add(&mut self, cat: Cat, label: &'static str, ev: Evidence) {
        self.steps.push(Step::Add(cat, label, ev));
    }

    /// Do the code searches and put everything together, in the order it was found.
    pub(crate) fn finish(self, ctx: &Ctx) -> Observability {
        let mut c = Collect::default();
        for step in self.steps {
            match step {
                Step::Add(cat, label, ev) => c.of(cat).add(label.to_string(), ev),
                Step::Code {
                    cat,
                    label,
                    dependency,
                    dir,
                    exts,
                    pattern,
                } => {
                    if let Some(code) = code_evidence(ctx, &dir, exts, pattern, label) {
                        let found = c.of(cat);
                        if let Some(ev) = dependency {
                            found.add(label.to_string(), ev);
                        }
                        found.add(label.to_string(), code);
                    }
                }
            }
        }
        Observability {
            metrics: c.metrics.into_located(),
            tracing: c.tracing.into_located(),
            structured_logging: c.logging.into_located(),
            error_tracking: c.errors.into_located(),
        }
    }
}

#[derive(Default)]
struct Collect {
    metrics: Found<String>,
    tracing: Found<String>,
    logging: Found<String>,
    errors: Found<String>,
}

impl Collect {
    fn of(&mut self, cat: Cat) -> &mut Found<String> {
        match cat {
            Metrics => &mut self.metrics,
            Tracing => &mut self.tracing,
            Logging => &mut self.logging,
            Errors => &mut self.errors,
        }
    }
}

/// Observability libraries, configuration files and monitoring kinds; the searches of code
/// are left to [`Pending::finish`].
pub(crate) fn detect(ctx: &Ctx, files: &[&FileEntry], deps: &[Dep], k8s: &[Manifest]) -> Pending {
    let mut c = Pending::default();
    // Development-only dependencies say nothing about what runs in production.
    for d in deps.iter().filter(|d| !d.dev) {
        // One label per dependency: the first matching entry wins (`yabeda-prometheus` is
        // Prometheus, not plain Yabeda).
        if let Some(l) = LIBRARIES
            .iter()
            .find(|l| l.eco == d.eco && name_matches(l.name, &d.name))
        {
            library(d, l, &mut c);
        }
    }
    for f in files {
        if let ArtifactKind::PackageManifest(kind) = f.kind {
            for (k, exts, pattern, label) in STDLIB_LOGGING {
                if kind != *k {
                    continue;
                }
                let dir = if f.dir().is_empty() { "." } else { f.dir() };
                c.steps.push(Step::Code {
                    cat: Logging,
                    label,
                    dependency: None,
                    dir: dir.to_string(),
                    exts,
                    pattern,
                });
            }
        }
        config_file(ctx, f, &mut c);
    }
    for m in k8s {
        for (kind, line) in &m.kinds {
            if let Some((_, label)) = MONITORING_KINDS.iter().find(|(k, _)| k == kind) {
                let ev = Evidence::new(&m.path, *line, format!("{} > kind {kind}", m.path));
                c.add(Metrics, label, ev);
            }
        }
    }
    c
}

fn library(d: &Dep, l: &Lib, c: &mut Pending) {
    let mut ev = d.evidence();
    ev.note.push_str(l.hint);
    match l.needs {
        Needs::Nothing => c.add(l.cat, l.label, ev),
        Needs::Feature(feature) => {
            if d.features.iter().any(|f| f == feature) {
                ev.note.push_str(&format!(" (feature \"{feature}\")"));
                c.add(l.cat, l.label, ev);
            }
        }
        Needs::Code(exts, pattern) => c.steps.push(Step::Code {
            cat: l.cat,
            label: l.label,
            dependency: Some(ev),
            dir: d.dir().to_string(),
            exts,
            pattern,
        }),
    }
}

/// Every code pattern of the tables, compiled once.
static CODE_PATTERNS: std::sync::LazyLock<std::collections::HashMap<&'static str, Regex>> =
    std::sync::LazyLock::new(|| {
        let libraries = LIBRARIES.iter().filter_map(|l| match l.needs {
            Needs::Code(_, p) => Some(p),
            _ => None,
        });
        let stdlib = STDLIB_LOGGING.iter().map(|(_, _, p, _)| *p);
        libraries
            .chain(stdlib)
            .filter_map(|p| Regex::new(p).ok().map(|rx| (p, rx)))
            .collect()
    });

/// The first place the code under `dir` matches `pattern` (one of the tables').
fn code_evidence(
    ctx: &Ctx,
    dir: &str,
    exts: &[&str],
    pattern: &str,
    label: &str,
) -> Option<Evidence> {
    let rx = CODE_PATTERNS.get(pattern)?;
    ctx.source_texts(dir, exts)
        .into_iter()
        .find_map(|(f, text)| {
            rx.find(&text).map(|m| {
                Evidence::at_offset(
                    &f.path,
                    &text,
                    m.start(),
                    format!("{} > {} ({label} JSON output)", f.path, m.as_str()),
                )
            })
        })
}

/// Monitoring configuration kept in the repository.
fn config_file(ctx: &Ctx, f: &FileEntry, c: &mut Pending) {
    let name = f.name();
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    let in_grafana =
        f.path.to_ascii_lowercase().contains("grafana") || f.path.contains("dashboards/");
    let readable =
        (yaml && f.kind == ArtifactKind::Yaml) || (in_grafana && name.ends_with(".json"));
    if !readable {
        return;
    }
    let Some(text) = ctx.inv.text(f) else { return };
    let top = |key: &str| find_line(&text, |l| l.starts_with(key));
    let add = |c: &mut Pending, cat: Cat, label: &'static str, line: Option<u32>, what: &str| {
        c.add(
            cat,
            label,
            Evidence::new(&f.path, line, format!("{} > {what}", f.path)),
        );
    };
    if name.ends_with(".json") {
        if let Some(line) = find_line(&text, |l| l.contains("\"panels\"")) {
            add(
                c,
                Metrics,
                "grafana-dashboards",
                Some(line),
                "panels (Grafana dashboard)",
            );
        }
        return;
    }
    if let Some(line) = top("scrape_configs:") {
        add(
            c,
            Metrics,
            "prometheus-config",
            Some(line),
            "scrape_configs (Prometheus config)",
        );
    }
    if top("groups:").is_some() {
        if let Some(line) = find_line(&text, |l| {
            l.trim_start()
                .trim_start_matches("- ")
                .starts_with("alert:")
        }) {
            add(
                c,
                Metrics,
                "alert-rules",
                Some(line),
                "alert (Prometheus alert rule)",
            );
        }
    }
    if let (Some(line), Some(_)) = (top("receivers:"), top("route:")) {
        add(
            c,
            Metrics,
            "alertmanager-config",
            Some(line),
            "receivers (Alertmanager config)",
        );
    }
    if in_grafana {
        if let Some(line) = top("datasources:") {
            add(
                c,
                Metrics,
                "grafana-datasources",
                Some(line),
                "datasources (Grafana provisioning)",
            );
        }
    }
    if let (Some(line), Some(_), Some(_)) = (top("exporters:"), top("receivers:"), top("service:"))
    {
        add(
            c,
            Tracing,
            "otel-collector-config",
            Some(line),
            "exporters (OpenTelemetry Collector config)",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::testing::facts;

    fn labels(v: &[shipshape_core::Located<String>]) -> Vec<&str> {
        v.iter().map(|l| l.value.as_str()).collect()
    }

    #[test]
    fn every_code_pattern_in_the_tables_compiles() {
        for l in LIBRARIES {
            if let Needs::Code(_, p) = l.needs {
                assert!(Regex::new(p).is_ok(), "{p}");
            }
        }
        for (_, _, p, _) in STDLIB_LOGGING {
            assert!(Regex::new(p).is_ok(), "{p}");
        }
    }

    #[test]
    fn node_dependencies_give_metrics_logging_and_errors_with_lines() {
        let pkg = "{\n  \"name\": \"api\",\n  \"dependencies\": {\n    \"express\": \"4\",\n    \"prom-client\": \"15\",\n    \"pino\": \"9\",\n    \"@sentry/node\": \"8\"\n  },\n  \"devDependencies\": {\n    \"dd-trace\": \"5\"\n  }\n}\n";
        let f = facts(&[("package.json", pkg)]);
        let o = &f.observability;
        assert_eq!(labels(&o.metrics), ["prometheus"]);
        assert_eq!(o.metrics[0].evidence[0].line, Some(5));
        assert_eq!(
            o.metrics[0].evidence[0].note,
            "package.json > dependencies > prom-client"
        );
        assert_eq!(labels(&o.structured_logging), ["pino"]);
        assert_eq!(labels(&o.error_tracking), ["sentry"]);
        assert!(o.tracing.is_empty(), "dev dependencies do not count");
    }

    #[test]
    fn python_go_rust_jvm_ruby_php_and_dotnet_manifests_are_read() {
        let f = facts(&[
            ("py/requirements.txt", "fastapi==0.110\nprometheus_client>=0.20\nstructlog\nsentry-sdk[fastapi]\n"),
            ("go/go.mod", "module x\n\nrequire (\n\tgo.uber.org/zap v1.27.0\n\tgo.opentelemetry.io/otel/sdk v1.28.0\n\tgithub.com/x/y v1 // indirect\n)\n"),
            ("rs/Cargo.toml", "[package]\nname = \"x\"\n\n[dependencies]\ntracing-subscriber = { version = \"0.3\", features = [\"json\", \"env-filter\"] }\n"),
            ("jvm/pom.xml", "<project>\n  <dependencies>\n    <dependency>\n      <groupId>io.micrometer</groupId>\n      <artifactId>micrometer-registry-prometheus</artifactId>\n    </dependency>\n  </dependencies>\n</project>\n"),
            ("rb/Gemfile", "source 'https://rubygems.org'\ngem 'lograge'\ngroup :development, :test do\n  gem 'bugsnag'\nend\n"),
            ("php/composer.json", "{\n  \"require\": {\n    \"monolog/monolog\": \"^3\"\n  }\n}\n"),
            ("cs/api.csproj", "<Project>\n  <ItemGroup>\n    <PackageReference Include=\"Serilog.Formatting.Compact\" Version=\"2\" />\n  </ItemGroup>\n</Project>\n"),
        ]);
        let o = &f.observability;
        assert_eq!(labels(&o.metrics), ["prometheus"]);
        assert_eq!(o.metrics[0].evidence.len(), 2);
        assert_eq!(labels(&o.tracing), ["opentelemetry"]);
        assert_eq!(o.tracing[0].evidence[0].line, Some(5));
        assert_eq!(
            labels(&o.structured_logging),
            [
                "lograge",
                "monolog",
                "serilog",
                "structlog",
                "tracing-subscriber-json",
                "zap"
            ]
        );
        assert_eq!(
            labels(&o.error_tracking),
            ["sentry"],
            "bugsnag is only in a test group"
        );
        let pom = o.metrics[0]
            .evidence
            .iter()
            .find(|e| e.path == "jvm/pom.xml")
            .unwrap();
        assert_eq!(pom.line, Some(3));
    }

    #[test]
    fn libraries_whose_json_output_is_a_setting_need_it_in_code() {
        let f = facts(&[
            ("requirements.txt", "loguru\n"),
            (
                "app.py",
                "from loguru import logger\nlogger.add(sys.stdout)\n",
            ),
        ]);
        assert!(f.observability.structured_logging.is_empty());
        let f = facts(&[
            ("requirements.txt", "loguru\n"),
            (
                "app.py",
                "from loguru import logger\nlogger.add(sys.stdout, serialize=True)\n",
            ),
        ]);
        let l = &f.observability.structured_logging[0];
        assert_eq!(l.value, "loguru");
        assert_eq!(l.evidence[1].path, "app.py");
        assert_eq!(l.evidence[1].line, Some(2));
        let f = facts(&[(
            "Cargo.toml",
            "[package]\nname = \"x\"\n[dependencies]\ntracing-subscriber = \"0.3\"\n",
        )]);
        assert!(f.observability.structured_logging.is_empty());
    }

    #[test]
    fn go_slog_json_handler_counts_from_code() {
        let f = facts(&[
            ("go.mod", "module x\n\ngo 1.22\n"),
            ("main.go", "package main\n\nfunc main() {\n\tl := slog.New(slog.NewJSONHandler(os.Stdout, nil))\n}\n"),
        ]);
        let l = &f.observability.structured_logging[0];
        assert_eq!(l.value, "slog");
        assert_eq!(l.evidence[0].line, Some(4));
    }

    #[test]
    fn monitoring_config_files_are_metrics_entries() {
        let f = facts(&[
            ("monitoring/prometheus.yml", "global:\n  scrape_interval: 15s\nscrape_configs:\n  - job_name: api\n"),
            ("monitoring/alerts.yml", "groups:\n  - name: api\n    rules:\n      - alert: HighErrorRate\n        expr: x > 1\n"),
            ("k8s/sm.yaml", "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: api\n"),
        ]);
        let m = &f.observability.metrics;
        assert_eq!(
            labels(m),
            ["alert-rules", "prometheus-config", "service-monitor"]
        );
        assert_eq!(m[0].evidence[0].line, Some(4));
        assert_eq!(m[1].evidence[0].line, Some(3));
        assert_eq!(m[2].evidence[0].line, Some(2));
    }
}
