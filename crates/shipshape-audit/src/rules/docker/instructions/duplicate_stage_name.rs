//! ## What it does
//! Flags a stage name (`FROM … AS name`) already used by an earlier stage. Names are compared
//! case-insensitively, as Docker does.
//!
//! ## Why is this bad?
//! Docker refuses the build. Where a tool does not, `COPY --from=name` and `FROM name` become
//! ambiguous and silently pick one of the stages.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22 AS build
//! FROM golang:1.23 AS build
//! ```
//!
//! Use instead:
//! ```dockerfile
//! FROM node:22 AS web-build
//! FROM golang:1.23 AS api-build
//! ```
//!
//! ## Fix
//! Give every stage its own name.

use shipshape_core::Severity;
use shipshape_syntax::span::line_col;

use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct DuplicateStageName;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-009",
    slug: "duplicate-stage-name",
    domain: Domain::Dockerfile,
    severity: Severity::Error,
    title: "Two stages have the same name",
    equivalents: &[
        "hadolint:DL3024",
        "checkov:CKV_DOCKER_11",
        "trivy:DS-0012",
        "buildkit:DuplicateStageName",
    ],
};

impl DockerfileRule for DuplicateStageName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let mut seen: Vec<(String, usize)> = Vec::new();
        for (_, instr) in doc
            .ast
            .instructions_of(shipshape_syntax::dockerfile::Keyword::From)
        {
            let Some(alias) = instr.from().and_then(|f| f.alias) else {
                continue;
            };
            let key = alias.value.to_ascii_lowercase();
            match seen.iter().find(|(name, _)| *name == key) {
                Some((_, first)) => {
                    let (line, _) = line_col(doc.source, *first);
                    out.push(Diagnostic::new(
                        alias.span,
                        format!(
                            "stage name `{}` is already used by the stage on line {line}",
                            alias.value
                        ),
                    ));
                }
                None => seen.push((key, alias.span.start)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::diagnostics;
    use super::*;

    #[test]
    fn flags_later_duplicates_case_insensitively() {
        let src = "FROM a:1 AS build\nFROM b:1 AS Build\nFROM c:1 AS other\n";
        let d = diagnostics(&DuplicateStageName, src);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].0, "Build");
        assert!(d[0].1.contains("line 1"), "{}", d[0].1);
    }
}
