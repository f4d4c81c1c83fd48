//! ## What it does
//! Flags steps that restore a build cache in a workflow that publishes a release: one triggered
//! by a `release` event or by pushing a tag.
//!
//! ## Why is this bad?
//! Caches are shared across the repository's workflows and keyed by names any workflow can
//! write. A pull request workflow (or a compromised step in any job) can save a poisoned cache
//! under the key the release workflow restores, and the release artifact is then built from the
//! attacker's files.
//!
//! ## Example
//! ```yaml
//! on:
//!   push:
//!     tags: ['v*']
//! jobs:
//!   release:
//!     steps:
//!       - uses: actions/setup-node@v4
//!         with:
//!           cache: npm
//! ```
//!
//! ## Fix
//! Build releases from a clean state: drop `cache:` (or set `cache: false` for `setup-go`) and
//! remove `actions/cache` from release workflows.

use shipshape_core::Severity;
use shipshape_syntax::yaml::Node;

use super::{GithubActionsRule, WorkflowDoc};
use crate::rule::{Diagnostic, Domain, RuleMeta};

pub struct CachePoisoning;

pub static META: RuleMeta = RuleMeta {
    id: "SS-GHA-009",
    slug: "cache-poisoning",
    domain: Domain::GithubActions,
    severity: Severity::Warning,
    title: "Release workflow restores a shared cache",
    equivalents: &["zizmor:cache-poisoning"],
};

/// Whether the workflow publishes: a `release` trigger, or `push` limited to tags.
fn is_release_workflow(doc: &WorkflowDoc) -> bool {
    let Some(wf) = doc.workflow else { return false };
    wf.triggers.iter().any(|t| match t.event {
        "release" => true,
        "push" => t.config.is_some_and(|c| {
            c.get("tags").is_some() && c.get("branches").is_none() && c.get("paths").is_none()
        }),
        _ => false,
    })
}

fn enabled(input: Option<&Node>) -> bool {
    input.is_some_and(|v| {
        v.as_bool() != Some(false) && v.as_str().is_some_and(|s| !s.is_empty() && s != "false")
    })
}

impl GithubActionsRule for CachePoisoning {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &WorkflowDoc, out: &mut Vec<Diagnostic>) {
        if !is_release_workflow(doc) {
            return;
        }
        for (_, step) in doc.steps() {
            let Some(uses) = step.uses else { continue };
            let caches = (uses.is_action("actions/cache")
                && !matches!(
                    uses.target,
                    shipshape_syntax::github_actions::UsesTarget::Repository {
                        path: Some("save"),
                        ..
                    }
                ))
                || uses.is_action("Swatinem/rust-cache")
                || ([
                    "actions/setup-node",
                    "actions/setup-python",
                    "actions/setup-java",
                    "actions/setup-dotnet",
                ]
                .iter()
                .any(|a| uses.is_action(a))
                    && enabled(step.input("cache")))
                // setup-go caches unless told not to.
                || (uses.is_action("actions/setup-go")
                    && step.input("cache").is_none_or(|c| {
                        c.as_bool() != Some(false) && c.as_str() != Some("false")
                    }));
            if caches {
                out.push(Diagnostic::new(
                    uses.node.span,
                    "this release workflow restores a cache any other workflow can write: a \
                     poisoned cache ends up in the published artifact",
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
    fn flags_caches_in_tag_and_release_workflows_only() {
        let steps = "jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-node@v4\n        with:\n          cache: npm\n      - uses: actions/setup-go@v5\n      - uses: actions/setup-python@v5\n";
        let f = findings(
            &CachePoisoning,
            &format!("on:\n  push:\n    tags: ['v*']\n{steps}"),
        );
        let spans: Vec<&str> = f.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(spans, ["actions/setup-node@v4", "actions/setup-go@v5"]);
        assert!(findings(&CachePoisoning, &format!("on: push\n{steps}")).is_empty());
    }
}
