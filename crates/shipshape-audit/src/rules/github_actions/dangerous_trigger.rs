//! ## What it does
//! Flags workflows triggered by `pull_request_target` or `workflow_run`. A workflow whose one
//! step is `actions/labeler` is left alone: that action is made for `pull_request_target` and
//! runs none of the contributor's code.
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
use shipshape_syntax::github_actions::UsesTarget;

use super::{GithubActionsRule, WorkflowDoc};
use crate::rule::{Diagnostic, Domain, RuleMeta, Span};

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
        if labeler_only(wf) {
            return;
        }
        // The `on:` block as a whole: a suppression comment on its key line covers its triggers
        // (`on: # zizmor: ignore[dangerous-triggers]`, as real workflows write it).
        let feature = wf
            .on
            .map(|e| Span::new(e.key.span.start, e.value.span.end.max(e.key.span.end)));
        for t in &wf.triggers {
            if matches!(t.event, "pull_request_target" | "workflow_run") {
                let d = Diagnostic::new(
                    t.node.span,
                    format!(
                        "`{}` runs with the base repository's secrets and write token on events \
                         an outside contributor causes",
                        t.event
                    ),
                );
                out.push(match feature {
                    Some(f) => d.within(f),
                    None => d,
                });
            }
        }
    }
}

/// A workflow whose only step runs `actions/labeler`: the action is made for
/// `pull_request_target` (it labels a fork's pull request from the paths it changes and runs
/// none of its code), as zizmor also accepts.
fn labeler_only(wf: &shipshape_syntax::github_actions::Workflow<'_>) -> bool {
    // A job calling a reusable workflow runs steps this file does not show.
    if wf.jobs.iter().any(|j| j.uses.is_some()) {
        return false;
    }
    let mut steps = wf.jobs.iter().flat_map(|j| &j.steps);
    let (Some(only), None) = (steps.next(), steps.next()) else {
        return false;
    };
    only.uses.is_some_and(|u| {
        matches!(
            u.target,
            UsesTarget::Repository {
                owner: "actions",
                repo: "labeler",
                path: None,
                ..
            }
        )
    })
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

    #[test]
    fn a_labeler_alone_is_accepted_and_anything_more_is_not() {
        let labeler = "on: pull_request_target\njobs:\n  label:\n    runs-on: ubuntu-latest\n    \
                       permissions:\n      pull-requests: write\n    steps:\n      \
                       - uses: actions/labeler@v5\n";
        assert!(findings(&DangerousTrigger, labeler).is_empty());
        let more = format!("{labeler}      - run: echo done\n");
        assert_eq!(findings(&DangerousTrigger, &more).len(), 1);
        let other = labeler.replace("actions/labeler@v5", "actions/checkout@v4");
        assert_eq!(findings(&DangerousTrigger, &other).len(), 1);
    }
}
