//! ## What it does
//! Flags `permissions: write-all`, and write scopes granted at the top of a workflow, where every
//! job inherits them.
//!
//! ## Why is this bad?
//! `write-all` lets any step push to the repository, publish packages, approve pull requests and
//! change issues. Write scopes at the workflow level hand those rights to every job, including
//! jobs that only run tests with third-party code; one compromised dependency is enough.
//!
//! ## Example
//! ```yaml
//! permissions: write-all
//! ```
//!
//! ## Fix
//! Set `permissions: {}` (or `contents: read`) at the top and grant write scopes only on the job
//! that needs them:
//! ```yaml
//! permissions: {}
//! jobs:
//!   publish:
//!     permissions:
//!       contents: read
//!       packages: write
//! ```

use shipshape_core::Severity;
use shipshape_syntax::github_actions::{Permissions, PermissionsKind};

use super::{GithubActionsRule, WorkflowDoc};
use crate::rule::{Diagnostic, Domain, RuleMeta};

pub struct ExcessivePermissions;

pub static META: RuleMeta = RuleMeta {
    id: "SS-GHA-004",
    slug: "excessive-permissions",
    domain: Domain::GithubActions,
    severity: Severity::Warning,
    title: "Token permissions broader than a job needs",
    equivalents: &["zizmor:excessive-permissions"],
};

fn write_all(p: &Permissions, whom: &str, out: &mut Vec<Diagnostic>) {
    if matches!(p.kind, PermissionsKind::WriteAll) {
        out.push(Diagnostic::new(
            p.node.span,
            format!("`write-all` gives {whom} write access to every scope of the repository"),
        ));
    }
}

impl GithubActionsRule for ExcessivePermissions {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &WorkflowDoc, out: &mut Vec<Diagnostic>) {
        let Some(wf) = doc.workflow else { return };
        if let Some(p) = &wf.permissions {
            write_all(p, "every job", out);
            // One job inherits what the workflow grants: the same as granting it on the job.
            let jobs_without_own = wf.jobs.iter().filter(|j| j.permissions.is_none()).count();
            if jobs_without_own > 1 {
                for scope in p.writes() {
                    out.push(Diagnostic::new(
                        scope.value.span,
                        format!(
                            "`{}: write` at the workflow level is inherited by {jobs_without_own} \
                             jobs; grant it on the job that needs it",
                            scope.name
                        ),
                    ));
                }
            }
        }
        for job in &wf.jobs {
            if let Some(p) = &job.permissions {
                write_all(p, &format!("job `{}`", job.id), out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use super::*;

    #[test]
    fn flags_write_all_and_inherited_write_scopes() {
        let src = "on: push\npermissions:\n  contents: write\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [{run: x}]\n  b:\n    runs-on: ubuntu-latest\n    permissions: write-all\n    steps: [{run: x}]\n  c:\n    runs-on: ubuntu-latest\n    steps: [{run: x}]\n";
        let f = findings(&ExcessivePermissions, src);
        let spans: Vec<&str> = f.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(spans, ["write", "write-all"]);
    }

    #[test]
    fn a_single_job_workflow_may_grant_at_the_top() {
        let src = "on: push\npermissions:\n  contents: write\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [{run: x}]\n";
        assert!(findings(&ExcessivePermissions, src).is_empty());
    }
}
