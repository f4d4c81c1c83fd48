//! Least-privilege CI tokens: every GitHub Actions workflow declares its token `permissions`
//! (at the top, or on every job) and none grants `write-all`. Other CI systems wait for their
//! own parser.

use serde_json::Value;
use shipshape_core::{ArtifactKind, Evidence};

use crate::artifacts::evidence_at;
use crate::input::{Input, RuleFindings};
use crate::item::{ItemDef, Outcome, Status};

pub static ITEM: ItemDef = ItemDef {
    id: "least-privilege-ci",
    title: "Least-privilege CI tokens",
    impact: 2,
    effort: 1,
    fix: "Declare `permissions: contents: read` at the top of every workflow and grant more only to the job that needs it.",
    generator: None,
    rules: &[],
    facts: &["ci", "github-actions: permissions"],
    run,
};

fn run(input: &Input, _found: &RuleFindings) -> Outcome {
    if input.facts.ci.is_empty() {
        return Outcome::not_applicable("no CI");
    }
    let mut total = 0;
    let mut good = 0;
    let mut evidence = Vec::new();
    for f in input.inv.of_kind(ArtifactKind::GithubWorkflow) {
        let Some((text, wf)) = input.ctx.yaml(&f.path) else {
            continue;
        };
        total += 1;
        let top = wf.get("permissions").is_some();
        let all_jobs = wf
            .get("jobs")
            .and_then(Value::as_object)
            .is_some_and(|jobs| {
                !jobs.is_empty() && jobs.values().all(|j| j.get("permissions").is_some())
            });
        let write_all = matches!(wf.get("permissions"), Some(Value::String(s)) if s == "write-all");
        if (top || all_jobs) && !write_all {
            good += 1;
            evidence.push(evidence_at(
                &f.path,
                &text,
                "permissions:",
                "token permissions declared",
            ));
        } else {
            evidence.push(Evidence::file(
                &f.path,
                if write_all {
                    "permissions: write-all"
                } else {
                    "no permissions: block (token gets the repository default)"
                },
            ));
        }
    }
    if total == 0 {
        return Outcome::not_yet_checked("token scopes are checked for GitHub Actions only so far");
    }
    Outcome::new(
        Status::share(good, total),
        format!("{good} of {total} workflows declare least-privilege permissions"),
    )
    .with(evidence)
}
