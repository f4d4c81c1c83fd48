//! ## What it does
//! Flags `runs-on` labels that look like a GitHub-hosted runner image (`ubuntu-…`, `windows-…`,
//! `macos-…`) but name none that GitHub offers: a typo, or an image GitHub has retired.
//!
//! ## Why is this bad?
//! A job whose runner does not exist waits in the queue until it times out (a day later) or is
//! cancelled; with a retired image it fails at once. Either way the pipeline stops.
//!
//! ## Example
//! ```yaml
//! runs-on: ubuntu-18.04
//! ```
//!
//! ## Fix
//! Use a current label (`ubuntu-24.04`, `ubuntu-latest`, `windows-2025`, `macos-15`…); the
//! table of labels shipshape knows is in this rule's source.

use shipshape_core::Severity;

use super::{GithubActionsRule, WorkflowDoc};
use crate::rule::{Diagnostic, Domain, RuleMeta};

pub struct UnknownRunnerLabel;

pub static META: RuleMeta = RuleMeta {
    id: "SS-GHA-017",
    slug: "unknown-runner-label",
    domain: Domain::GithubActions,
    severity: Severity::Error,
    title: "Runner label GitHub does not offer",
    equivalents: &["actionlint:runner-label"],
};

/// GitHub-hosted runner labels (standard and larger runners), as of 2026.
const HOSTED: &[&str] = &[
    "ubuntu-latest",
    "ubuntu-24.04",
    "ubuntu-22.04",
    "ubuntu-24.04-arm",
    "ubuntu-22.04-arm",
    "ubuntu-slim",
    "windows-latest",
    "windows-2025",
    "windows-2022",
    "windows-11-arm",
    "windows-latest-8-cores",
    "macos-latest",
    "macos-26",
    "macos-15",
    "macos-14",
    "macos-13",
    "macos-latest-large",
    "macos-26-large",
    "macos-15-large",
    "macos-14-large",
    "macos-13-large",
    "macos-latest-xlarge",
    "macos-26-xlarge",
    "macos-15-xlarge",
    "macos-14-xlarge",
    "macos-13-xlarge",
    "macos-15-intel",
    "ubuntu-latest-4-cores",
    "ubuntu-latest-8-cores",
    "ubuntu-latest-16-cores",
];

/// Images GitHub has removed: the job fails at once.
const RETIRED: &[&str] = &[
    "ubuntu-16.04",
    "ubuntu-18.04",
    "ubuntu-20.04",
    "windows-2016",
    "windows-2019",
    "macos-10.15",
    "macos-11",
    "macos-12",
];

impl GithubActionsRule for UnknownRunnerLabel {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &WorkflowDoc, out: &mut Vec<Diagnostic>) {
        for job in doc.jobs() {
            let labels = job.runner_labels();
            // Self-hosted runners carry whatever labels their owners give them.
            if labels.iter().any(|l| {
                l.as_str()
                    .is_some_and(|s| s.trim().eq_ignore_ascii_case("self-hosted"))
            }) {
                continue;
            }
            for label in labels {
                let Some(text) = label.as_str().map(str::trim) else {
                    continue;
                };
                let lower = text.to_ascii_lowercase();
                let hosted_like = ["ubuntu-", "windows-", "macos-"]
                    .iter()
                    .any(|p| lower.starts_with(p));
                if !hosted_like || text.contains("${{") || HOSTED.contains(&lower.as_str()) {
                    continue;
                }
                let message = if RETIRED.contains(&lower.as_str()) {
                    format!("GitHub has retired the `{text}` runner image: the job fails at once")
                } else {
                    format!(
                        "`{text}` is not a GitHub-hosted runner label: the job waits for a \
                         runner that never comes"
                    )
                };
                out.push(Diagnostic::new(label.span, message));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use super::*;

    #[test]
    fn flags_retired_and_misspelt_hosted_labels() {
        let src = "on: push\njobs:\n  a:\n    runs-on: ubuntu-18.04\n    steps: [{run: x}]\n  b:\n    runs-on: ubuntu-lastest\n    steps: [{run: x}]\n  c:\n    runs-on: [self-hosted, ubuntu-gpu]\n    steps: [{run: x}]\n  d:\n    runs-on: ${{ matrix.os }}\n    steps: [{run: x}]\n";
        let f = findings(&UnknownRunnerLabel, src);
        let spans: Vec<&str> = f.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(spans, ["ubuntu-18.04", "ubuntu-lastest"]);
    }
}
