//! Generator: `compose.yaml` at the repository root for local development — every service built
//! from its Dockerfile, the backing services the facts found (PostgreSQL, MySQL, Redis, MongoDB,
//! RabbitMQ) on pinned images with healthchecks and named volumes, configuration from `.env`,
//! and every port published on 127.0.0.1 only. The file must pass every shipshape compose rule.
//!
//! The YAML is built in Rust rather than from a template: its shape follows the facts (which
//! keys a service has, how many services there are), every value needs YAML quoting, and a
//! template full of loops and conditionals would be harder to read than the code below. What
//! changes over time — images, healthchecks, data folders, memory limits — lives in
//! `templates/compose/services.toml`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::LazyLock;

use serde::Deserialize;
use shipshape_core::Inventory;
use shipshape_detect::{
    BackingService, Facts, Framework, Language, ProcessKind, Service, ServiceRole,
};

use crate::docker;
use crate::{build_targets, show_dir, Artifact, BuildTarget, Category, Plan};
use crate::{dir_of, PlannedFile};

/// Where the generated file goes when the repository has no compose file yet.
pub const COMPOSE_FILE: &str = "compose.yaml";

/// The file names Compose looks for, in the order it prefers them.
const COMPOSE_NAMES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

/// How often Compose checks a backing service, and how long it waits for it on start-up.
const HEALTH_INTERVAL: &str = "10s";
const HEALTH_TIMEOUT: &str = "5s";
const HEALTH_RETRIES: u32 = 5;
const HEALTH_START_PERIOD: &str = "30s";

/// The data table in `templates/compose/services.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ServiceTable {
    pub backing: BTreeMap<String, BackingImage>,
    pub app: BTreeMap<String, AppDefaults>,
    /// Variables a framework reads by itself, by framework and backing service id.
    #[serde(default)]
    pub framework: BTreeMap<String, BTreeMap<String, Vec<Connection>>>,
}

/// A backing service as compose runs it for local development.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BackingImage {
    pub name: String,
    pub image: String,
    pub port: u16,
    /// Where the image keeps its data: a named volume is mounted there.
    pub data: String,
    pub memory: String,
    pub healthcheck: Vec<String>,
    /// The container's command, when the image's default is not enough, and why.
    #[serde(default)]
    pub command: Vec<String>,
    #[serde(default)]
    pub command_why: Option<String>,
    /// The variables the image reads on first start, all taken from `.env`.
    pub environment: Vec<EnvSetting>,
    /// Variables an application commonly reads to reach this service, with their values.
    pub connection: Vec<Connection>,
}

/// A variable a backing service's image reads, as `.env.example` lists it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EnvSetting {
    pub name: String,
    /// A harmless default (a user name); Compose uses it when `.env` does not say.
    #[serde(default)]
    pub default: Option<String>,
    /// A password: no default, Compose refuses to start until `.env` sets it.
    #[serde(default)]
    pub secret: bool,
    pub comment: String,
}

impl EnvSetting {
    /// The compose value: interpolated from `.env`, never a literal secret.
    fn compose_value(&self) -> String {
        match (&self.default, self.secret) {
            (_, true) => format!("${{{0}:?set {0} in .env}}", self.name),
            (Some(default), false) => format!("${{{}:-{default}}}", self.name),
            (None, false) => format!("${{{}}}", self.name),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Connection {
    pub name: String,
    pub value: String,
}

/// How an application service of one language runs under compose.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AppDefaults {
    pub memory: String,
    pub read_only: bool,
}

static TABLE: LazyLock<Result<ServiceTable, String>> = LazyLock::new(|| {
    toml::from_str(include_str!("../templates/compose/services.toml"))
        .map_err(|e| format!("templates/compose/services.toml: {e}"))
});

/// The compose data table, or why it could not be read (a bug caught by the unit tests).
pub(crate) fn table() -> Result<&'static ServiceTable, &'static str> {
    TABLE.as_ref().map_err(String::as_str)
}

impl ServiceTable {
    fn app(&self, language: Language) -> Option<&AppDefaults> {
        let key = shipshape_detect::value_name(&language);
        self.app.get(&key).or_else(|| self.app.get("default"))
    }
}

/// One application service in the compose file.
#[derive(Debug, Clone)]
pub(crate) struct AppService<'a> {
    pub target: BuildTarget<'a>,
    /// The compose service name.
    pub name: String,
    /// Variables compose sets for the container (connection URLs, `PORT`), overriding `.env`.
    pub environment: Vec<(String, String)>,
    /// `(host, container)`.
    pub port: Option<(u16, u16)>,
    /// Compose service names with the condition to wait for.
    pub depends_on: Vec<(String, &'static str)>,
    pub memory: String,
    pub read_only: bool,
    pub cap_drop_all: bool,
    /// Named volumes for the embedded database folders: `(volume, path in the container)`.
    pub data: Vec<(String, String)>,
}

/// A process of an application's own code run from the same image with another command: a
/// one-shot release step (migrations) the server waits for, or a worker beside it.
#[derive(Debug, Clone)]
pub(crate) struct ProcessService {
    /// The compose service name (`web-migrate`, `web-worker`).
    pub name: String,
    /// The application service whose image it runs.
    pub app: String,
    pub kind: ProcessKind,
    /// Exec form.
    pub command: Vec<String>,
    /// The Dockerfile stage to build, when the final image lacks the tool (a Node migration CLI
    /// among the dev dependencies).
    pub target: Option<String>,
}

/// One backing service in the compose file.
#[derive(Debug, Clone)]
pub(crate) struct BackingEntry<'a> {
    pub facts: &'a BackingService,
    pub image: &'static BackingImage,
}

/// Everything the compose file will run, shared with the `.env.example` and README generators.
#[derive(Debug, Clone, Default)]
pub(crate) struct LocalStack<'a> {
    pub apps: Vec<AppService<'a>>,
    pub processes: Vec<ProcessService>,
    pub backing: Vec<BackingEntry<'a>>,
    pub warnings: Vec<String>,
}

/// A compose service name: lower-case letters, digits, `-`, `_` and `.`, starting with a letter
/// or digit.
fn compose_name(name: &str) -> String {
    let mut out: String = name
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    out = out
        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_string();
    if out.is_empty() {
        out.push_str("app");
    }
    out
}

/// Decide what compose runs, from the facts and the Dockerfiles (planned or existing).
pub(crate) fn local_stack<'a>(
    facts: &'a Facts,
    inv: &Inventory,
    plan: &Plan,
    table: &'static ServiceTable,
) -> LocalStack<'a> {
    let mut stack = LocalStack::default();

    for b in &facts.backing_services {
        let runs_as_process = b.used_by.iter().all(|user| {
            facts.services.iter().any(|s| {
                s.name == *user && s.processes.iter().any(|p| p.kind == ProcessKind::Worker)
            })
        });
        if b.kind.is_worker() && runs_as_process {
            // Its own compose service comes from the application's processes.
            continue;
        }
        if b.kind.is_worker() {
            stack.warnings.push(format!(
                "compose.yaml: {} ({}) runs your own code as a second process; add it as a \
                 service with the same `build:` and the worker's command",
                b.id,
                b.used_by.join(", ")
            ));
            continue;
        }
        match table.backing.get(b.kind.id()) {
            Some(image) => stack.backing.push(BackingEntry { facts: b, image }),
            None => stack.warnings.push(format!(
                "compose.yaml: no local {} service is generated (used by {}); add one by hand",
                b.id,
                b.used_by.join(", ")
            )),
        }
    }

    let mut taken: BTreeSet<String> = stack
        .backing
        .iter()
        .map(|b| compose_name(&b.facts.id))
        .collect();
    let mut host_ports: BTreeSet<u16> = stack.backing.iter().map(|b| b.image.port).collect();
    let targets = build_targets(facts, inv, plan);
    // Facts name services; compose needs unique, valid names that do not clash with backing ones.
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for t in &targets {
        let mut name = compose_name(&t.service.name);
        if taken.contains(&name) {
            name = format!("{name}-app");
        }
        let base = name.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        taken.insert(name.clone());
        names.insert(t.service.name.clone(), name);
    }

    // Services that get no Dockerfile are left out of the file: nothing may wait for them.
    let left_out: BTreeSet<String> = targets
        .iter()
        .filter(|t| t.text.is_none())
        .map(|t| t.service.name.clone())
        .collect();
    for target in targets {
        let service = target.service;
        let Some(name) = names.get(&service.name).cloned() else {
            continue;
        };
        let summary = target.image_summary();
        if target.text.is_none() {
            // Compose would stop on the missing file: the service stays out until it has one.
            stack.warnings.push(format!(
                "compose.yaml: {name} is left out — it has no Dockerfile ({} is neither in the \
                 repository nor generated; see the reason above). Add one and run `shipshape \
                 init --only compose --force`",
                target.dockerfile
            ));
            continue;
        }
        let reads: BTreeSet<&str> = service.env_vars.iter().map(|v| v.value.as_str()).collect();
        let uses = |b: &BackingEntry| {
            b.facts.used_by.contains(&service.name)
                || service.depends_on.iter().any(|d| d.value == b.facts.id)
        };

        // Connection variables the code reads, pointed at the compose services.
        let mut environment: Vec<(String, String)> = Vec::new();
        for b in stack.backing.iter().filter(|b| uses(b)) {
            for c in &b.image.connection {
                if reads.contains(c.name.as_str()) && !environment.iter().any(|(n, _)| *n == c.name)
                {
                    environment.push((c.name.clone(), with_driver(service, inv, &c.value)));
                }
            }
            // A library's own prefix on a connection URL (`SAQ_REDIS_URL`, `CACHE_REDIS_URL`):
            // the same URL. A test suite's (`TEST_DATABASE_URL`) is not the app's.
            for c in b
                .image
                .connection
                .iter()
                .filter(|c| c.name.ends_with("_URL"))
            {
                let suffix = format!("_{}", c.name);
                for read in reads.iter().filter(|r| {
                    r.ends_with(&suffix) && !r.starts_with("TEST_") && !r.contains("_TEST_")
                }) {
                    if !environment.iter().any(|(n, _)| n == read) {
                        environment.push((read.to_string(), with_driver(service, inv, &c.value)));
                    }
                }
            }
        }

        // Names the framework reads by itself (SPRING_DATASOURCE_URL, Rails' DATABASE_URL, …).
        let mut frameworks: Vec<String> = service
            .framework
            .as_ref()
            .map(|f| shipshape_detect::value_name(&f.value))
            .into_iter()
            .collect();
        // A Prisma schema (wherever package.json's `prisma.schema` puts it) reads the
        // database URL from the environment by the name it gives.
        let prisma = inv.contains(&crate::join(&service.root, "prisma/schema.prisma"))
            || service
                .backing_services
                .iter()
                .flat_map(|b| &b.evidence)
                .any(|e| e.path.ends_with(".prisma"));
        if prisma {
            frameworks.push("prisma".to_string());
        }
        for fw in frameworks.iter().filter_map(|f| table.framework.get(f)) {
            for b in stack.backing.iter().filter(|b| uses(b)) {
                for c in fw.get(b.facts.kind.id()).into_iter().flatten() {
                    if !environment.iter().any(|(n, _)| *n == c.name) {
                        environment.push((c.name.clone(), c.value.clone()));
                    }
                }
            }
        }

        let container_port = summary
            .exposed
            .first()
            .copied()
            .or(service.port.as_ref().map(|p| p.value));
        if let Some(p) = container_port {
            if reads.contains("PORT") {
                environment.push(("PORT".to_string(), p.to_string()));
            }
        }
        if let Some(hosts) = django_allowed_hosts(service, inv) {
            environment.push(hosts);
        }
        environment.sort();
        // Two services on the same port would collide on the host: the later one moves up.
        let port = container_port.map(|p| {
            let mut host = p;
            while host_ports.contains(&host) && host < u16::MAX {
                host += 1;
            }
            host_ports.insert(host);
            (host, p)
        });

        let mut depends_on: Vec<(String, &'static str)> = stack
            .backing
            .iter()
            .filter(|b| uses(b))
            .map(|b| (compose_name(&b.facts.id), "service_healthy"))
            .collect();
        // Other services of the repository: their health is their Dockerfile's business, so
        // only their start is awaited.
        for d in service
            .depends_on
            .iter()
            .filter(|d| !left_out.contains(&d.value))
        {
            if let Some(other) = names.get(&d.value) {
                if *other != name && !depends_on.iter().any(|(n, _)| n == other) {
                    depends_on.push((other.clone(), "service_started"));
                }
            }
        }

        let (processes, waits_for) = process_services(&name, &target, inv, &mut stack.warnings);
        depends_on.extend(waits_for);
        stack.processes.extend(processes);

        // A static site is served by a web server whatever language built it.
        let language = if service.role == ServiceRole::Static {
            Language::Html
        } else {
            service.language.value
        };
        let defaults = table.app(language);
        let service_dir = if target.context == service.root
            || (target.context == "." && service.root.is_empty())
        {
            String::new()
        } else {
            let prefix = if target.context == "." {
                String::new()
            } else {
                format!("{}/", target.context)
            };
            service
                .root
                .strip_prefix(&prefix)
                .unwrap_or(&service.root)
                .to_string()
        };
        let mut data = Vec::new();
        let mut data_in_app_folder = false;
        for (i, d) in service.data_dirs.iter().enumerate() {
            if d.value == "." {
                // A volume there would hide the application's own files.
                data_in_app_folder = true;
                stack.warnings.push(format!(
                    "compose.yaml: {name} keeps its embedded database in its own folder ({}): \
                     the container's file system stays writable and the data is lost with the \
                     container — point the database at a sub-folder (data/app.db) and run \
                     `shipshape init --only compose --force` to get a volume for it",
                    d.evidence.first().map(|e| e.path.as_str()).unwrap_or("")
                ));
                continue;
            }
            let volume = if i == 0 {
                format!("{name}-data")
            } else {
                format!("{name}-data-{}", i + 1)
            };
            data.push((
                volume,
                crate::docker::container_path(&service_dir, &d.value),
            ));
        }
        stack.apps.push(AppService {
            name,
            environment,
            port,
            depends_on,
            memory: defaults.map_or_else(|| "512M".to_string(), |d| d.memory.clone()),
            // Only images that run as an unprivileged user are known to need nothing writable
            // but /tmp; an image running as root may write anywhere.
            read_only: defaults.is_some_and(|d| d.read_only)
                && summary.non_root
                && !data_in_app_folder,
            data,
            cap_drop_all: summary.non_root,
            target,
        });
    }
    stack
}

/// SQLAlchemy picks the database driver from the URL's scheme: `mysql://` means mysqlclient and
/// `postgresql://` psycopg2. A Python service that ships another driver gets its scheme
/// (`mysql+pymysql://`), or its workers die on the missing module; the driver its production
/// install takes wins over one only its development dependencies name.
fn with_driver(service: &Service, inv: &Inventory, url: &str) -> String {
    // Django reads DATABASE_URL through dj-database-url, whose documented scheme (Heroku's) is
    // `postgres://`; settings files test for it (`if url.startswith("postgres://"):` adds
    // django.contrib.postgres), and psycopg accepts both spellings.
    if service.framework.as_ref().map(|f| f.value) == Some(Framework::Django) {
        if let Some(rest) = url.strip_prefix("postgresql://") {
            return format!("postgres://{rest}");
        }
    }
    if service.language.value != Language::Python
        || !docker::native::declares(inv, &service.root, "python", "sqlalchemy")
            && !docker::native::declares(inv, &service.root, "python", "flask-sqlalchemy")
            && !docker::native::declares(inv, &service.root, "python", "sqlmodel")
    {
        return url.to_string();
    }
    let has = |name: &str| docker::native::declares(inv, &service.root, "python", name);
    // A driver of the production install comes before one only a test group or the lockfile
    // names (asyncpg for the test suite beside psycopg for the app).
    let production = |name: &str| docker::native::declares_for_production(inv, &service.root, name);
    let scheme = if let Some(rest) = url.strip_prefix("mysql://") {
        let mysql = [
            ("pymysql", "pymysql"),
            ("aiomysql", "aiomysql"),
            ("asyncmy", "asyncmy"),
        ];
        let driver = mysql
            .into_iter()
            .find(|(package, _)| production(package))
            .or_else(|| mysql.into_iter().find(|(package, _)| has(package)))
            .filter(|_| !has("mysqlclient"));
        driver.map(|(_, d)| format!("mysql+{d}://{rest}"))
    } else if let Some(rest) = url.strip_prefix("postgresql://") {
        let postgres = [
            ("asyncpg", "asyncpg"),
            ("psycopg", "psycopg"),
            ("pg8000", "pg8000"),
        ];
        let driver = postgres
            .into_iter()
            .find(|(package, _)| production(package))
            .or_else(|| postgres.into_iter().find(|(package, _)| has(package)))
            .filter(|_| !has("psycopg2") && !has("psycopg2-binary"));
        driver.map(|(_, d)| format!("postgresql+{d}://{rest}"))
    } else {
        None
    };
    scheme.unwrap_or_else(|| url.to_string())
}

/// The release and worker processes of one application, and what its server waits for.
fn process_services(
    app: &str,
    target: &BuildTarget,
    inv: &Inventory,
    warnings: &mut Vec<String>,
) -> (Vec<ProcessService>, Vec<(String, &'static str)>) {
    let service = target.service;
    let text = target.text.as_deref().unwrap_or("");
    let final_image = final_image(text);
    let shell = final_image.as_deref().is_none_or(docker::image_has_shell);
    let built = |step: &str| {
        service
            .build_command
            .as_ref()
            .is_some_and(|b| b.value.contains("collectstatic"))
            && step.contains("collectstatic")
    };
    let mut out = Vec::new();
    let mut waits = Vec::new();

    let release: Vec<&shipshape_detect::Process> = service
        .processes
        .iter()
        .filter(|p| p.kind == ProcessKind::Release && !built(&p.command.value))
        .collect();
    if !release.is_empty() {
        let steps: Vec<&str> = release.iter().map(|p| p.command.value.as_str()).collect();
        let kind_name = if release.iter().all(|p| p.name == "migrate") {
            "migrate"
        } else {
            "release"
        };
        let name = format!("{app}-{kind_name}");
        match process_command(&steps, shell) {
            Some(command) => {
                let target_stage = dev_tool_stage(service, inv, text, &steps, warnings, app);
                out.push(ProcessService {
                    name: name.clone(),
                    app: app.to_string(),
                    kind: ProcessKind::Release,
                    command,
                    target: target_stage,
                });
                waits.push((name, "service_completed_successfully"));
            }
            None => warnings.push(format!(
                "compose.yaml: {app}'s release step `{}` needs a shell, and its image has none — \
                 run it by hand before starting {app}",
                steps.join(" && ")
            )),
        }
    }
    for p in service
        .processes
        .iter()
        .filter(|p| p.kind == ProcessKind::Worker)
    {
        let name = format!("{app}-{}", compose_name(&p.name));
        match process_command(&[p.command.value.as_str()], shell) {
            Some(command) => out.push(ProcessService {
                name,
                app: app.to_string(),
                kind: ProcessKind::Worker,
                command,
                target: None,
            }),
            None => warnings.push(format!(
                "compose.yaml: {app}'s process `{}` needs a shell, and its image has none — add \
                 it by hand",
                p.name
            )),
        }
    }
    (out, waits)
}

/// A worker serves no HTTP, so the image's HTTP health check would mark it unhealthy for ever.
/// A Celery worker answers `inspect ping` through its broker; for any other worker shipshape
/// knows no check, so the image's is switched off, saying why.
fn worker_healthcheck(out: &mut String, command: &[String]) {
    let celery = command.first().is_some_and(|c| c == "celery");
    match command.iter().position(|a| a == "worker") {
        Some(at) if celery => {
            let mut ping: Vec<String> = command[..at].to_vec();
            ping.extend(
                ["inspect", "ping", "--destination", "celery@$$HOSTNAME", "--timeout", "10"]
                    .map(String::from),
            );
            let _ = write!(
                out,
                "    # A worker serves no HTTP: it is healthy when it answers a ping through the broker.\n    \
                 healthcheck:\n      test: [\"CMD-SHELL\", {}]\n      interval: {HEALTH_INTERVAL}\n      \
                 timeout: 15s\n      retries: 5\n      start_period: 20s\n",
                scalar(&ping.join(" "))
            );
        }
        _ => out.push_str(
            "    # A worker serves no HTTP; the image's HTTP health check does not apply to it.\n    \
             healthcheck:\n      \
             disable: true # shipshape:ignore[no-disabled-healthcheck] add a check of the worker's own\n",
        ),
    }
}

/// Django answers 400 to a Host it is not told to serve, and the health checks ask
/// `127.0.0.1`: when the settings read the list from the environment, compose defaults it to the
/// local names (the user's `.env` still wins), in the separator the settings split on.
fn django_allowed_hosts(
    service: &shipshape_detect::Service,
    inv: &Inventory,
) -> Option<(String, String)> {
    let django = service
        .framework
        .as_ref()
        .is_some_and(|f| shipshape_detect::value_name(&f.value) == "django");
    if !django {
        return None;
    }
    let var = service
        .env_vars
        .iter()
        .find(|v| matches!(v.value.as_str(), "ALLOWED_HOSTS" | "DJANGO_ALLOWED_HOSTS"))?;
    // The line that reads it: `.split(",")` (the common case) or `.split()` / `.split(" ")`.
    let line = var.evidence.iter().find_map(|e| {
        let entry = inv.get(&e.path)?;
        let text = inv.text(entry)?;
        text.lines()
            .nth(e.line?.checked_sub(1)? as usize)
            .map(str::to_string)
    });
    let spaces = line.is_some_and(|l| {
        l.contains(".split()") || l.contains(".split(\" \")") || l.contains(".split(' ')")
    });
    let hosts = if spaces {
        "localhost 127.0.0.1"
    } else {
        "localhost,127.0.0.1"
    };
    Some((var.value.clone(), format!("${{{}:-{hosts}}}", var.value)))
}

/// The image of a Dockerfile's last `FROM`.
fn final_image(dockerfile: &str) -> Option<String> {
    dockerfile
        .lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            words
                .next()
                .filter(|w| w.eq_ignore_ascii_case("FROM"))
                .and(words.find(|w| !w.starts_with("--")))
        })
        .next_back()
        .map(str::to_string)
}

/// Exec form of one or more steps: a simple command as its words, anything else through `sh -c`
/// (`None` when that needs a shell the image does not have).
fn process_command(steps: &[&str], shell: bool) -> Option<Vec<String>> {
    if let [one] = steps {
        let commands = shipshape_syntax::shell::split(one, 0);
        let simple = commands.len() == 1
            && commands[0].redirects.is_empty()
            && commands[0].assignments().is_empty()
            && !one.contains('$')
            && !one.contains('`');
        if simple {
            return Some(commands[0].words.iter().map(|w| w.value.clone()).collect());
        }
    }
    shell.then(|| vec!["sh".to_string(), "-c".to_string(), steps.join(" && ")])
}

/// A Node release step run with `npx <tool>` needs the tool, which the final image (production
/// dependencies only) lacks when it is a dev dependency: the build stage has it.
fn dev_tool_stage(
    service: &Service,
    inv: &Inventory,
    dockerfile: &str,
    steps: &[&str],
    warnings: &mut Vec<String>,
    app: &str,
) -> Option<String> {
    if !matches!(
        service.language.value,
        Language::Javascript | Language::Typescript
    ) {
        return None;
    }
    let tool = steps
        .iter()
        .find_map(|s| s.strip_prefix("npx "))
        .and_then(|rest| rest.split_whitespace().next())?;
    let manifest = inv
        .text_of(&crate::join(&service.root, "package.json"))
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
    let in_production = manifest
        .as_ref()
        .and_then(|m| m.get("dependencies"))
        .and_then(|d| d.get(tool))
        .is_some();
    if in_production {
        return None;
    }
    let has_build_stage = dockerfile.lines().any(|l| {
        let l = l.trim();
        l.to_ascii_uppercase().starts_with("FROM ") && l.to_ascii_lowercase().ends_with(" as build")
    });
    if has_build_stage {
        return Some("build".to_string());
    }
    warnings.push(format!(
        "compose.yaml: {app}'s migrations run `npx {tool}`, a dev dependency the production image \
         does not have — move {tool} to dependencies, or npx downloads it on every run"
    ));
    None
}

/// A YAML scalar: plain when that cannot be misread, double-quoted (JSON escaping, which is
/// valid YAML) otherwise.
pub(crate) fn scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '.' || c == '/')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null" | "~"
        );
    if plain {
        s.to_string()
    } else {
        serde_json::Value::String(s.to_string()).to_string()
    }
}

/// The build context as compose writes it, relative to the compose file at the root.
fn context_path(context: &str) -> String {
    if context == "." || context.is_empty() {
        ".".to_string()
    } else {
        format!("./{context}")
    }
}

/// The Dockerfile path relative to the build context.
fn dockerfile_in_context(dockerfile: &str, context: &str) -> String {
    if context == "." || context.is_empty() {
        return dockerfile.to_string();
    }
    match dockerfile.strip_prefix(&format!("{context}/")) {
        Some(rest) => rest.to_string(),
        None => {
            let up = "../".repeat(context.split('/').count());
            format!("{up}{dockerfile}")
        }
    }
}

fn security(out: &mut String, restart: &str, read_only: bool, cap_drop_all: bool, memory: &str) {
    let _ = writeln!(out, "    restart: {}", scalar(restart));
    if read_only {
        out.push_str(
            "    # The app writes only to /tmp, so the rest of its file system is read-only.\n",
        );
        out.push_str("    read_only: true\n    tmpfs:\n      - /tmp\n");
    }
    if cap_drop_all {
        out.push_str("    cap_drop:\n      - ALL\n");
    }
    out.push_str("    security_opt:\n      - no-new-privileges:true\n");
    let _ = write!(
        out,
        "    deploy:\n      resources:\n        limits:\n          memory: {}\n",
        scalar(memory)
    );
}

/// `build:`, `env_file:` and `environment:` of a service built from the repository's code.
fn built_from(out: &mut String, app: &AppService, stage: Option<&str>) {
    let _ = write!(
        out,
        "    build:\n      context: {}\n      dockerfile: {}\n",
        scalar(&context_path(&app.target.context)),
        scalar(&dockerfile_in_context(
            &app.target.dockerfile,
            &app.target.context
        ))
    );
    if let Some(stage) = stage {
        let _ = writeln!(out, "      target: {}", scalar(stage));
    }
    // `.env` holds local settings and passwords; compose starts without one when nothing is
    // required (a missing required value stops it with its own message).
    out.push_str("    env_file:\n      - path: .env\n        required: false\n");
    if !app.environment.is_empty() {
        out.push_str(
            "    # Reach the services below by their compose names; these win over .env.\n",
        );
        out.push_str("    environment:\n");
        for (k, v) in &app.environment {
            let _ = writeln!(out, "      {}: {}", scalar(k), scalar(v));
        }
    }
}

/// The volumes of the data the app writes (embedded database, uploads): writable, and kept
/// across restarts and rebuilds.
fn data_volumes(out: &mut String, data: &[(String, String)]) {
    if data.is_empty() {
        return;
    }
    out.push_str(
        "    # What the app writes at run time: a named volume, writable and kept across rebuilds.\n",
    );
    out.push_str("    volumes:\n");
    for (volume, path) in data {
        let _ = writeln!(out, "      - {}", scalar(&format!("{volume}:{path}")));
    }
}

fn depends(out: &mut String, on: &[(String, &str)]) {
    if on.is_empty() {
        return;
    }
    out.push_str("    depends_on:\n");
    for (name, condition) in on {
        let _ = write!(
            out,
            "      {}:\n        condition: {condition}\n",
            scalar(name)
        );
    }
}

/// The compose file's text.
pub(crate) fn render(stack: &LocalStack) -> String {
    let mut out = String::new();
    out.push_str(
        "# Local development, generated by `shipshape init`.\n\
         # First run: cp .env.example .env, fill in the empty values in .env, then\n\
         #   docker compose up --build\n\
         # Every port is published on 127.0.0.1 only: nothing here is reachable from the network.\n\
         # Check it with `shipshape audit`.\n\
         services:\n",
    );
    for app in &stack.apps {
        let _ = writeln!(out, "  {}:", scalar(&app.name));
        built_from(&mut out, app, None);
        if let Some((host, container)) = app.port {
            let _ = write!(
                out,
                "    ports:\n      - {}\n",
                scalar(&format!("127.0.0.1:{host}:{container}"))
            );
        }
        depends(&mut out, &app.depends_on);
        data_volumes(&mut out, &app.data);
        security(
            &mut out,
            "unless-stopped",
            app.read_only,
            app.cap_drop_all,
            &app.memory,
        );
        for p in stack.processes.iter().filter(|p| p.app == app.name) {
            let _ = writeln!(out, "  {}:", scalar(&p.name));
            match p.kind {
                ProcessKind::Release => {
                    let _ = writeln!(
                        out,
                        "    # Runs once before {} starts; {} waits for it to exit 0.",
                        app.name, app.name
                    );
                }
                ProcessKind::Worker => {
                    let _ = writeln!(out, "    # Same code as {}, another process.", app.name);
                }
            }
            built_from(&mut out, app, p.target.as_deref());
            let command: Vec<String> = p.command.iter().map(|a| scalar(a)).collect();
            let _ = writeln!(out, "    command: [{}]", command.join(", "));
            if p.kind == ProcessKind::Worker {
                worker_healthcheck(&mut out, &p.command);
            }
            // A job waits for the backing services; a worker also for the jobs (it reads the
            // schema the migration makes).
            let backing: Vec<(String, &str)> = app
                .depends_on
                .iter()
                .filter(|(n, _)| {
                    p.kind == ProcessKind::Worker || !stack.processes.iter().any(|q| q.name == *n)
                })
                .cloned()
                .collect();
            depends(&mut out, &backing);
            data_volumes(&mut out, &app.data);
            // The build stage runs as root and writes where it likes; the final image is the
            // server's, with its limits.
            let final_image = p.target.is_none();
            let restart = match p.kind {
                ProcessKind::Release => "no",
                ProcessKind::Worker => "unless-stopped",
            };
            security(
                &mut out,
                restart,
                final_image && app.read_only,
                final_image && app.cap_drop_all,
                &app.memory,
            );
        }
    }
    for b in &stack.backing {
        let name = compose_name(&b.facts.id);
        let _ = writeln!(out, "  {}:", scalar(&name));
        let _ = writeln!(out, "    image: {}", scalar(&b.image.image));
        if !b.image.command.is_empty() {
            if let Some(why) = &b.image.command_why {
                for line in why.lines() {
                    let _ = writeln!(out, "    # {line}");
                }
            }
            let args: Vec<String> = b.image.command.iter().map(|a| scalar(a)).collect();
            let _ = writeln!(out, "    command: [{}]", args.join(", "));
        }
        if !b.image.environment.is_empty() {
            out.push_str("    environment:\n");
            for e in &b.image.environment {
                let _ = writeln!(
                    out,
                    "      {}: {}",
                    scalar(&e.name),
                    scalar(&e.compose_value())
                );
            }
        }
        let _ = write!(
            out,
            "    ports:\n      - {}\n",
            scalar(&format!("127.0.0.1:{0}:{0}", b.image.port))
        );
        let _ = write!(
            out,
            "    volumes:\n      - {}\n",
            scalar(&format!("{name}-data:{}", b.image.data))
        );
        let test: Vec<String> = b.image.healthcheck.iter().map(|t| scalar(t)).collect();
        let _ = write!(
            out,
            "    healthcheck:\n      test: [{}]\n      interval: {HEALTH_INTERVAL}\n      \
             timeout: {HEALTH_TIMEOUT}\n      retries: {HEALTH_RETRIES}\n      \
             start_period: {HEALTH_START_PERIOD}\n",
            test.join(", ")
        );
        security(&mut out, "unless-stopped", false, false, &b.image.memory);
    }
    let app_volumes: Vec<&String> = stack
        .apps
        .iter()
        .flat_map(|a| a.data.iter().map(|(v, _)| v))
        .collect();
    if !stack.backing.is_empty() || !app_volumes.is_empty() {
        out.push_str("volumes:\n");
        for v in app_volumes {
            let _ = writeln!(out, "  {}:", scalar(v));
        }
        for b in &stack.backing {
            let _ = writeln!(
                out,
                "  {}:",
                scalar(&format!("{}-data", compose_name(&b.facts.id)))
            );
        }
    }
    out
}

/// The compose file `init` manages: the one the repository already has at its root (so
/// `--force` replaces it rather than adding a second one Compose would ignore), else
/// `compose.yaml`.
fn compose_path(facts: &Facts) -> String {
    COMPOSE_NAMES
        .iter()
        .find(|n| facts.containers.compose_files.iter().any(|f| f == *n))
        .map_or_else(|| COMPOSE_FILE.to_string(), |n| n.to_string())
}

/// Add `compose.yaml` for local development to `plan`.
pub fn plan(facts: &Facts, inv: &Inventory, plan: &mut Plan) {
    if facts.services.is_empty() {
        return;
    }
    let table = match table() {
        Ok(t) => t,
        Err(e) => {
            plan.warnings.push(format!(
                "compose.yaml not generated: {e} (a bug in shipshape — please report it)"
            ));
            return;
        }
    };
    let stack = local_stack(facts, inv, plan, table);
    let content = render(&stack);
    let apps: Vec<String> = stack
        .apps
        .iter()
        .map(|a| format!("{} ({})", a.name, show_dir(dir_of(&a.target.dockerfile))))
        .collect();
    let backing: Vec<String> = stack
        .backing
        .iter()
        .map(|b| format!("{} {}", b.image.name, b.image.image))
        .collect();
    let mut reason = format!(
        "Local development: builds {} from their Dockerfiles",
        apps.join(", ")
    );
    if !backing.is_empty() {
        let _ = write!(
            reason,
            ", runs {} with healthchecks and named volumes",
            backing.join(", ")
        );
    }
    reason.push_str("; ports on 127.0.0.1 only, configuration from .env");
    plan.warnings.extend(stack.warnings);
    plan.files.push(PlannedFile {
        path: compose_path(facts),
        content,
        reason,
        category: Category::Docker,
        artifact: Artifact::Compose,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_table_parses_and_every_backing_image_is_pinned() {
        let table = table().unwrap_or_else(|e| panic!("{e}"));
        for (id, b) in &table.backing {
            let tag = shipshape_syntax::image::parse(&b.image).tag().unwrap_or("");
            assert!(
                !tag.is_empty() && tag != "latest" && tag.contains(|c: char| c.is_ascii_digit()),
                "{id}: `{}` is not pinned to a version",
                b.image
            );
            assert!(!b.healthcheck.is_empty(), "{id} has no healthcheck");
            assert!(
                b.data.starts_with('/'),
                "{id}: data folder must be absolute"
            );
        }
        assert!(table.app.contains_key("default"));
    }

    #[test]
    fn postgres_serves_tls_with_the_certificate_its_image_carries() {
        // Apps written for managed PostgreSQL require TLS (`ssl: true`, `sslmode=require`):
        // against a server without it they stop at their first connection.
        let table = table().unwrap_or_else(|e| panic!("{e}"));
        let pg = &table.backing["postgres"];
        // Debian's ssl-cert pair ships in the Debian variant only, not in Alpine's.
        assert!(!pg.image.contains("alpine"), "{}", pg.image);
        let command = pg.command.join(" ");
        for setting in [
            "ssl=on",
            "ssl_cert_file=/etc/ssl/certs/ssl-cert-snakeoil.pem",
            "ssl_key_file=/etc/ssl/private/ssl-cert-snakeoil.key",
        ] {
            assert!(command.contains(setting), "{command}");
        }
        assert_eq!(pg.command.first().map(String::as_str), Some("postgres"));
        assert!(pg.command_why.is_some());
    }

    #[test]
    fn quotes_only_what_yaml_could_misread() {
        assert_eq!(scalar("web"), "web");
        assert_eq!(scalar("./api"), "./api");
        assert_eq!(scalar("no"), "\"no\"");
        assert_eq!(scalar("512M"), "\"512M\"");
        assert_eq!(scalar("127.0.0.1:5432:5432"), "\"127.0.0.1:5432:5432\"");
        assert_eq!(scalar("${A:-b}"), "\"${A:-b}\"");
    }

    #[test]
    fn names_services_the_way_compose_accepts() {
        assert_eq!(compose_name("@acme/Web App"), "acme-web-app");
        assert_eq!(compose_name("Api"), "api");
        assert_eq!(compose_name("__"), "app");
    }

    #[test]
    fn finds_the_dockerfile_relative_to_its_context() {
        assert_eq!(dockerfile_in_context("web/Dockerfile", "web"), "Dockerfile");
        assert_eq!(
            dockerfile_in_context("services/api/Dockerfile", "."),
            "services/api/Dockerfile"
        );
        assert_eq!(
            dockerfile_in_context("docker/api.Dockerfile", "api"),
            "../docker/api.Dockerfile"
        );
    }

    #[test]
    fn passwords_come_from_env_and_are_required() {
        let secret = EnvSetting {
            name: "POSTGRES_PASSWORD".into(),
            default: None,
            secret: true,
            comment: String::new(),
        };
        assert_eq!(
            secret.compose_value(),
            "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}"
        );
    }
}
