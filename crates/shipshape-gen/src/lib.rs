//! Generators: pure functions from the detected [`Facts`] to [`PlannedFile`]s. A plan is made
//! first (every file with the reason it exists), then every planned file is parsed and audited
//! by shipshape's own rules — a generated artifact with a finding is a bug — and only then
//! written, atomically, never over a file the user has unless asked to.

pub mod ci;
pub mod compose;
pub mod docker;
pub mod dockerignore;
pub mod engine;
pub mod env_example;
pub mod readme;
pub mod report;
pub mod verify;
pub mod write;

use serde::Serialize;
use shipshape_core::Inventory;
use shipshape_detect::Facts;

/// What `init` can generate (`--only`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Artifact {
    /// A Dockerfile per service.
    Docker,
    /// A .dockerignore per build context.
    Dockerignore,
    /// compose.yaml for local development, with .env.example.
    Compose,
    /// A CI/CD pipeline (GitHub Actions or GitLab CI) and its Dependabot configuration.
    Ci,
}

impl Artifact {
    pub const ALL: &'static [Artifact] =
        &[Artifact::Docker, Artifact::Dockerignore, Artifact::Compose];

    pub fn parse(s: &str) -> Option<Artifact> {
        match s {
            "docker" | "dockerfile" => Some(Artifact::Docker),
            "dockerignore" => Some(Artifact::Dockerignore),
            "compose" => Some(Artifact::Compose),
            "ci" => Some(Artifact::Ci),
            _ => None,
        }
    }
}

/// Which part of the DevOps work a file belongs to (the `devops_progress` keys of `init`'s JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Docker,
    CiCd,
    Infra,
    Monitoring,
}

/// One file a generator wants to exist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedFile {
    /// Repository-relative, `/`-separated.
    pub path: String,
    pub content: String,
    /// Why the file exists, in one sentence a user reads ("Multi-stage Node Dockerfile for web/:
    /// Next.js standalone output on node:22-bookworm-slim, runs as UID 10001").
    pub reason: String,
    pub category: Category,
    pub artifact: Artifact,
}

/// Everything `init` would do, before anything is verified or written.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Plan {
    pub files: Vec<PlannedFile>,
    /// Things the user should know (a runtime version past end of life, a service whose stack
    /// has no generator, an existing Dockerfile left alone).
    pub warnings: Vec<String>,
    /// Dockerfiles built from another folder than their own (a workspace root that holds the
    /// lockfile and shared packages). The .dockerignore, compose.yaml and verification follow
    /// these; a Dockerfile not listed is built from its own folder.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub build_contexts: Vec<BuildContext>,
}

/// The folder a Dockerfile is built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BuildContext {
    /// Repository-relative path of the Dockerfile.
    pub dockerfile: String,
    /// Repository-relative folder sent to the builder (`.` for the root).
    pub context: String,
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct InitOptions {
    pub only: Vec<Artifact>,
    /// The CI system `Artifact::Ci` writes for; the detected one (else GitHub) when `None`.
    pub ci: Option<ci::CiProvider>,
    /// Generate a Dockerfile for a service that already has one (`init --force`, which then
    /// replaces it); otherwise the user's Dockerfile is left alone.
    pub replace_existing: bool,
}

impl Default for InitOptions {
    fn default() -> Self {
        InitOptions {
            only: Artifact::ALL.to_vec(),
            ci: None,
            replace_existing: false,
        }
    }
}

impl InitOptions {
    pub fn wants(&self, a: Artifact) -> bool {
        self.only.contains(&a)
    }
}

/// Plan every file `opts` asks for, from the facts of the repository in `inv`.
pub fn plan(facts: &Facts, inv: &Inventory, opts: &InitOptions) -> Plan {
    let mut plan = Plan::default();
    if opts.wants(Artifact::Docker) {
        docker::plan_with(
            facts,
            inv,
            &mut plan,
            docker::Day::today(),
            opts.replace_existing,
        );
    }
    // A Dockerfile without a .dockerignore sends everything in its folder, `.env` included, to
    // the builder: asking for Dockerfiles brings the .dockerignore files along.
    if opts.wants(Artifact::Dockerignore) || opts.wants(Artifact::Docker) {
        dockerignore::plan(facts, inv, &mut plan);
    }
    if opts.wants(Artifact::Compose) {
        compose::plan(facts, inv, &mut plan);
        env_example::plan(facts, inv, &mut plan);
    }
    if opts.wants(Artifact::Docker) || opts.wants(Artifact::Compose) {
        readme::plan(facts, inv, &mut plan);
    }
    // After the Dockerfiles: the image jobs build the ones this plan writes.
    if opts.wants(Artifact::Ci) {
        ci::plan(facts, inv, opts.ci, &mut plan);
    }
    plan.files.sort_by(|a, b| a.path.cmp(&b.path));
    plan
}

/// `dir/name`, with the repository root (`.` or empty) giving just `name`.
pub(crate) fn join(dir: &str, name: &str) -> String {
    let dir = dir.trim_end_matches('/');
    if dir.is_empty() || dir == "." {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// The folder of a repository-relative path, `.` for the root.
pub(crate) fn dir_of(path: &str) -> &str {
    match path.rsplit_once('/') {
        Some((dir, _)) if !dir.is_empty() => dir,
        _ => ".",
    }
}

/// Whether a repository-relative path names a Dockerfile (`Dockerfile`, `Dockerfile.prod`,
/// `api.Dockerfile`, `Containerfile`).
pub(crate) fn is_dockerfile(path: &str) -> bool {
    matches!(
        shipshape_core::artifact::classify_path(path),
        shipshape_core::artifact::Classification::Known(shipshape_core::ArtifactKind::Dockerfile)
    )
}

/// Whether a Dockerfile in a service's folder is the one its image is built from. A hidden one
/// (`.gitpod.Dockerfile`) is a tool's: Gitpod builds the development workspace from it, with the
/// tools and no application, and no `docker build` picks it.
pub(crate) fn builds_the_service(path: &str) -> bool {
    !path.rsplit('/').next().unwrap_or(path).starts_with('.')
}

/// How a folder is shown to users: `web/`, or `the repository root`.
pub(crate) fn show_dir(dir: &str) -> String {
    if dir.is_empty() || dir == "." {
        "the repository root".to_string()
    } else {
        format!("{}/", dir.trim_end_matches('/'))
    }
}

/// How one service's image is built: which Dockerfile, from which folder, and what the
/// Dockerfile says (the planned text when `init` generates it, else the file in the repository).
#[derive(Debug, Clone)]
pub(crate) struct BuildTarget<'a> {
    pub service: &'a shipshape_detect::Service,
    pub dockerfile: String,
    pub context: String,
    /// The Dockerfile's text, when there is one (planned or in the repository).
    pub text: Option<String>,
}

impl BuildTarget<'_> {
    /// What the Dockerfile's final stage tells compose: the ports it exposes and whether it runs
    /// as a user other than root.
    pub fn image_summary(&self) -> ImageSummary {
        self.text
            .as_deref()
            .map(ImageSummary::of)
            .unwrap_or_default()
    }
}

/// The parts of a Dockerfile's final stage that shape how compose runs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ImageSummary {
    pub exposed: Vec<u16>,
    /// The final `USER` is set and is neither `root` nor UID 0 (nor a variable).
    pub non_root: bool,
}

impl ImageSummary {
    pub fn of(text: &str) -> ImageSummary {
        use shipshape_syntax::dockerfile::Keyword;
        let ast = shipshape_syntax::dockerfile::parse(text);
        let stages = ast.stages();
        let Some(last) = stages.last() else {
            return ImageSummary::default();
        };
        let mut summary = ImageSummary::default();
        let mut user: Option<String> = None;
        for i in last.instructions.clone() {
            let Some(ins) = ast.instructions.get(i) else {
                continue;
            };
            match ins.keyword {
                Keyword::Expose => {
                    for w in ins.words() {
                        let number = w.value.split('/').next().unwrap_or("");
                        if let Ok(port) = number.parse::<u16>() {
                            summary.exposed.push(port);
                        }
                    }
                }
                Keyword::User => {
                    user = ins.words().first().map(|w| w.value.clone());
                }
                _ => {}
            }
        }
        summary.non_root = user.is_some_and(|u| {
            let name = u.split(':').next().unwrap_or("");
            !name.is_empty() && name != "root" && name != "0" && !name.contains('$')
        });
        summary
    }
}

/// Where every service's image is built from: its Dockerfile (planned, existing, or the one
/// `shipshape init --only docker` would write) and the build context, in service order.
pub(crate) fn build_targets<'a>(
    facts: &'a Facts,
    inv: &Inventory,
    plan: &Plan,
) -> Vec<BuildTarget<'a>> {
    facts
        .services
        .iter()
        .map(|service| {
            let root = if service.root.is_empty() {
                "."
            } else {
                service.root.as_str()
            };
            let planned = plan
                .files
                .iter()
                .find(|f| is_dockerfile(&f.path) && dir_of(&f.path) == root);
            let existing = || {
                let mut in_root: Vec<&str> = facts
                    .containers
                    .dockerfiles
                    .iter()
                    .map(|d| d.path.as_str())
                    .filter(|p| dir_of(p) == root && builds_the_service(p))
                    .collect();
                // A plain `Dockerfile` is what `docker build` picks by default.
                in_root.sort_by_key(|p| (!p.ends_with("/Dockerfile") && *p != "Dockerfile", *p));
                in_root.first().map(|p| p.to_string())
            };
            let (dockerfile, text, is_planned) = match planned {
                Some(f) => (f.path.clone(), Some(f.content.clone()), true),
                None => match existing() {
                    Some(path) => {
                        let text = inv.text_of(&path).map(|t| t.to_string());
                        (path, text, false)
                    }
                    None => (join(root, "Dockerfile"), None, false),
                },
            };
            let recorded = plan
                .build_contexts
                .iter()
                .find(|c| c.dockerfile == dockerfile)
                .map(|c| c.context.clone());
            let context = match (recorded, &text) {
                (Some(c), _) => c,
                // A Dockerfile already in the repository says nothing about its context but
                // what it copies: that decides, so a second `init` sees what the first planned.
                (None, Some(t)) if !is_planned => infer_context(t, &dockerfile, inv),
                _ => dir_of(&dockerfile).to_string(),
            };
            BuildTarget {
                service,
                dockerfile,
                context,
                text,
            }
        })
        .collect()
}

/// The build context a Dockerfile in the repository needs: its own folder, or the nearest folder
/// above it from which every file it copies exists (a workspace root holding `go.work`, the
/// lockfile, shared packages). Its own folder when nothing fits.
pub(crate) fn infer_context(text: &str, dockerfile: &str, inv: &Inventory) -> String {
    let sources = copied_sources(text);
    let own = dir_of(dockerfile).to_string();
    if sources.is_empty() {
        return own;
    }
    infer_context_from(&sources, own, inv)
}

/// The local sources a Dockerfile's COPY and ADD instructions name (not from other stages,
/// URLs, heredocs or variables), read once per Dockerfile text: every generator asks for the
/// build targets, and each asks for the context.
fn copied_sources(text: &str) -> std::sync::Arc<Vec<String>> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    static SEEN: OnceLock<Mutex<HashMap<String, Arc<Vec<String>>>>> = OnceLock::new();
    let seen = SEEN.get_or_init(Default::default);
    let lock = || seen.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(s) = lock().get(text) {
        return s.clone();
    }
    let sources = Arc::new(parse_copied_sources(text));
    let mut map = lock();
    // A long-lived process (the MCP server) sees many versions of many files: keep it small.
    if map.len() >= 256 {
        map.clear();
    }
    map.insert(text.to_string(), sources.clone());
    sources
}

fn parse_copied_sources(text: &str) -> Vec<String> {
    use shipshape_syntax::dockerfile::Keyword;
    let ast = shipshape_syntax::dockerfile::parse(text);
    ast.instructions
        .iter()
        .filter(|i| matches!(i.keyword, Keyword::Copy | Keyword::Add) && i.flag("from").is_none())
        .flat_map(|i| {
            let words = i.words();
            let n = words.len().saturating_sub(1);
            words[..n]
                .iter()
                .map(|w| w.value.clone())
                .collect::<Vec<_>>()
        })
        .map(|s| s.trim_start_matches("./").trim_end_matches('/').to_string())
        .filter(|s| {
            !s.is_empty()
                && s != "."
                && !s.starts_with("<<")
                && !s.contains("://")
                && !s.contains('$')
                && !s.starts_with('/')
        })
        .collect()
}

fn infer_context_from(sources: &[String], own: String, inv: &Inventory) -> String {
    let exists = |dir: &str, source: &str| {
        let path = join(dir, source);
        match path.find(['*', '?', '[']) {
            Some(i) => {
                let prefix = &path[..i];
                inv.files().iter().any(|f| f.path.starts_with(prefix))
            }
            None => {
                inv.contains(&path)
                    || !inv.under(&path).is_empty()
                    || inv.root().join(&path).exists()
            }
        }
    };
    let mut candidate = own.clone();
    loop {
        if sources.iter().all(|s| exists(&candidate, s)) {
            return candidate;
        }
        if candidate == "." {
            return own;
        }
        candidate = dir_of(&candidate).to_string();
    }
}
