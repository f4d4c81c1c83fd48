//! Renderers: thin functions from a [`Report`] and the [`Catalog`] that describes its rules to
//! text in each output format. Every format carries the same findings; none of them ever sees a
//! secret value (findings are redacted when they are made).

mod github;
mod human;
mod junit;
mod sarif;

pub use github::github;
pub use human::{explain, human, rules_table};
pub use junit::junit;
pub use sarif::{sarif, SarifOptions};

use serde::Serialize;
use shipshape_core::{Severity, Skipped};

use crate::catalog::Catalog;
use crate::finding::{Finding, Location, Provenance};
use crate::report::{HistoryStats, Report};
use crate::rule::{Domain, RuleInfo};
use crate::{JSON_SCHEMA_VERSION, TOOL_NAME, TOOL_VERSION};

/// The tool, as JSON documents name it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct JsonTool {
    pub name: &'static str,
    pub version: &'static str,
}

pub const TOOL: JsonTool = JsonTool {
    name: TOOL_NAME,
    version: TOOL_VERSION,
};

#[derive(Serialize, schemars::JsonSchema)]
struct JsonSummary {
    files_audited: usize,
    rules_run: usize,
    findings: usize,
    errors: usize,
    warnings: usize,
    info: usize,
    suppressed: usize,
    baselined: usize,
    skipped: usize,
}

/// A finding as JSON shows it: the finding plus what the catalog says about its rule.
#[derive(Serialize, schemars::JsonSchema)]
struct JsonFinding<'a> {
    rule_id: &'a str,
    slug: &'a str,
    domain: Option<Domain>,
    severity: Severity,
    message: &'a str,
    location: &'a Location,
    snippet: &'a str,
    fingerprint: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    provenance: Option<&'a Provenance>,
    fix: String,
    equivalents: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
}

impl<'a> JsonFinding<'a> {
    fn new(f: &'a Finding, rule: Option<&'a RuleInfo>) -> JsonFinding<'a> {
        JsonFinding {
            rule_id: &f.rule_id,
            slug: &f.slug,
            domain: rule.map(|r| r.domain),
            severity: f.severity,
            message: &f.message,
            location: &f.location,
            snippet: &f.snippet,
            fingerprint: &f.fingerprint,
            provenance: f.provenance.as_ref(),
            fix: rule.map(|r| r.docs.short_fix()).unwrap_or_default(),
            equivalents: rule
                .map(|r| r.equivalents.iter().map(|e| e.as_ref()).collect())
                .unwrap_or_default(),
            help_uri: rule.and_then(|r| r.help_uri()),
        }
    }
}

/// `audit --format json` and `secrets --format json`: the findings of a run with what the catalog
/// says about each finding's rule, what was skipped, and (for a history scan) its counters.
#[derive(Serialize, schemars::JsonSchema)]
pub struct JsonReport<'a> {
    schema_version: &'static str,
    tool: JsonTool,
    summary: JsonSummary,
    findings: Vec<JsonFinding<'a>>,
    skipped: &'a [Skipped],
    notes: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    history: Option<&'a HistoryStats>,
}

/// The versioned JSON report.
pub fn json(report: &Report, catalog: &Catalog) -> String {
    let doc = JsonReport {
        schema_version: JSON_SCHEMA_VERSION,
        tool: TOOL,
        summary: JsonSummary {
            files_audited: report.files_audited,
            rules_run: report.rules_run,
            findings: report.findings.len(),
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            info: report.count(Severity::Info),
            suppressed: report.suppressed,
            baselined: report.baselined,
            skipped: report.skipped.len(),
        },
        findings: report
            .findings
            .iter()
            .map(|f| JsonFinding::new(f, catalog.get(&f.rule_id)))
            .collect(),
        skipped: &report.skipped,
        notes: &report.notes,
        history: report.history.as_ref(),
    };
    serde_json::to_string_pretty(&doc).expect("report serialises") + "\n"
}

/// One catalog entry as `rules --format json` lists it.
#[derive(Serialize, schemars::JsonSchema)]
pub struct JsonRule<'a> {
    id: &'a str,
    slug: &'a str,
    domain: Domain,
    severity: Severity,
    title: &'a str,
    origin: crate::rule::RuleOrigin,
    what: &'a str,
    why: &'a str,
    fix: &'a str,
    equivalents: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
}

/// Every rule of the catalog as JSON.
pub fn rules_json(catalog: &Catalog) -> String {
    let list: Vec<JsonRule> = catalog
        .rules()
        .iter()
        .map(|r| JsonRule {
            id: &r.id,
            slug: &r.slug,
            domain: r.domain,
            severity: r.severity,
            title: &r.title,
            origin: r.origin,
            what: &r.docs.what,
            why: &r.docs.why,
            fix: &r.docs.fix,
            equivalents: r.equivalents.iter().map(|e| e.as_ref()).collect(),
            help_uri: r.help_uri(),
        })
        .collect();
    serde_json::to_string_pretty(&list).expect("rules serialise") + "\n"
}
