//! SARIF 2.1.0, for GitHub code scanning and other consumers: our own small serde structs (the
//! format is large; we emit the part consumers read). `partialFingerprints` carry our
//! line-independent fingerprint so code scanning tracks a finding across commits.

use serde::Serialize;
use shipshape_core::Severity;

use crate::engine::Report;
use crate::rules;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    results: Vec<SarifResult>,
    column_kind: &'static str,
    original_uri_base_ids: serde_json::Value,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Text,
    default_configuration: Configuration,
    properties: serde_json::Value,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    partial_fingerprints: serde_json::Value,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
    snippet: Text,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative path as a URI reference: each segment percent-encoded where needed.
fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub fn sarif(report: &Report) -> String {
    let metas = rules::metas();
    let descriptors = metas
        .iter()
        .map(|m| ReportingDescriptor {
            id: m.id,
            name: m.slug,
            short_description: Text { text: m.title.to_string() },
            full_description: Text { text: m.rationale.to_string() },
            help: Text { text: m.fix.to_string() },
            default_configuration: Configuration { level: level(m.severity) },
            properties: serde_json::json!({ "equivalents": m.equivalents, "tags": [m.target.as_str()] }),
        })
        .collect();
    let results = report
        .findings
        .iter()
        .map(|f| SarifResult {
            rule_index: metas.iter().position(|m| m.id == f.rule_id).unwrap_or(0),
            rule_id: f.rule_id.clone(),
            level: level(f.severity),
            message: Text {
                text: f.message.clone(),
            },
            locations: vec![Location {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri: uri(&f.location.path),
                        uri_base_id: "%SRCROOT%",
                    },
                    region: Region {
                        start_line: f.location.start.line,
                        start_column: f.location.start.column,
                        end_line: f.location.end.line,
                        end_column: f.location.end.column,
                        snippet: Text {
                            text: f.snippet.clone(),
                        },
                    },
                },
            }],
            partial_fingerprints: serde_json::json!({ "shipshapeFingerprint/v1": f.fingerprint }),
        })
        .collect();
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "shipshape",
                    version: super::VERSION,
                    semantic_version: super::VERSION,
                    information_uri: "https://github.com/shipshape-dev/shipshape",
                    rules: descriptors,
                },
            },
            results,
            column_kind: "unicodeCodePoints",
            original_uri_base_ids: serde_json::json!({ "%SRCROOT%": { "uri": "file:///" } }),
        }],
    };
    serde_json::to_string_pretty(&log).expect("SARIF serialises") + "\n"
}
