//! ## What it does
//! Flags security scanning jobs — SAST, dependency and container scanning, secret detection,
//! DAST, Trivy, Grype, Semgrep, gitleaks… — with `allow_failure: true`.
//!
//! ## Why is this bad?
//! A scan that may fail does not gate anything: a critical vulnerability or a leaked key turns
//! the job orange, the pipeline stays green, and the merge goes ahead. It also hides a scanner
//! that is broken and finds nothing.
//!
//! ## Example
//! ```yaml
//! container_scanning:
//!   script: [trivy image --exit-code 1 --severity CRITICAL $IMAGE]
//!   allow_failure: true
//! ```
//!
//! ## Fix
//! Remove `allow_failure` (or allow only the exit code that means "findings below the gate",
//! `allow_failure: {exit_codes: [2]}`) and fix or baseline what the scan reports.

use shipshape_core::Severity;

use super::{GitlabCiRule, PipelineDoc};
use crate::rule::{Diagnostic, Domain, RuleMeta};

pub struct SecurityJobAllowedToFail;

pub static META: RuleMeta = RuleMeta {
    id: "SS-GITLAB-004",
    slug: "gitlab-security-job-allowed-to-fail",
    domain: Domain::GitlabCi,
    severity: Severity::Warning,
    title: "Security scan allowed to fail",
    equivalents: &[],
};

/// Words in a job name or its commands that mark a security scan.
const SCANNERS: &[&str] = &[
    "sast",
    "dast",
    "dependency_scanning",
    "dependency-scanning",
    "container_scanning",
    "container-scanning",
    "secret_detection",
    "secret-detection",
    "trivy",
    "grype",
    "semgrep",
    "gitleaks",
    "snyk",
    "checkov",
    "zizmor",
    "osv-scanner",
];

impl GitlabCiRule for SecurityJobAllowedToFail {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &PipelineDoc, out: &mut Vec<Diagnostic>) {
        for job in doc.pipeline.visible_jobs() {
            let Some(allow) = job.get("allow_failure") else {
                continue;
            };
            if allow.as_bool() != Some(true) {
                continue;
            }
            let name = job.name.to_ascii_lowercase();
            let scan = SCANNERS.iter().any(|s| name.contains(s))
                || job.script_lines().iter().any(|l| {
                    let line = l.as_str().unwrap_or("").to_ascii_lowercase();
                    let first = line.split_whitespace().next().unwrap_or("");
                    SCANNERS.contains(&first)
                });
            if scan {
                out.push(Diagnostic::new(
                    allow.span,
                    format!(
                        "security job `{}` may fail without failing the pipeline: what it finds \
                         gates nothing",
                        job.name
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use super::*;

    #[test]
    fn flags_scans_that_may_fail() {
        let src = "scan:\n  script: [trivy image --exit-code 1 app]\n  allow_failure: true\nsecret_detection:\n  script: [x]\n  allow_failure: true\nlint:\n  script: [npm run lint]\n  allow_failure: true\n";
        let f = findings(&SecurityJobAllowedToFail, src);
        assert_eq!(f.len(), 2);
    }
}
