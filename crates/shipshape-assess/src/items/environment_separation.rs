//! Separate dev, staging and production: more than one environment, production among them.

use crate::input::{Input, RuleFindings};
use crate::item::{ItemDef, Outcome};

pub static ITEM: ItemDef = ItemDef {
    id: "environment-separation",
    title: "Separate dev, staging and production",
    impact: 2,
    effort: 2,
    fix: "Keep one configuration per environment: Kustomize overlays or Helm values per env, tfvars per env, and CI environments with protection rules for production.",
    generator: None,
    rules: &[],
    facts: &["environments"],
    run,
};

fn run(input: &Input, _found: &RuleFindings) -> Outcome {
    let envs = &input.facts.environments;
    let names: Vec<&str> = envs.names.iter().map(|n| n.value.as_str()).collect();
    let evidence = envs
        .strategies
        .iter()
        .flat_map(|s| s.evidence.iter().take(2));
    let prod_like = names.iter().any(|n| {
        let l = n.to_ascii_lowercase();
        l.starts_with("prod") || l == "live"
    });
    match names.len() {
        0 => Outcome::fail("no environments are told apart"),
        1 => Outcome::partial(format!("only one environment ({})", names[0])).with(evidence),
        _ if !prod_like => Outcome::partial(format!(
            "environments {} but no production",
            names.join(", ")
        ))
        .with(evidence),
        _ => Outcome::pass(format!("environments {}", names.join(", "))).with(evidence),
    }
}
