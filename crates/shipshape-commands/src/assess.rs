//! `assess`: the production-readiness checklist, its score and the quick wins. Detection and one
//! run of every checker (all audit domains and the secret scan of the working tree, plus the git
//! history with `--history`) feed [`shipshape_assess`], which decides each item from them.

use serde::Serialize;
use shipshape_assess::{Assessment, Input};
use shipshape_detect::Summary;
use shipshape_secrets::{HistoryOptions, Progress};

use super::{rules, CommandError, Tool, Workspace, TOOL};

pub const SCHEMA_VERSION: &str = "1";

#[derive(Debug, Clone, Default)]
pub struct AssessOptions {
    /// Scan every commit of every branch and tag for secrets too.
    pub history: bool,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct AssessReport {
    pub schema_version: &'static str,
    pub tool: Tool,
    pub root: String,
    pub files_scanned: usize,
    pub summary: Summary,
    pub assessment: Assessment,
    /// What the checkers behind the assessment ran over.
    pub checks: ChecksRun,
}

/// The audit and secret scan the assessment read: `shipshape audit` (and `shipshape secrets
/// --history`) list their findings one by one.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ChecksRun {
    /// Rules run: every audit and secret rule, the repository's own included.
    pub rules_run: usize,
    pub files_audited: usize,
    pub findings: usize,
    /// Whether git history was scanned for secrets (`--history`).
    pub git_history: bool,
    /// Objects of the history that could not be read; the rest was scanned.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub history_errors: Vec<String>,
    /// Things to know about the run (a shallow clone, a rule not imported).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Assess the workspace. The secret scans behind it advance `progress` (a long history scan is
/// worth showing) and stop early when it is cancelled.
pub fn assess(
    ws: &Workspace,
    opts: &AssessOptions,
    progress: &Progress,
) -> Result<AssessReport, CommandError> {
    let inv = ws.inventory();
    let facts = shipshape_detect::detect(inv);
    let (catalog, scanner, mut notes) = rules::for_workspace(ws, None)?;
    let history = opts.history.then(HistoryOptions::default);
    let findings = super::audit::check(
        ws,
        &catalog.select_all(),
        &scanner,
        &shipshape_audit::AuditOptions::default(),
        history.as_ref(),
        progress,
    )?;
    let shown = ws.shown().display().to_string();
    let assessment =
        shipshape_assess::assess(&Input::new(inv, &facts, &findings, &catalog).shown_as(&shown));
    notes.extend(findings.notes.iter().cloned());
    Ok(AssessReport {
        schema_version: SCHEMA_VERSION,
        tool: TOOL,
        root: shown,
        files_scanned: inv.files().len(),
        summary: Summary::new(&facts),
        assessment,
        checks: ChecksRun {
            rules_run: findings.rules_run,
            files_audited: findings.files_audited,
            findings: findings.findings.len(),
            git_history: findings.history.is_some(),
            history_errors: findings
                .history
                .as_ref()
                .map(|h| h.errors.clone())
                .unwrap_or_default(),
            notes,
        },
    })
}
