//! ## What it does
//! Flags reusable-workflow calls with `secrets: inherit`.
//!
//! ## Why is this bad?
//! `inherit` passes every secret the calling workflow can see — organisation and repository
//! secrets alike — to the called workflow, whether it needs them or not. A change in the called
//! workflow (or in an action it uses) can then read credentials nobody meant it to have.
//!
//! ## Example
//! ```yaml
//! jobs:
//!   deploy:
//!     uses: org/pipelines/.github/workflows/deploy.yml@v2
//!     secrets: inherit
//! ```
//!
//! ## Fix
//! Name the secrets the called workflow declares:
//! ```yaml
//!     secrets:
//!       DEPLOY_KEY: ${{ secrets.DEPLOY_KEY }}
//! ```

use shipshape_core::Severity;

use super::{GithubActionsRule, WorkflowDoc};
use crate::rule::{Diagnostic, Domain, RuleMeta};

pub struct SecretsInherit;

pub static META: RuleMeta = RuleMeta {
    id: "SS-GHA-008",
    slug: "secrets-inherit",
    domain: Domain::GithubActions,
    severity: Severity::Warning,
    title: "Reusable workflow gets every secret",
    equivalents: &["zizmor:secrets-inherit"],
};

impl GithubActionsRule for SecretsInherit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &WorkflowDoc, out: &mut Vec<Diagnostic>) {
        for job in doc.jobs() {
            if let Some(s) = job.secrets.filter(|s| s.as_str() == Some("inherit")) {
                out.push(Diagnostic::new(
                    s.span,
                    format!(
                        "job `{}` passes every secret of the repository and organisation to the \
                         called workflow; name the ones it needs",
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
    fn flags_inherit_but_not_named_secrets() {
        let src = "on: push\njobs:\n  a:\n    uses: o/r/.github/workflows/x.yml@v1\n    secrets: inherit\n  b:\n    uses: o/r/.github/workflows/x.yml@v1\n    secrets:\n      K: ${{ secrets.K }}\n";
        let f = findings(&SecretsInherit, src);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, "inherit");
    }
}
