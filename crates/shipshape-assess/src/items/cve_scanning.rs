//! Image CVE scanning in the pipeline: a scanner (Trivy, Grype, Snyk, …) runs in CI.

use shipshape_core::Evidence;
use shipshape_detect::ctx::line_of;

use crate::artifacts::ci_texts;
use crate::input::{Input, RuleFindings};
use crate::item::{ItemDef, Outcome};

pub static ITEM: ItemDef = ItemDef {
    id: "cve-scanning",
    title: "Image CVE scanning in the pipeline",
    impact: 2,
    effort: 1,
    fix: "Scan every built image in CI (e.g. `aquasecurity/trivy-action` with `severity: CRITICAL,HIGH` and `exit-code: 1`).",
    generator: None,
    rules: &[],
    facts: &["ci", "ci: scanner steps"],
    run,
};

const SCANNERS: &[&str] = &[
    "trivy",
    "grype",
    "snyk",
    "docker scout",
    "anchore",
    "clair",
    "twistcli",
];

fn run(input: &Input, _found: &RuleFindings) -> Outcome {
    if input.facts.ci.is_empty() {
        return Outcome::fail("no CI, so no image scanning");
    }
    let mut evidence = Vec::new();
    for (path, text) in ci_texts(input) {
        let lower = text.to_ascii_lowercase();
        for tool in SCANNERS {
            if lower.contains(tool) {
                evidence.push(Evidence::new(
                    &path,
                    line_of(&lower, tool),
                    format!("{tool} in CI"),
                ));
            }
        }
    }
    if evidence.is_empty() {
        Outcome::fail("CI does not scan images for CVEs")
    } else {
        Outcome::pass("CI scans images for CVEs").with(evidence)
    }
}
