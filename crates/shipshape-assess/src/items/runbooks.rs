//! Runbooks: files that tell on-call how to deploy, roll back, restore and handle alerts.

use shipshape_core::Evidence;

use crate::input::{Input, RuleFindings};
use crate::item::{ItemDef, Outcome};

pub static ITEM: ItemDef = ItemDef {
    id: "runbooks",
    title: "Runbooks",
    impact: 1,
    effort: 1,
    fix: "Write a runbook per service (docs/runbooks/): how to deploy, roll back, restore a backup and handle each alert.",
    generator: None,
    rules: &[],
    facts: &["services", "files: runbooks"],
    run,
};

fn run(input: &Input, _found: &RuleFindings) -> Outcome {
    let ev: Vec<Evidence> = input
        .inv
        .files()
        .iter()
        .filter(|f| {
            let p = f.path.to_ascii_lowercase();
            p.contains("runbook") || p.contains("playbook.md")
        })
        .map(|f| Evidence::file(&f.path, "runbook"))
        .collect();
    if !ev.is_empty() {
        return Outcome::pass(format!("{} runbook file(s)", ev.len())).with(ev);
    }
    if input.facts.services.is_empty() {
        return Outcome::not_applicable("no services");
    }
    Outcome::fail("no runbooks")
}
