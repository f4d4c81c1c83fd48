//! ## What it does
//! Flags a stage name with upper-case letters (`FROM golang:1.23 AS Builder`).
//!
//! ## Why is this bad?
//! Docker lower-cases stage names, so `Builder`, `builder` and `BUILDER` are the same stage,
//! while image references must be lower case: readers cannot tell a stage from an image, and
//! older builders fail on `FROM Builder` with "repository name must be lowercase".
//!
//! ## Example
//! ```dockerfile
//! FROM golang:1.23 AS Builder
//! ```
//!
//! Use instead:
//! ```dockerfile
//! FROM golang:1.23 AS builder
//! ```
//!
//! ## Fix
//! Write stage names in lower case, with `-` or `_` between words.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct StageNameCasing;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-028",
    slug: "stage-name-casing",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "Stage name is not lower case",
    equivalents: &["buildkit:StageNameCasing"],
};

impl DockerfileRule for StageNameCasing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, instr) in doc.ast.instructions_of(Keyword::From) {
            let Some(alias) = instr.from().and_then(|f| f.alias) else {
                continue;
            };
            if alias.value.chars().any(|c| c.is_uppercase()) && !alias.value.contains('$') {
                out.push(Diagnostic::new(
                    alias.span,
                    format!(
                        "stage name `{}` should be lower case: `{}`",
                        alias.value,
                        alias.value.to_lowercase()
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
    fn flags_upper_case_names() {
        let src = "FROM a:1 AS Builder\nFROM b:1 AS build-2\n";
        assert_eq!(flagged(&StageNameCasing, src), ["Builder"]);
    }
}
