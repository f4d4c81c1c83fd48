//! `init`: detect, plan, verify, write. A plan that fails shipshape's own checks is never
//! written (a bug in shipshape, reported as such); a plan is written atomically or not at all.

use shipshape_detect::Facts;
use shipshape_gen::report::{next_steps, InitReport, Status};
use shipshape_gen::verify::{verify_in, VerifyError};
use shipshape_gen::write::{write_plan, FileOutcome, WriteOptions};
use shipshape_gen::{Artifact, InitOptions as PlanOptions, Plan};

use super::Workspace;

#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// What to generate; empty = everything.
    pub only: Vec<Artifact>,
    /// Write nothing; report what would change, with diffs.
    pub dry_run: bool,
    /// Replace files that exist with different content.
    pub force: bool,
    /// The CI system `--only ci` writes for (the detected one, else GitHub, when `None`).
    pub ci: Option<shipshape_gen::ci::CiProvider>,
}

/// What `init` did, with what the human renderer needs beside the report.
pub struct InitOutcome {
    pub report: InitReport,
    pub facts: Facts,
    pub plan: Plan,
    /// Per file, what happened (empty when nothing was written).
    pub outcomes: Vec<FileOutcome>,
    /// Problems verification found (then nothing was written).
    pub problems: Vec<VerifyError>,
}

/// Detect and plan, then verify: nothing is written. `force` plans a Dockerfile for a service
/// that has one too (the write replaces it, as `--force` says).
pub fn plan(
    ws: &Workspace,
    only: &[Artifact],
    ci: Option<shipshape_gen::ci::CiProvider>,
    force: bool,
) -> (Facts, Plan, Vec<VerifyError>) {
    let inv = ws.inventory();
    let facts = shipshape_detect::detect(inv);
    let mut opts = PlanOptions {
        ci,
        replace_existing: force,
        ..PlanOptions::default()
    };
    if !only.is_empty() {
        opts.only = only.to_vec();
    }
    let plan = shipshape_gen::plan(&facts, inv, &opts);
    let problems = verify_in(&plan, inv);
    (facts, plan, problems)
}

/// Plan, verify and write (or preview with `dry_run`).
pub fn init(ws: &Workspace, opts: &InitOptions) -> InitOutcome {
    let (facts, plan, problems) = plan(ws, &opts.only, opts.ci, opts.force);
    if !problems.is_empty() {
        let report = InitReport::not_written(
            &plan,
            Status::VerificationFailed,
            &problems,
            problems.iter().map(|p| p.to_string()).collect(),
        );
        return InitOutcome {
            report,
            facts,
            plan,
            outcomes: Vec::new(),
            problems,
        };
    }
    let write_opts = WriteOptions {
        force: opts.force,
        dry_run: opts.dry_run,
    };
    match write_plan(ws.root(), &plan, &write_opts) {
        Ok(outcomes) => {
            let shown = ws.shown().display().to_string();
            let steps = next_steps(ws.root(), &shown, &plan, opts.dry_run);
            InitOutcome {
                report: InitReport::written(&plan, &outcomes, opts.dry_run, steps),
                facts,
                plan,
                outcomes,
                problems,
            }
        }
        Err(e) => InitOutcome {
            report: InitReport::not_written(&plan, Status::WriteFailed, &[], vec![e.to_string()]),
            facts,
            plan,
            outcomes: Vec::new(),
            problems,
        },
    }
}
