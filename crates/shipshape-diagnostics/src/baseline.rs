//! Baselines: accept today's findings, fail only on new ones. A finding's identity is its rule,
//! path and [fingerprint](crate::fingerprint), never its line number, so a finding that moves
//! stays matched. The file holds no secret: fingerprints are computed from redacted text.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::finding::Finding;

/// The baseline format version; it follows the fingerprint scheme.
pub const BASELINE_VERSION: &str = "2";

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("could not read baseline {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("baseline {path} is not a shipshape baseline: {message}")]
    Format { path: String, message: String },
    #[error("baseline {path} has format version {found}, this shipshape reads version {BASELINE_VERSION} (fingerprints changed); write a new one with --write-baseline")]
    Version { path: String, found: String },
    #[error("could not write baseline {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Entry {
    pub rule_id: String,
    pub path: String,
    pub fingerprint: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Baseline {
    pub schema_version: String,
    pub findings: Vec<Entry>,
}

impl Baseline {
    pub fn from_findings(findings: &[Finding]) -> Baseline {
        let mut entries: Vec<Entry> = findings
            .iter()
            .map(|f| Entry {
                rule_id: f.rule_id.to_string(),
                path: f.location.path.to_string(),
                fingerprint: f.fingerprint.to_string(),
            })
            .collect();
        entries.sort();
        Baseline {
            schema_version: BASELINE_VERSION.into(),
            findings: entries,
        }
    }

    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let p = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read {
            path: p.clone(),
            source,
        })?;
        let b: Baseline = serde_json::from_str(&text).map_err(|e| BaselineError::Format {
            path: p.clone(),
            message: e.to_string(),
        })?;
        if b.schema_version != BASELINE_VERSION {
            return Err(BaselineError::Version {
                path: p,
                found: b.schema_version,
            });
        }
        Ok(b)
    }

    /// Write atomically: a temporary file beside the target, then a rename.
    pub fn save(&self, path: &Path) -> Result<(), BaselineError> {
        let p = path.display().to_string();
        let text = serde_json::to_string_pretty(self).expect("baseline serialises") + "\n";
        let tmp = path.with_extension("tmp-shipshape");
        std::fs::write(&tmp, text)
            .and_then(|_| std::fs::rename(&tmp, path))
            .map_err(|source| BaselineError::Write { path: p, source })
    }

    /// Split `findings` into (new, number baselined). Each baseline entry absorbs one finding, so
    /// a second copy of an accepted problem is new.
    pub fn partition(&self, findings: Vec<Finding>) -> (Vec<Finding>, usize) {
        let mut budget: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        for e in &self.findings {
            *budget
                .entry((e.rule_id.clone(), e.path.clone(), e.fingerprint.clone()))
                .or_default() += 1;
        }
        let mut fresh = Vec::new();
        let mut matched = 0;
        for f in findings {
            let key = (
                f.rule_id.to_string(),
                f.location.path.to_string(),
                f.fingerprint.to_string(),
            );
            let accepted = match budget.get_mut(&key) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    true
                }
                _ => false,
            };
            if accepted {
                matched += 1;
            } else {
                fresh.push(f);
            }
        }
        (fresh, matched)
    }
}
