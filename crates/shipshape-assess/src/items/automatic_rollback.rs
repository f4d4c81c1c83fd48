//! Automatic rollback on failed deploys: `helm upgrade --atomic` or a rollback step in a CI job
//! (read from the GitHub Actions and GitLab CI models, other CI systems by their text), the
//! ECS deployment circuit breaker with rollback, or progressive delivery with analysis.

use crate::artifacts::{ci_texts, evidence_at, k8s_objects, terraform_texts};
use crate::ci::{pipelines, ROLLBACKS};
use crate::input::{Input, RuleFindings};
use crate::item::{ItemDef, Outcome};

pub static ITEM: ItemDef = ItemDef {
    id: "automatic-rollback",
    title: "Automatic rollback on failed deploys",
    impact: 2,
    effort: 2,
    fix: "Roll back automatically: `helm upgrade --atomic`, Argo Rollouts/Flagger analysis, or the ECS deployment circuit breaker with `rollback = true`.",
    generator: None,
    rules: &[],
    facts: &[
        "services",
        "orchestrators",
        "ci: deploy commands",
        "terraform: deployment_circuit_breaker",
        "kubernetes: Rollout, Canary, AnalysisTemplate",
    ],
    run,
};

fn run(input: &Input, _found: &RuleFindings) -> Outcome {
    let facts = input.facts;
    let mut evidence = Vec::new();
    // Pipelines shipshape models: the job that rolls back.
    let pipelines = pipelines(input);
    for p in &pipelines {
        for job in &p.jobs {
            if let Some(how) = job.rollback() {
                evidence.push(p.evidence(job.offset, format!("job `{}` uses `{how}`", job.name)));
            }
        }
    }
    // Other CI systems: their text.
    for (path, text) in ci_texts(input) {
        if pipelines.iter().any(|p| p.path == path) {
            continue;
        }
        for needle in ROLLBACKS {
            if text.contains(needle) {
                evidence.push(evidence_at(
                    &path,
                    &text,
                    needle,
                    &format!("CI uses `{needle}`"),
                ));
            }
        }
    }
    for (path, text) in terraform_texts(input) {
        if text.contains("deployment_circuit_breaker") && text.contains("rollback") {
            evidence.push(evidence_at(
                &path,
                &text,
                "deployment_circuit_breaker",
                "ECS circuit breaker with rollback",
            ));
        }
    }
    for obj in k8s_objects(input) {
        if matches!(obj.kind(), "Rollout" | "Canary" | "AnalysisTemplate") {
            evidence.push(obj.evidence("kind:", "progressive delivery with analysis"));
        }
    }
    if !evidence.is_empty() {
        return Outcome::pass("failed deploys roll back automatically").with(evidence);
    }
    if facts.services.is_empty() && facts.orchestrators.is_empty() {
        return Outcome::not_applicable("nothing is deployed from this repository");
    }
    Outcome::fail("no automatic rollback found in CI, manifests or Terraform")
}
