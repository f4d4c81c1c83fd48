//! Secret rules as data: the rules file compiled into the binary (`data/rules.toml`), rules a
//! repository adds in `shipshape.toml` `[[secrets.rules]]`, and rules imported from a gitleaks
//! configuration. Every rule is compiled the same way: a byte regex with ASCII semantics.

use regex::bytes::{Regex, RegexBuilder};
use regex_automata::meta;
use serde::Deserialize;
use std::borrow::Cow;

use shipshape_core::Severity;
use shipshape_diagnostics::{Domain, RuleDocs, RuleInfo, RuleRef};

use crate::checks::Check;
use crate::formats::Parser;

/// The built-in rules file.
pub const BUILTIN_RULES: &str = include_str!("../data/rules.toml");

/// Examples in the rules file may carry this character anywhere; it is removed before use. It
/// keeps complete credential shapes out of the file so other scanners do not flag it.
pub const EXAMPLE_SPLIT: char = '\u{b7}';

pub use shipshape_diagnostics::RuleOrigin;

/// What to do about a secret finding, for the people who read it.
pub const FIX: &str =
    "Revoke or rotate this credential at its provider first — everyone with a copy \
of the repository has it — then remove it from the code and load it at runtime from the \
environment or a secret manager. Removing it from history does not un-leak it.";

/// Why a committed credential matters, the same for every secret rule.
const WHY: &str = "Anyone with a copy of the repository — every clone, fork, CI cache, backup and \
package built from it — can use the credential, and it stays in the git history after the file \
is changed. Attackers scan public and leaked repositories for exactly these shapes within minutes.";

#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("{source_name}: {message} — fix the rules file")]
    Parse {
        source_name: String,
        message: String,
    },
    #[error("secret rule `{id}`: regex does not compile: {message}")]
    Regex { id: String, message: String },
    #[error("secret rule `{id}` has no keywords; give it at least one literal its matches contain (the prefilter needs it)")]
    NoKeywords { id: String },
    #[error("secret rule `{id}`: secret_group {group} does not exist in its regex")]
    NoSuchGroup { id: String, group: usize },
    #[error("secret rule `{id}` is defined twice")]
    Duplicate { id: String },
    #[error("secret rule `{id}`: unknown severity `{severity}` (info, warning, error)")]
    Severity { id: String, severity: String },
    #[error("secret rule `{id}` needs exactly one of `regex` and `parser`")]
    NoMatcher { id: String },
    #[error("secret rule `{id}`: unknown parser `{name}` (one of: {known})")]
    Parser {
        id: String,
        name: String,
        known: String,
    },
    #[error("secret rule `{id}`: unknown check `{name}` (one of: {known})")]
    Check {
        id: String,
        name: String,
        known: String,
    },
    #[error("secret rule `{id}`: path glob `{glob}` is invalid: {message}")]
    Path {
        id: String,
        glob: String,
        message: String,
    },
}

/// A rule as written in a rules file.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: String,
    #[serde(default)]
    pub slug: Option<String>,
    pub description: String,
    /// The pattern; a rule has this or a `parser`.
    #[serde(default)]
    pub regex: Option<String>,
    /// A built-in credential-file parser ([`crate::formats::Parser`]) instead of a regex.
    #[serde(default)]
    pub parser: Option<String>,
    /// Gitignore-style globs: the rule applies only to files whose path matches, and then to
    /// the whole file even without a keyword.
    #[serde(default)]
    pub paths: Vec<String>,
    /// A structural check every match must pass ([`crate::checks::Check`]).
    #[serde(default)]
    pub check: Option<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub secret_group: Option<usize>,
    #[serde(default)]
    pub entropy: Option<f64>,
    #[serde(default)]
    pub generic_value: bool,
    #[serde(default)]
    pub multiline: bool,
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub negatives: Vec<String>,
    /// The path the examples and negatives are scanned at, for rules with `paths`.
    #[serde(default)]
    pub example_path: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    rule: Vec<RuleSpec>,
}

/// How a rule finds candidates.
#[derive(Debug, Clone)]
pub(crate) enum Matcher {
    Regex(LazyRegex),
    Parser(Parser),
}

/// Built-in rules whose regex nearly every repository wakes: their keywords are common words or
/// pieces of them (`pass`, `token`, `://`, `curl`, `postgres`, `machine`, `user:`, and `pat`,
/// `lob`, `st.`, `ably` inside `path`, `blob`, `list.`, `probably`). Each was compiled on at
/// least 8 of 11 real trees (istio, argo-cd, loki, tempo, two Helm chart collections, the
/// Kubernetes examples, the official python, postgres and node image repositories, the bundled
/// example). [`crate::warm_up`] compiles them beside the walk; compiled on the scan's first
/// file that holds a keyword, they were most of the secret scan's fixed cost (about 2.5 ms of
/// CPU, the generic assignment rule 1 ms of it, with the other scanning thread waiting for it).
/// Costliest first.
pub(crate) const COMPILED_AHEAD: &[&str] = &[
    "SS-SECRET-280", // generic-secret-assignment
    "SS-SECRET-275", // netrc-password
    "SS-SECRET-267", // postgres-url-password
    "SS-SECRET-279", // url-credentials
    "SS-SECRET-259", // ethereum-private-key
    "SS-SECRET-144", // ably-api-key
    "SS-SECRET-229", // kubeconfig-token
    "SS-SECRET-310", // lob-api-key
    "SS-SECRET-132", // mailchimp-api-key
    "SS-SECRET-278", // curl-user-password
    "SS-SECRET-237", // airtable-pat
    "SS-SECRET-230", // infisical-token
    "SS-SECRET-127", // salesforce-access-token
];

/// A rule's regex, compiled on first use and shared by every copy of the rule. A built-in rule
/// is compiled only when a file holds one of its keywords: most runs touch a few of the three
/// hundred, and compiling all of them cost more than scanning a thousand Dockerfiles. A rule a
/// user writes is compiled at once, so a bad pattern is reported when the rules are loaded.
#[derive(Debug, Clone)]
pub(crate) struct LazyRegex(std::sync::Arc<LazyInner>);

#[derive(Debug)]
struct LazyInner {
    pattern: String,
    compiled: std::sync::OnceLock<(meta::Regex, Option<usize>)>,
}

impl LazyRegex {
    fn deferred(pattern: &str) -> LazyRegex {
        LazyRegex(std::sync::Arc::new(LazyInner {
            pattern: pattern.to_string(),
            compiled: std::sync::OnceLock::new(),
        }))
    }

    fn compiled(pattern: &str) -> Result<LazyRegex, regex::Error> {
        let regex = compile_matcher(pattern)?;
        let lazy = LazyRegex::deferred(pattern);
        let _ = lazy.0.compiled.set(with_name_group(regex));
        Ok(lazy)
    }

    /// The regex and the group named `name` (the assignment's name, for checks), if any.
    pub(crate) fn get(&self) -> (&meta::Regex, Option<usize>) {
        let (regex, name) = self.0.compiled.get_or_init(|| {
            // Only built-in patterns are deferred, and the crate's tests compile every one of
            // them: a failure here is a bug in this build.
            let regex = compile_matcher(&self.0.pattern)
                .unwrap_or_else(|e| panic!("built-in secret rule pattern does not compile: {e}"));
            with_name_group(regex)
        });
        (regex, *name)
    }
}

fn with_name_group(regex: meta::Regex) -> (meta::Regex, Option<usize>) {
    let name_group = regex
        .group_info()
        .pattern_names(regex_automata::PatternID::ZERO)
        .position(|n| n == Some("name"));
    (regex, name_group)
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub slug: String,
    pub description: String,
    pub severity: Severity,
    /// Lowercase literals; the regex runs only on lines holding one.
    pub keywords: Vec<String>,
    pub secret_group: Option<usize>,
    pub entropy: Option<f64>,
    pub generic_value: bool,
    pub multiline: bool,
    pub examples: Vec<String>,
    pub negatives: Vec<String>,
    pub example_path: Option<String>,
    pub origin: RuleOrigin,
    /// The regex, or `parser:NAME` for a parser rule.
    pub pattern: String,
    pub check: Option<Check>,
    /// Path globs the rule is limited to (empty: every file).
    pub paths: Vec<String>,
    pub(crate) matcher: Matcher,
    pub(crate) path_set: Option<globset::GlobSet>,
}

/// Compile a pattern the way every rule is compiled. Unicode is off: `\b`, `\w`, `\s` and `\d`
/// are ASCII-only and classes match single bytes, which is what scanning raw bytes needs — and a
/// single Unicode word boundary makes a scan 35–100× slower.
pub fn compile_pattern(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
}

/// Bytes a rule's compiled regex, and its lazy DFA's cache, may take.
const REGEX_SIZE_LIMIT: usize = 4 * 1024 * 1024;

/// A rule's matcher: [`compile_pattern`]'s regex (the same syntax, limits and matches: it is
/// the engine `regex` wraps) without the one-pass DFA. That DFA only speeds up reading the
/// groups of a match, which a scan does a few times per file; building it was a fifth of a
/// rule's compile time (1.9 → 1.5 ms for the thirteen rules compiled ahead). The literal
/// prefilter stays: without it compiling is faster still, but scanning slower by more. An
/// invalid pattern reports `regex`'s own error.
fn compile_matcher(pattern: &str) -> Result<meta::Regex, regex::Error> {
    let config = meta::Config::new()
        .match_kind(regex_automata::MatchKind::LeftmostFirst)
        .utf8_empty(false)
        .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
        .hybrid_cache_capacity(REGEX_SIZE_LIMIT)
        .onepass(false);
    let syntax = regex_automata::util::syntax::Config::new()
        .unicode(false)
        .utf8(false);
    meta::Builder::new()
        .configure(config)
        .syntax(syntax)
        .build(pattern)
        .map_err(|e| match compile_pattern(pattern) {
            Err(wrapped) => wrapped,
            Ok(_) => regex::Error::Syntax(e.to_string()),
        })
}

impl RuleSpec {
    /// The keywords as the gate matches them: lower case, none empty.
    fn lowercase_keywords(&self) -> Vec<String> {
        self.keywords
            .iter()
            .map(|k| k.to_ascii_lowercase())
            .filter(|k| !k.is_empty())
            .collect()
    }
}

impl Rule {
    /// Compile a rule, its regex included: every error in it is reported here.
    pub fn compile(spec: RuleSpec, origin: RuleOrigin) -> Result<Rule, RuleError> {
        Rule::compile_with(spec, origin, false)
    }

    /// Compile a rule whose regex is compiled on first use (built-in rules, checked by the
    /// crate's tests).
    fn compile_deferred(spec: RuleSpec, origin: RuleOrigin) -> Result<Rule, RuleError> {
        Rule::compile_with(spec, origin, true)
    }

    fn compile_with(spec: RuleSpec, origin: RuleOrigin, defer: bool) -> Result<Rule, RuleError> {
        let (matcher, pattern) = match (&spec.regex, &spec.parser) {
            (Some(re), None) => {
                let lazy = if defer {
                    LazyRegex::deferred(re)
                } else {
                    LazyRegex::compiled(re).map_err(|e| RuleError::Regex {
                        id: spec.id.clone(),
                        message: e.to_string(),
                    })?
                };
                (Matcher::Regex(lazy), re.clone())
            }
            (None, Some(name)) => {
                let parser = Parser::parse_name(name).ok_or_else(|| RuleError::Parser {
                    id: spec.id.clone(),
                    name: name.clone(),
                    known: Parser::NAMES.join(", "),
                })?;
                (Matcher::Parser(parser), format!("parser:{name}"))
            }
            _ => return Err(RuleError::NoMatcher { id: spec.id }),
        };
        let keywords = spec.lowercase_keywords();
        if keywords.is_empty() && spec.paths.is_empty() {
            return Err(RuleError::NoKeywords { id: spec.id });
        }
        if let (Some(g), Matcher::Regex(lazy), false) = (spec.secret_group, &matcher, defer) {
            if g >= lazy.get().0.captures_len() {
                return Err(RuleError::NoSuchGroup {
                    id: spec.id,
                    group: g,
                });
            }
        }
        let check = match &spec.check {
            None => None,
            Some(name) => Some(Check::parse(name).ok_or_else(|| RuleError::Check {
                id: spec.id.clone(),
                name: name.clone(),
                known: Check::NAMES.join(", "),
            })?),
        };
        let path_set = if spec.paths.is_empty() {
            None
        } else {
            let mut b = globset::GlobSetBuilder::new();
            for g in &spec.paths {
                let glob = globset::GlobBuilder::new(g)
                    .case_insensitive(true)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| RuleError::Path {
                        id: spec.id.clone(),
                        glob: g.clone(),
                        message: e.to_string(),
                    })?;
                b.add(glob);
            }
            Some(b.build().map_err(|e| RuleError::Path {
                id: spec.id.clone(),
                glob: spec.paths.join(", "),
                message: e.to_string(),
            })?)
        };
        let severity = match &spec.severity {
            None => Severity::Error,
            Some(s) => s.parse().map_err(|_| RuleError::Severity {
                id: spec.id.clone(),
                severity: s.clone(),
            })?,
        };
        let slug = spec.slug.clone().unwrap_or_else(|| slugify(&spec.id));
        Ok(Rule {
            id: spec.id,
            slug,
            description: spec.description,
            severity,
            keywords,
            secret_group: spec.secret_group,
            entropy: spec.entropy,
            generic_value: spec.generic_value,
            multiline: spec.multiline,
            examples: spec.examples,
            negatives: spec.negatives,
            example_path: spec.example_path,
            origin,
            pattern,
            check,
            paths: spec.paths,
            matcher,
            path_set,
        })
    }

    /// Whether the rule applies to a file at `path` (always, unless it lists `paths`).
    pub fn applies_to(&self, path: &str) -> bool {
        self.path_set.as_ref().is_none_or(|s| s.is_match(path))
    }
}

fn slugify(id: &str) -> String {
    let mut s = String::new();
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('-') {
            s.push('-');
        }
    }
    s.trim_matches('-').to_string()
}

impl Rule {
    /// The catalog entry for this rule: `rules`, `explain` and SARIF read it. `example` is the
    /// rule's first example with its secrets masked, as every output shows secrets
    /// ([`RuleSet::catalog_entries`](crate::RuleSet::catalog_entries) finds them with the rule).
    pub fn info(&self, example: Option<String>) -> RuleInfo {
        info_of(
            &self.id,
            &self.slug,
            &self.description,
            self.severity,
            &self.keywords,
            self.origin,
            example,
        )
    }
}

/// A secret rule's catalog entry from its parts (a compiled [`Rule`]'s, or a built-in rule's
/// specification in [`builtin_catalog`]).
fn info_of(
    id: &str,
    slug: &str,
    description: &str,
    severity: Severity,
    keywords: &[String],
    origin: RuleOrigin,
    example: Option<String>,
) -> RuleInfo {
    let example = example
        .map(|masked| format!("```\n{masked}\n```"))
        .unwrap_or_default();
    let keywords = if keywords.is_empty() {
        String::new()
    } else {
        format!(
            " It looks only where one of these words occurs: {}.",
            keywords
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    RuleInfo {
        id: Cow::Owned(id.to_string()),
        slug: Cow::Owned(slug.to_string()),
        domain: Domain::Secrets,
        severity,
        title: Cow::Owned(description.to_string()),
        docs: RuleDocs {
            what: Cow::Owned(format!(
                "Finds a {} committed in plain text, in any file of the working tree, the staged changes or the git history.{keywords}",
                description.trim_end_matches('.')
            )),
            why: Cow::Borrowed(WHY),
            example: Cow::Owned(example),
            fix: Cow::Borrowed(FIX),
        },
        equivalents: Vec::new(),
        origin,
    }
}

/// Each built-in rule's first example as the catalog shows it (masked by the rule itself, see
/// [`crate::RuleSet::catalog_entries`]), by rule ID, kept with the rules so that a catalog can
/// be made without compiling them. A test checks it against the compiled rules and rewrites it
/// with `SHIPSHAPE_BLESS=1`.
pub const BUILTIN_EXAMPLES: &str = include_str!("../data/builtin-examples.json");

/// Each built-in rule's literals whose base64 forms open the decoding of the text around them
/// (see the engine), by rule ID: found by running the rule on its first example, kept here so
/// that no regex is compiled at start. A test checks it against the rules and rewrites it with
/// `SHIPSHAPE_BLESS=1`.
pub const BUILTIN_LITERALS: &str = include_str!("../data/builtin-literals.json");

/// A table embedded in the binary, by rule ID, parsed once. The crate's tests check both files,
/// so a failure here is a bug in this build.
type Table<T> = std::collections::HashMap<String, T>;

fn embedded<T: serde::de::DeserializeOwned>(
    cell: &'static std::sync::OnceLock<Table<T>>,
    text: &str,
    what: &str,
) -> &'static Table<T> {
    cell.get_or_init(|| {
        serde_json::from_str(text)
            .unwrap_or_else(|e| panic!("the embedded {what} file is invalid: {e}"))
    })
}

/// [`BUILTIN_LITERALS`], parsed once.
pub(crate) fn builtin_literals() -> &'static Table<Vec<String>> {
    static TABLE: std::sync::OnceLock<Table<Vec<String>>> = std::sync::OnceLock::new();
    embedded(&TABLE, BUILTIN_LITERALS, "literals")
}

/// [`BUILTIN_EXAMPLES`], parsed once.
pub(crate) fn builtin_examples() -> &'static Table<Option<String>> {
    static TABLE: std::sync::OnceLock<Table<Option<String>>> = std::sync::OnceLock::new();
    embedded(&TABLE, BUILTIN_EXAMPLES, "examples")
}

/// The catalog entries of the built-in rules, made without compiling any of them (an audit that
/// runs no secret rule still lists them, and pays nothing for their regexes). Equal to
/// [`crate::RuleSet::builtin`]'s `catalog_entries()`, as a test checks.
pub fn builtin_catalog() -> Vec<RuleInfo> {
    static CATALOG: std::sync::OnceLock<Vec<RuleInfo>> = std::sync::OnceLock::new();
    CATALOG
        .get_or_init(|| {
            let specs = builtin_specs();
            let examples = builtin_examples();
            specs
                .iter()
                .map(|spec| {
                    let keywords = spec.lowercase_keywords();
                    let severity = spec.severity.as_deref().map_or(Severity::Error, |s| {
                        s.parse()
                            .unwrap_or_else(|_| panic!("built-in rule {}: severity", spec.id))
                    });
                    let slug = spec.slug.clone().unwrap_or_else(|| slugify(&spec.id));
                    info_of(
                        &spec.id,
                        &slug,
                        &spec.description,
                        severity,
                        &keywords,
                        RuleOrigin::Builtin,
                        examples.get(&spec.id).cloned().flatten(),
                    )
                })
                .collect()
        })
        .clone()
}

impl<'a> From<&'a Rule> for RuleRef<'a> {
    fn from(r: &'a Rule) -> RuleRef<'a> {
        RuleRef::Parts {
            id: &r.id,
            slug: &r.slug,
            severity: r.severity,
        }
    }
}

/// Parse a shipshape rules file (`[[rule]]` tables).
pub fn parse_rules_file(text: &str, source_name: &str) -> Result<Vec<RuleSpec>, RuleError> {
    toml::from_str::<RulesFile>(text)
        .map(|f| f.rule)
        .map_err(|e| RuleError::Parse {
            source_name: source_name.to_string(),
            message: e.message().trim().to_string(),
        })
}

/// A [`RuleSpec`] of the built-in rules file as the build script writes it into the binary.
pub(crate) struct StaticSpec {
    id: &'static str,
    slug: Option<&'static str>,
    description: &'static str,
    regex: Option<&'static str>,
    parser: Option<&'static str>,
    paths: &'static [&'static str],
    check: Option<&'static str>,
    keywords: &'static [&'static str],
    secret_group: Option<usize>,
    entropy: Option<f64>,
    generic_value: bool,
    multiline: bool,
    severity: Option<&'static str>,
    examples: &'static [&'static str],
    negatives: &'static [&'static str],
    example_path: Option<&'static str>,
}

/// `data/rules.toml` as Rust data: the build script reads the file (parsing it here at every
/// start cost more than scanning a hundred Dockerfiles).
mod generated {
    use super::StaticSpec;
    include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
}

impl StaticSpec {
    fn to_spec(&self) -> RuleSpec {
        let owned = |s: Option<&str>| s.map(str::to_string);
        let all = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        RuleSpec {
            id: self.id.to_string(),
            slug: owned(self.slug),
            description: self.description.to_string(),
            regex: owned(self.regex),
            parser: owned(self.parser),
            paths: all(self.paths),
            check: owned(self.check),
            keywords: all(self.keywords),
            secret_group: self.secret_group,
            entropy: self.entropy,
            generic_value: self.generic_value,
            multiline: self.multiline,
            severity: owned(self.severity),
            examples: all(self.examples),
            negatives: all(self.negatives),
            example_path: owned(self.example_path),
        }
    }
}

/// The built-in rules file, as the build script read it (once per process; the catalog and the
/// compiled rules both start from it). Equal to [`BUILTIN_RULES`] parsed, as a test checks.
fn builtin_specs() -> &'static [RuleSpec] {
    static SPECS: std::sync::OnceLock<Vec<RuleSpec>> = std::sync::OnceLock::new();
    SPECS.get_or_init(|| {
        generated::BUILTIN_SPECS
            .iter()
            .map(StaticSpec::to_spec)
            .collect()
    })
}

/// The built-in rules file parsed at run time, what the build script's data must equal.
#[doc(hidden)]
pub fn builtin_specs_parsed() -> Vec<RuleSpec> {
    parse_rules_file(BUILTIN_RULES, "built-in rules")
        .unwrap_or_else(|e| panic!("the embedded rules file is invalid: {e}"))
}

/// The built-in rules as the binary holds them (see [`builtin_specs_parsed`]).
#[doc(hidden)]
pub fn builtin_specs_embedded() -> Vec<RuleSpec> {
    builtin_specs().to_vec()
}

/// The built-in rules, compiled. The file is checked by the crate's tests, so a failure here is
/// a bug in this build, not a user error. Compiled once per process (tens of milliseconds, which
/// a long-lived process such as the MCP server would pay on every call); a copy shares the
/// compiled regexes.
pub fn builtin() -> Vec<Rule> {
    static BUILTIN: std::sync::OnceLock<Vec<Rule>> = std::sync::OnceLock::new();
    BUILTIN
        .get_or_init(|| {
            // On one thread: under a millisecond, mostly on a warm-up thread beside the walk,
            // where helper threads only took cores from it.
            builtin_specs()
                .iter()
                .map(|spec| {
                    Rule::compile_deferred(spec.clone(), RuleOrigin::Builtin)
                        .unwrap_or_else(|e| panic!("the embedded rules file is invalid: {e}"))
                })
                .collect()
        })
        .clone()
}

/// An example or negative example as it is meant to be matched (split markers removed).
pub fn example_text(example: &str) -> String {
    example.replace(EXAMPLE_SPLIT, "")
}

// ---------------------------------------------------------------------------------------------
// gitleaks import

#[derive(Deserialize)]
struct GitleaksFile {
    #[serde(default)]
    rules: Vec<GitleaksRule>,
    #[serde(default)]
    allowlist: Option<GitleaksAllowlist>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GitleaksRule {
    id: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    regex: Option<String>,
    #[serde(default)]
    secret_group: Option<usize>,
    #[serde(default)]
    entropy: Option<f64>,
    #[serde(default)]
    keywords: Vec<String>,
}

#[derive(Deserialize)]
struct GitleaksAllowlist {
    #[serde(default)]
    paths: Vec<String>,
}

/// What a gitleaks configuration contributes.
#[derive(Debug, Default)]
pub struct GitleaksImport {
    pub rules: Vec<Rule>,
    /// Path regexes from the global `[allowlist]`.
    pub allow_path_patterns: Vec<String>,
    /// Rules that could not be taken over, with why.
    pub skipped: Vec<String>,
}

/// The literals every match must contain are hard to derive in general; a gitleaks rule without
/// keywords gets the longest plain run of word characters outside classes and counts.
fn guess_keyword(pattern: &str) -> Option<String> {
    let mut best = String::new();
    let mut cur = String::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            cur.push(c.to_ascii_lowercase());
            continue;
        }
        match c {
            '\\' => {
                chars.next();
            }
            // Classes and repetition counts are not literals.
            '[' | '{' => {
                let close = if c == '[' { ']' } else { '}' };
                while let Some(d) = chars.next() {
                    if d == '\\' {
                        chars.next();
                    } else if d == close {
                        break;
                    }
                }
            }
            _ => {}
        }
        if cur.len() > best.len() {
            best = std::mem::take(&mut cur);
        }
        cur.clear();
    }
    if cur.len() > best.len() {
        best = cur;
    }
    (best.len() >= 3).then_some(best)
}

/// Import the rules of a gitleaks TOML configuration. Go's RE2 syntax is a subset of what the
/// regex crate accepts; a rule that does not compile, or has only a path pattern, is skipped and
/// listed with the reason.
pub fn import_gitleaks(text: &str, source_name: &str) -> Result<GitleaksImport, RuleError> {
    let file: GitleaksFile = toml::from_str(text).map_err(|e| RuleError::Parse {
        source_name: source_name.to_string(),
        message: e.message().trim().to_string(),
    })?;
    let mut out = GitleaksImport::default();
    for r in file.rules {
        let Some(regex) = r.regex else {
            out.skipped.push(format!(
                "{}: no content regex (path-only rules are not imported)",
                r.id
            ));
            continue;
        };
        let mut keywords = r.keywords;
        if keywords.is_empty() {
            match guess_keyword(&regex) {
                Some(k) => keywords.push(k),
                None => {
                    out.skipped.push(format!(
                        "{}: no keywords and no literal to use as one",
                        r.id
                    ));
                    continue;
                }
            }
        }
        let spec = RuleSpec {
            id: format!("gitleaks:{}", r.id),
            slug: Some(slugify(&r.id)),
            description: r.description.unwrap_or_else(|| r.id.clone()),
            regex: Some(regex),
            parser: None,
            paths: Vec::new(),
            check: None,
            keywords,
            secret_group: r.secret_group.filter(|g| *g > 0),
            entropy: r.entropy,
            generic_value: false,
            multiline: false,
            severity: None,
            examples: Vec::new(),
            negatives: Vec::new(),
            example_path: None,
        };
        match Rule::compile(spec, RuleOrigin::Gitleaks) {
            Ok(rule) => out.rules.push(rule),
            Err(e) => out.skipped.push(format!("{}: {e}", r.id)),
        }
    }
    if let Some(a) = file.allowlist {
        out.allow_path_patterns = a.paths;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_compiled_ahead_are_built_in_regex_rules() {
        let rules = builtin();
        for id in COMPILED_AHEAD {
            let rule = rules.iter().find(|r| r.id == *id);
            assert!(
                rule.is_some_and(|r| matches!(r.matcher, Matcher::Regex(_))),
                "{id} is no built-in regex rule"
            );
        }
    }

    #[test]
    fn a_rule_matcher_matches_what_the_rule_pattern_matches() {
        // Every built-in regex, on every example and negative and on all of them joined: the
        // same matches with the same groups as the `regex` the pattern compiles to.
        let specs = builtin_specs();
        let joined: String = specs
            .iter()
            .flat_map(|s| s.examples.iter().chain(&s.negatives))
            .map(|e| example_text(e) + "\n")
            .collect();
        let mut compared = 0;
        for spec in specs {
            let Some(pattern) = &spec.regex else { continue };
            let wrapped = compile_pattern(pattern).unwrap();
            let matcher = compile_matcher(pattern).unwrap();
            assert_eq!(
                wrapped.captures_len(),
                matcher.captures_len(),
                "{}",
                spec.id
            );
            let names: Vec<_> = wrapped.capture_names().collect();
            let own: Vec<_> = matcher
                .group_info()
                .pattern_names(regex_automata::PatternID::ZERO)
                .collect();
            assert_eq!(names, own, "{}", spec.id);
            let texts = spec
                .examples
                .iter()
                .chain(&spec.negatives)
                .map(|e| example_text(e));
            for text in texts.chain(std::iter::once(joined.clone())) {
                let expected: Vec<Vec<Option<(usize, usize)>>> = wrapped
                    .captures_iter(text.as_bytes())
                    .map(|c| c.iter().map(|g| g.map(|m| (m.start(), m.end()))).collect())
                    .collect();
                let got: Vec<Vec<Option<(usize, usize)>>> = matcher
                    .captures_iter(text.as_bytes())
                    .map(|c| {
                        (0..c.group_len())
                            .map(|g| c.get_group(g).map(|s| (s.start, s.end)))
                            .collect()
                    })
                    .collect();
                assert_eq!(expected, got, "{} on {text:?}", spec.id);
                compared += expected.len();
            }
        }
        assert!(compared > 300, "only {compared} matches compared");
    }

    #[test]
    fn a_rule_pattern_that_does_not_compile_reports_the_regex_error() {
        let wrapped = compile_pattern("key_(").unwrap_err().to_string();
        let own = compile_matcher("key_(").unwrap_err().to_string();
        assert_eq!(wrapped, own);
        assert!(own.contains("unclosed group"), "{own}");
        let too_big = compile_matcher("[a-z]{1000}{1000}")
            .unwrap_err()
            .to_string();
        assert_eq!(
            too_big,
            compile_pattern("[a-z]{1000}{1000}")
                .unwrap_err()
                .to_string()
        );
    }

    #[test]
    fn slugs_are_kebab_case() {
        assert_eq!(slugify("Acme_Token v2"), "acme-token-v2");
    }

    #[test]
    fn imports_gitleaks_rules_and_reports_what_it_cannot_take() {
        let text = r#"
[[rules]]
id = "acme-token"
description = "Acme token"
regex = '''acme_[a-z0-9]{20}'''
keywords = ["acme_"]

[[rules]]
id = "pem-files"
path = '''\.pem$'''

[[rules]]
id = "lookahead"
regex = '''foo(?=bar)'''
keywords = ["foo"]

[allowlist]
paths = ['''vendor/''']
"#;
        let imp = import_gitleaks(text, "gitleaks.toml").unwrap();
        assert_eq!(imp.rules.len(), 1);
        assert_eq!(imp.rules[0].id, "gitleaks:acme-token");
        assert_eq!(imp.skipped.len(), 2, "{:?}", imp.skipped);
        assert_eq!(imp.allow_path_patterns, ["vendor/"]);
    }

    #[test]
    fn a_gitleaks_rule_without_keywords_gets_its_longest_literal() {
        assert_eq!(
            guess_keyword(r"\bacmecorp_[a-z]{8}"),
            Some("acmecorp_".into())
        );
        assert_eq!(guess_keyword(r"[a-z]{8}"), None);
    }

    #[test]
    fn rules_without_keywords_are_rejected() {
        let spec = RuleSpec {
            id: "x".into(),
            slug: None,
            description: "x".into(),
            regex: Some("abc".into()),
            parser: None,
            paths: vec![],
            check: None,
            keywords: vec![],
            secret_group: None,
            entropy: None,
            generic_value: false,
            multiline: false,
            severity: None,
            examples: vec![],
            negatives: vec![],
            example_path: None,
        };
        assert!(matches!(
            Rule::compile(spec, RuleOrigin::Config),
            Err(RuleError::NoKeywords { .. })
        ));
    }
}
