//! Application metrics: every service exports Prometheus or OpenTelemetry metrics.

use super::service_coverage;
use crate::input::{Input, RuleFindings};
use crate::item::{ItemDef, Outcome};

pub static ITEM: ItemDef = ItemDef {
    id: "metrics",
    title: "Application metrics (Prometheus/OpenTelemetry)",
    impact: 2,
    effort: 1,
    fix: "Expose a /metrics endpoint with a Prometheus client or export OpenTelemetry metrics from every service.",
    generator: None,
    rules: &[],
    facts: &["services", "observability.metrics"],
    run,
};

fn run(input: &Input, _found: &RuleFindings) -> Outcome {
    service_coverage(
        input.facts,
        &input.facts.observability.metrics,
        "a metrics client",
    )
}
