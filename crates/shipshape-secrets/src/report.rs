//! From scans to one [`Report`]: a secret still in the working tree is one finding that also
//! says where it entered the history; a secret in history only is a finding marked so. The
//! provenance is data on the finding, never text spliced into its message.

use shipshape_diagnostics::{Finding, HistoryStats, Report};

use crate::history::HistoryScan;
use crate::scan::TreeScan;

/// The report of a working-tree scan.
pub fn tree_report(tree: TreeScan, rules_run: usize) -> Report {
    let mut r = Report {
        findings: tree.findings,
        files_audited: tree.files_scanned,
        rules_run,
        suppressed: tree.suppressed,
        skipped: tree.skipped,
        ..Report::default()
    };
    r.sort();
    r
}

/// Add a history scan to a working-tree report.
pub fn add_history(report: &mut Report, history: HistoryScan) {
    let mut notes = history.notes;
    for hf in history.findings {
        let mut provenance = hf.provenance;
        if let Some(reference) = &hf.reference {
            // Not reachable from any commit: say through which reference (a tag on a tree or
            // a blob), so the reference can be deleted too.
            notes.push(format!(
                "{} ({}): reachable only from reference {reference}, which names object {} rather than a commit",
                hf.finding.location.path, hf.finding.rule_id, provenance.commit
            ));
        }
        let same = |f: &Finding| {
            f.rule_id == hf.finding.rule_id
                && f.location.path == hf.finding.location.path
                && f.secret_identity().is_some()
                && f.secret_identity() == hf.finding.secret_identity()
        };
        let mut in_tree = false;
        for f in report.findings.iter_mut().filter(|f| same(f)) {
            provenance.in_working_tree = true;
            f.provenance = Some(Box::new(provenance.clone()));
            in_tree = true;
        }
        if !in_tree {
            let mut f = hf.finding;
            provenance.in_working_tree = false;
            f.provenance = Some(Box::new(provenance));
            report.findings.push(f);
        }
    }
    report.files_audited += history.blobs_scanned;
    report.suppressed += history.suppressed;
    report.skipped.extend(history.skipped);
    report.history = Some(HistoryStats {
        commits: history.commits,
        unique_blobs: history.unique_blobs,
        blobs_scanned: history.blobs_scanned,
        bytes_scanned: history.bytes_scanned,
        binary_blobs: history.binary_blobs,
        allowed: history.allowed,
        notes,
        errors: history.errors,
    });
    report.sort();
}
