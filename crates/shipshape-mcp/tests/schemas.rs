//! The published schemas are generated from the report types: every file under `schemas/` is what
//! generation gives today, every real report validates against its schema, and the generated
//! context schema rejects everything the hand-written one it replaced rejected.
//!
//! `SHIPSHAPE_UPDATE_SCHEMAS=1 cargo test -p shipshape-mcp --test schemas` rewrites the files.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use shipshape_commands::{assess, audit, context, init, rules, secrets, Workspace};
use shipshape_diagnostics::render as diag;
use shipshape_mcp::schemas;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Keys in sorted order at every level, so the files read the same whichever way serde_json is
/// built.
fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let ordered: BTreeMap<&String, Value> = m.iter().map(|(k, v)| (k, sorted(v))).collect();
            Value::Object(ordered.into_iter().map(|(k, v)| (k.clone(), v)).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

fn validator(file: &str) -> jsonschema::Validator {
    let schema = schemas::schema(file).unwrap_or_else(|| panic!("{file} is published"));
    jsonschema::draft202012::new(schema).unwrap_or_else(|e| panic!("{file} compiles: {e}"))
}

fn assert_valid(file: &str, what: &str, doc: &Value) {
    let errors: Vec<String> = validator(file)
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .take(10)
        .collect();
    assert!(
        errors.is_empty(),
        "{what} breaks {file}:\n{}",
        errors.join("\n")
    );
}

#[test]
fn every_published_schema_is_what_the_report_types_generate() {
    let update = std::env::var_os("SHIPSHAPE_UPDATE_SCHEMAS").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for p in schemas::published() {
        let generated = sorted(schemas::schema(p.file).unwrap());
        let path = repo_root().join("schemas").join(p.file);
        let committed: Option<Value> = fs::read_to_string(&path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok());
        if committed.as_ref() == Some(&generated) {
            continue;
        }
        if update {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            let text = serde_json::to_string_pretty(&generated).unwrap() + "\n";
            fs::write(&path, text).unwrap();
        } else {
            stale.push(p.file);
        }
    }
    assert!(
        stale.is_empty(),
        "schemas/{{{}}} differ from what the report types generate: run \
         `SHIPSHAPE_UPDATE_SCHEMAS=1 cargo test -p shipshape-mcp --test schemas` and review the \
         diff (a breaking change needs a new schema_version)",
        stale.join(",")
    );
}

#[test]
fn every_published_schema_is_a_valid_2020_12_schema_with_an_id() {
    for p in schemas::published() {
        let s = schemas::schema(p.file).unwrap();
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
        assert_eq!(s["$id"], format!("{}{}", schemas::ID_BASE, p.file));
        assert!(
            jsonschema::meta::is_valid(s),
            "{} is not a valid schema",
            p.file
        );
        validator(p.file);
    }
}

fn repositories() -> Vec<PathBuf> {
    let mut dirs = vec![repo_root().join("examples/shop")];
    let mut apps: Vec<PathBuf> = fs::read_dir(repo_root().join("tests/fixtures/apps"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    apps.sort();
    dirs.extend(apps);
    dirs
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).expect("a renderer prints JSON")
}

#[test]
fn every_report_of_every_fixture_validates_against_its_schema() {
    let repos = repositories();
    assert!(repos.len() > 10);
    for dir in &repos {
        let what = dir.display().to_string();
        let ws = Workspace::open(dir).unwrap();
        let v = serde_json::to_value(context::context(&ws)).unwrap();
        assert_valid("context.schema.json", &what, &v);
        let progress = shipshape_secrets::Progress::default();
        let v = serde_json::to_value(assess::assess(&ws, &Default::default(), &progress).unwrap())
            .unwrap();
        assert_valid("assess.schema.json", &what, &v);
        let dry_run = init::InitOptions {
            dry_run: true,
            ..Default::default()
        };
        let v = serde_json::to_value(init::init(&ws, &dry_run).report).unwrap();
        assert_valid("init.schema.json", &what, &v);

        let outcome = audit::audit(std::slice::from_ref(dir), &Default::default()).unwrap();
        let v = json_of(&diag::json(&outcome.report, &outcome.catalog));
        assert_valid("audit.schema.json", &what, &v);
        let outcome = secrets::secrets(dir, &Default::default(), &progress).unwrap();
        let v = json_of(&diag::json(&outcome.report, &outcome.catalog));
        assert_valid("secrets.schema.json", &what, &v);
    }
    let catalog = rules::builtin_catalog();
    let list = json_of(&diag::rules_json(&catalog));
    assert_valid("rules.schema.json", "the built-in rules", &list);
    assert_valid(
        "mcp/list_rules.schema.json",
        "the built-in rules",
        &json!({ "rules": list }),
    );
}

#[test]
fn the_findings_schema_holds_findings_with_every_field() {
    // The fixtures above may not produce a finding of every shape: audit the rule fixtures, which
    // do (every domain, secrets included).
    let bad = repo_root().join("tests/fixtures/rules");
    let outcome = audit::audit(&[bad], &Default::default()).unwrap();
    assert!(outcome.report.findings.len() > 50);
    let v = json_of(&diag::json(&outcome.report, &outcome.catalog));
    assert_valid("audit.schema.json", "the rule fixtures", &v);
}

#[test]
fn the_schemas_reject_documents_of_the_wrong_shape() {
    let ws = Workspace::open(&repo_root().join("examples/shop")).unwrap();
    let good = serde_json::to_value(context::context(&ws)).unwrap();
    let v = validator("context.schema.json");
    assert!(v.is_valid(&good));
    for (pointer, bad) in [
        ("/summary/cloud_provider", json!(42)),
        ("/schema_version", json!("2")),
        ("/tool/name", json!("other")),
        ("/facts/services/0/name", json!("")),
        ("/facts/services/0/language/evidence", json!([])),
        ("/facts/services/0/language/value", json!("cobol")),
    ] {
        let mut doc = good.clone();
        *doc.pointer_mut(pointer)
            .unwrap_or_else(|| panic!("{pointer} exists")) = bad;
        assert!(!v.is_valid(&doc), "{pointer} accepted a wrong value");
    }
    let mut doc = good.clone();
    doc["facts"]["unexpected"] = json!(1);
    assert!(!v.is_valid(&doc), "an unknown field was accepted");
}

/// Every small change to a document: each key removed, an unknown key added, each value
/// replaced by values of other shapes.
fn mutations(doc: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    let mut pointers = Vec::new();
    collect_pointers(doc, String::new(), &mut pointers);
    for p in pointers {
        let node = doc.pointer(&p).unwrap().clone();
        let mut replace = |with: Value| {
            let mut d = doc.clone();
            *d.pointer_mut(&p).unwrap() = with;
            out.push(d);
        };
        match &node {
            Value::Object(m) => {
                let mut added = m.clone();
                added.insert("unexpected_field".into(), json!(1));
                replace(Value::Object(added));
                for k in m.keys() {
                    let mut less = m.clone();
                    less.remove(k);
                    replace(Value::Object(less));
                }
            }
            Value::Array(a) => {
                replace(json!([]));
                let mut more = a.clone();
                more.push(json!(42));
                replace(Value::Array(more));
            }
            Value::String(_) => {
                for v in [json!(""), json!("not-a-known-value"), json!(7), Value::Null] {
                    replace(v);
                }
            }
            Value::Number(_) => {
                for v in [json!(0), json!(-1), json!(70000), json!("1"), Value::Null] {
                    replace(v);
                }
            }
            Value::Bool(_) => replace(json!("true")),
            Value::Null => replace(json!(0)),
        }
    }
    out
}

fn collect_pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                collect_pointers(
                    c,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                collect_pointers(c, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn the_generated_context_schema_rejects_all_the_hand_written_one_rejected() {
    let text = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/context.handwritten.schema.json"),
    )
    .unwrap();
    let handwritten = jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap();
    let generated = validator("context.schema.json");
    let mut rejected_by_both = 0;
    let mut looser = Vec::new();
    for dir in repositories() {
        let ws = Workspace::open(&dir).unwrap();
        let doc = serde_json::to_value(context::context(&ws)).unwrap();
        assert!(generated.is_valid(&doc));
        // The hand-written schema predates fields added since (processes, data_dirs, …): only
        // documents it still accepts can show the generated schema to be looser.
        if !handwritten.is_valid(&doc) {
            continue;
        }
        for m in mutations(&doc) {
            if handwritten.is_valid(&m) {
                continue;
            }
            if generated.is_valid(&m) {
                looser.push(format!(
                    "{}: {}",
                    dir.display(),
                    handwritten
                        .iter_errors(&m)
                        .next()
                        .map(|e| format!("{e} at {}", e.instance_path()))
                        .unwrap_or_default()
                ));
            } else {
                rejected_by_both += 1;
            }
        }
    }
    assert!(
        rejected_by_both > 1000,
        "only {rejected_by_both} mutations tried"
    );
    looser.sort();
    looser.dedup();
    assert!(
        looser.is_empty(),
        "the generated schema accepts {} document(s) the hand-written one rejected:\n{}",
        looser.len(),
        looser
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
