//! ## What it does
//! Flags any instruction other than `ARG` that comes before the first `FROM` (parser directives
//! and comments are not instructions and may come first).
//!
//! ## Why is this bad?
//! Docker refuses the file: only `ARG` may precede `FROM`, to declare variables the `FROM` lines
//! use. An `ENV` or `LABEL` placed there usually belongs to a stage and was moved by mistake.
//!
//! ## Example
//! ```dockerfile
//! ENV NODE_ENV=production
//! FROM node:22-alpine
//! ```
//!
//! Use instead:
//! ```dockerfile
//! ARG NODE_VERSION=22
//! FROM node:${NODE_VERSION}-alpine
//! ENV NODE_ENV=production
//! ```
//!
//! ## Fix
//! Move the instruction below the `FROM` of the stage it belongs to.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct FromFirst;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-021",
    slug: "from-first",
    domain: Domain::Dockerfile,
    severity: Severity::Error,
    title: "Instruction before the first FROM",
    equivalents: &["hadolint:DL3061"],
};

impl DockerfileRule for FromFirst {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for instr in doc.ast.preamble() {
            // Unknown keywords are already syntax errors.
            if matches!(instr.keyword, Keyword::Arg | Keyword::Unknown) {
                continue;
            }
            out.push(Diagnostic::new(
                instr.keyword_span,
                format!(
                    "{} before the first FROM: only ARG may come before FROM",
                    instr.keyword
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
    fn flags_everything_but_arg_before_from() {
        let src =
            "# syntax=docker/dockerfile:1\n# comment\nARG V=1\nLABEL a=b\nFROM a:$V\nLABEL c=d\n";
        assert_eq!(flagged(&FromFirst, src), ["LABEL"]);
    }
}
