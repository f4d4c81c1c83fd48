//! Infrastructure as code: the infrastructure is described in the repository.

use shipshape_detect::value_name;

use crate::input::{Input, RuleFindings};
use crate::item::{ItemDef, Outcome};

pub static ITEM: ItemDef = ItemDef {
    id: "infrastructure-as-code",
    title: "Infrastructure as code",
    impact: 2,
    effort: 3,
    fix: "Describe the infrastructure in Terraform (or Pulumi/CDK) in the repository instead of clicking it together in a console.",
    generator: None,
    rules: &[],
    facts: &["iac"],
    run,
};

fn run(input: &Input, _found: &RuleFindings) -> Outcome {
    let iac = &input.facts.iac;
    if iac.is_empty() {
        return Outcome::fail("no infrastructure as code");
    }
    let names: Vec<String> = iac.iter().map(|i| value_name(&i.value)).collect();
    Outcome::pass(format!(
        "infrastructure described with {}",
        names.join(", ")
    ))
    .with(iac.iter().flat_map(|i| i.evidence.iter()))
}
