//! Zero-downtime rollouts: every Kubernetes Deployment rolls (not `Recreate`), gated by a
//! readiness probe, with at least two replicas (or replicas left to an autoscaler); an Argo
//! Rollout counts as progressive delivery. Platforms' own rollout settings are not read yet.

use serde_json::Value;

use crate::artifacts::k8s_objects;
use crate::input::{Input, RuleFindings};
use crate::item::{ItemDef, Outcome, Status};
use shipshape_detect::Orchestrator;

pub static ITEM: ItemDef = ItemDef {
    id: "zero-downtime-rollout",
    title: "Zero-downtime rollouts",
    impact: 3,
    effort: 2,
    fix: "Deploy with a rolling (or blue-green/canary) strategy: at least 2 replicas, a readiness probe, and `maxUnavailable: 0`.",
    generator: None,
    rules: &[],
    facts: &[
        "services",
        "orchestrators",
        "kubernetes: Deployment strategy, replicas, readinessProbe; Rollout",
    ],
    run,
};

fn run(input: &Input, _found: &RuleFindings) -> Outcome {
    let facts = input.facts;
    let mut total = 0;
    let mut good = 0;
    let mut evidence = Vec::new();
    for obj in k8s_objects(input) {
        let kind = obj.kind();
        if kind == "Rollout" {
            total += 1;
            good += 1;
            evidence.push(obj.evidence("kind: Rollout", "Argo Rollouts progressive delivery"));
            continue;
        }
        if kind != "Deployment" {
            continue;
        }
        total += 1;
        let v = &obj.value;
        let recreate = v.pointer("/spec/strategy/type").and_then(Value::as_str) == Some("Recreate");
        let replicas = v.pointer("/spec/replicas").and_then(Value::as_u64);
        let hpa_managed = replicas.is_none();
        let readiness = obj
            .containers()
            .iter()
            .any(|c| c.get("readinessProbe").is_some());
        let name = v
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("?");
        if !recreate && readiness && (hpa_managed || replicas.is_some_and(|r| r >= 2)) {
            good += 1;
            evidence.push(obj.evidence(
                "readinessProbe",
                &format!("{name}: rolling update gated by readiness"),
            ));
        } else {
            let why = if recreate {
                "strategy Recreate"
            } else if !readiness {
                "no readiness probe"
            } else {
                "a single replica"
            };
            evidence.push(obj.evidence("kind: Deployment", &format!("{name}: {why}")));
        }
    }
    if total > 0 {
        return Outcome::new(
            Status::share(good, total),
            format!("{good} of {total} deployments roll out without downtime"),
        )
        .with(evidence);
    }
    if facts.orchestrators.iter().any(|o| {
        matches!(
            o.value,
            Orchestrator::Paas | Orchestrator::Ecs | Orchestrator::Helm
        )
    }) {
        return Outcome::not_yet_checked("the platform's rollout settings are not read yet")
            .with(facts.orchestrators.iter().flat_map(|o| o.evidence.iter()));
    }
    if facts.services.is_empty() {
        return Outcome::not_applicable("nothing is deployed from this repository");
    }
    Outcome::fail("no deployment definition (Kubernetes, ECS, PaaS) found")
}
