//! ## What it does
//! Flags a `CMD` that a later `CMD` of the same stage replaces. A `CMD` in another stage, including a stage that
//! builds on this one, is an intended override and passes. The earlier, ineffective `CMD` is
//! underlined (hadolint points at the later one): it is the one to delete.
//!
//! ## Why is this bad?
//! Only the last `CMD` of a stage takes effect. The earlier ones are dead code that readers take
//! for the command the container runs, typically left over from debugging or a merge.
//!
//! ## Example
//! ```dockerfile
//! FROM python:3.13-slim
//! CMD ["python", "manage.py", "runserver"]
//! CMD ["gunicorn", "app.wsgi"]
//! ```
//!
//! Use instead:
//! ```dockerfile
//! FROM python:3.13-slim
//! CMD ["gunicorn", "app.wsgi"]
//! ```
//!
//! ## Fix
//! Delete every `CMD` but the one the container should run.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;
use shipshape_syntax::span::line_col;

use super::util::overridden;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct MultipleCmd;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-014",
    slug: "multiple-cmd",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "More than one CMD in a stage",
    equivalents: &[
        "hadolint:DL4003",
        "trivy:DS-0016",
        "buildkit:MultipleInstructionsDisallowed",
    ],
};

impl DockerfileRule for MultipleCmd {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (earlier, last) in overridden(doc.ast, Keyword::Cmd) {
            let (line, _) = line_col(doc.source, last.keyword_span.start);
            out.push(Diagnostic::new(
                earlier.keyword_span,
                format!(
                    "this CMD has no effect: the CMD on line {line} of the same stage replaces it"
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::flagged;
    use super::*;

    #[test]
    fn flags_all_but_the_last_of_a_stage() {
        let src = "FROM a:1 AS base\nCMD x\ncmd y\nCMD z\nFROM base\nCMD w\n";
        let found = flagged(&MultipleCmd, src);
        assert_eq!(found, ["CMD", "cmd"]);
    }
}
