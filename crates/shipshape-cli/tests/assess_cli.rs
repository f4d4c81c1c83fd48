//! `shipshape assess` above the checkers, through the real binary: items whose question an audit
//! or secret rule answers are decided from that rule's findings, with the finding's file and line
//! as evidence; quick wins name the command that fixes them; `--history` brings the git history
//! into "No hardcoded secrets".

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A database password built at run time, so this file holds none.
fn password() -> String {
    format!("{}{}", "Hq4Tz8Vn", "Lw2Kc7Rx5")
}

/// A small Express service whose config module carries a live database URL.
fn write_leaky_service(dir: &Path) {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("package.json"),
        r#"{ "name": "orders", "version": "1.0.0", "main": "src/server.js",
  "scripts": { "start": "node src/server.js", "test": "node --test" },
  "dependencies": { "express": "^4.21.0", "pg": "^8.13.0" } }
"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("src/server.js"),
        "const express = require('express');\nconst { databaseUrl } = require('./config');\n\
         const app = express();\napp.get('/healthz', (req, res) => res.send('ok'));\n\
         app.listen(process.env.PORT || 3000);\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("src/config.js"),
        format!(
            "// Connection settings.\nmodule.exports = {{\n  databaseUrl: \"postgres://orders:{}@db.orders.internal:5432/orders\",\n}};\n",
            password()
        ),
    )
    .unwrap();
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Ada Tester")
        .env("GIT_AUTHOR_EMAIL", "ada@example.test")
        .env("GIT_COMMITTER_NAME", "Ada Tester")
        .env("GIT_COMMITTER_EMAIL", "ada@example.test")
        .env("GIT_AUTHOR_DATE", "2024-03-01T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-03-01T12:00:00Z")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap()
        .status
        .success();
    assert!(ok, "git {args:?}");
}

fn shipshape(args: &[&str], path: &Path) -> (i32, String, String) {
    let out = Command::cargo_bin("shipshape")
        .unwrap()
        .args(args)
        .arg(path)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assess_json(path: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["assess", "--format", "json"];
    args.extend_from_slice(extra);
    let (code, out, err) = shipshape(&args, path);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("valid JSON")
}

fn item<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["assessment"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no item {id}"))
}

fn places(item: &Value) -> Vec<String> {
    item["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{}:{} {}", e["path"], e["line"], e["rule"]).replace('"', ""))
        .collect()
}

#[test]
fn a_committed_secret_fails_no_hardcoded_secrets_with_the_finding_as_evidence() {
    let dir = tempfile::tempdir().unwrap();
    write_leaky_service(dir.path());
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "orders service"]);

    // What `shipshape secrets` reports …
    let (code, out, _) = shipshape(&["secrets", "--format", "json"], dir.path());
    assert_eq!(code, 1);
    let found: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(found["findings"].as_array().unwrap().len(), 1);
    let f = &found["findings"][0];
    // `secrets` shows paths under the folder it was given.
    let shown = format!("{}/src/config.js", dir.path().display());
    assert_eq!(f["location"]["path"], shown.as_str());
    assert_eq!(f["location"]["start"]["line"], 3);
    let rule = f["rule_id"].as_str().unwrap();
    assert!(rule.starts_with("SS-SECRET-"), "{rule}");

    // … is what fails the item, at the same place, naming the same rule.
    let doc = assess_json(dir.path(), &[]);
    let secrets = item(&doc, "no-hardcoded-secrets");
    assert_eq!(secrets["status"], "fail");
    assert_eq!(
        secrets["summary"],
        "1 hardcoded secret(s) in the working tree"
    );
    assert_eq!(places(secrets), [format!("src/config.js:3 {rule}")]);
    assert_eq!(secrets["evidence"][0]["note"], f["message"]);

    // Named in the human output with its place and rule; the password itself nowhere.
    let (_, human, _) = shipshape(&["assess"], dir.path());
    assert!(
        human.contains("src/config.js:3 — ") && human.contains(&format!("[{rule}]")),
        "{human}"
    );
    for text in [human, doc.to_string()] {
        assert!(
            !text.contains(&password()),
            "the assessment leaks the password"
        );
    }
}

#[test]
fn a_secret_deleted_from_the_files_fails_only_when_history_is_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    write_leaky_service(dir.path());
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "orders service"]);
    std::fs::write(
        dir.path().join("src/config.js"),
        "module.exports = {\n  databaseUrl: process.env.DATABASE_URL,\n};\n",
    )
    .unwrap();
    git(
        dir.path(),
        &[
            "commit",
            "-qam",
            "read the database URL from the environment",
        ],
    );

    let tree_only = assess_json(dir.path(), &[]);
    let item_now = item(&tree_only, "no-hardcoded-secrets");
    assert_eq!(item_now["status"], "pass");
    assert_eq!(tree_only["checks"]["git_history"], false);

    let with_history = assess_json(dir.path(), &["--history"]);
    let secrets = item(&with_history, "no-hardcoded-secrets");
    assert_eq!(secrets["status"], "fail");
    assert_eq!(
        secrets["summary"],
        "1 secret(s) in git history only (still valid until rotated)"
    );
    let evidence = &secrets["evidence"][0];
    assert_eq!(evidence["path"], "src/config.js");
    assert_eq!(evidence["line"], 3);
    let note = evidence["note"].as_str().unwrap();
    assert!(
        note.contains("in git history only") && note.contains("Ada Tester"),
        "{note}"
    );
    assert_eq!(with_history["checks"]["git_history"], true);
    assert!(!with_history.to_string().contains(&password()));
}

#[test]
fn history_outside_a_git_repository_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    write_leaky_service(dir.path());
    let (code, out, err) = shipshape(&["assess", "--history"], dir.path());
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("error:"), "{err}");
}

/// The bundled example and every fixture app, with what each is expected to answer.
fn fixture_repos() -> Vec<PathBuf> {
    let mut dirs = vec![repo_root().join("examples/shop")];
    let mut apps: Vec<PathBuf> = std::fs::read_dir(repo_root().join("tests/fixtures/apps"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    apps.sort();
    dirs.extend(apps);
    dirs
}

#[test]
fn the_example_and_the_fixture_apps_have_no_hardcoded_secrets() {
    for dir in fixture_repos() {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let doc = assess_json(&dir, &[]);
        let secrets = item(&doc, "no-hardcoded-secrets");
        // infra-existing's compose sets `POSTGRES_PASSWORD: orders`, the same word as its user and
        // database: a local demo default, which the compose rule leaves alone (as `audit` does).
        assert_eq!(secrets["status"], "pass", "{name}: {secrets}");
    }
}

#[test]
fn not_yet_checked_is_left_only_to_items_whose_checker_does_not_ship() {
    // GitLab and other CI systems have no parser yet; PaaS, ECS and Helm rollout settings and
    // databases outside compose and Terraform are not read yet.
    let allowed = [
        "fail-fast-ci",
        "least-privilege-ci",
        "zero-downtime-rollout",
        "private-databases",
    ];
    let mut dirs = fixture_repos();
    dirs.push(repo_root().join("tests/fixtures/audit/messy"));
    for dir in dirs {
        let doc = assess_json(&dir, &[]);
        for i in doc["assessment"]["items"].as_array().unwrap() {
            if i["status"] == "not-yet-checked" {
                let id = i["id"].as_str().unwrap();
                assert!(
                    allowed.contains(&id),
                    "{}: {id} {}",
                    dir.display(),
                    i["summary"]
                );
            }
        }
    }
}

#[test]
fn decisions_from_findings_point_at_the_finding_and_name_its_rule() {
    let doc = assess_json(&repo_root().join("tests/fixtures/audit/messy"), &[]);
    assert_eq!(
        places(item(&doc, "no-hardcoded-secrets")),
        [
            "Dockerfile:3 SS-DOCKER-082",
            "docker-compose.yml:8 SS-COMPOSE-009"
        ]
    );
    assert_eq!(
        places(item(&doc, "pinned-base-images")),
        [
            "Dockerfile:1 SS-DOCKER-004",
            "docker-compose.yml:10 SS-COMPOSE-011",
            "docker-compose.yml:14 SS-COMPOSE-011"
        ]
    );
    assert_eq!(
        places(item(&doc, "non-root-containers")),
        [
            "Dockerfile:8 SS-DOCKER-002",
            "api/Dockerfile:1 SS-DOCKER-080"
        ]
    );
    assert_eq!(
        places(item(&doc, "private-databases")),
        ["docker-compose.yml:12 SS-COMPOSE-010"]
    );
}

#[test]
fn quick_wins_name_the_generator_that_fixes_them() {
    let app = repo_root().join("tests/fixtures/apps/node-express");
    let doc = assess_json(&app, &[]);
    let non_root = item(&doc, "non-root-containers");
    assert_eq!(non_root["status"], "fail");
    assert_eq!(
        non_root["fix_command"],
        format!("shipshape init --only docker {}", app.display())
    );
    assert!(doc["assessment"]["quick_wins"]
        .as_array()
        .unwrap()
        .contains(&Value::from("non-root-containers")));
    let (_, human, _) = shipshape(&["assess"], &app);
    assert!(
        human.contains(&format!(
            "run: shipshape init --only docker {}",
            app.display()
        )),
        "{human}"
    );

    // A problem in a file the user has is fixed by hand: no command.
    let shop = assess_json(&repo_root().join("examples/shop"), &[]);
    let non_root = item(&shop, "non-root-containers");
    assert_eq!(non_root["status"], "fail");
    assert!(non_root.get("fix_command").is_none(), "{non_root}");
    assert!(non_root["fix"].is_string());
    // The missing .dockerignore of the API is generated.
    assert_eq!(
        item(&shop, "dockerignore")["fix_command"],
        format!(
            "shipshape init --only dockerignore {}",
            repo_root().join("examples/shop").display()
        )
    );
}
