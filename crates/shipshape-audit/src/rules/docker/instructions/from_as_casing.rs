//! SS-DOCKER-035 `from-as-casing`: `FROM` and `AS` are written in different cases.
//!
//! ## What it does
//! Flags a `FROM … AS name` whose `AS` keyword is not in the case of its `FROM` keyword
//! (`FROM debian:12 as build`, `from debian:12 AS build`), as BuildKit's `FromAsCasing` check
//! does. A `FROM` keyword in mixed case (`From`) is left to `consistent-instruction-casing`.
//!
//! ## Why is this bad?
//! Keywords are case-insensitive, so nothing breaks, but a file that mixes cases reads as
//! careless and `docker build` prints a warning for it on every build, burying the warnings
//! that matter.
//!
//! ## Example
//! ```dockerfile
//! FROM golang:1.23 as build
//! ```
//!
//! Use instead:
//! ```dockerfile
//! FROM golang:1.23 AS build
//! ```
//!
//! ## Fix
//! Write `AS` in the case of `FROM`: both upper case, or both lower case.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct FromAsCasing;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-035",
    slug: "from-as-casing",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "`AS` is not in the case of its `FROM`",
    equivalents: &["buildkit:FromAsCasing"],
};

impl DockerfileRule for FromAsCasing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, instr) in doc.ast.instructions_of(Keyword::From) {
            let words = instr.words();
            let Some(as_word) = words.get(1).filter(|w| w.value.eq_ignore_ascii_case("as")) else {
                continue;
            };
            if words.len() < 3 {
                continue;
            }
            let from = instr.keyword_span.text(doc.source);
            let expected = if from == from.to_ascii_uppercase() {
                "AS"
            } else if from == from.to_ascii_lowercase() {
                "as"
            } else {
                continue;
            };
            if as_word.value != expected {
                out.push(Diagnostic::new(
                    as_word.span,
                    format!(
                        "`{}` does not match the case of `{from}`: write `{expected}`",
                        as_word.value
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
    fn flags_as_in_the_other_case() {
        let src = "FROM a:1 as one\nfrom b:1 AS two\nFROM c:1 AS three\nfrom d:1 as four\nFrom e:1 as five\n";
        assert_eq!(flagged(&FromAsCasing, src), ["as", "AS"]);
    }
}
