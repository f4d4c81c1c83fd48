//! ## What it does
//! Flags `${{ … }}` expressions (and `if:` conditions) that do not parse, and calls to functions
//! the expression language does not have or with the wrong number of arguments.
//!
//! ## Why is this bad?
//! GitHub refuses to run a workflow whose expressions do not parse, and an unknown function fails
//! the job when the expression is evaluated — often in the rarely taken branch (a release, a
//! failure handler) where nobody notices until it matters.
//!
//! ## Example
//! ```yaml
//! if: ${{ github.ref == 'refs/heads/main' && }}
//! run: echo ${{ toUpper(github.ref) }}
//! ```
//!
//! ## Fix
//! Complete the expression and use the documented functions (`contains`, `startsWith`,
//! `endsWith`, `format`, `join`, `toJSON`, `fromJSON`, `hashFiles`, `success`, `always`,
//! `cancelled`, `failure`).

use shipshape_core::Severity;
use shipshape_syntax::github_actions::expr::{Expr, ExprKind, FUNCTIONS};
use shipshape_syntax::github_actions::{self as gha};
use shipshape_syntax::yaml::Node;

use super::{condition, GithubActionsRule, WorkflowDoc};
use crate::rule::{Diagnostic, Domain, RuleMeta};

pub struct InvalidExpression;

pub static META: RuleMeta = RuleMeta {
    id: "SS-GHA-015",
    slug: "invalid-expression",
    domain: Domain::GithubActions,
    severity: Severity::Error,
    title: "Expression that GitHub cannot evaluate",
    equivalents: &["actionlint:expression"],
};

fn check_calls(e: &Expr, out: &mut Vec<Diagnostic>) {
    e.walk(&mut |n| {
        let ExprKind::Call(name, args) = &n.kind else {
            return;
        };
        let lower = name.to_ascii_lowercase();
        match FUNCTIONS.iter().find(|(f, _, _)| *f == lower) {
            None => out.push(Diagnostic::new(
                n.span,
                format!("`{name}` is not a function of GitHub's expression language"),
            )),
            Some((_, min, max)) if args.len() < *min || args.len() > *max => {
                let want = if min == max {
                    format!("{min}")
                } else if *max == usize::MAX {
                    format!("at least {min}")
                } else {
                    format!("{min} to {max}")
                };
                out.push(Diagnostic::new(
                    n.span,
                    format!("`{name}` takes {want} argument(s), not {}", args.len()),
                ));
            }
            Some(_) => {}
        }
    });
}

fn check_node(doc: &WorkflowDoc, node: &Node, out: &mut Vec<Diagnostic>) {
    for f in gha::fences(doc.source, node) {
        match f.parse() {
            Ok(e) => check_calls(&e, out),
            Err(err) => out.push(Diagnostic::new(
                err.span,
                format!("expression does not parse: {}", err.message),
            )),
        }
    }
}

impl GithubActionsRule for InvalidExpression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &WorkflowDoc, out: &mut Vec<Diagnostic>) {
        let root = match (doc.workflow, doc.action) {
            (Some(w), _) => w.root,
            (None, Some(a)) => a.root,
            (None, None) => return,
        };
        for node in gha::scalars(root) {
            check_node(doc, node, out);
        }
        // `if:` conditions are expressions even without a fence.
        let conditions = doc
            .jobs()
            .iter()
            .filter_map(|j| j.condition)
            .chain(doc.steps().into_iter().filter_map(|(_, s)| s.condition));
        for node in conditions {
            if node.as_str().is_some_and(|t| t.contains("${{")) {
                continue; // checked as a fence above
            }
            match condition(doc.source, node) {
                Some(Ok(e)) => check_calls(&e, out),
                Some(Err(err)) => out.push(Diagnostic::new(
                    err.span,
                    format!("condition does not parse: {}", err.message),
                )),
                None => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use super::*;

    #[test]
    fn flags_syntax_errors_and_unknown_functions() {
        let src = "on: push\njobs:\n  a:\n    if: github.ref == 'x' &&\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ toUpper(github.ref) }} ${{ contains('a') }}\n        if: ${{ success() }}\n";
        let f = findings(&InvalidExpression, src);
        let spans: Vec<&str> = f.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(spans, ["toUpper(github.ref)", "contains('a')", ""], "{f:?}");
    }

    #[test]
    fn valid_expressions_pass() {
        let src = "on: push\njobs:\n  a:\n    if: startsWith(github.ref, 'refs/tags/') || github.event_name == 'push'\n    runs-on: ${{ matrix.os }}\n    steps:\n      - run: echo ${{ format('{0}', fromJSON(needs.x.outputs.y).z) }}\n";
        assert!(findings(&InvalidExpression, src).is_empty());
    }
}
