//! Turns the built-in rules file (`data/rules.toml`, the one place the rules are written) into
//! Rust data, so a run does not parse 120 KiB of TOML before it can scan (9.5 M instructions,
//! the second largest fixed cost of an audit). The crate's tests check that the generated rules
//! are the file as `parse_rules_file` reads it, field for field.

use std::fmt::Write as _;

/// The fields of a `[[rule]]` table, as `RuleSpec` declares them (it denies any other).
const FIELDS: &[&str] = &[
    "id",
    "slug",
    "description",
    "regex",
    "parser",
    "paths",
    "check",
    "keywords",
    "secret_group",
    "entropy",
    "generic_value",
    "multiline",
    "severity",
    "examples",
    "negatives",
    "example_path",
];

fn string(rule: &toml::Table, key: &str, at: usize) -> Option<String> {
    rule.get(key).map(|v| match v {
        toml::Value::String(s) => format!("{s:?}"),
        other => panic!("data/rules.toml rule {at}: `{key}` is not a string: {other}"),
    })
}

fn optional_string(rule: &toml::Table, key: &str, at: usize) -> String {
    match string(rule, key, at) {
        Some(s) => format!("Some({s})"),
        None => "None".into(),
    }
}

fn strings(rule: &toml::Table, key: &str, at: usize) -> String {
    let Some(v) = rule.get(key) else {
        return "&[]".into();
    };
    let toml::Value::Array(items) = v else {
        panic!("data/rules.toml rule {at}: `{key}` is not an array");
    };
    let items: Vec<String> = items
        .iter()
        .map(|i| match i {
            toml::Value::String(s) => format!("{s:?}"),
            other => panic!("data/rules.toml rule {at}: `{key}` holds {other}"),
        })
        .collect();
    format!("&[{}]", items.join(", "))
}

fn boolean(rule: &toml::Table, key: &str, at: usize) -> bool {
    match rule.get(key) {
        None => false,
        Some(toml::Value::Boolean(b)) => *b,
        Some(other) => panic!("data/rules.toml rule {at}: `{key}` is not a boolean: {other}"),
    }
}

fn main() {
    println!("cargo:rerun-if-changed=data/rules.toml");
    println!("cargo:rerun-if-changed=build.rs");
    let text = std::fs::read_to_string("data/rules.toml").expect("data/rules.toml is readable");
    let file: toml::Table = text
        .parse()
        .unwrap_or_else(|e| panic!("data/rules.toml does not parse: {e}"));
    let mut code = String::from(
        "/// `data/rules.toml`, made by the build script.\n\
         pub(crate) static BUILTIN_SPECS: &[StaticSpec] = &[\n",
    );
    for key in file.keys() {
        assert!(key == "rule", "data/rules.toml: unknown table `{key}`");
    }
    let Some(toml::Value::Array(rules)) = file.get("rule") else {
        panic!("data/rules.toml has no [[rule]]");
    };
    for (at, rule) in rules.iter().enumerate() {
        let toml::Value::Table(rule) = rule else {
            panic!("data/rules.toml rule {at} is not a table");
        };
        for key in rule.keys() {
            assert!(
                FIELDS.contains(&key.as_str()),
                "data/rules.toml rule {at}: unknown field `{key}`"
            );
        }
        let required = |key: &str| {
            string(rule, key, at)
                .unwrap_or_else(|| panic!("data/rules.toml rule {at}: `{key}` is missing"))
        };
        let secret_group = match rule.get("secret_group") {
            None => "None".to_string(),
            Some(toml::Value::Integer(g)) if *g >= 0 => format!("Some({g})"),
            Some(other) => panic!("data/rules.toml rule {at}: secret_group {other}"),
        };
        let entropy = match rule.get("entropy") {
            None => "None".to_string(),
            Some(toml::Value::Float(f)) => format!("Some({f:?})"),
            Some(toml::Value::Integer(i)) => format!("Some({:?})", *i as f64),
            Some(other) => panic!("data/rules.toml rule {at}: entropy {other}"),
        };
        let _ = writeln!(
            code,
            "    StaticSpec {{ id: {}, slug: {}, description: {}, regex: {}, parser: {}, \
             paths: {}, check: {}, keywords: {}, secret_group: {secret_group}, \
             entropy: {entropy}, generic_value: {}, multiline: {}, severity: {}, examples: {}, \
             negatives: {}, example_path: {} }},",
            required("id"),
            optional_string(rule, "slug", at),
            required("description"),
            optional_string(rule, "regex", at),
            optional_string(rule, "parser", at),
            strings(rule, "paths", at),
            optional_string(rule, "check", at),
            strings(rule, "keywords", at),
            boolean(rule, "generic_value", at),
            boolean(rule, "multiline", at),
            optional_string(rule, "severity", at),
            strings(rule, "examples", at),
            strings(rule, "negatives", at),
            optional_string(rule, "example_path", at),
        );
    }
    code.push_str("];\n");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("builtin_rules.rs"), code).expect("OUT_DIR is writable");
}
