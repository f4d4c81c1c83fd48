//! `shipshape init`: detect, plan, verify, write — and tell the user what was written and why,
//! what was left alone and why, and what to run next.
//!
//! Exit codes: 0 when the plan was written, previewed (`--dry-run`) or had nothing to do
//! (files left alone included); 1 when a generated file failed shipshape's own checks — a bug in
//! shipshape, reported as such, with nothing written; 2 for usage and I/O errors (a missing
//! path, a folder that cannot be written: nothing is half-written).
//!
//! `--format json` prints one object: `status` (`ok`, `nothing-to-do`, `dry-run`,
//! `verification-failed`, `write-failed`), `devops_progress` (what was done, per area), `files`
//! (`path`, `action`, `reason`; `diff` with `--dry-run`), `warnings`, `next_steps` and `errors`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Serialize;
use shipshape_gen::verify::{verify_in, VerifyError};
use shipshape_gen::write::{write_plan, Action, FileOutcome, WriteOptions};
use shipshape_gen::{Artifact, Category, InitOptions, Plan};

use crate::{open, Format, EXIT_ERROR, EXIT_FAILED};

/// Version of the JSON output; bump on a breaking change.
pub const SCHEMA_VERSION: &str = "1";

#[derive(clap::Args)]
pub struct InitArgs {
    /// Repository folder.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Generate only these (comma-separated): docker, dockerignore, compose. Dockerfiles bring
    /// their .dockerignore along; compose brings .env.example.
    #[arg(long, value_delimiter = ',', value_parser = parse_artifact, value_name = "WHAT")]
    only: Vec<Artifact>,
    /// Write nothing; print a unified diff of every file that would change.
    #[arg(long)]
    dry_run: bool,
    /// Replace files that already exist with other content (your Dockerfile included).
    #[arg(long)]
    force: bool,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

fn parse_artifact(s: &str) -> Result<Artifact, String> {
    Artifact::parse(s.trim()).ok_or_else(|| {
        format!("`{s}` is not something init generates: use docker, dockerignore or compose")
    })
}

/// The overall outcome, as `status` in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Status {
    /// At least one file was written.
    Ok,
    /// Every planned file was already there (identical, or left alone).
    NothingToDo,
    /// `--dry-run`: nothing written.
    DryRun,
    /// A generated file failed shipshape's own checks: nothing written.
    VerificationFailed,
    /// A file could not be written: nothing written.
    WriteFailed,
}

#[derive(Serialize, Default)]
struct DevopsProgress {
    docker: Vec<String>,
    ci_cd: Vec<String>,
    infra: Vec<String>,
    monitoring: Vec<String>,
}

impl DevopsProgress {
    fn area(&mut self, c: Category) -> &mut Vec<String> {
        match c {
            Category::Docker => &mut self.docker,
            Category::CiCd => &mut self.ci_cd,
            Category::Infra => &mut self.infra,
            Category::Monitoring => &mut self.monitoring,
        }
    }
}

#[derive(Serialize)]
struct FileReport {
    path: String,
    action: String,
    reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<String>,
}

#[derive(Serialize)]
struct InitReport {
    schema_version: &'static str,
    status: Status,
    devops_progress: DevopsProgress,
    files: Vec<FileReport>,
    warnings: Vec<String>,
    next_steps: Vec<String>,
    errors: Vec<String>,
}

/// One line of progress for a file: "Wrote web/Dockerfile: Multi-stage Node Dockerfile …".
fn progress_line(o: &FileOutcome) -> Option<String> {
    let verb = match o.action {
        Action::Created => "Wrote",
        Action::Updated => "Replaced",
        Action::WouldCreate => "Would write",
        Action::WouldUpdate => "Would replace",
        Action::Skipped => return Some(format!("Kept existing {}: {}", o.path, o.reason)),
        Action::Unchanged => return None,
    };
    Some(format!("{verb} {}: {}", o.path, o.reason))
}

fn action_name(a: Action) -> String {
    match serde_json::to_value(a) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The names `.env.example` leaves empty for the user to fill in.
fn values_to_fill(plan: &Plan) -> Vec<String> {
    plan.files
        .iter()
        .filter(|f| f.path == shipshape_gen::env_example::ENV_EXAMPLE)
        .flat_map(|f| f.content.lines())
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.strip_suffix('='))
        .filter(|name| name.ends_with("PASSWORD") || name.ends_with("PASS"))
        .map(str::to_string)
        .collect()
}

/// What to run next, given what the repository now has.
fn next_steps(root: &Path, shown: &str, plan: &Plan, dry_run: bool) -> Vec<String> {
    let mut steps = Vec::new();
    if dry_run {
        steps.push(format!(
            "shipshape init {shown} — write these files (add --force to replace existing ones)"
        ));
        return steps;
    }
    let compose = plan.files.iter().find(|f| {
        f.artifact == Artifact::Compose && f.path != shipshape_gen::env_example::ENV_EXAMPLE
    });
    let has_example = root.join(shipshape_gen::env_example::ENV_EXAMPLE).is_file();
    // Later commands run inside the repository, so they read the same way for every path.
    if shown != "." {
        steps.push(format!("cd {shown}"));
    }
    if let Some(compose) = compose.filter(|c| root.join(&c.path).is_file()) {
        if has_example && !root.join(".env").exists() {
            let fill = values_to_fill(plan);
            let what = if fill.is_empty() {
                "fill in the empty values".to_string()
            } else {
                format!("set {} in .env", fill.join(", "))
            };
            steps.push(format!("cp .env.example .env — then {what}"));
        }
        let file = if compose.path == "compose.yaml" {
            String::new()
        } else {
            format!("-f {} ", compose.path)
        };
        steps.push(format!("docker compose {file}up --build"));
    }
    steps.push(
        "shipshape audit — check every Dockerfile and compose file, yours included".to_string(),
    );
    steps.push("shipshape assess — see what is still missing for production".to_string());
    steps
}

struct Paint {
    color: bool,
}

impl Paint {
    fn detect() -> Paint {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Paint {
            color: !no_color && std::io::stdout().is_terminal(),
        }
    }
    fn code(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

pub fn run(args: InitArgs, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let inv = open(&args.path)?;
    let facts = shipshape_detect::detect(&inv);
    let opts = if args.only.is_empty() {
        InitOptions::default()
    } else {
        InitOptions {
            only: args.only.clone(),
        }
    };
    let plan = shipshape_gen::plan(&facts, &inv, &opts);
    let shown = args.path.display().to_string();
    let paint = Paint::detect();

    let problems = verify_in(&plan, &inv);
    if !problems.is_empty() {
        report_verification_failure(out, args.format, &plan, &problems)?;
        return Ok(ExitCode::from(EXIT_FAILED));
    }

    let write_opts = WriteOptions {
        force: args.force,
        dry_run: args.dry_run,
    };
    let outcomes = match write_plan(inv.root(), &plan, &write_opts) {
        Ok(o) => o,
        Err(e) => {
            if let Format::Json = args.format {
                let report = InitReport {
                    schema_version: SCHEMA_VERSION,
                    status: Status::WriteFailed,
                    devops_progress: DevopsProgress::default(),
                    files: plan
                        .files
                        .iter()
                        .map(|f| FileReport {
                            path: f.path.clone(),
                            action: "not-written".to_string(),
                            reason: f.reason.clone(),
                            diff: None,
                        })
                        .collect(),
                    warnings: plan.warnings.clone(),
                    next_steps: Vec::new(),
                    errors: vec![e.to_string()],
                };
                serde_json::to_writer_pretty(&mut *out, &report)?;
                writeln!(out)?;
                out.flush()?;
            }
            eprintln!("error: {e}");
            return Ok(ExitCode::from(EXIT_ERROR));
        }
    };

    let status = if args.dry_run {
        Status::DryRun
    } else if outcomes.iter().any(|o| o.action.writes()) {
        Status::Ok
    } else {
        Status::NothingToDo
    };
    let steps = next_steps(inv.root(), &shown, &plan, args.dry_run);

    match args.format {
        Format::Json => {
            let mut progress = DevopsProgress::default();
            for o in &outcomes {
                if let Some(line) = progress_line(o) {
                    progress.area(o.category).push(line);
                }
            }
            let report = InitReport {
                schema_version: SCHEMA_VERSION,
                status,
                devops_progress: progress,
                files: outcomes
                    .iter()
                    .map(|o| FileReport {
                        path: o.path.clone(),
                        action: action_name(o.action),
                        reason: o.reason.clone(),
                        diff: o.diff.clone(),
                    })
                    .collect(),
                warnings: plan.warnings.clone(),
                next_steps: steps,
                errors: Vec::new(),
            };
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        Format::Human => human(
            out, &paint, &facts, &shown, status, &outcomes, &plan, &steps,
        )?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn report_verification_failure(
    out: &mut impl Write,
    format: Format,
    plan: &Plan,
    problems: &[VerifyError],
) -> anyhow::Result<()> {
    let headline = "shipshape generated files that fail its own checks — this is a bug in \
                    shipshape, please report it (with the lines below). Nothing was written.";
    match format {
        Format::Json => {
            let report = InitReport {
                schema_version: SCHEMA_VERSION,
                status: Status::VerificationFailed,
                devops_progress: DevopsProgress::default(),
                files: plan
                    .files
                    .iter()
                    .map(|f| FileReport {
                        path: f.path.clone(),
                        action: "not-written".to_string(),
                        reason: if problems.iter().any(|p| p.path == f.path) {
                            "failed verification".to_string()
                        } else {
                            f.reason.clone()
                        },
                        diff: None,
                    })
                    .collect(),
                warnings: plan.warnings.clone(),
                next_steps: Vec::new(),
                errors: problems.iter().map(|p| p.to_string()).collect(),
            };
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
            out.flush()?;
        }
        Format::Human => {
            eprintln!("error: {headline}");
            for p in problems {
                eprintln!("  {p}");
            }
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn human(
    out: &mut impl Write,
    paint: &Paint,
    facts: &shipshape_detect::Facts,
    shown: &str,
    status: Status,
    outcomes: &[FileOutcome],
    plan: &Plan,
    steps: &[String],
) -> std::io::Result<()> {
    let services: Vec<String> = facts
        .services
        .iter()
        .map(|s| {
            let dir = if s.root == "." {
                "root".to_string()
            } else {
                format!("{}/", s.root)
            };
            format!("{} ({dir})", s.name)
        })
        .collect();
    writeln!(out, "{} {shown}", paint.code("1", "shipshape init"))?;
    if services.is_empty() {
        writeln!(
            out,
            "No deployable service found, so there is nothing to generate. `shipshape context \
             {shown}` shows what was detected."
        )?;
    } else {
        writeln!(out, "Services: {}", services.join(", "))?;
    }
    if !facts.backing_services.is_empty() {
        let backing: Vec<&str> = facts
            .backing_services
            .iter()
            .map(|b| b.id.as_str())
            .collect();
        writeln!(out, "Backing services: {}", backing.join(", "))?;
    }

    let group = |action: Action| outcomes.iter().filter(move |o| o.action == action);
    let sections: [(Action, &str, &str, &str); 6] = [
        (Action::Created, "Wrote", "+", "32"),
        (Action::Updated, "Replaced (--force)", "~", "33"),
        (Action::WouldCreate, "Would write", "+", "32"),
        (Action::WouldUpdate, "Would replace", "~", "33"),
        (Action::Skipped, "Left alone", "=", "33"),
        (Action::Unchanged, "Already up to date", "=", "2"),
    ];
    for (action, title, mark, color) in sections {
        let files: Vec<&FileOutcome> = group(action).collect();
        if files.is_empty() {
            continue;
        }
        writeln!(out, "\n{}:", paint.code("1", title))?;
        for o in files {
            if action == Action::Unchanged {
                writeln!(out, "  {} {}", paint.code(color, mark), o.path)?;
            } else {
                writeln!(
                    out,
                    "  {} {}",
                    paint.code(color, mark),
                    paint.code("1", &o.path)
                )?;
                writeln!(out, "      {}", o.reason)?;
            }
        }
    }
    if status == Status::DryRun {
        for o in outcomes {
            if let Some(diff) = &o.diff {
                writeln!(out)?;
                write!(out, "{diff}")?;
            }
        }
    }
    if !plan.warnings.is_empty() {
        writeln!(out, "\n{}:", paint.code("1", "Warnings"))?;
        for w in &plan.warnings {
            writeln!(out, "  {} {w}", paint.code("33", "!"))?;
        }
    }
    match status {
        Status::DryRun => writeln!(out, "\nDry run: nothing was written.")?,
        Status::NothingToDo if !outcomes.is_empty() => writeln!(
            out,
            "\nNothing to do: every file is already there (nothing was written)."
        )?,
        _ => {}
    }
    if !steps.is_empty() && !facts.services.is_empty() {
        writeln!(out, "\n{}:", paint.code("1", "Next"))?;
        for (i, s) in steps.iter().enumerate() {
            writeln!(out, "  {}. {s}", i + 1)?;
        }
    }
    Ok(())
}
