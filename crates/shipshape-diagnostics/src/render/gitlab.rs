//! GitLab Code Quality report: the JSON array a job publishes with `artifacts: reports:
//! codequality:`, which GitLab shows in the merge request widget and the changes view. The
//! format is GitLab's subset of the Code Climate issue (<https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format>):
//! description, check_name, fingerprint, severity, location.path and location.lines.begin.

use std::collections::HashMap;

use serde::Serialize;
use shipshape_core::Severity;

use crate::catalog::Catalog;
use crate::report::Report;

#[derive(Serialize)]
struct CodeQualityIssue {
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    location: CodeQualityLocation,
}

#[derive(Serialize)]
struct CodeQualityLocation {
    path: String,
    lines: CodeQualityLines,
}

#[derive(Serialize)]
struct CodeQualityLines {
    begin: u32,
    end: u32,
}

/// GitLab's five severities, from ours: an error blocks as "critical", a warning is "major",
/// information stays "info".
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "info",
    }
}

pub fn gitlab(report: &Report, catalog: &Catalog) -> String {
    // GitLab shows findings with the same fingerprint as one, and tells new from fixed by it: a
    // second finding with the same line-independent fingerprint (the same offending line twice
    // in one file) gets its occurrence number, so each stays distinct and stable.
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let issues: Vec<CodeQualityIssue> = report
        .findings
        .iter()
        .map(|f| {
            let n = seen.entry(f.fingerprint.as_str()).or_insert(0);
            *n += 1;
            let fingerprint = if *n == 1 {
                f.fingerprint.clone()
            } else {
                format!("{}-{n}", f.fingerprint)
            };
            let fix = catalog
                .get(&f.rule_id)
                .map(|r| r.docs.short_fix())
                .unwrap_or_default();
            let description = if fix.is_empty() {
                format!("{}: {}", f.slug, f.message)
            } else {
                format!("{}: {} (fix: {fix})", f.slug, f.message)
            };
            CodeQualityIssue {
                description,
                check_name: f.rule_id.clone(),
                fingerprint,
                severity: severity(f.severity),
                location: CodeQualityLocation {
                    path: f.location.path.clone(),
                    lines: CodeQualityLines {
                        begin: f.location.start.line.max(1),
                        end: f.location.end.line.max(f.location.start.line).max(1),
                    },
                },
            }
        })
        .collect();
    serde_json::to_string_pretty(&issues).expect("issues serialise") + "\n"
}
