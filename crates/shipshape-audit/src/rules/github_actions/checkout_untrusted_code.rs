//! ## What it does
//! Flags `actions/checkout` of a pull request's head (its `head.sha`, `head.ref`, the
//! `refs/pull/N/merge` ref, or the `workflow_run` head) in a workflow triggered by
//! `pull_request_target` or `workflow_run`.
//!
//! ## Why is this bad?
//! This is the "pwn request": the workflow has the base repository's secrets and a write token,
//! and now the contributor's code is on disk. The next `npm install`, `make` or test run executes
//! whatever the pull request put in `package.json` or the `Makefile`, with those secrets.
//!
//! ## Example
//! ```yaml
//! on: pull_request_target
//! jobs:
//!   test:
//!     steps:
//!       - uses: actions/checkout@v4
//!         with:
//!           ref: ${{ github.event.pull_request.head.sha }}
//!       - run: npm ci && npm test
//! ```
//!
//! ## Fix
//! Test contributions under `pull_request`, which runs without secrets. If a privileged step
//! must follow, split the workflow: an unprivileged `pull_request` run uploads results as an
//! artifact, and the privileged workflow only reads that artifact, never the code.

use shipshape_core::Severity;
use shipshape_syntax::github_actions::expr::ExprKind;

use super::{expressions, is_checkout, GithubActionsRule, WorkflowDoc};
use crate::rule::{Diagnostic, Domain, RuleMeta};

pub struct CheckoutUntrustedCode;

pub static META: RuleMeta = RuleMeta {
    id: "SS-GHA-006",
    slug: "checkout-untrusted-code",
    domain: Domain::GithubActions,
    severity: Severity::Error,
    title: "Privileged workflow checks out a pull request's code",
    equivalents: &[],
};

/// Contexts that name the contributor's commit or branch.
const HEAD_CONTEXTS: &[&str] = &[
    "github.event.pull_request.head.sha",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.number",
    "github.event.number",
    "github.head_ref",
    "github.event.workflow_run.head_sha",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_commit.id",
];

impl GithubActionsRule for CheckoutUntrustedCode {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &WorkflowDoc, out: &mut Vec<Diagnostic>) {
        if !(doc.triggered_by("pull_request_target") || doc.triggered_by("workflow_run")) {
            return;
        }
        for (_, step) in doc.steps().into_iter().filter(|(_, s)| is_checkout(s)) {
            let Some(r) = step.input("ref") else { continue };
            let text = r.as_str().unwrap_or("");
            let head = expressions(doc.source, r).iter().any(|e| {
                let mut hit = false;
                e.walk(&mut |n| {
                    if let Some(p) = n.path() {
                        hit |= HEAD_CONTEXTS.iter().any(|h| p.eq_ignore_ascii_case(h));
                    }
                    if let ExprKind::String(s) = &n.kind {
                        hit |= s.starts_with("refs/pull/");
                    }
                });
                hit
            }) || text.starts_with("refs/pull/");
            if head {
                out.push(Diagnostic::new(
                    r.span,
                    "the pull request's own code is checked out in a workflow that holds the base \
                     repository's secrets and write token: anything it runs next is the \
                     contributor's code",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use super::*;

    #[test]
    fn flags_a_head_checkout_under_pull_request_target() {
        let src = "on: pull_request_target\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n";
        let f = findings(&CheckoutUntrustedCode, src);
        assert_eq!(f[0].0, "${{ github.event.pull_request.head.sha }}");
    }

    #[test]
    fn the_same_checkout_under_pull_request_is_fine() {
        let src = "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n";
        assert!(findings(&CheckoutUntrustedCode, src).is_empty());
    }
}
