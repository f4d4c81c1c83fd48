//! Multi-stage container builds: every Dockerfile builds in one stage and ships another.

use shipshape_core::Evidence;

use crate::input::{Input, RuleFindings};
use crate::item::{ItemDef, Outcome};

pub static ITEM: ItemDef = ItemDef {
    id: "multi-stage-builds",
    title: "Multi-stage container builds",
    impact: 2,
    effort: 2,
    fix: "Write a multi-stage Dockerfile per service: build in one stage, copy only the artifacts into a small runtime stage.",
    generator: Some("docker"),
    rules: &[],
    facts: &["services", "containers.dockerfiles"],
    run,
};

fn run(input: &Input, _found: &RuleFindings) -> Outcome {
    let facts = input.facts;
    let files = &facts.containers.dockerfiles;
    if files.is_empty() {
        return if facts.services.is_empty() {
            Outcome::not_applicable("no services and no Dockerfiles")
        } else {
            Outcome::fail("no Dockerfile for any service").generated()
        };
    }
    let multi = files.iter().filter(|d| d.stages > 1).count();
    let evidence = files
        .iter()
        .map(|d| Evidence::file(&d.path, format!("{} stage(s)", d.stages)));
    let outcome = match multi {
        n if n == files.len() => Outcome::pass("every Dockerfile is multi-stage"),
        0 => Outcome::fail("no Dockerfile is multi-stage"),
        n => Outcome::partial(format!(
            "{n} of {} Dockerfiles are multi-stage",
            files.len()
        )),
    };
    outcome.with(evidence)
}
