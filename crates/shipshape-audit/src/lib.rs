//! The audit engine: rules over parsed artifacts ([`rule`], [`rules`]), the run that resolves
//! their diagnostics into findings ([`engine`]), suppressions and baselines, and the renderers
//! for every output format ([`render`]).

pub mod baseline;
pub mod engine;
pub mod render;
pub mod rule;
pub mod rules;
pub mod suppress;

pub use engine::{audit, audit_text, AuditOptions, Report};
pub use rule::{Diagnostic, Rule, RuleMeta, Target};
