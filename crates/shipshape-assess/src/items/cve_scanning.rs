//! Image CVE scanning in the pipeline: a CI job runs an image scanner (Trivy, Grype, Snyk,
//! Docker Scout, GitLab's container scanning…), read from the GitHub Actions and GitLab CI
//! models; other CI systems by their text.

use shipshape_core::Evidence;
use shipshape_detect::ctx::line_of;

use crate::artifacts::ci_texts;
use crate::ci::{pipelines, SCANNERS};
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

fn run(input: &Input, _found: &RuleFindings) -> Outcome {
    if input.facts.ci.is_empty() {
        return Outcome::fail("no CI, so no image scanning");
    }
    let mut evidence = Vec::new();
    let pipelines = pipelines(input);
    for p in &pipelines {
        for job in &p.jobs {
            if let Some(tool) = job.scanner() {
                evidence
                    .push(p.evidence(job.offset, format!("job `{}` scans with {tool}", job.name)));
            }
        }
    }
    // CI systems without a model: their text.
    for (path, text) in ci_texts(input) {
        if pipelines.iter().any(|p| p.path == path) {
            continue;
        }
        let lower = text.to_ascii_lowercase();
        if let Some(tool) = SCANNERS.iter().find(|t| lower.contains(*t)) {
            evidence.push(Evidence::new(
                &path,
                line_of(&lower, tool),
                format!("{tool} in CI"),
            ));
        }
    }
    if evidence.is_empty() {
        Outcome::fail("CI does not scan images for CVEs")
    } else {
        Outcome::pass("CI scans images for CVEs").with(evidence)
    }
}
