//! ## What it does
//! Flags jobs on self-hosted runners in workflows that pull requests (or issue comments) can
//! trigger.
//!
//! ## Why is this bad?
//! A self-hosted runner is a machine that keeps its state between jobs. In a public repository
//! anyone can open a pull request, so anyone can run code on it: install a backdoor that reads
//! the next job's secrets, or reach the network it sits in. GitHub advises against self-hosted
//! runners for public repositories.
//!
//! ## Example
//! ```yaml
//! on: pull_request
//! jobs:
//!   test:
//!     runs-on: [self-hosted, linux]
//! ```
//!
//! ## Fix
//! Run pull request workflows on GitHub-hosted runners, or on ephemeral self-hosted runners
//! (one job per fresh machine) restricted to a private repository or a runner group that forks
//! cannot use.

use shipshape_core::Severity;

use super::{GithubActionsRule, WorkflowDoc};
use crate::rule::{Diagnostic, Domain, RuleMeta};

pub struct SelfHostedRunner;

pub static META: RuleMeta = RuleMeta {
    id: "SS-GHA-010",
    slug: "self-hosted-runner",
    domain: Domain::GithubActions,
    severity: Severity::Warning,
    title: "Self-hosted runner on pull request triggers",
    equivalents: &["zizmor:self-hosted-runner"],
};

/// Events an outside contributor can cause in a public repository.
const PUBLIC_EVENTS: &[&str] = &[
    "pull_request",
    "pull_request_target",
    "pull_request_review",
    "pull_request_review_comment",
    "issue_comment",
    "issues",
    "discussion",
    "discussion_comment",
    "fork",
    "watch",
];

impl GithubActionsRule for SelfHostedRunner {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &WorkflowDoc, out: &mut Vec<Diagnostic>) {
        let Some(event) = PUBLIC_EVENTS.iter().find(|e| doc.triggered_by(e)) else {
            return;
        };
        for job in doc.jobs() {
            if let Some(label) = job.runner_labels().into_iter().find(|l| {
                l.as_str()
                    .is_some_and(|s| s.trim().eq_ignore_ascii_case("self-hosted"))
            }) {
                out.push(Diagnostic::new(
                    label.span,
                    format!(
                        "job `{}` runs on a self-hosted runner, and `{event}` lets anyone with a \
                         fork run code on it",
                        job.id
                    ),
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
    fn flags_self_hosted_labels_under_public_triggers() {
        let job = "jobs:\n  a:\n    runs-on: [self-hosted, linux]\n    steps: [{run: x}]\n";
        let f = findings(&SelfHostedRunner, &format!("on: pull_request\n{job}"));
        assert_eq!(f[0].0, "self-hosted");
        assert!(findings(&SelfHostedRunner, &format!("on: push\n{job}")).is_empty());
    }
}
