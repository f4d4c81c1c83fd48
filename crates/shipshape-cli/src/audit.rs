//! `shipshape audit`, `rules` and `explain`: argument handling, configuration defaults and exit
//! codes around the audit engine.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::ValueEnum;
use shipshape_audit::baseline::Baseline;
use shipshape_audit::{render, rules, AuditOptions, Report};
use shipshape_core::Severity;

use crate::{open, EXIT_FAILED};

#[derive(Clone, Copy, ValueEnum)]
pub enum AuditFormat {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
}

#[derive(clap::Args)]
pub struct AuditArgs {
    /// Repository folders (or single files) to audit.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = AuditFormat::Human)]
    format: AuditFormat,
    /// Lowest severity that makes the exit code 1: info, warning or error [default: warning].
    #[arg(long, value_name = "SEVERITY")]
    fail_on: Option<Severity>,
    /// Only these rules: IDs, slugs, ID prefixes (SS-DOCKER) or kinds (dockerfile, compose).
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Leave these rules out (same keys as --select).
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Report only findings not in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write the current findings as a baseline file and exit 0.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Ignore every inline suppression comment.
    #[arg(long)]
    no_ignores: bool,
    /// Report suppression comments that match no finding.
    #[arg(long)]
    report_unused_ignores: bool,
}

#[derive(clap::Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = crate::Format::Human)]
    format: crate::Format,
}

#[derive(clap::Args)]
pub struct ExplainArgs {
    /// Rule ID (SS-DOCKER-001) or slug.
    rule: String,
}

fn color() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_color && std::io::stdout().is_terminal()
}

/// Prefix finding paths with the folder the user named, so several roots stay apart.
fn display_root(arg: &Path) -> Option<String> {
    let s = arg.to_string_lossy().trim_end_matches('/').to_string();
    (!s.is_empty() && s != ".").then_some(s)
}

pub fn run(args: AuditArgs, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let mut total = Report::default();
    let mut fail_on = args.fail_on;
    let mut baseline: Option<Baseline> = None;
    for path in &args.paths {
        let (root, only) = if path.is_file() {
            let parent = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let name = path.file_name().map(|n| n.to_string_lossy().to_string());
            (parent.to_path_buf(), name)
        } else {
            (path.clone(), None)
        };
        let inv = open(&root)?;
        let cfg = &inv.config().audit;
        let mut select = args.select.clone();
        if select.is_empty() {
            select = cfg.select.clone();
        }
        let mut ignore = args.ignore.clone();
        ignore.extend(cfg.ignore.iter().cloned());
        for key in select.iter().chain(ignore.iter()) {
            if !shipshape_audit::engine::key_is_known(key) && !crate::secrets::key_is_known(key) {
                bail!("`{key}` names no rule — see `shipshape rules`");
            }
        }
        if fail_on.is_none() {
            if let Some(s) = &cfg.fail_on {
                fail_on =
                    Some(s.parse().map_err(|e: String| {
                        anyhow::anyhow!("shipshape.toml [audit] fail_on: {e}")
                    })?);
            }
        }
        let baseline_path = args
            .baseline
            .clone()
            .or_else(|| cfg.baseline.as_ref().map(|b| root.join(b)));
        // Applied below, after paths carry the folder the user named (as the baseline does).
        if let Some(p) = &baseline_path {
            if args.write_baseline.is_none() && baseline.is_none() {
                baseline = Some(Baseline::load(p)?);
            }
        }
        let opts = AuditOptions {
            select,
            ignore,
            no_ignores: args.no_ignores,
            report_unused_ignores: args.report_unused_ignores,
            baseline: None,
            only,
        };
        let mut report = shipshape_audit::audit(&inv, &opts);
        crate::secrets::merge_into_audit(&inv, &opts, &mut report)?;
        if let Some(prefix) = display_root(&root) {
            for f in &mut report.findings {
                f.location.path = format!("{prefix}/{}", f.location.path);
            }
        }
        total.findings.extend(report.findings);
        total.files_audited += report.files_audited;
        total.rules_run = report.rules_run;
        total.suppressed += report.suppressed;
        total.baselined += report.baselined;
    }

    if let Some(b) = &baseline {
        let (fresh, n) = b.partition(std::mem::take(&mut total.findings));
        total.findings = fresh;
        total.baselined += n;
    }

    if let Some(p) = &args.write_baseline {
        Baseline::from_findings(&total.findings)
            .save(p)
            .with_context(|| "writing the baseline")?;
        eprintln!(
            "wrote {} finding(s) to baseline {}",
            total.findings.len(),
            p.display()
        );
        return Ok(ExitCode::SUCCESS);
    }

    let text = match args.format {
        AuditFormat::Human => render::human(&total, color()),
        AuditFormat::Json => render::json(&total),
        AuditFormat::Sarif => crate::secrets::with_secret_rules(
            render::sarif(&total),
            &shipshape_secrets::RuleSet::builtin(),
        ),
        AuditFormat::Github => render::github(&total),
        AuditFormat::Junit => render::junit(&total),
    };
    out.write_all(text.as_bytes())?;
    out.flush()?;
    let threshold = fail_on.unwrap_or(Severity::Warning);
    Ok(if total.fails(threshold) {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    })
}

pub fn rules(args: RulesArgs, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let metas = rules::metas();
    match args.format {
        crate::Format::Json => {
            let list: Vec<serde_json::Value> = metas
                .iter()
                .map(|m| {
                    serde_json::json!({
                        "id": m.id,
                        "slug": m.slug,
                        "target": m.target,
                        "severity": m.severity,
                        "title": m.title,
                        "rationale": m.rationale,
                        "fix": m.fix,
                        "equivalents": m.equivalents,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &list)?;
            writeln!(out)?;
        }
        crate::Format::Human => {
            for m in &metas {
                writeln!(
                    out,
                    "{:<14} {:<8} {:<38} {}",
                    m.id,
                    m.severity.as_str(),
                    m.slug,
                    m.title
                )?;
            }
            writeln!(
                out,
                "\n{} rules. `shipshape explain ID` for details.",
                metas.len()
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn explain(args: ExplainArgs, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let Some(meta) = rules::find(&args.rule) else {
        bail!("no rule `{}` — `shipshape rules` lists them", args.rule);
    };
    out.write_all(render::explain(meta).as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
