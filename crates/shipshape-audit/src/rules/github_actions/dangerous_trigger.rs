//! ## What it does
//! Flags workflows triggered by `pull_request_target` or `workflow_run`.
//!
//! ## Why is this bad?
//! Both run in the context of the base repository — with its secrets and a token that can write
//! — on events an outside contributor causes. They are almost never needed: a fork's pull
//! request is tested safely with `pull_request`, and a workflow that must comment or label can
//! do it from a separate, minimal job. Most "pwn request" compromises start with one of these
//! triggers.
//!
//! ## Example
//! ```yaml
//! on: pull_request_target
//! ```
//!
//! ## Fix
//! Use `pull_request`; if the workflow must have write access, keep it away from the
//! contributor's code (no checkout of the head, no scripts from it) and explain why with a
//! `# shipshape:ignore[dangerous-trigger] reason` comment.
//! ```yaml
//! on: pull_request
//! ```

use shipshape_core::Severity;

use super::{GithubActionsRule, WorkflowDoc};
use crate::rule::{Diagnostic, Domain, RuleMeta};

pub struct DangerousTrigger;

pub static META: RuleMeta = RuleMeta {
    id: "SS-GHA-005",
    slug: "dangerous-trigger",
    domain: Domain::GithubActions,
    severity: Severity::Warning,
    title: "Workflow runs with secrets on events outsiders cause",
    equivalents: &["zizmor:dangerous-triggers"],
};

impl GithubActionsRule for DangerousTrigger {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &WorkflowDoc, out: &mut Vec<Diagnostic>) {
        let Some(wf) = doc.workflow else { return };
        for t in &wf.triggers {
            if matches!(t.event, "pull_request_target" | "workflow_run") {
                out.push(Diagnostic::new(
                    t.node.span,
                    format!(
                        "`{}` runs with the base repository's secrets and write token on events \
                         an outside contributor causes",
                        t.event
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
    fn flags_privileged_triggers_in_every_form() {
        let f = findings(
            &DangerousTrigger,
            "on: [push, pull_request_target]\njobs: {}\n",
        );
        assert_eq!(f[0].0, "pull_request_target");
        let f = findings(
            &DangerousTrigger,
            "on:\n  workflow_run:\n    workflows: [ci]\njobs: {}\n",
        );
        assert_eq!(f[0].0, "workflow_run");
        assert!(findings(&DangerousTrigger, "on: pull_request\njobs: {}\n").is_empty());
    }
}
