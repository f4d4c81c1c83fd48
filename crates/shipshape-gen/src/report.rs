//! What `init` tells its user (or an agent): the versioned JSON report — `status`,
//! `devops_progress` (what was done, per area), `files` (`path`, `action`, `reason`; `diff` with
//! `--dry-run`), `warnings`, `next_steps` and `errors` — built from the plan and what writing it
//! did. The CLI and the MCP server print the same report.

use std::path::Path;

use serde::Serialize;

use crate::verify::VerifyError;
use crate::write::{Action, FileOutcome};
use crate::{Artifact, Category, Plan};

/// Version of the JSON report; bump on a breaking change.
pub const SCHEMA_VERSION: &str = "1";

/// The overall outcome, as `status` in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
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

/// What was done, per area of the DevOps work.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema, Default)]
pub struct DevopsProgress {
    pub docker: Vec<String>,
    pub ci_cd: Vec<String>,
    pub infra: Vec<String>,
    pub monitoring: Vec<String>,
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

/// One planned file and what happened to it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct FileReport {
    pub path: String,
    /// `created`, `updated`, `would-create`, `would-update`, `skipped`, `unchanged`, or
    /// `not-written` when the plan was not written at all.
    pub action: String,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// The report of one `init` run.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct InitReport {
    pub schema_version: &'static str,
    pub status: Status,
    pub devops_progress: DevopsProgress,
    pub files: Vec<FileReport>,
    pub warnings: Vec<String>,
    pub next_steps: Vec<String>,
    pub errors: Vec<String>,
}

/// One line of progress for a file: "Wrote web/Dockerfile: Multi-stage Node Dockerfile …".
pub fn progress_line(o: &FileOutcome) -> Option<String> {
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

impl InitReport {
    /// The report of a plan that was written (or previewed).
    pub fn written(
        plan: &Plan,
        outcomes: &[FileOutcome],
        dry_run: bool,
        next_steps: Vec<String>,
    ) -> InitReport {
        let status = if dry_run {
            Status::DryRun
        } else if outcomes.iter().any(|o| o.action.writes()) {
            Status::Ok
        } else {
            Status::NothingToDo
        };
        let mut progress = DevopsProgress::default();
        for o in outcomes {
            if let Some(line) = progress_line(o) {
                progress.area(o.category).push(line);
            }
        }
        InitReport {
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
            next_steps,
            errors: Vec::new(),
        }
    }

    /// The report of a plan that was not written: it failed verification, or writing failed.
    pub fn not_written(
        plan: &Plan,
        status: Status,
        problems: &[VerifyError],
        errors: Vec<String>,
    ) -> InitReport {
        InitReport {
            schema_version: SCHEMA_VERSION,
            status,
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
            errors,
        }
    }
}

/// The names `.env.example` leaves empty for the user to fill in.
fn values_to_fill(plan: &Plan) -> Vec<String> {
    plan.files
        .iter()
        .filter(|f| f.path == crate::env_example::ENV_EXAMPLE)
        .flat_map(|f| f.content.lines())
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.strip_suffix('='))
        .filter(|name| name.ends_with("PASSWORD") || name.ends_with("PASS"))
        .map(str::to_string)
        .collect()
}

/// What to run next, given what the repository at `root` (shown to the user as `shown`) now has.
pub fn next_steps(root: &Path, shown: &str, plan: &Plan, dry_run: bool) -> Vec<String> {
    let mut steps = Vec::new();
    if dry_run {
        steps.push(format!(
            "shipshape init {shown} — write these files (add --force to replace existing ones)"
        ));
        return steps;
    }
    let compose = plan
        .files
        .iter()
        .find(|f| f.artifact == Artifact::Compose && f.path != crate::env_example::ENV_EXAMPLE);
    let has_example = root.join(crate::env_example::ENV_EXAMPLE).is_file();
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
