//! `verify`: build every service that has a Dockerfile (generated or the user's) with the
//! container engine that is installed, start it with the environment a user would give it
//! (`.env`, else `.env.example`, and compose's `environment:`) next to the compose backing
//! services it needs, wait for its health check, and report per service what happened. Linters
//! check the form of a Dockerfile; this checks the product.
//!
//! The services come from the root compose file (every service with a `build:`; services with
//! only an `image:` are the backing services, started from their image; a built service that
//! others wait for with `condition: service_completed_successfully` is a one-shot job such as a
//! migration, which must exit 0 before they start). Without a compose file every `Dockerfile`
//! is a service, built from its own folder.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;
use shipshape_gen::engine::{
    self, check_built, healthcheck_url, image_tag, parse_env_file, run_job, BuildRequest,
    ContainerEngine, EngineKind, HealthOutcome, HealthProbe, JobOutcome, RunRequest,
    RunningContainer, ServiceCheck, ServiceCheckRequest, ServiceNetwork, LOG_TAIL_LINES,
};

use super::{CommandError, Tool, Workspace, TOOL};

pub const SCHEMA_VERSION: &str = "1";

/// The value given to a variable that compose requires (`${NAME:?…}`) and the env file leaves
/// empty, as a user filling in `.env` would give it one. Letters and digits only: it ends up
/// inside connection URLs. 40 characters: secrets checked for length at start-up
/// (`@fastify/session` wants 32, Django warns under 50 only) accept it.
pub const PLACEHOLDER: &str = "verify0placeholder0long0enough0for0keys0";

/// Compose file names, in the order compose looks for them.
const COMPOSE_FILES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// The engine to use; `None` = the first installed and usable (docker, podman, buildah).
    pub engine: Option<EngineKind>,
    /// Only these services (compose names, or Dockerfile folders); empty = all.
    pub services: Vec<String>,
    /// How long a service may take to become healthy (and a job to finish).
    pub timeout: Duration,
    /// The environment file; default `.env`, else `.env.example`.
    pub env_file: Option<PathBuf>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            engine: None,
            services: Vec::new(),
            timeout: Duration::from_secs(90),
            env_file: None,
        }
    }
}

/// What `verify` found, service by service.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub schema_version: &'static str,
    pub tool: Tool,
    pub root: String,
    pub engine: EngineKind,
    /// The compose file the services were read from, if any.
    pub compose_file: Option<String>,
    /// The environment file the containers got, if any.
    pub env_file: Option<String>,
    /// Backing services started from their images (databases, caches).
    pub backing: Vec<BackingReport>,
    /// One-shot jobs (migrations) run before the services that wait for them.
    pub jobs: Vec<JobReport>,
    pub services: Vec<ServiceReport>,
    /// Services and jobs that passed / failed.
    pub passed: usize,
    pub failed: usize,
    pub seconds: f64,
    /// Things to know about the run (a backing service the engine could not start, …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl VerifyReport {
    /// Every service and job passed.
    pub fn ok(&self) -> bool {
        self.failed == 0
    }
}

/// A backing service (compose `image:` only) and whether it came up.
#[derive(Debug, Clone, Serialize)]
pub struct BackingReport {
    pub service: String,
    pub image: String,
    pub started: bool,
    pub healthy: bool,
    pub health: Option<HealthOutcome>,
    /// Why it did not start or get healthy.
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub log_tail: Vec<String>,
}

/// A one-shot job (a migration) and how it ended.
#[derive(Debug, Clone, Serialize)]
pub struct JobReport {
    pub service: String,
    pub dockerfile: String,
    pub command: Option<Vec<String>>,
    pub build_ok: bool,
    pub build_seconds: f64,
    pub outcome: Option<JobOutcome>,
    pub passed: bool,
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub log_tail: Vec<String>,
}

/// One built service and how it went.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceReport {
    pub service: String,
    pub dockerfile: String,
    pub context: String,
    /// Built, started, healthy, not root, and every job it waits for exited 0.
    pub passed: bool,
    pub check: Option<ServiceCheck>,
    /// Why it was not checked, or what failed, in a sentence.
    pub error: Option<String>,
}

/// What `verify` will build and start, read from the repository: no engine needed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VerifyPlan {
    pub compose_file: Option<PathBuf>,
    pub env_file: Option<PathBuf>,
    pub backing: Vec<BackingSpec>,
    /// Built services, jobs first (in dependency order), then the long-running services.
    pub built: Vec<BuiltSpec>,
}

/// A compose service that runs an image as published (a database, a cache).
#[derive(Debug, Clone, PartialEq)]
pub struct BackingSpec {
    pub name: String,
    pub image: String,
    pub env: BTreeMap<String, String>,
    pub command: Option<Vec<String>>,
    /// Compose's `healthcheck.test`.
    pub healthcheck: Option<Vec<String>>,
    /// The port it listens on inside its container.
    pub port: Option<u16>,
}

/// A service built from a Dockerfile.
#[derive(Debug, Clone, PartialEq)]
pub struct BuiltSpec {
    pub name: String,
    pub context: PathBuf,
    pub dockerfile: PathBuf,
    pub build_args: BTreeMap<String, String>,
    /// The stage compose builds (`build.target`); the last when `None`.
    pub target: Option<String>,
    pub env: BTreeMap<String, String>,
    pub command: Option<Vec<String>>,
    /// The port it listens on inside its container (compose's `ports:` target).
    pub port: Option<u16>,
    /// The path compose's health check asks for, when it names a URL.
    pub health_path: Option<String>,
    /// Compose's `healthcheck.test` (`["NONE"]` for `disable: true`), which replaces the image's.
    pub healthcheck: Option<Vec<String>>,
    /// Others wait for it to exit 0 (`condition: service_completed_successfully`).
    pub one_shot: bool,
    /// The jobs it waits for.
    pub after_jobs: Vec<String>,
}

/// Read what to verify from the workspace.
pub fn plan(ws: &Workspace, opts: &VerifyOptions) -> Result<VerifyPlan, CommandError> {
    let root = ws.root();
    let env_file = match &opts.env_file {
        Some(p) if p.is_file() => Some(p.clone()),
        Some(p) => {
            return Err(CommandError::Usage(format!(
                "the environment file {} does not exist",
                p.display()
            )))
        }
        None => [".env", ".env.example"]
            .iter()
            .map(|n| root.join(n))
            .find(|p| p.is_file()),
    };
    let env_text = match &env_file {
        Some(p) => std::fs::read(p)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .map_err(|e| CommandError::Usage(format!("cannot read {}: {e}", p.display())))?,
        None => String::new(),
    };
    let mut base_env = parse_env_file(&env_text);
    // Falling back to `.env.example`: a variable it marks required and leaves empty is one the
    // user fills in before the first start, so it gets a value here too.
    if opts.env_file.is_none()
        && env_file
            .as_ref()
            .is_some_and(|p| p.file_name().is_some_and(|n| n == ".env.example"))
    {
        fill_from_example(&env_text, &mut base_env);
    }
    let compose_file = COMPOSE_FILES
        .iter()
        .map(|n| root.join(n))
        .find(|p| p.is_file());
    let mut plan = match &compose_file {
        Some(path) => {
            let text = std::fs::read(path)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .map_err(|e| CommandError::Usage(format!("cannot read {}: {e}", path.display())))?;
            plan_from_compose(root, &text, base_env)
                .map_err(|e| CommandError::Usage(format!("{}: {e}", path.display())))?
        }
        None => plan_from_dockerfiles(ws, &base_env),
    };
    plan.compose_file = compose_file;
    plan.env_file = env_file;
    routes_from_the_code(ws, &mut plan);
    if !opts.services.is_empty() {
        let unknown: Vec<&String> = opts
            .services
            .iter()
            .filter(|s| !plan.built.iter().any(|b| &&b.name == s))
            .collect();
        if !unknown.is_empty() {
            let known: Vec<&str> = plan.built.iter().map(|b| b.name.as_str()).collect();
            return Err(CommandError::Usage(format!(
                "no service named {} (services: {})",
                unknown
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                known.join(", ")
            )));
        }
        let wanted: BTreeSet<&String> = opts.services.iter().collect();
        let mut keep: BTreeSet<String> = BTreeSet::new();
        for b in &plan.built {
            if wanted.contains(&b.name) {
                keep.insert(b.name.clone());
                keep.extend(b.after_jobs.iter().cloned());
            }
        }
        plan.built.retain(|b| keep.contains(&b.name));
    }
    if plan.built.is_empty() {
        return Err(CommandError::Usage(format!(
            "nothing to verify in {}: no compose service with a `build:` and no Dockerfile \
             (run `shipshape init` to generate them)",
            ws.shown().display()
        )));
    }
    Ok(plan)
}

/// The health route and port the code defines, for a service whose compose entry names
/// neither: a distroless image has no HEALTHCHECK to read them from, and a TCP check alone
/// would pass a server that answers every request with 500. A service is the detected one whose
/// folder holds its Dockerfile.
fn routes_from_the_code(ws: &Workspace, plan: &mut VerifyPlan) {
    let facts = shipshape_detect::detect(ws.inventory());
    let root = ws.root();
    for spec in &mut plan.built {
        let Some(dir) = spec.dockerfile.parent() else {
            continue;
        };
        let dir = dir.strip_prefix(root).unwrap_or(dir).display().to_string();
        let dir = if dir.is_empty() { ".".to_string() } else { dir };
        let Some(service) = facts.services.iter().find(|s| {
            let s_root = if s.root.is_empty() {
                "."
            } else {
                s.root.as_str()
            };
            s_root == dir
        }) else {
            continue;
        };
        if spec.port.is_none() {
            spec.port = service.port.as_ref().map(|p| p.value);
        }
        if spec.health_path.is_none() && spec.healthcheck.is_none() && !spec.one_shot {
            spec.health_path = service.health_path.as_ref().map(|h| h.value.clone());
        }
    }
}

/// Placeholders for what an `.env.example` leaves for the operator to fill in: a variable it
/// marks required, and a secret (`COOKIE_SECRET=`), which an app may check at start-up.
fn fill_from_example(text: &str, env: &mut BTreeMap<String, String>) {
    let required = required_in_example(text);
    for (name, v) in env.iter_mut() {
        let needed = required.contains(name) || shipshape_core::secret_names::is_secret_name(name);
        if v.is_empty() && needed {
            *v = PLACEHOLDER.to_string();
        }
    }
}

/// The variables an `.env.example` marks required: the comment lines right above `NAME=` say
/// "required" (as `shipshape init` writes them: `# Required: read in settings.py:7.`).
fn required_in_example(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut required = false;
    for line in text.lines() {
        let line = line.trim();
        if let Some(comment) = line.strip_prefix('#') {
            required |= comment.to_ascii_lowercase().contains("required");
            continue;
        }
        if let Some((name, _)) = line.split_once('=') {
            let name = name.trim().trim_start_matches("export ").trim();
            if required && !name.is_empty() {
                out.push(name.to_string());
            }
        }
        required = false;
    }
    out
}

/// Services of a compose file. `base_env` is the env file's variables; a variable the file
/// requires with `${NAME:?…}` that is empty there gets [`PLACEHOLDER`].
pub fn plan_from_compose(
    root: &Path,
    text: &str,
    mut base_env: BTreeMap<String, String>,
) -> Result<VerifyPlan, String> {
    for name in required_variables(text) {
        let entry = base_env.entry(name).or_default();
        if entry.is_empty() {
            *entry = PLACEHOLDER.to_string();
        }
    }
    let docs = shipshape_syntax::yaml::parse(text).map_err(|e| e.to_string())?;
    let doc = docs.first().map(|d| d.to_json()).unwrap_or(Value::Null);
    let services = doc
        .get("services")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut plan = VerifyPlan::default();
    // Who waits for whom to complete.
    let mut jobs: BTreeSet<String> = BTreeSet::new();
    let mut waits: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, svc) in &services {
        if let Some(deps) = svc.get("depends_on").and_then(Value::as_object) {
            for (dep, cond) in deps {
                if cond.get("condition").and_then(Value::as_str)
                    == Some("service_completed_successfully")
                {
                    jobs.insert(dep.clone());
                    waits.entry(name.clone()).or_default().push(dep.clone());
                }
            }
        }
    }
    let interp = |v: &str| interpolate(v, &base_env);
    for (name, svc) in &services {
        let mut env = BTreeMap::new();
        let build = svc.get("build");
        if build.is_some() || svc.get("env_file").is_some() {
            env.extend(base_env.clone());
        }
        env.extend(string_map(svc.get("environment"), &interp));
        let command = svc.get("command").and_then(|c| match c {
            Value::String(s) => Some(vec!["/bin/sh".into(), "-c".into(), interp(s)]),
            Value::Array(a) => Some(a.iter().map(|v| interp(&scalar(v))).collect()),
            _ => None,
        });
        let health_test =
            svc.get("healthcheck")
                .and_then(|h| h.get("test"))
                .and_then(|t| match t {
                    Value::Array(a) => Some(a.iter().map(scalar).collect::<Vec<_>>()),
                    Value::String(s) => Some(vec!["CMD-SHELL".to_string(), s.clone()]),
                    _ => None,
                });
        let health_disabled = svc
            .get("healthcheck")
            .and_then(|h| h.get("disable"))
            .is_some_and(|d| d.as_bool() == Some(true));
        let health_test = if health_disabled {
            Some(vec!["NONE".to_string()])
        } else {
            health_test
        };
        let port = first_target_port(svc.get("ports"), &interp);
        match build {
            Some(build) => {
                let (context, dockerfile, args, target) = match build {
                    Value::String(s) => (interp(s), None, BTreeMap::new(), None),
                    other => (
                        other
                            .get("context")
                            .map(|c| interp(&scalar(c)))
                            .unwrap_or_else(|| ".".into()),
                        other.get("dockerfile").map(|d| interp(&scalar(d))),
                        string_map(other.get("args"), &interp),
                        other.get("target").map(|t| interp(&scalar(t))),
                    ),
                };
                let context = root.join(&context);
                let dockerfile = context.join(dockerfile.as_deref().unwrap_or("Dockerfile"));
                let health_path = health_test
                    .as_deref()
                    .and_then(healthcheck_url)
                    .filter(|(p, _)| port.is_none_or(|port| port == *p))
                    .map(|(_, path)| path);
                plan.built.push(BuiltSpec {
                    name: name.clone(),
                    context: normalize(&context),
                    dockerfile: normalize(&dockerfile),
                    build_args: args,
                    target,
                    env,
                    command,
                    port,
                    health_path,
                    healthcheck: health_test
                        .as_ref()
                        .map(|t| t.iter().map(|a| interp(a)).collect()),
                    one_shot: jobs.contains(name),
                    after_jobs: waits.get(name).cloned().unwrap_or_default(),
                });
            }
            None => {
                let Some(image) = svc.get("image").map(|i| interp(&scalar(i))) else {
                    continue;
                };
                let port = port.or_else(|| well_known_port(&image));
                plan.backing.push(BackingSpec {
                    name: name.clone(),
                    image,
                    env: env
                        .into_iter()
                        .map(|(k, v)| (k, v.replace("$$", "$")))
                        .collect(),
                    command,
                    healthcheck: health_test.map(|t| t.iter().map(|a| interp(a)).collect()),
                    port,
                });
            }
        }
    }
    // Jobs first, so their exit is known before the services that wait for them start.
    plan.built.sort_by_key(|b| !b.one_shot);
    Ok(plan)
}

/// Every Dockerfile named `Dockerfile` or `Containerfile`, built from its own folder (or from
/// the repository root when what it copies is only there, as monorepo Dockerfiles do).
fn plan_from_dockerfiles(ws: &Workspace, base_env: &BTreeMap<String, String>) -> VerifyPlan {
    let inv = ws.inventory();
    let root = ws.root();
    let mut plan = VerifyPlan::default();
    for entry in inv.of_kind(shipshape_core::ArtifactKind::Dockerfile) {
        if !matches!(entry.name(), "Dockerfile" | "Containerfile") {
            continue;
        }
        let dir = entry.path[..entry.path.len() - entry.name().len()].trim_end_matches('/');
        let folder = root.join(dir);
        let text = inv.text(entry).map(|t| t.to_string()).unwrap_or_default();
        let context = if dir.is_empty() || copies_resolve(&text, &folder) {
            folder.clone()
        } else if copies_resolve(&text, root) {
            root.to_path_buf()
        } else {
            folder.clone()
        };
        let name = if dir.is_empty() {
            root.canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "app".into())
        } else {
            dir.to_string()
        };
        plan.built.push(BuiltSpec {
            name,
            context,
            dockerfile: root.join(&entry.path),
            build_args: BTreeMap::new(),
            target: None,
            env: base_env.clone(),
            command: None,
            port: None,
            health_path: None,
            healthcheck: None,
            one_shot: false,
            after_jobs: Vec::new(),
        });
    }
    plan
}

/// Whether every local `COPY`/`ADD` source of a Dockerfile exists under `context`.
fn copies_resolve(dockerfile: &str, context: &Path) -> bool {
    for line in dockerfile.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(first) = words.first() else { continue };
        if !(first.eq_ignore_ascii_case("COPY") || first.eq_ignore_ascii_case("ADD")) {
            continue;
        }
        if words.iter().any(|w| w.starts_with("--from")) || line.contains('[') {
            continue;
        }
        let args: Vec<&str> = words[1..]
            .iter()
            .copied()
            .filter(|w| !w.starts_with("--"))
            .collect();
        for source in args.iter().take(args.len().saturating_sub(1)) {
            if source.contains(['*', '?', '$']) || source.contains("://") {
                continue;
            }
            if !context.join(source).exists() {
                return false;
            }
        }
    }
    true
}

/// Names compose requires with `${NAME:?…}` or `${NAME?…}`.
fn required_variables(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        rest = &rest[at + 2..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if rest[end..].starts_with(":?") || rest[end..].starts_with('?') {
            names.push(rest[..end].to_string());
        }
    }
    names
}

/// Compose's variable interpolation: `${NAME}`, `${NAME:-default}`, `${NAME-default}`,
/// `${NAME:?error}`, `${NAME?error}`, `${NAME:+alt}`, `$NAME` and `$$` (kept as `$$`, which
/// the caller turns into `$` where the value leaves compose).
pub fn interpolate(text: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix("$$") {
            out.push_str("$$");
            rest = after;
        } else if let Some(body) = rest.strip_prefix("${") {
            // The matching `}`, allowing nested `${…}` in a default.
            let mut depth = 1;
            let mut end = None;
            let bytes = body.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                match bytes[i] {
                    b'{' => depth += 1,
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(i);
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            let Some(end) = end else {
                out.push_str(rest);
                return out;
            };
            out.push_str(&expand(&body[..end], vars));
            rest = &body[end + 1..];
        } else {
            let name_len = rest[1..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len() - 1);
            if name_len == 0 {
                out.push('$');
                rest = &rest[1..];
            } else {
                out.push_str(vars.get(&rest[1..=name_len]).map_or("", String::as_str));
                rest = &rest[1 + name_len..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// One `${…}` body.
fn expand(body: &str, vars: &BTreeMap<String, String>) -> String {
    let name_end = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(body.len());
    let (name, op) = body.split_at(name_end);
    let value = vars.get(name).map(String::as_str);
    let set_nonempty = value.is_some_and(|v| !v.is_empty());
    for (prefix, colon) in [(":-", true), ("-", false)] {
        if let Some(default) = op.strip_prefix(prefix) {
            let use_default = if colon {
                !set_nonempty
            } else {
                value.is_none()
            };
            return if use_default {
                interpolate(default, vars)
            } else {
                value.unwrap_or("").to_string()
            };
        }
    }
    for (prefix, colon) in [(":?", true), ("?", false)] {
        if op.starts_with(prefix) {
            let missing = if colon {
                !set_nonempty
            } else {
                value.is_none()
            };
            return if missing {
                PLACEHOLDER.to_string()
            } else {
                value.unwrap_or("").to_string()
            };
        }
    }
    for (prefix, colon) in [(":+", true), ("+", false)] {
        if let Some(alt) = op.strip_prefix(prefix) {
            let present = if colon { set_nonempty } else { value.is_some() };
            return if present {
                interpolate(alt, vars)
            } else {
                String::new()
            };
        }
    }
    value.unwrap_or("").to_string()
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `environment:` or `args:` as a map or a `KEY=value` list, values interpolated (a bare
/// `KEY` in a list takes nothing here).
fn string_map(v: Option<&Value>, interp: &dyn Fn(&str) -> String) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    match v {
        Some(Value::Object(o)) => {
            for (k, v) in o {
                if !v.is_null() {
                    map.insert(k.clone(), interp(&scalar(v)));
                }
            }
        }
        Some(Value::Array(a)) => {
            for item in a {
                if let Some((k, v)) = scalar(item).split_once('=') {
                    map.insert(k.to_string(), interp(v));
                }
            }
        }
        _ => {}
    }
    map
}

/// The container port of the first `ports:` entry (`"8080:3000"` → 3000,
/// `"127.0.0.1:5432:5432/tcp"` → 5432, `{target: 80}` → 80).
fn first_target_port(ports: Option<&Value>, interp: &dyn Fn(&str) -> String) -> Option<u16> {
    let first = ports?.as_array()?.first()?;
    if let Some(target) = first.get("target") {
        return scalar(target).parse().ok();
    }
    let text = interp(&scalar(first));
    let text = text.split('/').next()?;
    text.rsplit(':').next()?.trim().parse().ok()
}

/// The port a backing service's image listens on, by image family, for a compose service that
/// publishes none.
fn well_known_port(image: &str) -> Option<u16> {
    let name = image.rsplit('/').next()?.split([':', '@']).next()?;
    Some(match name {
        "postgres" | "postgis" | "pgvector" => 5432,
        "mysql" | "mariadb" => 3306,
        "redis" | "valkey" | "keydb" => 6379,
        "mongo" => 27017,
        "rabbitmq" => 5672,
        "memcached" => 11211,
        _ => return None,
    })
}

/// `a/./b/../c` → `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Detect the engine, then [`verify_with`].
pub fn verify(ws: &Workspace, opts: &VerifyOptions) -> Result<VerifyReport, VerifyError> {
    let plan = plan(ws, opts)?;
    let engine = engine::detect(opts.engine).map_err(VerifyError::Engine)?;
    verify_with(ws, &plan, engine.as_ref(), opts)
}

/// An exclusive lock on a file in the temporary folder, held while a check runs containers on
/// the host network; released when the file is dropped (or the process ends). A lock that
/// cannot be taken at all (no temporary folder) is no reason not to check: `None`.
fn host_network_lock() -> Option<std::fs::File> {
    let path = std::env::temp_dir().join("shipshape-verify-host-network.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .ok()?;
    if file.try_lock().is_err() {
        eprintln!(
            "shipshape verify: another check is running containers on the host network; \
             waiting for it to finish ({})",
            path.display()
        );
        file.lock().ok()?;
    }
    Some(file)
}

/// Why `verify` could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// No engine is installed or usable (exit 2 with this message).
    #[error("{0}")]
    Engine(engine::EngineError),
    #[error(transparent)]
    Command(#[from] CommandError),
}

/// Run `plan` on `engine`: backing services up, jobs to completion, then every service built,
/// started, probed and removed; the backing services and the network go last.
pub fn verify_with(
    ws: &Workspace,
    plan: &VerifyPlan,
    engine: &dyn ContainerEngine,
    opts: &VerifyOptions,
) -> Result<VerifyReport, VerifyError> {
    let started = Instant::now();
    let root = ws.root();
    let rel = |p: &Path| -> String {
        p.strip_prefix(root)
            .map(|r| r.display().to_string())
            .unwrap_or_else(|_| p.display().to_string())
    };
    let network_name = format!("shipshape-verify-{}", std::process::id());
    let all_names: Vec<String> = plan
        .backing
        .iter()
        .map(|b| b.name.clone())
        .chain(plan.built.iter().map(|b| b.name.clone()))
        .collect();
    let network_for = |name: &str| ServiceNetwork {
        name: network_name.clone(),
        aliases: vec![name.to_string()],
        peers: all_names.iter().filter(|n| *n != name).cloned().collect(),
    };
    let mut notes = Vec::new();
    // On the host network, a second check started meanwhile would put its PostgreSQL on the
    // port this one's app is talking to: one check at a time, the next one waits.
    let _host_network = engine
        .shares_host_network()
        .then(host_network_lock)
        .flatten();
    let uses_network = !plan.backing.is_empty() || plan.built.iter().any(|b| b.one_shot);
    if uses_network {
        engine
            .create_network(&network_name)
            .map_err(VerifyError::Engine)?;
    }
    let mut running: Vec<RunningContainer> = Vec::new();
    let mut backing = Vec::new();
    for spec in &plan.backing {
        let (report, container) = start_backing(engine, spec, network_for(&spec.name), opts);
        if !report.healthy {
            notes.push(format!(
                "backing service `{}` ({}) did not come up: {}",
                spec.name,
                spec.image,
                report.detail.clone().unwrap_or_default()
            ));
        }
        backing.push(report);
        running.extend(container);
    }
    let secrets = secret_values(plan);
    let mut jobs: Vec<JobReport> = Vec::new();
    let mut services = Vec::new();
    // Images are built once per Dockerfile, context and arguments: a migration job and its
    // service usually share one.
    let mut built: Vec<(BuildRequest, String, engine::BuildOutcome)> = Vec::new();
    let result = (|| -> Result<(), VerifyError> {
        for spec in &plan.built {
            let request = ServiceCheckRequest {
                service: spec.name.clone(),
                context: spec.context.clone(),
                dockerfile: spec.dockerfile.clone(),
                build_args: spec.build_args.clone(),
                target: spec.target.clone(),
                env_file: None,
                env: spec
                    .env
                    .iter()
                    .map(|(k, v)| (k.clone(), v.replace("$$", "$")))
                    .collect(),
                port: spec.port,
                health_path: spec.health_path.clone(),
                healthcheck: spec.healthcheck.clone(),
                timeout: opts.timeout,
                command: spec.command.clone(),
                network: uses_network.then(|| network_for(&spec.name)),
            };
            let failed_jobs: Vec<&str> = spec
                .after_jobs
                .iter()
                .filter(|j| !jobs.iter().any(|r| &r.service == *j && r.passed))
                .map(String::as_str)
                .collect();
            if !spec.dockerfile.is_file() {
                let error = format!(
                    "{} does not exist (the compose file builds from it)",
                    rel(&spec.dockerfile)
                );
                if spec.one_shot {
                    jobs.push(job_report(spec, &rel, None, None, Some(error)));
                } else {
                    services.push(service_report(spec, &rel, None, Some(error)));
                }
                continue;
            }
            let build_request = BuildRequest {
                context: spec.context.clone(),
                dockerfile: spec.dockerfile.clone(),
                tag: image_tag(&spec.name),
                build_args: spec.build_args.clone(),
                target: spec.target.clone(),
            };
            let existing = built.iter().find(|(r, _, _)| {
                r.context == build_request.context
                    && r.dockerfile == build_request.dockerfile
                    && r.build_args == build_request.build_args
                    && r.target == build_request.target
            });
            let (tag, build) = match existing {
                Some((_, tag, outcome)) => (tag.clone(), outcome.clone()),
                None => {
                    let outcome = engine.build(&build_request).map_err(VerifyError::Engine)?;
                    built.push((
                        build_request.clone(),
                        build_request.tag.clone(),
                        outcome.clone(),
                    ));
                    (build_request.tag.clone(), outcome)
                }
            };
            if spec.one_shot {
                if !build.ok {
                    let mut report = job_report(spec, &rel, Some(&build), None, None);
                    report.log_tail = redact(&build.log_tail, &secrets);
                    report.error = Some("the image did not build".into());
                    jobs.push(report);
                    continue;
                }
                let mut outcome = run_job(engine, &request, &tag).map_err(VerifyError::Engine)?;
                outcome.log_tail = redact(&outcome.log_tail, &secrets);
                let error = match outcome.exit_code {
                    Some(0) => None,
                    Some(code) => Some(format!("exited with {code}")),
                    None => Some(format!("did not finish within {}s", opts.timeout.as_secs())),
                };
                jobs.push(job_report(spec, &rel, Some(&build), Some(outcome), error));
                continue;
            }
            if !build.ok {
                let mut check = ServiceCheck::build_failed(engine.kind(), &spec.name, build);
                check.log_tail = redact(&check.log_tail, &secrets);
                services.push(service_report(
                    spec,
                    &rel,
                    Some(check),
                    Some("the image did not build".into()),
                ));
                continue;
            }
            if !failed_jobs.is_empty() {
                services.push(service_report(
                    spec,
                    &rel,
                    None,
                    Some(format!(
                        "not started: {} did not exit 0",
                        failed_jobs.join(", ")
                    )),
                ));
                continue;
            }
            if let Some(port) = spec.port.filter(|_| engine.kind() == EngineKind::Buildah) {
                if engine::tcp_open(port) {
                    services.push(service_report(
                        spec,
                        &rel,
                        None,
                        Some(format!(
                            "port {port} is already in use on this machine: the service's \
                             answer could not be told from another's"
                        )),
                    ));
                    continue;
                }
            }
            let mut check =
                check_built(engine, &request, &tag, &build).map_err(VerifyError::Engine)?;
            check.log_tail = redact(&check.log_tail, &secrets);
            let error = service_error(&check);
            services.push(service_report(spec, &rel, Some(check), error));
        }
        Ok(())
    })();
    for (_, tag, outcome) in &built {
        if outcome.ok {
            if let Err(e) = engine.remove_image(tag) {
                notes.push(format!("could not remove image {tag}: {e}"));
            }
        }
    }
    for container in running {
        if let Err(e) = engine.stop(container) {
            notes.push(format!("could not remove a backing container: {e}"));
        }
    }
    if uses_network {
        if let Err(e) = engine.remove_network(&network_name) {
            notes.push(format!("could not remove network {network_name}: {e}"));
        }
    }
    result?;
    let passed =
        services.iter().filter(|s| s.passed).count() + jobs.iter().filter(|j| j.passed).count();
    let failed = services.len() + jobs.len() - passed;
    Ok(VerifyReport {
        schema_version: SCHEMA_VERSION,
        tool: TOOL,
        root: ws.shown().display().to_string(),
        engine: engine.kind(),
        compose_file: plan.compose_file.as_deref().map(&rel),
        env_file: plan.env_file.as_deref().map(&rel),
        backing,
        jobs,
        services,
        passed,
        failed,
        seconds: (started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
        notes,
    })
}

fn start_backing(
    engine: &dyn ContainerEngine,
    spec: &BackingSpec,
    network: ServiceNetwork,
    opts: &VerifyOptions,
) -> (BackingReport, Option<RunningContainer>) {
    let mut report = BackingReport {
        service: spec.name.clone(),
        image: spec.image.clone(),
        started: false,
        healthy: false,
        health: None,
        detail: None,
        log_tail: Vec::new(),
    };
    let request = RunRequest {
        image: spec.image.clone(),
        env_file: None,
        env: spec.env.clone(),
        port: None,
        user: None,
        name: Some(engine::container_name(&spec.name)),
        command: spec.command.clone(),
        network: Some(network),
    };
    let mut container = match engine.start(&request) {
        Ok(c) => c,
        Err(e) => {
            report.detail = Some(e.to_string());
            return (report, None);
        }
    };
    report.started = true;
    // Compose's own health check when it has one (run inside the container, so it works on
    // every engine), else the port.
    let probe = match (&spec.healthcheck, spec.port) {
        (Some(test), _) if !test.is_empty() && test[0] != "NONE" => HealthProbe::Command {
            // `$$` is compose's escape for a `$` the container's shell expands.
            argv: engine::healthcheck_argv(test)
                .iter()
                .map(|a| a.replace("$$", "$"))
                .collect(),
        },
        (_, Some(port)) if engine.kind() == EngineKind::Buildah => HealthProbe::Tcp { port },
        _ => HealthProbe::StaysUp,
    };
    let timeout = if probe == HealthProbe::StaysUp {
        Duration::from_secs(3)
    } else {
        opts.timeout
    };
    let mut health = engine.wait_healthy(&mut container, &probe, timeout);
    if probe == HealthProbe::StaysUp {
        health.ok = health.still_running;
    }
    report.healthy = health.ok;
    if !health.ok {
        report.detail = health.detail.clone();
        report.log_tail = engine.logs(&container, LOG_TAIL_LINES);
    }
    report.health = Some(health);
    (report, Some(container))
}

/// What went wrong with a checked service, in a sentence; `None` when it passed.
fn service_error(check: &ServiceCheck) -> Option<String> {
    if check.passed() {
        return None;
    }
    if !check.start_ok {
        return Some("the container's process exited".into());
    }
    if check.uid == Some(0) {
        return Some("the process runs as root (UID 0)".into());
    }
    check
        .health
        .as_ref()
        .and_then(|h| h.detail.clone())
        .or_else(|| Some("not healthy".into()))
}

fn service_report(
    spec: &BuiltSpec,
    rel: &dyn Fn(&Path) -> String,
    check: Option<ServiceCheck>,
    error: Option<String>,
) -> ServiceReport {
    ServiceReport {
        service: spec.name.clone(),
        dockerfile: rel(&spec.dockerfile),
        context: rel(&spec.context),
        passed: error.is_none() && check.as_ref().is_some_and(ServiceCheck::passed),
        check,
        error,
    }
}

fn job_report(
    spec: &BuiltSpec,
    rel: &dyn Fn(&Path) -> String,
    build: Option<&engine::BuildOutcome>,
    outcome: Option<JobOutcome>,
    error: Option<String>,
) -> JobReport {
    JobReport {
        service: spec.name.clone(),
        dockerfile: rel(&spec.dockerfile),
        command: spec.command.clone(),
        build_ok: build.is_some_and(|b| b.ok),
        build_seconds: build.map_or(0.0, |b| b.seconds),
        passed: error.is_none() && outcome.as_ref().is_some_and(JobOutcome::ok),
        log_tail: outcome
            .as_ref()
            .map(|o| o.log_tail.clone())
            .unwrap_or_default(),
        outcome,
        error,
    }
}

/// Values of variables whose names say they hold a secret: they never appear in a log tail.
fn secret_values(plan: &VerifyPlan) -> Vec<String> {
    let secret_name = |k: &str| {
        let k = k.to_ascii_uppercase();
        [
            "PASSWORD",
            "SECRET",
            "TOKEN",
            "KEY",
            "CREDENTIAL",
            "_URL",
            "DSN",
        ]
        .iter()
        .any(|w| k.contains(w))
    };
    let mut values: Vec<String> = plan
        .built
        .iter()
        .flat_map(|b| &b.env)
        .chain(plan.backing.iter().flat_map(|b| &b.env))
        .filter(|(k, v)| secret_name(k) && v.len() >= 6 && v.as_str() != PLACEHOLDER)
        .map(|(_, v)| v.clone())
        .collect();
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    values.dedup();
    values
}

fn redact(lines: &[String], secrets: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|line| {
            secrets
                .iter()
                .fold(line.clone(), |l, s| l.replace(s.as_str(), "[REDACTED]"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_check_at_a_time_holds_the_host_network() {
        let held = host_network_lock().expect("the temporary folder is writable");
        let path = std::env::temp_dir().join("shipshape-verify-host-network.lock");
        let other = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        assert!(other.try_lock().is_err(), "a second check must wait");
        drop(held);
        assert!(
            other.try_lock().is_ok(),
            "the lock goes with the first check"
        );
    }

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn interpolation_follows_compose() {
        let v = vars(&[("USER", "app"), ("EMPTY", "")]);
        assert_eq!(interpolate("${USER}", &v), "app");
        assert_eq!(interpolate("$USER-x", &v), "app-x");
        assert_eq!(interpolate("${EMPTY:-d}", &v), "d");
        assert_eq!(interpolate("${EMPTY-d}", &v), "");
        assert_eq!(interpolate("${MISSING-d}", &v), "d");
        assert_eq!(interpolate("${EMPTY:?set it}", &v), PLACEHOLDER);
        assert_eq!(interpolate("${USER:+yes}", &v), "yes");
        assert_eq!(interpolate("$${KEEP}", &v), "$${KEEP}");
        assert_eq!(
            interpolate(
                "postgresql://${USER:-x}:${PW:?set PW in .env}@db:5432/${DB:-app}",
                &v
            ),
            format!("postgresql://app:{PLACEHOLDER}@db:5432/app")
        );
    }

    const COMPOSE: &str = r#"
services:
  api:
    build:
      context: ./backend
      dockerfile: Dockerfile
      args:
        NEXT_PUBLIC_API_URL: http://localhost:8000
    env_file: .env
    environment:
      DATABASE_URL: postgresql://${POSTGRES_USER:-app}:${POSTGRES_PASSWORD:?set it}@postgres:5432/app
    ports:
      - "127.0.0.1:8080:8000"
    healthcheck:
      test: ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"]
    depends_on:
      postgres:
        condition: service_healthy
      migrate:
        condition: service_completed_successfully
  migrate:
    build:
      context: ./backend
      target: build
    command: ["alembic", "upgrade", "head"]
    env_file: .env
    depends_on:
      postgres:
        condition: service_healthy
  postgres:
    image: postgres:18.1-alpine
    environment:
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it}
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U \"$${POSTGRES_USER}\""]
"#;

    #[test]
    fn an_env_example_s_empty_secrets_and_required_variables_get_a_placeholder() {
        let text = "# Required: read in app.py:3.\nAPI_URL=\nCOOKIE_SECRET=\nCOOKIE_NAME=\nLOG_LEVEL=info\n";
        let mut env = parse_env_file(text);
        fill_from_example(text, &mut env);
        assert_eq!(env["API_URL"], PLACEHOLDER);
        assert_eq!(env["COOKIE_SECRET"], PLACEHOLDER);
        assert!(PLACEHOLDER.len() >= 32, "long enough for a session secret");
        assert_eq!(
            env["COOKIE_NAME"], "",
            "not a secret, not required: left as written"
        );
        assert_eq!(env["LOG_LEVEL"], "info");
    }

    #[test]
    fn variables_an_env_example_marks_required_are_found() {
        let text = "# --- app ---\n# Required: read in settings.py:7.\n# Secret: generate one.\nSECRET_KEY=\n\n# Optional.\nSENTRY_DSN=\n# Required.\nexport TOKEN=\nPLAIN=\n";
        assert_eq!(required_in_example(text), vec!["SECRET_KEY", "TOKEN"]);
    }

    #[test]
    fn a_compose_health_check_replaces_the_images_and_disable_is_kept() {
        let compose = r#"
services:
  worker:
    build: .
    command: [celery, "-A", app, worker]
    healthcheck:
      test: ["CMD-SHELL", "celery -A app inspect ping --destination celery@$$HOSTNAME"]
  sidekiq:
    build: .
    command: [bundle, exec, sidekiq]
    healthcheck:
      disable: true
  web:
    build: .
"#;
        let plan = plan_from_compose(Path::new("/repo"), compose, BTreeMap::new()).expect("parses");
        let by_name = |n: &str| plan.built.iter().find(|b| b.name == n).expect(n);
        assert_eq!(
            by_name("worker").healthcheck,
            Some(vec![
                "CMD-SHELL".to_string(),
                "celery -A app inspect ping --destination celery@$$HOSTNAME".to_string()
            ])
        );
        assert_eq!(by_name("worker").health_path, None);
        assert_eq!(
            by_name("sidekiq").healthcheck,
            Some(vec!["NONE".to_string()])
        );
        assert_eq!(by_name("web").healthcheck, None);
    }

    #[test]
    fn compose_services_split_into_backing_jobs_and_services() {
        let plan = plan_from_compose(
            Path::new("/repo"),
            COMPOSE,
            vars(&[("POSTGRES_PASSWORD", "")]),
        )
        .expect("parses");
        let names: Vec<(&str, bool)> = plan
            .built
            .iter()
            .map(|b| (b.name.as_str(), b.one_shot))
            .collect();
        assert_eq!(names, vec![("migrate", true), ("api", false)], "jobs first");
        let api = &plan.built[1];
        assert_eq!(api.context, PathBuf::from("/repo/backend"));
        assert_eq!(api.dockerfile, PathBuf::from("/repo/backend/Dockerfile"));
        assert_eq!(api.port, Some(8000));
        assert_eq!(api.health_path.as_deref(), Some("/healthz"));
        assert_eq!(api.after_jobs, vec!["migrate"]);
        // The job is built from the stage compose names, the service from the last one.
        assert_eq!(plan.built[0].target.as_deref(), Some("build"));
        assert_eq!(api.target, None);
        assert_eq!(
            api.build_args
                .get("NEXT_PUBLIC_API_URL")
                .map(String::as_str),
            Some("http://localhost:8000")
        );
        assert_eq!(
            api.env["DATABASE_URL"],
            format!("postgresql://app:{PLACEHOLDER}@postgres:5432/app")
        );
        assert_eq!(
            api.env["POSTGRES_PASSWORD"], PLACEHOLDER,
            "from the env file"
        );
        assert_eq!(
            plan.built[0].command.as_deref(),
            Some(&["alembic".to_string(), "upgrade".into(), "head".into()][..])
        );
        let pg = &plan.backing[0];
        assert_eq!(pg.image, "postgres:18.1-alpine");
        assert_eq!(pg.port, Some(5432), "the image family's port");
        assert_eq!(
            pg.env["POSTGRES_PASSWORD"], PLACEHOLDER,
            "the same value the app gets"
        );
        assert_eq!(
            pg.healthcheck.as_ref().map(|t| t[1].as_str()),
            Some("pg_isready -U \"$${POSTGRES_USER}\""),
            "`$$` stays for the shell of the health check, as compose passes it"
        );
    }

    #[test]
    fn ports_are_read_in_every_compose_form() {
        let none = |s: &str| s.to_string();
        let port = |yaml: &str| {
            let doc = shipshape_syntax::yaml::parse(yaml).unwrap()[0].to_json();
            first_target_port(doc.get("ports"), &none)
        };
        assert_eq!(port("ports: ['3000']"), Some(3000));
        assert_eq!(port("ports: ['8080:3000']"), Some(3000));
        assert_eq!(port("ports: ['127.0.0.1:5432:5432/tcp']"), Some(5432));
        assert_eq!(port("ports: [{target: 80, published: 8080}]"), Some(80));
        assert_eq!(port("ports: []"), None);
    }

    #[test]
    fn a_compose_file_that_does_not_parse_is_an_error() {
        assert!(plan_from_compose(Path::new("/r"), "services: [\n", BTreeMap::new()).is_err());
    }

    #[test]
    fn copy_sources_decide_the_build_context() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("apps/web")).unwrap();
        std::fs::write(dir.path().join("package.json"), "{}").unwrap();
        let dockerfile = "FROM node:22\nCOPY package.json ./\nCOPY --from=build /app /app\n";
        assert!(!copies_resolve(dockerfile, &dir.path().join("apps/web")));
        assert!(copies_resolve(dockerfile, dir.path()));
    }

    #[test]
    fn a_service_without_a_health_url_is_probed_on_the_route_its_code_defines() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path();
        std::fs::write(repo.join("go.mod"), "module example.com/p\n\ngo 1.22\n").unwrap();
        std::fs::write(
            repo.join("main.go"),
            "package main\nimport \"net/http\"\nfunc main() {\n\tmux := http.NewServeMux()\n\
             \tmux.HandleFunc(\"GET /healthz\", func(w http.ResponseWriter, r *http.Request) {})\n\
             \thttp.ListenAndServe(\":8080\", mux)\n}\n",
        )
        .unwrap();
        // A distroless image: no HEALTHCHECK to read a URL from.
        std::fs::write(
            repo.join("Dockerfile"),
            "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\nCMD [\"/app\"]\n",
        )
        .unwrap();
        let ws = Workspace::open(repo).unwrap();
        let plan = plan(&ws, &VerifyOptions::default()).unwrap();
        assert_eq!(plan.built.len(), 1);
        assert_eq!(plan.built[0].health_path.as_deref(), Some("/healthz"));
        assert_eq!(plan.built[0].port, Some(8080));
    }

    #[test]
    fn secret_values_never_reach_a_log_tail() {
        let plan = VerifyPlan {
            built: vec![BuiltSpec {
                name: "api".into(),
                context: PathBuf::new(),
                dockerfile: PathBuf::new(),
                build_args: BTreeMap::new(),
                target: None,
                env: vars(&[
                    ("DATABASE_URL", "postgres://u:hunter22@db/x"),
                    ("PORT", "8080"),
                ]),
                command: None,
                port: None,
                health_path: None,
                healthcheck: None,
                one_shot: false,
                after_jobs: Vec::new(),
            }],
            ..VerifyPlan::default()
        };
        let lines = redact(
            &["connect postgres://u:hunter22@db/x failed on 8080".to_string()],
            &secret_values(&plan),
        );
        assert_eq!(lines, vec!["connect [REDACTED] failed on 8080"]);
    }
}
