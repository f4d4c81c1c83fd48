//! ## What it does
//! Flags `uses:` references to actions and reusable workflows in other repositories that are not
//! pinned to a full commit SHA: a tag (`@v4`), a branch (`@main`) or no ref at all.
//!
//! ## Why is this bad?
//! Tags and branches move. Whoever controls the action's repository — its maintainer, or an
//! attacker with their token, as in the `tj-actions/changed-files` compromise of 2025 — can point
//! `v4` at new code, and every workflow using it runs that code with its secrets on the next run.
//! A commit SHA cannot be moved.
//!
//! ## Example
//! ```yaml
//! - uses: docker/login-action@v3
//! ```
//!
//! ## Fix
//! Pin the full commit SHA and keep the version in a comment (Dependabot and Renovate update
//! both):
//! ```yaml
//! - uses: docker/login-action@74a5d142397b4f367a81961eba4e8cd7edddf772 # v3.4.0
//! ```

use shipshape_core::Severity;
use shipshape_syntax::github_actions::{Uses, UsesTarget};

use super::{GithubActionsRule, WorkflowDoc};
use crate::rule::{Diagnostic, Domain, RuleMeta};

pub struct UnpinnedAction;

pub static META: RuleMeta = RuleMeta {
    id: "SS-GHA-002",
    slug: "unpinned-action",
    domain: Domain::GithubActions,
    severity: Severity::Warning,
    title: "Action not pinned to a commit SHA",
    equivalents: &["zizmor:unpinned-uses"],
};

fn check_uses(uses: &Uses, out: &mut Vec<Diagnostic>) {
    let UsesTarget::Repository {
        owner,
        repo,
        git_ref,
        ..
    } = uses.target
    else {
        return;
    };
    if uses.is_sha_pinned() {
        return;
    }
    let message = match git_ref {
        None => format!("`{owner}/{repo}` has no ref: it runs whatever its default branch holds"),
        Some(r) => format!(
            "`{owner}/{repo}@{r}` can be moved to other code by whoever controls the repository; \
             pin a full commit SHA with `# {r}` after it"
        ),
    };
    out.push(Diagnostic::new(uses.node.span, message));
}

impl GithubActionsRule for UnpinnedAction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &WorkflowDoc, out: &mut Vec<Diagnostic>) {
        for job in doc.jobs() {
            if let Some(uses) = &job.uses {
                check_uses(uses, out);
            }
        }
        for (_, step) in doc.steps() {
            if let Some(uses) = &step.uses {
                check_uses(uses, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use super::*;

    #[test]
    fn flags_tags_branches_and_missing_refs_but_not_shas_or_local_actions() {
        let src = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: org/tool\n      - uses: actions/setup-node@1d0ff469b7ec7b3cb9d8673fde0c81c44821de2a # v4.2.0\n      - uses: ./.github/actions/local\n  b:\n    uses: org/wf/.github/workflows/x.yml@main\n";
        let f = findings(&UnpinnedAction, src);
        let spans: Vec<&str> = f.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            spans,
            [
                "org/wf/.github/workflows/x.yml@main",
                "actions/checkout@v4",
                "org/tool"
            ]
        );
    }
}
