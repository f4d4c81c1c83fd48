//! `shipshape audit FILE`: a file the user names is audited as the kind its content shows when
//! its name says nothing, whatever the ignore files say; a file that cannot be audited — not
//! UTF-8, binary, over the size cap, or neither a Dockerfile nor a compose file — is listed as
//! skipped with the reason, and the exit code follows the findings alone (0 unless `--fail-on`
//! says otherwise).

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn audit_json(dir: &Path, file: &str, extra: &[&str]) -> (i32, Value) {
    let out = Command::cargo_bin("shipshape")
        .expect("binary built")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(["audit", file, "--format", "json"])
        .args(extra)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let v: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}{}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), v)
}

fn rule_ids(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect()
}

fn skipped(v: &Value) -> Vec<(String, String)> {
    v["skipped"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| (s["path"].as_str().unwrap_or("").to_string(), s.to_string()))
                .collect()
        })
        .unwrap_or_default()
}

const DOCKERFILE: &str = "FROM node\nCOPY . .\nCMD [\"node\", \"server.js\"]\n";

#[test]
fn a_dockerfile_by_an_unusual_name_is_audited_by_its_content() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("build")).unwrap();
    fs::write(dir.path().join("build/prod.docker"), DOCKERFILE).unwrap();
    let (code, v) = audit_json(dir.path(), "build/prod.docker", &[]);
    assert!(rule_ids(&v).contains(&"SS-DOCKER-003".to_string()), "{v}");
    assert_eq!(code, 1, "untagged base image is a warning");
    let compose = "services:\n  web:\n    image: nginx\n";
    fs::write(dir.path().join("stack.yml.txt"), compose).unwrap();
    let (_, v) = audit_json(dir.path(), "stack.yml.txt", &[]);
    assert!(rule_ids(&v).contains(&"SS-COMPOSE-011".to_string()), "{v}");
}

#[test]
fn a_named_file_is_audited_even_when_an_ignore_file_leaves_it_out() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(".gitignore"), "docker/\n").unwrap();
    fs::create_dir_all(dir.path().join("docker")).unwrap();
    fs::write(dir.path().join("docker/Dockerfile"), DOCKERFILE).unwrap();
    let (_, v) = audit_json(dir.path(), "docker/Dockerfile", &[]);
    assert!(rule_ids(&v).contains(&"SS-DOCKER-003".to_string()), "{v}");
}

#[test]
fn unreadable_files_are_listed_as_skipped_with_the_reason_and_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    // A Latin-1 `é` (0xE9) is not UTF-8.
    fs::write(
        dir.path().join("Dockerfile"),
        b"FROM alpine:3.20\n# caf\xe9\n",
    )
    .unwrap();
    fs::write(dir.path().join("image.Dockerfile"), b"FROM a\0\0\0binary").unwrap();
    fs::write(dir.path().join("notes.txt"), "not a container file\n").unwrap();
    fs::write(
        dir.path().join("Dockerfile.big"),
        "FROM alpine:3.20\n".repeat(200),
    )
    .unwrap();
    fs::write(
        dir.path().join("shipshape.toml"),
        "[inventory]\nmax_file_size = 1024\n",
    )
    .unwrap();
    for (file, reason) in [
        ("Dockerfile", "invalid-utf8"),
        ("image.Dockerfile", "binary"),
        ("notes.txt", "neither a Dockerfile nor a compose file"),
        ("Dockerfile.big", "too-large"),
    ] {
        let (code, v) = audit_json(dir.path(), file, &[]);
        let s = skipped(&v);
        assert!(
            s.iter().any(|(p, r)| p == file && r.contains(reason)),
            "{file}: {s:?}"
        );
        assert!(rule_ids(&v).is_empty(), "{file}: {v}");
        assert_eq!(code, 0, "{file}: a skipped file fails nothing");
        let (code, _) = audit_json(dir.path(), file, &["--fail-on", "info"]);
        assert_eq!(
            code, 0,
            "{file}: --fail-on counts findings, not skipped files"
        );
    }
}

#[test]
fn a_template_named_like_a_dockerfile_is_skipped_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("Dockerfile.template"),
        "FROM debian:{{ env.suite }}\n{{ if env.slim then ( -}}\nRUN apt-get install -y gcc\n{{ ) end -}}\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("dockerfile.go"),
        "package dockerfile\n\nfunc Parse() {}\n",
    )
    .unwrap();
    let out = Command::cargo_bin("shipshape")
        .unwrap()
        .current_dir(dir.path())
        .args(["audit", ".", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = skipped(&v);
    for file in ["Dockerfile.template", "dockerfile.go"] {
        let named = s.iter().any(|(p, _)| p == file);
        let findings: Vec<&Value> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["location"]["path"] == file)
            .collect();
        // Whether the name is taken for a Dockerfile is the inventory's call; the content
        // decides the audit: no finding either way, and a reason when it was considered.
        assert!(findings.is_empty(), "{file}: {findings:?}");
        if named {
            assert!(
                s.iter().any(|(p, r)| p == file && r.contains("not")),
                "{s:?}"
            );
        }
    }
}

/// A workflow named on the command line is read as a workflow (its folder says so), from any
/// working directory.
#[test]
fn a_workflow_named_by_its_path_is_audited_as_a_workflow() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("app/.github/workflows")).unwrap();
    let workflow = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      \
                    - uses: actions/checkout@v4\n";
    fs::write(dir.path().join("app/.github/workflows/ci.yml"), workflow).unwrap();
    for (cwd, file) in [
        (dir.path().join("app"), ".github/workflows/ci.yml"),
        (dir.path().to_path_buf(), "app/.github/workflows/ci.yml"),
    ] {
        let (code, v) = audit_json(&cwd, file, &[]);
        assert!(rule_ids(&v).contains(&"SS-GHA-002".to_string()), "{v}");
        assert!(skipped(&v).is_empty(), "{v}");
        assert_eq!(v["findings"][0]["location"]["path"], file, "{v}");
        assert_eq!(code, 1);
    }
}

/// A Dockerfile named by path is audited in the repository it belongs to: the compose file
/// that builds it with the repository root as context, and the root's .dockerignore, count —
/// as in pre-commit hooks, which name the changed files from the repository's root.
#[test]
fn a_named_dockerfile_is_audited_with_its_repository_build_context() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join(".git")).unwrap();
    fs::create_dir_all(root.join("services/api")).unwrap();
    fs::write(root.join("package.json"), "{\"name\":\"shop\"}\n").unwrap();
    fs::write(root.join(".env"), "TOKEN=x\n").unwrap();
    fs::write(
        root.join("services/api/Dockerfile"),
        "FROM node:22.11-slim\nWORKDIR /app\nCOPY . .\nUSER node\nCMD [\"node\", \"server.js\"]\n",
    )
    .unwrap();
    fs::write(
        root.join("compose.yaml"),
        "services:\n  api:\n    build:\n      context: .\n      dockerfile: services/api/Dockerfile\n",
    )
    .unwrap();
    let flagged = |v: &Value| rule_ids(v).iter().any(|r| r == "SS-DOCKER-094");
    // Without a .dockerignore at the context (the root), the whole-context COPY is flagged,
    // and the finding names the file by its path from the root.
    let (_, v) = audit_json(root, "services/api/Dockerfile", &[]);
    assert!(flagged(&v), "{v}");
    let paths: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["location"]["path"].as_str())
        .collect();
    assert!(
        paths.iter().all(|p| *p == "services/api/Dockerfile"),
        "{paths:?}"
    );
    // With one there, it is not — as when the whole repository is audited.
    fs::write(root.join(".dockerignore"), ".git\n.env\nnode_modules\n").unwrap();
    let (_, v) = audit_json(root, "services/api/Dockerfile", &[]);
    assert!(!flagged(&v), "{v}");
    let (_, whole) = audit_json(root, ".", &[]);
    assert!(!flagged(&whole), "{whole}");
}
