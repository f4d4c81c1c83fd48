//! The rule contract. A rule is one struct implementing [`Rule`]: it declares its metadata once
//! ([`RuleMeta`], from which `shipshape rules`, `shipshape explain` and the SARIF rule table are
//! generated) and reports [`Diagnostic`]s — a byte span of the offending token and a message.
//! It never formats output or computes lines: the engine resolves spans into findings.

use shipshape_core::Severity;
use shipshape_syntax::Span;

/// Which kind of artifact a rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    Dockerfile,
    Compose,
    /// Built-in diagnostics of the engine itself (files that do not parse).
    Engine,
}

impl Target {
    pub fn as_str(&self) -> &'static str {
        match self {
            Target::Dockerfile => "dockerfile",
            Target::Compose => "compose",
            Target::Engine => "engine",
        }
    }
}

/// Everything shipshape says about a rule, declared once.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable ID, never reused: `SS-DOCKER-001`.
    pub id: &'static str,
    /// Kebab-case name: `no-latest-tag`.
    pub slug: &'static str,
    pub target: Target,
    pub severity: Severity,
    /// One line: what the rule flags.
    pub title: &'static str,
    /// One paragraph: why it matters.
    pub rationale: &'static str,
    /// How to fix it.
    pub fix: &'static str,
    /// The same check in other tools, as `tool:ID` (`hadolint:DL3007`, `checkov:CKV_DOCKER_7`,
    /// `trivy:DS-0001`, `kics:<query name>`).
    pub equivalents: &'static [&'static str],
}

/// One problem a rule found: the exact token and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub span: Span,
    pub message: String,
    /// Byte ranges that must never be shown (secret values): masked in snippets.
    pub redact: Vec<Span>,
}

impl Diagnostic {
    pub fn new(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            span,
            message: message.into(),
            redact: Vec::new(),
        }
    }

    /// Mask `secret` wherever this finding's snippet is shown.
    pub fn redacting(mut self, secret: Span) -> Diagnostic {
        self.redact.push(secret);
        self
    }
}

/// A parsed Dockerfile as rules see it.
pub struct DockerfileDoc<'a> {
    pub path: &'a str,
    pub source: &'a str,
    pub ast: &'a shipshape_syntax::dockerfile::Dockerfile,
    /// Whether the build context (the Dockerfile's folder) has a `.dockerignore` for it.
    pub has_dockerignore: bool,
}

/// A parsed compose file as rules see it.
pub struct ComposeDoc<'a> {
    pub path: &'a str,
    pub source: &'a str,
    pub root: &'a shipshape_syntax::yaml::Node,
}

/// A rule. Implement the `check_*` method of the rule's [`Target`].
pub trait Rule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;

    fn check_dockerfile(&self, _doc: &DockerfileDoc, _out: &mut Vec<Diagnostic>) {}

    fn check_compose(&self, _doc: &ComposeDoc, _out: &mut Vec<Diagnostic>) {}
}
