//! CI runs on every change: a CI system is configured at all.

use shipshape_detect::value_name;

use crate::input::{Input, RuleFindings};
use crate::item::{ItemDef, Outcome};

pub static ITEM: ItemDef = ItemDef {
    id: "ci-pipeline",
    title: "CI runs on every change",
    impact: 3,
    effort: 2,
    fix: "Add a CI pipeline (e.g. .github/workflows/ci.yml) that runs lint and tests on every push and pull request.",
    generator: None,
    rules: &[],
    facts: &["ci"],
    run,
};

fn run(input: &Input, _found: &RuleFindings) -> Outcome {
    let ci = &input.facts.ci;
    if ci.is_empty() {
        return Outcome::fail("no CI configuration found");
    }
    let names: Vec<String> = ci.iter().map(|c| value_name(&c.value)).collect();
    Outcome::pass(format!("CI configured ({})", names.join(", ")))
        .with(ci.iter().flat_map(|c| c.evidence.iter()))
}
