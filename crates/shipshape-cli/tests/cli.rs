//! The command line as a user meets it: real binary, real folders, documented exit codes.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shipshape() -> Command {
    let mut c = Command::cargo_bin("shipshape").expect("binary built");
    c.env("NO_COLOR", "1");
    c
}

fn context_json(path: &Path) -> Value {
    let out = shipshape()
        .args(["context", "--format", "json"])
        .arg(path)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

fn context_validator() -> jsonschema::Validator {
    let text = fs::read_to_string(repo_root().join("schemas/context.schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("schema compiles")
}

fn assert_valid(v: &Value) {
    let validator = context_validator();
    let errors: Vec<String> = validator
        .iter_errors(v)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "context JSON breaks its schema:\n{}",
        errors.join("\n")
    );
}

#[test]
fn context_json_of_every_fixture_validates_against_the_published_schema() {
    let mut dirs = vec![repo_root().join("examples/shop")];
    for e in fs::read_dir(repo_root().join("tests/fixtures/apps")).unwrap() {
        dirs.push(e.unwrap().path());
    }
    assert!(dirs.len() > 1);
    for d in dirs {
        let v = context_json(&d);
        assert_eq!(v["schema_version"], "1");
        assert_valid(&v);
    }
}

#[test]
fn the_schema_rejects_output_of_the_wrong_shape() {
    let mut v = context_json(&repo_root().join("examples/shop"));
    v["summary"]["cloud_provider"] = Value::from(42);
    assert!(!context_validator().is_valid(&v));
}

#[test]
fn example_shop_comes_out_as_web_api_and_postgres_linked() {
    let v = context_json(&repo_root().join("examples/shop"));
    let services = v["facts"]["services"].as_array().unwrap();
    let names: Vec<&str> = services
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["acme-api", "web"]);
    assert_eq!(
        v["summary"]["backing_services"],
        serde_json::json!(["postgres"])
    );
    assert_eq!(v["summary"]["ci_provider"], "github-actions");
    let deps = |i: usize| -> Vec<String> {
        services[i]["depends_on"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["value"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(deps(0), ["postgres"]);
    assert_eq!(deps(1), ["acme-api"]);
}

#[test]
fn missing_path_is_a_usage_error_with_exit_2() {
    for cmd in ["context", "assess"] {
        shipshape()
            .args([cmd, "/definitely/not/here"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("no such file or folder"));
    }
}

#[test]
fn a_file_instead_of_a_folder_is_exit_2() {
    shipshape()
        .args(["context"])
        .arg(repo_root().join("Cargo.toml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a file, not a folder"));
}

#[test]
fn an_empty_folder_has_no_services_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let v = context_json(dir.path());
    assert_eq!(v["facts"]["services"].as_array().unwrap().len(), 0);
    assert_valid(&v);
    shipshape()
        .arg("assess")
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("Score"));
}

/// The skipped paths of a `context` report (under `facts`) or a findings report (top level).
fn skipped(v: &Value) -> Vec<(String, String)> {
    v["facts"]["skipped"]
        .as_array()
        .or(v["skipped"].as_array())
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_string(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn bad_files_are_skipped_with_a_reason_and_the_rest_is_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::write(
        p.join("requirements.txt"),
        "flask==3.0.3\ngunicorn==22.0.0\n",
    )
    .unwrap();
    fs::write(
        p.join("app.py"),
        "from flask import Flask\napp = Flask(__name__)\n",
    )
    .unwrap();
    // Invalid UTF-8 in a file that detection reads.
    fs::write(p.join("settings.yaml"), b"name: caf\xe9\n").unwrap();
    // Binary content behind a text-looking name.
    fs::write(p.join("logo.yaml"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    // A 50 MiB file of a kind shipshape reads.
    let big = fs::File::create(p.join("dump.yaml")).unwrap();
    big.set_len(50 * 1024 * 1024).unwrap();
    // A symlink loop.
    #[cfg(unix)]
    std::os::unix::fs::symlink("loop", p.join("loop")).unwrap();

    let v = context_json(p);
    assert_valid(&v);
    let s = skipped(&v);
    assert!(
        s.contains(&("settings.yaml".into(), "invalid-utf8".into())),
        "{s:?}"
    );
    assert!(s.contains(&("logo.yaml".into(), "binary".into())), "{s:?}");
    assert!(
        s.contains(&("dump.yaml".into(), "too-large".into())),
        "{s:?}"
    );
    #[cfg(unix)]
    assert!(s.contains(&("loop".into(), "symlink-loop".into())), "{s:?}");
    // The good part of the repository is still understood.
    assert_eq!(v["facts"]["services"][0]["framework"]["value"], "flask");

    shipshape()
        .arg("context")
        .arg(p)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "dump.yaml: file is 50 MiB, over the 5 MiB limit",
        ));
}

#[test]
fn malformed_manifests_become_notes_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::create_dir_all(p.join("web")).unwrap();
    fs::create_dir_all(p.join("api")).unwrap();
    fs::create_dir_all(p.join("k8s")).unwrap();
    fs::write(
        p.join("web/package.json"),
        "{\n  \"name\": \"web\",\n  \"dependencies\": {\n",
    )
    .unwrap();
    fs::write(
        p.join("api/pyproject.toml"),
        "[project]\nname = \"api\nversion = 1\n",
    )
    .unwrap();
    fs::write(
        p.join("k8s/deploy.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: [1\n",
    )
    .unwrap();
    let v = context_json(p);
    assert_valid(&v);
    let notes: Vec<String> = v["facts"]["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["path"].as_str().unwrap().to_string())
        .collect();
    assert!(notes.contains(&"web/package.json".to_string()), "{notes:?}");
    assert!(
        notes.contains(&"api/pyproject.toml".to_string()),
        "{notes:?}"
    );
    shipshape().arg("assess").arg(p).assert().success();
}

#[test]
fn a_broken_shipshape_toml_is_an_error_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let write = |text: &str| fs::write(dir.path().join("shipshape.toml"), text).unwrap();
    let fails_with = |cmd: &str, needle: &str| {
        shipshape()
            .arg(cmd)
            .arg(dir.path())
            .assert()
            .code(2)
            .stderr(predicate::str::contains(needle));
    };
    write("[repository\ncloud = 1\n");
    fails_with("context", "could not parse shipshape.toml:1");
    // A misspelled section, in any command, is named with its line.
    write("[inventory]\nexclude = [\"legacy/**\"]\n\n[secret]\nallow_paths = []\n");
    for cmd in ["context", "assess", "audit", "secrets", "init"] {
        fails_with(cmd, "shipshape.toml:4: unknown section `[secret]`");
    }
    // An unknown key in a section another crate owns is caught whatever the command.
    write("[secrets]\nallow_path = []\n");
    fails_with("context", "shipshape.toml:2");
    write("[audit]\nfail_onn = \"error\"\n");
    fails_with("audit", "fail_onn");
}

#[test]
fn shipshape_toml_overrides_detected_values_with_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::write(
        p.join("requirements.txt"),
        "fastapi==0.111.0\nuvicorn==0.30.1\n",
    )
    .unwrap();
    fs::write(
        p.join("main.py"),
        "from fastapi import FastAPI\napp = FastAPI()\n",
    )
    .unwrap();
    fs::write(
        p.join("shipshape.toml"),
        "[repository]\ncloud = \"gcp\"\n\n[services.app]\nroot = \".\"\nport = 9000\n",
    )
    .unwrap();
    let v = context_json(p);
    assert_eq!(v["summary"]["cloud_provider"], "gcp");
    let port = &v["facts"]["services"][0]["port"];
    assert_eq!(port["value"], 9000);
    assert_eq!(port["evidence"][0]["path"], "shipshape.toml");
    assert_eq!(port["evidence"][0]["line"], 6);
}

/// A folder the walk cannot open is listed as not read by every command that reads the
/// repository's files — `context`, `audit` and `secrets` — never passed over in silence: it may
/// hold a Dockerfile or a secret.
#[cfg(unix)]
#[test]
fn an_unreadable_folder_is_skipped_with_permission_denied() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::create_dir_all(p.join("secret")).unwrap();
    fs::write(p.join("secret/Dockerfile"), "FROM alpine:3.20\n").unwrap();
    fs::write(p.join("package.json"), "{\"name\":\"x\"}").unwrap();
    fs::set_permissions(p.join("secret"), fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(p, fs::Permissions::from_mode(0o755)).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("shipshape");
    // Root reads everything, so drop to an unprivileged user when running as root.
    let is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    // The build folder may not be reachable for that user: run a copy from a temp folder.
    let bindir = tempfile::tempdir().unwrap();
    let run = |command: &str| {
        if is_root {
            fs::set_permissions(bindir.path(), fs::Permissions::from_mode(0o755)).unwrap();
            let copy = bindir.path().join("shipshape");
            if !copy.exists() {
                fs::copy(&bin, &copy).unwrap();
                fs::set_permissions(&copy, fs::Permissions::from_mode(0o755)).unwrap();
            }
            std::process::Command::new("setpriv")
                .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(&copy)
                .args([command, "--format", "json"])
                .arg(p)
                .output()
                .expect("setpriv runs")
        } else {
            std::process::Command::new(&bin)
                .args([command, "--format", "json"])
                .arg(p)
                .output()
                .unwrap()
        }
    };
    let outs: Vec<_> = ["context", "audit", "secrets"]
        .iter()
        .map(|c| (*c, run(c)))
        .collect();
    fs::set_permissions(p.join("secret"), fs::Permissions::from_mode(0o755)).unwrap();
    for (command, out) in outs {
        assert!(
            out.status.success(),
            "{command}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        // `audit` and `secrets` name paths from the folder given on the command line.
        let named = |path: &str| path == "secret" || path.ends_with("/secret");
        assert!(
            skipped(&v)
                .iter()
                .any(|(path, why)| named(path) && why == "permission-denied"),
            "{command}: {:?}",
            skipped(&v)
        );
    }
}

#[test]
fn assess_fail_under_gates_with_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    shipshape()
        .args(["assess", "--fail-under", "90"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("below --fail-under 90"));
    shipshape()
        .args(["assess", "--fail-under", "0"])
        .arg(dir.path())
        .assert()
        .success();
    shipshape()
        .args(["assess", "--fail-under", "101"])
        .arg(dir.path())
        .assert()
        .code(2);
}

#[test]
fn assess_json_lists_every_item_with_status_and_quick_wins() {
    let out = shipshape()
        .args(["assess", "--format", "json"])
        .arg(repo_root().join("examples/shop"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = v["assessment"]["items"].as_array().unwrap();
    assert!(items.len() >= 20);
    let status = |id: &str| {
        items
            .iter()
            .find(|i| i["id"] == id)
            .unwrap_or_else(|| panic!("{id}"))["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(status("ci-pipeline"), "pass");
    assert_eq!(status("fail-fast-ci"), "fail");
    assert_eq!(status("non-root-containers"), "fail");
    assert_eq!(status("private-databases"), "fail");
    assert_eq!(status("no-hardcoded-secrets"), "pass");
    let wins = v["assessment"]["quick_wins"].as_array().unwrap();
    assert!(!wins.is_empty() && wins.len() <= 5);
    let score = v["assessment"]["score"].as_u64().unwrap();
    assert!(score < 50, "a half-finished setup scores low, got {score}");
}
