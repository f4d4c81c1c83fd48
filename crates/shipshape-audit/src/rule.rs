//! The rule contract. A rule is one struct implementing its domain's rule trait
//! ([`DockerfileRule`], [`ComposeRule`], …): it declares its metadata once ([`RuleMeta`]; its
//! prose is the rule file's doc comment) and reports [`Diagnostic`]s — a byte span of the
//! offending token and a message. It never formats output or computes lines: the engine turns
//! diagnostics into findings with the shared diagnostics model.
//!
//! A domain ([`AuditDomain`]) owns a kind of artifact: it says which files it reads, parses each
//! once, and runs its registry (one ID-ordered table of its rules). Adding a domain adds its
//! model, its registry, its rule files and one line in [`crate::rules::DOMAINS`]; the engine has
//! no per-domain code.

use shipshape_core::{ArtifactKind, Inventory};

pub use crate::repository::{BuildUse, Repository};
use crate::rules::docker::run::util::RunIndex;

pub use shipshape_core::text::Span;
pub use shipshape_core::Severity;
pub use shipshape_diagnostics::{Domain, RuleMeta};

/// One problem a rule found: the exact token and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub span: Span,
    pub message: String,
    /// Byte ranges that must never be shown (secret values): masked wherever they appear.
    pub redact: Vec<Span>,
    /// The repository-relative path of the file `span` is in, when it is not the file being
    /// audited: a compose project is audited as a whole and a finding points at the file that
    /// set the value (an override, an extended file).
    pub path: Option<String>,
    /// The whole construct the finding is about, when it is wider than `span` (a workflow's
    /// `on:` block for one of its triggers): a suppression comment on any of its lines covers
    /// the finding, as a zizmor comment anywhere in its finding's span does.
    pub feature: Option<Span>,
}

impl Diagnostic {
    pub fn new(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            span,
            message: message.into(),
            redact: Vec::new(),
            path: None,
            feature: None,
        }
    }

    /// The construct the finding is about (see [`Diagnostic::feature`]).
    pub fn within(mut self, feature: Span) -> Diagnostic {
        self.feature = Some(feature);
        self
    }

    /// The same diagnostic in another file of the unit being audited.
    pub fn in_file(mut self, path: impl Into<String>) -> Diagnostic {
        self.path = Some(path.into());
        self
    }

    /// Mask `secret` wherever this finding's snippet or message shows it.
    pub fn redacting(mut self, secret: Span) -> Diagnostic {
        self.redact.push(secret);
        self
    }

    /// Mask a value as written in `source`, without the quotes around it: the secret itself,
    /// so every checker that sees it masks (and recognises) the same bytes.
    pub fn redacting_value(self, source: &str, value: Span) -> Diagnostic {
        self.redacting(unquoted(source, value))
    }
}

/// `span` without one pair of matching quotes around it.
pub fn unquoted(source: &str, span: Span) -> Span {
    let text = span.text(source);
    let b = text.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        Span::new(span.start + 1, span.end - 1)
    } else {
        span
    }
}

/// A file as a domain sees it.
pub struct AuditFile<'a> {
    /// Repository-relative path.
    pub path: &'a str,
    pub source: &'a str,
    pub kind: ArtifactKind,
    /// The repository, when the file is one of its files (not for generated text).
    pub inventory: Option<&'a Inventory>,
    /// Whether a repository-relative path exists (in the repository, or in a plan being
    /// verified): for rules that depend on a neighbouring file (a `.dockerignore`).
    pub exists: &'a (dyn Fn(&str) -> bool + Sync),
    /// The text of another repository file (a `.dockerignore`, a compose override, an
    /// entrypoint script), if it exists and is readable.
    pub read: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// What is known about the repository as a whole.
    pub repo: &'a Repository,
}

/// What a domain reports for one file.
#[derive(Default)]
pub struct Sink {
    pub(crate) raw: Vec<(&'static RuleMeta, Diagnostic)>,
    /// Line ranges (1-based, inclusive) of the file's statements: a suppression comment alone
    /// on a line covers the whole statement that starts after it (a Dockerfile instruction over
    /// several lines). Empty: it covers the next line.
    pub(crate) statements: Vec<(u32, u32)>,
    /// Why the file was not audited after all (its content is not what its name says).
    pub(crate) skipped: Option<String>,
    /// A domain found no suppression marker in the file's text
    /// ([`shipshape_diagnostics::suppress::may_hold`]): its suppressions need not be parsed.
    pub(crate) no_suppressions: bool,
}

impl Sink {
    pub fn push(&mut self, meta: &'static RuleMeta, d: Diagnostic) {
        self.raw.push((meta, d));
    }

    pub fn extend(&mut self, meta: &'static RuleMeta, ds: impl IntoIterator<Item = Diagnostic>) {
        self.raw.extend(ds.into_iter().map(|d| (meta, d)));
    }

    /// Report that the file does not parse (`SS-PARSE-001`).
    pub fn parse_error(&mut self, span: Span, message: impl Into<String>) {
        self.raw.push((
            &crate::rules::parse_error::META,
            Diagnostic::new(span, message),
        ));
    }

    pub fn statements(&mut self, lines: Vec<(u32, u32)>) {
        self.statements = lines;
    }

    /// The file's text holds no suppression marker (`suppress::may_hold` said so): the search
    /// is not made a second time when its suppressions are read.
    pub fn no_suppressions(&mut self) {
        self.no_suppressions = true;
    }

    /// The file is not audited: its content is not what its name says.
    pub fn skip(&mut self, why: impl Into<String>) {
        self.skipped = Some(why.into());
    }
}

/// A kind of artifact the audit reads, with its rules.
pub trait AuditDomain: Sync {
    fn domain(&self) -> Domain;
    /// The domain's rules, in ID order.
    fn rules(&self) -> Vec<&'static RuleMeta>;
    /// Whether files of this kind belong to the domain.
    fn accepts(&self, kind: ArtifactKind) -> bool;
    /// Parse `file` once and run every selected rule over it: `enabled[i]` says whether the
    /// `i`-th rule of [`AuditDomain::rules`] runs (worked out once per run by the engine).
    fn check(&self, file: &AuditFile<'_>, enabled: &[bool], sink: &mut Sink);
}

/// A parsed Dockerfile as rules see it.
pub struct DockerfileDoc<'a> {
    pub path: &'a str,
    pub source: &'a str,
    pub ast: &'a shipshape_syntax::dockerfile::Dockerfile,
    /// The build contexts the Dockerfile is built with: its own folder, unless compose or bake
    /// files say otherwise.
    pub contexts: Vec<BuildContext>,
    /// What the repository says about how its images are built (targets, images built here).
    pub repo: &'a Repository,
    /// The text of another repository file (an entrypoint script in the build context).
    pub read: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// The `RUN`s and where each program runs, worked out when a rule first asks
    /// ([`DockerfileDoc::run_index`]).
    pub(crate) runs: std::sync::OnceLock<RunIndex<'a>>,
}

/// A build context of a Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildContext {
    /// Repository-relative folder (`""` for the root).
    pub dir: String,
    /// The ignore file that applies (`<Dockerfile>.dockerignore` beside the Dockerfile, else
    /// `.dockerignore` at the root of the context) and its text.
    pub dockerignore: Option<(String, String)>,
    /// Where this context is declared (`compose.yaml`), `None` for the Dockerfile's own folder.
    pub declared_in: Option<String>,
    /// What in the context a `.dockerignore` would keep out of the image: `Some(reason)`, `None`
    /// when the context holds nothing of the kind (only the files the image is made of).
    /// Unknown contents (a Dockerfile audited alone) count as something.
    pub holds_ignorable: Option<String>,
}

fn no_file(_: &str) -> Option<String> {
    None
}

impl<'a> DockerfileDoc<'a> {
    /// A Dockerfile seen on its own: built from its folder, which has the given ignore file
    /// text (or none), no targets or neighbouring files known.
    pub fn alone(
        path: &'a str,
        source: &'a str,
        ast: &'a shipshape_syntax::dockerfile::Dockerfile,
        dockerignore: Option<&str>,
    ) -> DockerfileDoc<'a> {
        let dir = shipshape_syntax::compose::parent(path).to_string();
        let ignore_path = shipshape_syntax::compose::join(&dir, ".dockerignore");
        DockerfileDoc {
            path,
            source,
            ast,
            contexts: vec![BuildContext {
                dir,
                dockerignore: dockerignore.map(|t| (ignore_path, t.to_string())),
                declared_in: None,
                holds_ignorable: Some(crate::rules::docker::UNKNOWN_CONTENT.to_string()),
            }],
            repo: Repository::none(),
            read: &no_file,
            runs: std::sync::OnceLock::new(),
        }
    }

    /// The `RUN`s of the file indexed by program, built on first use and shared by every rule.
    pub(crate) fn run_index(&self) -> &RunIndex<'a> {
        self.runs.get_or_init(|| RunIndex::new(self.ast))
    }

    /// Whether every build context has a `.dockerignore`.
    pub fn has_dockerignore(&self) -> bool {
        self.contexts.iter().all(|c| c.dockerignore.is_some())
    }
}

/// A Dockerfile rule.
pub trait DockerfileRule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>);
}

/// A compose project as rules see it: the effective model of its files.
pub struct ComposeDoc<'a> {
    pub project: &'a shipshape_syntax::compose::Project,
    /// The effective model (`project.model`).
    pub root: &'a shipshape_syntax::compose::Node,
    /// The text of each file of the project, by its index in `project.files`.
    pub sources: &'a [String],
}

impl ComposeDoc<'_> {
    /// A diagnostic at `node`, in the file that set it.
    pub fn at(
        &self,
        node: &shipshape_syntax::compose::Node,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(node.span, message).in_file(self.project.file_of(node))
    }

    /// The text of the file that set `node`.
    pub fn source_of(&self, node: &shipshape_syntax::compose::Node) -> &str {
        self.sources.get(node.file).map_or("", String::as_str)
    }
}

/// A compose rule.
pub trait ComposeRule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, doc: &ComposeDoc, out: &mut Vec<Diagnostic>);
}
