//! Least-privilege CI tokens: decided by the audit's GitHub Actions rules — every workflow
//! declares its token `permissions` (`SS-GHA-003 missing-permissions`) and grants no more than
//! its jobs need (`SS-GHA-004 excessive-permissions`: `write-all`, write scopes every job
//! inherits). A workflow with neither finding passes. GitLab's `CI_JOB_TOKEN` scope is set in
//! the project settings, not in the file, so GitLab pipelines are not judged here.

use std::collections::BTreeSet;

use shipshape_core::ArtifactKind;

use crate::input::{Input, RuleFindings};
use crate::item::{ItemDef, ItemEvidence, Outcome, Status};

pub static ITEM: ItemDef = ItemDef {
    id: "least-privilege-ci",
    title: "Least-privilege CI tokens",
    impact: 2,
    effort: 1,
    fix: "Set `permissions: {}` at the top of every workflow and grant each job only the scopes it uses (`contents: read`, `packages: write` on the publishing job).",
    generator: None,
    rules: &["SS-GHA-003", "SS-GHA-004"],
    facts: &["ci"],
    run,
};

fn run(input: &Input, found: &RuleFindings) -> Outcome {
    if input.facts.ci.is_empty() {
        return Outcome::not_applicable("no CI");
    }
    let workflows: Vec<&str> = input
        .inv
        .of_kind(ArtifactKind::GithubWorkflow)
        .map(|f| f.path.as_str())
        .collect();
    if workflows.is_empty() {
        return Outcome::not_yet_checked(
            "token scopes are checked for GitHub Actions only (GitLab sets them in project settings)",
        );
    }
    let unparsed = found.unparsed(input, ArtifactKind::GithubWorkflow);
    // A workflow that does not parse was judged by no rule: it does not count as good.
    let bad: BTreeSet<&str> = found.iter().map(|f| f.location.path.as_str()).collect();
    let evidence: Vec<ItemEvidence> = found.problems().map(ItemEvidence::from).collect();
    let total = workflows.len();
    let good = workflows.iter().filter(|w| !bad.contains(*w)).count();
    let summary = format!(
        "{good} of {total} workflows give their jobs only the token permissions they declare"
    );
    Outcome::new(Status::share(good, total), summary)
        .with(evidence)
        .with(unparsed)
}
