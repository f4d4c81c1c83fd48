//! `shipshape secrets` and the secret rules inside `shipshape audit`, through the real binary:
//! no output format, progress or error message ever holds a whole secret; exit codes; baselines;
//! SARIF rule descriptors; staged and history scans.

use std::path::Path;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;

/// Credentials built at run time, so this file holds none.
fn secrets() -> Vec<String> {
    vec![
        format!("ghp_{}", "Q7wErTy2UiOp9AsDf4GhJk6LzXc8VbNm1Pq3"),
        format!("AKIA{}", "QZ7MB4XJ2KWV6HRT"),
        format!(
            "xoxb-{}-{}-{}",
            "384920175638", "4820395716284", "Zk3LmQ9pR2tW7vX4yB8nC5dF"
        ),
        format!("{}{}", "Zq8Lp2Wn5", "Rt9Xv3Km"),
    ]
}

fn write_tree(dir: &Path) {
    let s = secrets();
    std::fs::write(
        dir.join("app.py"),
        format!("GITHUB_TOKEN = \"{}\"\nAWS_KEY = \"{}\"\n", s[0], s[1]),
    )
    .unwrap();
    std::fs::write(
        dir.join(".env"),
        format!(
            "SLACK_BOT_TOKEN={}\nDATABASE_URL=postgres://app:{}@db:5432/app\n",
            s[2], s[3]
        ),
    )
    .unwrap();
    std::fs::write(dir.join("README.md"), "# demo\n").unwrap();
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

fn shipshape(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("shipshape")
        .unwrap()
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "trace")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_redacted(what: &str, text: &str) {
    for s in secrets() {
        assert!(!text.contains(&s), "{what} leaks a secret:\n{text}");
    }
}

#[test]
fn no_output_format_log_or_error_contains_a_whole_secret() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path());
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "leak"]);
    git(dir.path(), &["rm", "-q", ".env"]);
    git(dir.path(), &["commit", "-qm", "remove"]);
    std::fs::write(
        dir.path().join(".env"),
        format!("SLACK_BOT_TOKEN={}\n", secrets()[2]),
    )
    .unwrap();
    for format in ["human", "json", "sarif", "github", "junit"] {
        for extra in [&[][..], &["--history"][..]] {
            let mut args = vec!["secrets", ".", "--format", format];
            args.extend_from_slice(extra);
            let (code, out, err) = shipshape(dir.path(), &args);
            assert_eq!(code, 1, "{format} {extra:?}: {err}");
            assert!(out.contains("SS-SECRET-"), "{format}: {out}");
            assert_redacted(&format!("secrets --format {format} {extra:?} stdout"), &out);
            assert_redacted(&format!("secrets --format {format} {extra:?} stderr"), &err);
        }
        let (code, out, err) = shipshape(dir.path(), &["audit", ".", "--format", format]);
        assert_eq!(code, 1, "audit {format}: {err}");
        assert!(out.contains("SS-SECRET-"), "audit {format}: {out}");
        assert_redacted(&format!("audit --format {format} stdout"), &out);
        assert_redacted(&format!("audit --format {format} stderr"), &err);
    }
    // An error path: a revision that does not exist.
    let (code, out, err) = shipshape(dir.path(), &["secrets", ".", "--since", "nope"]);
    assert_eq!(code, 2);
    assert_redacted("error stdout", &out);
    assert_redacted("error stderr", &err);
    assert!(err.contains("nope"), "{err}");
}

#[test]
fn history_reports_a_deleted_secret_with_its_commit() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path());
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "leak"]);
    git(dir.path(), &["rm", "-q", ".env"]);
    git(dir.path(), &["commit", "-qm", "remove"]);
    let (code, out, _) = shipshape(dir.path(), &["secrets", "--history", "--format", "json"]);
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    let slack = findings
        .iter()
        .find(|f| f["slug"] == "slack-bot-token")
        .expect("the deleted .env is found in history");
    assert_eq!(slack["location"]["path"], ".env");
    assert_eq!(slack["location"]["start"]["line"], 1);
    assert_eq!(
        slack["provenance"]["author"],
        "Ada Tester <ada@example.test>"
    );
    assert_eq!(slack["provenance"]["commits"], 1);
    assert_eq!(doc["history"]["commits"], 2);
}

#[test]
fn a_symbolic_reference_to_a_removed_remote_is_skipped_not_an_error() {
    // `git remote remove origin` leaves refs/remotes/origin/HEAD pointing at a branch that is
    // gone (a real clone did, in the secrets benchmark): git skips such a reference with a
    // warning; the history scan does too, and still reads every commit.
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path());
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "leak"]);
    git(
        dir.path(),
        &[
            "symbolic-ref",
            "refs/remotes/origin/HEAD",
            "refs/remotes/origin/main",
        ],
    );
    let (code, out, err) = shipshape(dir.path(), &["secrets", "--history", "--format", "json"]);
    assert_eq!(code, 1, "findings, not a failure: {err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["history"]["commits"], 1);
    let notes = doc["notes"].to_string();
    assert!(notes.contains("refs/remotes/origin/HEAD"), "{notes}");
}

#[test]
fn sarif_names_every_secret_rule_it_reports() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path());
    let (_, out, _) = shipshape(dir.path(), &["secrets", "--format", "sarif"]);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
    }
}

#[test]
fn exit_codes_follow_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "# clean\n").unwrap();
    assert_eq!(shipshape(dir.path(), &["secrets"]).0, 0);
    assert_eq!(shipshape(dir.path(), &["secrets", "missing-folder"]).0, 2);
    write_tree(dir.path());
    assert_eq!(shipshape(dir.path(), &["secrets"]).0, 1);
    // --history outside a repository: an error, and the working tree is still reported.
    let (code, out, err) = shipshape(dir.path(), &["secrets", "--history"]);
    assert_eq!(code, 2);
    assert!(out.contains("github-pat-classic"), "{out}");
    assert!(err.contains("not the root of a git repository"), "{err}");
    // Nothing is damaged, so no `git fsck` advice.
    assert!(err.contains("no git history was scanned"), "{err}");
    assert!(!err.contains("fsck"), "{err}");
}

#[test]
fn a_baseline_survives_line_moves_but_not_a_new_secret_on_the_same_line() {
    // Fingerprints are computed from the redacted line (prefix and length of the secret), so a
    // baseline tells nothing about the value; a new secret shows up as new when its redacted
    // form differs.
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path());
    let (code, _, _) = shipshape(dir.path(), &["secrets", "--write-baseline", "base.json"]);
    assert_eq!(code, 0);
    let app = dir.path().join("app.py");
    let moved = format!("\n\n# moved\n{}", std::fs::read_to_string(&app).unwrap());
    std::fs::write(&app, &moved).unwrap();
    assert_eq!(
        shipshape(dir.path(), &["secrets", "--baseline", "base.json"]).0,
        0
    );
    let other = format!("{}Xy", secrets()[0]);
    std::fs::write(&app, moved.replace(&secrets()[0], &other)).unwrap();
    let (code, out, _) = shipshape(dir.path(), &["secrets", "--baseline", "base.json"]);
    assert_eq!(code, 1);
    assert!(out.contains("1 finding(s)"), "{out}");
}

#[test]
fn audit_runs_secret_rules_only_when_selected() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path());
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM alpine:3.20\nUSER app\n",
    )
    .unwrap();
    let (_, out, _) = shipshape(
        dir.path(),
        &["audit", "--select", "secrets", "--format", "json"],
    );
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ids: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 4, "{ids:?}");
    assert!(ids.iter().all(|i| i.starts_with("SS-SECRET-")));
    let (_, out, _) = shipshape(
        dir.path(),
        &["audit", "--select", "dockerfile", "--format", "json"],
    );
    assert!(!out.contains("SS-SECRET-"), "{out}");
    let (_, out, _) = shipshape(
        dir.path(),
        &["audit", "--ignore", "secrets", "--format", "json"],
    );
    assert!(!out.contains("SS-SECRET-"), "{out}");
    let (_, out, _) = shipshape(
        dir.path(),
        &[
            "audit",
            "--select",
            "github-pat-classic",
            "--format",
            "json",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn staged_mode_checks_only_what_is_about_to_be_committed() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    std::fs::write(dir.path().join("README.md"), "# demo\n").unwrap();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "start"]);
    write_tree(dir.path());
    assert_eq!(shipshape(dir.path(), &["secrets", "--staged"]).0, 0);
    git(dir.path(), &["add", "app.py"]);
    let (code, out, _) = shipshape(dir.path(), &["secrets", "--staged"]);
    assert_eq!(code, 1);
    assert!(out.contains("app.py"), "{out}");
    assert!(!out.contains(".env"), "{out}");
}

#[test]
fn the_pre_commit_hook_definition_runs_the_staged_scan() {
    let hooks = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.pre-commit-hooks.yaml");
    let text = std::fs::read_to_string(hooks).unwrap();
    assert!(text.contains("id: shipshape-secrets"), "{text}");
    assert!(text.contains("entry: shipshape secrets --staged"), "{text}");
    assert!(text.contains("pass_filenames: false"), "{text}");
}
