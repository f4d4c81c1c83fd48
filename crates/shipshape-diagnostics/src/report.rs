//! The report every checker run produces: findings plus what was run and what was left out. One
//! type for `audit`, `secrets` and later domains; renderers take it with the catalog.

use serde::{Deserialize, Serialize};
use shipshape_core::{Severity, Skipped};

use crate::baseline::Baseline;
use crate::finding::Finding;
use crate::rule::Domain;

/// Counters of a git-history scan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct HistoryStats {
    pub commits: usize,
    /// Distinct blobs reachable from the scanned commits.
    pub unique_blobs: usize,
    /// Times a blob was handed to the scanner: at most once per distinct blob.
    pub blobs_scanned: usize,
    pub bytes_scanned: u64,
    pub binary_blobs: usize,
    /// Blobs on the path allowlist or in fixture folders, not read.
    pub allowed: usize,
    /// Things the user should know (a shallow clone).
    pub notes: Vec<String>,
    /// Objects that could not be read; the scan went on without them.
    pub errors: Vec<String>,
}

/// Findings and the facts of the run that produced them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub files_audited: usize,
    /// Rules that ran (engine rules not counted).
    pub rules_run: usize,
    /// Findings silenced by inline suppressions.
    pub suppressed: usize,
    /// Findings accepted by the baseline.
    pub baselined: usize,
    /// Files not read, with why.
    #[serde(default)]
    pub skipped: Vec<Skipped>,
    /// Things the user should know about the run (a rule not imported, a file read in part).
    #[serde(default)]
    pub notes: Vec<String>,
    /// Git history scanned, when it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<HistoryStats>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Whether any finding is at or above `threshold`.
    pub fn fails(&self, threshold: Severity) -> bool {
        self.findings.iter().any(|f| f.severity >= threshold)
    }

    /// One order for every format: path, position, rule.
    pub fn sort(&mut self) {
        self.findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.skipped.sort_by(|a, b| a.path.cmp(&b.path));
        self.skipped.dedup();
    }

    /// Add another checker's report on the same files. One secret is one finding: a finding of
    /// `other` that masks a secret this report already masks at the same place (or the same value
    /// in the same file) is dropped — the first checker to see it keeps it.
    pub fn absorb(&mut self, other: Report) {
        let mut fresh: Vec<Finding> = Vec::with_capacity(other.findings.len());
        for f in other.findings {
            if f.holds_secret() && self.findings.iter().any(|g| same_secret(g, &f)) {
                continue;
            }
            fresh.push(f);
        }
        self.findings.extend(fresh);
        self.files_audited = self.files_audited.max(other.files_audited);
        self.rules_run += other.rules_run;
        self.suppressed += other.suppressed;
        self.baselined += other.baselined;
        self.skipped.extend(other.skipped);
        self.notes.extend(other.notes);
        if other.history.is_some() {
            self.history = other.history;
        }
        self.sort();
    }

    /// Add the report of another repository (or file) audited in the same run.
    pub fn extend(&mut self, other: Report) {
        self.findings.extend(other.findings);
        self.files_audited += other.files_audited;
        self.rules_run = self.rules_run.max(other.rules_run);
        self.suppressed += other.suppressed;
        self.baselined += other.baselined;
        self.skipped.extend(other.skipped);
        self.notes.extend(other.notes);
        if other.history.is_some() {
            self.history = other.history;
        }
        self.sort();
    }

    /// Prefix every path with the folder the user named, so several roots stay apart.
    pub fn prefix_paths(&mut self, prefix: &str) {
        let prefix = prefix.trim_end_matches('/');
        if prefix.is_empty() || prefix == "." {
            return;
        }
        for f in &mut self.findings {
            f.location.path = format!("{prefix}/{}", f.location.path);
            if let Some(p) = &mut f.provenance {
                p.path = format!("{prefix}/{}", p.path);
            }
        }
        for s in &mut self.skipped {
            s.path = format!("{prefix}/{}", s.path);
        }
    }

    /// Keep only findings the baseline does not accept.
    pub fn apply_baseline(&mut self, baseline: &Baseline) {
        let (fresh, n) = baseline.partition(std::mem::take(&mut self.findings));
        self.findings = fresh;
        self.baselined += n;
    }

    /// Findings of one domain, by the rule catalog's domain for each rule ID.
    pub fn in_domain<'a>(
        &'a self,
        catalog: &'a crate::Catalog,
        domain: Domain,
    ) -> impl Iterator<Item = &'a Finding> {
        self.findings
            .iter()
            .filter(move |f| catalog.get(&f.rule_id).is_some_and(|r| r.domain == domain))
    }
}

/// Whether two findings mask the same secret: overlapping secret spans in one file, or the same
/// value (by identity) in one file.
fn same_secret(a: &Finding, b: &Finding) -> bool {
    if a.location.path != b.location.path {
        return false;
    }
    let spans = a
        .secret_spans
        .iter()
        .any(|x| b.secret_spans.iter().any(|y| x.overlaps(*y)));
    spans
        || (a.secret_identity.is_some()
            && a.secret_identity == b.secret_identity
            && a.location.start.line == b.location.start.line)
}
