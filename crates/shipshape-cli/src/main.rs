//! The `shipshape` command line: clap, the commands library, renderers and the documented exit
//! codes (0 ok, 1 a check did not hold, 2 usage or I/O error). No command logic lives here.

mod init_human;
mod progress;
mod render;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use shipshape_cli::commands::{self, audit, init, rules, secrets, CommandError, Workspace};
use shipshape_diagnostics::render as diag;
use shipshape_diagnostics::{Baseline, Catalog, Report, Severity};
use shipshape_gen::report::Status as InitStatus;
use shipshape_gen::Artifact;

/// mimalloc instead of the C library's allocator: a run makes and frees millions of small
/// strings (words, spans, findings) on every core, and the C library's malloc and free were a
/// fifth of an audit's CPU time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// No transparent huge pages for this process: mimalloc's arenas would otherwise be faulted in
/// 2 MiB at a time, each page zeroed by the kernel, which cost `context` more system time than
/// the allocator saved (and 70 % more memory). What mimalloc's `allow_thp=0` does, set before
/// the first allocation: a constructor that runs before mimalloc's own (priority 101), so that
/// not even the allocator's first arena page is a huge page (set in `main`, it came too late for
/// those: a millisecond of zeroing on every run). The process's previous setting is kept for
/// [`restore_huge_pages`].
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array.00100"]
static NO_HUGE_PAGES: extern "C" fn() = {
    extern "C" fn no_huge_pages() {
        // SAFETY: PR_GET/SET_THP_DISABLE take integer arguments and touch no memory of ours; a
        // kernel without them returns an error, which changes nothing. No allocation here: the
        // allocator is not set up yet.
        unsafe {
            let before = libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0);
            THP_DISABLED_BEFORE.store(before, std::sync::atomic::Ordering::Relaxed);
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
    no_huge_pages
};

/// `PR_GET_THP_DISABLE` before [`NO_HUGE_PAGES`] ran: 1 set, 0 not, -1 unknown.
#[cfg(target_os = "linux")]
static THP_DISABLED_BEFORE: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(-1);

/// The setting is inherited by child processes: commands that start container builds give them
/// the one this process started with.
fn restore_huge_pages() {
    #[cfg(target_os = "linux")]
    if THP_DISABLED_BEFORE.load(std::sync::atomic::Ordering::Relaxed) == 0 {
        // SAFETY: as in NO_HUGE_PAGES.
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 0, 0, 0, 0);
        }
    }
}

/// Exit code for a usage or I/O error (clap uses the same for bad arguments).
const EXIT_ERROR: u8 = 2;
/// Exit code for a check that did not hold.
const EXIT_FAILED: u8 = 1;

#[derive(Parser)]
#[command(
    name = "shipshape",
    version,
    about = "Assess, generate and audit the operations side of an application repository",
    long_about = "shipshape reads an application repository and tells what it is made of \
(context), how far it is from production-grade operations (assess), what is wrong (audit, \
secrets) and generates what is missing (init). Everything runs offline and deterministically.\n\n\
Exit codes: 0 success; 1 a check did not hold (findings at or above --fail-on, \
assess --fail-under, generated files that fail shipshape's own checks); 2 usage or I/O error \
(a missing path, a file instead of a folder, a bad flag or shipshape.toml), in every output \
format."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print nothing on success: human output appears only when the command fails (exit 1).
    /// Machine formats (--format json, sarif, …) are always written; errors always go to stderr.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// When to colour human output: auto (a terminal, and NO_COLOR unset), always or never.
    #[arg(long, value_enum, value_name = "WHEN", global = true, default_value_t = ColorWhen::Auto)]
    color: ColorWhen,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// `--color` and `--quiet`, settled once from the command line for every renderer.
static COLOR: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
static QUIET: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

fn quiet() -> bool {
    QUIET.get().copied().unwrap_or(false)
}

#[derive(Subcommand)]
enum Command {
    /// Describe the repository: services, stacks, cloud, orchestrator, CI and environments.
    #[command(after_help = EXAMPLES_CONTEXT)]
    Context(ContextArgs),
    /// Score the repository against the production-readiness checklist (runs every audit and
    /// secret rule; --history adds the git history).
    #[command(after_help = EXAMPLES_ASSESS)]
    Assess(AssessArgs),
    /// Audit Dockerfiles, compose files and secrets: exact file:line:column findings.
    #[command(after_help = EXAMPLES_AUDIT)]
    Audit(AuditArgs),
    /// List every rule (audit and secret rules).
    #[command(after_help = EXAMPLES_RULES)]
    Rules(RulesArgs),
    /// Print a rule's documentation.
    #[command(after_help = EXAMPLES_EXPLAIN)]
    Explain(ExplainArgs),
    /// Find hardcoded secrets in the working tree, the staged changes or the whole git history.
    #[command(after_help = EXAMPLES_SECRETS)]
    Secrets(SecretsArgs),
    /// Generate what is missing: Dockerfiles, .dockerignore files and a compose.yaml for local
    /// development, each verified by the audit before it is written.
    #[command(after_help = EXAMPLES_INIT)]
    Init(InitArgs),
    /// Build every service's image, start it next to its compose backing services, and check
    /// it runs as non-root and answers its health check (docker, podman or buildah).
    Verify(VerifyArgs),
    /// Serve these commands to AI agents over the Model Context Protocol on stdin/stdout.
    Mcp(McpArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[command(after_help = EXAMPLES_COMPLETIONS)]
    Completions(CompletionsArgs),
    /// Print the man page (roff), or write one page per command into a folder.
    #[command(after_help = EXAMPLES_MAN)]
    Man(ManArgs),
}

const EXAMPLES_CONTEXT: &str = "Examples:
  shipshape context                      describe the repository in the current folder
  shipshape context ../api --format json the same as JSON (schemas/context.schema.json)";
const EXAMPLES_ASSESS: &str = "Examples:
  shipshape assess                       score the current repository
  shipshape assess --fail-under 70       exit 1 when the score is below 70 (a CI gate)
  shipshape assess --history             also look for secrets in every commit";
const EXAMPLES_AUDIT: &str = "Examples:
  shipshape audit                        audit the current repository
  shipshape audit Dockerfile compose.yaml --fail-on error
  shipshape audit --format sarif > shipshape.sarif        for GitHub code scanning
  shipshape audit --format gitlab > gl-code-quality.json  for GitLab Code Quality
  shipshape audit --select SS-DOCKER --ignore no-latest-tag
  shipshape audit --write-baseline .shipshape-baseline.json   accept today's findings";
const EXAMPLES_RULES: &str = "Examples:
  shipshape rules                        every rule with its ID, slug and severity
  shipshape rules --format json --repository .   with the repository's own secret rules";
const EXAMPLES_EXPLAIN: &str = "Examples:
  shipshape explain no-latest-tag
  shipshape explain SS-DOCKER-004";
const EXAMPLES_SECRETS: &str = "Examples:
  shipshape secrets                      scan the working tree
  shipshape secrets --staged             scan what the next commit adds (pre-commit hooks)
  shipshape secrets --history            scan every commit of every branch and tag
  shipshape secrets --since origin/main  scan the commits after origin/main";
const EXAMPLES_INIT: &str = "Examples:
  shipshape init --dry-run               show what would be written, as a diff
  shipshape init --only docker           Dockerfiles (and their .dockerignore) only
  shipshape init --force                 replace files that exist with other content";
const EXAMPLES_COMPLETIONS: &str = "Examples:
  shipshape completions bash > /etc/bash_completion.d/shipshape
  shipshape completions zsh > \"${fpath[1]}/_shipshape\"
  shipshape completions fish > ~/.config/fish/completions/shipshape.fish
  shipshape completions powershell >> $PROFILE";
const EXAMPLES_MAN: &str = "Examples:
  shipshape man | man -l -
  shipshape man --dir /usr/local/share/man/man1   shipshape.1, shipshape-audit.1, …";

#[derive(clap::Args)]
struct CompletionsArgs {
    /// The shell to complete for.
    shell: clap_complete::Shell,
}

#[derive(clap::Args)]
struct ManArgs {
    /// Write shipshape.1 and one page per command (shipshape-audit.1, …) into this folder
    /// instead of printing shipshape.1.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

#[derive(clap::Args)]
struct VerifyArgs {
    /// Repository folder.
    #[arg(default_value = ".")]
    path: PathBuf,
    #[command(flatten)]
    run: VerifyRunArgs,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

/// What `verify` and `init --verify` share.
#[derive(clap::Args)]
struct VerifyRunArgs {
    /// The container engine: docker, podman or buildah [default: the first one installed and
    /// usable, in that order].
    #[arg(long, value_parser = parse_engine, value_name = "ENGINE")]
    engine: Option<shipshape_gen::engine::EngineKind>,
    /// Only these services (compose names, or Dockerfile folders), with the jobs they wait for.
    #[arg(long = "service", value_name = "NAME")]
    services: Vec<String>,
    /// Seconds a service may take to answer its health check (and a migration to finish).
    #[arg(long, default_value_t = 90, value_name = "SECONDS")]
    timeout: u64,
    /// The environment for the containers [default: .env, else .env.example].
    #[arg(long, value_name = "FILE")]
    env_file: Option<PathBuf>,
}

impl VerifyRunArgs {
    fn options(&self) -> commands::verify::VerifyOptions {
        commands::verify::VerifyOptions {
            engine: self.engine,
            services: self.services.clone(),
            timeout: std::time::Duration::from_secs(self.timeout),
            env_file: self.env_file.clone(),
        }
    }
}

fn parse_engine(s: &str) -> Result<shipshape_gen::engine::EngineKind, String> {
    shipshape_gen::engine::EngineKind::parse(s).ok_or_else(|| {
        format!("`{s}` is not a container engine shipshape drives: use docker, podman or buildah")
    })
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum FindingsFormat {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
    /// GitLab Code Quality report (a JSON array; `artifacts: reports: codequality`).
    Gitlab,
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
    /// Also scan every commit of every branch and tag for secrets ("No hardcoded secrets"
    /// then covers credentials deleted from the files but still in history).
    #[arg(long)]
    history: bool,
}

#[derive(clap::Args)]
struct AuditArgs {
    /// Repository folders (or single files) to audit.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = FindingsFormat::Human)]
    format: FindingsFormat,
    /// Lowest severity that makes the exit code 1: info, warning or error [default: warning].
    #[arg(long, value_name = "SEVERITY")]
    fail_on: Option<Severity>,
    /// Only these rules: IDs, slugs, ID prefixes (SS-DOCKER) or domains (dockerfile, compose,
    /// secrets).
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
struct RulesArgs {
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Also list the rules a repository adds (`[[secrets.rules]]` in its shipshape.toml).
    #[arg(long, value_name = "PATH")]
    repository: Option<PathBuf>,
}

#[derive(clap::Args)]
struct ExplainArgs {
    /// Rule ID (SS-DOCKER-001) or slug.
    rule: String,
    /// Also know the rules a repository adds (`[[secrets.rules]]` in its shipshape.toml).
    #[arg(long, value_name = "PATH")]
    repository: Option<PathBuf>,
}

#[derive(clap::Args)]
struct SecretsArgs {
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
    #[arg(long, value_enum, default_value_t = FindingsFormat::Human)]
    format: FindingsFormat,
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

#[derive(clap::Args)]
struct InitArgs {
    /// Repository folder.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Generate only these (comma-separated): docker, dockerignore, compose, ci. Dockerfiles
    /// bring their .dockerignore along; compose brings .env.example; ci writes the CI/CD pipeline
    /// (and a Dependabot configuration for GitHub).
    #[arg(long, value_delimiter = ',', value_parser = parse_artifact, value_name = "WHAT")]
    only: Vec<Artifact>,
    /// The CI system `--only ci` writes for: github or gitlab (default: the one the repository
    /// uses, else github).
    #[arg(long, value_parser = parse_ci, value_name = "SYSTEM")]
    ci: Option<shipshape_gen::ci::CiProvider>,
    /// Write nothing; print a unified diff of every file that would change.
    #[arg(long)]
    dry_run: bool,
    /// Replace files that already exist with other content (your Dockerfile included).
    #[arg(long)]
    force: bool,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// After writing, build and start what was generated (`shipshape verify`); exit 1 when a
    /// service fails.
    #[arg(long, conflicts_with = "dry_run")]
    verify: bool,
    #[command(flatten)]
    verify_run: VerifyRunArgs,
}

#[derive(clap::Args)]
struct McpArgs {
    /// Repository folder: the tools read only inside it.
    #[arg(default_value = ".")]
    root: PathBuf,
    /// Let the apply_init tool write files (without it the server only reads).
    #[arg(long)]
    allow_write: bool,
}

fn parse_artifact(s: &str) -> Result<Artifact, String> {
    Artifact::parse(s.trim()).ok_or_else(|| {
        format!("`{s}` is not something init generates: use docker, dockerignore, compose or ci")
    })
}

fn parse_ci(s: &str) -> Result<shipshape_gen::ci::CiProvider, String> {
    shipshape_gen::ci::CiProvider::parse(s.trim())
        .ok_or_else(|| format!("`{s}` is not a CI system init writes for: use github or gitlab"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Commands that start other processes (container builds, an agent's tools) keep the
    // allocator's clean-up at exit and give their children the system's settings.
    let starts_processes = matches!(
        cli.command,
        Command::Init(_) | Command::Verify(_) | Command::Mcp(_)
    );
    if starts_processes {
        restore_huge_pages();
    }
    let code = match run(cli) {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(EXIT_ERROR)
        }
    };
    if !starts_processes {
        exit_now(code);
    }
    code
}

/// Ends the process with `code` once the output is written, without the allocator's clean-up:
/// at exit mimalloc returns every page it still holds to the system one 64 KiB `madvise` at a
/// time (a hundred calls after an audit of a thousand files), memory the system takes back
/// whole a moment later. Everything a command writes is flushed first; what it built was left
/// for the system to take back anyway ([`release_at_exit`]).
fn exit_now(code: ExitCode) {
    let Some(status) = [0, EXIT_FAILED, EXIT_ERROR]
        .into_iter()
        .find(|n| ExitCode::from(*n) == code)
    else {
        return;
    };
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    #[cfg(target_os = "linux")]
    // SAFETY: `_exit` ends the process at once; no code of ours runs after it, and the output
    // above is flushed.
    unsafe {
        libc::_exit(i32::from(status));
    }
    #[cfg(not(target_os = "linux"))]
    let _ = status;
}

/// What a command built, left for the operating system to take back when the process ends,
/// which it does right after the command: freeing a large tree's inventory entry by entry (tens
/// of thousands of paths and texts) is work nobody waits for usefully.
fn release_at_exit<T>(value: T) {
    std::mem::forget(value);
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Whether human output is coloured: `--color`, else a terminal on stdout without `NO_COLOR`.
fn color() -> bool {
    *COLOR.get_or_init(|| resolve_color(ColorWhen::Auto))
}

fn resolve_color(when: ColorWhen) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            !no_color && std::io::stdout().is_terminal()
        }
    }
}

impl Command {
    /// Whether the command prints human-readable output (what `--quiet` holds back on success).
    fn prints_human(&self) -> bool {
        match self {
            Command::Context(a) => matches!(a.format, Format::Human),
            Command::Assess(a) => matches!(a.format, Format::Human),
            Command::Audit(a) => matches!(a.format, FindingsFormat::Human),
            Command::Rules(a) => matches!(a.format, Format::Human),
            Command::Explain(_) => true,
            Command::Secrets(a) => matches!(a.format, FindingsFormat::Human),
            Command::Init(a) => matches!(a.format, Format::Human),
            _ => false,
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let _ = COLOR.set(resolve_color(cli.color));
    let _ = QUIET.set(cli.quiet);
    // The protocol owns stdout, from other threads: no lock may be held while it serves.
    let command = match cli.command {
        Command::Mcp(args) => return run_mcp(args),
        command => command,
    };
    let stdout = std::io::stdout();
    if cli.quiet && command.prints_human() {
        // Held back, and printed only when the command fails.
        let mut held = Vec::new();
        let code = dispatch(command, &mut held)?;
        if code != ExitCode::SUCCESS {
            stdout.lock().write_all(&held)?;
        }
        return Ok(code);
    }
    let mut out = std::io::BufWriter::new(stdout.lock());
    let code = dispatch(command, &mut out)?;
    out.flush()?;
    Ok(code)
}

/// `shipshape mcp`: serve until the client closes the connection.
fn run_mcp(args: McpArgs) -> anyhow::Result<ExitCode> {
    let options = shipshape_mcp::Options {
        allow_write: args.allow_write,
    };
    shipshape_mcp::serve(&args.root, options)?;
    Ok(ExitCode::SUCCESS)
}

fn dispatch(command: Command, mut out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let code = match command {
        Command::Context(args) => {
            let ws = Workspace::open_for_detection(&args.path)?;
            let report = commands::context::context(&ws);
            match args.format {
                Format::Json => write_json(&mut out, &report)?,
                Format::Human => render::context(&mut out, &report, render::Style::detect())?,
            }
            release_at_exit((ws, report));
            ExitCode::SUCCESS
        }
        Command::Assess(args) => {
            let ws = Workspace::open(&args.path)?;
            let opts = commands::assess::AssessOptions {
                history: args.history,
            };
            let report =
                commands::assess::assess(&ws, &opts, &shipshape_secrets::Progress::default())?;
            match args.format {
                Format::Json => write_json(&mut out, &report)?,
                Format::Human => render::assess(&mut out, &report, render::Style::detect())?,
            }
            out.flush()?;
            if !report.checks.history_errors.is_empty() {
                for e in &report.checks.history_errors {
                    eprintln!("error: git history: {e}");
                }
                eprintln!(
                    "error: the git history was read only in part (see above); the assessment \
                     covers what could be read — run `git fsck` to find the damage"
                );
                return Ok(ExitCode::from(EXIT_ERROR));
            }
            match args.fail_under {
                Some(min) if report.assessment.score < min => {
                    eprintln!(
                        "score {} is below --fail-under {min}",
                        report.assessment.score
                    );
                    ExitCode::from(EXIT_FAILED)
                }
                _ => ExitCode::SUCCESS,
            }
        }
        Command::Audit(args) => {
            let opts = audit::AuditOptions {
                select: args.select,
                ignore: args.ignore,
                fail_on: args.fail_on,
                baseline: args.baseline,
                no_baseline: args.write_baseline.is_some(),
                no_ignores: args.no_ignores,
                report_unused_ignores: args.report_unused_ignores,
            };
            let outcome = audit::audit(&args.paths, &opts)?;
            if let Some(p) = &args.write_baseline {
                return write_baseline(p, &outcome.report);
            }
            render_findings(&mut out, args.format, &outcome.report, &outcome.catalog)?;
            let code = if outcome.fails() {
                ExitCode::from(EXIT_FAILED)
            } else {
                ExitCode::SUCCESS
            };
            release_at_exit(outcome);
            code
        }
        Command::Rules(args) => {
            let catalog = catalog_for(args.repository.as_deref())?;
            match args.format {
                Format::Json => out.write_all(diag::rules_json(&catalog).as_bytes())?,
                Format::Human => {
                    out.write_all(diag::rules_table(&catalog, terminal_width()).as_bytes())?
                }
            }
            ExitCode::SUCCESS
        }
        Command::Explain(args) => {
            let catalog = catalog_for(args.repository.as_deref())?;
            let rule = rules::explain(&catalog, &args.rule)?;
            out.write_all(diag::explain(rule).as_bytes())?;
            ExitCode::SUCCESS
        }
        Command::Secrets(args) => run_secrets(args, &mut out)?,
        Command::Init(args) => run_init(args, &mut out)?,
        Command::Verify(args) => {
            let ws = Workspace::open(&args.path)?;
            run_verify(&ws, &args.run, args.format, &mut out)?
        }
        // Handled by `run` before stdout is locked.
        Command::Mcp(args) => return run_mcp(args),
        Command::Completions(args) => {
            // Rendered first: clap_complete panics when its writer fails (a closed pipe).
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "shipshape", &mut script);
            out.write_all(&script)?;
            ExitCode::SUCCESS
        }
        Command::Man(args) => {
            match &args.dir {
                Some(dir) => {
                    std::fs::create_dir_all(dir)?;
                    clap_mangen::generate_to(Cli::command(), dir)?;
                }
                None => clap_mangen::Man::new(Cli::command()).render(&mut out)?,
            }
            ExitCode::SUCCESS
        }
    };
    out.flush()?;
    Ok(code)
}

fn write_json(out: &mut impl Write, value: &impl serde::Serialize) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Columns to fit tables into: the terminal's width when stdout is one (`COLUMNS`), else none.
fn terminal_width() -> usize {
    if !std::io::stdout().is_terminal() {
        return 0;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
}

fn catalog_for(repository: Option<&std::path::Path>) -> Result<Catalog, CommandError> {
    match repository {
        None => Ok(rules::builtin_catalog()),
        Some(p) => {
            let ws = Workspace::open(p)?;
            Ok(rules::for_workspace(&ws, None)?.0)
        }
    }
}

fn render_findings(
    out: &mut dyn Write,
    format: FindingsFormat,
    report: &Report,
    catalog: &Catalog,
) -> anyhow::Result<()> {
    // Written as rendered: a large report is not held a second time as one string.
    match format {
        FindingsFormat::Human => diag::write_human(out, report, catalog, color())?,
        FindingsFormat::Json => diag::write_json(out, report, catalog)?,
        FindingsFormat::Sarif => diag::write_sarif(
            out,
            report,
            catalog,
            &diag::SarifOptions {
                srcroot: std::env::current_dir().ok(),
            },
        )?,
        FindingsFormat::Github => diag::write_github(out, report, catalog)?,
        FindingsFormat::Junit => diag::write_junit(out, report, catalog)?,
        FindingsFormat::Gitlab => diag::write_gitlab(
            out,
            report,
            catalog,
            &diag::GitlabOptions {
                root: std::env::current_dir().ok(),
            },
        )?,
    }
    Ok(())
}

fn write_baseline(path: &std::path::Path, report: &Report) -> anyhow::Result<ExitCode> {
    Baseline::from_findings(&report.findings).save(path)?;
    if quiet() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "wrote {} finding(s) to baseline {}",
        report.findings.len(),
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn run_secrets(args: SecretsArgs, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let scope = if args.staged {
        secrets::SecretsScope::Staged
    } else if args.history || args.since.is_some() {
        secrets::SecretsScope::History {
            since: args.since.clone(),
        }
    } else {
        secrets::SecretsScope::Tree
    };
    let opts = secrets::SecretsOptions {
        scope,
        no_ignores: args.no_ignores,
        gitleaks_config: args.gitleaks_config.clone(),
        baseline: if args.write_baseline.is_some() {
            None
        } else {
            args.baseline.clone()
        },
        fail_on: args.fail_on,
    };
    let progress = std::sync::Arc::new(shipshape_secrets::Progress::default());
    let bar = progress::Bar::start(
        std::sync::Arc::clone(&progress),
        !args.no_progress && !quiet() && std::io::stderr().is_terminal(),
    );
    let outcome = secrets::secrets(&args.path, &opts, &progress);
    bar.finish();
    let outcome = outcome?;
    if let Some(p) = &args.write_baseline {
        return write_baseline(p, &outcome.report);
    }
    render_findings(out, args.format, &outcome.report, &outcome.catalog)?;
    out.flush()?;
    if !outcome.incomplete.is_empty() {
        for e in &outcome.incomplete {
            eprintln!("error: git history: {e}");
        }
        if outcome.history_unopened {
            // Nothing is damaged: there is no history to read here.
            eprintln!(
                "error: no git history was scanned (see above); the working tree was scanned \
                 in full"
            );
        } else {
            eprintln!(
                "error: the git history was read only in part (see above); the working tree \
                 was scanned in full — run `git fsck` to find the damage"
            );
        }
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    Ok(if outcome.fails() {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    })
}

/// Run `verify` and render it: exit 0 when every service passed, 1 when one failed, 2 when no
/// engine could run.
fn run_verify(
    ws: &Workspace,
    args: &VerifyRunArgs,
    format: Format,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let report = match verify_report(ws, args)? {
        Ok(report) => report,
        Err(code) => return Ok(code),
    };
    match format {
        Format::Json => write_json(out, &report)?,
        Format::Human => render::verify(out, &report, render::Style::detect())?,
    }
    out.flush()?;
    Ok(if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FAILED)
    })
}

/// The verify report, or the exit code when no engine could run (its message printed).
fn verify_report(
    ws: &Workspace,
    args: &VerifyRunArgs,
) -> anyhow::Result<Result<commands::verify::VerifyReport, ExitCode>> {
    use commands::verify::VerifyError;
    match commands::verify::verify(ws, &args.options()) {
        Ok(report) => Ok(Ok(report)),
        Err(VerifyError::Engine(e)) => {
            eprintln!("error: {e}");
            Ok(Err(ExitCode::from(EXIT_ERROR)))
        }
        Err(VerifyError::Command(e)) => Err(e.into()),
    }
}

fn run_init(args: InitArgs, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let ws = Workspace::open(&args.path)?;
    let outcome = init::init(
        &ws,
        &init::InitOptions {
            only: args.only.clone(),
            dry_run: args.dry_run,
            force: args.force,
            ci: args.ci,
        },
    );
    let shown = args.path.display().to_string();
    match args.format {
        // With --verify the JSON is one document: {"init": …, "verify": …} (below).
        Format::Json if args.verify => {}
        Format::Json => write_json(out, &outcome.report)?,
        Format::Human => match outcome.report.status {
            InitStatus::VerificationFailed => {
                eprintln!(
                    "error: shipshape generated files that fail its own checks — this is a bug \
                     in shipshape, please report it (with the lines below). Nothing was written."
                );
                for p in &outcome.problems {
                    eprintln!("  {p}");
                }
            }
            InitStatus::WriteFailed => {}
            status => init_human::human(
                out,
                &init_human::Paint::detect(),
                &outcome.facts,
                &shown,
                status,
                &outcome.outcomes,
                &outcome.plan,
                &outcome.report.next_steps,
            )?,
        },
    }
    out.flush()?;
    if args.verify
        && !matches!(
            outcome.report.status,
            InitStatus::VerificationFailed | InitStatus::WriteFailed
        )
    {
        // The repository changed: read it again, with what was just written.
        let ws = Workspace::open(&args.path)?;
        if matches!(args.format, Format::Human) {
            writeln!(out)?;
            return run_verify(&ws, &args.verify_run, args.format, out);
        }
        let verify = match verify_report(&ws, &args.verify_run)? {
            Ok(report) => report,
            Err(code) => {
                write_json(out, &serde_json::json!({ "init": outcome.report }))?;
                return Ok(code);
            }
        };
        write_json(
            out,
            &serde_json::json!({ "init": outcome.report, "verify": verify }),
        )?;
        return Ok(if verify.ok() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(EXIT_FAILED)
        });
    }
    if args.verify && matches!(args.format, Format::Json) {
        write_json(out, &serde_json::json!({ "init": outcome.report }))?;
    }
    Ok(match outcome.report.status {
        InitStatus::VerificationFailed => ExitCode::from(EXIT_FAILED),
        InitStatus::WriteFailed => {
            for e in &outcome.report.errors {
                eprintln!("error: {e}");
            }
            ExitCode::from(EXIT_ERROR)
        }
        _ => ExitCode::SUCCESS,
    })
}
