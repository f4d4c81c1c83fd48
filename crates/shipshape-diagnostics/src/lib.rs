//! One diagnostics model for every checker shipshape has — the Dockerfile and compose rules, the
//! secret scanner, and the domains to come. A checker turns what it saw into [`Finding`]s with
//! [`FindingBuilder`]; everything after that is shared: the [`Catalog`] of rules (static ones and
//! those defined at run time), [`Selection`] by ID, slug, prefix or domain, inline
//! [`suppress`]ions in every dialect, [`redact`]ion, the versioned [`fingerprint`], the
//! [`Baseline`], the [`Report`] and its [`render`]ers.

pub mod baseline;
pub mod catalog;
pub mod finding;
pub mod fingerprint;
pub mod redact;
pub mod render;
pub mod report;
pub mod rule;
pub mod shared;
pub mod suppress;

pub use baseline::{Baseline, BaselineError};
pub use catalog::{Catalog, CatalogError, Selection, SelectionError};
pub use finding::{
    secret_identity, Finding, FindingBuilder, Location, Masked, Provenance, RuleRef,
};
pub use fingerprint::Fingerprint;
pub use report::{HistoryStats, Report};
pub use rule::{Domain, RuleDocs, RuleInfo, RuleMeta, RuleOrigin};
pub use shared::SharedStr;
pub use shipshape_core::text::{LineIndex, Position, Span};
pub use shipshape_core::Severity;

/// Version of the JSON documents shipshape prints for findings (`audit`, `secrets`); bumped on
/// breaking changes.
pub const JSON_SCHEMA_VERSION: &str = "2";

/// The tool as reports name it.
pub const TOOL_NAME: &str = "shipshape";
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
/// Where rule documentation is published; a rule's page is `{DOCS_BASE}/{ID}.md`.
pub const RULE_DOCS_BASE: &str = "https://github.com/shipshape-dev/shipshape/blob/main/docs/rules";
