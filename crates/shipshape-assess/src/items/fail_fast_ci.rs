//! Fail-fast CI: every job that builds an image runs only after the tests passed — it needs a
//! test job (directly or through the jobs it needs), or, in GitLab CI without `needs:`, sits in
//! a later stage than a test job. Read from the GitHub Actions and GitLab CI models; other CI
//! systems are not read yet.

use crate::ci::{other_ci, pipelines};
use crate::input::{Input, RuleFindings};
use crate::item::{ItemDef, Outcome, Status};

pub static ITEM: ItemDef = ItemDef {
    id: "fail-fast-ci",
    title: "Fail-fast CI: lint and test before any image build",
    impact: 2,
    effort: 1,
    fix: "Make the image build/push job depend on the test job (`needs: test`), so a failing test stops the pipeline before anything is built.",
    generator: None,
    rules: &[],
    facts: &["ci", "github-actions: jobs, needs, steps", "gitlab-ci: stages, needs, script"],
    run,
};

fn run(input: &Input, _found: &RuleFindings) -> Outcome {
    if input.facts.ci.is_empty() {
        // Counted once, under ci-pipeline.
        return Outcome::not_applicable("no CI yet (see ci-pipeline)");
    }
    let pipelines = pipelines(input);
    let mut evidence = Vec::new();
    let (mut ordered, mut unordered) = (0usize, 0usize);
    let mut any_tests = false;
    for p in &pipelines {
        any_tests |= p.jobs.iter().any(|j| j.runs_tests());
        for job in p.jobs.iter().filter(|j| j.builds_image()) {
            // Tests earlier in the same job fail fast too.
            if p.waits_for_tests(job) || test_before_build(&job.commands) {
                ordered += 1;
                evidence.push(p.evidence(
                    job.offset,
                    format!("job `{}` builds the image after the tests", job.name),
                ));
            } else {
                unordered += 1;
                evidence.push(p.evidence(
                    job.offset,
                    format!(
                        "job `{}` builds an image without waiting for tests",
                        job.name
                    ),
                ));
            }
        }
    }
    if unordered > 0 {
        let status = if ordered > 0 {
            Status::Partial
        } else {
            Status::Fail
        };
        return Outcome::new(
            status,
            format!("{unordered} image build job(s) do not wait for the tests"),
        )
        .with(evidence);
    }
    if ordered > 0 {
        return Outcome::pass("image builds run only after tests pass").with(evidence);
    }
    if any_tests {
        return Outcome::pass("CI runs tests; no image build in CI to order");
    }
    if !other_ci(input).is_empty() {
        return Outcome::not_yet_checked(
            "job ordering is read for GitHub Actions and GitLab CI only so far",
        )
        .with(input.facts.ci.iter().flat_map(|c| c.evidence.iter()));
    }
    Outcome::fail("CI runs no tests or lint")
        .with(input.facts.ci.iter().flat_map(|c| c.evidence.iter()))
}

/// Whether a job's commands (one per line, in order) test before they build.
fn test_before_build(commands: &str) -> bool {
    let probe = |line: &str| crate::ci::CiJob {
        name: String::new(),
        offset: 0,
        commands: line.to_string(),
        needs: Vec::new(),
        stage: None,
    };
    let lines: Vec<&str> = commands.lines().collect();
    let first_test = lines.iter().position(|l| probe(l).runs_tests());
    let first_build = lines.iter().position(|l| probe(l).builds_image());
    matches!((first_test, first_build), (Some(a), Some(b)) if a < b)
}
