//! ## What it does
//! Flags workflows whose jobs run with the repository's default `GITHUB_TOKEN` permissions: no
//! `permissions:` block at the top of the workflow nor on the job.
//!
//! ## Why is this bad?
//! Without a `permissions:` block the token gets the repository or organisation default, which
//! for older repositories (and many organisations) is read *and write* on contents, packages,
//! pull requests, issues and more. Any step that is compromised — an action, a dependency's
//! install script — can then push code or publish packages.
//!
//! ## Example
//! ```yaml
//! on: push
//! jobs:
//!   test:
//!     runs-on: ubuntu-latest
//!     steps:
//!       - run: make test
//! ```
//!
//! ## Fix
//! Take every permission away at the top and grant each job only what it needs:
//! ```yaml
//! on: push
//! permissions: {}
//! jobs:
//!   test:
//!     runs-on: ubuntu-latest
//!     permissions:
//!       contents: read
//!     steps:
//!       - run: make test
//! ```

use shipshape_core::Severity;

use super::{GithubActionsRule, WorkflowDoc};
use crate::rule::{Diagnostic, Domain, RuleMeta};

pub struct MissingPermissions;

pub static META: RuleMeta = RuleMeta {
    id: "SS-GHA-003",
    slug: "missing-permissions",
    domain: Domain::GithubActions,
    severity: Severity::Warning,
    title: "Job runs with the default token permissions",
    equivalents: &["zizmor:excessive-permissions"],
};

impl GithubActionsRule for MissingPermissions {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &WorkflowDoc, out: &mut Vec<Diagnostic>) {
        let Some(wf) = doc.workflow else { return };
        if wf.permissions.is_some() {
            return;
        }
        for job in &wf.jobs {
            // A reusable-workflow call's permissions are the called workflow's business, within
            // what the caller grants; the caller's missing block is reported on its own jobs.
            if job.permissions.is_none() && job.uses.is_none() {
                out.push(Diagnostic::new(
                    job.key.span,
                    format!(
                        "job `{}` has no `permissions:` and the workflow none either: its token gets \
                         the repository default, often write access to everything",
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
    fn flags_jobs_without_any_permissions_block() {
        let src = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [{run: x}]\n  b:\n    runs-on: ubuntu-latest\n    permissions: {contents: read}\n    steps: [{run: x}]\n";
        let f = findings(&MissingPermissions, src);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, "a");
    }

    #[test]
    fn a_workflow_level_block_covers_every_job() {
        let src = "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [{run: x}]\n";
        assert!(findings(&MissingPermissions, src).is_empty());
    }
}
