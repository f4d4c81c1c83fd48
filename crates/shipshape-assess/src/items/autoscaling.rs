//! Autoscaling: a HorizontalPodAutoscaler or KEDA ScaledObject, cloud autoscaling in Terraform,
//! or Fly machine autoscaling.

use crate::artifacts::{evidence_at, k8s_objects, terraform_texts};
use crate::input::{Input, RuleFindings};
use crate::item::{ItemDef, Outcome};

pub static ITEM: ItemDef = ItemDef {
    id: "autoscaling",
    title: "Autoscaling",
    impact: 2,
    effort: 1,
    fix: "Add a HorizontalPodAutoscaler (or KEDA ScaledObject / ECS service autoscaling) with CPU or request-based targets.",
    generator: None,
    rules: &[],
    facts: &[
        "services",
        "orchestrators",
        "kubernetes: HorizontalPodAutoscaler, ScaledObject",
        "terraform: autoscaling resources",
        "fly.toml",
    ],
    run,
};

const TERRAFORM_AUTOSCALERS: &[&str] = &[
    "aws_appautoscaling_target",
    "google_compute_autoscaler",
    "azurerm_monitor_autoscale_setting",
];

fn run(input: &Input, _found: &RuleFindings) -> Outcome {
    let facts = input.facts;
    let mut evidence = Vec::new();
    for obj in k8s_objects(input) {
        if matches!(obj.kind(), "HorizontalPodAutoscaler" | "ScaledObject") {
            evidence.push(obj.evidence("kind:", obj.kind()));
        }
    }
    for (path, text) in terraform_texts(input) {
        for needle in TERRAFORM_AUTOSCALERS {
            if text.contains(needle) {
                evidence.push(evidence_at(&path, &text, needle, needle));
            }
        }
    }
    for f in input.inv.files() {
        if f.name() == "fly.toml" {
            if let Some(t) = input.inv.text(f) {
                if t.contains("auto_start_machines") || t.contains("min_machines_running") {
                    evidence.push(evidence_at(
                        &f.path,
                        &t,
                        "machines",
                        "Fly machine autoscaling",
                    ));
                }
            }
        }
    }
    if !evidence.is_empty() {
        return Outcome::pass("autoscaling configured").with(evidence);
    }
    if facts.services.is_empty() {
        return Outcome::not_applicable("no services");
    }
    if !input.has_deploy_target() {
        return Outcome::fail("no deployment definition, so nothing scales");
    }
    Outcome::fail("no autoscaler found")
}
