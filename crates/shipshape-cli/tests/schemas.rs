//! The real outputs of the binary — every JSON format of every command, baseline files, and
//! `shipshape.toml` files — validate against the published JSON Schemas in `schemas/` (which
//! `crates/shipshape-mcp/tests/schemas.rs` keeps equal to what the types generate), and the
//! configuration schema rejects what shipshape rejects.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn schema_dir() -> PathBuf {
    repo_root().join("schemas")
}

fn shipshape() -> Command {
    let mut c = Command::cargo_bin("shipshape").expect("binary built");
    c.env("NO_COLOR", "1");
    c
}

fn validator(file: &str) -> jsonschema::Validator {
    let text = fs::read_to_string(schema_dir().join(file))
        .unwrap_or_else(|e| panic!("schemas/{file}: {e}"));
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

fn assert_valid(file: &str, what: &str, doc: &Value) {
    let errors: Vec<String> = validator(file)
        .iter_errors(doc)
        .map(|e| format!("  {e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} breaks schemas/{file}:\n{}",
        errors.join("\n")
    );
}

/// Runs shipshape and parses its stdout as JSON; `codes` are the exit codes the run may have.
fn json_of(args: &[&str], dir: Option<&Path>, codes: &[i32]) -> Value {
    let mut cmd = shipshape();
    cmd.args(args);
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    let out = cmd.output().expect("runs");
    let code = out.status.code().unwrap_or(-1);
    assert!(
        codes.contains(&code),
        "shipshape {args:?} exited {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

#[test]
fn context_and_assess_json_of_the_example_validate() {
    let shop = repo_root().join("examples/shop");
    let shop = shop.to_str().unwrap();
    let context = json_of(&["context", "--format", "json", shop], None, &[0]);
    assert_valid("context.schema.json", "context --format json", &context);
    let assess = json_of(&["assess", "--format", "json", shop], None, &[0]);
    assert!(!assess["assessment"]["items"].as_array().unwrap().is_empty());
    assert_valid("assess.schema.json", "assess --format json", &assess);
}

#[test]
fn audit_json_with_findings_validates() {
    let bad = repo_root().join("tests/fixtures/rules/docker/no-latest-tag/bad");
    let audit = json_of(
        &["audit", "--format", "json", bad.to_str().unwrap()],
        None,
        &[1],
    );
    assert!(!audit["findings"].as_array().unwrap().is_empty());
    assert_valid("audit.schema.json", "audit --format json", &audit);
}

#[test]
fn secrets_json_with_a_finding_validates() {
    let dir = tempfile::tempdir().unwrap();
    // A GitHub token shape, assembled so this file holds none.
    let token = format!("ghp_{}", "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8");
    fs::write(dir.path().join("deploy.sh"), format!("TOKEN={token}\n")).unwrap();
    let secrets = json_of(
        &["secrets", "--format", "json", dir.path().to_str().unwrap()],
        None,
        &[1],
    );
    assert_eq!(secrets["findings"].as_array().unwrap().len(), 1);
    assert_valid("secrets.schema.json", "secrets --format json", &secrets);
}

#[test]
fn init_json_validates() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("package.json"),
        r#"{"name":"web","scripts":{"start":"node server.js"},"dependencies":{"express":"^4.19.0"}}"#,
    )
    .unwrap();
    fs::write(
        dir.path().join("server.js"),
        "require('express')().listen(3000)\n",
    )
    .unwrap();
    let init = json_of(
        &[
            "init",
            "--dry-run",
            "--format",
            "json",
            dir.path().to_str().unwrap(),
        ],
        None,
        &[0],
    );
    assert!(!init["files"].as_array().unwrap().is_empty());
    assert_valid("init.schema.json", "init --format json", &init);
}

#[test]
fn rules_json_validates() {
    let rules = json_of(&["rules", "--format", "json"], None, &[0]);
    assert!(rules.as_array().unwrap().len() > 100);
    assert_valid("rules.schema.json", "rules --format json", &rules);
}

#[test]
fn a_written_baseline_validates() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("Dockerfile"),
        "FROM node:latest\nUSER root\n",
    )
    .unwrap();
    let mut cmd = shipshape();
    cmd.current_dir(dir.path())
        .args(["audit", "--write-baseline", "baseline.json", "."]);
    assert!(cmd.output().unwrap().status.success());
    let baseline: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("baseline.json")).unwrap())
            .unwrap();
    assert_valid("baseline.schema.json", "a --write-baseline file", &baseline);
}

fn toml_as_json(text: &str) -> Value {
    let value: toml::Value = toml::from_str(text).expect("TOML parses");
    serde_json::to_value(value).unwrap()
}

/// Every section, as the README and the secrets documentation show them.
const FULL_CONFIG: &str = r#"
[inventory]
max_file_size = 10485760
exclude = ["legacy/**"]

[audit]
select = ["SS-DOCKER", "compose"]
ignore = ["no-latest-tag"]
fail_on = "error"
baseline = ".shipshape-baseline.json"

[repository]
cloud = "aws"
orchestrator = "kubernetes"
ci = "github-actions"
environments = ["dev", "staging", "prod"]

[services.api]
root = "backend"
port = 9000
start_command = "gunicorn app.wsgi --bind 0.0.0.0:9000"
health_path = "/healthz"
depends_on = ["postgres"]

[secrets]
allow_paths = ["docs/examples/**"]
disable = ["jwt", "SS-SECRET-120"]
gitleaks_config = ".gitleaks.toml"

[[secrets.rules]]
id = "acme-internal-token"
description = "Acme internal API token"
regex = '''\b(acme_[a-z0-9]{32})\b'''
keywords = ["acme_"]
"#;

#[test]
fn a_configuration_shipshape_accepts_validates() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("shipshape.toml"), FULL_CONFIG).unwrap();
    // shipshape itself reads it without complaint …
    json_of(
        &["context", "--format", "json", dir.path().to_str().unwrap()],
        None,
        &[0],
    );
    // … and so does the schema.
    assert_valid(
        "shipshape-toml.schema.json",
        "shipshape.toml",
        &toml_as_json(FULL_CONFIG),
    );
}

#[test]
fn the_configuration_schema_rejects_what_shipshape_rejects() {
    for (text, why) in [
        ("[secret]\nallow_paths = []\n", "an unknown section"),
        ("[secrets]\nallow_path = []\n", "an unknown key"),
        (
            "[services.api]\nport = \"eighty\"\n",
            "a port that is not a number",
        ),
        (
            "[inventory]\nexclude = \"legacy/**\"\n",
            "a string where a list belongs",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("shipshape.toml"), text).unwrap();
        let out = shipshape()
            .args(["context", "--format", "json"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "shipshape accepts {why}");
        assert!(
            !validator("shipshape-toml.schema.json").is_valid(&toml_as_json(text)),
            "the schema accepts {why}"
        );
    }
}

#[test]
fn the_findings_schema_rejects_output_of_the_wrong_shape() {
    let bad = repo_root().join("tests/fixtures/rules/docker/no-latest-tag/bad");
    let mut audit = json_of(
        &["audit", "--format", "json", bad.to_str().unwrap()],
        None,
        &[1],
    );
    audit["findings"][0]["severity"] = Value::from("fatal");
    assert!(!validator("audit.schema.json").is_valid(&audit));
}
