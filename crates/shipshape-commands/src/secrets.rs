//! `secrets`: hardcoded credentials in the working tree, the staged changes, or the working tree
//! and the whole git history. A secret still in the tree is one finding with its provenance; a
//! secret in history only is a finding marked so. Always redacted.

use std::path::{Path, PathBuf};

use shipshape_diagnostics::{Baseline, Catalog, Domain, Report, Severity};
use shipshape_secrets::history::HistoryError;
use shipshape_secrets::{scan_history, scan_staged, scan_tree, HistoryOptions, Progress};

use super::{rules, CommandError, Workspace};

/// Which changes to scan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SecretsScope {
    /// The working tree.
    #[default]
    Tree,
    /// What is staged (the index against HEAD): for pre-commit hooks.
    Staged,
    /// The working tree and every commit of every branch and tag (after `since`, if given).
    History { since: Option<String> },
}

#[derive(Debug, Clone, Default)]
pub struct SecretsOptions {
    pub scope: SecretsScope,
    pub no_ignores: bool,
    /// A gitleaks TOML configuration whose rules are added.
    pub gitleaks_config: Option<PathBuf>,
    pub baseline: Option<PathBuf>,
    pub fail_on: Option<Severity>,
}

/// The result of a scan. `incomplete` lists what could not be read (a damaged history): the
/// report still holds everything that was.
pub struct SecretsOutcome {
    pub report: Report,
    pub catalog: Catalog,
    pub fail_on: Severity,
    pub incomplete: Vec<String>,
    /// The history could not be opened at all (not a git repository): nothing of it was read,
    /// as opposed to a history read in part.
    pub history_unopened: bool,
}

impl SecretsOutcome {
    pub fn fails(&self) -> bool {
        self.report.fails(self.fail_on)
    }
}

/// Scan `path` (a repository folder, or a single file in it).
pub fn secrets(
    path: &Path,
    opts: &SecretsOptions,
    progress: &Progress,
) -> Result<SecretsOutcome, CommandError> {
    let (root, only) = if path.is_file() {
        let parent = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        (
            parent.to_path_buf(),
            path.file_name().map(|n| n.to_string_lossy().to_string()),
        )
    } else {
        (path.to_path_buf(), None)
    };
    shipshape_secrets::warm_up();
    let ws = Workspace::open(&root)?;
    let (catalog, mut scanner, notes) = rules::for_workspace(&ws, opts.gitleaks_config.as_deref())?;
    scanner.no_ignores = opts.no_ignores;
    let rules_run = catalog.of_domain(Domain::Secrets).count();
    let mut incomplete = Vec::new();
    let mut history_unopened = false;

    let mut report = if opts.scope == SecretsScope::Staged {
        let staged = scan_staged(&root, &scanner)?;
        let mut r = shipshape_secrets::tree_report(staged, rules_run);
        r.notes.extend(notes);
        r
    } else {
        let tree = scan_tree(ws.inventory(), &scanner, only.as_deref(), progress);
        let mut r = shipshape_secrets::tree_report(tree, rules_run);
        r.notes.extend(notes);
        if let SecretsScope::History { since } = &opts.scope {
            let h = scan_history(
                &root,
                &scanner,
                &HistoryOptions {
                    since: since.clone(),
                },
                progress,
            );
            match h {
                Ok(h) => {
                    incomplete.extend(h.errors.iter().cloned());
                    r.notes.extend(h.notes.iter().cloned());
                    shipshape_secrets::add_history(&mut r, h);
                }
                Err(e) => {
                    history_unopened = matches!(e, HistoryError::Open { .. });
                    incomplete.push(format!("{e}; the working tree was still scanned"));
                }
            }
        }
        r
    };
    report.prefix_paths(&super::audit::display_prefix(&root));
    if let Some(p) = &opts.baseline {
        report.apply_baseline(&Baseline::load(p)?);
    }
    report.sort();
    Ok(SecretsOutcome {
        report,
        catalog,
        fail_on: opts.fail_on.unwrap_or(Severity::Warning),
        incomplete,
        history_unopened,
    })
}
