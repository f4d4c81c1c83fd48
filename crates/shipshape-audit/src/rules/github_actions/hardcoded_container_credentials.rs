//! ## What it does
//! Flags job and service containers whose registry `credentials.password` is written in the
//! workflow instead of read from `secrets`.
//!
//! ## Why is this bad?
//! The workflow file is readable by everyone who can read the repository, and stays in its git
//! history after the line is changed. A registry password in it is a leaked password.
//!
//! ## Example
//! ```yaml
//! container:
//!   image: registry.example.com/build:1.4
//!   credentials:
//!     username: ci
//!     password: hunter2
//! ```
//!
//! ## Fix
//! Store the password as a secret and reference it; rotate the leaked one.
//! ```yaml
//!   credentials:
//!     username: ci
//!     password: ${{ secrets.REGISTRY_PASSWORD }}
//! ```

use shipshape_core::Severity;
use shipshape_syntax::github_actions::Container;

use super::{is_literal, GithubActionsRule, WorkflowDoc};
use crate::rule::{Diagnostic, Domain, RuleMeta};

pub struct HardcodedContainerCredentials;

pub static META: RuleMeta = RuleMeta {
    id: "SS-GHA-012",
    slug: "hardcoded-container-credentials",
    domain: Domain::GithubActions,
    severity: Severity::Error,
    title: "Container registry password written in the workflow",
    equivalents: &["zizmor:hardcoded-container-credentials"],
};

fn check_container(doc: &WorkflowDoc, c: &Container, out: &mut Vec<Diagnostic>) {
    let Some(password) = c.credentials.and_then(|cr| cr.get("password")) else {
        return;
    };
    if is_literal(password) {
        out.push(
            Diagnostic::new(
                password.span,
                "the registry password is written in the workflow, readable by everyone who can \
                 read the repository; use `${{ secrets.… }}` and rotate it",
            )
            .redacting_value(doc.source, password.span),
        );
    }
}

impl GithubActionsRule for HardcodedContainerCredentials {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &WorkflowDoc, out: &mut Vec<Diagnostic>) {
        for job in doc.jobs() {
            if let Some(c) = &job.container {
                check_container(doc, c, out);
            }
            for (_, c) in &job.services {
                check_container(doc, c, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use super::*;

    #[test]
    fn flags_literal_passwords_not_secret_references() {
        let src = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    container:\n      image: r.example/b:1\n      credentials: {username: u, password: hunter2}\n    services:\n      db:\n        image: r.example/db:1\n        credentials: {username: u, password: '${{ secrets.P }}'}\n    steps: [{run: x}]\n";
        let f = findings(&HardcodedContainerCredentials, src);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, "hunter2");
    }
}
