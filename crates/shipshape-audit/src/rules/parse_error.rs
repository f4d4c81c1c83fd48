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

use crate::rule::{Domain, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "SS-PARSE-001",
    slug: "parse-error",
    domain: Domain::Engine,
    severity: Severity::Error,
    title: "File could not be parsed",
    equivalents: &["hadolint:DL1000", "hadolint:DL3043"],
};
