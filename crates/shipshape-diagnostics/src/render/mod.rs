//! Renderers: thin functions from a [`Report`] and the [`Catalog`] that describes its rules to
//! text in each output format. Every format carries the same findings; none of them ever sees a
//! secret value (findings are redacted when they are made).
//!
//! Each format is written as it is produced (`write_*` into any [`std::io::Write`]): a report of
//! half a million findings is never held a second time as one string or as a tree of values. The
//! `String`-returning functions are the same renderers writing into memory, for tests and callers
//! that want the text.

mod github;
mod gitlab;
mod human;
mod junit;
mod sarif;

pub use github::{github, write_github};
pub use gitlab::{gitlab, write_gitlab, GitlabOptions};
pub use human::{explain, human, rules_table, write_human};
pub use junit::{junit, write_junit};
pub use sarif::{sarif, write_sarif, SarifOptions};

use std::io::{self, Write};
use std::sync::OnceLock;

use serde::ser::{Serialize, Serializer};
use shipshape_core::{Severity, Skipped};

use crate::catalog::Catalog;
use crate::finding::{Finding, Location, Provenance};
use crate::report::{HistoryStats, Report};
use crate::rule::{Domain, RuleInfo};
use crate::{JSON_SCHEMA_VERSION, TOOL_NAME, TOOL_VERSION};

/// The tool, as JSON documents name it.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct JsonTool {
    pub name: &'static str,
    pub version: &'static str,
}

pub const TOOL: JsonTool = JsonTool {
    name: TOOL_NAME,
    version: TOOL_VERSION,
};

/// What every format repeats for each finding of a rule — its one-paragraph fix, its
/// documentation link, its peers' IDs — worked out once per rule, not once per finding.
pub(crate) struct RuleTexts<'c> {
    catalog: &'c Catalog,
    cells: Vec<OnceLock<RuleText<'c>>>,
}

pub(crate) struct RuleText<'c> {
    pub rule: &'c RuleInfo,
    pub fix: String,
    pub help_uri: Option<String>,
    pub equivalents: Vec<&'c str>,
    /// The JSON fields a finding of this rule ends with (see [`JsonTail`]), escaped once.
    json_tail: OnceLock<Vec<u8>>,
}

impl<'c> RuleTexts<'c> {
    pub(crate) fn new(catalog: &'c Catalog) -> RuleTexts<'c> {
        RuleTexts {
            catalog,
            cells: (0..catalog.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The texts of the rule with this ID, `None` for a rule the catalog does not know.
    pub(crate) fn get(&self, rule_id: &str) -> Option<&RuleText<'c>> {
        let i = self.catalog.index_of(rule_id)?;
        Some(self.cells[i].get_or_init(|| {
            let rule = &self.catalog.rules()[i];
            RuleText {
                rule,
                fix: rule.docs.short_fix(),
                help_uri: rule.help_uri(),
                equivalents: rule.equivalents.iter().map(|e| e.as_ref()).collect(),
                json_tail: OnceLock::new(),
            }
        }))
    }

    /// The one-paragraph fix of a rule (empty for an unknown rule).
    pub(crate) fn fix(&self, rule_id: &str) -> &str {
        self.get(rule_id).map_or("", |t| t.fix.as_str())
    }
}

/// Run a `write_*` renderer into memory.
pub(crate) fn to_string(write: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> String {
    let mut buf = Vec::new();
    write(&mut buf).expect("writing to memory does not fail");
    // Every renderer writes UTF-8 text.
    String::from_utf8(buf).expect("renderers write UTF-8")
}

#[derive(serde::Serialize, schemars::JsonSchema)]
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
#[derive(serde::Serialize, schemars::JsonSchema)]
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
    fix: &'a str,
    equivalents: &'a [&'a str],
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<&'a str>,
}

/// The fields of a [`JsonFinding`] that come from its rule alone (its fix, peers, link): the
/// same for every finding of the rule, so written once and copied (escaping them again for
/// every finding was 4 % of an audit).
#[derive(serde::Serialize)]
struct JsonTail<'a> {
    fix: &'a str,
    equivalents: &'a [&'a str],
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<&'a str>,
}

/// How a finding object written two levels deep closes.
const FINDING_CLOSE: &[u8] = b"\n    }";

impl<'a> JsonTail<'a> {
    fn of(rule: Option<&'a RuleText<'a>>) -> JsonTail<'a> {
        JsonTail {
            fix: rule.map_or("", |r| r.fix.as_str()),
            equivalents: rule.map_or(&[], |r| r.equivalents.as_slice()),
            help_uri: rule.and_then(|r| r.help_uri.as_deref()),
        }
    }

    /// The bytes that follow a finding's last own field, two levels deep: a comma, then these
    /// fields as the whole finding would write them (without its closing brace).
    fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut out, Nested::at(2));
        self.serialize(&mut ser)
            .expect("writing to memory does not fail");
        // `{` … `\n    }`: the fields inside, each on its own line.
        let inner = &out[1..out.len() - FINDING_CLOSE.len()];
        let mut tail = Vec::with_capacity(inner.len() + 1);
        tail.push(b',');
        tail.extend_from_slice(inner);
        tail
    }
}

/// A finding written as [`JsonFinding`] writes it two levels deep in the document: the keys
/// are constants and the finding's strings are escaped as serde_json escapes them (a derived
/// serialisation spent most of its time escaping the keys and the path); its rule's fields are
/// copied from their cached bytes.
fn write_json_finding(
    buf: &mut Vec<u8>,
    f: &Finding,
    rule: Option<&RuleText<'_>>,
    unknown_tail: &[u8],
) -> io::Result<()> {
    buf.extend_from_slice(b"{\n      \"rule_id\": ");
    write_json_str(buf, &f.rule_id);
    buf.extend_from_slice(b",\n      \"slug\": ");
    write_json_str(buf, &f.slug);
    buf.extend_from_slice(b",\n      \"domain\": ");
    match rule {
        Some(r) => serde_json::to_writer(&mut *buf, &r.rule.domain)?,
        None => buf.extend_from_slice(b"null"),
    }
    buf.extend_from_slice(b",\n      \"severity\": ");
    write_json_str(buf, f.severity.as_str());
    buf.extend_from_slice(b",\n      \"message\": ");
    write_json_str(buf, &f.message);
    buf.extend_from_slice(b",\n      \"location\": {\n        \"path\": ");
    write_json_str(buf, &f.location.path);
    let mut digits = itoa::Buffer::new();
    for (key, at) in [
        (
            &b",\n        \"start\": {\n          \"line\": "[..],
            f.location.start,
        ),
        (
            &b"\n        },\n        \"end\": {\n          \"line\": "[..],
            f.location.end,
        ),
    ] {
        buf.extend_from_slice(key);
        buf.extend_from_slice(digits.format(at.line).as_bytes());
        buf.extend_from_slice(b",\n          \"column\": ");
        buf.extend_from_slice(digits.format(at.column).as_bytes());
    }
    buf.extend_from_slice(b"\n        }\n      },\n      \"snippet\": ");
    write_json_str(buf, &f.snippet);
    buf.extend_from_slice(b",\n      \"fingerprint\": ");
    write_json_str(buf, f.fingerprint.as_str());
    if let Some(p) = f.provenance.as_deref() {
        buf.extend_from_slice(b",\n      \"provenance\": ");
        // Rare (history scans): three levels deep, as the derived serialisation writes it.
        let mut ser = serde_json::Serializer::with_formatter(&mut *buf, Nested::at(3));
        p.serialize(&mut ser).map_err(io::Error::from)?;
    }
    match rule {
        Some(r) => buf.extend_from_slice(r.json_tail.get_or_init(|| JsonTail::of(Some(r)).bytes())),
        None => buf.extend_from_slice(unknown_tail),
    }
    buf.extend_from_slice(FINDING_CLOSE);
    Ok(())
}

/// What serde_json writes for each byte of a string: 0 for the byte itself, else the letter of
/// its short escape (`\n`), or `u` for `\u00XX`.
static JSON_ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = b'u';
        b += 1;
    }
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0a] = b'n';
    t[0x0c] = b'f';
    t[0x0d] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

/// Whether any of the eight bytes of `w` is one [`JSON_ESCAPE`] escapes: a control character
/// (below 0x20), `"` or `\`. Each test is exact for "some byte of the word" (the borrows it
/// may carry only ever move the flag to a higher byte).
#[inline]
fn word_needs_escape(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let control = w.wrapping_sub(ONES * 0x20) & !w;
    let quote = w ^ (ONES * u64::from(b'"'));
    let backslash = w ^ (ONES * u64::from(b'\\'));
    let quote = quote.wrapping_sub(ONES) & !quote;
    let backslash = backslash.wrapping_sub(ONES) & !backslash;
    (control | quote | backslash) & HIGH != 0
}

/// `s` as a JSON string, byte for byte what serde_json writes. Eight bytes at a time are
/// skipped while none of them needs escaping (most of a report is paths, messages and snippets
/// with nothing to escape, and the byte loop was 5 % of an audit).
fn write_json_str(buf: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    buf.reserve(bytes.len() + 2);
    buf.push(b'"');
    let n = bytes.len();
    let mut start = 0;
    let mut i = 0;
    while i < n {
        // The eight bytes from `i`; at the tail the last eight (they hold the tail), or the
        // whole of a shorter string padded with a byte that needs no escape.
        let w = match bytes.get(i..i + 8) {
            Some(chunk) => u64::from_le_bytes(chunk.try_into().expect("eight bytes")),
            None if n >= 8 => u64::from_le_bytes(bytes[n - 8..].try_into().expect("eight bytes")),
            None => {
                let mut padded = [b'a'; 8];
                padded[..n - i].copy_from_slice(&bytes[i..]);
                u64::from_le_bytes(padded)
            }
        };
        let stop = (i + 8).min(n);
        if !word_needs_escape(w) {
            i = stop;
            continue;
        }
        // A byte at a time to the end of this word (or of the string).
        while i < stop {
            let b = bytes[i];
            let esc = JSON_ESCAPE[usize::from(b)];
            if esc != 0 {
                buf.extend_from_slice(&bytes[start..i]);
                if esc == b'u' {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    buf.extend_from_slice(b"\\u00");
                    buf.push(HEX[usize::from(b >> 4)]);
                    buf.push(HEX[usize::from(b & 0xf)]);
                } else {
                    buf.push(b'\\');
                    buf.push(esc);
                }
                start = i + 1;
            }
            i += 1;
        }
    }
    buf.extend_from_slice(&bytes[start..]);
    buf.push(b'"');
}

impl<'a> JsonFinding<'a> {
    fn new(f: &'a Finding, rule: Option<&'a RuleText<'a>>) -> JsonFinding<'a> {
        JsonFinding {
            rule_id: &f.rule_id,
            slug: &f.slug,
            domain: rule.map(|r| r.rule.domain),
            severity: f.severity,
            message: &f.message,
            location: &f.location,
            snippet: &f.snippet,
            fingerprint: &f.fingerprint,
            provenance: f.provenance.as_deref(),
            fix: rule.map_or("", |r| r.fix.as_str()),
            equivalents: rule.map_or(&[], |r| r.equivalents.as_slice()),
            help_uri: rule.and_then(|r| r.help_uri.as_deref()),
        }
    }
}

/// The findings of a report as a JSON array, each made as it is written.
struct JsonFindings<'a> {
    findings: &'a [Finding],
    texts: &'a RuleTexts<'a>,
}

impl Serialize for JsonFindings<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.findings
                .iter()
                .map(|f| JsonFinding::new(f, self.texts.get(&f.rule_id))),
        )
    }
}

/// `audit --format json` and `secrets --format json`: the findings of a run with what the catalog
/// says about each finding's rule, what was skipped, and (for a history scan) its counters.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct JsonReport<'a> {
    schema_version: &'static str,
    tool: JsonTool,
    summary: JsonSummary,
    #[schemars(with = "Vec<JsonFinding<'static>>")]
    findings: JsonFindings<'a>,
    skipped: &'a [Skipped],
    notes: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    history: Option<&'a HistoryStats>,
}

/// The versioned JSON report.
pub fn json(report: &Report, catalog: &Catalog) -> String {
    to_string(|out| write_json(out, report, catalog))
}

/// The versioned JSON report, written to `out`. The findings, nearly all of a large report, are
/// rendered on every core a window at a time (memory stays bounded) and written in order; the
/// bytes are those of serialising the whole document at once (tested).
pub fn write_json(out: &mut dyn Write, report: &Report, catalog: &Catalog) -> io::Result<()> {
    use rayon::prelude::*;
    /// Findings rendered before their bytes are written: a few MiB.
    const WINDOW: usize = 4096;
    const CHUNK: usize = 128;
    let texts = RuleTexts::new(catalog);
    // The document with no findings, then the findings spliced in where its empty array is.
    let mut head = Vec::new();
    serde_json::to_writer_pretty(&mut head, &json_document(report, &texts, &[]))
        .map_err(io::Error::from)?;
    head.push(b'\n');
    const EMPTY: &[u8] = b"\n  \"findings\": []";
    // The fields before `findings` hold no text from the repository, so the first match is it.
    let at = match memchr::memmem::find(&head, EMPTY) {
        Some(at) if !report.findings.is_empty() => at,
        _ => {
            // No findings: the document as it is.
            let doc = json_document(report, &texts, &report.findings);
            serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
            return out.write_all(b"\n");
        }
    };
    let open = at + EMPTY.len() - 1;
    let unknown_tail = JsonTail::of(None).bytes();
    out.write_all(&head[..open])?;
    for (w, window) in report.findings.chunks(WINDOW).enumerate() {
        let parts: Vec<io::Result<Vec<u8>>> = window
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, chunk)| {
                let mut buf = Vec::with_capacity(chunk.len() * 1024);
                for (i, f) in chunk.iter().enumerate() {
                    let first = w == 0 && c == 0 && i == 0;
                    if !first {
                        buf.push(b',');
                    }
                    buf.extend_from_slice(b"\n    ");
                    // Two levels deep in the document (`findings` of the top object), written
                    // in place.
                    write_json_finding(&mut buf, f, texts.get(&f.rule_id), &unknown_tail)?;
                }
                Ok(buf)
            })
            .collect();
        for part in parts {
            out.write_all(&part?)?;
        }
    }
    out.write_all(b"\n  ]")?;
    out.write_all(&head[open + 1..])
}

/// serde_json's pretty formatter (two spaces a level) starting `level` levels deep: a value
/// written on its own comes out as it would inside the document.
struct Nested {
    level: usize,
    has_value: bool,
}

impl Nested {
    fn at(level: usize) -> Nested {
        Nested {
            level,
            has_value: false,
        }
    }

    fn indent<W: ?Sized + Write>(&self, writer: &mut W) -> io::Result<()> {
        for _ in 0..self.level {
            writer.write_all(b"  ")?;
        }
        Ok(())
    }

    /// `[` or `{`: one level deeper, nothing in it yet.
    fn open<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    /// `]` or `}`: on a line of its own at the outer level when the container held anything.
    fn close<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            writer.write_all(b"\n")?;
            self.indent(writer)?;
        }
        writer.write_all(bracket)
    }

    /// The line break (and comma) before an array item or an object key.
    fn next_item<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        writer.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(writer)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.next_item(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.next_item(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

fn json_document<'a>(
    report: &'a Report,
    texts: &'a RuleTexts<'a>,
    findings: &'a [Finding],
) -> JsonReport<'a> {
    JsonReport {
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
        findings: JsonFindings { findings, texts },
        skipped: &report.skipped,
        notes: &report.notes,
        history: report.history.as_ref(),
    }
}

/// One catalog entry as `rules --format json` lists it.
#[derive(serde::Serialize, schemars::JsonSchema)]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::{RuleDocs, RuleOrigin};
    use shipshape_core::text::Position;
    use std::borrow::Cow;

    fn finding(i: usize) -> Finding {
        let at = Position {
            line: i as u32 + 1,
            column: 3,
        };
        Finding {
            // A rule with peers and a link, one with neither, one the catalog does not know.
            rule_id: match i % 3 {
                0 => "SS-DOCKER-004",
                1 => "SS-SECRET-900",
                _ => "SS-OTHER-999",
            }
            .into(),
            provenance: i.is_multiple_of(5).then(|| {
                Box::new(Provenance {
                    commit: "abc".into(),
                    path: "a \"b\"".into(),
                    author: "ä".into(),
                    date: "2024-01-01".into(),
                    commits: i,
                    in_working_tree: i.is_multiple_of(2),
                })
            }),
            slug: "no-latest-tag".into(),
            severity: Severity::Warning,
            // Line breaks, quotes, backslashes and non-ASCII text inside strings.
            message: format!("finding {i}: \"quoted\"\nsecond line \\ é ✓"),
            location: Location {
                path: format!("dir {}/Dockerfile", i % 7).into(),
                start: at,
                end: at,
            },
            snippet: "RUN a \\\n  && b".into(),
            fingerprint: crate::Fingerprint::of_hash(i as u64),
            ..Finding::default()
        }
    }

    fn catalog() -> Catalog {
        Catalog::new(vec![
            RuleInfo {
                id: Cow::Borrowed("SS-DOCKER-004"),
                slug: Cow::Borrowed("no-latest-tag"),
                domain: Domain::Dockerfile,
                severity: Severity::Warning,
                title: Cow::Borrowed("t"),
                docs: RuleDocs {
                    fix: Cow::Borrowed("Pin `\"image:1.2\"` \\ with a tab\there, é ✓.\n\nMore."),
                    ..RuleDocs::default()
                },
                equivalents: vec![
                    Cow::Borrowed("hadolint:DL3007"),
                    Cow::Borrowed("trivy:\"DS\""),
                ],
                origin: RuleOrigin::Builtin,
            },
            RuleInfo {
                id: Cow::Borrowed("SS-SECRET-900"),
                slug: Cow::Borrowed("custom"),
                domain: Domain::Secrets,
                severity: Severity::Error,
                title: Cow::Borrowed("t"),
                docs: RuleDocs::default(),
                equivalents: Vec::new(),
                origin: RuleOrigin::Config,
            },
        ])
        .unwrap()
    }

    /// The whole document serialised in one go: what `write_json` must write byte for byte.
    fn at_once(report: &Report, catalog: &Catalog) -> String {
        let texts = RuleTexts::new(catalog);
        let mut s =
            serde_json::to_string_pretty(&json_document(report, &texts, &report.findings)).unwrap();
        s.push('\n');
        s
    }

    /// Every byte at every place of a word of any one other byte: the eight-byte test says what
    /// the byte table says.
    #[test]
    fn the_word_test_is_the_byte_table_for_every_byte_and_place() {
        for fill in 0..=255u8 {
            for b in 0..=255u8 {
                for at in 0..8 {
                    let mut bytes = [fill; 8];
                    bytes[at] = b;
                    let want =
                        JSON_ESCAPE[usize::from(fill)] != 0 || JSON_ESCAPE[usize::from(b)] != 0;
                    assert_eq!(
                        word_needs_escape(u64::from_le_bytes(bytes)),
                        want,
                        "{bytes:?}"
                    );
                }
            }
        }
    }

    proptest::proptest! {
        /// Strings are escaped byte for byte as serde_json escapes them: control characters,
        /// quotes, backslashes, DEL and non-ASCII text included.
        #[test]
        fn json_strings_are_escaped_as_serde_json_escapes_them(
            s in "(?s)[\\x00-\\x20\"\\\\\\x7fa-zé✓\\u{10000}]{0,40}|.{0,40}"
        ) {
            let mut buf = Vec::new();
            write_json_str(&mut buf, &s);
            proptest::prop_assert_eq!(String::from_utf8(buf).unwrap(), serde_json::to_string(&s).unwrap());
        }

        /// Long strings with escapes anywhere (the eight-byte skip and the byte loop meet at
        /// every alignment) are escaped as serde_json escapes them.
        #[test]
        fn long_json_strings_are_escaped_as_serde_json_escapes_them(
            s in "(?s)([a-z/._ -]{0,23}[\\x00-\\x1f\"\\\\\\x7fé✓]?){0,12}"
        ) {
            let mut buf = Vec::new();
            write_json_str(&mut buf, &s);
            proptest::prop_assert_eq!(String::from_utf8(buf).unwrap(), serde_json::to_string(&s).unwrap());
        }

        /// The eight-byte test is the byte table, for any eight bytes.
        #[test]
        fn the_word_test_is_the_byte_table(
            bytes in proptest::array::uniform8(proptest::prop_oneof![
                proptest::num::u8::ANY,
                proptest::sample::select(vec![0u8, 1, 0x1f, 0x20, 0x21, b'"', b'\\', 0x7f, 0x80, 0x9f, 0xa0, 0xdc, 0xff]),
            ])
        ) {
            proptest::prop_assert_eq!(
                word_needs_escape(u64::from_le_bytes(bytes)),
                bytes.iter().any(|&b| JSON_ESCAPE[usize::from(b)] != 0)
            );
        }

        /// A finding written by hand is the derived serialisation of [`JsonFinding`] two levels
        /// deep, whatever its strings and numbers, with or without a rule the catalog knows.
        #[test]
        fn a_finding_is_written_as_its_derived_serialisation(
            message in "(?s).{0,30}",
            path in "(?s).{0,30}",
            snippet in "(?s).{0,30}",
            numbers in proptest::array::uniform4(proptest::num::u32::ANY),
            which in 0usize..6,
        ) {
            let catalog = catalog();
            let texts = RuleTexts::new(&catalog);
            let mut f = finding(which);
            f.message = message;
            f.location.path = path.into();
            f.snippet = snippet.into();
            f.location.start = Position { line: numbers[0], column: numbers[1] };
            f.location.end = Position { line: numbers[2], column: numbers[3] };
            let rule = texts.get(&f.rule_id);
            let mut want = Vec::new();
            let mut ser = serde_json::Serializer::with_formatter(&mut want, Nested::at(2));
            JsonFinding::new(&f, rule).serialize(&mut ser).unwrap();
            let mut got = Vec::new();
            write_json_finding(&mut got, &f, rule, &JsonTail::of(None).bytes()).unwrap();
            proptest::prop_assert_eq!(String::from_utf8(got).unwrap(), String::from_utf8(want).unwrap());
        }
    }

    #[test]
    fn findings_rendered_in_parallel_windows_are_the_document_serialised_at_once() {
        let catalog = catalog();
        // None, one, and enough to cross chunk and window boundaries.
        for n in [0, 1, 2, 129, 4097, 9000] {
            let report = Report {
                findings: (0..n).map(finding).collect(),
                files_audited: 3,
                rules_run: 2,
                notes: vec!["a note with \"findings\": [] inside".into()],
                ..Report::default()
            };
            assert_eq!(
                json(&report, &catalog),
                at_once(&report, &catalog),
                "{n} findings"
            );
        }
    }
}
