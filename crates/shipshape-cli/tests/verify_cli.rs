//! `shipshape verify` without a container engine, and its usage errors: what it says and the
//! exit code. Building and starting images is tested where an engine runs: the engine library's
//! tests (crates/shipshape-gen/tests/engine_buildah.rs) and the container harness in CI
//! (tests/containers/harness.py fixtures, which drives this command through buildah).

use std::fs;

use assert_cmd::Command;

fn shipshape() -> Command {
    let mut cmd = Command::cargo_bin("shipshape").expect("binary built");
    cmd.env("NO_COLOR", "1");
    cmd
}

/// A repository with one Dockerfile.
fn repo_with_dockerfile() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("Dockerfile"),
        "FROM debian:bookworm-slim\nUSER 10001\nCMD [\"sleep\", \"60\"]\n",
    )
    .unwrap();
    dir
}

#[test]
fn no_engine_on_the_machine_exits_2_with_what_was_tried() {
    let repo = repo_with_dockerfile();
    let empty_path = tempfile::tempdir().unwrap();
    let out = shipshape()
        .env("PATH", empty_path.path())
        .args(["verify"])
        .arg(repo.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no container engine found"), "{err}");
    for engine in ["docker", "podman", "buildah"] {
        assert!(err.contains(&format!("{engine}: not installed")), "{err}");
    }
    assert!(out.stdout.is_empty(), "no report without an engine");
}

#[test]
fn a_chosen_engine_that_is_missing_is_named() {
    let repo = repo_with_dockerfile();
    let empty_path = tempfile::tempdir().unwrap();
    let out = shipshape()
        .env("PATH", empty_path.path())
        .args(["verify", "--engine", "podman", "--format", "json"])
        .arg(repo.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("podman: not installed"));
}

#[test]
fn an_unknown_engine_is_a_usage_error() {
    let out = shipshape()
        .args(["verify", "--engine", "containerd", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("docker, podman or buildah"));
}

#[test]
fn a_repository_with_nothing_to_build_says_so_before_looking_for_an_engine() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("README.md"), "# notes\n").unwrap();
    let out = shipshape().arg("verify").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nothing to verify"), "{err}");
    assert!(err.contains("shipshape init"), "{err}");
}

#[test]
fn an_unknown_service_is_named_with_the_ones_there_are() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("api")).unwrap();
    fs::write(dir.path().join("api/Dockerfile"), "FROM scratch\n").unwrap();
    fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  api:\n    build: ./api\n  db:\n    image: postgres:18.1-alpine\n",
    )
    .unwrap();
    let out = shipshape()
        .args(["verify", "--service", "web"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no service named `web`"), "{err}");
    assert!(err.contains("services: api"), "{err}");
}

#[test]
fn init_verify_cannot_be_a_dry_run() {
    let repo = repo_with_dockerfile();
    let out = shipshape()
        .args(["init", "--verify", "--dry-run"])
        .arg(repo.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        fs::read_dir(repo.path()).unwrap().count() == 1,
        "nothing written"
    );
}

#[test]
fn init_verify_json_is_one_document_with_both_reports() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("package.json"),
        r#"{"name":"svc","main":"server.js","scripts":{"start":"node server.js"},"dependencies":{"express":"4.19.2"}}"#,
    )
    .unwrap();
    fs::write(
        dir.path().join("server.js"),
        "require('express')().listen(3000);\n",
    )
    .unwrap();
    let empty_path = tempfile::tempdir().unwrap();
    let out = shipshape()
        .env("PATH", empty_path.path())
        .args(["init", "--verify", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "no engine here");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(doc["init"]["status"], "ok", "{doc:#}");
    assert!(
        dir.path().join("Dockerfile").is_file(),
        "init wrote before verify ran"
    );
}
