//! ## What it does
//! Flags an `ENTRYPOINT` that a later `ENTRYPOINT` of the same stage replaces. Other stages may set
//! their own. The earlier, ineffective one is underlined (hadolint points at the later one).
//!
//! ## Why is this bad?
//! Only the last `ENTRYPOINT` of a stage takes effect. An earlier one, often an init such as
//! `tini` meant to wrap the application, silently does nothing: signals and zombie processes
//! are then handled by no one.
//!
//! ## Example
//! ```dockerfile
//! ENTRYPOINT ["tini", "--"]
//! ENTRYPOINT ["/app/server"]
//! ```
//!
//! Use instead:
//! ```dockerfile
//! ENTRYPOINT ["tini", "--", "/app/server"]
//! ```
//!
//! ## Fix
//! Keep one `ENTRYPOINT` and chain programs inside it.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;
use shipshape_syntax::span::line_col;

use super::util::overridden;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct MultipleEntrypoint;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-015",
    slug: "multiple-entrypoint",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "More than one ENTRYPOINT in a stage",
    equivalents: &[
        "hadolint:DL4004",
        "trivy:DS-0007",
        "buildkit:MultipleInstructionsDisallowed",
    ],
};

impl DockerfileRule for MultipleEntrypoint {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (earlier, last) in overridden(doc.ast, Keyword::Entrypoint) {
            let (line, _) = line_col(doc.source, last.keyword_span.start);
            out.push(Diagnostic::new(
                earlier.keyword_span,
                format!("this ENTRYPOINT has no effect: the ENTRYPOINT on line {line} of the same stage replaces it"),
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
        let src =
            "FROM a:1 AS base\nENTRYPOINT x\nentrypoint y\nENTRYPOINT z\nFROM base\nENTRYPOINT w\n";
        let found = flagged(&MultipleEntrypoint, src);
        assert_eq!(found, ["ENTRYPOINT", "entrypoint"]);
    }
}
