//! ## What it does
//! Flags `actions/checkout` steps that do not set `persist-credentials: false`.
//!
//! ## Why is this bad?
//! By default `actions/checkout` writes the job's `GITHUB_TOKEN` into `.git/config` and leaves it
//! there for every later step. Anything that reads the working tree — a build that uploads the
//! folder as an artifact ("ArtiPACKED"), a Docker build whose context includes `.git`, a
//! compromised dependency — can take the token.
//!
//! ## Example
//! ```yaml
//! - uses: actions/checkout@v4
//! ```
//!
//! ## Fix
//! ```yaml
//! - uses: actions/checkout@v4
//!   with:
//!     persist-credentials: false
//! ```
//! A job that pushes sets up its credentials for that one command instead.

use shipshape_core::Severity;

use super::{is_checkout, GithubActionsRule, WorkflowDoc};
use crate::rule::{Diagnostic, Domain, RuleMeta};

pub struct PersistedCheckoutCredentials;

pub static META: RuleMeta = RuleMeta {
    id: "SS-GHA-007",
    slug: "persisted-checkout-credentials",
    domain: Domain::GithubActions,
    severity: Severity::Warning,
    title: "Checkout leaves the token in .git/config",
    equivalents: &["zizmor:artipacked"],
};

impl GithubActionsRule for PersistedCheckoutCredentials {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &WorkflowDoc, out: &mut Vec<Diagnostic>) {
        for (_, step) in doc.steps().into_iter().filter(|(_, s)| is_checkout(s)) {
            let persisted = step.input("persist-credentials");
            let off = persisted.is_some_and(|p| {
                p.as_bool() == Some(false)
                    || p.as_str().is_some_and(|s| s.eq_ignore_ascii_case("false"))
            });
            if off {
                continue;
            }
            let span = match persisted {
                Some(p) => p.span,
                None => step.uses.map_or(step.node.span, |u| u.node.span),
            };
            out.push(Diagnostic::new(
                span,
                "the job's token stays in .git/config for every later step; set \
                 `persist-credentials: false`",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use super::*;

    #[test]
    fn flags_checkouts_that_keep_the_token() {
        let src = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/checkout@v4\n        with:\n          persist-credentials: true\n      - uses: actions/checkout@v4\n        with:\n          persist-credentials: false\n";
        let f = findings(&PersistedCheckoutCredentials, src);
        let spans: Vec<&str> = f.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(spans, ["actions/checkout@v4", "true"]);
    }
}
