//! `shipshape secrets`: the working tree, the staged changes or the whole git history, rendered
//! in every audit format with exit codes to match; and the secret findings `shipshape audit`
//! merges in when the `secrets` kind is selected.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use shipshape_audit::baseline::Baseline;
use shipshape_audit::{render, AuditOptions, Report};
use shipshape_core::{Finding, Inventory, Severity, SkipReason, Skipped};
use shipshape_secrets::{
    scan_history, scan_staged, scan_tree, HistoryOptions, Progress, Provenance, RuleSet, Scanner,
    Stage,
};

use crate::audit::AuditFormat;
use crate::{open, EXIT_ERROR, EXIT_FAILED};

#[derive(clap::Args)]
pub struct SecretsArgs {
    /// Repository folder (or a single file).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Also scan every commit of every branch and tag (each distinct file version once).
    #[arg(long)]
    history: bool,
    /// Scan only history after this revision (implies --history).
    #[arg(long, value_name = "REV")]
    since: Option<String>,
    /// Scan only what is staged (the index against HEAD): for pre-commit hooks.
    #[arg(long, conflicts_with_all = ["history", "since"])]
    staged: bool,
    #[arg(long, value_enum, default_value_t = AuditFormat::Human)]
    format: AuditFormat,
    /// Lowest severity that makes the exit code 1: info, warning or error [default: warning].
    #[arg(long, value_name = "SEVERITY")]
    fail_on: Option<Severity>,
    /// Report only findings not in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write the current findings as a baseline file and exit 0.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Ignore inline suppressions (shipshape:ignore, gitleaks:allow, pragma: allowlist secret).
    #[arg(long)]
    no_ignores: bool,
    /// Add the rules of a gitleaks TOML configuration.
    #[arg(long, value_name = "FILE")]
    gitleaks_config: Option<PathBuf>,
    /// Never draw a progress bar (it is drawn on stderr only when stderr is a terminal).
    #[arg(long)]
    no_progress: bool,
}

fn color() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_color && std::io::stdout().is_terminal()
}

/// A progress bar on stderr, fed from the scan's counters by a small thread.
struct ProgressBar {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProgressBar {
    fn start(progress: Arc<Progress>, enabled: bool) -> ProgressBar {
        let stop = Arc::new(AtomicBool::new(false));
        if !enabled {
            return ProgressBar { stop, thread: None };
        }
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let bar = indicatif::ProgressBar::with_draw_target(
                None,
                indicatif::ProgressDrawTarget::stderr(),
            );
            let style = indicatif::ProgressStyle::with_template(
                "{spinner} {msg} [{bar:30}] {pos}/{len} {elapsed}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            let started = std::time::Instant::now();
            while !flag.load(Ordering::Relaxed) {
                let what = match progress.stage() {
                    Stage::Files => "files",
                    Stage::Commits => "commits",
                    Stage::Blobs => "blobs",
                };
                let mib = progress.bytes.load(Ordering::Relaxed) as f64 / (1024.0 * 1024.0);
                let secs = started.elapsed().as_secs_f64().max(0.001);
                bar.set_length(progress.total.load(Ordering::Relaxed));
                bar.set_position(progress.done.load(Ordering::Relaxed));
                bar.set_message(format!("{what}, {mib:.0} MiB at {:.0} MiB/s", mib / secs));
                std::thread::sleep(Duration::from_millis(100));
            }
            bar.finish_and_clear();
        });
        ProgressBar {
            stop,
            thread: Some(thread),
        }
    }

    fn finish(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn display_root(arg: &Path) -> Option<String> {
    let s = arg.to_string_lossy().trim_end_matches('/').to_string();
    (!s.is_empty() && s != ".").then_some(s)
}

fn provenance_text(p: &Provenance) -> String {
    let commit: String = p.commit.chars().take(12).collect();
    format!(
        "first committed in {commit} by {} on {}, in {} commit(s)",
        p.author, p.date, p.commits
    )
}

/// Notes about files not scanned: each one over the size cap or unreadable, binaries counted.
fn report_skipped(skipped: &[Skipped]) {
    let mut binary = 0;
    for s in skipped {
        match s.reason {
            SkipReason::Binary => binary += 1,
            _ => eprintln!("note: skipped {}: {}", s.path, s.reason),
        }
    }
    if binary > 0 {
        eprintln!("note: skipped {binary} binary file(s)");
    }
}

pub fn run(args: SecretsArgs, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let (root, only) = if args.path.is_file() {
        let parent = args
            .path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = args
            .path
            .file_name()
            .map(|n| n.to_string_lossy().to_string());
        (parent.to_path_buf(), name)
    } else {
        (args.path.clone(), None)
    };
    let (mut scanner, notes) = Scanner::for_repository(&root, args.gitleaks_config.as_deref())?;
    for n in notes {
        eprintln!("note: {n}");
    }
    scanner.no_ignores = args.no_ignores;
    let progress = Arc::new(Progress::default());
    let bar = ProgressBar::start(
        Arc::clone(&progress),
        !args.no_progress && std::io::stderr().is_terminal(),
    );

    let mut failed = false;
    let mut report = Report {
        rules_run: scanner.rules().rules().len(),
        ..Report::default()
    };
    let mut provenance: Vec<Option<Provenance>> = Vec::new();
    let mut skipped: Vec<Skipped>;
    let mut history_stats = None;

    if args.staged {
        let staged = match scan_staged(&root, &scanner) {
            Ok(s) => s,
            Err(e) => {
                bar.finish();
                return Err(e.into());
            }
        };
        report.files_audited = staged.files_scanned;
        report.suppressed = staged.suppressed;
        provenance.resize(staged.findings.len(), None);
        report.findings = staged.findings;
        skipped = staged.skipped;
    } else {
        let inv = match open(&root) {
            Ok(i) => i,
            Err(e) => {
                bar.finish();
                return Err(e);
            }
        };
        scanner.max_file_size = inv.config().max_file_size();
        let tree = scan_tree(&inv, &scanner, only.as_deref(), &progress);
        report.files_audited = tree.files_scanned;
        report.suppressed = tree.suppressed;
        provenance.resize(tree.findings.len(), None);
        report.findings = tree.findings;
        skipped = tree.skipped;

        if args.history || args.since.is_some() {
            let opts = HistoryOptions {
                since: args.since.clone(),
            };
            match scan_history(&root, &scanner, &opts, &progress) {
                Ok(h) => {
                    for n in &h.notes {
                        eprintln!("note: {n}");
                    }
                    for e in &h.errors {
                        eprintln!("error: git history: {e}");
                    }
                    if !h.errors.is_empty() {
                        eprintln!(
                            "error: the git history was read only in part (see above); the \
                             working tree was scanned in full — run `git fsck` to find the damage"
                        );
                        failed = true;
                    }
                    skipped.extend(h.skipped.iter().cloned());
                    report.suppressed += h.suppressed;
                    // A secret still in the working tree is one finding, with its history.
                    let index: HashMap<(String, String, String), usize> = report
                        .findings
                        .iter()
                        .enumerate()
                        .map(|(i, f)| {
                            (
                                (
                                    f.rule_id.clone(),
                                    f.location.path.clone(),
                                    f.fingerprint.clone(),
                                ),
                                i,
                            )
                        })
                        .collect();
                    for hf in h.findings.iter().cloned() {
                        let key = (
                            hf.finding.rule_id.clone(),
                            hf.finding.location.path.clone(),
                            hf.finding.fingerprint.clone(),
                        );
                        let mut f = hf.finding;
                        match index.get(&key) {
                            Some(&i) => {
                                let slot = &mut report.findings[i];
                                slot.message = format!(
                                    "{} ({})",
                                    slot.message,
                                    provenance_text(&hf.provenance)
                                );
                                provenance[i] = Some(hf.provenance);
                            }
                            None => {
                                f.message = format!(
                                    "{} — in git history only: {}",
                                    f.message,
                                    provenance_text(&hf.provenance)
                                );
                                report.findings.push(f);
                                provenance.push(Some(hf.provenance));
                            }
                        }
                    }
                    history_stats = Some(serde_json::json!({
                        "commits": h.commits,
                        "unique_blobs": h.unique_blobs,
                        "blobs_scanned": h.blobs_scanned,
                        "bytes_scanned": h.bytes_scanned,
                        "binary_blobs": h.binary_blobs,
                        "allowed": h.allowed,
                        "notes": h.notes,
                        "errors": h.errors,
                    }));
                    report.files_audited += h.blobs_scanned;
                }
                Err(e) => {
                    eprintln!("error: {e}; the working tree was still scanned");
                    failed = true;
                }
            }
        }
    }
    bar.finish();
    report_skipped(&skipped);

    if let Some(prefix) = display_root(&root) {
        for f in &mut report.findings {
            f.location.path = format!("{prefix}/{}", f.location.path);
        }
    }

    // Baselines: findings and their provenance stay paired by position.
    if let Some(p) = &args.write_baseline {
        Baseline::from_findings(&report.findings)
            .save(p)
            .with_context(|| "writing the baseline")?;
        eprintln!(
            "wrote {} finding(s) to baseline {}",
            report.findings.len(),
            p.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(p) = &args.baseline {
        let b = Baseline::load(p)?;
        let before: Vec<(Finding, Option<Provenance>)> = std::mem::take(&mut report.findings)
            .into_iter()
            .zip(std::mem::take(&mut provenance))
            .collect();
        let (fresh, n) = b.partition(before.iter().map(|(f, _)| f.clone()).collect());
        report.baselined = n;
        let mut prov: HashMap<String, Option<Provenance>> = before
            .into_iter()
            .map(|(f, p)| (f.fingerprint + "\0" + &f.location.path, p))
            .collect();
        for f in fresh {
            provenance.push(
                prov.remove(&format!("{}\0{}", f.fingerprint, f.location.path))
                    .flatten(),
            );
            report.findings.push(f);
        }
    }

    // One order for every format.
    let mut paired: Vec<(Finding, Option<Provenance>)> = std::mem::take(&mut report.findings)
        .into_iter()
        .zip(provenance)
        .collect();
    paired.sort_by(|(a, _), (b, _)| {
        (&a.location.path, a.location.start, &a.rule_id).cmp(&(
            &b.location.path,
            b.location.start,
            &b.rule_id,
        ))
    });
    let (findings, provenance): (Vec<Finding>, Vec<Option<Provenance>>) =
        paired.into_iter().unzip();
    report.findings = findings;

    let text = match args.format {
        AuditFormat::Human => render::human(&report, color()),
        AuditFormat::Json => json(&report, &provenance, &skipped, history_stats),
        AuditFormat::Sarif => with_secret_rules(render::sarif(&report), scanner.rules()),
        AuditFormat::Github => render::github(&report),
        AuditFormat::Junit => render::junit(&report),
    };
    out.write_all(text.as_bytes())?;
    out.flush()?;
    let threshold = args.fail_on.unwrap_or(Severity::Warning);
    Ok(if failed {
        ExitCode::from(EXIT_ERROR)
    } else if report.fails(threshold) {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    })
}

/// The audit JSON report plus each finding's git provenance, the files not scanned and the
/// history statistics.
fn json(
    report: &Report,
    provenance: &[Option<Provenance>],
    skipped: &[Skipped],
    history: Option<serde_json::Value>,
) -> String {
    let base = render::json(report);
    let Ok(mut doc) = serde_json::from_str::<serde_json::Value>(&base) else {
        return base;
    };
    if let Some(list) = doc.get_mut("findings").and_then(|f| f.as_array_mut()) {
        for (f, p) in list.iter_mut().zip(provenance) {
            if let (Some(obj), Some(p)) = (f.as_object_mut(), p) {
                obj.insert(
                    "provenance".into(),
                    serde_json::to_value(p).unwrap_or_default(),
                );
            }
        }
    }
    if let Some(obj) = doc.as_object_mut() {
        obj.insert(
            "skipped".into(),
            serde_json::to_value(skipped).unwrap_or_default(),
        );
        if let Some(h) = history {
            obj.insert("history".into(), h);
        }
    }
    serde_json::to_string_pretty(&doc).unwrap_or(base) + "\n"
}

/// The SARIF renderer knows the audit rules; add a descriptor for every secret rule a result
/// names and point the result's `ruleIndex` at it.
pub(crate) fn with_secret_rules(sarif: String, rules: &RuleSet) -> String {
    let Ok(mut doc) = serde_json::from_str::<serde_json::Value>(&sarif) else {
        return sarif;
    };
    let by_id: HashMap<&str, &shipshape_secrets::Rule> =
        rules.rules().iter().map(|r| (r.id.as_str(), r)).collect();
    let Some(run) = doc
        .get_mut("runs")
        .and_then(|r| r.as_array_mut())
        .and_then(|r| r.first_mut())
    else {
        return sarif;
    };
    let mut added: HashMap<String, usize> = HashMap::new();
    let mut descriptors = Vec::new();
    let base = run
        .pointer("/tool/driver/rules")
        .and_then(|r| r.as_array())
        .map_or(0, Vec::len);
    if let Some(results) = run.get_mut("results").and_then(|r| r.as_array_mut()) {
        for res in results.iter_mut() {
            let Some(id) = res
                .get("ruleId")
                .and_then(|v| v.as_str())
                .map(str::to_string)
            else {
                continue;
            };
            let Some(rule) = by_id.get(id.as_str()) else {
                continue;
            };
            let index = *added.entry(id.clone()).or_insert_with(|| {
                descriptors.push(serde_json::json!({
                    "id": rule.id,
                    "name": rule.slug,
                    "shortDescription": { "text": rule.description },
                    "fullDescription": { "text": format!("{} committed in plain text.", rule.description) },
                    "help": { "text": "Revoke or rotate the credential, remove it, and load it at runtime from the environment or a secret manager." },
                    "defaultConfiguration": { "level": match rule.severity {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                        Severity::Info => "note",
                    } },
                    "properties": { "tags": ["secrets", "security"] },
                }));
                base + descriptors.len() - 1
            });
            if let Some(obj) = res.as_object_mut() {
                obj.insert("ruleIndex".into(), serde_json::json!(index));
            }
        }
    }
    if let Some(list) = run
        .pointer_mut("/tool/driver/rules")
        .and_then(|r| r.as_array_mut())
    {
        list.extend(descriptors);
    }
    serde_json::to_string_pretty(&doc).unwrap_or(sarif) + "\n"
}

// ---------------------------------------------------------------------------------------------
// `shipshape audit` integration

fn is_kind_key(key: &str) -> bool {
    key.eq_ignore_ascii_case("secrets") || key.eq_ignore_ascii_case("secret")
}

fn key_names(key: &str, rule: &shipshape_secrets::Rule) -> bool {
    is_kind_key(key)
        || key.eq_ignore_ascii_case(&rule.id)
        || key == rule.slug
        || (key.eq_ignore_ascii_case("SS-SECRET") && rule.id.starts_with("SS-SECRET-"))
}

/// Whether `key` (of `--select` / `--ignore`) names secret rules.
pub(crate) fn key_is_known(key: &str) -> bool {
    is_kind_key(key)
        || key.eq_ignore_ascii_case("SS-SECRET")
        || shipshape_secrets::rules::parse_rules_file(
            shipshape_secrets::rules::BUILTIN_RULES,
            "built-in rules",
        )
        .unwrap_or_default()
        .iter()
        .any(|r| key.eq_ignore_ascii_case(&r.id) || r.slug.as_deref() == Some(key))
}

/// Run the secret rules inside `shipshape audit` when they are selected (`--select secrets`, a
/// secret rule, or no selection at all) and not ignored, and merge the findings into `report`.
pub(crate) fn merge_into_audit(
    inv: &Inventory,
    opts: &AuditOptions,
    report: &mut Report,
) -> anyhow::Result<()> {
    // A broken `[secrets]` section must not stop the rest of the audit: warn, use defaults.
    let mut scanner = match Scanner::for_repository(inv.root(), None) {
        Ok((scanner, notes)) => {
            for n in notes {
                eprintln!("note: {n}");
            }
            scanner
        }
        Err(e) => {
            eprintln!("warning: {e}; secret rules run with defaults");
            Scanner::builtin()
        }
    };
    let selected = |r: &shipshape_secrets::Rule| {
        (opts.select.is_empty() || opts.select.iter().any(|k| key_names(k, r)))
            && !opts.ignore.iter().any(|k| key_names(k, r))
    };
    let enabled = scanner
        .rules()
        .rules()
        .iter()
        .filter(|r| selected(r))
        .count();
    if enabled == 0 {
        return Ok(());
    }
    scanner.no_ignores = opts.no_ignores;
    scanner.max_file_size = inv.config().max_file_size();
    let tree = scan_tree(inv, &scanner, opts.only.as_deref(), &Progress::default());
    let by_id: HashMap<&str, &shipshape_secrets::Rule> = scanner
        .rules()
        .rules()
        .iter()
        .map(|r| (r.id.as_str(), r))
        .collect();
    report.findings.extend(
        tree.findings
            .into_iter()
            .filter(|f| by_id.get(f.rule_id.as_str()).is_some_and(|r| selected(r))),
    );
    report.findings.sort_by(|a, b| {
        (&a.location.path, a.location.start, &a.rule_id).cmp(&(
            &b.location.path,
            b.location.start,
            &b.rule_id,
        ))
    });
    report.files_audited = report.files_audited.max(tree.files_scanned);
    report.rules_run += enabled;
    report.suppressed += tree.suppressed;
    Ok(())
}
