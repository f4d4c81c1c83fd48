//! Detection of Go services: a folder with `go.mod` (or a `go.work` workspace root). The module
//! file gives the name, Go version and dependencies (framework, backing services); the code
//! gives the main package, the listen port and whether the program serves HTTP at all.

use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::model::{
    Ambiguity, BackingKind, Framework, Language, PackageManager, Service, ServiceRole,
};
use crate::stacks::add_backing;
use crate::stacks::Found;

/// One `require` of a go.mod, with the line it sits on.
#[derive(Debug, Clone, PartialEq)]
struct Require {
    path: String,
    version: String,
    line: u32,
    indirect: bool,
}

/// What a go.mod says, kept with lines for evidence.
#[derive(Debug, Default, PartialEq)]
struct GoMod {
    module: Option<(String, u32)>,
    go: Option<(String, u32)>,
    toolchain: Option<(String, u32)>,
    requires: Vec<Require>,
}

/// Read a go.mod. The format is line based; anything unrecognised is ignored rather than
/// rejected, so a half-edited file still yields what it can.
fn parse_go_mod(text: &str) -> GoMod {
    let mut m = GoMod::default();
    let mut in_require = false;
    let mut in_other_block = false;
    for (i, raw) in text.lines().enumerate() {
        let line_no = (i + 1) as u32;
        let (code, comment) = match raw.find("//") {
            Some(p) => (&raw[..p], &raw[p..]),
            None => (raw, ""),
        };
        let code = code.trim();
        if code.is_empty() {
            continue;
        }
        if in_require || in_other_block {
            if code == ")" {
                in_require = false;
                in_other_block = false;
            } else if in_require {
                if let Some(r) = require_entry(code, comment, line_no) {
                    m.requires.push(r);
                }
            }
            continue;
        }
        let mut words = code.split_whitespace();
        let Some(directive) = words.next() else {
            continue;
        };
        let rest: Vec<&str> = words.collect();
        match directive {
            "module" => {
                if let Some(p) = rest.first() {
                    m.module = Some((p.trim_matches('"').to_string(), line_no));
                }
            }
            "go" => {
                if let Some(v) = rest.first() {
                    m.go = Some((v.to_string(), line_no));
                }
            }
            "toolchain" => {
                if let Some(v) = rest.first().and_then(|v| v.strip_prefix("go")) {
                    m.toolchain = Some((v.to_string(), line_no));
                }
            }
            "require" => {
                if rest.first() == Some(&"(") {
                    in_require = true;
                } else if let Some(r) = require_entry(&rest.join(" "), comment, line_no) {
                    m.requires.push(r);
                }
            }
            // replace / exclude / retract / tool blocks: skipped, but their `)` must not end
            // a require block that is not open.
            _ => {
                if rest.last() == Some(&"(") {
                    in_other_block = true;
                }
            }
        }
    }
    m
}

fn require_entry(code: &str, comment: &str, line: u32) -> Option<Require> {
    let mut parts = code.split_whitespace();
    let path = parts.next()?.trim_matches('"').to_string();
    let version = parts.next()?.to_string();
    Some(Require {
        path,
        version,
        line,
        indirect: comment.contains("indirect"),
    })
}

/// The service name from a module path: its last element, skipping a `/v2`-style major
/// version suffix (`github.com/acme/api/v2` is "api").
fn name_from_module(path: &str) -> String {
    let mut parts = path.rsplit('/');
    let last = parts.next().unwrap_or(path);
    let is_major =
        last.len() > 1 && last.starts_with('v') && last[1..].chars().all(|c| c.is_ascii_digit());
    if is_major {
        if let Some(prev) = parts.next() {
            return prev.to_string();
        }
    }
    last.to_string()
}

/// Frameworks by module path prefix, in order of precedence.
const FRAMEWORKS: &[(&str, Framework, &str)] = &[
    ("github.com/gin-gonic/gin", Framework::Gin, "gin"),
    ("github.com/labstack/echo", Framework::Echo, "echo"),
    ("github.com/gofiber/fiber", Framework::Fiber, "fiber"),
    ("github.com/go-chi/chi", Framework::Chi, "chi"),
    (
        "github.com/gorilla/mux",
        Framework::GorillaMux,
        "gorilla/mux",
    ),
];

/// Backing services by module path prefix.
const BACKING: &[(&str, &[BackingKind])] = &[
    ("github.com/lib/pq", &[BackingKind::Postgres]),
    ("github.com/jackc/pgx", &[BackingKind::Postgres]),
    ("gorm.io/driver/postgres", &[BackingKind::Postgres]),
    ("github.com/go-sql-driver/mysql", &[BackingKind::Mysql]),
    ("gorm.io/driver/mysql", &[BackingKind::Mysql]),
    ("github.com/redis/go-redis", &[BackingKind::Redis]),
    ("github.com/go-redis/redis", &[BackingKind::Redis]),
    ("github.com/gomodule/redigo", &[BackingKind::Redis]),
    ("go.mongodb.org/mongo-driver", &[BackingKind::Mongodb]),
    ("github.com/rabbitmq/amqp091-go", &[BackingKind::Rabbitmq]),
    ("github.com/streadway/amqp", &[BackingKind::Rabbitmq]),
    ("github.com/segmentio/kafka-go", &[BackingKind::Kafka]),
    (
        "github.com/confluentinc/confluent-kafka-go",
        &[BackingKind::Kafka],
    ),
    ("github.com/IBM/sarama", &[BackingKind::Kafka]),
    ("github.com/Shopify/sarama", &[BackingKind::Kafka]),
    (
        "github.com/aws/aws-sdk-go-v2/service/s3",
        &[BackingKind::S3],
    ),
    ("github.com/minio/minio-go", &[BackingKind::S3]),
    (
        "github.com/elastic/go-elasticsearch",
        &[BackingKind::Elasticsearch],
    ),
    ("github.com/bradfitz/gomemcache", &[BackingKind::Memcached]),
    (
        "github.com/hibiken/asynq",
        &[BackingKind::QueueWorker, BackingKind::Redis],
    ),
];

/// Dependencies that need cgo: the binary cannot be built with `CGO_ENABLED=0`.
const CGO_MODULES: &[&str] = &[
    "github.com/mattn/go-sqlite3",
    "github.com/confluentinc/confluent-kafka-go",
];

/// A require matches a prefix when it is that module or a major-version/sub path of it.
fn module_matches(path: &str, prefix: &str) -> bool {
    path == prefix || path.starts_with(&format!("{prefix}/"))
}

static PACKAGE_MAIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^package[ \t]+main(?-u:\b)").expect("built-in pattern"));
static FUNC_MAIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^func\s+main\s*\(\s*\)").expect("built-in pattern"));
static NET_HTTP_IMPORT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""net/http""#).expect("built-in pattern"));
static NET_HTTP_SERVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)http\.(?:ListenAndServe(?:TLS)?\s*\(|Server\s*\{)|\.ListenAndServe(?:TLS)?\s*\(",
    )
    .expect("built-in pattern")
});
static CGO_IMPORT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?m)^import\s+"C"\s*$"#).expect("built-in pattern"));
/// A listen address literal handed to a server: `ListenAndServe(":8080"`,
/// `http.Server{Addr: ":8080"}` (not any `Addr:`, which client options use too),
/// `r.Run(":8080")`, `e.Start(":1323")`, `app.Listen(":3000")`, `net.Listen("tcp", ":8080")`.
static LISTEN_LITERAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?:ListenAndServe(?:TLS)?\(|\.Run\(|\.Start\(|\.Listen\((?:\s*"tcp[46]?"\s*,)?|http\.Server\s*\{[^}]*?Addr\s*:)\s*"(?:[\w.\-]*|\[::\])?:(\d{2,5})""#,
    )
    .expect("built-in pattern")
});
/// A command-line flag holding the listen address, with its default:
/// `addr = flag.String("addr", "localhost:8080", "address to serve")`.
static LISTEN_FLAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"flag\.String\(\s*"((?i)[\w-]*(?:addr|listen|bind|http)[\w-]*)"\s*,\s*"(localhost|127\.0\.0\.1|0\.0\.0\.0|)?:(\d{2,5})""#,
    )
    .expect("built-in pattern")
});
/// `os.Getenv("PORT")` followed by a fallback literal a few lines later
/// (`if port == "" { port = "8080" }`).
static PORT_ENV_FALLBACK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"os\.(?:Getenv|LookupEnv)\(\s*"PORT"\s*\)(?s:.){0,200}?=\s*":?(\d{2,5})""#)
        .expect("built-in pattern")
});
/// A helper reading PORT with a default: `getEnv("PORT", "8080")`, `envOr("PORT", ":8080")`.
static PORT_ENV_HELPER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\w+\(\s*"PORT"\s*,\s*":?(\d{2,5})"\s*\)"#).expect("built-in pattern")
});
/// gin's `r.Run()` with no address listens on :8080 (or $PORT).
static GIN_RUN_DEFAULT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\.Run\(\s*\)").expect("built-in pattern"));

/// Detect a Go service (or library, or go.work root) in `dir`.
pub fn detect(ctx: &Ctx, dir: &str) -> Option<Found> {
    let mod_path = Ctx::join(dir, "go.mod");
    let Some(mod_text) = ctx.text(&mod_path) else {
        return detect_work(ctx, dir);
    };
    let gomod = parse_go_mod(&mod_text);

    let name = match &gomod.module {
        Some((path, _)) => name_from_module(path),
        None => {
            ctx.note(
                &mod_path,
                None,
                "go.mod has no `module` line — the folder name was used as the service name",
            );
            folder_name(dir)
        }
    };
    let sources = ctx.source_texts(dir, &["go"]);

    // A module without a main package is a library, whatever it imports.
    let mains: Vec<(String, Evidence)> = main_packages(dir, &sources);
    if mains.is_empty() {
        return Some(Found::Library { name });
    }

    let lang_ev = match &gomod.module {
        Some((_, line)) => Evidence::new(&mod_path, Some(*line), "go.mod > module"),
        None => Evidence::file(&mod_path, "go.mod"),
    };
    let mut svc = Service::new(&name, dir, Located::new(Language::Go, lang_ev));

    let direct: Vec<&Require> = gomod.requires.iter().filter(|r| !r.indirect).collect();
    svc.package_manager = Some(package_manager(ctx, dir, &mod_path, &gomod));
    svc.runtime_version = runtime_version(ctx, dir, &name, &mod_path, &gomod);

    // Framework: a web framework required directly, else net/http serving in code.
    let frameworks: Vec<Located<Framework>> = FRAMEWORKS
        .iter()
        .filter_map(|(prefix, fw, label)| {
            direct
                .iter()
                .find(|r| module_matches(&r.path, prefix))
                .map(|r| {
                    Located::new(
                        *fw,
                        Evidence::new(
                            &mod_path,
                            Some(r.line),
                            format!("go.mod > require {} ({label})", r.path),
                        ),
                    )
                })
        })
        .collect();
    if frameworks.len() > 1 {
        ctx.ambiguity(Ambiguity {
            subject: format!("services.{name}.framework"),
            chosen: Some(framework_label(frameworks[0].value).to_string()),
            candidates: frameworks
                .iter()
                .map(|f| Located {
                    value: framework_label(f.value).to_string(),
                    evidence: f.evidence.clone(),
                })
                .collect(),
            hint: format!("set `framework` under [services.{name}] in shipshape.toml"),
        });
    }
    svc.framework = frameworks
        .into_iter()
        .next()
        .or_else(|| net_http_server(&sources));

    // The main package that serves HTTP is the one to build, when there are several.
    let main = pick_main(ctx, &name, &mains, &sources);
    let (main_pkg, main_ev) = main;
    // Only the built package's files: another main package of the module does not run.
    let main_dir = Ctx::join(dir, main_pkg.trim_start_matches("./"));
    let main_dir = main_dir.trim_end_matches("/.").trim_end_matches('/');
    let main_sources: Vec<_> = sources
        .iter()
        .filter(|(f, _)| f.dir() == main_dir || (main_dir == "." && f.dir().is_empty()))
        .cloned()
        .collect();
    svc.loopback_bind = crate::stacks::shared::loopback_bind("go", &main_sources);

    svc.role = if svc.framework.is_some() {
        ServiceRole::Api
    } else {
        ServiceRole::Worker
    };

    // Build and start: a static binary unless a dependency or the code needs cgo.
    let cgo = direct
        .iter()
        .find(|r| CGO_MODULES.iter().any(|p| module_matches(&r.path, p)))
        .map(|r| {
            Evidence::new(
                &mod_path,
                Some(r.line),
                format!("go.mod > require {} (needs cgo)", r.path),
            )
        })
        .or_else(|| {
            sources.iter().find_map(|(f, t)| {
                CGO_IMPORT
                    .find(t)
                    .map(|m| Evidence::at_offset(&f.path, t, m.start(), "import \"C\" (needs cgo)"))
            })
        });
    let build = match &cgo {
        None => format!("CGO_ENABLED=0 go build -trimpath -o bin/{name} {main_pkg}"),
        Some(_) => format!("go build -trimpath -o bin/{name} {main_pkg}"),
    };
    let mut build_ev = vec![Evidence::new(
        main_ev.path.clone(),
        main_ev.line,
        match &cgo {
            None => format!("main package {main_pkg}; CGO_ENABLED=0 for a static binary"),
            Some(_) => format!("main package {main_pkg}; cgo kept on"),
        },
    )];
    build_ev.extend(cgo);
    svc.build_command = Some(Located {
        value: build,
        evidence: build_ev,
    });
    svc.start_command = Some(Located::new(
        format!("./bin/{name}"),
        Evidence::new(
            main_ev.path.clone(),
            main_ev.line,
            format!("binary built from {main_pkg}"),
        ),
    ));
    // A listen-address flag that defaults to the loopback interface: in a container nothing
    // outside reaches 127.0.0.1, so the command names every interface on the same port.
    if svc.role != ServiceRole::Worker {
        if let Some((f, text, c)) = sources.iter().find_map(|(f, text)| {
            LISTEN_FLAG
                .captures(text)
                .filter(|c| {
                    c.get(2)
                        .is_some_and(|h| matches!(h.as_str(), "localhost" | "127.0.0.1"))
                })
                .map(|c| (f, text, c))
        }) {
            let (flag, port) = (&c[1], &c[3]);
            let at = c.get(0).map_or(0, |m| m.start());
            if let Some(start) = svc.start_command.as_mut() {
                start.value = format!("{} -{flag}=:{port}", start.value);
                start.evidence.push(Evidence::at_offset(
                    &f.path,
                    text,
                    at,
                    format!("-{flag} defaults to a loopback address; listen on every interface"),
                ));
            }
        }
    }

    if svc.role != ServiceRole::Worker {
        let fw = svc.framework.clone();
        let (explicit, default) = code_ports(&sources, fw.as_ref());
        let mut explicit = explicit;
        explicit.extend(ctx.port_hints(dir));
        svc.port = ctx.choose_port(&name, default, explicit);
        svc.health_path = ctx.health_path(dir, Language::Go);
    }

    for r in &direct {
        for (prefix, kinds) in BACKING {
            if module_matches(&r.path, prefix) {
                for kind in *kinds {
                    add_backing(
                        &mut svc.backing_services,
                        *kind,
                        Evidence::new(
                            &mod_path,
                            Some(r.line),
                            format!("go.mod > require {}", r.path),
                        ),
                    );
                }
            }
        }
    }
    svc.env_vars = ctx.env_vars(dir, Language::Go);
    Some(Found::Service(Box::new(svc)))
}

/// A `go.work` without a `go.mod` beside it: the root of a Go workspace. Its `use` folders are
/// candidates of their own (each has a go.mod); one that has none is worth a note.
fn detect_work(ctx: &Ctx, dir: &str) -> Option<Found> {
    let work_path = Ctx::join(dir, "go.work");
    let text = ctx.text(&work_path)?;
    let uses = go_work_uses(&text);
    for (member, line) in &uses {
        let member_dir = normalise_rel(dir, member);
        if !ctx.exists(&Ctx::join(&member_dir, "go.mod")) {
            ctx.note(
                &work_path,
                Some(*line),
                format!("go.work uses {member} but {member_dir}/go.mod was not found"),
            );
        }
    }
    let line = uses.first().map(|(_, l)| *l);
    Some(Found::WorkspaceRoot {
        tools: vec![Located::new(
            "go-work".to_string(),
            Evidence::new(&work_path, line, "go.work > use"),
        )],
    })
}

/// The folders named by `use` directives (single or block form), with their lines.
fn go_work_uses(text: &str) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    let mut in_block = false;
    for (i, raw) in text.lines().enumerate() {
        let code = raw.split("//").next().unwrap_or("").trim();
        let line = (i + 1) as u32;
        if in_block {
            if code == ")" {
                in_block = false;
            } else if !code.is_empty() {
                out.push((code.trim_matches('"').to_string(), line));
            }
            continue;
        }
        if let Some(rest) = code.strip_prefix("use") {
            let rest = rest.trim();
            if rest == "(" {
                in_block = true;
            } else if !rest.is_empty() && code.starts_with("use ") {
                out.push((rest.trim_matches('"').to_string(), line));
            }
        }
    }
    out
}

/// `dir` joined with a `./`-relative member path.
fn normalise_rel(dir: &str, member: &str) -> String {
    let m = member.trim_start_matches("./").trim_end_matches('/');
    if m.is_empty() || m == "." {
        dir.to_string()
    } else {
        Ctx::join(dir, m)
    }
}

fn folder_name(dir: &str) -> String {
    if dir == "." || dir.is_empty() {
        "app".to_string()
    } else {
        dir.rsplit('/').next().unwrap_or(dir).to_string()
    }
}

/// Every main package of the module: `(./relative/pkg, evidence at func main)`, in path order.
fn main_packages(
    dir: &str,
    sources: &[(&shipshape_core::FileEntry, std::sync::Arc<str>)],
) -> Vec<(String, Evidence)> {
    let mut out: Vec<(String, Evidence)> = Vec::new();
    for (f, text) in sources {
        if !is_main_package(text) {
            continue;
        }
        let Some(m) = FUNC_MAIN.find(text) else {
            continue;
        };
        let rel_dir = relative_dir(dir, f.dir());
        let pkg = if rel_dir.is_empty() {
            ".".to_string()
        } else {
            format!("./{rel_dir}")
        };
        if out.iter().any(|(p, _)| *p == pkg) {
            continue;
        }
        out.push((
            pkg,
            Evidence::at_offset(&f.path, text, m.start(), "package main > func main"),
        ));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Whether a Go file (its comments blanked) is in package main. The package clause is the
/// file's first statement: read there, not searched for through the whole file.
fn is_main_package(text: &str) -> bool {
    let first = text.lines().map(str::trim).find(|l| !l.is_empty());
    match first {
        Some(line) if line.starts_with("package") => {
            let mut words = line.split(|c: char| c.is_whitespace() || c == ';');
            words.next() == Some("package") && words.find(|w| !w.is_empty()) == Some("main")
        }
        _ => PACKAGE_MAIN.is_match(text),
    }
}

/// `file_dir` relative to the service folder `dir` (`""` when they are the same).
fn relative_dir(dir: &str, file_dir: &str) -> String {
    if dir == "." || dir.is_empty() {
        return file_dir.to_string();
    }
    file_dir
        .strip_prefix(dir)
        .map(|r| r.trim_start_matches('/').to_string())
        .unwrap_or_else(|| file_dir.to_string())
}

/// With several main packages, the one whose code listens is the service; if that does not
/// settle it, the first is used and the choice is reported.
fn pick_main(
    ctx: &Ctx,
    name: &str,
    mains: &[(String, Evidence)],
    sources: &[(&shipshape_core::FileEntry, std::sync::Arc<str>)],
) -> (String, Evidence) {
    if mains.len() == 1 {
        return mains[0].clone();
    }
    let serving: Vec<&(String, Evidence)> = mains
        .iter()
        .filter(|(_, ev)| {
            let pkg_dir = ev.path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
            sources.iter().any(|(f, t)| {
                f.dir() == pkg_dir
                    && ((has_colon_port(t) && LISTEN_LITERAL.is_match(t))
                        || NET_HTTP_SERVE.is_match(t))
            })
        })
        .collect();
    if serving.len() == 1 {
        return serving[0].clone();
    }
    let pool: Vec<&(String, Evidence)> = if serving.is_empty() {
        mains.iter().collect()
    } else {
        serving
    };
    ctx.ambiguity(Ambiguity {
        subject: format!("services.{name}.main_package"),
        chosen: Some(pool[0].0.clone()),
        candidates: pool
            .iter()
            .map(|(p, ev)| Located::new(p.clone(), ev.clone()))
            .collect(),
        hint: format!(
            "set `build_command` and `start_command` under [services.{name}] in shipshape.toml"
        ),
    });
    pool[0].clone()
}

/// net/http used as a server: the import plus `ListenAndServe` or an `http.Server{}`.
fn net_http_server(
    sources: &[(&shipshape_core::FileEntry, std::sync::Arc<str>)],
) -> Option<Located<Framework>> {
    sources.iter().find_map(|(f, t)| {
        if !NET_HTTP_IMPORT.is_match(t) {
            return None;
        }
        NET_HTTP_SERVE.find(t).map(|m| {
            Located::new(
                Framework::NetHttp,
                Evidence::at_offset(&f.path, t, m.start(), "net/http server"),
            )
        })
    })
}

fn framework_label(fw: Framework) -> &'static str {
    FRAMEWORKS
        .iter()
        .find(|(_, f, _)| *f == fw)
        .map(|(_, _, l)| *l)
        .unwrap_or("net/http")
}

/// Whether `text` holds a colon followed by two digits (`":8080"`, `"localhost:80"`): the
/// part of a listen address [`LISTEN_LITERAL`] and [`LISTEN_FLAG`] cannot match without.
fn has_colon_port(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr_iter(b':', b).any(|i| {
        b.get(i + 1).is_some_and(u8::is_ascii_digit) && b.get(i + 2).is_some_and(u8::is_ascii_digit)
    })
}

/// Ports the code states (`explicit`, in file order) and the framework default, if any.
fn code_ports(
    sources: &[(&shipshape_core::FileEntry, std::sync::Arc<str>)],
    framework: Option<&Located<Framework>>,
) -> (Vec<Located<u16>>, Option<Located<u16>>) {
    let mut explicit = Vec::new();
    let mut default = None;
    for (f, text) in sources {
        let mut found: Vec<(usize, u16, &str)> = Vec::new();
        // Each pattern ends in a port literal; most files have none, and the patterns' short
        // literals (`.Run(`, `\w+(`) alone do not let the regex engine skip them fast.
        let port_env = memchr::memmem::find(text.as_bytes(), b"\"PORT\"").is_some();
        let listen = has_colon_port(text);
        for c in PORT_ENV_FALLBACK.captures_iter(if port_env { text } else { "" }) {
            if let Some(m) = c.get(1) {
                if let Ok(p) = m.as_str().parse::<u16>() {
                    found.push((m.start(), p, "PORT env var, fallback in code"));
                }
            }
        }
        for c in PORT_ENV_HELPER.captures_iter(if port_env { text } else { "" }) {
            if let Some(m) = c.get(1) {
                if let Ok(p) = m.as_str().parse::<u16>() {
                    found.push((m.start(), p, "PORT env var, default in code"));
                }
            }
        }
        for c in LISTEN_LITERAL.captures_iter(if listen { text } else { "" }) {
            if let Some(m) = c.get(1) {
                if let Ok(p) = m.as_str().parse::<u16>() {
                    found.push((m.start(), p, "listen address in code"));
                }
            }
        }
        for c in LISTEN_FLAG.captures_iter(if listen { text } else { "" }) {
            if let Some(m) = c.get(3) {
                if let Ok(p) = m.as_str().parse::<u16>() {
                    found.push((m.start(), p, "listen address flag, default in code"));
                }
            }
        }
        found.sort_by_key(|(o, _, _)| *o);
        found.dedup_by_key(|(o, _, _)| *o);
        for (offset, port, note) in found {
            if port > 0 {
                explicit.push(Located::new(
                    port,
                    Evidence::at_offset(&f.path, text, offset, note),
                ));
            }
        }
        if default.is_none() && framework.is_some_and(|fw| fw.value == Framework::Gin) {
            if let Some(m) = GIN_RUN_DEFAULT.find(text) {
                default = Some(Located::new(
                    8080,
                    Evidence::at_offset(
                        &f.path,
                        text,
                        m.start(),
                        "gin default (r.Run() listens on :8080)",
                    ),
                ));
            }
        }
    }
    (explicit, default)
}

/// Go modules; go.sum is the lockfile when present.
fn package_manager(ctx: &Ctx, dir: &str, mod_path: &str, gomod: &GoMod) -> Located<PackageManager> {
    let sum = Ctx::join(dir, "go.sum");
    let mut evidence = vec![match &gomod.module {
        Some((_, line)) => Evidence::new(mod_path, Some(*line), "go.mod > module"),
        None => Evidence::file(mod_path, "go.mod"),
    }];
    if ctx.exists(&sum) {
        evidence.push(Evidence::file(&sum, "go.sum (module checksums)"));
    }
    Located {
        value: PackageManager::GoModules,
        evidence,
    }
}

/// Go version: `toolchain` (the exact release) over the `go` line (the language version),
/// then `.tool-versions`. A `.tool-versions` pin of another minor release is reported.
fn runtime_version(
    ctx: &Ctx,
    dir: &str,
    name: &str,
    mod_path: &str,
    gomod: &GoMod,
) -> Option<Located<String>> {
    let from_mod = gomod
        .toolchain
        .as_ref()
        .map(|(v, l)| {
            Located::new(
                v.clone(),
                Evidence::new(mod_path, Some(*l), format!("go.mod > toolchain go{v}")),
            )
        })
        .or_else(|| {
            gomod.go.as_ref().map(|(v, l)| {
                Located::new(
                    v.clone(),
                    Evidence::new(mod_path, Some(*l), format!("go.mod > go {v}")),
                )
            })
        });
    let from_tool_versions = tool_versions_go(ctx, dir);
    match (from_mod, from_tool_versions) {
        (Some(m), Some(t)) => {
            if minor_of(&m.value) != minor_of(&t.value) {
                ctx.ambiguity(Ambiguity {
                    subject: format!("services.{name}.runtime_version"),
                    chosen: Some(m.value.clone()),
                    candidates: vec![
                        Located {
                            value: m.value.clone(),
                            evidence: m.evidence.clone(),
                        },
                        t,
                    ],
                    hint: format!(
                        "align go.mod and .tool-versions, or set `runtime_version` under [services.{name}] in shipshape.toml"
                    ),
                });
            }
            Some(m)
        }
        (m, t) => m.or(t),
    }
}

/// `1.22.3` → `1.22`.
fn minor_of(v: &str) -> String {
    v.split('.').take(2).collect::<Vec<_>>().join(".")
}

/// `golang 1.22.3` (asdf) or `go 1.22.3` (mise) in the service's or the repository's
/// `.tool-versions`.
fn tool_versions_go(ctx: &Ctx, dir: &str) -> Option<Located<String>> {
    let mut paths = vec![Ctx::join(dir, ".tool-versions")];
    if dir != "." {
        paths.push(".tool-versions".to_string());
    }
    for path in paths {
        let Some(text) = ctx.text(&path) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            let mut words = line.split_whitespace();
            let tool = words.next();
            if matches!(tool, Some("golang") | Some("go")) {
                if let Some(v) = words.next() {
                    return Some(Located::new(
                        v.to_string(),
                        Evidence::new(
                            &path,
                            Some((i + 1) as u32),
                            format!(".tool-versions > {}", tool.unwrap_or("go")),
                        ),
                    ));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_mod_directives_and_require_blocks() {
        let text = "module github.com/acme/api/v2\n\ngo 1.22\n\ntoolchain go1.22.3\n\nrequire github.com/lib/pq v1.10.9\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.9.1 // web\n\tgolang.org/x/sys v0.18.0 // indirect\n)\n\nreplace (\n\tfoo => ../foo\n)\n";
        let m = parse_go_mod(text);
        assert_eq!(m.module, Some(("github.com/acme/api/v2".to_string(), 1)));
        assert_eq!(m.go, Some(("1.22".to_string(), 3)));
        assert_eq!(m.toolchain, Some(("1.22.3".to_string(), 5)));
        assert_eq!(m.requires.len(), 3);
        assert_eq!(m.requires[0].path, "github.com/lib/pq");
        assert_eq!(m.requires[0].line, 7);
        assert_eq!(m.requires[1].path, "github.com/gin-gonic/gin");
        assert!(!m.requires[1].indirect);
        assert!(m.requires[2].indirect);
    }

    #[test]
    fn names_a_module_after_its_last_path_element_without_major_suffix() {
        assert_eq!(name_from_module("github.com/acme/api/v2"), "api");
        assert_eq!(name_from_module("github.com/acme/orders"), "orders");
        assert_eq!(name_from_module("example.com/v2"), "example.com");
        assert_eq!(name_from_module("hello"), "hello");
    }

    #[test]
    fn reads_go_work_use_lines_in_both_forms() {
        let text =
            "go 1.22\n\nuse (\n\t./services/api\n\t./libs/shared // shared code\n)\nuse ./tools\n";
        assert_eq!(
            go_work_uses(text),
            vec![
                ("./services/api".to_string(), 4),
                ("./libs/shared".to_string(), 5),
                ("./tools".to_string(), 7)
            ]
        );
    }

    #[test]
    fn the_package_clause_decides_package_main() {
        assert!(is_main_package("\n\npackage main\n\nfunc main() {}\n"));
        assert!(is_main_package("package\tmain;\n"));
        assert!(!is_main_package("package mainly\n"));
        assert!(!is_main_package(
            "package server\n\n// package main\nvar s = `\npackage main\n`\n"
        ));
        // Anything before the clause (a byte-order mark): the whole file is searched.
        assert!(is_main_package("\u{feff}x\npackage main\n"));
        assert!(!is_main_package(""));
    }

    #[test]
    fn finds_listen_address_flags_with_their_default() {
        let all = |t: &str| -> Vec<(String, String, String)> {
            LISTEN_FLAG
                .captures_iter(t)
                .map(|c| {
                    let g = |i| c.get(i).map_or("", |m| m.as_str()).to_string();
                    (g(1), g(2), g(3))
                })
                .collect()
        };
        assert_eq!(
            all(r#"addr = flag.String("addr", "localhost:8080", "address to serve")"#),
            [("addr".into(), "localhost".into(), "8080".into())]
        );
        assert_eq!(
            all(r#"httpAddr = flag.String("http", ":8080", "Listen address")"#),
            [("http".into(), String::new(), "8080".into())]
        );
        // Not a listen address: another flag, or a URL.
        assert!(all(r#"flag.String("g", "Hello", "greeting")"#).is_empty());
        assert!(all(r#"flag.String("db", "localhost:5432", "database")"#).is_empty());
    }

    #[test]
    fn finds_listen_literals_and_port_fallbacks() {
        let caps = |re: &Regex, t: &str| -> Vec<String> {
            re.captures_iter(t).map(|c| c[1].to_string()).collect()
        };
        assert_eq!(caps(&LISTEN_LITERAL, r#"r.Run(":9090")"#), ["9090"]);
        assert_eq!(
            caps(&LISTEN_LITERAL, r#"e.Logger.Fatal(e.Start(":1323"))"#),
            ["1323"]
        );
        assert_eq!(
            caps(
                &LISTEN_LITERAL,
                r#"srv := &http.Server{Addr: "0.0.0.0:8081"}"#
            ),
            ["8081"]
        );
        assert_eq!(
            caps(&LISTEN_LITERAL, r#"net.Listen("tcp", ":7000")"#),
            ["7000"]
        );
        assert!(caps(&LISTEN_LITERAL, r#"http.ListenAndServe(":"+port, nil)"#).is_empty());
        assert!(caps(
            &LISTEN_LITERAL,
            r#"redis.NewClient(&redis.Options{Addr: "localhost:6379"})"#
        )
        .is_empty());
        let code = "port := os.Getenv(\"PORT\")\n\tif port == \"\" {\n\t\tport = \"8080\"\n\t}\n";
        assert_eq!(caps(&PORT_ENV_FALLBACK, code), ["8080"]);
        assert_eq!(
            caps(&PORT_ENV_HELPER, r#"addr := getEnv("PORT", ":4000")"#),
            ["4000"]
        );
    }
}
