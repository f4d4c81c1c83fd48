//! Findings: what an audit reports. A finding names the rule, says what is wrong and where —
//! exact start and end line and column of the offending token — and carries a fingerprint that
//! stays the same when the finding moves to another line.

use serde::{Deserialize, Serialize};

pub use crate::text::Position;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    schemars::JsonSchema,
    Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" | "note" => Ok(Severity::Info),
            "warning" | "warn" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!("unknown severity `{other}` (info, warning, error)")),
        }
    }
}

/// Where a finding is: the file and the exact range of the offending token.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    pub path: String,
    pub start: Position,
    /// Exclusive end.
    pub end: Position,
}

/// One thing wrong, ready to render.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule_id: String,
    pub slug: String,
    pub severity: Severity,
    pub message: String,
    pub location: Location,
    /// The source lines the location covers (redacted where the rule says so).
    pub snippet: String,
    pub fix: String,
    /// The same check in other tools (`hadolint:DL3007`, `checkov:CKV_DOCKER_7`, …).
    pub equivalents: Vec<String>,
    /// Stable identity: rule + path + normalised content of the flagged token.
    pub fingerprint: String,
}
