//! `shipshape init` end to end, on temporary copies of the fixture apps (the fixtures themselves
//! are never written to): what it writes, that a second run writes nothing, that `--dry-run`
//! writes nothing, that a user's file is never replaced without `--force`, that a folder it
//! cannot write leaves nothing behind, and the JSON it prints.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn shipshape() -> Command {
    let mut cmd = Command::cargo_bin("shipshape").expect("binary built");
    cmd.env("NO_COLOR", "1");
    cmd
}

fn fixture(app: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/apps")
        .join(app)
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create copy");
    for entry in fs::read_dir(from).expect("read fixture").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// A temporary copy of a fixture app: `(guard, repository folder)`.
fn copy_of(app: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = dir.path().join(app);
    copy_dir(&fixture(app), &repo);
    (dir, repo)
}

/// Every file below `root` with its bytes: the whole state of a tree.
fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                out.insert(rel, fs::read(&path).unwrap_or_default());
            }
        }
    }
    out
}

fn init_json(repo: &Path, extra: &[&str]) -> (i32, Value) {
    let out = shipshape()
        .arg("init")
        .arg(repo)
        .args(["--format", "json"])
        .args(extra)
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), v)
}

fn action_of<'a>(v: &'a Value, path: &str) -> &'a str {
    v["files"]
        .as_array()
        .and_then(|files| files.iter().find(|f| f["path"] == path))
        .and_then(|f| f["action"].as_str())
        .unwrap_or_else(|| panic!("{path} not reported: {v:#}"))
}

fn reason_of<'a>(v: &'a Value, path: &str) -> &'a str {
    v["files"]
        .as_array()
        .and_then(|files| files.iter().find(|f| f["path"] == path))
        .and_then(|f| f["reason"].as_str())
        .unwrap_or_default()
}

#[test]
fn writes_the_planned_files_and_says_what_to_run_next() {
    let (_guard, repo) = copy_of("monorepo-next-fastapi-postgres");
    let out = shipshape().arg("init").arg(&repo).output().expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for path in [
        "compose.yaml",
        ".env.example",
        "web/.dockerignore",
        "api/.dockerignore",
    ] {
        assert!(repo.join(path).is_file(), "{path} not written:\n{stdout}");
        assert!(stdout.contains(path), "{path} not reported:\n{stdout}");
    }
    assert!(!repo.join(".env").exists(), ".env must never be written");
    for needle in [
        "Wrote:",
        "Next:",
        "cp .env.example .env",
        "docker compose up --build",
        "shipshape audit",
    ] {
        assert!(stdout.contains(needle), "missing `{needle}`:\n{stdout}");
    }
}

#[test]
fn a_second_run_writes_nothing_and_leaves_every_file_byte_for_byte() {
    let (_guard, repo) = copy_of("monorepo-next-fastapi-postgres");
    let (code, first) = init_json(&repo, &[]);
    assert_eq!(code, 0, "{first:#}");
    assert_eq!(first["status"], "ok");
    let after_first = tree(&repo);

    let (code, second) = init_json(&repo, &[]);
    assert_eq!(code, 0, "{second:#}");
    assert_eq!(second["status"], "nothing-to-do", "{second:#}");
    let files = second["files"].as_array().cloned().unwrap_or_default();
    assert!(!files.is_empty());
    for f in &files {
        assert_eq!(f["action"], "unchanged", "{f:#}");
    }
    assert_eq!(tree(&repo), after_first, "the second run changed the tree");
}

#[test]
fn dry_run_writes_nothing_and_prints_a_unified_diff_for_each_new_file() {
    let (_guard, repo) = copy_of("monorepo-next-fastapi-postgres");
    let before = tree(&repo);
    let out = shipshape()
        .arg("init")
        .arg(&repo)
        .arg("--dry-run")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(tree(&repo), before, "--dry-run wrote something");
    for needle in [
        "--- /dev/null",
        "+++ b/compose.yaml",
        "+++ b/web/.dockerignore",
        "+services:",
        "Dry run: nothing was written.",
    ] {
        assert!(stdout.contains(needle), "missing `{needle}`:\n{stdout}");
    }

    let (code, v) = init_json(&repo, &["--dry-run"]);
    assert_eq!(code, 0);
    assert_eq!(v["status"], "dry-run");
    assert_eq!(action_of(&v, "compose.yaml"), "would-create");
    assert_eq!(
        tree(&repo),
        before,
        "--dry-run --format json wrote something"
    );
}

#[test]
fn an_existing_file_is_left_alone_and_reported_as_skipped_with_the_reason() {
    let (_guard, repo) = copy_of("monorepo-next-fastapi-postgres");
    let mine = "services:\n  web:\n    image: example/web:1.0\n";
    fs::write(repo.join("compose.yaml"), mine).expect("write");
    let dockerfile = "FROM node:22-slim\nUSER 10001\nCMD [\"node\", \"server.js\"]\n";
    fs::write(repo.join("web/Dockerfile"), dockerfile).expect("write");

    let (code, v) = init_json(&repo, &[]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(
        fs::read_to_string(repo.join("compose.yaml"))
            .ok()
            .as_deref(),
        Some(mine)
    );
    assert_eq!(
        fs::read_to_string(repo.join("web/Dockerfile"))
            .ok()
            .as_deref(),
        Some(dockerfile)
    );
    assert_eq!(action_of(&v, "compose.yaml"), "skipped");
    assert!(reason_of(&v, "compose.yaml").contains("--force"), "{v:#}");
    // The Dockerfile is reported only when a Dockerfile was planned for web/.
    if let Some(f) = v["files"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["path"] == "web/Dockerfile"))
    {
        assert_eq!(f["action"], "skipped");
        let reason = f["reason"].as_str().unwrap_or_default();
        assert!(
            reason.contains("shipshape audit web/Dockerfile"),
            "{reason}"
        );
    }
}

#[test]
fn force_replaces_an_existing_file_and_dry_run_force_diffs_from_the_old_content() {
    let (_guard, repo) = copy_of("python-fastapi-uv");
    fs::write(repo.join("compose.yaml"), "services: {}\n").expect("write");

    let (code, v) = init_json(&repo, &["--dry-run", "--force"]);
    assert_eq!(code, 0);
    assert_eq!(action_of(&v, "compose.yaml"), "would-update");
    let diff = v["files"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["path"] == "compose.yaml"))
        .and_then(|f| f["diff"].as_str())
        .unwrap_or_default()
        .to_string();
    assert!(
        diff.contains("--- a/compose.yaml") && diff.contains("-services: {}"),
        "{diff}"
    );
    assert_eq!(
        fs::read_to_string(repo.join("compose.yaml"))
            .ok()
            .as_deref(),
        Some("services: {}\n")
    );

    let (code, v) = init_json(&repo, &["--force"]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(action_of(&v, "compose.yaml"), "updated");
    let text = fs::read_to_string(repo.join("compose.yaml")).unwrap_or_default();
    assert!(
        text.contains("postgres:") && text.contains("redis:"),
        "{text}"
    );
}

#[test]
fn json_output_has_the_documented_shape() {
    let (_guard, repo) = copy_of("node-express");
    let (code, v) = init_json(&repo, &[]);
    assert_eq!(code, 0);
    assert_eq!(v["status"], "ok");
    assert_eq!(v["schema_version"], "1");
    let progress = v["devops_progress"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let keys: Vec<&str> = progress.keys().map(String::as_str).collect();
    assert_eq!(keys, ["ci_cd", "docker", "infra", "monitoring"]);
    for area in ["ci_cd", "infra", "monitoring"] {
        assert_eq!(v["devops_progress"][area], serde_json::json!([]));
    }
    let docker: Vec<&str> = v["devops_progress"]["docker"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert!(
        docker.iter().any(|l| l.starts_with("Wrote compose.yaml: ")),
        "{docker:?}"
    );
    for f in v["files"].as_array().cloned().unwrap_or_default() {
        let keys: Vec<String> = f
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        assert_eq!(keys, ["action", "path", "reason"], "{f:#}");
        assert!(
            ["created", "skipped", "unchanged", "updated"]
                .contains(&f["action"].as_str().unwrap_or("")),
            "{f:#}"
        );
    }
    assert!(v["next_steps"].as_array().is_some_and(|s| !s.is_empty()));
    assert_eq!(v["errors"], serde_json::json!([]));
}

#[test]
fn only_compose_plans_compose_and_env_example_but_no_dockerignore() {
    let (_guard, repo) = copy_of("rust-axum");
    let (code, v) = init_json(&repo, &["--only", "compose"]);
    assert_eq!(code, 0, "{v:#}");
    let paths: Vec<&str> = v["files"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["path"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        paths.contains(&"compose.yaml") && paths.contains(&".env.example"),
        "{paths:?}"
    );
    assert!(
        !paths.iter().any(|p| p.ends_with(".dockerignore")),
        "{paths:?}"
    );
    assert!(!repo.join(".dockerignore").exists());
}

#[test]
fn an_unknown_only_value_and_a_missing_path_are_usage_errors() {
    let (_guard, repo) = copy_of("rust-axum");
    let before = tree(&repo);
    shipshape()
        .arg("init")
        .arg(&repo)
        .args(["--only", "kubernetes"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "docker, dockerignore, compose or ci",
        ));
    assert_eq!(tree(&repo), before);
    shipshape()
        .arg("init")
        .arg(repo.join("does-not-exist"))
        .assert()
        .code(2);
}

#[test]
fn a_repository_without_services_has_nothing_to_do() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("notes.txt"), "hello\n").expect("write");
    let (code, v) = init_json(dir.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(v["status"], "nothing-to-do");
    assert_eq!(v["files"], serde_json::json!([]));
    assert_eq!(tree(dir.path()).len(), 1);
}

#[cfg(unix)]
#[test]
fn a_read_only_target_folder_is_a_clear_error_and_nothing_is_written() {
    use std::os::unix::fs::{chown, PermissionsExt};
    let (guard, repo) = copy_of("monorepo-next-fastapi-postgres");
    let is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    // Root writes through any permission bits, so the test runs the binary as `nobody`, who
    // owns the copy (and so could write every folder but the read-only one).
    const NOBODY: u32 = 65534;
    fs::set_permissions(guard.path(), fs::Permissions::from_mode(0o755)).expect("chmod");
    if is_root {
        let mut stack = vec![repo.clone()];
        while let Some(p) = stack.pop() {
            chown(&p, Some(NOBODY), Some(NOBODY)).expect("chown");
            if p.is_dir() {
                stack.extend(fs::read_dir(&p).expect("read").flatten().map(|e| e.path()));
            }
        }
    }
    // `web/` is written last (paths are written in order), so every other file has been staged
    // when the write fails: all of them must be rolled back.
    let read_only = repo.join("web");
    fs::set_permissions(&read_only, fs::Permissions::from_mode(0o555)).expect("chmod");
    let before = tree(&repo);

    let bin = assert_cmd::cargo::cargo_bin("shipshape");
    let bindir = tempfile::tempdir().expect("temp dir");
    let out = if is_root {
        // The build folder may not be reachable for that user: run a copy from a temp folder.
        fs::set_permissions(bindir.path(), fs::Permissions::from_mode(0o755)).expect("chmod");
        let copy = bindir.path().join("shipshape");
        fs::copy(&bin, &copy).expect("copy binary");
        fs::set_permissions(&copy, fs::Permissions::from_mode(0o755)).expect("chmod");
        std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&copy)
            .arg("init")
            .arg(&repo)
            .env("NO_COLOR", "1")
            .output()
            .expect("setpriv runs")
    } else {
        std::process::Command::new(&bin)
            .arg("init")
            .arg(&repo)
            .output()
            .expect("runs")
    };
    fs::set_permissions(&read_only, fs::Permissions::from_mode(0o755)).expect("chmod back");

    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot write"), "{stderr}");
    let named = read_only.join(".dockerignore").display().to_string();
    assert!(
        stderr.contains(&named),
        "the error does not name {named}: {stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    // Not one file, not in the writable sub-folders either, and no temporary file.
    assert_eq!(tree(&repo), before);
}

#[test]
fn force_replaces_the_users_dockerfile_as_help_says() {
    let (_guard, repo) = copy_of("node-express");
    let mine = "FROM node:20\nCOPY . .\nCMD [\"node\", \"src/server.js\"]\n";
    fs::write(repo.join("Dockerfile"), mine).expect("write");

    let (code, v) = init_json(&repo, &[]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(
        fs::read_to_string(repo.join("Dockerfile")).unwrap(),
        mine,
        "without --force the user's Dockerfile stays"
    );

    let (code, v) = init_json(&repo, &["--force"]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(action_of(&v, "Dockerfile"), "updated");
    let text = fs::read_to_string(repo.join("Dockerfile")).unwrap();
    assert!(text.contains("generated by `shipshape init`"), "{text}");
    assert!(text.contains("USER 10001"), "{text}");
}

#[test]
fn a_new_dockerignore_keeps_what_the_existing_dockerfile_copies() {
    let (_guard, repo) = copy_of("node-express");
    // A Dockerfile that ships a folder built outside the image (CI builds, the image copies).
    fs::write(
        repo.join("Dockerfile"),
        "FROM node:20-bookworm-slim\nWORKDIR /app\nCOPY package.json ./\nCOPY dist/ ./dist/\nUSER 10001\nCMD [\"node\", \"dist/server.js\"]\n",
    )
    .expect("write");
    let (code, v) = init_json(&repo, &[]);
    assert_eq!(code, 0, "{v:#}");
    let ignore = fs::read_to_string(repo.join(".dockerignore")).expect(".dockerignore written");
    assert!(ignore.contains("**/dist"), "{ignore}");
    assert!(
        ignore.trim_end().ends_with("!dist"),
        "the folder the Dockerfile copies comes back, last: {ignore}"
    );
}
