//! GitLab Code Quality report: the JSON array a job publishes with `artifacts: reports:
//! codequality:`, which GitLab shows in the merge request widget and the changes view. The
//! format is GitLab's subset of the Code Climate issue (<https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format>):
//! description, check_name, fingerprint, severity, location.path and location.lines.begin.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

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

/// Where the report is read from.
#[derive(Debug, Clone, Default)]
pub struct GitlabOptions {
    /// The repository root GitLab resolves paths against (the job's working directory): an
    /// absolute finding path under it is made relative, as GitLab requires.
    pub root: Option<PathBuf>,
}

fn relative_path(path: &str, root: Option<&Path>) -> String {
    let p = Path::new(path);
    match root {
        Some(root) if p.is_absolute() => p
            .strip_prefix(root)
            .map(|r| r.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|_| path.to_string()),
        _ => path.strip_prefix("./").unwrap_or(path).to_string(),
    }
}

pub fn gitlab(report: &Report, catalog: &Catalog, options: &GitlabOptions) -> String {
    super::to_string(|out| write_gitlab(out, report, catalog, options))
}

/// The issue GitLab shows for one finding. `seen` counts the fingerprints met so far: GitLab
/// shows findings with the same fingerprint as one, and tells new from fixed by it, so a second
/// finding with the same line-independent fingerprint (the same offending line twice in one
/// file) gets its occurrence number, and each stays distinct and stable.
fn issue<'a>(
    f: &'a crate::Finding,
    seen: &mut HashMap<&'a str, usize>,
    catalog: &Catalog,
    options: &GitlabOptions,
) -> CodeQualityIssue {
    let n = seen.entry(f.fingerprint.as_str()).or_insert(0);
    *n += 1;
    let fingerprint = if *n == 1 {
        f.fingerprint.to_string()
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
        check_name: f.rule_id.to_string(),
        fingerprint,
        severity: severity(f.severity),
        location: CodeQualityLocation {
            path: relative_path(&f.location.path, options.root.as_deref()),
            lines: CodeQualityLines {
                begin: f.location.start.line.max(1),
                end: f.location.end.line.max(f.location.start.line).max(1),
            },
        },
    }
}

/// The Code Quality report, written to `out` issue by issue: the bytes of the whole array
/// serialised at once (pretty, two-space indent), without holding it. JSON strings hold no raw
/// line break, so an issue's lines are indented one level by prefixing each.
pub fn write_gitlab(
    out: &mut dyn std::io::Write,
    report: &Report,
    catalog: &Catalog,
    options: &GitlabOptions,
) -> std::io::Result<()> {
    if report.findings.is_empty() {
        return out.write_all(b"[]\n");
    }
    out.write_all(b"[\n")?;
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut buf = Vec::new();
    for (i, f) in report.findings.iter().enumerate() {
        buf.clear();
        serde_json::to_writer_pretty(&mut buf, &issue(f, &mut seen, catalog, options))
            .map_err(std::io::Error::from)?;
        if i > 0 {
            out.write_all(b",\n")?;
        }
        for (j, line) in buf.split(|b| *b == b'\n').enumerate() {
            if j > 0 {
                out.write_all(b"\n")?;
            }
            out.write_all(b"  ")?;
            out.write_all(line)?;
        }
    }
    out.write_all(b"\n]\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(path: &str, line: u32, rule: &str, message: &str, hash: u64) -> crate::Finding {
        let at = shipshape_core::text::Position { line, column: 1 };
        crate::Finding {
            rule_id: rule.into(),
            slug: "some-rule".into(),
            severity: Severity::Warning,
            message: message.into(),
            location: crate::Location {
                path: path.into(),
                start: at,
                end: at,
            },
            fingerprint: crate::Fingerprint::of_hash(hash),
            ..crate::Finding::default()
        }
    }

    #[test]
    fn the_streamed_report_is_the_whole_array_serialised_at_once() {
        let catalog = Catalog::new(Vec::new()).expect("an empty catalog");
        let options = GitlabOptions::default();
        let mut report = Report::default();
        assert_eq!(gitlab(&report, &catalog, &options), "[]\n");
        report.findings = vec![
            finding(
                "./a/Dockerfile",
                3,
                "SS-X-001",
                "quote \" and line\nbreak ✓",
                7,
            ),
            finding("b/compose.yaml", 0, "SS-X-002", "two", 7),
            finding("b/compose.yaml", 9, "SS-X-002", "three", 8),
        ];
        let mut seen = HashMap::new();
        let whole: Vec<CodeQualityIssue> = report
            .findings
            .iter()
            .map(|f| issue(f, &mut seen, &catalog, &options))
            .collect();
        let expected = serde_json::to_string_pretty(&whole).unwrap() + "\n";
        assert_eq!(gitlab(&report, &catalog, &options), expected);
        assert!(expected.contains("\"fingerprint\": \"0000000000000007-2\""));
    }

    #[test]
    fn paths_are_relative_to_the_repository_root() {
        let root = Path::new("/builds/acme/shop");
        assert_eq!(
            relative_path("/builds/acme/shop/api/Dockerfile", Some(root)),
            "api/Dockerfile"
        );
        assert_eq!(relative_path("./compose.yaml", Some(root)), "compose.yaml");
        assert_eq!(relative_path("web/Dockerfile", None), "web/Dockerfile");
        // Outside the root there is nothing better to say than where it is.
        assert_eq!(
            relative_path("/etc/Dockerfile", Some(root)),
            "/etc/Dockerfile"
        );
    }
}
