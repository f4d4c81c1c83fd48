//! Liveness and readiness probes on every Kubernetes container; without Kubernetes, health
//! endpoints in code (or a Dockerfile `HEALTHCHECK`) count for half.

use shipshape_core::Evidence;

use crate::artifacts::{container_name, k8s_objects};
use crate::input::{Input, RuleFindings};
use crate::item::{ItemDef, Outcome, Status};

pub static ITEM: ItemDef = ItemDef {
    id: "health-probes",
    title: "Liveness and readiness probes",
    impact: 3,
    effort: 1,
    fix: "Give each service a health endpoint and wire it as separate liveness and readiness probes in its deployment.",
    generator: None,
    rules: &[],
    facts: &[
        "services.health_path",
        "containers.dockerfiles.has_healthcheck",
        "kubernetes: livenessProbe, readinessProbe",
    ],
    run,
};

fn run(input: &Input, _found: &RuleFindings) -> Outcome {
    let facts = input.facts;
    let mut total = 0;
    let mut both = 0;
    let mut one = 0;
    let mut evidence = Vec::new();
    for obj in k8s_objects(input) {
        if !obj.is_workload() || obj.kind() == "DaemonSet" {
            continue;
        }
        for c in obj.containers() {
            total += 1;
            let l = c.get("livenessProbe").is_some();
            let r = c.get("readinessProbe").is_some();
            let name = container_name(c);
            if l && r {
                both += 1;
                evidence.push(
                    obj.evidence("livenessProbe", &format!("{name}: liveness and readiness")),
                );
            } else if l || r {
                one += 1;
                evidence.push(obj.evidence(
                    if l { "livenessProbe" } else { "readinessProbe" },
                    &format!("{name}: only {}", if l { "liveness" } else { "readiness" }),
                ));
            } else {
                evidence
                    .push(obj.evidence(&format!("name: {name}"), &format!("{name}: no probes")));
            }
        }
    }
    if total > 0 {
        let status = if both == total {
            Status::Pass
        } else if both + one == 0 {
            Status::Fail
        } else {
            Status::Partial
        };
        return Outcome::new(
            status,
            format!("{both} of {total} containers have both probes"),
        )
        .with(evidence);
    }
    if facts.services.is_empty() {
        return Outcome::not_applicable("no services");
    }
    let with_health: Vec<Evidence> = facts
        .services
        .iter()
        .filter_map(|s| s.health_path.as_ref())
        .flat_map(|h| h.evidence.clone())
        .collect();
    let dockerfile_hc = facts
        .containers
        .dockerfiles
        .iter()
        .any(|d| d.has_healthcheck);
    if !with_health.is_empty() || dockerfile_hc {
        return Outcome::partial("health endpoints exist, but no orchestrator probes use them")
            .with(with_health);
    }
    Outcome::fail("no health endpoint and no probes")
}
