//! The report every checker run produces: findings plus what was run and what was left out. One
//! type for `audit`, `secrets` and later domains; renderers take it with the catalog.

use serde::{Deserialize, Serialize};
use shipshape_core::{Severity, Skipped};

use crate::baseline::Baseline;
use crate::finding::Finding;
use crate::rule::Domain;
use crate::shared::SharedStr;

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

    /// One order for every format: path, position, rule (stable: equal keys keep the order
    /// their checker gave them).
    pub fn sort(&mut self) {
        let findings = &mut self.findings;
        if !findings.is_sorted_by(|a, b| a.sort_key() <= b.sort_key()) {
            // Sort positions, then move each finding once: sorting the findings themselves
            // would take scratch space for half of them (a large report is hundreds of MiB).
            let mut order: Vec<usize> = (0..findings.len()).collect();
            // Stable, on every core (string comparisons of hundreds of thousands of paths).
            rayon::slice::ParallelSliceMut::par_sort_by(order.as_mut_slice(), |&a, &b| {
                findings[a].sort_key().cmp(&findings[b].sort_key())
            });
            permute(findings, order);
        }
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
        if self.findings.is_empty() {
            // The first report: take its findings as they are rather than copy them.
            self.findings = other.findings;
        } else {
            self.findings.extend(other.findings);
        }
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
        let under = |path: &str| {
            let mut s = String::with_capacity(prefix.len() + 1 + path.len());
            s.push_str(prefix);
            s.push('/');
            s.push_str(path);
            s
        };
        // The findings of one file share its path: they share the prefixed one too (they are
        // in path order, so the last path made nearly always serves).
        let mut last: Option<(SharedStr, SharedStr)> = None;
        for f in &mut self.findings {
            let path = match &last {
                Some((old, new)) if *old == f.location.path => new.clone(),
                _ => {
                    let new = SharedStr::from(under(&f.location.path));
                    last = Some((f.location.path.clone(), new.clone()));
                    new
                }
            };
            f.location.path = path;
            if let Some(p) = &mut f.provenance {
                p.path = under(&p.path);
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

/// Put `items` in the order `order` gives: afterwards `items[i]` is what `items[order[i]]` was.
/// Each cycle of the permutation is followed once, swapping in place.
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..items.len() {
        let mut at = start;
        while order[at] != start {
            let from = order[at];
            items.swap(at, from);
            // `at` now holds its final element; mark it placed.
            order[at] = at;
            at = from;
        }
        order[at] = at;
    }
}

/// Whether two findings mask the same secret: overlapping secret spans in one file, or the same
/// value (by identity) in one file.
fn same_secret(a: &Finding, b: &Finding) -> bool {
    if a.location.path != b.location.path {
        return false;
    }
    let spans = a
        .secret_spans()
        .iter()
        .any(|x| b.secret_spans().iter().any(|y| x.overlaps(*y)));
    spans
        || (a.secret_identity().is_some()
            && a.secret_identity() == b.secret_identity()
            && a.location.start.line == b.location.start.line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Location;
    use shipshape_core::text::Position;

    fn finding(path: &str, line: u32, rule: &str, message: &str) -> Finding {
        let at = Position { line, column: 1 };
        Finding {
            rule_id: rule.into(),
            slug: rule.to_lowercase().into(),
            severity: Severity::Warning,
            message: message.into(),
            location: Location {
                path: path.into(),
                start: at,
                end: at,
            },
            ..Finding::default()
        }
    }

    fn order(report: &Report) -> Vec<(&str, u32, &str, &str)> {
        report
            .findings
            .iter()
            .map(|f| {
                let l = &f.location;
                (
                    l.path.as_str(),
                    l.start.line,
                    f.rule_id.as_str(),
                    f.message.as_str(),
                )
            })
            .collect()
    }

    #[test]
    fn sorts_by_path_then_position_then_rule_keeping_ties_in_checker_order() {
        let mut report = Report {
            findings: vec![
                finding("b/Dockerfile", 3, "SS-DOCKER-002", "first"),
                finding("a/Dockerfile", 9, "SS-DOCKER-001", "only"),
                finding("b/Dockerfile", 1, "SS-DOCKER-009", "top"),
                finding("b/Dockerfile", 3, "SS-DOCKER-002", "second"),
                finding("b/Dockerfile", 3, "SS-DOCKER-001", "earlier rule"),
                finding("a/Dockerfile", 2, "SS-DOCKER-005", "start"),
            ],
            ..Report::default()
        };
        report.sort();
        assert_eq!(
            order(&report),
            vec![
                ("a/Dockerfile", 2, "SS-DOCKER-005", "start"),
                ("a/Dockerfile", 9, "SS-DOCKER-001", "only"),
                ("b/Dockerfile", 1, "SS-DOCKER-009", "top"),
                ("b/Dockerfile", 3, "SS-DOCKER-001", "earlier rule"),
                ("b/Dockerfile", 3, "SS-DOCKER-002", "first"),
                ("b/Dockerfile", 3, "SS-DOCKER-002", "second"),
            ]
        );
    }

    #[test]
    fn every_permutation_lands_each_item_once() {
        // Cycles of every length, fixed points and a reversal.
        for order in [
            vec![0, 1, 2, 3, 4, 5],
            vec![5, 4, 3, 2, 1, 0],
            vec![1, 2, 3, 4, 5, 0],
            vec![2, 0, 1, 3, 5, 4],
        ] {
            let mut items: Vec<char> = "abcdef".chars().collect();
            let expected: Vec<char> = order.iter().map(|&i| items[i]).collect();
            permute(&mut items, order);
            assert_eq!(items, expected);
        }
    }

    #[test]
    fn extending_an_empty_report_keeps_the_findings_in_order() {
        let mut total = Report::default();
        let mut one = Report {
            findings: vec![
                finding("x", 2, "SS-A", "two"),
                finding("x", 1, "SS-A", "one"),
            ],
            files_audited: 1,
            ..Report::default()
        };
        one.sort();
        total.extend(one);
        assert_eq!(total.files_audited, 1);
        assert_eq!(
            order(&total),
            vec![("x", 1, "SS-A", "one"), ("x", 2, "SS-A", "two")]
        );
    }
}
