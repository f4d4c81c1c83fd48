//! ## What it does
//! Reports a suppression comment that silenced nothing (only with `--report-unused-ignores`).
//!
//! ## Why is this bad?
//! Stale suppressions hide future problems on that line and mislead readers about why a rule is
//! off.
//!
//! ## Fix
//! Delete the comment, or correct the rule it names.

use shipshape_core::Severity;

use crate::rule::{Domain, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "SS-PARSE-002",
    slug: "unused-ignore",
    domain: Domain::Engine,
    severity: Severity::Warning,
    title: "Suppression comment matches no finding",
    equivalents: &[],
};
