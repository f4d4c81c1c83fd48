//! Fail-fast CI: every job that builds an image waits for the tests (`needs:` a test job, or
//! tests earlier in the same job). Read from GitHub Actions workflows; other CI systems wait for
//! their own parser.

use std::collections::BTreeSet;

use serde_json::Value;
use shipshape_core::ArtifactKind;

use crate::artifacts::evidence_at;
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
    facts: &["ci", "github-actions: jobs, needs, steps"],
    run,
};

const TEST_WORDS: &[&str] = &[
    "test",
    "pytest",
    "jest",
    "vitest",
    "lint",
    "eslint",
    "ruff",
    "clippy",
    "go vet",
    "rspec",
    "phpunit",
    "mvn verify",
    "gradle check",
    "dotnet test",
];
const BUILD_WORDS: &[&str] = &[
    "docker build",
    "docker/build-push-action",
    "buildx",
    "docker push",
    "kaniko",
    "buildah",
    "docker compose build",
    "ko build",
    "jib",
];

/// Does a piece of CI configuration run tests or lint?
fn runs_tests(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    TEST_WORDS.iter().any(|w| lower.contains(w))
}

fn builds_image(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    BUILD_WORDS.iter().any(|w| lower.contains(w))
}

fn run(input: &Input, _found: &RuleFindings) -> Outcome {
    let facts = input.facts;
    let ci_evidence = || facts.ci.iter().flat_map(|c| c.evidence.iter());
    if facts.ci.is_empty() {
        // Counted once, under ci-pipeline.
        return Outcome::not_applicable("no CI yet (see ci-pipeline)");
    }
    let mut evidence = Vec::new();
    let mut any_tests = false;
    let mut ordered = 0usize;
    let mut unordered = 0usize;
    let mut other_ci = false;
    for f in input.inv.files() {
        match f.kind {
            ArtifactKind::GithubWorkflow => {}
            ArtifactKind::GitlabCi | ArtifactKind::CiConfig => {
                other_ci = true;
                continue;
            }
            _ => continue,
        }
        let Some((text, wf)) = input.ctx.yaml(&f.path) else {
            continue;
        };
        let Some(jobs) = wf.get("jobs").and_then(Value::as_object) else {
            continue;
        };
        let job_text = |j: &Value| serde_json::to_string(j).unwrap_or_default();
        let test_jobs: BTreeSet<&str> = jobs
            .iter()
            .filter(|(_, j)| runs_tests(&job_text(j)) && !builds_image(&job_text(j)))
            .map(|(k, _)| k.as_str())
            .collect();
        any_tests |= !test_jobs.is_empty() || jobs.values().any(|j| runs_tests(&job_text(j)));
        for (name, job) in jobs {
            let t = job_text(job);
            if !builds_image(&t) {
                continue;
            }
            let needs: Vec<&str> = match job.get("needs") {
                Some(Value::String(s)) => vec![s.as_str()],
                Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            // Tests in the same job before the build step also fail fast.
            let same_job_first = job
                .get("steps")
                .and_then(Value::as_array)
                .map(|steps| {
                    let first_test = steps
                        .iter()
                        .position(|s| runs_tests(&s.to_string()) && !builds_image(&s.to_string()));
                    let first_build = steps.iter().position(|s| builds_image(&s.to_string()));
                    matches!((first_test, first_build), (Some(a), Some(b)) if a < b)
                })
                .unwrap_or(false);
            let at = format!("{name}:");
            if needs.iter().any(|n| test_jobs.contains(n)) || same_job_first {
                ordered += 1;
                evidence.push(evidence_at(
                    &f.path,
                    &text,
                    &at,
                    "image build runs after tests",
                ));
            } else {
                unordered += 1;
                evidence.push(evidence_at(
                    &f.path,
                    &text,
                    &at,
                    "image build does not wait for tests",
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
            format!("{unordered} image build job(s) do not depend on a test job"),
        )
        .with(evidence);
    }
    if ordered > 0 {
        return Outcome::pass("image builds run only after tests pass").with(evidence);
    }
    if other_ci && !any_tests {
        return Outcome::not_yet_checked("job ordering is checked for GitHub Actions only so far")
            .with(ci_evidence());
    }
    if any_tests {
        return Outcome::pass("CI runs tests; no image build in CI to order").with(evidence);
    }
    Outcome::fail("CI runs no tests or lint").with(ci_evidence())
}
