//! ## What it does
//! Flags `needs:` entries that name a job the workflow does not define.
//!
//! ## Why is this bad?
//! GitHub rejects the whole workflow: nothing in it runs, on any event, and the error shows only
//! in the Actions tab. A renamed job is the usual cause, and the pipeline silently stops testing.
//!
//! ## Example
//! ```yaml
//! jobs:
//!   test: …
//!   build:
//!     needs: tests
//! ```
//!
//! ## Fix
//! Name the job by its ID (the key under `jobs:`):
//! ```yaml
//!     needs: test
//! ```

use shipshape_core::Severity;

use super::{GithubActionsRule, WorkflowDoc};
use crate::rule::{Diagnostic, Domain, RuleMeta};

pub struct UnknownNeeds;

pub static META: RuleMeta = RuleMeta {
    id: "SS-GHA-014",
    slug: "unknown-needs",
    domain: Domain::GithubActions,
    severity: Severity::Error,
    title: "needs: names a job that does not exist",
    equivalents: &["actionlint:job-needs"],
};

impl GithubActionsRule for UnknownNeeds {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &WorkflowDoc, out: &mut Vec<Diagnostic>) {
        let jobs = doc.jobs();
        for job in jobs {
            for need in &job.needs {
                let Some(name) = need.as_str() else { continue };
                if name.contains("${{") {
                    continue;
                }
                // Job IDs are case-insensitive to GitHub.
                if !jobs.iter().any(|j| j.id.eq_ignore_ascii_case(name.trim())) {
                    out.push(Diagnostic::new(
                        need.span,
                        format!(
                            "job `{}` needs `{name}`, which this workflow does not define: GitHub \
                             rejects the whole workflow",
                            job.id
                        ),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use super::*;

    #[test]
    fn flags_needs_naming_no_job() {
        let src = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: [{run: x}]\n  build:\n    needs: [Test, tests]\n    runs-on: ubuntu-latest\n    steps: [{run: x}]\n";
        let f = findings(&UnknownNeeds, src);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, "tests");
    }
}
