//! The `shipshape` command line: parses arguments, runs the libraries, renders their results and
//! turns outcomes into the documented exit codes (0 ok, 1 check failed, 2 usage or I/O error).

mod audit;
mod context;
mod init;
mod render;
mod secrets;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use shipshape_core::Inventory;

/// Exit code for a usage or I/O error (clap uses the same for bad arguments).
pub(crate) const EXIT_ERROR: u8 = 2;
/// Exit code for a check that did not hold (`assess --fail-under`).
pub(crate) const EXIT_FAILED: u8 = 1;

#[derive(Parser)]
#[command(
    name = "shipshape",
    version,
    about = "Assess, generate and audit the operations side of an application repository",
    long_about = "shipshape reads an application repository and tells what it is made of \
(context), how far it is from production-grade operations (assess), and later what is wrong \
and what is missing. Everything runs offline and deterministically.\n\n\
Exit codes: 0 success; 1 a check did not hold (audit findings at or above --fail-on, \
assess --fail-under); 2 usage or I/O error (a missing path, a file instead of a folder), in \
every output format."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Describe the repository: services, stacks, cloud, orchestrator, CI and environments.
    Context(ContextArgs),
    /// Score the repository against the production-readiness checklist.
    Assess(AssessArgs),
    /// Audit Dockerfiles and compose files: exact file:line:column findings.
    Audit(audit::AuditArgs),
    /// List every audit rule.
    Rules(audit::RulesArgs),
    /// Print a rule's documentation.
    Explain(audit::ExplainArgs),
    /// Find hardcoded secrets in the working tree, the staged changes or the whole git history.
    Secrets(secrets::SecretsArgs),
    /// Generate what is missing: Dockerfiles, .dockerignore files and a compose.yaml for local
    /// development, each verified by the audit before it is written.
    Init(init::InitArgs),
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Human,
    Json,
}

#[derive(clap::Args)]
struct ContextArgs {
    /// Repository folder.
    #[arg(default_value = ".")]
    path: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(clap::Args)]
struct AssessArgs {
    /// Repository folder.
    #[arg(default_value = ".")]
    path: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit with 1 when the score is below this (0–100): a gate for CI.
    #[arg(long, value_name = "SCORE", value_parser = clap::value_parser!(u32).range(0..=100))]
    fail_under: Option<u32>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {err:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

pub(crate) fn open(path: &std::path::Path) -> anyhow::Result<Inventory> {
    let inv = Inventory::open(path)?;
    if let Some(e) = inv.config_error() {
        eprintln!("warning: {e}; using defaults");
    }
    Ok(inv)
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match cli.command {
        Command::Context(args) => {
            let inv = open(&args.path)?;
            let facts = shipshape_detect::detect(&inv);
            let report = context::ContextReport::new(&args.path, &inv, facts);
            match args.format {
                Format::Json => {
                    serde_json::to_writer_pretty(&mut out, &report)?;
                    writeln!(out)?;
                }
                Format::Human => render::context(&mut out, &report, render::Style::detect())?,
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Assess(args) => {
            let inv = open(&args.path)?;
            let facts = shipshape_detect::detect(&inv);
            let assessment = shipshape_detect::assess::assess(&inv, &facts);
            let report = context::AssessReport::new(&args.path, &inv, &facts, assessment);
            match args.format {
                Format::Json => {
                    serde_json::to_writer_pretty(&mut out, &report)?;
                    writeln!(out)?;
                }
                Format::Human => render::assess(&mut out, &report, render::Style::detect())?,
            }
            out.flush()?;
            if let Some(min) = args.fail_under {
                if report.assessment.score < min {
                    eprintln!(
                        "score {} is below --fail-under {min}",
                        report.assessment.score
                    );
                    return Ok(ExitCode::from(EXIT_FAILED));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(args) => audit::run(args, &mut out),
        Command::Rules(args) => audit::rules(args, &mut out),
        Command::Explain(args) => audit::explain(args, &mut out),
        Command::Secrets(args) => secrets::run(args, &mut out),
        Command::Init(args) => init::run(args, &mut out),
    }
}
