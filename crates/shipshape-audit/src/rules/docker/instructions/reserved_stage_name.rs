//! ## What it does
//! Flags a stage named `scratch` or `context` (`FROM alpine AS scratch`), names Docker reserves.
//!
//! ## Why is this bad?
//! BuildKit reserves both words: `scratch` is the empty image and `context` stands for the build
//! context. A stage with one of these names makes every later `FROM` or `COPY --from` that uses
//! it ambiguous to readers and to the builder, and `docker build` warns about it.
//!
//! ## Example
//! ```dockerfile
//! FROM alpine:3.20 AS scratch
//! ```
//!
//! Use instead:
//! ```dockerfile
//! FROM alpine:3.20 AS base
//! ```
//!
//! ## Fix
//! Rename the stage and its references.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct ReservedStageName;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-027",
    slug: "reserved-stage-name",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "Stage uses a reserved name",
    equivalents: &["buildkit:ReservedStageName"],
};

const RESERVED: &[&str] = &["scratch", "context"];

impl DockerfileRule for ReservedStageName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, instr) in doc.ast.instructions_of(Keyword::From) {
            let Some(alias) = instr.from().and_then(|f| f.alias) else {
                continue;
            };
            if RESERVED
                .iter()
                .any(|r| r.eq_ignore_ascii_case(&alias.value))
            {
                out.push(Diagnostic::new(
                    alias.span,
                    format!(
                        "`{}` is reserved by BuildKit: choose another stage name",
                        alias.value
                    ),
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
    fn flags_reserved_names() {
        let src = "FROM a:1 AS Scratch\nFROM scratch AS base\nFROM b:1 as context\n";
        assert_eq!(flagged(&ReservedStageName, src), ["Scratch", "context"]);
    }
}
