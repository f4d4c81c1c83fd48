//! Inline suppressions, one syntax for every file kind — `# shipshape:ignore[slug-or-id,…] reason`
//! on the offending line or the line above — plus the peers' own comments where they map to one
//! of our rules (`# hadolint ignore=DL3008`, `# hadolint global ignore=…`, `#checkov:skip=CKV_…`,
//! `#trivy:ignore:…`, `# kics-scan ignore-line`).

use crate::rule::RuleMeta;

/// What a suppression covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Findings that start on these lines (inclusive, 1-based).
    Lines(u32, u32),
    /// The whole file.
    File,
}

/// One suppression comment.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// Line of the comment.
    pub line: u32,
    /// 1-based column of the comment's marker.
    pub column: u32,
    pub scope: Scope,
    /// Which rules: our IDs/slugs, or peer IDs as `tool:ID`; empty = every rule.
    pub keys: Vec<String>,
    /// Whether the comment stands alone on its line (then it covers the next line or instruction).
    pub own_line: bool,
    /// The comment as written, for reporting it as unused.
    pub text: String,
    pub used: bool,
}

impl Suppression {
    /// Does this suppression name `meta`?
    pub fn names(&self, meta: &RuleMeta) -> bool {
        self.keys.is_empty()
            || self.keys.iter().any(|k| {
                k.eq_ignore_ascii_case(meta.id)
                    || k == meta.slug
                    || meta
                        .equivalents
                        .iter()
                        .any(|e| normalise_peer_id(e) == normalise_peer_id(k))
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
fn normalise_peer_id(id: &str) -> String {
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

/// Parse the suppression in one comment (text after `#`), if any.
fn parse_comment(comment: &str) -> Option<(Vec<String>, bool)> {
    let c = comment.trim_start_matches('#').trim();
    if let Some(rest) = c.strip_prefix("shipshape:ignore") {
        let keys = match rest.strip_prefix('[') {
            Some(r) => split_ids(r.split(']').next().unwrap_or(""))
                .map(str::to_string)
                .collect(),
            None => Vec::new(),
        };
        return Some((keys, false));
    }
    if let Some(rest) = c.strip_prefix("hadolint global ignore=") {
        let keys = split_ids(rest.split_whitespace().next().unwrap_or(""))
            .map(|id| format!("hadolint:{id}"))
            .collect();
        return Some((keys, true));
    }
    if let Some(rest) = c.strip_prefix("hadolint ignore=") {
        let keys = split_ids(rest.split_whitespace().next().unwrap_or(""))
            .map(|id| format!("hadolint:{id}"))
            .collect();
        return Some((keys, false));
    }
    if let Some(rest) = c.strip_prefix("checkov:skip=") {
        // `CKV_DOCKER_2:reason` — checkov scopes a skip to the resource; in a Dockerfile or
        // compose file that is the whole file.
        let id = rest.split([':', ' ']).next().unwrap_or("");
        return Some((vec![format!("checkov:{id}")], true));
    }
    if let Some(rest) = c.strip_prefix("trivy:ignore:") {
        let id = rest.split_whitespace().next().unwrap_or("");
        return Some((vec![format!("trivy:{id}")], false));
    }
    if c.starts_with("kics-scan ignore-line") {
        return Some((Vec::new(), false));
    }
    if c == "kics-scan ignore" {
        return Some((Vec::new(), true));
    }
    None
}

/// Find the `#` that starts a comment on `line`, outside quotes.
fn comment_start(line: &str) -> Option<usize> {
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

/// Every suppression comment in `source`. Own-line comments cover the next line; trailing
/// comments cover their own line. The engine widens an own-line scope to the whole next
/// instruction for Dockerfiles.
pub fn parse(source: &str) -> Vec<Suppression> {
    let mut out = Vec::new();
    for (i, line) in source.lines().enumerate() {
        let Some(at) = comment_start(line) else {
            continue;
        };
        let Some((keys, file_wide)) = parse_comment(&line[at..]) else {
            continue;
        };
        let n = (i + 1) as u32;
        let own_line = line[..at].trim().is_empty();
        let scope = if file_wide {
            Scope::File
        } else if own_line {
            Scope::Lines(n + 1, n + 1)
        } else {
            Scope::Lines(n, n)
        };
        out.push(Suppression {
            line: n,
            column: line[..at].chars().count() as u32 + 1,
            scope,
            keys,
            own_line,
            text: line[at..].trim().to_string(),
            used: false,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_our_syntax_on_the_line_and_the_line_above() {
        let s = parse("# shipshape:ignore[no-latest-tag, SS-DOCKER-004] pinned by digest elsewhere\nFROM x\nUSER root # shipshape:ignore[no-root-user]\n");
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].keys, ["no-latest-tag", "SS-DOCKER-004"]);
        assert_eq!(s[0].scope, Scope::Lines(2, 2));
        assert_eq!(s[1].scope, Scope::Lines(3, 3));
        assert!(!s[1].own_line);
    }

    #[test]
    fn maps_peer_comments_to_their_tool() {
        let s = parse("# hadolint ignore=DL3008,DL3009\n# hadolint global ignore=DL3059\n#checkov:skip=CKV_DOCKER_2:no healthcheck needed\n#trivy:ignore:DS002\n# kics-scan ignore-line\n");
        assert_eq!(s[0].keys, ["hadolint:DL3008", "hadolint:DL3009"]);
        assert_eq!(s[1].scope, Scope::File);
        assert_eq!(s[2].keys, ["checkov:CKV_DOCKER_2"]);
        assert_eq!(s[2].scope, Scope::File);
        assert_eq!(s[3].keys, ["trivy:DS002"]);
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
        assert!(parse("RUN echo \"# shipshape:ignore[x]\"\n").is_empty());
        assert!(parse("url: http://x/#shipshape:ignore[x]\n").is_empty());
    }
}
