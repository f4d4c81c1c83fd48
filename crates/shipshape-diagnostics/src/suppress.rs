//! Inline suppressions: one grammar for every checker and file kind — ours,
//! `# shipshape:ignore[slug-or-id,…] reason` on the offending line or alone on the line above —
//! plus the peers' comments where they map to one of our rules:
//!
//! | comment | covers |
//! | --- | --- |
//! | `shipshape:ignore` (bare: every rule) | its line, or the next when alone on a line |
//! | `hadolint ignore=DL3008,DL3009` | likewise |
//! | `hadolint global ignore=DL3059` | the file |
//! | `checkov:skip=CKV_DOCKER_2:reason` | the file (checkov scopes a skip to the resource) |
//! | `trivy:ignore:DS002` (any spelling: `DS-0002`, `AVD-DS-0002`) | its line, or the next |
//! | `kics-scan ignore-line` / `kics-scan ignore` | its line or the next / the file |
//! | `zizmor: ignore[template-injection]` | its line |
//! | `gitleaks:allow`, `pragma: allowlist secret` | secret findings on its line |
//! | `pragma: allowlist nextline secret` | secret findings on the next line |
//!
//! A peer's key suppresses our rule when the rule lists it among its `equivalents`.

use crate::rule::{Domain, RuleInfo, RuleMeta};

/// Where comments are found in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentStyle {
    /// `#` at the start of a line or after white space, outside quotes (Dockerfiles, YAML, shell,
    /// TOML, Python).
    Hash,
    /// A marker anywhere on the line, in whatever comment syntax the file has (`//`, `--`,
    /// `<!-- -->`, `;`): for the secret scanner, which reads every kind of file.
    AnyMarker,
}

/// What a suppression covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Findings that start on these lines (inclusive, 1-based).
    Lines(u32, u32),
    /// The whole file.
    File,
}

/// One key of a suppression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// Our ID, slug, ID prefix or domain name.
    Ours(String),
    /// A peer's ID, as `tool:ID` (`hadolint:DL3008`).
    Peer(String),
    /// Every rule of a domain (`gitleaks:allow` → secrets).
    Domain(Domain),
}

/// One suppression comment.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// Line of the comment.
    pub line: u32,
    /// 1-based column of the comment's marker.
    pub column: u32,
    /// Byte offset of the marker in the file (to report it as unused).
    pub offset: usize,
    pub scope: Scope,
    /// Which rules; empty = every rule.
    pub keys: Vec<Key>,
    /// Whether the comment stands alone on its line (then it covers the next line; a Dockerfile
    /// widens that to the whole next instruction).
    pub own_line: bool,
    /// The comment as written, for reporting it as unused.
    pub text: String,
    pub used: bool,
}

/// The names a rule answers to, for matching suppression keys.
#[derive(Debug, Clone, Copy)]
pub struct RuleNames<'a> {
    pub id: &'a str,
    pub slug: &'a str,
    pub domain: Domain,
    pub equivalents: &'a [&'a str],
}

impl<'a> From<&'a RuleMeta> for RuleNames<'a> {
    fn from(m: &'a RuleMeta) -> Self {
        RuleNames {
            id: m.id,
            slug: m.slug,
            domain: m.domain,
            equivalents: m.equivalents,
        }
    }
}

/// Whether an ID-or-slug-or-prefix-or-domain key names the rule.
fn key_names(key: &str, id: &str, slug: &str, domain: Domain) -> bool {
    key.eq_ignore_ascii_case(id)
        || key == slug
        || Domain::from_key(key) == Some(domain)
        || (id.len() > key.len()
            && !key.is_empty()
            && id.as_bytes()[key.len()] == b'-'
            && id[..key.len()].eq_ignore_ascii_case(key))
}

impl Suppression {
    /// Does this suppression name the rule?
    pub fn names(&self, rule: RuleNames<'_>) -> bool {
        self.keys.is_empty()
            || self.keys.iter().any(|k| match k {
                Key::Ours(k) => key_names(k, rule.id, rule.slug, rule.domain),
                Key::Peer(p) => rule
                    .equivalents
                    .iter()
                    .any(|e| normalise_peer_id(e) == normalise_peer_id(p)),
                Key::Domain(d) => *d == rule.domain,
            })
    }

    /// Does this suppression name a catalog rule (runtime rules: secrets)?
    pub fn names_info(&self, rule: &RuleInfo) -> bool {
        let eq: Vec<&str> = rule.equivalents.iter().map(|e| e.as_ref()).collect();
        self.names(RuleNames {
            id: &rule.id,
            slug: &rule.slug,
            domain: rule.domain,
            equivalents: &eq,
        })
    }

    pub fn covers(&self, line: u32) -> bool {
        match self.scope {
            Scope::File => true,
            Scope::Lines(a, b) => (a..=b).contains(&line),
        }
    }
}

/// Peer IDs are written several ways: Trivy's `DS002`, `DS-0002` and `AVD-DS-0002` are one
/// check. Compare case-insensitively, without dashes, an `AVD` prefix or leading zeros.
pub fn normalise_peer_id(id: &str) -> String {
    let lower = id.to_ascii_lowercase();
    let Some((tool, code)) = lower.split_once(':') else {
        return lower;
    };
    if tool != "trivy" {
        return lower;
    }
    let code = code.trim_start_matches("avd-").replace('-', "");
    let letters: String = code
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let digits = code[letters.len()..].trim_start_matches('0');
    format!("{tool}:{letters}{digits}")
}

fn split_ids(list: &str) -> impl Iterator<Item = &str> {
    list.split([',', ' '])
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
}

/// How a directive reaches: its own line (or the next when alone), the next line only, or the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    Line,
    /// Trailing only: never extends to the next line (gitleaks, detect-secrets).
    SameLine,
    NextLine,
    File,
}

/// Every directive marker, for a quick test of whether a file has any.
const MARKERS: &[&str] = &[
    "shipshape:ignore",
    "hadolint ",
    "checkov:skip",
    "trivy:ignore",
    "kics-scan",
    "zizmor:",
    "gitleaks:allow",
    "pragma: allowlist",
];

/// Parse the directive starting at the beginning of `c` (a comment's text, `#` and spaces
/// stripped), if it is one.
fn parse_directive(c: &str) -> Option<(Vec<Key>, Reach)> {
    if let Some(rest) = c.strip_prefix("shipshape:ignore") {
        let keys = match rest.strip_prefix('[') {
            Some(r) => split_ids(r.split(']').next().unwrap_or(""))
                .map(|k| Key::Ours(k.to_string()))
                .collect(),
            None => Vec::new(),
        };
        return Some((keys, Reach::Line));
    }
    if let Some(rest) = c.strip_prefix("hadolint global ignore=") {
        let keys = split_ids(rest.split_whitespace().next().unwrap_or(""))
            .map(|id| Key::Peer(format!("hadolint:{id}")))
            .collect();
        return Some((keys, Reach::File));
    }
    if let Some(rest) = c.strip_prefix("hadolint ignore=") {
        let keys = split_ids(rest.split_whitespace().next().unwrap_or(""))
            .map(|id| Key::Peer(format!("hadolint:{id}")))
            .collect();
        return Some((keys, Reach::Line));
    }
    if let Some(rest) = c.strip_prefix("checkov:skip=") {
        let id = rest.split([':', ' ', ',']).next().unwrap_or("");
        return Some((vec![Key::Peer(format!("checkov:{id}"))], Reach::File));
    }
    if let Some(rest) = c.strip_prefix("trivy:ignore:") {
        let id = rest.split_whitespace().next().unwrap_or("");
        return Some((vec![Key::Peer(format!("trivy:{id}"))], Reach::Line));
    }
    if c.starts_with("kics-scan ignore-line") {
        return Some((Vec::new(), Reach::Line));
    }
    if c.trim_end() == "kics-scan ignore" {
        return Some((Vec::new(), Reach::File));
    }
    if let Some(rest) = c.strip_prefix("zizmor:") {
        let rest = rest.trim_start().strip_prefix("ignore[")?;
        let keys = split_ids(rest.split(']').next().unwrap_or(""))
            .map(|id| Key::Peer(format!("zizmor:{id}")))
            .collect();
        return Some((keys, Reach::Line));
    }
    if c.starts_with("gitleaks:allow") {
        return Some((vec![Key::Domain(Domain::Secrets)], Reach::SameLine));
    }
    if c.starts_with("pragma: allowlist nextline secret") {
        return Some((vec![Key::Domain(Domain::Secrets)], Reach::NextLine));
    }
    if c.starts_with("pragma: allowlist secret") {
        return Some((vec![Key::Domain(Domain::Secrets)], Reach::SameLine));
    }
    None
}

/// Find the `#` that starts a comment on `line`, outside quotes.
fn hash_comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, ch) in line.char_indices() {
        match quote {
            Some(q) if ch == q => quote = None,
            Some(_) => {}
            None if ch == '"' || ch == '\'' => quote = Some(ch),
            // A `#` starts a comment at the line start or after white space (YAML's rule; in a
            // Dockerfile it is the only place a comment can start).
            None if ch == '#' && (i == 0 || prev.is_whitespace()) => return Some(i),
            None => {}
        }
        prev = ch;
    }
    None
}

/// The directives on one line: `(byte offset of the marker, keys, reach, own line)`.
fn directives_on(line: &str, style: CommentStyle) -> Vec<(usize, Vec<Key>, Reach, bool)> {
    let mut out = Vec::new();
    match style {
        CommentStyle::Hash => {
            let Some(at) = hash_comment_start(line) else {
                return out;
            };
            let comment = &line[at..];
            let body = comment.trim_start_matches('#').trim_start();
            let lead = line[..at].trim().is_empty();
            if let Some((keys, reach)) = parse_directive(body) {
                out.push((at, keys, reach, lead));
            }
        }
        CommentStyle::AnyMarker => {
            for m in MARKERS {
                let mut from = 0;
                while let Some(i) = line[from..].find(m) {
                    let at = from + i;
                    if let Some((keys, reach)) = parse_directive(&line[at..]) {
                        let lead = line[..at]
                            .bytes()
                            .all(|b| b.is_ascii_whitespace() || b"#/;*-<!{%'\"".contains(&b));
                        out.push((at, keys, reach, lead));
                    }
                    from = at + m.len();
                }
            }
            out.sort_by_key(|d| d.0);
        }
    }
    out
}

/// Whether `source` holds any suppression marker: without one, [`parse`] finds nothing and the
/// statement spans that widen a suppression's scope need not be worked out.
pub fn may_hold(source: &str) -> bool {
    // A SIMD search per marker: std's substring search, marker by marker, was 2 % of an audit
    // (an Aho-Corasick automaton of all eight, one pass, is slower still).
    static FINDERS: std::sync::LazyLock<Vec<memchr::memmem::Finder<'static>>> =
        std::sync::LazyLock::new(|| MARKERS.iter().map(memchr::memmem::Finder::new).collect());
    FINDERS.iter().any(|f| f.find(source.as_bytes()).is_some())
}

/// Every suppression comment in `source`.
pub fn parse(source: &str, style: CommentStyle) -> Vec<Suppression> {
    if !may_hold(source) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut offset = 0;
    for (i, raw) in source.split_inclusive('\n').enumerate() {
        let line = raw.trim_end_matches(['\n', '\r']);
        let n = (i + 1) as u32;
        for (at, keys, reach, own_line) in directives_on(line, style) {
            let scope = match reach {
                Reach::File => Scope::File,
                Reach::NextLine => Scope::Lines(n + 1, n + 1),
                Reach::SameLine => Scope::Lines(n, n),
                Reach::Line if own_line => Scope::Lines(n + 1, n + 1),
                Reach::Line => Scope::Lines(n, n),
            };
            out.push(Suppression {
                line: n,
                column: line[..at].chars().count() as u32 + 1,
                offset: offset + at,
                scope,
                keys,
                own_line,
                text: line[at..].trim().to_string(),
                used: false,
            });
        }
        offset += raw.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The one-pass marker search answers what a search for each marker answers, on text
        /// made of marker pieces, whole markers and other bytes.
        #[test]
        fn may_hold_is_any_marker_contained(
            parts in proptest::collection::vec((0usize..MARKERS.len(), 0usize..20, 0usize..20, "[a-z :#\n]{0,3}"), 0..6)
        ) {
            let mut text = String::new();
            for (m, a, b, filler) in &parts {
                let marker = MARKERS[*m];
                let (a, b) = ((*a).min(marker.len()), (*b).min(marker.len()));
                text.push_str(&marker[a.min(b)..a.max(b)]);
                text.push_str(filler);
            }
            let want = MARKERS.iter().any(|m| text.contains(m));
            prop_assert_eq!(may_hold(&text), want, "{:?}", text);
        }
    }

    static DL: RuleMeta = RuleMeta {
        id: "SS-DOCKER-004",
        slug: "no-latest-tag",
        domain: Domain::Dockerfile,
        severity: shipshape_core::Severity::Warning,
        title: "t",
        equivalents: &["hadolint:DL3007", "trivy:DS-0001"],
    };
    static SECRET: RuleMeta = RuleMeta {
        id: "SS-SECRET-036",
        slug: "github-pat-classic",
        domain: Domain::Secrets,
        severity: shipshape_core::Severity::Error,
        title: "t",
        equivalents: &[],
    };

    #[test]
    fn reads_our_syntax_on_the_line_and_the_line_above() {
        let s = parse("# shipshape:ignore[no-latest-tag, SS-DOCKER-004] pinned by digest elsewhere\nFROM x\nUSER root # shipshape:ignore[no-root-user]\n", CommentStyle::Hash);
        assert_eq!(s.len(), 2);
        assert_eq!(
            s[0].keys,
            [
                Key::Ours("no-latest-tag".into()),
                Key::Ours("SS-DOCKER-004".into())
            ]
        );
        assert_eq!(s[0].scope, Scope::Lines(2, 2));
        assert_eq!(s[1].scope, Scope::Lines(3, 3));
        assert!(!s[1].own_line);
        assert!(s[0].names((&DL).into()));
    }

    #[test]
    fn maps_peer_comments_to_their_tool() {
        let s = parse("# hadolint ignore=DL3008,DL3007\n# hadolint global ignore=DL3059\n#checkov:skip=CKV_DOCKER_2:no healthcheck needed\n#trivy:ignore:AVD-DS-0001\n# kics-scan ignore-line\n", CommentStyle::Hash);
        assert_eq!(
            s[0].keys,
            [
                Key::Peer("hadolint:DL3008".into()),
                Key::Peer("hadolint:DL3007".into())
            ]
        );
        assert!(s[0].names((&DL).into()));
        assert_eq!(s[1].scope, Scope::File);
        assert_eq!(s[2].keys, [Key::Peer("checkov:CKV_DOCKER_2".into())]);
        assert_eq!(s[2].scope, Scope::File);
        assert!(s[3].names((&DL).into()));
        assert!(s[4].keys.is_empty());
    }

    #[test]
    fn trivy_ids_match_in_every_spelling() {
        for k in [
            "trivy:DS002",
            "trivy:DS-0002",
            "trivy:AVD-DS-0002",
            "TRIVY:ds2",
        ] {
            assert_eq!(normalise_peer_id(k), "trivy:ds2", "{k}");
        }
        assert_ne!(
            normalise_peer_id("trivy:DS-0020"),
            normalise_peer_id("trivy:DS-0002")
        );
    }

    #[test]
    fn a_hash_inside_quotes_is_not_a_comment() {
        assert!(parse("RUN echo \"# shipshape:ignore[x]\"\n", CommentStyle::Hash).is_empty());
        assert!(parse("url: http://x/#shipshape:ignore[x]\n", CommentStyle::Hash).is_empty());
    }

    #[test]
    fn secret_dialects_cover_their_line_or_the_next_in_any_comment_syntax() {
        let src = "const a = \"x\"; // gitleaks:allow\n// pragma: allowlist nextline secret\nconst b = 1;\n/* shipshape:ignore[secrets] test key */\nconst c = 2;\n";
        let s = parse(src, CommentStyle::AnyMarker);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].scope, Scope::Lines(1, 1));
        assert_eq!(s[1].scope, Scope::Lines(3, 3));
        assert_eq!(s[2].scope, Scope::Lines(5, 5));
        assert!(s.iter().all(|x| x.names((&SECRET).into())));
        assert!(!s[0].names((&DL).into()));
        assert_eq!(s[0].offset, src.find("gitleaks").unwrap());
    }

    #[test]
    fn zizmor_ignores_name_their_audits() {
        let s = parse(
            "run: echo ${{ github.event.issue.title }} # zizmor: ignore[template-injection]\n",
            CommentStyle::Hash,
        );
        assert_eq!(s[0].keys, [Key::Peer("zizmor:template-injection".into())]);
    }
}
