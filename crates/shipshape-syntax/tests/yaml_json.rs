//! The JSON view of spanned YAML (`Node::to_json`): what detection reads values through. It must
//! give the values detection got before from serde-saphyr, so every YAML file of the fixture
//! repositories is compared with serde-saphyr's reading; where the two readings differ by design
//! (YAML 1.1 spellings, duplicate keys, values JSON cannot hold) the difference is specified
//! below, one case per test.

use std::path::{Path, PathBuf};

use serde_json::{json, Value as Json};
use shipshape_syntax::yaml::parse;

fn to_json(src: &str) -> Vec<Json> {
    parse(src)
        .unwrap_or_else(|e| panic!("{src:?} should parse: {e:?}"))
        .iter()
        .map(|n| n.to_json())
        .collect()
}

fn one(src: &str) -> Json {
    let mut docs = to_json(src);
    assert_eq!(docs.len(), 1, "{src:?}");
    docs.remove(0)
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
            out.push(path);
        }
    }
}

#[test]
fn every_fixture_yaml_file_reads_as_serde_saphyr_read_it() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    yaml_files(&root.join("tests/fixtures"), &mut files);
    yaml_files(&root.join("examples"), &mut files);
    files.sort();
    assert!(files.len() > 40, "the fixture corpus went missing");
    let mut compared = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).expect("fixture is UTF-8");
        let Ok(expected) = serde_saphyr::from_multiple::<Json>(&text) else {
            // Helm templates and deliberately broken files: nothing to compare against.
            continue;
        };
        let actual = parse(&text)
            .unwrap_or_else(|e| panic!("{}: serde-saphyr reads it, we fail: {e}", path.display()));
        let actual: Vec<Json> = actual.iter().map(|n| n.to_json()).collect();
        assert_eq!(actual, expected, "{}", path.display());
        compared += 1;
    }
    assert!(compared > 40, "only {compared} files compared");
}

#[test]
fn scalars_are_typed_by_the_core_schema() {
    assert_eq!(
        one("a: [true, True, FALSE, 12, -3, +4, 0o17, 0x1F, 1.5, .5, 1e3, 2.5E-1, ~, null, x]"),
        json!({"a": [true, true, false, 12, -3, 4, 15, 31, 1.5, 0.5, 1000.0, 0.25, null, null, "x"]})
    );
    assert_eq!(
        one("a: '12'\nb: \"true\"\nc: !!str 7\nd: |\n  12\n"),
        json!({"a": "12", "b": "true", "c": "7", "d": "12\n"})
    );
    assert_eq!(one("a:\nb: ''"), json!({"a": null, "b": ""}));
}

#[test]
fn merge_keys_and_aliases_are_resolved() {
    assert_eq!(
        one("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\nl: &l [1]\nc: *l\n"),
        json!({"base": {"x": 1, "y": 2}, "m": {"x": 1, "y": 3}, "l": [1], "c": [1]})
    );
    assert_eq!(
        one("a: &a {x: 1}\nb: &b {x: 2, z: 3}\nm:\n  <<: [*a, *b]\n"),
        json!({"a": {"x": 1}, "b": {"x": 2, "z": 3}, "m": {"x": 1, "z": 3}})
    );
}

#[test]
fn every_document_of_a_stream_is_kept_and_an_empty_stream_has_none() {
    assert_eq!(
        to_json("a: 1\n---\nb: 2\n"),
        [json!({"a": 1}), json!({"b": 2})]
    );
    assert!(to_json("").is_empty());
    assert!(to_json("# only a comment\n").is_empty());
}

// Readings that differ from serde-saphyr's, on purpose.

#[test]
fn yaml_1_1_booleans_are_text() {
    // serde-saphyr read `yes`, `on`, `y` and even `tRue` as booleans; YAML 1.2 and the
    // spanned tree's `as_bool` do not.
    assert_eq!(
        one("a: [yes, no, on, off, y, tRue]"),
        json!({"a": ["yes", "no", "on", "off", "y", "tRue"]})
    );
}

#[test]
fn leading_zeros_and_underscores_follow_the_core_schema() {
    // serde-saphyr: 7.0, 777.0 and 1000.
    assert_eq!(
        one("a: 007\nb: 0777\nc: 1_000\n"),
        json!({"a": 7, "b": 777, "c": "1_000"})
    );
}

#[test]
fn values_serde_saphyr_refused_are_read() {
    // serde-saphyr failed the whole file on each of these; detection then used nothing from it.
    assert_eq!(
        one("a: 1\na: 2\n"),
        json!({"a": 2}),
        "the last duplicate wins"
    );
    assert_eq!(
        one("a: [.inf, -.Inf, .nan, 1e400]"),
        json!({"a": [".inf", "-.Inf", ".nan", "1e400"]}),
        "JSON holds no infinity"
    );
    assert_eq!(
        one("1: a\ntrue: b\n~: c\n? [x, y]\n: d\n"),
        json!({"1": "a", "true": "b", "null": "c", "[\"x\",\"y\"]": "d"})
    );
}
