//! What each tool accepts: the `inputSchema`s, generated from these types. Unknown fields are an
//! error, so a misspelt argument is reported instead of silently ignored. Paths are relative to the
//! repository root the server was started on.

use schemars::JsonSchema;
use serde::Deserialize;
use shipshape_core::Severity;

/// A repository folder (or file) to run on.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PathParams {
    /// Folder inside the repository root, relative to it (`.`, `services/api`). Default: the
    /// root.
    #[serde(default)]
    pub path: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessParams {
    /// Folder inside the repository root, relative to it (`.`, `services/api`). Default: the
    /// root.
    #[serde(default)]
    pub path: Option<String>,
    /// Also scan every commit of every branch and tag for secrets ("No hardcoded secrets" then
    /// covers credentials deleted from the files but still in history): long on big histories;
    /// sends progress notifications and stops when cancelled.
    #[serde(default)]
    pub history: bool,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    /// Folders or single files inside the repository root, relative to it. Default: the root.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Only these rules: IDs (`SS-DOCKER-004`), slugs (`no-latest-tag`), ID prefixes
    /// (`SS-COMPOSE`) or domains (`dockerfile`, `compose`, `secrets`). Default: `[audit] select`
    /// in shipshape.toml, else every rule.
    #[serde(default)]
    pub select: Vec<String>,
    /// Leave these rules out (same keys as `select`).
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Lowest severity that fails the gate (reported in `_meta`, as the CLI's exit code).
    /// Default: `[audit] fail_on`, else `warning`.
    #[serde(default)]
    pub fail_on: Option<Severity>,
    /// Ignore every inline suppression comment.
    #[serde(default)]
    pub no_ignores: bool,
    /// Findings to skip: for the next page, the `next_offset` the previous result gave in
    /// `_meta`.
    #[serde(default)]
    pub offset: usize,
    /// Findings to return at most (default 100, at most 500). `summary` always counts them all.
    #[serde(default)]
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<usize>,
}

/// Where to look for secrets.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// The working tree.
    #[default]
    Tree,
    /// What is staged (the index against HEAD).
    Staged,
    /// The working tree and every commit of every branch and tag: long on big histories; sends
    /// progress notifications and stops when cancelled.
    History,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretsParams {
    /// Folder (or single file) inside the repository root, relative to it. Default: the root.
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub scope: Scope,
    /// With `scope: history`, scan only commits after this revision.
    #[serde(default)]
    pub since: Option<String>,
    /// Lowest severity that fails the gate (reported in `_meta`). Default: `warning`.
    #[serde(default)]
    pub fail_on: Option<Severity>,
    /// Findings to skip: for the next page, the `next_offset` the previous result gave in
    /// `_meta`.
    #[serde(default)]
    pub offset: usize,
    /// Findings to return at most (default 100, at most 500). `summary` always counts them all.
    #[serde(default)]
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<usize>,
}

/// What `init` generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum InitArtifact {
    /// A multi-stage, non-root Dockerfile per service (with its .dockerignore).
    Docker,
    Dockerignore,
    /// compose.yaml for local development (with .env.example).
    Compose,
}

impl InitArtifact {
    pub fn name(self) -> &'static str {
        match self {
            InitArtifact::Docker => "docker",
            InitArtifact::Dockerignore => "dockerignore",
            InitArtifact::Compose => "compose",
        }
    }
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InitParams {
    /// Repository folder inside the root, relative to it. Default: the root.
    #[serde(default)]
    pub path: Option<String>,
    /// Generate only these. Default: everything.
    #[serde(default)]
    pub only: Vec<InitArtifact>,
    /// Replace files that exist with other content (the user's Dockerfile included).
    #[serde(default)]
    pub force: bool,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplainParams {
    /// Rule ID (`SS-DOCKER-001`) or slug (`no-latest-tag`).
    pub rule: String,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListRulesParams {
    /// Only these rules: IDs, slugs, ID prefixes or domains, as for `audit`. Default: all.
    #[serde(default)]
    pub select: Vec<String>,
}
