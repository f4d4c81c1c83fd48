//! SARIF 2.1.0, for GitHub code scanning and other consumers: our own small serde structs (the
//! format is large; we emit the part consumers read). The run's `rules` are exactly the catalog
//! entries its results reference, so every `ruleIndex` points at the descriptor with the same
//! `ruleId`. Descriptors carry `helpUri`, `tags` and GitHub's `security-severity`;
//! `partialFingerprints` carry the line-independent fingerprint so code scanning tracks a finding
//! across commits.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::{Serialize, Serializer};
use shipshape_core::Severity;

use crate::catalog::Catalog;
use crate::finding::Finding;
use crate::fingerprint;
use crate::report::Report;
use crate::rule::{Domain, RuleInfo};
use crate::{TOOL_NAME, TOOL_VERSION};

/// Where relative result paths are rooted.
#[derive(Debug, Clone, Default)]
pub struct SarifOptions {
    /// Absolute path of the folder result paths are relative to (`%SRCROOT%`); `None` leaves the
    /// base undeclared, which consumers such as GitHub resolve against the repository root.
    pub srcroot: Option<std::path::PathBuf>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    results: Results<'a>,
    column_kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    original_uri_base_ids: Option<BTreeMap<&'static str, BaseUri>>,
}

#[derive(Serialize)]
struct BaseUri {
    uri: String,
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
struct Text<'a> {
    text: Cow<'a, str>,
}

#[derive(Serialize)]
struct Markdown {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: String,
    name: String,
    short_description: Text<'static>,
    full_description: Text<'static>,
    help: Markdown,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    properties: DescriptorProperties,
}

#[derive(Serialize)]
struct DescriptorProperties {
    tags: Vec<String>,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    equivalents: Vec<String>,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

/// One result, borrowing its finding: results are made one at a time as they are written.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    locations: [Location<'a>; 1],
    partial_fingerprints: PartialFingerprints<'a>,
}

/// `{ SARIF_KEY: fingerprint }`.
struct PartialFingerprints<'a>(&'a str);

impl Serialize for PartialFingerprints<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(fingerprint::SARIF_KEY, self.0)?;
        map.end()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation,
    region: Region<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region<'a> {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
    snippet: Text<'a>,
}

/// The results of a run, in report order, each made as it is written.
struct Results<'a> {
    findings: &'a [Finding],
    catalog: &'a Catalog,
    /// Catalog index of a rule → its descriptor's index in the run.
    position: &'a BTreeMap<usize, usize>,
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.findings.iter().filter_map(|f| {
            // A finding whose rule is not in the catalog would get a wrong index: leave it out
            // rather than point it at another rule (the catalog is built from the same checkers,
            // so this does not happen; a test guards it).
            let rule_index = *self.position.get(&self.catalog.index_of(&f.rule_id)?)?;
            Some(result(f, rule_index))
        }))
    }
}

fn result(f: &Finding, rule_index: usize) -> SarifResult<'_> {
    let message = match &f.provenance {
        Some(p) => Cow::Owned(format!("{} ({})", f.message, p.describe())),
        None => Cow::Borrowed(f.message.as_str()),
    };
    SarifResult {
        rule_index,
        rule_id: &f.rule_id,
        level: level(f.severity),
        message: Text { text: message },
        locations: [Location {
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
                        text: Cow::Borrowed(&f.snippet),
                    },
                },
            },
        }],
        partial_fingerprints: PartialFingerprints(&f.fingerprint),
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative path as a URI reference: each byte outside the unreserved set percent-encoded.
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

/// An absolute folder as a `file://` URI ending in `/`.
fn folder_uri(path: &std::path::Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let s = s.trim_end_matches('/');
    if s.is_empty() {
        return "file:///".to_string();
    }
    let lead = if s.starts_with('/') { "" } else { "/" };
    format!("file://{lead}{}/", uri(s))
}

/// GitHub ranks security alerts by this score (0–10): secrets highest, then errors, warnings.
fn security_severity(rule: &RuleInfo) -> Option<String> {
    let score = match (rule.domain, rule.severity) {
        (Domain::Engine, _) => return None,
        (_, Severity::Info) => return None,
        (Domain::Secrets, Severity::Error) => 9.0,
        (Domain::Secrets, Severity::Warning) => 7.0,
        (_, Severity::Error) => 7.5,
        (_, Severity::Warning) => 5.0,
    };
    Some(format!("{score:.1}"))
}

fn descriptor(rule: &RuleInfo) -> ReportingDescriptor {
    let security = security_severity(rule);
    let mut tags = vec![rule.domain.name().to_string()];
    if security.is_some() {
        tags.push("security".into());
    }
    let mut help = String::new();
    for (h, t) in [
        ("What it does", &rule.docs.what),
        ("Why is this bad?", &rule.docs.why),
        ("Example", &rule.docs.example),
        ("Fix", &rule.docs.fix),
    ] {
        if !t.is_empty() {
            help.push_str(&format!("## {h}\n{t}\n\n"));
        }
    }
    ReportingDescriptor {
        id: rule.id.to_string(),
        name: rule.slug.to_string(),
        short_description: Text {
            text: Cow::Owned(rule.title.to_string()),
        },
        full_description: Text {
            text: Cow::Owned(if rule.docs.why.is_empty() {
                rule.title.to_string()
            } else {
                rule.docs.short_why()
            }),
        },
        help: Markdown {
            text: rule.docs.short_fix(),
            markdown: help.trim_end().to_string(),
        },
        help_uri: rule.help_uri(),
        default_configuration: Configuration {
            level: level(rule.severity),
        },
        properties: DescriptorProperties {
            tags,
            security_severity: security,
            equivalents: rule.equivalents.iter().map(|e| e.to_string()).collect(),
        },
    }
}

pub fn sarif(report: &Report, catalog: &Catalog, options: &SarifOptions) -> String {
    super::to_string(|out| write_sarif(out, report, catalog, options))
}

/// The SARIF log, written to `out` result by result.
pub fn write_sarif(
    out: &mut dyn Write,
    report: &Report,
    catalog: &Catalog,
    options: &SarifOptions,
) -> io::Result<()> {
    // The descriptors are the rules the results reference, in catalog (ID) order.
    let mut used = vec![false; catalog.len()];
    for f in &report.findings {
        if let Some(i) = catalog.index_of(&f.rule_id) {
            used[i] = true;
        }
    }
    let referenced: Vec<usize> = (0..used.len()).filter(|&i| used[i]).collect();
    let position: BTreeMap<usize, usize> = referenced
        .iter()
        .enumerate()
        .map(|(pos, &cat)| (cat, pos))
        .collect();
    let descriptors = referenced
        .iter()
        .map(|&i| descriptor(&catalog.rules()[i]))
        .collect();
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: TOOL_NAME,
                    version: TOOL_VERSION,
                    semantic_version: TOOL_VERSION,
                    information_uri: "https://github.com/shipshape-dev/shipshape",
                    rules: descriptors,
                },
            },
            results: Results {
                findings: &report.findings,
                catalog,
                position: &position,
            },
            column_kind: "unicodeCodePoints",
            original_uri_base_ids: options.srcroot.as_ref().map(|root| {
                BTreeMap::from([(
                    "%SRCROOT%",
                    BaseUri {
                        uri: folder_uri(root),
                    },
                )])
            }),
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_uris_are_absolute_and_end_in_a_slash() {
        assert_eq!(
            folder_uri(std::path::Path::new("/work/my repo")),
            "file:///work/my%20repo/"
        );
        assert_eq!(folder_uri(std::path::Path::new("/")), "file:///");
    }
}
