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
use shipshape_detect::{BackingService, Facts, Language, ServiceRole};

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

    for target in targets {
        let service = target.service;
        let Some(name) = names.get(&service.name).cloned() else {
            continue;
        };
        let summary = target.image_summary();
        if target.text.is_none() {
            stack.warnings.push(format!(
                "compose.yaml builds {} from {}, which does not exist yet: run \
                 `shipshape init --only docker` or write it",
                name, target.dockerfile
            ));
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
                    environment.push((c.name.clone(), c.value.clone()));
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
        for d in &service.depends_on {
            if let Some(other) = names.get(&d.value) {
                if *other != name && !depends_on.iter().any(|(n, _)| n == other) {
                    depends_on.push((other.clone(), "service_started"));
                }
            }
        }

        // A static site is served by a web server whatever language built it.
        let language = if service.role == ServiceRole::Static {
            Language::Html
        } else {
            service.language.value
        };
        let defaults = table.app(language);
        stack.apps.push(AppService {
            name,
            environment,
            port,
            depends_on,
            memory: defaults.map_or_else(|| "512M".to_string(), |d| d.memory.clone()),
            // Only images that run as an unprivileged user are known to need nothing writable
            // but /tmp; an image running as root may write anywhere.
            read_only: defaults.is_some_and(|d| d.read_only) && summary.non_root,
            cap_drop_all: summary.non_root,
            target,
        });
    }
    stack
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

fn security(out: &mut String, read_only: bool, cap_drop_all: bool, memory: &str) {
    out.push_str("    restart: unless-stopped\n");
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
        let _ = write!(
            out,
            "    build:\n      context: {}\n      dockerfile: {}\n",
            scalar(&context_path(&app.target.context)),
            scalar(&dockerfile_in_context(
                &app.target.dockerfile,
                &app.target.context
            ))
        );
        out.push_str("    env_file: .env\n");
        if !app.environment.is_empty() {
            out.push_str(
                "    # Reach the services below by their compose names; these win over .env.\n",
            );
            out.push_str("    environment:\n");
            for (k, v) in &app.environment {
                let _ = writeln!(out, "      {}: {}", scalar(k), scalar(v));
            }
        }
        if let Some((host, container)) = app.port {
            let _ = write!(
                out,
                "    ports:\n      - {}\n",
                scalar(&format!("127.0.0.1:{host}:{container}"))
            );
        }
        if !app.depends_on.is_empty() {
            out.push_str("    depends_on:\n");
            for (name, condition) in &app.depends_on {
                let _ = write!(
                    out,
                    "      {}:\n        condition: {condition}\n",
                    scalar(name)
                );
            }
        }
        security(&mut out, app.read_only, app.cap_drop_all, &app.memory);
    }
    for b in &stack.backing {
        let name = compose_name(&b.facts.id);
        let _ = writeln!(out, "  {}:", scalar(&name));
        let _ = writeln!(out, "    image: {}", scalar(&b.image.image));
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
        security(&mut out, false, false, &b.image.memory);
    }
    if !stack.backing.is_empty() {
        out.push_str("volumes:\n");
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
