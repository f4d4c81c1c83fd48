//! The built-in rules file checked against itself: every rule finds each of its examples through
//! the whole pipeline (keyword gate, regex, entropy, placeholder filter) and none of its
//! negative examples.

use shipshape_secrets::rules::{self, compile_pattern, example_text};
use shipshape_secrets::RuleSet;

#[test]
fn ships_at_least_150_rules_with_unique_ids_and_slugs() {
    let set = RuleSet::builtin();
    let rules = set.rules();
    assert!(rules.len() >= 150, "only {} rules", rules.len());
    let mut ids = std::collections::HashSet::new();
    let mut slugs = std::collections::HashSet::new();
    for r in rules {
        assert!(ids.insert(&r.id), "duplicate id {}", r.id);
        assert!(slugs.insert(&r.slug), "duplicate slug {}", r.slug);
        assert!(r.id.starts_with("SS-SECRET-"), "{}", r.id);
        assert!(
            r.slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "slug {} is not kebab-case",
            r.slug
        );
    }
}

#[test]
fn every_rule_has_examples_and_negative_examples() {
    for r in RuleSet::builtin().rules() {
        assert!(!r.examples.is_empty(), "{} has no example", r.slug);
        assert!(
            !r.negatives.is_empty(),
            "{} has no negative example",
            r.slug
        );
    }
}

#[test]
fn every_rule_finds_each_of_its_examples() {
    let set = RuleSet::builtin();
    let mut failures = Vec::new();
    for (i, r) in set.rules().iter().enumerate() {
        for ex in &r.examples {
            let text = example_text(ex);
            if !set.gate_admits(i, text.as_bytes()) {
                failures.push(format!("{}: no keyword in example {text:?}", r.slug));
            } else if set.find_rule(i, text.as_bytes()).is_empty() {
                failures.push(format!("{}: example not found: {text:?}", r.slug));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn no_rule_finds_its_negative_examples() {
    let set = RuleSet::builtin();
    let mut failures = Vec::new();
    for (i, r) in set.rules().iter().enumerate() {
        for neg in &r.negatives {
            let text = example_text(neg);
            if !set.find_rule(i, text.as_bytes()).is_empty() {
                failures.push(format!("{}: negative example found: {text:?}", r.slug));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn word_boundaries_are_ascii_only() {
    // Rules are compiled with Unicode off, so `\b` is an ASCII boundary: a non-ASCII letter
    // next to a word is a boundary. A Unicode `\b` would not match here (and would be 35–100×
    // slower on large inputs).
    let re = compile_pattern(r"\bkey\b").unwrap();
    assert!(re.is_match("ékeyé".as_bytes()));
    for r in RuleSet::builtin().rules() {
        assert!(
            !r.pattern.contains("(?u")
                && !r.pattern.contains("\\p{")
                && !r.pattern.contains("\\P{"),
            "{} turns Unicode back on",
            r.slug
        );
    }
}

#[test]
fn the_rules_file_holds_no_complete_credential_shapes_for_the_strongest_prefixes() {
    // Examples of the most recognisable token families are split with the marker so that this
    // repository does not trip other scanners; the split is removed before testing.
    let raw = rules::BUILTIN_RULES;
    for prefix in ["ghp_", "github_pat_", "glpat-", "xoxb-", "sk_live_", "AKIA"] {
        for line in raw.lines().filter(|l| l.starts_with("examples")) {
            for (at, _) in line.match_indices(prefix) {
                let next = &line[at + prefix.len()..];
                let run = next
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .count();
                assert!(run < 16, "unsplit {prefix} example in: {line}");
            }
        }
    }
}

/// The catalog made without compiling the rules (from `data/builtin-examples.json`) is the one
/// the compiled rules make. `SHIPSHAPE_BLESS=1` rewrites the file from the compiled rules after
/// a rule or an example changed; run the test again to check it, and review the diff.
#[test]
fn the_uncompiled_builtin_catalog_equals_the_compiled_one() {
    let compiled = RuleSet::builtin().catalog_entries_from_rules();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/builtin-examples.json");
    if std::env::var_os("SHIPSHAPE_BLESS").is_some() {
        let map: std::collections::BTreeMap<String, Option<String>> = RuleSet::builtin()
            .rules()
            .iter()
            .zip(&compiled)
            .map(|(r, info)| {
                let shown = info.docs.example.to_string();
                let masked = shown
                    .strip_prefix("```\n")
                    .and_then(|s| s.strip_suffix("\n```"))
                    .map(str::to_string);
                (r.id.clone(), masked)
            })
            .collect();
        let text = serde_json::to_string_pretty(&map).expect("json") + "\n";
        std::fs::write(&path, text).expect("write builtin-examples.json");
        // The crate embeds the file when it is compiled: the next run compares the new one.
        return;
    }
    let uncompiled = rules::builtin_catalog();
    let json = |v: &[shipshape_diagnostics::RuleInfo]| serde_json::to_value(v).expect("json");
    // The set's own catalog takes the built-in examples from the table too.
    assert_eq!(
        json(&RuleSet::builtin().catalog_entries()),
        json(&compiled),
        "data/builtin-examples.json is stale: run `SHIPSHAPE_BLESS=1 cargo test -p \
         shipshape-secrets --test rules_file` and review the diff"
    );
    assert_eq!(
        json(&uncompiled),
        json(&compiled),
        "data/builtin-examples.json is stale: run `SHIPSHAPE_BLESS=1 cargo test -p \
         shipshape-secrets --test rules_file` and review the diff"
    );
}

/// The base64 literals of the built-in rules, kept in `data/builtin-literals.json` so that no
/// regex is compiled at start, are the ones running each rule on its example finds.
/// `SHIPSHAPE_BLESS=1` rewrites the file; run the test again to check it, and review the diff.
#[test]
fn the_builtin_literals_table_equals_what_the_rules_find() {
    let found = RuleSet::builtin().encoded_literals_from_rules();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/builtin-literals.json");
    if std::env::var_os("SHIPSHAPE_BLESS").is_some() {
        let text = serde_json::to_string_pretty(&found).expect("json") + "\n";
        std::fs::write(&path, text).expect("write builtin-literals.json");
        return;
    }
    let table: std::collections::BTreeMap<String, Vec<String>> =
        serde_json::from_str(rules::BUILTIN_LITERALS).expect("literals json");
    assert_eq!(
        table, found,
        "data/builtin-literals.json is stale: run `SHIPSHAPE_BLESS=1 cargo test -p \
         shipshape-secrets --test rules_file` and review the diff"
    );
    // Some rules open decoding: the table is not trivially empty.
    assert!(table.values().filter(|l| !l.is_empty()).count() >= 10);
}

/// Built-in rules compile their regexes on first use; compiled at once, every one is valid
/// (pattern, secret group) — what the deferred compile counts on.
#[test]
fn every_builtin_rule_compiles_with_its_regex() {
    let specs = rules::parse_rules_file(rules::BUILTIN_RULES, "built-in").expect("rules file");
    assert!(specs.len() > 300);
    for spec in specs {
        let id = spec.id.clone();
        if let Err(e) = rules::Rule::compile(spec, rules::RuleOrigin::Builtin) {
            panic!("{id}: {e}");
        }
    }
}

/// The rules the binary holds (written by the build script) are the rules file as
/// `parse_rules_file` reads it, field for field, in order.
#[test]
fn the_embedded_rules_are_the_rules_file() {
    let embedded = rules::builtin_specs_embedded();
    let parsed = rules::builtin_specs_parsed();
    assert_eq!(embedded.len(), parsed.len());
    for (e, p) in embedded.iter().zip(&parsed) {
        assert_eq!(e, p);
    }
}

/// The keyword gate's patterns over the built-in rules, kept in `data/builtin-gate.txt` (one a
/// line) so that the build script makes their automaton, are the ones the rules give.
/// `SHIPSHAPE_BLESS=1` rewrites the file; run the test again to check it.
#[test]
fn the_builtin_gate_file_equals_the_rules_keywords() {
    let patterns = RuleSet::builtin_gate_patterns();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/builtin-gate.txt");
    let text: String = patterns.iter().map(|p| format!("{p}\n")).collect();
    if std::env::var_os("SHIPSHAPE_BLESS").is_some() {
        std::fs::write(&path, &text).expect("write builtin-gate.txt");
        return;
    }
    assert!(patterns
        .iter()
        .all(|p| !p.is_empty() && !p.contains(['\n', '\r'])));
    let file = std::fs::read_to_string(&path).expect("read builtin-gate.txt");
    assert!(
        file == text,
        "data/builtin-gate.txt is stale: run `SHIPSHAPE_BLESS=1 cargo test -p \
         shipshape-secrets --test rules_file` and review the diff"
    );
}
