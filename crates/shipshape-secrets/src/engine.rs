//! The matching engine. One Aho-Corasick pass finds every rule keyword in the bytes; only the
//! rules whose keywords occur run, and a regex only on the lines around those occurrences
//! (multi-line rules get a wider window). Rules limited to some paths (`.pgpass`, `master.key`)
//! run on the whole of a file at such a path. Parser rules read the file as the format it is.
//!
//! The same pass finds the base64 forms of token prefixes and of `-----BEGIN`: the base64 text
//! around them is decoded and scanned again (two levels deep at most), and what is found there
//! is reported at the encoded bytes in the file.
//!
//! A candidate then has to pass the rule's structural check, its entropy minimum and the
//! placeholder filter. Where matches of several rules overlap, the rule listed first — the more
//! specific one — wins.

use std::ops::Range;

use regex_automata::{util::captures::Captures, Input};

use crate::gate::Gate;
use shipshape_diagnostics::secret_identity;

use crate::base64::{self, EncodedRun};
use crate::checks::{line_before, CheckInput};
use crate::filter;
use crate::formats::Candidate;
use crate::rules::{example_text, Matcher, Rule, RuleError};

/// How far past its keyword a multi-line match (a PEM block) may reach.
const MULTILINE_WINDOW: usize = 16 * 1024;

/// How many times encoded text inside encoded text is decoded (a kubeconfig, base64-encoded in
/// a Kubernetes Secret, holding a base64 key).
const MAX_DECODE_DEPTH: u8 = 2;

/// Characters of a literal's base64 form the keyword gate looks for.
const ENCODED_FORM_LEN: usize = 8;

/// Shortest base64 run worth decoding, and the longest followed.
const MIN_ENCODED_RUN: usize = 16;
const MAX_ENCODED_RUN: usize = 256 * 1024;

/// A match that passed every check. Spans are byte offsets into the scanned bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMatch {
    /// Index into [`RuleSet::rules`].
    pub rule: usize,
    /// The secret itself (for a secret found in base64 text, the encoded bytes that hold it).
    pub secret: Range<usize>,
    /// The whole match (keyword context included).
    pub whole: Range<usize>,
    /// The identity of the secret's value (decoded, when the file holds it encoded), equal for
    /// every occurrence of the same value during this run.
    pub identity: u64,
}

/// What a keyword pattern of the gate stands for.
#[derive(Debug, Clone)]
enum GateEntry {
    /// A keyword of these rules.
    Rules(Vec<u32>),
    /// A base64 form of a token prefix or a PEM header: decode the text around it.
    Encoded,
}

/// Compiled rules plus the keyword prefilter over all of them.
#[derive(Debug, Clone)]
pub struct RuleSet {
    rules: Vec<Rule>,
    gate: Gate,
    gate_entries: Vec<GateEntry>,
    /// Rules limited to some paths and with no keyword: they run on the whole file.
    path_only: Vec<usize>,
    /// The catalog entries, made with the set (each masks its rule's example with the rule
    /// itself), so every copy carries them.
    entries: std::sync::OnceLock<Vec<shipshape_diagnostics::RuleInfo>>,
}

/// The literals whose base64 forms open the decoding of the text around them: the original-case
/// prefix of every rule whose example secret starts with one of its keywords (`ghp_`, `AKIA`,
/// `xoxb-`), and `-----BEGIN` for PEM. A built-in rule's come from
/// `data/builtin-literals.json` (found by running each rule on its example, which would compile
/// every regex at start; a test checks the table against the rules), any other rule's are
/// found by running it.
fn encoded_literals(rules: &[Rule], probe: &RuleSet) -> Vec<Vec<u8>> {
    let table = crate::rules::builtin_literals();
    let mut lits: Vec<Vec<u8>> = vec![b"-----BEGIN ".to_vec()];
    let known = |r: &Rule| {
        (r.origin == crate::rules::RuleOrigin::Builtin)
            .then(|| table.get(&r.id))
            .flatten()
    };
    let unknown: Vec<usize> = (0..rules.len())
        .filter(|&i| known(&rules[i]).is_none())
        .collect();
    for r in rules {
        if let Some(l) = known(r) {
            lits.extend(l.iter().map(|s| s.as_bytes().to_vec()));
        }
    }
    for l in crate::par::map_indices(unknown.len(), |k| literals_of(rules, probe, unknown[k])) {
        lits.extend(l);
    }
    lits.sort();
    lits.dedup();
    lits
}

fn literals_of(rules: &[Rule], probe: &RuleSet, i: usize) -> Vec<Vec<u8>> {
    {
        let r = &rules[i];
        let mut out = Vec::new();
        let Some(example) = r.examples.first() else {
            return out;
        };
        let text = example_text(example);
        let Some(m) = probe.find_rule(i, text.as_bytes()).into_iter().next() else {
            return out;
        };
        let secret = &text.as_bytes()[m.secret];
        for k in &r.keywords {
            if k.len() >= 3
                && secret.len() > k.len()
                && secret[..k.len()].eq_ignore_ascii_case(k.as_bytes())
            {
                out.push(secret[..k.len()].to_vec());
            }
        }
        out
    }
}

/// The keyword gate's patterns, each with what it stands for: every rule keyword (in order of
/// first use), then the base64 forms of the encoded literals.
fn gate_patterns(probe: &RuleSet) -> (Vec<String>, Vec<GateEntry>) {
    let rules = &probe.rules;
    let mut patterns: Vec<String> = Vec::new();
    let mut gate_entries: Vec<GateEntry> = Vec::new();
    // Pattern index by text (a linear search per keyword cost 1.5 M instructions).
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, r) in rules.iter().enumerate() {
        for k in &r.keywords {
            match index.get(k.as_str()) {
                Some(&p) => {
                    if let GateEntry::Rules(list) = &mut gate_entries[p] {
                        list.push(i as u32);
                    }
                }
                None => {
                    index.insert(k.clone(), patterns.len());
                    patterns.push(k.clone());
                    gate_entries.push(GateEntry::Rules(vec![i as u32]));
                }
            }
        }
    }
    let literals = encoded_literals(rules, probe);
    for lit in literals {
        // A PEM header may sit anywhere in an encoded file (all three alignments); a token
        // prefix opens its own value (alignment 0). Eight base64 characters (48 bits) are
        // distinctive enough: longer forms only grow the automaton.
        let forms = base64::stable_forms(&lit);
        let keep = if lit.starts_with(b"-----") { 3 } else { 1 };
        for form in forms.into_iter().take(keep) {
            let form: String = form.chars().take(ENCODED_FORM_LEN).collect();
            if !index.contains_key(&form) {
                index.insert(form.clone(), patterns.len());
                patterns.push(form);
                gate_entries.push(GateEntry::Encoded);
            }
        }
    }
    (patterns, gate_entries)
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
        let path_only = rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.keywords.is_empty())
            .map(|(i, _)| i)
            .collect();
        // The rules alone (no gate: matching one rule on its example needs none) find each
        // rule's example secret; the encoded forms are derived from those.
        let probe = RuleSet {
            gate: Gate::new(&[])?,
            rules,
            gate_entries: Vec::new(),
            path_only,
            entries: std::sync::OnceLock::new(),
        };
        let (patterns, gate_entries) = gate_patterns(&probe);
        Ok(RuleSet {
            gate: Gate::new(&patterns)?,
            gate_entries,
            ..probe
        })
    }

    /// The keyword gate's patterns over the built-in rules (what the embedded automaton is
    /// built from).
    #[doc(hidden)]
    pub fn builtin_gate_patterns() -> Vec<String> {
        gate_patterns(Self::builtin_ref()).0
    }

    /// The built-in rules, with their prefilter built once per process (a long-lived process
    /// such as the MCP server would otherwise pay for it on every call); a copy shares the
    /// compiled regexes and automaton.
    pub fn builtin() -> RuleSet {
        Self::builtin_ref().clone()
    }

    /// The built-in rules, built on first use and shared.
    pub fn builtin_ref() -> &'static RuleSet {
        static BUILTIN: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
        BUILTIN.get_or_init(|| {
            RuleSet::new(crate::rules::builtin())
                .unwrap_or_else(|e| panic!("the embedded rules file is invalid: {e}"))
        })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Compile the regexes of the rules in [`crate::rules::COMPILED_AHEAD`] now, in that order,
    /// rather than on the scan's first file that holds one of their keywords.
    pub(crate) fn compile_ahead(&self) {
        for id in crate::rules::COMPILED_AHEAD {
            if let Some(Matcher::Regex(regex)) =
                self.rules.iter().find(|r| r.id == *id).map(|r| &r.matcher)
            {
                let _ = regex.get();
            }
        }
    }

    /// Catalog entries for every rule of the set, made once. Each shows its rule's first
    /// example with every secret the rule finds in it masked (a parser rule's too). A built-in
    /// rule's masked example comes from `data/builtin-examples.json`, which a test checks
    /// against [`RuleSet::catalog_entries_from_rules`].
    pub fn catalog_entries(&self) -> Vec<shipshape_diagnostics::RuleInfo> {
        self.entries
            .get_or_init(|| {
                let table = crate::rules::builtin_examples();
                (0..self.rules.len())
                    .map(|i| {
                        let r = &self.rules[i];
                        let known = (r.origin == crate::rules::RuleOrigin::Builtin)
                            .then(|| table.get(&r.id))
                            .flatten();
                        r.info(match known {
                            Some(masked) => masked.clone(),
                            None => self.masked_example(i),
                        })
                    })
                    .collect()
            })
            .clone()
    }

    /// [`RuleSet::catalog_entries`] with every example masked by running its rule (what the
    /// built-in table is checked against).
    #[doc(hidden)]
    pub fn catalog_entries_from_rules(&self) -> Vec<shipshape_diagnostics::RuleInfo> {
        (0..self.rules.len())
            .map(|i| self.rules[i].info(self.masked_example(i)))
            .collect()
    }

    /// Each rule's literals whose base64 forms open decoding, found by running the rule on its
    /// first example, by rule ID (what `data/builtin-literals.json` is checked against).
    #[doc(hidden)]
    pub fn encoded_literals_from_rules(&self) -> std::collections::BTreeMap<String, Vec<String>> {
        (0..self.rules.len())
            .map(|i| {
                let lits = literals_of(&self.rules, self, i)
                    .into_iter()
                    .map(|l| String::from_utf8_lossy(&l).into_owned())
                    .collect();
                (self.rules[i].id.clone(), lits)
            })
            .collect()
    }

    fn masked_example(&self, rule: usize) -> Option<String> {
        let text = example_text(self.rules[rule].examples.first()?);
        let bytes = text.as_bytes();
        let spans: Vec<shipshape_diagnostics::Span> = self
            .find_rule(rule, bytes)
            .into_iter()
            .map(|m| m.secret.into())
            .collect();
        Some(if spans.is_empty() {
            shipshape_diagnostics::redact::redact(bytes)
        } else {
            shipshape_diagnostics::redact::mask(bytes, 0, bytes, &spans, &[])
        })
    }

    /// Every secret in `hay`, in order of position, overlaps resolved in favour of the rule
    /// listed first. Rules limited to some paths do not run: see [`RuleSet::find_at`].
    pub fn find(&self, hay: &[u8]) -> Vec<RawMatch> {
        resolve_overlaps(&self.rules, self.find_all(None, hay, 0))
    }

    /// Every secret in the file at `path` whose content is `hay`.
    pub fn find_at(&self, path: &str, hay: &[u8]) -> Vec<RawMatch> {
        resolve_overlaps(&self.rules, self.find_all(Some(path), hay, 0))
    }

    /// Whether a rule limited to some paths applies to a file at `path`: then its content
    /// must be scanned knowing the path ([`RuleSet::find`] leaves such rules out).
    pub fn has_path_rules_for(&self, path: &str) -> bool {
        self.rules
            .iter()
            .any(|r| !r.paths.is_empty() && r.applies_to(path))
    }

    fn find_all(&self, path: Option<&str>, hay: &[u8], depth: u8) -> Vec<RawMatch> {
        let applies = |r: usize| {
            let rule = &self.rules[r];
            rule.paths.is_empty() || path.is_some_and(|p| rule.applies_to(p))
        };
        let mut hits: Vec<(u32, usize)> = Vec::new();
        let mut encoded_at: Vec<usize> = Vec::new();
        self.gate.each_match(hay, |pattern, start| {
            match &self.gate_entries[pattern] {
                GateEntry::Rules(list) => {
                    for &r in list {
                        if applies(r as usize) {
                            hits.push((r, start));
                        }
                    }
                }
                GateEntry::Encoded => {
                    if depth < MAX_DECODE_DEPTH {
                        encoded_at.push(start);
                    }
                }
            }
            true
        });
        let mut out = Vec::new();
        if let Some(p) = path {
            for &r in &self.path_only {
                if self.rules[r].applies_to(p) {
                    self.run_whole(r, hay, depth, &mut out);
                }
            }
        }
        hits.sort_unstable();
        hits.dedup();
        let mut i = 0;
        while i < hits.len() {
            let rule = hits[i].0;
            let mut j = i;
            while j < hits.len() && hits[j].0 == rule {
                j += 1;
            }
            let positions: Vec<usize> = hits[i..j].iter().map(|h| h.1).collect();
            self.run_rule(rule as usize, hay, &positions, depth, &mut out);
            i = j;
        }
        if !encoded_at.is_empty() {
            self.scan_encoded(hay, &encoded_at, depth, &mut out);
        }
        out
    }

    /// Decode the base64 runs around `positions` and report what is in them at the encoded
    /// bytes.
    fn scan_encoded(&self, hay: &[u8], positions: &[usize], depth: u8, out: &mut Vec<RawMatch>) {
        let mut done_to = 0;
        for &pos in positions {
            if pos < done_to {
                continue;
            }
            let Some(run) = base64::run_around(hay, pos, done_to, MIN_ENCODED_RUN, MAX_ENCODED_RUN)
            else {
                continue;
            };
            done_to = run.span.end;
            let inner = resolve_overlaps(&self.rules, self.find_all(None, &run.decoded, depth + 1));
            out.extend(inner.into_iter().map(|m| map_encoded(&run, m)));
        }
    }

    /// Matches of one rule anywhere in `hay`, keyword gate not applied (for testing a rule on
    /// its own examples). A rule limited to some paths is run as if `hay` were at its example
    /// path.
    pub fn find_rule(&self, rule: usize, hay: &[u8]) -> Vec<RawMatch> {
        let mut out = Vec::new();
        self.run_whole(rule, hay, 0, &mut out);
        out
    }

    /// Whether any keyword of `rule` occurs in `hay` (always, for a rule with no keyword).
    pub fn gate_admits(&self, rule: usize, hay: &[u8]) -> bool {
        if self.rules[rule].keywords.is_empty() {
            return true;
        }
        let mut admitted = false;
        self.gate.each_match(hay, |pattern, _| {
            admitted = matches!(&self.gate_entries[pattern],
                GateEntry::Rules(list) if list.contains(&(rule as u32)));
            !admitted
        });
        admitted
    }

    /// Run `rule` over all of `hay`.
    fn run_whole(&self, rule: usize, hay: &[u8], depth: u8, out: &mut Vec<RawMatch>) {
        match &self.rules[rule].matcher {
            Matcher::Regex(_) => self.match_window(rule, hay, 0..hay.len(), &mut None, out),
            Matcher::Parser(_) => self.run_parser(rule, hay, depth, out),
        }
    }

    fn run_rule(
        &self,
        rule: usize,
        hay: &[u8],
        positions: &[usize],
        depth: u8,
        out: &mut Vec<RawMatch>,
    ) {
        if let Matcher::Parser(_) = self.rules[rule].matcher {
            // A parser reads the whole file once, wherever its keywords are.
            self.run_parser(rule, hay, depth, out);
            return;
        }
        let multiline = self.rules[rule].multiline;
        let mut covered_to = 0usize;
        let mut locs = None;
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
            self.match_window(rule, hay, start..end, &mut locs, out);
            covered_to = end;
        }
    }

    /// The matches of `rule` in `hay[window]`. `locs` holds the rule's capture slots from one
    /// window to the next (a rule's windows in a file are many, its matches few): searching
    /// with them instead of `captures_iter` saves an allocation per window.
    fn match_window(
        &self,
        rule: usize,
        hay: &[u8],
        window: Range<usize>,
        locs: &mut Option<Captures>,
        out: &mut Vec<RawMatch>,
    ) {
        let r = &self.rules[rule];
        let Matcher::Regex(lazy) = &r.matcher else {
            return;
        };
        let (regex, name_group) = lazy.get();
        let locs = locs.get_or_insert_with(|| regex.create_captures());
        let base = window.start;
        let text = &hay[window];
        // The successive matches `captures_iter` finds: each search starts where the last
        // match ended, and an empty match right there is passed over by searching again a byte
        // further.
        let search = |locs: &mut Captures, at: usize| {
            regex.search_captures(&Input::new(text).span(at..text.len()), locs);
            locs.get_match()
        };
        let (mut at, mut last_end) = (0, None);
        while at <= text.len() {
            let Some(mut m) = search(locs, at) else {
                break;
            };
            if m.is_empty() && Some(m.end()) == last_end {
                at += 1;
                match (at <= text.len()).then(|| search(locs, at)).flatten() {
                    Some(next) => m = next,
                    None => break,
                }
            }
            (at, last_end) = (m.end(), Some(m.end()));
            let group = |g: usize| locs.get_group(g).map(|s| base + s.start..base + s.end);
            let whole = base + m.start()..base + m.end();
            let secret = match r.secret_group {
                Some(g) => group(g),
                None => (1..locs.group_len())
                    .filter(|g| Some(*g) != name_group)
                    .find_map(group)
                    .or(Some(whole.clone())),
            };
            let Some(secret) = secret else { continue };
            if secret.is_empty() {
                continue;
            }
            let name = name_group.and_then(group);
            if accepts(r, hay, &secret, &whole, name.as_ref(), None) {
                out.push(RawMatch {
                    rule,
                    identity: secret_identity(&hay[secret.clone()]),
                    secret,
                    whole,
                });
            }
        }
    }

    fn run_parser(&self, rule: usize, hay: &[u8], depth: u8, out: &mut Vec<RawMatch>) {
        let r = &self.rules[rule];
        let Matcher::Parser(parser) = r.matcher else {
            return;
        };
        for c in parser.candidates(hay) {
            let Candidate {
                secret,
                whole,
                name,
                decoded,
            } = c;
            if let Some(decoded) = &decoded {
                // What a more specific rule finds in the decoded value wins over the file
                // format's own finding.
                if parser.scans_decoded_values() && depth < MAX_DECODE_DEPTH {
                    if let Some(run) = base64::decode_span(hay, secret.clone()) {
                        let inner = resolve_overlaps(
                            &self.rules,
                            self.find_all(None, &run.decoded, depth + 1),
                        );
                        if !inner.is_empty() {
                            out.extend(inner.into_iter().map(|m| map_encoded(&run, m)));
                            continue;
                        }
                    }
                }
                if accepts(r, hay, &secret, &whole, name.as_ref(), Some(decoded)) {
                    out.push(RawMatch {
                        rule,
                        identity: secret_identity(decoded),
                        secret,
                        whole,
                    });
                }
            } else if accepts(r, hay, &secret, &whole, name.as_ref(), None) {
                out.push(RawMatch {
                    rule,
                    identity: secret_identity(&hay[secret.clone()]),
                    secret,
                    whole,
                });
            }
        }
    }
}

/// A match found in decoded text, placed at the encoded bytes that hold it.
fn map_encoded(run: &EncodedRun, m: RawMatch) -> RawMatch {
    RawMatch {
        rule: m.rule,
        secret: run.encoded_span(m.secret),
        whole: run.encoded_span(m.whole),
        identity: m.identity,
    }
}

/// The checks every candidate passes: the rule's structural check, its entropy minimum, the
/// placeholder filter (unless the structural check proved a key) and, for rules whose value may
/// be any literal, the generic-value filter. `decoded` is the value as the application sees it
/// when the file holds it encoded.
fn accepts(
    r: &Rule,
    hay: &[u8],
    secret: &Range<usize>,
    whole: &Range<usize>,
    name: Option<&Range<usize>>,
    decoded: Option<&[u8]>,
) -> bool {
    let value = decoded.unwrap_or(&hay[secret.clone()]);
    if let Some(check) = r.check {
        let before = line_before(hay, whole.start);
        // The secret usually sits on the match's first line: then its line starts there too.
        let before_secret = match hay.get(whole.start..secret.start) {
            Some(between) if !between.contains(&b'\n') => before.start..secret.start,
            _ => line_before(hay, secret.start),
        };
        let input = CheckInput {
            whole: &hay[whole.clone()],
            secret: value,
            name: name.map(|n| &hay[n.clone()]),
            before: &hay[before],
            before_secret: &hay[before_secret],
        };
        if !check.accepts(&input) {
            return false;
        }
    }
    if let Some(min) = r.entropy {
        if filter::shannon_entropy(value) < min {
            return false;
        }
    }
    let structural = r.check.is_some_and(|c| c.proves_structure());
    if !structural && filter::is_placeholder(value) {
        return false;
    }
    if !structural && decoded.is_none() && inside_encoded_blob(hay, secret) {
        return false;
    }
    if !r.generic_value {
        return true;
    }
    // Every generic-value rule reads the password field of a known format (a URL's password,
    // a netrc or pgpass line, wp-config's DB_PASSWORD, a credential file's parser): what stands
    // there is a password unless it says otherwise, so the password filter judges it (a random
    // `hCJGjkiJveAgUdu8ET` looks like a camel-case name and is still the password).
    !filter::is_generic_non_secret_password(value)
}

/// Shortest run of base64 characters around a match that makes it a piece of embedded binary
/// data (a font or image in a `data:` URI, a certificate) rather than a token.
const ENCODED_BLOB: usize = 256;

/// Whether the secret at `secret` is the middle of a long base64 run: a token is delimited,
/// a string that happens to look like one inside embedded data is not.
fn inside_encoded_blob(hay: &[u8], secret: &Range<usize>) -> bool {
    let b64 = |c: &u8| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/';
    let before = hay[..secret.start]
        .iter()
        .rev()
        .take_while(|c| b64(c))
        .count();
    let after = hay[secret.end..].iter().take_while(|c| b64(c)).count();
    before > 0 && after > 0 && before + secret.len() + after >= ENCODED_BLOB
}

/// Sort by position; where secrets overlap keep the match of an armored key block (its base64
/// body may hold any token-shaped run: an `EAAA…` inside an ed25519 key is no Square token),
/// else of the earliest-listed rule, and of two matches of one rule the longer.
fn resolve_overlaps(rules: &[Rule], mut matches: Vec<RawMatch>) -> Vec<RawMatch> {
    // An armored block (`-----BEGIN … PRIVATE KEY-----` … `-----END …`) holds its whole body.
    let not_armored = |m: &RawMatch| {
        rules
            .get(m.rule)
            .is_none_or(|r| !(r.multiline && r.pattern.contains("-----BEGIN")))
    };
    matches.sort_by_key(|m| {
        (
            not_armored(m),
            m.rule,
            m.secret.start,
            std::cmp::Reverse(m.secret.end),
        )
    });
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

    fn slug_of(set: &RuleSet, m: &RawMatch) -> String {
        set.rules()[m.rule].slug.clone()
    }

    #[test]
    fn works_on_bytes_that_are_not_utf8() {
        let set = RuleSet::builtin();
        let mut hay = b"\xff\xfe garbage \xc3\x28\n".to_vec();
        hay.extend_from_slice(b"token: ghp_");
        hay.extend_from_slice(b"Z3kq9RbT2vWx8YcN4mLp7HdJ6sGf1AeQ0uVi\n\xff");
        let found = set.find(&hay);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(slug_of(&set, &found[0]), "github-pat-classic");
    }

    #[test]
    fn a_private_key_block_outranks_a_token_shaped_run_inside_it() {
        let set = RuleSet::builtin();
        // A key body line that happens to hold a Square-token-shaped run (`+EAAA…`): random
        // key bytes do this now and then (an ssh-keygen ed25519 key in the generated-keys test).
        let body = [
            "MFoFI7ujov8eSz5WHduYGRW0mlHqyL7GID9v+r4/9m9Lo75XeCVCfT/v2pDlTw98",
            "0YBH92sHyfUqJn+EAAAxK3pQ9wZt7Lm2Vb8Nc4Hj6RfTyU1+AQMNQ6wJam4Ytjhexk",
            "c/4K76qPfV6M=",
        ]
        .join("\n");
        let (begin, end) = ("-----BEGIN RSA PRIV", "ATE KEY-----");
        let key = format!("{begin}{end}\n{body}\n-----END RSA PRIV{end}\n");
        let slugs: Vec<String> = set
            .find(key.as_bytes())
            .iter()
            .map(|m| slug_of(&set, m))
            .collect();
        assert_eq!(slugs, ["private-key-pem"], "{slugs:?}");
    }

    #[test]
    fn the_more_specific_rule_wins_an_overlap() {
        let set = RuleSet::builtin();
        let url = format!("postgres://app:{}@db.internal:5432/app", "Zq8Lp2Wn5Rt9Xv3K");
        let found = set.find(url.as_bytes());
        assert_eq!(found.len(), 1);
        assert_eq!(slug_of(&set, &found[0]), "postgres-url-password");
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

    #[test]
    fn a_random_password_in_a_known_password_field_is_reported_though_it_looks_like_a_name() {
        // Drawn by `openssl rand` for the generated wp-config.php plant: camel-case letters by
        // chance. The field says it is the password.
        let set = RuleSet::builtin();
        for line in [
            "define( 'DB_PASSWORD', 'hCJGjkiJveAgUdu8ET' );",
            "define( 'DB_PASSWORD', 'apBRS73FOR3shyQrru' );",
        ] {
            let found = set.find(line.as_bytes());
            assert!(
                found
                    .iter()
                    .any(|m| set.rules()[m.rule].slug == "wordpress-db-password"),
                "{line}"
            );
        }
        // What names itself is still no password.
        assert!(set
            .find(b"define( 'DB_PASSWORD', 'password_here' );")
            .is_empty());
    }

    #[test]
    fn a_base64_encoded_token_is_found_at_its_encoded_bytes() {
        let set = RuleSet::builtin();
        let token = format!("ghp_{}", "Z3kq9RbT2vWx8YcN4mLp7HdJ6sGf1AeQ0uVi");
        let enc = base64::encode(token.as_bytes());
        let text = format!("ci:\n  encoded: {enc}\n");
        let found = set.find(text.as_bytes());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(slug_of(&set, &found[0]), "github-pat-classic");
        assert_eq!(&text[found[0].secret.clone()], enc);
        assert_eq!(found[0].identity, secret_identity(token.as_bytes()));
    }

    #[test]
    fn path_rules_run_only_at_their_paths() {
        let set = RuleSet::builtin();
        let text = b"db.internal:5432:app:app:Zq8Lp2Wn5Rt9Xv3K\n";
        assert!(set.find(text).is_empty());
        assert!(set.find_at("notes.txt", text).is_empty());
        let found = set.find_at("home/ci/.pgpass", text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(slug_of(&set, &found[0]), "pgpass-password");
    }
}
