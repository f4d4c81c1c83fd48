//! `audit`: every audit domain and the secret scanner over one or more repositories (or single
//! files), one report. `[audit]` in each repository's `shipshape.toml` gives defaults that
//! flags override. One secret is one finding, whichever checker saw it first.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use shipshape_diagnostics::{Baseline, Catalog, Domain, Report, Selection, Severity};
use shipshape_secrets::history::HistoryError;
use shipshape_secrets::{scan_history, scan_tree_sharing, HistoryOptions, Progress, Scanner};

use super::{rules, CommandError, Workspace};

/// What to audit and how.
#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    /// Rule IDs, slugs, ID prefixes or domains to run; empty = `[audit] select`, else all.
    pub select: Vec<String>,
    /// Same keys, to leave out (added to `[audit] ignore`).
    pub ignore: Vec<String>,
    /// Lowest severity that fails the run; `None` = `[audit] fail_on`, else warning.
    pub fail_on: Option<Severity>,
    /// Report only findings not in this baseline; `None` = `[audit] baseline`.
    pub baseline: Option<PathBuf>,
    /// Do not read any baseline (for writing a new one).
    pub no_baseline: bool,
    pub no_ignores: bool,
    pub report_unused_ignores: bool,
}

/// `[audit]` in `shipshape.toml`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditSection {
    #[serde(default)]
    select: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    fail_on: Option<String>,
    baseline: Option<String>,
}

/// The result: the report, the catalog that describes its rules, and the gate.
pub struct AuditOutcome {
    pub report: Report,
    pub catalog: Catalog,
    pub fail_on: Severity,
}

impl AuditOutcome {
    /// Whether the gate fails (exit code 1).
    pub fn fails(&self) -> bool {
        self.report.fails(self.fail_on)
    }
}

/// A folder to open and, for a single file, the file within it.
fn resolve(target: &Path) -> (PathBuf, Option<String>) {
    if target.is_file() {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = target.file_name().map(|n| n.to_string_lossy().to_string());
        // A workflow is a workflow by where it lies: open the repository it belongs to (the
        // folder holding `.github/`), naming the file from there.
        if parent.ends_with(".github/workflows") {
            if let (Some(repo), Some(n)) = (parent.parent().and_then(Path::parent), &name) {
                let repo = if repo.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    repo
                };
                return (repo.to_path_buf(), Some(format!(".github/workflows/{n}")));
            }
        }
        // What a Dockerfile is built with (the compose file that builds it, its build context
        // and that context's .dockerignore) may lie above its folder: the file is audited in
        // the repository it belongs to.
        if let Some(found) = repository_of(target) {
            return found;
        }
        (parent.to_path_buf(), name)
    } else {
        (target.to_path_buf(), None)
    }
}

/// The repository a file belongs to and the file's path in it: the nearest folder above the
/// file that holds `.git` or `shipshape.toml`, searched no higher than the working directory
/// when the file lies under it. The folder is written relative to the working directory when
/// it lies under it (`.`, `services/api`), as the user would. `None` when no such folder is
/// found (the file's own folder is then the root, as before).
fn repository_of(target: &Path) -> Option<(PathBuf, Option<String>)> {
    let cwd = std::env::current_dir().ok()?;
    let abs = if target.is_absolute() {
        target.to_path_buf()
    } else {
        cwd.join(target)
    };
    let under_cwd = abs.starts_with(&cwd);
    let mut dir = abs.parent()?;
    loop {
        if dir.join(".git").exists() || dir.join("shipshape.toml").is_file() {
            break;
        }
        if under_cwd && dir == cwd {
            // No higher than where the user stands; and not a folder that is no project (a
            // home folder), whose whole tree would be read for one file.
            return None;
        }
        dir = dir.parent()?;
    }
    let rel: Vec<String> = abs
        .strip_prefix(dir)
        .ok()?
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if rel.len() < 2 {
        // The file lies in the repository's root: its own folder already is the root.
        return None;
    }
    let root = match dir.strip_prefix(&cwd) {
        Ok(r) if r.as_os_str().is_empty() => PathBuf::from("."),
        Ok(r) => r.to_path_buf(),
        Err(_) => dir.to_path_buf(),
    };
    Some((root, Some(rel.join("/"))))
}

/// Audit `targets` (folders or files).
pub fn audit(targets: &[PathBuf], opts: &AuditOptions) -> Result<AuditOutcome, CommandError> {
    let mut total = Report::default();
    let mut catalogs = Vec::new();
    let mut fail_on = opts.fail_on;
    let mut baseline: Option<Baseline> = None;
    if opts.select.is_empty()
        || opts
            .select
            .iter()
            .any(|s| s.to_ascii_lowercase().contains("secret"))
    {
        // Every secret rule is selected unless `--select` says otherwise (the configuration
        // may still narrow it: the warm-up is then a few milliseconds of a spare core). The
        // audit rules' catalog is read first on the same thread.
        shipshape_secrets::warm_up_after(shipshape_audit::rules::warm_up_here);
    } else {
        shipshape_audit::rules::warm_up();
    }
    for target in targets {
        let (root, only) = resolve(target);
        let ws = Workspace::open(&root)?;
        let section: AuditSection = ws
            .inventory()
            .config()
            .section("audit")?
            .unwrap_or_default();
        let select = if opts.select.is_empty() {
            section.select.clone()
        } else {
            opts.select.clone()
        };
        let mut ignore = opts.ignore.clone();
        ignore.extend(section.ignore.iter().cloned());
        if fail_on.is_none() {
            if let Some(s) = &section.fail_on {
                fail_on = Some(s.parse().map_err(|e: String| {
                    CommandError::Usage(format!("shipshape.toml [audit] fail_on: {e}"))
                })?);
            }
        }
        if baseline.is_none() && !opts.no_baseline {
            let path = opts
                .baseline
                .clone()
                .or_else(|| section.baseline.as_ref().map(|b| root.join(b)));
            if let Some(p) = path {
                baseline = Some(Baseline::load(&p)?);
            }
        }

        let (catalog, mut scanner, notes) = rules::for_workspace(&ws, None)?;
        let selection = catalog.select(&select, &ignore)?;
        let audit_opts = shipshape_audit::AuditOptions {
            no_ignores: opts.no_ignores,
            report_unused_ignores: opts.report_unused_ignores,
            only: only.clone(),
        };
        scanner.no_ignores = opts.no_ignores;
        let mut report = check(
            &ws,
            &selection,
            &scanner,
            &audit_opts,
            None,
            &Progress::default(),
        )?;
        report.notes.extend(notes);
        report.prefix_paths(&display_prefix(&root));
        total.extend(report);
        catalogs.push(catalog);
        // Every file's text and parse tree are freed on another thread while the report is
        // rendered (a run that exits first does not wait for it): on the main thread, freeing
        // the trees of 1,190 workflows one allocation at a time was 7 % of the audit's CPU.
        let _ = std::thread::Builder::new()
            .name("free-workspace".into())
            .spawn(move || drop(ws));
    }
    if let Some(b) = &baseline {
        total.apply_baseline(b);
    }
    total.sort();
    Ok(AuditOutcome {
        report: total,
        catalog: rules::union(catalogs),
        fail_on: fail_on.unwrap_or(Severity::Warning),
    })
}

/// Every selected audit domain and secret rule over one workspace: one report, paths relative to
/// its root. With `history`, the secret scan covers the git history too (a secret still in the
/// working tree carries where it entered the history). One secret is one finding, whichever
/// checker saw it first. A history that cannot be read at all (not a git repository) is an
/// error; objects that cannot be read are listed in the report's history statistics. The secret
/// scans advance `progress` and stop early when it is cancelled.
pub(crate) fn check(
    ws: &Workspace,
    selection: &Selection,
    scanner: &Scanner,
    opts: &shipshape_audit::AuditOptions,
    history: Option<&HistoryOptions>,
    progress: &Progress,
) -> Result<Report, HistoryError> {
    // The secret scan runs first: what it takes while it runs is free again for the audit,
    // whose findings are nearly all of a large report (run after them, it came on top).
    let secrets = if selection.any_in(Domain::Secrets) {
        // Files the audit reads next are read once: the scan hands their text on.
        let audited = shipshape_audit::reads(selection);
        let tree = scan_tree_sharing(
            ws.inventory(),
            scanner,
            opts.only.as_deref(),
            progress,
            &|f| audited(f.kind),
        );
        let mut secrets = shipshape_secrets::tree_report(tree, selection.count_in(Domain::Secrets));
        if let Some(h) = history {
            let scan = scan_history(ws.root(), scanner, h, progress)?;
            secrets.notes.extend(scan.notes.iter().cloned());
            shipshape_secrets::add_history(&mut secrets, scan);
        }
        secrets.findings.retain(|f| selection.enabled(&f.rule_id));
        // Files the secret scan passes over (binaries, huge files) are not audit targets.
        secrets.skipped.clear();
        Some(secrets)
    } else {
        None
    };
    let mut report = shipshape_audit::audit(ws.inventory(), selection, opts);
    if let Some(secrets) = secrets {
        // The audit's findings first: one secret seen by both is the audit's.
        report.absorb(secrets);
    }
    Ok(report)
}

/// The folder the user named, as the prefix of finding paths (none for `.`).
pub(crate) fn display_prefix(root: &Path) -> String {
    let s = root.to_string_lossy().trim_end_matches('/').to_string();
    if s == "." {
        String::new()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipshape_core::ArtifactKind;

    /// What the secret scan hands on is what the selected audit rules read: with every rule,
    /// the Dockerfile's text stays in memory after the scan (served once the file is gone) and
    /// a file no rule reads does not; with the secret rules alone, nothing is kept.
    #[test]
    fn the_scan_keeps_the_files_the_selected_audit_reads() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Dockerfile"), "FROM alpine:3.20\n").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "hello\n").unwrap();
        let ws = Workspace::open(dir.path()).unwrap();
        let (catalog, scanner, _) = rules::for_workspace(&ws, None).unwrap();
        let secrets_only = catalog.select(&["secrets".to_string()], &[]).unwrap();
        let only = shipshape_audit::reads(&secrets_only);
        assert!(!only(ArtifactKind::Dockerfile));
        let all = catalog.select(&[], &[]).unwrap();
        let audited = shipshape_audit::reads(&all);
        assert!(audited(ArtifactKind::Dockerfile) && !audited(ArtifactKind::Source));
        let inv = ws.inventory();
        scan_tree_sharing(inv, &scanner, None, &Progress::default(), &|f| {
            audited(f.kind)
        });
        std::fs::remove_file(dir.path().join("Dockerfile")).unwrap();
        std::fs::remove_file(dir.path().join("notes.txt")).unwrap();
        assert_eq!(
            inv.text_of("Dockerfile").as_deref(),
            Some("FROM alpine:3.20\n")
        );
        assert_eq!(inv.text_of("notes.txt"), None);
    }
}
