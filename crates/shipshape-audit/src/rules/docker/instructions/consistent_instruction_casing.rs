//! SS-DOCKER-036 `consistent-instruction-casing`: instruction keywords are not all in one case.
//!
//! ## What it does
//! Flags instruction keywords written in mixed case (`From`, `EntryPoint`) and keywords whose
//! case differs from the case most keywords of the file use (a `run` among `RUN`s), as
//! BuildKit's `ConsistentInstructionCasing` check does. `ONBUILD` triggers are not counted.
//!
//! ## Why is this bad?
//! Keywords are case-insensitive, so the build does not change, but mixed casing makes a file
//! harder to scan and `docker build` warns about it on every build.
//!
//! ## Example
//! ```dockerfile
//! FROM alpine:3.20
//! Run apk add --no-cache curl
//! entrypoint ["curl"]
//! ```
//!
//! Use instead:
//! ```dockerfile
//! FROM alpine:3.20
//! RUN apk add --no-cache curl
//! ENTRYPOINT ["curl"]
//! ```
//!
//! ## Fix
//! Write every keyword in the case the file mostly uses (upper case by convention).

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct ConsistentInstructionCasing;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-036",
    slug: "consistent-instruction-casing",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "Instruction keywords are not written in one case",
    equivalents: &["buildkit:ConsistentInstructionCasing"],
};

impl DockerfileRule for ConsistentInstructionCasing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let keywords: Vec<_> = doc
            .ast
            .instructions
            .iter()
            .filter(|i| i.keyword != Keyword::Unknown)
            .map(|i| (i.keyword_span, i.keyword_span.text(doc.source)))
            .collect();
        let (mut lower, mut upper) = (0usize, 0usize);
        for (_, k) in &keywords {
            if *k == k.to_ascii_lowercase() {
                lower += 1;
            } else if *k == k.to_ascii_uppercase() {
                upper += 1;
            }
        }
        // BuildKit's rule: the majority decides, upper case on a tie.
        let majority_lower = lower > upper;
        for (span, k) in keywords {
            let expected = if majority_lower {
                k.to_ascii_lowercase()
            } else {
                k.to_ascii_uppercase()
            };
            if k != expected {
                let case = if majority_lower { "lower" } else { "upper" };
                out.push(Diagnostic::new(
                    span,
                    format!("`{k}` should be `{expected}`, in the {case} case most instructions of this file use"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::flagged;
    use super::*;

    #[test]
    fn flags_mixed_case_and_the_minority_case() {
        let src = "FROM a:1\nRUN x\nrun y\nEntryPoint [\"z\"]\n";
        assert_eq!(
            flagged(&ConsistentInstructionCasing, src),
            ["run", "EntryPoint"]
        );
        let lower = "from a:1\nrun x\nRUN y\n";
        assert_eq!(flagged(&ConsistentInstructionCasing, lower), ["RUN"]);
        assert!(flagged(&ConsistentInstructionCasing, "FROM a:1\nRUN x\n").is_empty());
    }
}
