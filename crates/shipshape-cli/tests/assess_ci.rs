//! The CI items of `shipshape assess` read the GitHub Actions and GitLab CI models: CI that only
//! runs on a schedule is no CI, an image build that does not wait for the tests is not fail-fast
//! (in GitLab, a later stage waits), and token permissions are decided by the audit's
//! GitHub Actions findings.

use std::path::Path;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("package.json"),
        r#"{ "name": "web", "scripts": { "start": "node server.js", "test": "node --test" } }"#,
    )
    .expect("write");
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, text).expect("write");
    }
    dir
}

fn assess(dir: &Path) -> Value {
    let out = Command::cargo_bin("shipshape")
        .expect("binary")
        .args(["assess", "--format", "json"])
        .arg(dir)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn item(doc: &Value, id: &str) -> Value {
    doc["assessment"]["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("no item {id}"))
}

const KEEP_ALIVE: &str = "on:\n  schedule:\n    - cron: '0 0 * * 0'\npermissions: {}\njobs:\n  ping:\n    runs-on: ubuntu-latest\n    steps:\n      - run: curl -fsS https://example.com/ping\n";

const TESTED: &str = "on: [push, pull_request]\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n    steps:\n      - run: npm test\n  image:\n    needs: test\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n    steps:\n      - run: docker build -t web .\n      - uses: aquasecurity/trivy-action@ed142fd0673e97e23eac54620cfb913e5ce36c25 # v0.36.0\n";

#[test]
fn a_workflow_that_only_runs_on_a_schedule_is_not_ci() {
    let dir = repo(&[(".github/workflows/keep-alive.yml", KEEP_ALIVE)]);
    let ci = item(&assess(dir.path()), "ci-pipeline");
    assert_eq!(ci["status"], "fail", "{ci}");
    assert!(
        ci["summary"].as_str().unwrap_or("").contains("schedule"),
        "{ci}"
    );
}

#[test]
fn tests_on_every_change_then_a_scanned_image_pass_ci_fail_fast_and_cve_scanning() {
    let dir = repo(&[(".github/workflows/ci.yml", TESTED)]);
    let doc = assess(dir.path());
    for id in [
        "ci-pipeline",
        "fail-fast-ci",
        "least-privilege-ci",
        "cve-scanning",
    ] {
        let i = item(&doc, id);
        assert_eq!(i["status"], "pass", "{id}: {i}");
    }
}

#[test]
fn an_image_built_beside_the_tests_is_not_fail_fast() {
    let racing = TESTED.replace("    needs: test\n", "");
    let dir = repo(&[(".github/workflows/ci.yml", racing.as_str())]);
    let i = item(&assess(dir.path()), "fail-fast-ci");
    assert_eq!(i["status"], "fail", "{i}");
    assert_eq!(i["evidence"][0]["line"], 10, "{i}");
}

#[test]
fn gitlab_stages_order_the_jobs() {
    let ordered = "stages: [test, build]\ntest:\n  stage: test\n  image: node:22\n  script: [npm test]\nbuild:\n  stage: build\n  image: docker:29.1\n  script: [docker build -t web .]\n";
    let dir = repo(&[(".gitlab-ci.yml", ordered)]);
    assert_eq!(item(&assess(dir.path()), "fail-fast-ci")["status"], "pass");
    let reversed = ordered.replace("stages: [test, build]", "stages: [build, test]");
    let dir = repo(&[(".gitlab-ci.yml", reversed.as_str())]);
    assert_eq!(item(&assess(dir.path()), "fail-fast-ci")["status"], "fail");
}

#[test]
fn missing_token_permissions_fail_with_the_audit_finding_as_evidence() {
    let open = TESTED
        .replace("permissions: {}\n", "")
        .replace("    permissions:\n      contents: read\n", "");
    let dir = repo(&[(".github/workflows/ci.yml", open.as_str())]);
    let i = item(&assess(dir.path()), "least-privilege-ci");
    assert_eq!(i["status"], "fail", "{i}");
    let rules: Vec<&str> = i["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .filter_map(|e| e["rule"].as_str())
        .collect();
    assert!(rules.contains(&"SS-GHA-003"), "{i}");
}
