//! ## What it does
//! Flags a `HEALTHCHECK` (including `HEALTHCHECK NONE`) that a later one of the same stage
//! replaces. The earlier, ineffective one is underlined (hadolint points at the later one).
//!
//! ## Why is this bad?
//! Only the last `HEALTHCHECK` of a stage takes effect. An earlier probe, or a `HEALTHCHECK NONE`
//! meant to switch the base image's probe off, silently does nothing, and the orchestrator judges
//! the container by a check nobody reviewed.
//!
//! ## Example
//! ```dockerfile
//! HEALTHCHECK CMD ["curl", "-fsS", "http://localhost:8080/health"]
//! HEALTHCHECK CMD ["curl", "-fsS", "http://localhost:8080/ready"]
//! ```
//!
//! Use instead:
//! ```dockerfile
//! HEALTHCHECK CMD ["curl", "-fsS", "http://localhost:8080/health"]
//! ```
//!
//! ## Fix
//! Delete every `HEALTHCHECK` but one.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;
use shipshape_syntax::span::line_col;

use super::util::overridden;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct MultipleHealthcheck;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-016",
    slug: "multiple-healthcheck",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "More than one HEALTHCHECK in a stage",
    equivalents: &[
        "hadolint:DL3012",
        "trivy:DS-0023",
        "buildkit:MultipleInstructionsDisallowed",
    ],
};

impl DockerfileRule for MultipleHealthcheck {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (earlier, last) in overridden(doc.ast, Keyword::Healthcheck) {
            let (line, _) = line_col(doc.source, last.keyword_span.start);
            out.push(Diagnostic::new(
                earlier.keyword_span,
                format!("this HEALTHCHECK has no effect: the HEALTHCHECK on line {line} of the same stage replaces it"),
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
        let src = "FROM a:1 AS base\nHEALTHCHECK NONE\nhealthcheck CMD y\nHEALTHCHECK CMD z\nFROM base\nHEALTHCHECK CMD w\n";
        let found = flagged(&MultipleHealthcheck, src);
        assert_eq!(found, ["HEALTHCHECK", "healthcheck"]);
    }
}
