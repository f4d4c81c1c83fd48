//! Findings: what a checker reports. A finding names its rule, says what is wrong and where — the
//! exact start and end line and column of the offending token — shows the source line with every
//! secret on it masked, and carries a fingerprint that stays the same when the finding moves.
//! A finding from git history also says where the problem first appeared ([`Provenance`]).
//!
//! Checkers never build findings by hand: [`FindingBuilder`] applies the redaction policy and the
//! fingerprint scheme, the same for every checker.

use std::borrow::Cow;
use std::hash::{BuildHasher, Hasher};
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};
use shipshape_core::text::{LineIndex, Position, Span};
use shipshape_core::Severity;

use crate::fingerprint::{self, Fingerprint};
use crate::redact;
use crate::rule::{RuleInfo, RuleMeta};
use crate::shared::SharedStr;

/// Where a finding is: the file and the exact range of the offending token.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema, Deserialize,
)]
pub struct Location {
    // One allocation shared by every finding in the file (not part of the published schema).
    pub path: SharedStr,
    pub start: Position,
    /// Exclusive end.
    pub end: Position,
}

/// Where a finding seen in git history comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Provenance {
    /// The first commit (oldest by commit time) that carries the problem.
    pub commit: String,
    /// The path it had in that commit.
    pub path: String,
    pub author: String,
    /// Commit date (committer time), ISO 8601.
    pub date: String,
    /// How many of the scanned commits carry it at this path.
    pub commits: usize,
    /// Whether the working tree still has it (false: it is in history only).
    #[serde(default)]
    pub in_working_tree: bool,
}

impl Provenance {
    /// One sentence for human output.
    pub fn describe(&self) -> String {
        let commit: String = self.commit.chars().take(12).collect();
        let place = if self.in_working_tree {
            "still in the working tree"
        } else {
            "in git history only"
        };
        format!(
            "{place}; first committed in {commit} by {} on {}, in {} commit(s)",
            self.author, self.date, self.commits
        )
    }
}

/// One thing wrong, ready to render. Holds no secret: snippet and message are redacted when the
/// finding is made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The rule's ID (shared by every finding of the rule).
    pub rule_id: SharedStr,
    pub slug: SharedStr,
    pub severity: Severity,
    pub message: String,
    pub location: Location,
    /// The source lines the location covers, every secret on them masked (shared by the
    /// findings that quote the same lines).
    pub snippet: SharedStr,
    /// Stable identity: see [`fingerprint`](crate::fingerprint).
    pub fingerprint: Fingerprint,
    /// Where a finding from git history first appeared (boxed: nearly every finding has none,
    /// and a report holds hundreds of thousands).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
    /// What a finding that masks something keeps about it (never serialised; boxed for the same
    /// reason as `provenance`).
    #[serde(skip)]
    pub masked: Option<Box<Masked>>,
}

/// A finding that says nothing (no rule, no path, `info`, line 0): a slot to fill, or the base
/// a test sets its few fields on. Allocates nothing.
impl Default for Finding {
    fn default() -> Finding {
        let at = Position { line: 0, column: 0 };
        Finding {
            rule_id: SharedStr::default(),
            slug: SharedStr::default(),
            severity: Severity::Info,
            message: String::new(),
            location: Location {
                path: SharedStr::default(),
                start: at,
                end: at,
            },
            snippet: SharedStr::default(),
            fingerprint: Fingerprint::default(),
            provenance: None,
            masked: None,
        }
    }
}

/// What a finding that masks a secret (or another value) keeps about it, for the run only.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Masked {
    /// Byte ranges of the secrets this finding masks, in its file: lets one secret seen by two
    /// checkers be reported once.
    pub secret_spans: Vec<Span>,
    /// The underlined bytes of `snippet` (after masking), for the human renderer.
    pub underline: Option<(usize, usize)>,
    /// A per-process keyed hash of the secret value (never stable across runs): recognises the
    /// same secret in the working tree and in history.
    pub secret_identity: Option<u64>,
}

impl Finding {
    /// Sort key: path, position, rule.
    pub fn sort_key(&self) -> (&str, Position, &str) {
        (&self.location.path, self.location.start, &self.rule_id)
    }

    /// Whether this finding masks a secret.
    pub fn holds_secret(&self) -> bool {
        !self.secret_spans().is_empty() || self.secret_identity().is_some()
    }

    /// Byte ranges of the secrets this finding masks, in its file.
    pub fn secret_spans(&self) -> &[Span] {
        self.masked.as_ref().map_or(&[], |m| &m.secret_spans)
    }

    /// The underlined bytes of a masked snippet.
    pub fn underline(&self) -> Option<(usize, usize)> {
        self.masked.as_ref().and_then(|m| m.underline)
    }

    /// The keyed hash of the secret this finding masks, if any.
    pub fn secret_identity(&self) -> Option<u64> {
        self.masked.as_ref().and_then(|m| m.secret_identity)
    }

    /// Sets the keyed hash of the secret this finding masks.
    pub fn set_secret_identity(&mut self, identity: u64) {
        self.masked
            .get_or_insert_with(Default::default)
            .secret_identity = Some(identity);
    }
}

/// A keyed hash of a secret value, with a key drawn once per process: equal values get equal
/// identities within one run, and nothing about the value can be learnt from it afterwards.
pub fn secret_identity(value: &[u8]) -> u64 {
    static KEY: OnceLock<std::collections::hash_map::RandomState> = OnceLock::new();
    let mut h = KEY
        .get_or_init(std::collections::hash_map::RandomState::new)
        .build_hasher();
    h.write(value);
    h.finish()
}

/// The rule a finding is made for: a static declaration or a catalog entry.
#[derive(Debug, Clone, Copy)]
pub enum RuleRef<'a> {
    Meta(&'a RuleMeta),
    Info(&'a RuleInfo),
    /// A rule known by its parts (a data rule before it is in a catalog).
    Parts {
        id: &'a str,
        slug: &'a str,
        severity: Severity,
    },
}

impl RuleRef<'_> {
    fn shared_id(&self) -> SharedStr {
        match self {
            RuleRef::Meta(m) => SharedStr::from_static(m.id),
            RuleRef::Info(i) => SharedStr::from(i.id.clone()),
            RuleRef::Parts { id, .. } => SharedStr::from(*id),
        }
    }
    fn slug(&self) -> SharedStr {
        match self {
            RuleRef::Meta(m) => SharedStr::from_static(m.slug),
            RuleRef::Info(i) => SharedStr::from(i.slug.clone()),
            RuleRef::Parts { slug, .. } => SharedStr::from(*slug),
        }
    }
    fn severity(&self) -> Severity {
        match self {
            RuleRef::Meta(m) => m.severity,
            RuleRef::Info(i) => i.severity,
            RuleRef::Parts { severity, .. } => *severity,
        }
    }
}

impl<'a> From<&'a RuleMeta> for RuleRef<'a> {
    fn from(m: &'a RuleMeta) -> Self {
        RuleRef::Meta(m)
    }
}

impl<'a> From<&'a RuleInfo> for RuleRef<'a> {
    fn from(i: &'a RuleInfo) -> Self {
        RuleRef::Info(i)
    }
}

/// Makes findings for one file: resolves byte spans to lines and columns once per file (one
/// [`LineIndex`]), cuts the snippet, masks secrets, and computes the fingerprint. Works on bytes,
/// so git blobs that are not valid UTF-8 are served too.
pub struct FindingBuilder<'a> {
    path: &'a str,
    /// `path`, once for all the file's findings.
    shared_path: SharedStr,
    /// The last unmasked snippet made, by its span: findings on the same lines share it.
    last_snippet: Mutex<Option<(Span, SharedStr)>>,
    /// The fingerprint hash of each rule's ID and `path`, by rule ID, for the rules with
    /// findings so far (a few: a linear search is quicker than hashing the path again).
    prefixes: Mutex<Vec<(SharedStr, u64)>>,
    source: &'a [u8],
    /// The source as text, when it is valid UTF-8 (checked once, not per finding).
    text: Option<&'a str>,
    lines: LineIndex<'a>,
}

impl<'a> FindingBuilder<'a> {
    pub fn new(path: &'a str, source: &'a str) -> FindingBuilder<'a> {
        FindingBuilder::from_bytes(path, source.as_bytes())
    }

    pub fn from_bytes(path: &'a str, source: &'a [u8]) -> FindingBuilder<'a> {
        FindingBuilder {
            path,
            shared_path: SharedStr::from(path),
            last_snippet: Mutex::new(None),
            prefixes: Mutex::new(Vec::new()),
            source,
            text: std::str::from_utf8(source).ok(),
            lines: LineIndex::from_bytes(source),
        }
    }

    pub fn path(&self) -> &str {
        self.path
    }

    pub fn lines(&self) -> &LineIndex<'a> {
        &self.lines
    }

    /// A span kept inside the source and, where the source is text, on character boundaries.
    fn clamp(&self, s: Span) -> Span {
        match self.text {
            Some(text) => s.clamp(text),
            None => {
                let a = s.start.min(self.source.len());
                Span::new(a, s.end.min(self.source.len()).max(a))
            }
        }
    }

    /// The source lines `span` covers, unmasked: the same text as the last finding's when it
    /// quotes the same lines.
    fn unmasked_snippet(&self, span: Span) -> SharedStr {
        let mut last = self.last_snippet.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((at, s)) = &*last {
            if *at == span {
                return s.clone();
            }
        }
        let s = SharedStr::from(self.text_of(span).into_owned());
        *last = Some((span, s.clone()));
        s
    }

    /// The source at `span` (clamped) as text: borrowed from the source when that is UTF-8
    /// (validated once, by [`FindingBuilder::new`], not again per finding), else with invalid
    /// bytes replaced.
    fn text_of(&self, span: Span) -> Cow<'a, str> {
        match self.text.and_then(|t| t.get(span.start..span.end)) {
            Some(s) => Cow::Borrowed(s),
            None => String::from_utf8_lossy(&self.source[span.start..span.end]),
        }
    }

    /// [`fingerprint::prefix`] of `rule_id` and the path, hashed once per rule.
    fn prefix(&self, rule_id: &SharedStr) -> u64 {
        let mut known = self.prefixes.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, h)) = known.iter().find(|(id, _)| id == rule_id) {
            return *h;
        }
        let h = fingerprint::prefix(rule_id, self.path);
        known.push((rule_id.clone(), h));
        h
    }

    /// The line a finding at `span` starts on (its `location.start.line`), without making it.
    pub fn start_line(&self, span: Span) -> u32 {
        self.lines.line(self.clamp(span).start)
    }

    /// A finding of `rule` at `span` saying `message`, with the bytes in `secrets` masked wherever
    /// they appear in the snippet and the message. The snippet is the lines `span` touches, or only
    /// its first line when the span covers a secret (a private key is not shown line by line).
    pub fn finding<'r>(
        &self,
        rule: impl Into<RuleRef<'r>>,
        span: Span,
        message: &str,
        secrets: &[Span],
    ) -> Finding {
        self.finding_masking(rule, span, message, secrets, &[])
    }

    /// [`FindingBuilder::finding`] taking its message: kept as it is when there is nothing in it
    /// to mask, not copied.
    pub fn finding_owned<'r>(
        &self,
        rule: impl Into<RuleRef<'r>>,
        span: Span,
        message: String,
        secrets: &[Span],
    ) -> Finding {
        self.make(rule.into(), span, Cow::Owned(message), secrets, &[])
    }

    /// Like [`FindingBuilder::finding`], also masking `others`: secrets of other findings that
    /// share the snippet's line (they are not this finding's own).
    pub fn finding_masking<'r>(
        &self,
        rule: impl Into<RuleRef<'r>>,
        span: Span,
        message: &str,
        secrets: &[Span],
        others: &[Span],
    ) -> Finding {
        self.make(rule.into(), span, Cow::Borrowed(message), secrets, others)
    }

    fn make(
        &self,
        rule: RuleRef<'_>,
        span: Span,
        message: Cow<'_, str>,
        secrets: &[Span],
        others: &[Span],
    ) -> Finding {
        let span = self.clamp(span);
        let secrets: Vec<Span> = secrets.iter().map(|s| self.clamp(*s)).collect();
        let (start, end) = self.lines.positions(span);
        // The clamped span ends at or after its start, so these are the lines it touches.
        let (first, last) = (start.line, end.line);
        let snippet_span = if secrets.is_empty() {
            let from = self.lines.line_start(first);
            Span::new(from, self.lines.line_end(last).max(from))
        } else {
            Span::new(self.lines.line_start(first), self.lines.line_end(first))
        };
        let text = &self.source[snippet_span.start..snippet_span.end];
        let values: Vec<&[u8]> = secrets
            .iter()
            .map(|s| &self.source[s.start..s.end])
            .filter(|v| !v.is_empty())
            .collect();
        let mut masked = secrets.clone();
        masked.extend(others.iter().map(|s| self.clamp(*s)));
        let (snippet, cuts) = if masked.is_empty() {
            (self.unmasked_snippet(snippet_span), Vec::new())
        } else {
            let (s, cuts) =
                redact::mask_mapped(text, snippet_span.start, self.source, &masked, &[]);
            (SharedStr::from(s), cuts)
        };
        let rel = |o: usize| o.clamp(snippet_span.start, snippet_span.end) - snippet_span.start;
        let underline = (!cuts.is_empty()).then(|| {
            let a = redact::map_offset(&cuts, rel(span.start), false).min(snippet.len());
            let b = redact::map_offset(&cuts, rel(span.end), true).min(snippet.len());
            (a, b.max(a))
        });
        let message = if values
            .iter()
            .all(|v| v.is_empty() || memchr::memmem::find(message.as_bytes(), v).is_none())
        {
            message.into_owned()
        } else {
            redact::mask_values(&message, &values)
        };
        let token = if secrets.is_empty() {
            // Only hashed: borrowed, not copied.
            self.text_of(span)
        } else {
            Cow::Borrowed("")
        };
        let rule_id = rule.shared_id();
        let fingerprint = fingerprint::fingerprint_after(self.prefix(&rule_id), &snippet, &token);
        let secret_identity = values.first().map(|v| secret_identity(v));
        let masked = (!secrets.is_empty() || underline.is_some() || secret_identity.is_some())
            .then(|| {
                Box::new(Masked {
                    secret_spans: secrets,
                    underline,
                    secret_identity,
                })
            });
        Finding {
            rule_id,
            slug: rule.slug(),
            severity: rule.severity(),
            message,
            location: Location {
                path: self.shared_path.clone(),
                start,
                end,
            },
            snippet,
            fingerprint,
            provenance: None,
            masked,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::Domain;

    static META: RuleMeta = RuleMeta {
        id: "SS-TEST-001",
        slug: "test-rule",
        domain: Domain::Engine,
        severity: Severity::Warning,
        title: "t",
        equivalents: &[],
    };

    #[test]
    fn fingerprints_ignore_line_moves_and_whitespace() {
        let a = FindingBuilder::new("Dockerfile", "FROM x\nUSER  root\n").finding(
            &META,
            Span::new(13, 17),
            "x",
            &[],
        );
        let b = FindingBuilder::new("Dockerfile", "# moved\n\nFROM x\nUSER root\n").finding(
            &META,
            Span::new(21, 25),
            "x",
            &[],
        );
        assert_eq!(a.location.start.line, 2);
        assert_eq!(b.location.start.line, 4);
        assert_eq!(a.fingerprint, b.fingerprint);
    }

    #[test]
    fn secrets_never_reach_the_snippet_or_the_message() {
        let src = "services:\n  db:\n    environment:\n      DB_PASSWORD: s3cr3t-Value-123 # old: s3cr3t-Value-123\n";
        let at = src.find("s3cr3t").unwrap();
        let f = FindingBuilder::new("compose.yaml", src).finding(
            &META,
            Span::new(at - 13, at - 2),
            "value s3cr3t-Value-123 is hardcoded",
            &[Span::new(at, at + 16)],
        );
        assert!(!f.snippet.contains("s3cr3t-Value-123"), "{}", f.snippet);
        assert!(!f.message.contains("s3cr3t-Value-123"), "{}", f.message);
        assert!(f.snippet.contains("s3cr***(16 chars)"), "{}", f.snippet);
        assert!(f.holds_secret());
    }

    #[test]
    fn spans_outside_the_source_are_clamped() {
        let f = FindingBuilder::new("x", "ab").finding(&META, Span::new(5, 9), "m", &[]);
        assert_eq!(f.location.start.line, 1);
    }

    #[test]
    fn a_multi_line_secret_shows_only_its_first_line() {
        let src = "key: |\n  -----BEGIN X-----\n  abcdefghijklmnop\n  -----END X-----\n";
        let a = src.find("-----BEGIN").unwrap();
        let b = src.rfind("-----").unwrap() + 5;
        let f = FindingBuilder::new("k.yaml", src).finding(
            &META,
            Span::new(a, b),
            "key",
            &[Span::new(a, b)],
        );
        assert!(!f.snippet.contains('\n'));
        assert!(!f.snippet.contains("abcdefghijklmnop"));
        assert_eq!(f.location.end.line, 4);
    }

    #[test]
    fn equal_secrets_share_an_identity_within_a_run() {
        assert_eq!(secret_identity(b"abc"), secret_identity(b"abc"));
        assert_ne!(secret_identity(b"abc"), secret_identity(b"abd"));
    }
}
