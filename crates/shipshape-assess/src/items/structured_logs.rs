//! Structured (JSON) logs: every service uses a structured logger.

use super::service_coverage;
use crate::input::{Input, RuleFindings};
use crate::item::{ItemDef, Outcome};

pub static ITEM: ItemDef = ItemDef {
    id: "structured-logs",
    title: "Structured (JSON) logs",
    impact: 2,
    effort: 1,
    fix: "Log JSON to stdout with a structured logger (pino, structlog, zap/slog, tracing-subscriber json, logstash encoder, Serilog).",
    generator: None,
    rules: &[],
    facts: &["services", "observability.structured_logging"],
    run,
};

fn run(input: &Input, _found: &RuleFindings) -> Outcome {
    service_coverage(
        input.facts,
        &input.facts.observability.structured_logging,
        "a structured logger",
    )
}
