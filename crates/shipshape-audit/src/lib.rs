//! The audit engine: domains of artifacts and their rules ([`rule`], [`rules`]), and the run that
//! turns their diagnostics into findings of the shared diagnostics model ([`engine`]).

pub mod engine;
pub mod repository;
pub mod rule;
pub mod rules;
pub mod sniff;

pub use engine::{audit, audit_text, audit_text_beside, catalog, reads, AuditOptions};
pub use repository::Repository;
pub use rule::{AuditDomain, Diagnostic, RuleMeta};
