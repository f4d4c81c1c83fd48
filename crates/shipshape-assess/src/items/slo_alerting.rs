//! Alerting on SLOs: Prometheus alert rules (as a PrometheusRule or a rules file) or alerts
//! defined in Terraform.

use shipshape_core::ArtifactKind;

use crate::artifacts::{evidence_at, k8s_objects, terraform_texts};
use crate::input::{Input, RuleFindings};
use crate::item::{ItemDef, Outcome};

pub static ITEM: ItemDef = ItemDef {
    id: "slo-alerting",
    title: "Alerting on SLOs",
    impact: 2,
    effort: 2,
    fix: "Define alert rules on error rate and latency SLOs (PrometheusRule or Alertmanager rules) and route them to on-call.",
    generator: None,
    rules: &[],
    facts: &[
        "services",
        "kubernetes: PrometheusRule",
        "yaml: Prometheus rule groups",
        "terraform: alert resources",
    ],
    run,
};

const TERRAFORM_ALERTS: &[&str] = &[
    "aws_cloudwatch_metric_alarm",
    "google_monitoring_alert_policy",
    "datadog_monitor",
    "grafana_rule_group",
];

fn run(input: &Input, _found: &RuleFindings) -> Outcome {
    let mut evidence = Vec::new();
    for obj in k8s_objects(input) {
        if obj.kind() == "PrometheusRule" {
            evidence.push(obj.evidence("alert:", "PrometheusRule"));
        }
    }
    for f in input.inv.of_kind(ArtifactKind::Yaml) {
        if let Some(t) = input.inv.text(f) {
            if t.contains("groups:") && t.contains("- alert:") {
                evidence.push(evidence_at(
                    &f.path,
                    &t,
                    "- alert:",
                    "Prometheus alert rules",
                ));
            }
        }
    }
    for (path, text) in terraform_texts(input) {
        for needle in TERRAFORM_ALERTS {
            if text.contains(needle) {
                evidence.push(evidence_at(&path, &text, needle, needle));
            }
        }
    }
    if !evidence.is_empty() {
        return Outcome::pass("alert rules defined").with(evidence);
    }
    if input.facts.services.is_empty() {
        return Outcome::not_applicable("no services");
    }
    Outcome::fail("no alert rules found")
}
