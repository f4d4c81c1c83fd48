//! CI runs on every change: a GitHub Actions workflow or GitLab CI pipeline that runs on pushes
//! and pull (merge) requests and has a job running tests or lint. A repository whose only
//! workflows run on a schedule or by hand (a keep-alive cron, a Dependabot auto-merge) has no
//! CI in this sense. Other CI systems (CircleCI, Jenkins, …) count as configured, unread.

use shipshape_detect::value_name;

use crate::ci::{other_ci, pipelines};
use crate::input::{Input, RuleFindings};
use crate::item::{ItemDef, Outcome, Status};

pub static ITEM: ItemDef = ItemDef {
    id: "ci-pipeline",
    title: "CI runs on every change",
    impact: 3,
    effort: 2,
    fix: "Add a CI pipeline (e.g. .github/workflows/ci.yml) that runs lint and tests on every push and pull request.",
    generator: Some("ci"),
    rules: &[],
    facts: &["ci", "github-actions: on, jobs, steps", "gitlab-ci: jobs, script"],
    run,
};

fn run(input: &Input, _found: &RuleFindings) -> Outcome {
    let pipelines = pipelines(input);
    let mut testing = Vec::new();
    let mut untested = Vec::new();
    let mut occasional = Vec::new();
    for p in &pipelines {
        let test_job = p.jobs.iter().find(|j| j.runs_tests());
        match (p.on_every_change, test_job) {
            (true, Some(j)) => testing.push(p.evidence(
                j.offset,
                format!("{}: job `{}` runs tests on every change", p.system, j.name),
            )),
            (true, None) => untested.push(p.evidence(
                0,
                format!(
                    "{}: runs on every change, but no job runs tests or lint",
                    p.system
                ),
            )),
            (false, _) => occasional.push(p.evidence(
                0,
                format!(
                    "{}: runs only on a schedule, by hand or on other workflows' events",
                    p.system
                ),
            )),
        }
    }
    if !testing.is_empty() {
        let n = testing.len();
        return Outcome::pass(format!(
            "{n} pipeline(s) run tests on every push and pull request"
        ))
        .with(testing);
    }
    let others = other_ci(input);
    if !others.is_empty() {
        let names: Vec<String> = input
            .facts
            .ci
            .iter()
            .map(|c| value_name(&c.value))
            .collect();
        return Outcome::pass(format!("CI configured ({})", names.join(", ")))
            .with(input.facts.ci.iter().flat_map(|c| c.evidence.iter()));
    }
    if !untested.is_empty() {
        return Outcome::new(
            Status::Partial,
            "CI runs on every change but runs no tests or lint",
        )
        .with(untested)
        .with(occasional);
    }
    if !occasional.is_empty() {
        return Outcome::fail("no pipeline runs on push or pull request: the workflows only run on a schedule, by hand or on other events")
            .with(occasional);
    }
    Outcome::fail("no CI configuration found")
}
