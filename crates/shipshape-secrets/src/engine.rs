//! The matching engine. One Aho-Corasick pass finds every rule keyword in the bytes; only the
//! rules whose keywords occur run their regex, and only on the lines around those occurrences
//! (multi-line rules get a wider window). A match then has to pass the rule's entropy minimum
//! and the placeholder filter. Where matches of several rules overlap, the rule listed first —
//! the more specific one — wins.

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::filter;
use crate::rules::{Rule, RuleError};

/// How far past its keyword a multi-line match (a PEM block) may reach.
const MULTILINE_WINDOW: usize = 16 * 1024;

/// A match that passed every check. Spans are byte offsets into the scanned bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMatch {
    /// Index into [`RuleSet::rules`].
    pub rule: usize,
    /// The secret itself.
    pub secret: Range<usize>,
    /// The whole regex match (keyword context included).
    pub whole: Range<usize>,
}

/// Compiled rules plus the keyword prefilter over all of them.
#[derive(Debug, Clone)]
pub struct RuleSet {
    rules: Vec<Rule>,
    gate: AhoCorasick,
    /// For each keyword pattern of `gate`, the rules that listed it.
    gate_rules: Vec<Vec<u32>>,
    /// The catalog entries, made once (each masks its rule's example with the rule's regex).
    entries: std::sync::OnceLock<Vec<shipshape_diagnostics::RuleInfo>>,
}

impl RuleSet {
    /// Build the prefilter over `rules`. Rule IDs must be unique.
    pub fn new(rules: Vec<Rule>) -> Result<RuleSet, RuleError> {
        let mut ids = std::collections::HashSet::new();
        for r in &rules {
            if !ids.insert(r.id.as_str()) {
                return Err(RuleError::Duplicate { id: r.id.clone() });
            }
        }
        let mut keywords: Vec<String> = Vec::new();
        let mut gate_rules: Vec<Vec<u32>> = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            for k in &r.keywords {
                match keywords.iter().position(|x| x == k) {
                    Some(p) => gate_rules[p].push(i as u32),
                    None => {
                        keywords.push(k.clone());
                        gate_rules.push(vec![i as u32]);
                    }
                }
            }
        }
        let gate = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&keywords)
            .or_else(|_| {
                // A DFA over very many user keywords can exceed the size limit; the
                // contiguous NFA is slower but has none.
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&keywords)
            })
            .map_err(|e| RuleError::Parse {
                source_name: "secret rule keywords".into(),
                message: e.to_string(),
            })?;
        Ok(RuleSet {
            rules,
            gate,
            gate_rules,
            entries: std::sync::OnceLock::new(),
        })
    }

    /// The built-in rules, with their prefilter built once per process.
    pub fn builtin() -> RuleSet {
        static BUILTIN: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                let set = RuleSet::new(crate::rules::builtin())
                    .unwrap_or_else(|e| panic!("the embedded rules file is invalid: {e}"));
                // Made now, so every copy carries them.
                set.catalog_entries();
                set
            })
            .clone()
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Catalog entries for every rule of the set.
    pub fn catalog_entries(&self) -> Vec<shipshape_diagnostics::RuleInfo> {
        self.entries
            .get_or_init(|| self.rules.iter().map(Rule::info).collect())
            .clone()
    }

    /// Every secret in `hay`, in order of position, overlaps resolved in favour of the rule
    /// listed first.
    pub fn find(&self, hay: &[u8]) -> Vec<RawMatch> {
        let mut hits: Vec<(u32, usize)> = Vec::new();
        for m in self.gate.find_overlapping_iter(hay) {
            for &r in &self.gate_rules[m.pattern().as_usize()] {
                hits.push((r, m.start()));
            }
        }
        if hits.is_empty() {
            return Vec::new();
        }
        hits.sort_unstable();
        hits.dedup();
        let mut out = Vec::new();
        let mut i = 0;
        while i < hits.len() {
            let rule = hits[i].0;
            let mut j = i;
            while j < hits.len() && hits[j].0 == rule {
                j += 1;
            }
            let positions: Vec<usize> = hits[i..j].iter().map(|h| h.1).collect();
            self.run_rule(rule as usize, hay, &positions, &mut out);
            i = j;
        }
        resolve_overlaps(out)
    }

    /// Matches of one rule anywhere in `hay`, keyword gate not applied (for testing a rule on
    /// its own examples).
    pub fn find_rule(&self, rule: usize, hay: &[u8]) -> Vec<RawMatch> {
        let mut out = Vec::new();
        self.match_window(rule, hay, 0..hay.len(), &mut out);
        out
    }

    /// Whether any keyword of `rule` occurs in `hay`.
    pub fn gate_admits(&self, rule: usize, hay: &[u8]) -> bool {
        self.gate
            .find_overlapping_iter(hay)
            .any(|m| self.gate_rules[m.pattern().as_usize()].contains(&(rule as u32)))
    }

    fn run_rule(&self, rule: usize, hay: &[u8], positions: &[usize], out: &mut Vec<RawMatch>) {
        let multiline = self.rules[rule].multiline;
        let mut covered_to = 0usize;
        for &pos in positions {
            if pos < covered_to {
                continue;
            }
            let start = memchr::memrchr(b'\n', &hay[..pos]).map_or(0, |i| i + 1);
            let end = if multiline {
                (pos + MULTILINE_WINDOW).min(hay.len())
            } else {
                memchr::memchr(b'\n', &hay[pos..]).map_or(hay.len(), |i| pos + i)
            };
            // Windows of one rule never overlap, so no match is found twice.
            let start = start.max(covered_to);
            self.match_window(rule, hay, start..end, out);
            covered_to = end;
        }
    }

    fn match_window(&self, rule: usize, hay: &[u8], window: Range<usize>, out: &mut Vec<RawMatch>) {
        let r = &self.rules[rule];
        let base = window.start;
        let text = &hay[window];
        for caps in r.regex.captures_iter(text) {
            let Some(whole) = caps.get(0) else { continue };
            let secret = match r.secret_group {
                Some(g) => caps.get(g),
                None => (1..caps.len()).find_map(|g| caps.get(g)).or(Some(whole)),
            };
            let Some(secret) = secret else { continue };
            let bytes = secret.as_bytes();
            if bytes.is_empty() {
                continue;
            }
            if let Some(min) = r.entropy {
                if filter::shannon_entropy(bytes) < min {
                    continue;
                }
            }
            if filter::is_placeholder(bytes) {
                continue;
            }
            if r.generic_value && filter::is_generic_non_secret(bytes) {
                continue;
            }
            out.push(RawMatch {
                rule,
                secret: base + secret.start()..base + secret.end(),
                whole: base + whole.start()..base + whole.end(),
            });
        }
    }
}

/// Sort by position; where secrets overlap keep the match of the earliest-listed rule.
fn resolve_overlaps(mut matches: Vec<RawMatch>) -> Vec<RawMatch> {
    matches.sort_by_key(|m| (m.rule, m.secret.start));
    let mut kept: Vec<RawMatch> = Vec::with_capacity(matches.len());
    for m in matches {
        // Rules arrive in priority order, so anything already kept outranks `m`.
        let clash = kept
            .iter()
            .any(|k| k.secret.start < m.secret.end && m.secret.start < k.secret.end);
        if !clash {
            kept.push(m);
        }
    }
    kept.sort_by_key(|m| (m.secret.start, m.rule));
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn works_on_bytes_that_are_not_utf8() {
        let set = RuleSet::builtin();
        let mut hay = b"\xff\xfe garbage \xc3\x28\n".to_vec();
        hay.extend_from_slice(b"token: ghp_");
        hay.extend_from_slice(b"Z3kq9RbT2vWx8YcN4mLp7HdJ6sGf1AeQ0uVi\n\xff");
        let found = set.find(&hay);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(set.rules()[found[0].rule].slug, "github-pat-classic");
    }

    #[test]
    fn the_more_specific_rule_wins_an_overlap() {
        let set = RuleSet::builtin();
        let url = format!("postgres://app:{}@db.internal:5432/app", "Zq8Lp2Wn5Rt9Xv3K");
        let found = set.find(url.as_bytes());
        assert_eq!(found.len(), 1);
        assert_eq!(set.rules()[found[0].rule].slug, "postgres-url-password");
    }

    #[test]
    fn keywords_are_matched_without_regard_to_case() {
        let set = RuleSet::builtin();
        let text = format!(
            "{}{}",
            "AWS_Secret_Access_Key = ", "Xq8Lp2Wn5Rt9Xv3KzY7mB4nC1dF6gH0jK2lM9pQr"
        );
        assert!(!set.find(text.as_bytes()).is_empty());
    }
}
