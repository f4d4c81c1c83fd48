//! One diagnostics model for every checker, end to end through the binary: SARIF rule indexes
//! that always point at the right descriptor whatever mix of checkers reported, and one secret
//! reported once, redacted the same way, in every file kind.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A GitHub token built at run time, so this file holds no complete one.
fn token() -> String {
    format!("ghp_{}", "Z3kq9RbT2vWx8YcN4mLp7HdJ6sGf1AeQ0uVi")
}

/// A token of the repository's own format, matched by a rule from its shipshape.toml.
fn acme_token() -> String {
    format!("acme_{}", "k3j9x2m4p8q1w7e5r6t0y2u4i8o3a5s1")
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

/// Dockerfile and compose rules, a built-in secret rule and a rule from `[[secrets.rules]]`.
fn mixed_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(
        p,
        "shipshape.toml",
        "[[secrets.rules]]\nid = \"SS-ACME-001\"\ndescription = \"Acme internal API token\"\nregex = '''\\b(acme_[a-z0-9]{32})\\b'''\nkeywords = [\"acme_\"]\nexamples = []\n",
    );
    write(p, "Dockerfile", "FROM node:latest\nRUN npm install\n");
    write(
        p,
        "compose.yaml",
        "services:\n  app:\n    image: app:1.0\n    privileged: true\n",
    );
    write(p, "app.py", &format!("TOKEN = \"{}\"\n", token()));
    write(p, "settings.py", &format!("ACME = \"{}\"\n", acme_token()));
    dir
}

fn shipshape(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("shipshape")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_sarif_result_points_at_the_descriptor_of_its_own_rule() {
    let dir = mixed_repo();
    let (code, out, err) = shipshape(dir.path(), &["audit", ".", "--format", "sarif"]);
    assert_eq!(code, 1, "{err}");
    let sarif: Value = serde_json::from_str(&out).unwrap();
    let schema: Value = serde_json::from_str(
        &fs::read_to_string(
            repo_root().join("crates/shipshape-diagnostics/tests/data/sarif-2.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "SARIF invalid: {errors:?}");

    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    let mut seen: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    seen.sort();
    seen.dedup();
    for want in [
        "SS-ACME-001",
        "SS-COMPOSE-001",
        "SS-DOCKER-004",
        "SS-SECRET-036",
    ] {
        assert!(seen.contains(&want), "{want} not reported: {seen:?}");
    }
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[i]["id"], r["ruleId"],
            "ruleIndex {i} of {}",
            r["ruleId"]
        );
    }
    // The run describes exactly the rules its results reference.
    assert_eq!(rules.len(), seen.len());
    for d in rules {
        assert!(
            d["help"]["markdown"].as_str().unwrap().contains("## Fix"),
            "{d}"
        );
        assert!(!d["properties"]["tags"].as_array().unwrap().is_empty());
    }
    assert!(run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap()
        .starts_with("file:///"));
    assert!(!out.contains(&token()) && !out.contains(&acme_token()));
}

#[test]
fn a_secret_is_one_finding_with_one_redaction_in_every_file_kind() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let t = token();
    write(
        p,
        "Dockerfile",
        &format!("FROM node:22-slim\nENV GITHUB_TOKEN={t}\n"),
    );
    write(
        p,
        "compose.yaml",
        &format!("services:\n  app:\n    image: app:1.0\n    environment:\n      GITHUB_TOKEN: \"{t}\"\n"),
    );
    write(p, "app.py", &format!("GITHUB_TOKEN = \"{t}\"\n"));
    let (_, out, err) = shipshape(
        p,
        &[
            "audit",
            ".",
            "--format",
            "json",
            "--select",
            "SS-DOCKER-082,SS-COMPOSE-009,secrets",
        ],
    );
    assert!(!out.contains(&t), "a secret leaked: {out}");
    let doc: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let findings = doc["findings"].as_array().unwrap();
    for file in ["Dockerfile", "compose.yaml", "app.py"] {
        let here: Vec<&Value> = findings
            .iter()
            .filter(|f| f["location"]["path"] == file)
            .collect();
        assert_eq!(here.len(), 1, "{file}: {here:#?}");
        let f = here[0];
        assert!(
            f["snippet"].as_str().unwrap().contains("ghp_***(40 chars)"),
            "{file}: {}",
            f["snippet"]
        );
        let fp = f["fingerprint"].as_str().unwrap();
        assert!(
            fp.len() == 16 && fp.chars().all(|c| c.is_ascii_hexdigit()),
            "{fp}"
        );
    }
    // The file-kind rule reports it where it knows the file; the scanner where nothing else does.
    let rule_of = |file: &str| {
        findings
            .iter()
            .find(|f| f["location"]["path"] == file)
            .unwrap()["rule_id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(rule_of("Dockerfile"), "SS-DOCKER-082");
    assert_eq!(rule_of("compose.yaml"), "SS-COMPOSE-009");
    assert_eq!(rule_of("app.py"), "SS-SECRET-036");
}

#[test]
fn a_user_rule_can_be_selected_listed_and_explained() {
    let dir = mixed_repo();
    let (code, out, _) = shipshape(
        dir.path(),
        &["audit", ".", "--select", "SS-ACME-001", "--format", "json"],
    );
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 1);
    let (code, out, _) = shipshape(dir.path(), &["explain", "SS-ACME-001", "--repository", "."]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Acme internal API token") && out.contains("shipshape.toml"),
        "{out}"
    );
    let (_, out, _) = shipshape(
        dir.path(),
        &["rules", "--format", "json", "--repository", "."],
    );
    assert!(out.contains("\"SS-ACME-001\""));
    // Without the repository the rule does not exist, and selecting it is an error.
    let (code, _, err) = shipshape(dir.path(), &["explain", "SS-ACME-001"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = shipshape(dir.path(), &["audit", ".", "--select", "SS-NOPE-001"]);
    assert_eq!(code, 2);
    assert!(err.contains("names no rule"), "{err}");
}
