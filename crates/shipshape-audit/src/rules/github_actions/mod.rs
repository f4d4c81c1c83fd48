//! GitHub Actions rules, one per file, over the workflow model of `shipshape-syntax`: supply-chain
//! and injection checks (zizmor's offline audit set) and correctness checks actionlint makes.
//! Workflows (`.github/workflows/*.yml`) and actions (`action.yml`) are both read; rules about
//! jobs and triggers see no jobs in an action, rules about steps see its composite steps.

use std::sync::Arc;

use shipshape_core::ArtifactKind;
use shipshape_syntax::github_actions::expr::{self, ContextPath, Expr};
use shipshape_syntax::github_actions::{self as gha, Action, Job, Step, Workflow};
use shipshape_syntax::yaml::Node;

use crate::rule::{AuditDomain, AuditFile, Diagnostic, Domain, RuleMeta, Sink};

pub mod cache_poisoning;
pub mod checkout_untrusted_code;
pub mod dangerous_trigger;
pub mod excessive_permissions;
pub mod hardcoded_container_credentials;
pub mod insecure_commands;
pub mod invalid_cron;
pub mod invalid_expression;
pub mod missing_permissions;
pub mod persisted_checkout_credentials;
pub mod secrets_inherit;
pub mod self_hosted_runner;
pub mod template_injection;
pub mod unknown_needs;
pub mod unknown_runner_label;
pub mod unpinned_action;
pub mod unpinned_container_image;

/// A parsed workflow or action file as rules see it.
pub struct WorkflowDoc<'a> {
    pub path: &'a str,
    pub source: &'a str,
    /// The workflow, for `.github/workflows/*` files.
    pub workflow: Option<&'a Workflow<'a>>,
    /// The action, for `action.yml` files.
    pub action: Option<&'a Action<'a>>,
}

impl<'a> WorkflowDoc<'a> {
    /// The workflow's jobs (none for an action).
    pub fn jobs(&self) -> &'a [Job<'a>] {
        self.workflow.map(|w| w.jobs.as_slice()).unwrap_or(&[])
    }

    /// Every step with the job it belongs to (`None` for an action's composite steps).
    pub fn steps(&self) -> Vec<(Option<&'a Job<'a>>, &'a Step<'a>)> {
        let mut out: Vec<_> = self
            .jobs()
            .iter()
            .flat_map(|j| j.steps.iter().map(move |s| (Some(j), s)))
            .collect();
        if let Some(a) = self.action {
            out.extend(a.steps.iter().map(|s| (None, s)));
        }
        out
    }

    /// Whether the workflow runs on `event`.
    pub fn triggered_by(&self, event: &str) -> bool {
        self.workflow
            .is_some_and(|w| w.triggers.iter().any(|t| t.event == event))
    }
}

/// A GitHub Actions rule.
pub trait GithubActionsRule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, doc: &WorkflowDoc, out: &mut Vec<Diagnostic>);
}

/// Every GitHub Actions rule, in ID order (a test keeps it so): the registry of the domain.
pub static RULES: &[&dyn GithubActionsRule] = &[
    &template_injection::TemplateInjection,
    &unpinned_action::UnpinnedAction,
    &missing_permissions::MissingPermissions,
    &excessive_permissions::ExcessivePermissions,
    &dangerous_trigger::DangerousTrigger,
    &checkout_untrusted_code::CheckoutUntrustedCode,
    &persisted_checkout_credentials::PersistedCheckoutCredentials,
    &secrets_inherit::SecretsInherit,
    &cache_poisoning::CachePoisoning,
    &self_hosted_runner::SelfHostedRunner,
    &insecure_commands::InsecureCommands,
    &hardcoded_container_credentials::HardcodedContainerCredentials,
    &unpinned_container_image::UnpinnedContainerImage,
    &unknown_needs::UnknownNeeds,
    &invalid_expression::InvalidExpression,
    &invalid_cron::InvalidCron,
    &unknown_runner_label::UnknownRunnerLabel,
];

/// The GitHub Actions domain: workflows and actions.
pub struct GithubActionsDomain;

impl AuditDomain for GithubActionsDomain {
    fn domain(&self) -> Domain {
        Domain::GithubActions
    }

    fn rules(&self) -> Vec<&'static RuleMeta> {
        RULES.iter().map(|r| r.meta()).collect()
    }

    fn accepts(&self, kind: ArtifactKind) -> bool {
        matches!(
            kind,
            ArtifactKind::GithubWorkflow | ArtifactKind::GithubAction
        )
    }

    fn check(&self, file: &AuditFile<'_>, enabled: &[bool], sink: &mut Sink) {
        let docs = match parse(file) {
            Ok(docs) => docs,
            Err(e) => {
                sink.parse_error(
                    e.span,
                    format!(
                        "YAML syntax: {} — shipshape skipped the rules for this file",
                        e.message
                    ),
                );
                return;
            }
        };
        for root in docs.iter() {
            let (workflow, action) = if file.kind == ArtifactKind::GithubAction {
                (None, gha::action(root))
            } else {
                (gha::workflow(root), None)
            };
            if workflow.is_none() && action.is_none() {
                continue;
            }
            let doc = WorkflowDoc {
                path: file.path,
                source: file.source,
                workflow: workflow.as_ref(),
                action: action.as_ref(),
            };
            for (rule, _) in RULES.iter().zip(enabled).filter(|(_, on)| **on) {
                let mut out = Vec::new();
                rule.check(&doc, &mut out);
                sink.extend(rule.meta(), out);
            }
        }
    }
}

/// The file's YAML documents, from the parse-once cache when the file is in a repository.
pub(crate) fn parse(
    file: &AuditFile<'_>,
) -> Result<Arc<Vec<Node>>, shipshape_syntax::yaml::YamlError> {
    if let Some(entry) = file.inventory.and_then(|inv| inv.get(file.path)) {
        if let Some(inv) = file.inventory {
            match shipshape_syntax::documents::yaml(inv, entry) {
                Ok(docs) => return Ok(docs),
                Err(shipshape_syntax::documents::DocumentError::Yaml(e)) => return Err(e),
                Err(shipshape_syntax::documents::DocumentError::Unreadable) => {}
            }
        }
    }
    shipshape_syntax::yaml::parse(file.source).map(Arc::new)
}

/// Contexts an outside contributor controls: an issue or pull request title, a branch name, a
/// commit message. `*` matches any one part (an array index or a key). The same list as
/// actionlint's untrusted inputs and zizmor's attacker-controllable contexts.
pub(crate) static UNTRUSTED_CONTEXTS: &[&str] = &[
    "github.event.issue.title",
    "github.event.issue.body",
    "github.event.pull_request.title",
    "github.event.pull_request.body",
    "github.event.comment.body",
    "github.event.review.body",
    "github.event.review_comment.body",
    "github.event.pages.*.page_name",
    "github.event.commits.*.message",
    "github.event.commits.*.author.email",
    "github.event.commits.*.author.name",
    "github.event.head_commit.message",
    "github.event.head_commit.author.email",
    "github.event.head_commit.author.name",
    "github.event.head_commit.committer.email",
    "github.event.head_commit.committer.name",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.head.label",
    "github.event.pull_request.head.repo.default_branch",
    "github.head_ref",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_commit.message",
    "github.event.workflow_run.head_commit.author.email",
    "github.event.workflow_run.head_commit.author.name",
    "github.event.workflow_run.pull_requests.*.head.ref",
    "github.event.discussion.title",
    "github.event.discussion.body",
];

/// Whether a context reference reads something an outside contributor controls (or a whole
/// object that contains such a value, such as `toJSON(github.event)`).
pub(crate) fn is_untrusted(path: &ContextPath) -> bool {
    let parts: Vec<&str> = path.path.split('.').collect();
    UNTRUSTED_CONTEXTS.iter().any(|pattern| {
        let want: Vec<&str> = pattern.split('.').collect();
        parts.len() == want.len()
            && parts
                .iter()
                .zip(&want)
                .all(|(p, w)| *w == "*" || *p == "*" || p.eq_ignore_ascii_case(w))
    })
}

/// Each parsed `${{ … }}` expression written in a scalar node (syntax errors skipped: they are
/// [`invalid_expression`]'s to report).
pub(crate) fn expressions(source: &str, node: &Node) -> Vec<Expr> {
    gha::fences(source, node)
        .iter()
        .filter_map(|f| f.parse().ok())
        .collect()
}

/// Whether a step is `actions/checkout`.
pub(crate) fn is_checkout(step: &Step) -> bool {
    step.uses_action("actions/checkout")
}

/// A literal (not an expression) scalar that is not empty.
pub(crate) fn is_literal(node: &Node) -> bool {
    node.as_str()
        .is_some_and(|s| !s.trim().is_empty() && !s.contains("${{"))
}

/// Parses a standalone `if:` condition: with or without a `${{ }}` fence.
pub(crate) fn condition(source: &str, node: &Node) -> Option<Result<Expr, expr::ExprError>> {
    let text = node.as_str()?;
    let fences = gha::fences(source, node);
    if let Some(f) = fences.first() {
        return Some(f.parse());
    }
    // Bare `if:` text: parse what is written in the source, so spans stay exact.
    let raw = node.span.text(source);
    if raw.trim() == text.trim() {
        let offset = node.span.start;
        return Some(expr::parse_at(raw, offset));
    }
    Some(expr::parse(text).map_err(|mut e| {
        e.span = node.span;
        e
    }))
}

/// Runs one rule over a workflow text and returns each finding as (underlined text, message).
#[cfg(test)]
pub(crate) fn findings(rule: &dyn GithubActionsRule, source: &str) -> Vec<(String, String)> {
    let docs = shipshape_syntax::yaml::parse(source).unwrap_or_else(|e| panic!("{e:?}"));
    let mut out = Vec::new();
    for root in &docs {
        let wf = gha::workflow(root).expect("a workflow");
        let doc = WorkflowDoc {
            path: ".github/workflows/ci.yml",
            source,
            workflow: Some(&wf),
            action: None,
        };
        rule.check(&doc, &mut out);
    }
    out.into_iter()
        .map(|d| (d.span.text(source).to_owned(), d.message))
        .collect()
}
