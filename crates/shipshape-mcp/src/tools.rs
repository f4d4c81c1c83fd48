//! The tools: one table of what each is (name, description, annotations, input and output
//! schemas) and one function each that turns the arguments into the command's options, calls the
//! command from `shipshape-commands` and returns its report as JSON — the same JSON the CLI's
//! `--format json` prints. Nothing here decides anything a command decides.
//!
//! These functions block (they walk and read the repository); the server runs them on the
//! blocking pool.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rmcp::handler::server::common::schema_for_input;
use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};
use shipshape_commands::{assess, audit, context, init, rules, secrets, CommandError, Workspace};
use shipshape_diagnostics::render as diag;
use shipshape_diagnostics::Catalog;
use shipshape_gen::report::Status as InitStatus;
use shipshape_gen::Artifact;
use shipshape_secrets::Progress;

use crate::limits;
use crate::params::*;
use crate::paths;
use crate::schemas;

/// What a tool is, for `tools/list`.
pub struct ToolSpec {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// Reads only: never changes the repository.
    pub read_only: bool,
    /// May overwrite what is there (meaningful only when not read-only).
    pub destructive: bool,
    /// The same call twice has no further effect.
    pub idempotent: bool,
    /// Sends progress notifications while it runs (a scan with counters).
    pub progress: bool,
    input: fn() -> Result<Arc<JsonObject>, String>,
    /// The published schema of its result.
    pub output: &'static str,
}

/// Every tool, in workflow order. `verify` (build the generated images and start them, from the
/// issue "`init` that runs…") belongs between `apply_init` and `audit`; it is not offered until
/// that command exists.
pub const TOOLS: &[ToolSpec] = &[
    ToolSpec {
        name: "context",
        title: "Repository context",
        description: "What the repository is made of, each value with the file and line it was \
read from: services (language, framework, package manager, runtime version, build and production \
start commands, port, health endpoint, backing services, environment variable names), CI system, \
cloud, orchestrator, IaC, environments and observability. `summary` answers the questions to settle \
before touching infrastructure; a value the repository does not settle is null, and \
`facts.ambiguities` lists the candidates and how to settle it. Call this first.",
        read_only: true,
        destructive: false,
        idempotent: true,
        progress: false,
        input: schema_for_input::<PathParams>,
        output: "context.schema.json",
    },
    ToolSpec {
        name: "assess",
        title: "Production-readiness assessment",
        description: "The production-readiness checklist (secrets, fail-fast CI, multi-stage \
non-root images, least privilege, zero-downtime rollouts, IaC, environment separation, logs, \
metrics, probes, autoscaling, alerting, backups, CVE scanning, …): each item pass, partial, fail, \
not-applicable or not-yet-checked with its evidence (a file and line, and the audit or secret rule \
whose finding decided it), a score, and the quick wins with the most impact for the least effort, \
each with the `init` command that fixes it when one does. Runs every audit and secret rule; \
`history` adds the git history to the secret scan (progress notifications; stops when cancelled).",
        read_only: true,
        destructive: false,
        idempotent: true,
        progress: true,
        input: schema_for_input::<AssessParams>,
        output: "assess.schema.json",
    },
    ToolSpec {
        name: "plan_init",
        title: "Plan generated files (nothing written)",
        description: "What `init` would write — a multi-stage, non-root Dockerfile per service, \
.dockerignore files, compose.yaml for local development and .env.example — each file with the \
action it would take (would-create, would-update, skipped, unchanged), why, and a unified diff. \
Every planned file has passed shipshape's own audit. Nothing is written; existing files are kept \
unless `force` is set.",
        read_only: true,
        destructive: false,
        idempotent: true,
        progress: false,
        input: schema_for_input::<InitParams>,
        output: "init.schema.json",
    },
    ToolSpec {
        name: "apply_init",
        title: "Write generated files",
        description: "Write what `plan_init` shows (call it first, with the same arguments, and \
review the diffs). Files are written atomically or not at all, and only after passing shipshape's \
own audit; an existing file is replaced only with `force`. Refused unless the server was started \
with --allow-write. The report's `devops_progress` says what was done per area.",
        read_only: false,
        destructive: true,
        idempotent: true,
        progress: false,
        input: schema_for_input::<InitParams>,
        output: "init.schema.json",
    },
    // `verify` goes here: build and start what apply_init wrote, and check it answers. It comes
    // with the issue "`init` that runs…"; until then it is not offered.
    ToolSpec {
        name: "audit",
        title: "Audit Dockerfiles, compose files and secrets",
        description: "Every audit rule (Dockerfile, compose, secrets) over the repository or the \
given paths: findings with exact start and end line and column, the offending line (secrets \
masked), the rule's fix and its equivalents in hadolint, checkov, Trivy or KICS. Inline \
suppressions and `[audit]` in shipshape.toml apply. Findings come in pages (`offset`, `limit`; \
`summary` counts all); `_meta` says whether the `fail_on` gate holds.",
        read_only: true,
        destructive: false,
        idempotent: true,
        progress: false,
        input: schema_for_input::<AuditParams>,
        output: "audit.schema.json",
    },
    ToolSpec {
        name: "secrets",
        title: "Find hardcoded secrets",
        description: "Hardcoded credentials (280+ provider rules) in the working tree, the staged \
changes or the whole git history (`scope`). Always redacted: a finding shows a short prefix and \
the length, never the value. A history finding says where the secret first appeared and whether \
the working tree still has it. History scans send progress notifications and stop when \
cancelled. Findings come in pages (`offset`, `limit`).",
        read_only: true,
        destructive: false,
        idempotent: true,
        progress: true,
        input: schema_for_input::<SecretsParams>,
        output: "secrets.schema.json",
    },
    ToolSpec {
        name: "explain_rule",
        title: "Explain a rule",
        description: "A rule's documentation, by ID (SS-DOCKER-004) or slug (no-latest-tag): what \
it checks, why it matters, an example, the fix, and the same check in hadolint, checkov, Trivy or \
KICS. Use it to fix an audit finding.",
        read_only: true,
        destructive: false,
        idempotent: true,
        progress: false,
        input: schema_for_input::<ExplainParams>,
        output: "mcp/explain_rule.schema.json",
    },
    ToolSpec {
        name: "list_rules",
        title: "List rules",
        description: "Every rule shipshape knows (audit and secret rules, and those the \
repository's shipshape.toml adds), or those `select` picks: ID, slug, domain, severity, title, \
what it checks, why, the fix and its peers' equivalents.",
        read_only: true,
        destructive: false,
        idempotent: true,
        progress: false,
        input: schema_for_input::<ListRulesParams>,
        output: "mcp/list_rules.schema.json",
    },
];

pub fn find(name: &str) -> Option<&'static ToolSpec> {
    TOOLS.iter().find(|t| t.name == name)
}

impl ToolSpec {
    /// The tool as `tools/list` shows it.
    pub fn describe(&self) -> Tool {
        let input = (self.input)().expect("every tool's input is an object (tested)");
        let output = match schemas::schema(self.output) {
            Some(Value::Object(o)) => o.clone(),
            _ => unreachable!("every tool's output schema is published (tested)"),
        };
        let mut annotations = ToolAnnotations::with_title(self.title)
            .read_only(self.read_only)
            .idempotent(self.idempotent)
            .open_world(false);
        // The destructive hint means something only for a tool that writes.
        if !self.read_only {
            annotations = annotations.destructive(self.destructive);
        }
        Tool::new(self.name, self.description, input)
            .with_title(self.title)
            .with_raw_output_schema(Arc::new(output))
            .with_annotations(annotations)
    }

    /// Whether a call may run long enough to need the long time limit.
    pub fn is_long(&self, args: &Value) -> bool {
        match self.name {
            "secrets" => args.get("scope") == Some(&json!("history")),
            "assess" => args.get("history") == Some(&json!(true)),
            _ => false,
        }
    }
}

/// What a call needs besides its arguments.
pub struct Call<'a> {
    /// The repository root, canonical; the process's working directory.
    pub root: &'a Path,
    pub allow_write: bool,
    /// Counters a long scan advances, and the flag that stops it.
    pub progress: &'a Progress,
}

/// A tool's result: the report as the CLI prints it, and what goes beside it.
#[derive(Debug)]
pub struct Output {
    pub value: Value,
    /// Goes to the result's `_meta` (page, gate, what was cut).
    pub meta: Map<String, Value>,
    /// Sentences for the agent, after the JSON (what was cut, what is incomplete).
    pub notes: Vec<String>,
    /// The command ran but did not succeed (init's verification or write failed).
    pub is_error: bool,
}

impl Output {
    fn of(value: Value) -> Output {
        Output {
            value,
            meta: Map::new(),
            notes: Vec::new(),
            is_error: false,
        }
    }
}

/// Run the tool `name` with `args`. An `Err` is a message for the agent (a tool error).
pub fn run(name: &str, args: Value, call: &Call) -> Result<Output, String> {
    let mut out = match name {
        "context" => run_context(parse(name, args)?, call),
        "assess" => run_assess(parse(name, args)?, call),
        "audit" => run_audit(parse(name, args)?, call),
        "secrets" => run_secrets(parse(name, args)?, call),
        "plan_init" => run_init(parse(name, args)?, call, false),
        "apply_init" => run_init(parse(name, args)?, call, true),
        "explain_rule" => run_explain(parse(name, args)?, call),
        "list_rules" => run_list_rules(parse(name, args)?, call),
        _ => Err(format!("no tool `{name}`")),
    }?;
    let cuts = limits::fit(&mut out.value, limits::MAX_RESULT_BYTES)?;
    if !cuts.is_empty() {
        let note = limits::describe(&cuts);
        // Findings reports carry notes of their own: the cut is said there too.
        if let Some(Value::Array(notes)) = out.value.get_mut("notes") {
            if notes.iter().all(Value::is_string) {
                notes.push(Value::String(note.clone()));
            }
        }
        out.meta.insert(
            "shipshape/cut".into(),
            Value::Array(cuts.iter().map(limits::Cut::to_json).collect()),
        );
        out.notes.push(note);
    }
    Ok(out)
}

fn parse<T: DeserializeOwned>(tool: &str, args: Value) -> Result<T, String> {
    let args = if args.is_null() { json!({}) } else { args };
    serde_json::from_value(args).map_err(|e| format!("invalid arguments for `{tool}`: {e}"))
}

fn failed(e: CommandError) -> String {
    e.to_string()
}

fn to_json(report: &impl serde::Serialize) -> Result<Value, String> {
    serde_json::to_value(report).map_err(|e| format!("internal error: {e}"))
}

/// A JSON document a renderer printed, as a value.
fn rendered(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("internal error: {e}"))
}

fn folder(call: &Call, path: &Option<String>) -> Result<PathBuf, String> {
    match path {
        Some(p) => paths::inside(call.root, p),
        None => Ok(PathBuf::from(".")),
    }
}

fn run_context(p: PathParams, call: &Call) -> Result<Output, String> {
    let ws = Workspace::open_for_detection(&folder(call, &p.path)?).map_err(failed)?;
    Ok(Output::of(to_json(&context::context(&ws))?))
}

fn run_assess(p: AssessParams, call: &Call) -> Result<Output, String> {
    let ws = Workspace::open(&folder(call, &p.path)?).map_err(failed)?;
    let opts = assess::AssessOptions { history: p.history };
    let report = assess::assess(&ws, &opts, call.progress).map_err(failed)?;
    let mut out = Output::of(to_json(&report)?);
    if !report.checks.history_errors.is_empty() {
        out.meta.insert(
            "shipshape/incomplete".into(),
            json!(report.checks.history_errors),
        );
        out.notes.push(format!(
            "the git history was read only in part; the assessment covers what could be read: {}",
            report.checks.history_errors.join("; ")
        ));
    }
    Ok(out)
}

fn run_audit(p: AuditParams, call: &Call) -> Result<Output, String> {
    let targets = if p.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        p.paths
            .iter()
            .map(|t| paths::inside(call.root, t))
            .collect::<Result<Vec<_>, _>>()?
    };
    let opts = audit::AuditOptions {
        select: p.select,
        ignore: p.ignore,
        fail_on: p.fail_on,
        no_ignores: p.no_ignores,
        ..Default::default()
    };
    let outcome = audit::audit(&targets, &opts).map_err(failed)?;
    let value = rendered(&diag::json(&outcome.report, &outcome.catalog))?;
    findings_output(value, outcome.fail_on, outcome.fails(), p.offset, p.limit)
}

fn run_secrets(p: SecretsParams, call: &Call) -> Result<Output, String> {
    let scope = match (p.scope, p.since) {
        (Scope::Tree, None) => secrets::SecretsScope::Tree,
        (Scope::Staged, None) => secrets::SecretsScope::Staged,
        (Scope::History, since) => secrets::SecretsScope::History { since },
        (_, Some(_)) => return Err("`since` needs `scope: \"history\"`".into()),
    };
    let opts = secrets::SecretsOptions {
        scope,
        fail_on: p.fail_on,
        ..Default::default()
    };
    let path = folder(call, &p.path)?;
    let outcome = secrets::secrets(&path, &opts, call.progress).map_err(failed)?;
    let value = rendered(&diag::json(&outcome.report, &outcome.catalog))?;
    let mut out = findings_output(value, outcome.fail_on, outcome.fails(), p.offset, p.limit)?;
    if !outcome.incomplete.is_empty() {
        out.meta
            .insert("shipshape/incomplete".into(), json!(outcome.incomplete));
        out.notes.push(format!(
            "the git history was read only in part (the working tree was scanned in full): {}",
            outcome.incomplete.join("; ")
        ));
    }
    Ok(out)
}

/// A findings report, paged, with the gate in `_meta`.
fn findings_output(
    mut value: Value,
    fail_on: shipshape_core::Severity,
    fails: bool,
    offset: usize,
    limit: Option<usize>,
) -> Result<Output, String> {
    let (page, note) = limits::page_findings(&mut value, offset, limit)?;
    if let Some(note) = &note {
        if let Some(Value::Array(notes)) = value.get_mut("notes") {
            notes.push(Value::String(note.clone()));
        }
    }
    let mut out = Output::of(value);
    out.meta.insert("shipshape/page".into(), page);
    out.meta.insert(
        "shipshape/gate".into(),
        json!({ "fail_on": fail_on, "failed": fails }),
    );
    out.notes.extend(note);
    Ok(out)
}

fn run_init(p: InitParams, call: &Call, write: bool) -> Result<Output, String> {
    if write && !call.allow_write {
        return Err(
            "apply_init writes files, and this server was started read-only: restart it \
                    with `shipshape mcp <ROOT> --allow-write` to let it write (plan_init shows \
                    what would be written without writing)"
                .into(),
        );
    }
    let ws = Workspace::open(&folder(call, &p.path)?).map_err(failed)?;
    let only = p
        .only
        .iter()
        .filter_map(|a| Artifact::parse(a.name()))
        .collect();
    let outcome = init::init(
        &ws,
        &init::InitOptions {
            only,
            dry_run: !write,
            force: p.force,
            // The CI system the repository already uses (else GitHub Actions).
            ci: None,
        },
    );
    let mut out = Output::of(to_json(&outcome.report)?);
    match outcome.report.status {
        InitStatus::VerificationFailed => {
            out.is_error = true;
            out.notes.push(
                "shipshape generated files that fail its own checks — a bug in shipshape; \
                 nothing was written (see `errors`)"
                    .into(),
            );
        }
        InitStatus::WriteFailed => {
            out.is_error = true;
            out.notes.push("nothing was written (see `errors`)".into());
        }
        _ => {}
    }
    Ok(out)
}

/// The catalog `shipshape rules --repository <ROOT>` lists: every built-in rule and the rules
/// the repository's shipshape.toml adds.
fn repository_catalog() -> Result<Catalog, String> {
    let ws = Workspace::open(Path::new(".")).map_err(failed)?;
    Ok(rules::for_workspace(&ws, None).map_err(failed)?.0)
}

fn run_explain(p: ExplainParams, _call: &Call) -> Result<Output, String> {
    let catalog = repository_catalog()?;
    let rule = rules::explain(&catalog, p.rule.trim()).map_err(failed)?;
    let one = Catalog::new(vec![rule.clone()]).map_err(|e| format!("internal error: {e}"))?;
    let entry = match rendered(&diag::rules_json(&one))? {
        Value::Array(mut list) if list.len() == 1 => list.remove(0),
        _ => return Err("internal error: a one-rule catalog listed otherwise".into()),
    };
    Ok(Output::of(json!({
        "rule": entry,
        "documentation": diag::explain(rule),
    })))
}

fn run_list_rules(p: ListRulesParams, _call: &Call) -> Result<Output, String> {
    let catalog = repository_catalog()?;
    let catalog = if p.select.is_empty() {
        catalog
    } else {
        // Resolving the keys reports one that names no rule, as `audit` does.
        catalog
            .select(&p.select, &[])
            .map_err(|e| failed(e.into()))?;
        let picked = catalog
            .rules()
            .iter()
            .filter(|r| p.select.iter().any(|k| r.matches_key(k)))
            .cloned()
            .collect();
        Catalog::new(picked).map_err(|e| format!("internal error: {e}"))?
    };
    Ok(Output::of(json!({
        "rules": rendered(&diag::rules_json(&catalog))?,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_at_most_ten_tools_each_with_object_schemas() {
        assert!(TOOLS.len() <= 10);
        for t in TOOLS {
            let tool = t.describe();
            assert_eq!(tool.input_schema["type"], "object", "{}", t.name);
            let out = tool.output_schema.expect("output schema");
            assert_eq!(out["type"], "object", "{}", t.name);
        }
    }

    #[test]
    fn only_apply_init_writes() {
        for t in TOOLS {
            assert_eq!(t.read_only, t.name != "apply_init", "{}", t.name);
            let a = t.describe().annotations.unwrap();
            assert_eq!(a.read_only_hint, Some(t.read_only));
            assert_eq!(a.destructive_hint, (!t.read_only).then_some(true));
        }
    }

    #[test]
    fn unknown_arguments_are_an_error_that_names_them() {
        let err = parse::<AuditParams>("audit", json!({ "pathz": ["."] })).unwrap_err();
        assert!(err.contains("unknown field `pathz`"), "{err}");
    }
}
