//! Detection of Rust services: a folder with `Cargo.toml`. The manifest (merged with its
//! workspace's shared dependencies) gives the framework, binaries and backing services; the
//! toolchain files give the Rust version; the code gives the listen port.

use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::{Evidence, FileEntry, Located};
use toml::{Table, Value};

use crate::ctx::Ctx;
use crate::model::{
    Ambiguity, BackingKind, Framework, Language, PackageManager, Service, ServiceRole,
};
use crate::stacks::add_backing;
use crate::stacks::Found;

/// Web frameworks by crate name.
const FRAMEWORKS: &[(&str, Framework)] = &[
    ("axum", Framework::Axum),
    ("actix-web", Framework::ActixWeb),
    ("rocket", Framework::Rocket),
];

/// HTTP servers with no framework variant of their own: the service still serves HTTP.
const OTHER_HTTP_CRATES: &[&str] = &["poem", "warp", "hyper", "salvo", "tide", "tower-http"];

/// Crates that imply a backing service regardless of features.
const BACKING: &[(&str, BackingKind)] = &[
    ("tokio-postgres", BackingKind::Postgres),
    ("postgres", BackingKind::Postgres),
    ("deadpool-postgres", BackingKind::Postgres),
    ("bb8-postgres", BackingKind::Postgres),
    ("mysql", BackingKind::Mysql),
    ("mysql_async", BackingKind::Mysql),
    ("redis", BackingKind::Redis),
    ("deadpool-redis", BackingKind::Redis),
    ("bb8-redis", BackingKind::Redis),
    ("fred", BackingKind::Redis),
    ("mongodb", BackingKind::Mongodb),
    ("lapin", BackingKind::Rabbitmq),
    ("rdkafka", BackingKind::Kafka),
    ("aws-sdk-s3", BackingKind::S3),
    ("rust-s3", BackingKind::S3),
    ("elasticsearch", BackingKind::Elasticsearch),
    ("memcache", BackingKind::Memcached),
];

/// Database crates whose backend is chosen by a feature.
const FEATURE_BACKED: &[&str] = &["sqlx", "diesel", "sea-orm"];

/// One dependency: its name, enabled features (own and the workspace's) and where it is.
#[derive(Debug, Clone)]
struct Dep {
    name: String,
    features: Vec<String>,
    evidence: Evidence,
}

/// Detect a Rust service (or library, or workspace root) in `dir`.
pub fn detect(ctx: &Ctx, dir: &str) -> Option<Found> {
    let manifest = Ctx::join(dir, "Cargo.toml");
    if !ctx.exists(&manifest) {
        return None;
    }
    let Some((text, table)) = ctx.toml(&manifest) else {
        // The parse failure is already a note; a `src/main.rs` still says a binary lives here.
        return minimal_service(ctx, dir, &manifest);
    };

    let package = table.get("package").and_then(Value::as_table);
    let Some(package) = package else {
        if table.contains_key("workspace") {
            return Some(Found::WorkspaceRoot {
                tools: vec![Located::new(
                    "cargo-workspace".to_string(),
                    Evidence::new(
                        &manifest,
                        crate::ctx::line_of(&text, "[workspace]"),
                        "Cargo.toml > [workspace]",
                    ),
                )],
            });
        }
        ctx.note(
            &manifest,
            None,
            "Cargo.toml has neither [package] nor [workspace] — not a Rust package",
        );
        return None;
    };
    let name = package
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| folder_name(dir));

    let workspace = find_workspace_root(ctx, dir);
    let bins = binaries(ctx, dir, &name, package, &table, &text, &manifest);
    if bins.is_empty() {
        return Some(Found::Library { name });
    }

    let lang_ev = Evidence::new(
        &manifest,
        crate::ctx::line_of(&text, "[package]"),
        "Cargo.toml > [package]",
    );
    let mut svc = Service::new(&name, dir, Located::new(Language::Rust, lang_ev));

    let ws_deps = workspace
        .as_ref()
        .and_then(|(_, _, t)| t.get("workspace"))
        .and_then(|w| w.get("dependencies"))
        .and_then(Value::as_table)
        .cloned()
        .unwrap_or_default();
    let deps = dependencies(&table, &text, &manifest, &ws_deps);

    // Package manager: cargo, with the lockfile of the package or of its workspace.
    let lock = [
        Some(dir.to_string()),
        workspace.as_ref().map(|(d, _, _)| d.clone()),
    ]
    .into_iter()
    .flatten()
    .map(|d| Ctx::join(&d, "Cargo.lock"))
    .find(|p| ctx.exists(p));
    svc.package_manager = Some(Located::new(
        PackageManager::Cargo,
        match &lock {
            Some(p) => Evidence::file(p, "Cargo.lock"),
            None => Evidence::new(
                &manifest,
                crate::ctx::line_of(&text, "[package]"),
                "Cargo.toml (no Cargo.lock)",
            ),
        },
    ));

    svc.runtime_version = runtime_version(ctx, dir, package, &text, &manifest, workspace.as_ref());

    let frameworks: Vec<Located<Framework>> = FRAMEWORKS
        .iter()
        .filter_map(|(krate, fw)| {
            deps.iter()
                .find(|d| d.name == *krate)
                .map(|d| Located::new(*fw, d.evidence.clone()))
        })
        .collect();
    if frameworks.len() > 1 {
        ctx.ambiguity(Ambiguity {
            subject: format!("services.{name}.framework"),
            chosen: Some(format!("{:?}", frameworks[0].value).to_lowercase()),
            candidates: frameworks
                .iter()
                .map(|f| Located {
                    value: format!("{:?}", f.value).to_lowercase(),
                    evidence: f.evidence.clone(),
                })
                .collect(),
            hint: format!("set `framework` under [services.{name}] in shipshape.toml"),
        });
    }
    svc.framework = frameworks.into_iter().next();
    let serves_http = svc.framework.is_some()
        || deps
            .iter()
            .any(|d| OTHER_HTTP_CRATES.contains(&d.name.as_str()));
    svc.role = if serves_http {
        ServiceRole::Api
    } else {
        ServiceRole::Worker
    };

    // Build and start. Inside a workspace, cargo builds into the workspace's target folder.
    let (bin, bin_ev) = pick_bin(ctx, &name, &bins);
    let locked = if lock.is_some() { " --locked" } else { "" };
    let in_workspace = workspace.as_ref().filter(|(d, _, _)| d != dir);
    let (build, target_note) = match in_workspace {
        Some((ws_dir, _, _)) => (
            format!(
                "cargo build --release{locked} -p {name}{}",
                bin_flag(&bins, &bin)
            ),
            format!(" (run from the workspace root {ws_dir})"),
        ),
        None => (
            format!("cargo build --release{locked}{}", bin_flag(&bins, &bin)),
            String::new(),
        ),
    };
    let mut build_ev = vec![Evidence::new(
        bin_ev.path.clone(),
        bin_ev.line,
        format!("{}{target_note}", bin_ev.note),
    )];
    if let Some(l) = &lock {
        build_ev.push(Evidence::file(l, "Cargo.lock (--locked)"));
    }
    svc.build_command = Some(Located {
        value: build,
        evidence: build_ev,
    });
    svc.start_command = Some(Located::new(
        format!("./target/release/{bin}"),
        Evidence::new(
            bin_ev.path.clone(),
            bin_ev.line,
            format!("release binary {bin}{target_note}"),
        ),
    ));

    {
        // The chosen binary's code: another binary's file (`src/bin/cli.rs`) does not serve.
        let own_bin = Ctx::join(dir, "src/bin");
        let declared_path: Option<String> = table
            .get("bin")
            .and_then(Value::as_array)
            .and_then(|bs| {
                bs.iter()
                    .find(|b| b.get("name").and_then(Value::as_str) == Some(bin.as_str()))
            })
            .and_then(|b| b.get("path").and_then(Value::as_str))
            .map(|p| p.trim_start_matches("./").to_string());
        let sources: Vec<_> = ctx
            .source_texts(dir, &["rs"])
            .into_iter()
            .filter(|(f, _)| {
                f.dir() != own_bin
                    || f.name().strip_suffix(".rs") == Some(bin.as_str())
                    || declared_path.as_deref()
                        == f.path
                            .strip_prefix(&format!("{dir}/"))
                            .or(Some(f.path.as_str()))
            })
            .collect();
        svc.loopback_bind = crate::stacks::shared::loopback_bind("rust", &sources);
    }
    if serves_http {
        let sources = ctx.source_texts(dir, &["rs"]);
        let mut explicit = code_ports(&sources);
        let mut default = None;
        if let Some(fw) = svc
            .framework
            .as_ref()
            .filter(|f| f.value == Framework::Rocket)
        {
            explicit.extend(rocket_ports(ctx, dir));
            default = Some(Located {
                value: 8000,
                evidence: fw
                    .evidence
                    .iter()
                    .map(|e| Evidence::new(e.path.clone(), e.line, "Rocket default (port 8000)"))
                    .collect(),
            });
        }
        explicit.extend(ctx.port_hints(dir));
        svc.port = ctx.choose_port(&name, default, explicit);
        svc.health_path = ctx.health_path(dir, Language::Rust);
    }

    for d in &deps {
        for kind in backing_of(d) {
            add_backing(&mut svc.backing_services, kind, d.evidence.clone());
        }
    }
    svc.env_vars = ctx.env_vars(dir, Language::Rust);
    Some(Found::Service(Box::new(svc)))
}

/// A Cargo.toml that did not parse: a service with what the folder alone shows, if it has a
/// `src/main.rs`; otherwise nothing can be said.
fn minimal_service(ctx: &Ctx, dir: &str, manifest: &str) -> Option<Found> {
    let main = Ctx::join(dir, "src/main.rs");
    if !ctx.exists(&main) {
        return None;
    }
    let mut svc = Service::new(
        folder_name(dir),
        dir,
        Located::new(Language::Rust, Evidence::file(manifest, "Cargo.toml")),
    );
    svc.role = ServiceRole::Worker;
    svc.package_manager = Some(Located::new(
        PackageManager::Cargo,
        Evidence::file(manifest, "Cargo.toml"),
    ));
    svc.env_vars = ctx.env_vars(dir, Language::Rust);
    Some(Found::Service(Box::new(svc)))
}

fn folder_name(dir: &str) -> String {
    if dir == "." || dir.is_empty() {
        "app".to_string()
    } else {
        dir.rsplit('/').next().unwrap_or(dir).to_string()
    }
}

/// The nearest folder at or above `dir` whose Cargo.toml has a `[workspace]`:
/// `(folder, manifest path, parsed manifest)`.
fn find_workspace_root(ctx: &Ctx, dir: &str) -> Option<(String, String, Table)> {
    let mut current = Some(dir.to_string());
    while let Some(d) = current {
        let path = Ctx::join(&d, "Cargo.toml");
        if ctx.exists(&path) {
            if let Some((_, t)) = ctx.toml(&path) {
                if t.contains_key("workspace") {
                    return Some((d, path, t));
                }
            }
        }
        current = parent_dir(&d);
    }
    None
}

/// The folder above `dir` (`.` is the top).
fn parent_dir(dir: &str) -> Option<String> {
    if dir == "." || dir.is_empty() {
        return None;
    }
    Some(match dir.rsplit_once('/') {
        Some((p, _)) => p.to_string(),
        None => ".".to_string(),
    })
}

/// The binaries the package builds: `[[bin]]` targets, `src/main.rs` (named after the
/// package) and `src/bin/*.rs`, each with where it is declared.
fn binaries(
    ctx: &Ctx,
    dir: &str,
    name: &str,
    package: &Table,
    table: &Table,
    text: &str,
    manifest: &str,
) -> Vec<(String, Evidence)> {
    let mut out: Vec<(String, Evidence)> = Vec::new();
    // Source files a declared [[bin]] already builds: auto-discovery leaves them alone.
    let mut claimed: Vec<String> = Vec::new();
    if let Some(bins) = table.get("bin").and_then(Value::as_array) {
        for b in bins {
            if let Some(p) = b.get("path").and_then(Value::as_str) {
                claimed.push(p.trim_start_matches("./").to_string());
            }
            if let Some(n) = b.get("name").and_then(Value::as_str) {
                let line = bin_name_line(text, n);
                out.push((
                    n.to_string(),
                    Evidence::new(manifest, line, format!("Cargo.toml > [[bin]] > name {n}")),
                ));
            }
        }
    }
    let autobins = package
        .get("autobins")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    if !autobins {
        return out;
    }
    let main = Ctx::join(dir, "src/main.rs");
    if ctx.exists(&main)
        && !out.iter().any(|(n, _)| n == name)
        && !claimed.iter().any(|c| c == "src/main.rs")
    {
        out.push((
            name.to_string(),
            Evidence::new(
                main.clone(),
                // Rocket's `#[launch]` stands in for `fn main`.
                ctx.text(&main).and_then(|t| {
                    crate::ctx::line_of(&t, "fn main")
                        .or_else(|| crate::ctx::line_of(&t, "#[launch]"))
                }),
                format!("src/main.rs (binary {name})"),
            ),
        ));
    }
    let bin_dir = Ctx::join(dir, "src/bin");
    let mut extra: Vec<(String, Evidence)> = ctx
        .service_files(dir)
        .filter(|f| {
            f.dir() == bin_dir
                && f.name().ends_with(".rs")
                && !claimed
                    .iter()
                    .any(|c| *c == format!("src/bin/{}", f.name()))
        })
        .filter_map(|f| {
            let stem = f.name().strip_suffix(".rs")?.to_string();
            Some((
                stem.clone(),
                Evidence::file(&f.path, format!("src/bin (binary {stem})")),
            ))
        })
        .filter(|(n, _)| !out.iter().any(|(o, _)| o == n))
        .collect();
    out.append(&mut extra);
    out
}

fn bin_name_line(text: &str, bin: &str) -> Option<u32> {
    let mut in_bin = false;
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.starts_with('[') {
            in_bin = l == "[[bin]]";
            continue;
        }
        if in_bin && l.starts_with("name") && l.contains(&format!("\"{bin}\"")) {
            return Some((i + 1) as u32);
        }
    }
    None
}

/// With several binaries: the one named like the package, else one named as a server
/// (`mini-redis-server` beside `mini-redis-cli`), else the first; a choice among several is
/// reported.
fn pick_bin(ctx: &Ctx, name: &str, bins: &[(String, Evidence)]) -> (String, Evidence) {
    if let Some(b) = bins.iter().find(|(n, _)| n == name) {
        return b.clone();
    }
    let serverish = |n: &str| {
        n.split(['-', '_'])
            .any(|w| matches!(w, "server" | "serve" | "api" | "web" | "daemon" | "service"))
    };
    let servers: Vec<&(String, Evidence)> = bins.iter().filter(|(n, _)| serverish(n)).collect();
    let chosen = match servers.as_slice() {
        [one] => (*one).clone(),
        _ => bins[0].clone(),
    };
    if bins.len() > 1 {
        ctx.ambiguity(Ambiguity {
            subject: format!("services.{name}.binary"),
            chosen: Some(chosen.0.clone()),
            candidates: bins
                .iter()
                .map(|(n, e)| Located::new(n.clone(), e.clone()))
                .collect(),
            hint: format!(
                "set `build_command` and `start_command` under [services.{name}] in shipshape.toml"
            ),
        });
    }
    chosen
}

fn bin_flag(bins: &[(String, Evidence)], bin: &str) -> String {
    if bins.len() > 1 {
        format!(" --bin {bin}")
    } else {
        String::new()
    }
}

/// `[dependencies]` of the package, with features merged from `[workspace.dependencies]` when
/// a dependency says `workspace = true`. Dev and build dependencies say nothing about runtime.
fn dependencies(table: &Table, text: &str, manifest: &str, ws_deps: &Table) -> Vec<Dep> {
    let Some(deps) = table.get("dependencies").and_then(Value::as_table) else {
        return Vec::new();
    };
    deps.iter()
        .map(|(key, spec)| {
            // A renamed dependency (`pg = { package = "tokio-postgres" }`) is the real crate.
            let real = spec
                .get("package")
                .and_then(Value::as_str)
                .unwrap_or(key)
                .to_string();
            let mut features = features_of(spec);
            if spec.get("workspace").and_then(Value::as_bool) == Some(true) {
                if let Some(ws) = ws_deps.get(key) {
                    features.extend(features_of(ws));
                }
            }
            Dep {
                evidence: Evidence::new(
                    manifest,
                    dep_line(text, key),
                    format!("Cargo.toml > dependencies > {key}"),
                ),
                name: real,
                features,
            }
        })
        .collect()
}

fn features_of(spec: &Value) -> Vec<String> {
    spec.get("features")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Line of a dependency inside `[dependencies]` (`name = …`, `name.workspace = true`) or of a
/// `[dependencies.name]` table.
fn dep_line(text: &str, key: &str) -> Option<u32> {
    let mut in_deps = false;
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.starts_with('[') {
            let header = l.trim_matches(|c| c == '[' || c == ']').trim();
            if header == format!("dependencies.{key}") {
                return Some((i + 1) as u32);
            }
            in_deps = header == "dependencies";
            continue;
        }
        if in_deps {
            let rest = l
                .strip_prefix(key)
                .or_else(|| l.strip_prefix(&format!("\"{key}\"")));
            if let Some(rest) = rest {
                let rest = rest.trim_start();
                if rest.starts_with('=') || rest.starts_with('.') {
                    return Some((i + 1) as u32);
                }
            }
        }
    }
    None
}

fn backing_of(dep: &Dep) -> Vec<BackingKind> {
    let mut out: Vec<BackingKind> = BACKING
        .iter()
        .filter(|(k, _)| *k == dep.name)
        .map(|(_, b)| *b)
        .collect();
    if FEATURE_BACKED.contains(&dep.name.as_str()) {
        for f in &dep.features {
            let kind = match f.as_str() {
                "postgres" | "sqlx-postgres" | "runtime-tokio-postgres" => {
                    Some(BackingKind::Postgres)
                }
                "mysql" | "sqlx-mysql" => Some(BackingKind::Mysql),
                _ => None,
            };
            if let Some(k) = kind {
                if !out.contains(&k) {
                    out.push(k);
                }
            }
        }
    }
    out
}

/// Rust version: a pinned toolchain (rust-toolchain.toml / rust-toolchain, looked up from the
/// package to the repository root as rustup does) over `rust-version`, which is only the
/// minimum supported version.
fn runtime_version(
    ctx: &Ctx,
    dir: &str,
    package: &Table,
    text: &str,
    manifest: &str,
    workspace: Option<&(String, String, Table)>,
) -> Option<Located<String>> {
    let mut current = Some(dir.to_string());
    while let Some(d) = current {
        for file in ["rust-toolchain.toml", "rust-toolchain"] {
            let path = Ctx::join(&d, file);
            if let Some(found) = toolchain_channel(ctx, &path) {
                return Some(found);
            }
        }
        current = parent_dir(&d);
    }

    match package.get("rust-version") {
        Some(Value::String(v)) => Some(Located::new(
            v.clone(),
            Evidence::new(
                manifest,
                crate::ctx::line_of(text, "rust-version"),
                "Cargo.toml > package > rust-version (the minimum supported Rust version)",
            ),
        )),
        Some(inherited) if inherited.get("workspace").and_then(Value::as_bool) == Some(true) => {
            let (_, ws_path, ws) = workspace?;
            let v = ws
                .get("workspace")?
                .get("package")?
                .get("rust-version")?
                .as_str()?;
            let ws_text = ctx.text(ws_path)?;
            Some(Located::new(
                v.to_string(),
                Evidence::new(
                    ws_path.clone(),
                    crate::ctx::line_of(&ws_text, "rust-version"),
                    "Cargo.toml > workspace > package > rust-version (the minimum supported Rust version)",
                ),
            ))
        }
        _ => None,
    }
}

/// The channel of a toolchain file when it names a release (`1.78.0`, `1.78`) or a dated
/// nightly; `stable`/`beta`/`nightly` alone name no version.
fn toolchain_channel(ctx: &Ctx, path: &str) -> Option<Located<String>> {
    let text = ctx.text(path)?;
    let (channel, line, note) = if text.contains('[') || text.contains('=') {
        let (_, t) = ctx.toml(path)?;
        let channel = t.get("toolchain")?.get("channel")?.as_str()?.to_string();
        let line = crate::ctx::line_of(&text, "channel");
        let file = path.rsplit('/').next().unwrap_or(path);
        (channel, line, format!("{file} > toolchain > channel"))
    } else {
        let (i, l) = text
            .lines()
            .enumerate()
            .find(|(_, l)| !l.trim().is_empty())?;
        (
            l.trim().to_string(),
            Some((i + 1) as u32),
            "rust-toolchain".to_string(),
        )
    };
    let is_version = channel.starts_with(|c: char| c.is_ascii_digit())
        || channel.starts_with("nightly-")
        || channel.starts_with("beta-");
    if !is_version {
        return None;
    }
    Some(Located::new(channel, Evidence::new(path, line, note)))
}

/// An address literal the program listens on: handed to `bind(...)` or parsed into a socket
/// address. Other `"localhost:6379"`-style literals are client addresses and do not count.
static HOST_PORT_LITERAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"bind\(\s*"(?:[\w.\-]*|\[::\]|\[::1\]):(\d{2,5})"|"(?:0\.0\.0\.0|127\.0\.0\.1|localhost|\[::\]|\[::1\]):(\d{2,5})"\s*\.parse"#,
    )
    .expect("built-in pattern")
});
static BIND_TUPLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"bind\(\s*\(\s*"[^"]*"\s*,\s*(\d{2,5})\s*\)"#).expect("built-in pattern")
});
static ADDR_ARRAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\(\s*\[\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\]\s*,\s*(\d{2,5})\s*\)",
    )
    .expect("built-in pattern")
});
static PORT_ENV_FALLBACK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"env::var\(\s*"PORT"\s*\)[^;]{0,200}?unwrap_or(?:_else)?\((?:[^;)]*?)"?(\d{2,5})"?"#,
    )
    .expect("built-in pattern")
});

/// Ports the code listens on, in file order: address literals, `bind(("0.0.0.0", 8080))`,
/// `SocketAddr::from(([0, 0, 0, 0], 3000))`, and `PORT` with a fallback.
fn code_ports(sources: &[(&FileEntry, std::sync::Arc<str>)]) -> Vec<Located<u16>> {
    let mut out = Vec::new();
    for (f, text) in sources {
        let mut found: Vec<(usize, u16, &str)> = Vec::new();
        for (re, note) in [
            (&*PORT_ENV_FALLBACK, "PORT env var, fallback in code"),
            (&*HOST_PORT_LITERAL, "listen address in code"),
            (&*BIND_TUPLE, "bind address in code"),
            (&*ADDR_ARRAY, "socket address in code"),
        ] {
            for c in re.captures_iter(text) {
                if let Some(m) = c.get(1).or_else(|| c.get(2)) {
                    if let Ok(p) = m.as_str().parse::<u16>() {
                        if p > 0 {
                            found.push((m.start(), p, note));
                        }
                    }
                }
            }
        }
        found.sort_by_key(|(o, _, _)| *o);
        found.dedup_by_key(|(o, _, _)| *o);
        for (o, p, note) in found {
            out.push(Located::new(p, Evidence::at_offset(&f.path, text, o, note)));
        }
    }
    out
}

/// Rocket's port from `Rocket.toml` (`[global]` over `[release]` over `[default]`, as a release build reads them) and
/// `ROCKET_PORT` in env files.
fn rocket_ports(ctx: &Ctx, dir: &str) -> Vec<Located<u16>> {
    let mut out = Vec::new();
    let path = Ctx::join(dir, "Rocket.toml");
    if let Some((text, t)) = ctx.toml(&path) {
        for profile in ["global", "release", "default"] {
            if let Some(p) = t
                .get(profile)
                .and_then(|p| p.get("port"))
                .and_then(Value::as_integer)
                .and_then(|p| u16::try_from(p).ok())
            {
                out.push(Located::new(
                    p,
                    Evidence::new(
                        &path,
                        profile_key_line(&text, profile, "port"),
                        format!("Rocket.toml > {profile} > port"),
                    ),
                ));
                break;
            }
        }
    }
    for f in ctx
        .service_files(dir)
        .filter(|f| f.kind == shipshape_core::ArtifactKind::DotEnv)
    {
        let Some(text) = ctx.inv.text(f) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            if let Some(v) = line.trim().strip_prefix("ROCKET_PORT=") {
                if let Ok(p) = v.trim().trim_matches('"').parse::<u16>() {
                    out.push(Located::new(
                        p,
                        Evidence::new(&f.path, Some((i + 1) as u32), "ROCKET_PORT in env file"),
                    ));
                }
            }
        }
    }
    out
}

/// Line of `key` inside the `[profile]` table of a TOML text.
fn profile_key_line(text: &str, profile: &str, key: &str) -> Option<u32> {
    let mut inside = false;
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.starts_with('[') {
            inside = l == format!("[{profile}]");
            continue;
        }
        if inside && l.starts_with(key) && l[key.len()..].trim_start().starts_with('=') {
            return Some((i + 1) as u32);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_dependency_lines_in_inline_and_table_forms() {
        let text = "[package]\nname = \"x\"\n\n[dependencies]\naxum = \"0.7\"\nsqlx.workspace = true\n\n[dependencies.redis]\nversion = \"0.25\"\n\n[dev-dependencies]\nmockito = \"1\"\n";
        assert_eq!(dep_line(text, "axum"), Some(5));
        assert_eq!(dep_line(text, "sqlx"), Some(6));
        assert_eq!(dep_line(text, "redis"), Some(8));
        assert_eq!(dep_line(text, "mockito"), None);
    }

    #[test]
    fn maps_sqlx_features_to_databases() {
        let dep = |features: &[&str]| Dep {
            name: "sqlx".into(),
            features: features.iter().map(|s| s.to_string()).collect(),
            evidence: Evidence::file("Cargo.toml", "x"),
        };
        assert_eq!(
            backing_of(&dep(&["runtime-tokio", "postgres"])),
            [BackingKind::Postgres]
        );
        assert_eq!(backing_of(&dep(&["mysql"])), [BackingKind::Mysql]);
        assert!(backing_of(&dep(&["sqlite"])).is_empty());
    }

    #[test]
    fn finds_ports_in_rust_listen_code() {
        let caps = |re: &Regex, t: &str| -> Vec<String> {
            re.captures_iter(t).map(|c| c[1].to_string()).collect()
        };
        assert_eq!(
            caps(
                &HOST_PORT_LITERAL,
                r#"TcpListener::bind("0.0.0.0:3000").await?"#
            ),
            ["3000"]
        );
        let literal = |t: &str| -> Vec<String> {
            HOST_PORT_LITERAL
                .captures_iter(t)
                .filter_map(|c| {
                    c.get(1)
                        .or_else(|| c.get(2))
                        .map(|m| m.as_str().to_string())
                })
                .collect()
        };
        assert_eq!(
            literal(r#"let addr: SocketAddr = "0.0.0.0:8081".parse()?;"#),
            ["8081"]
        );
        assert!(literal(r#"let client = redis::Client::open("localhost:6379")?;"#).is_empty());
        assert_eq!(
            caps(
                &BIND_TUPLE,
                r#"HttpServer::new(f).bind(("0.0.0.0", 8080))?"#
            ),
            ["8080"]
        );
        assert_eq!(
            caps(
                &ADDR_ARRAY,
                "let addr = SocketAddr::from(([0, 0, 0, 0], 3000));"
            ),
            ["3000"]
        );
        assert_eq!(
            caps(
                &PORT_ENV_FALLBACK,
                r#"let port = std::env::var("PORT").unwrap_or_else(|_| "8081".to_string());"#
            ),
            ["8081"]
        );
    }

    #[test]
    fn reads_keys_inside_a_toml_profile() {
        let text = "[default]\naddress = \"0.0.0.0\"\nport = 8000\n\n[debug]\nport = 9000\n";
        assert_eq!(profile_key_line(text, "default", "port"), Some(3));
        assert_eq!(profile_key_line(text, "debug", "port"), Some(6));
    }
}
