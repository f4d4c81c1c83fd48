//! ## What it does
//! Flags `ACTIONS_ALLOW_UNSECURE_COMMANDS` set to true in a workflow, job or step environment.
//!
//! ## Why is this bad?
//! It turns the deprecated `::set-env` and `::add-path` workflow commands back on. Any process
//! whose output reaches the log — a test printing a pull request title, a dependency — can then
//! set environment variables such as `LD_PRELOAD` or `NODE_OPTIONS` for every later step, and so
//! run its own code there.
//!
//! ## Example
//! ```yaml
//! env:
//!   ACTIONS_ALLOW_UNSECURE_COMMANDS: true
//! ```
//!
//! ## Fix
//! Remove the variable and write to the `$GITHUB_ENV` and `$GITHUB_PATH` files instead.

use shipshape_core::Severity;
use shipshape_syntax::yaml::Entry;

use super::{GithubActionsRule, WorkflowDoc};
use crate::rule::{Diagnostic, Domain, RuleMeta};

pub struct InsecureCommands;

pub static META: RuleMeta = RuleMeta {
    id: "SS-GHA-011",
    slug: "insecure-commands",
    domain: Domain::GithubActions,
    severity: Severity::Error,
    title: "Deprecated unsafe workflow commands re-enabled",
    equivalents: &["zizmor:insecure-commands"],
};

fn scan(env: &[&Entry], out: &mut Vec<Diagnostic>) {
    for e in env {
        if e.key.as_str() != Some("ACTIONS_ALLOW_UNSECURE_COMMANDS") {
            continue;
        }
        let on = e.value.as_bool() == Some(true)
            || e.value
                .as_str()
                .is_some_and(|s| s.eq_ignore_ascii_case("true"));
        if on {
            out.push(Diagnostic::new(
                e.key.span,
                "`ACTIONS_ALLOW_UNSECURE_COMMANDS` lets anything printed to the log set \
                 environment variables and PATH for later steps",
            ));
        }
    }
}

impl GithubActionsRule for InsecureCommands {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &WorkflowDoc, out: &mut Vec<Diagnostic>) {
        if let Some(wf) = doc.workflow {
            scan(&wf.env, out);
        }
        for job in doc.jobs() {
            scan(&job.env, out);
        }
        for (_, step) in doc.steps() {
            scan(&step.env, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use super::*;

    #[test]
    fn flags_the_variable_at_any_level() {
        let src = "on: push\nenv:\n  ACTIONS_ALLOW_UNSECURE_COMMANDS: true\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: x\n        env:\n          ACTIONS_ALLOW_UNSECURE_COMMANDS: 'true'\n";
        assert_eq!(findings(&InsecureCommands, src).len(), 2);
    }
}
