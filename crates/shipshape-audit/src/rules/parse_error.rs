//! ## What it does
//! Reports a file shipshape could not parse: a Dockerfile with an unterminated heredoc, a compose
//! file that is not valid YAML.
//!
//! ## Why is this bad?
//! A file that does not parse cannot be audited, and usually will not build or deploy either.
//! The rest of the repository is still audited.
//!
//! ## Fix
//! Correct the syntax at the reported line and column.

use shipshape_core::Severity;

use crate::rule::{Rule, RuleMeta, Target};

pub struct ParseError;

pub static META: RuleMeta = RuleMeta {
    id: "SS-PARSE-001",
    slug: "parse-error",
    target: Target::Engine,
    severity: Severity::Error,
    title: "File could not be parsed",
    rationale: "A file that does not parse cannot be audited, and usually will not build or deploy either. The rest of the repository is still audited.",
    fix: "Correct the syntax at the reported line and column.",
    equivalents: &["hadolint:DL1000", "hadolint:DL3043"],
};

impl Rule for ParseError {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
