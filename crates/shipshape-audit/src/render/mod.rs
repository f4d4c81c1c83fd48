//! Renderers: thin functions from a [`Report`] to text in each output format. Every format
//! carries the same findings; none of them ever sees a secret value (snippets are masked when
//! findings are made).

mod github;
mod human;
mod junit;
mod sarif;

pub use github::github;
pub use human::{explain, human};
pub use junit::junit;
pub use sarif::sarif;

use serde::Serialize;
use shipshape_core::{Finding, Severity};

use crate::engine::Report;

/// Version of the JSON report format; bumped on breaking changes.
pub const JSON_SCHEMA_VERSION: &str = "1";

#[derive(Serialize)]
struct JsonSummary {
    files_audited: usize,
    rules_run: usize,
    findings: usize,
    errors: usize,
    warnings: usize,
    info: usize,
    suppressed: usize,
    baselined: usize,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: &'static str,
    tool: JsonTool,
    summary: JsonSummary,
    findings: &'a [Finding],
}

#[derive(Serialize)]
struct JsonTool {
    name: &'static str,
    version: &'static str,
}

pub(crate) const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The versioned JSON report.
pub fn json(report: &Report) -> String {
    let doc = JsonReport {
        schema_version: JSON_SCHEMA_VERSION,
        tool: JsonTool {
            name: "shipshape",
            version: VERSION,
        },
        summary: JsonSummary {
            files_audited: report.files_audited,
            rules_run: report.rules_run,
            findings: report.findings.len(),
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            info: report.count(Severity::Info),
            suppressed: report.suppressed,
            baselined: report.baselined,
        },
        findings: &report.findings,
    };
    serde_json::to_string_pretty(&doc).expect("report serialises") + "\n"
}
