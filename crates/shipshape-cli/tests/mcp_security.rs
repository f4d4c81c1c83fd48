//! `shipshape mcp` under abuse, through rmcp's client over the real binary: paths that try to
//! leave the repository, a write without permission, a 1 GiB file, a 100,000-file tree, twenty
//! calls at once, a history scan cancelled half-way, and secrets that must never come out.

#[path = "support/mcp.rs"]
mod mcp;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use mcp::*;
use rmcp::model::{CallToolRequestParams, ClientRequest, Request};
use rmcp::service::PeerRequestOptions;
use serde_json::{json, Value};

fn shop_in(dir: &Path) -> PathBuf {
    let repo = dir.join("repo");
    copy_tree(&repo_root().join("examples/shop"), &repo);
    repo
}

/// Every file under `dir`, with its content, for "nothing changed" checks.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let t = e.file_type().unwrap();
            if t.is_dir() {
                stack.push(e.path());
            } else if t.is_file() {
                out.push((e.path(), fs::read(e.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

const MAX_RESULT_BYTES: usize = 512 * 1024;

#[tokio::test]
async fn paths_outside_the_root_are_refused_whichever_way_they_are_written() {
    let outer = tempfile::tempdir().unwrap();
    let repo = shop_in(outer.path());
    let outside = outer.path().join("outside");
    fs::create_dir(&outside).unwrap();
    fs::write(outside.join("Dockerfile"), "FROM outside-image:latest\n").unwrap();
    std::os::unix::fs::symlink(&outside, repo.join("escape")).unwrap();
    std::os::unix::fs::symlink("../outside/Dockerfile", repo.join("Dockerfile.escape")).unwrap();
    let before = snapshot(outer.path());
    let server = start(&repo, true).await;

    let outside_abs = outside.to_str().unwrap().to_string();
    for (tool, args, says) in [
        ("context", json!({"path": "../"}), "`..` is not allowed"),
        (
            "context",
            json!({"path": "api/../../outside"}),
            "`..` is not allowed",
        ),
        (
            "context",
            json!({"path": "/etc"}),
            "outside the repository root",
        ),
        (
            "assess",
            json!({"path": outside_abs.clone()}),
            "outside the repository root",
        ),
        (
            "context",
            json!({"path": "escape"}),
            "through a symbolic link",
        ),
        (
            "audit",
            json!({"paths": [".", "../outside"]}),
            "`..` is not allowed",
        ),
        (
            "audit",
            json!({"paths": ["Dockerfile.escape"]}),
            "through a symbolic link",
        ),
        (
            "audit",
            json!({"paths": [outside_abs.clone()]}),
            "outside the repository root",
        ),
        (
            "secrets",
            json!({"path": "escape"}),
            "through a symbolic link",
        ),
        (
            "secrets",
            json!({"path": "/etc/passwd"}),
            "outside the repository root",
        ),
        (
            "plan_init",
            json!({"path": "../outside"}),
            "`..` is not allowed",
        ),
        (
            "apply_init",
            json!({"path": "escape"}),
            "through a symbolic link",
        ),
    ] {
        let r = server.call(tool, args.clone()).await;
        assert_eq!(r.is_error, Some(true), "{tool} {args} was not refused");
        assert!(text(&r).contains(says), "{tool} {args}: {}", text(&r));
    }

    // From the root, the links are listed as skipped, never followed.
    let context = server.structured("context", json!({})).await;
    let skipped = context["facts"]["skipped"].as_array().unwrap();
    assert!(skipped
        .iter()
        .any(|s| s["path"] == "escape" && s["reason"] == "symlink"));
    let audit = server.call("audit", json!({})).await;
    let everything = serde_json::to_string(&audit).unwrap();
    assert!(
        !everything.contains("outside-image"),
        "a file outside the root was read"
    );

    assert_eq!(
        snapshot(outer.path()),
        before,
        "nothing was written anywhere"
    );
    server.stop().await;
}

#[tokio::test]
async fn apply_init_is_refused_without_allow_write_and_writes_nothing() {
    let outer = tempfile::tempdir().unwrap();
    let repo = shop_in(outer.path());
    let before = snapshot(&repo);
    let server = start(&repo, false).await;
    let plan = server.structured("plan_init", json!({})).await;
    assert_eq!(plan["status"], "dry-run");
    assert!(plan["files"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["diff"].is_string()));
    let r = server.call("apply_init", json!({})).await;
    assert_eq!(r.is_error, Some(true));
    assert!(text(&r).contains("--allow-write"), "{}", text(&r));
    let r = server.call("apply_init", json!({"force": true})).await;
    assert_eq!(r.is_error, Some(true));
    assert_eq!(snapshot(&repo), before, "nothing was written");
    server.stop().await;
}

fn result_size(r: &rmcp::model::CallToolResult) -> usize {
    serde_json::to_vec(r).unwrap().len()
}

#[tokio::test]
async fn one_gib_files_are_skipped_not_read() {
    let outer = tempfile::tempdir().unwrap();
    let repo = shop_in(outer.path());
    // Sparse: a gibibyte long each, no disk used. A manifest detection would read, and a file
    // only the secret scanner reads.
    for path in ["tools/package.json", "data/dump.sql"] {
        let path = repo.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::File::create(&path).unwrap().set_len(1 << 30).unwrap();
    }
    let server = start(&repo, false).await;

    let context = server.structured("context", json!({})).await;
    let skipped = context["facts"]["skipped"].as_array().unwrap();
    let entry = skipped
        .iter()
        .find(|s| s["path"] == "tools/package.json")
        .expect("the big manifest is listed as skipped");
    assert_eq!(entry["reason"], "too-large");
    assert_eq!(entry["size"], 1u64 << 30);
    for (tool, args) in [
        ("assess", json!({})),
        ("audit", json!({})),
        ("audit", json!({"paths": ["data/dump.sql"]})),
        ("secrets", json!({"path": "data/dump.sql"})),
        ("plan_init", json!({})),
    ] {
        let r = server.call(tool, args.clone()).await;
        assert_ne!(r.is_error, Some(true), "{tool} {args}: {}", text(&r));
        assert!(
            result_size(&r) < 2 * MAX_RESULT_BYTES + 64 * 1024,
            "{tool} {args}"
        );
    }
    let secrets = server.structured("secrets", json!({})).await;
    let skipped = secrets["skipped"].as_array().unwrap();
    for path in ["tools/package.json", "data/dump.sql"] {
        assert!(
            skipped
                .iter()
                .any(|s| s["path"] == path && s["reason"] == "too-large"),
            "{path} is not listed as too large: {skipped:?}"
        );
    }
    server.stop().await;
}

/// 100,000 files: 1,000 services with a Dockerfile that has findings and 99,000 other files,
/// plus 10,000 symbolic links the walk lists as skipped.
fn hundred_thousand_files(root: &Path) {
    for s in 0..1000 {
        let svc = root.join(format!("services/svc{s:04}"));
        fs::create_dir_all(&svc).unwrap();
        fs::write(
            svc.join("Dockerfile"),
            "FROM node:latest\nRUN apt-get update && apt-get install curl\nCMD node server.js\n",
        )
        .unwrap();
    }
    for d in 0..99 {
        let dir = root.join(format!("data/part{d:02}"));
        fs::create_dir_all(&dir).unwrap();
        for f in 0..1000 {
            fs::File::create(dir.join(format!("{f:04}.txt"))).unwrap();
        }
    }
    let links = root.join("links");
    fs::create_dir_all(&links).unwrap();
    for l in 0..10_000 {
        std::os::unix::fs::symlink("../data/part00/0000.txt", links.join(format!("l{l:05}")))
            .unwrap();
    }
}

#[tokio::test]
async fn a_hundred_thousand_file_tree_gives_bounded_results_that_say_what_was_cut() {
    let outer = tempfile::tempdir().unwrap();
    let repo = outer.path().join("big");
    hundred_thousand_files(&repo);
    let server = start(&repo, false).await;

    let r = server.call("context", json!({})).await;
    assert_ne!(r.is_error, Some(true), "{}", text(&r));
    assert!(result_size(&r) < 2 * MAX_RESULT_BYTES + 64 * 1024);
    let context = r.structured_content.clone().unwrap();
    assert!(context["files_scanned"].as_u64().unwrap() >= 100_000);
    eprintln!("context on 100,000 files: {} bytes", result_size(&r));
    let cut = &r.meta.as_ref().expect("_meta says what was cut").0["shipshape/cut"];
    eprintln!("cut: {cut}");
    let cut = cut.as_array().expect("a list of cuts");
    assert!(cut
        .iter()
        .any(|c| c["pointer"] == "/facts/skipped" && c["total"] == 10_000));
    assert!(r.content.iter().any(|c| c
        .as_text()
        .is_some_and(|t| t.text.contains("the result was cut to fit"))));
    // Cut, still valid against the schema.
    let tools = server.tools().await;
    let schema = tools.iter().find(|t| t.name == "context").unwrap();
    assert_matches_schema(
        "context (cut)",
        &Value::Object(schema.output_schema.clone().unwrap().as_ref().clone()),
        &context,
    );

    let r = server.call("audit", json!({})).await;
    assert_ne!(r.is_error, Some(true), "{}", text(&r));
    assert!(result_size(&r) < 2 * MAX_RESULT_BYTES + 64 * 1024);
    let audit = r.structured_content.clone().unwrap();
    eprintln!(
        "audit on 100,000 files: {} bytes, summary {}",
        result_size(&r),
        audit["summary"]
    );
    assert!(audit["summary"]["findings"].as_u64().unwrap() >= 1000);
    assert_eq!(audit["findings"].as_array().unwrap().len(), 100, "one page");
    assert_eq!(r.meta.unwrap().0["shipshape/page"]["next_offset"], 100);

    for tool in ["assess", "secrets"] {
        let r = server.call(tool, json!({})).await;
        assert_ne!(r.is_error, Some(true), "{tool}: {}", text(&r));
        assert!(result_size(&r) < 2 * MAX_RESULT_BYTES + 64 * 1024, "{tool}");
    }
    server.stop().await;
}

#[tokio::test]
async fn twenty_calls_at_once_all_complete_with_the_same_answers() {
    let outer = tempfile::tempdir().unwrap();
    let repo = shop_in(outer.path());
    let server = start(&repo, false).await;
    let calls = [
        ("context", json!({})),
        ("audit", json!({})),
        ("assess", json!({})),
        ("secrets", json!({})),
        ("list_rules", json!({"select": ["compose"]})),
    ];
    let mut set = tokio::task::JoinSet::new();
    for i in 0..20 {
        let (tool, args) = calls[i % calls.len()].clone();
        let peer = server.client.peer().clone();
        set.spawn(async move {
            let Value::Object(args) = args else {
                unreachable!()
            };
            let r = peer
                .call_tool(CallToolRequestParams::new(tool).with_arguments(args))
                .await
                .expect("a result");
            (tool, r)
        });
    }
    let mut by_tool: std::collections::BTreeMap<&str, Vec<Value>> = Default::default();
    while let Some(joined) = set.join_next().await {
        let (tool, r) = joined.unwrap();
        assert_ne!(r.is_error, Some(true), "{tool}: {}", text(&r));
        by_tool
            .entry(tool)
            .or_default()
            .push(r.structured_content.unwrap());
    }
    assert_eq!(by_tool.values().map(Vec::len).sum::<usize>(), 20);
    for (tool, results) in &by_tool {
        assert!(
            results.windows(2).all(|w| w[0] == w[1]),
            "{tool} answered differently"
        );
    }
    // Still serving.
    server.structured("context", json!({})).await;
    server.stop().await;
}

/// A git repository with `commits` commits of `files` new files each (every file version
/// distinct), written with `git fast-import`.
fn long_history(dir: &Path, commits: usize, files: usize) {
    git(dir, &["init", "-q", "-b", "main"]);
    let mut stream = String::new();
    for c in 0..commits {
        let msg = format!("commit {c}");
        stream.push_str(&format!(
            "commit refs/heads/main\ncommitter Test <test@example.com> {} +0000\ndata {}\n{msg}\n",
            1_700_000_000 + c * 60,
            msg.len()
        ));
        for f in 0..files {
            let mut content = String::new();
            for line in 0..40 {
                content.push_str(&format!(
                    "config_{c}_{f}_{line} = \"value {c} {f} {line} token password secret key\"\n"
                ));
            }
            stream.push_str(&format!(
                "M 100644 inline d{c:04}/f{f:02}.cfg\ndata {}\n{content}\n",
                content.len()
            ));
        }
    }
    let mut child = std::process::Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stream.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
}

/// Start `tool` with `args` (a history scan of 20,000 blobs in one pack), cancel it once it
/// reports progress on the pack's objects or on the blobs, and return the server's line saying
/// where it stopped.
async fn cancel_mid_history(server: &Server, tool: &str, args: Value) -> String {
    server.recorder.progress.lock().unwrap().clear();
    let Value::Object(args) = args else {
        unreachable!()
    };
    let handle = server
        .client
        .send_cancellable_request(
            ClientRequest::CallToolRequest(Request::new(
                CallToolRequestParams::new(tool.to_string()).with_arguments(args),
            )),
            PeerRequestOptions::no_options(),
        )
        .await
        .unwrap();
    // Wait until the scan reports progress on the objects or blobs, then cancel.
    tokio::time::timeout(Duration::from_secs(120), async {
        loop {
            let arrived = server.recorder.arrived.notified();
            let scanning = server.recorder.progress.lock().unwrap().iter().any(|p| {
                p.message
                    .as_deref()
                    .is_some_and(|m| m.starts_with("objects") || m.starts_with("blobs"))
                    && p.progress > 0.0
            });
            if scanning {
                break;
            }
            arrived.await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{tool}: progress notifications for the objects or blobs"));
    let progress: Vec<f64> = server
        .recorder
        .progress
        .lock()
        .unwrap()
        .iter()
        .map(|p| p.progress)
        .collect();
    assert!(
        progress.windows(2).all(|w| w[0] < w[1]),
        "{tool}: progress only grows: {progress:?}"
    );
    handle
        .cancel(Some("the agent changed its mind".into()))
        .await
        .unwrap();

    let line = server
        .wait_for_log(&format!("({tool}) stopped early"), Duration::from_secs(60))
        .await;
    server
        .wait_for_log(
            &format!("({tool}) cancelled by the client"),
            Duration::from_secs(5),
        )
        .await;
    eprintln!("server log: {line}");
    line
}

#[tokio::test]
async fn cancelling_a_history_scan_stops_it_half_way_and_frees_its_turn() {
    let outer = tempfile::tempdir().unwrap();
    let repo = outer.path().join("history");
    fs::create_dir(&repo).unwrap();
    long_history(&repo, 400, 50);
    let server = start(&repo, false).await;

    // `secrets` over the history, and `assess` with the history in its secret scan.
    for (tool, args) in [
        ("secrets", json!({"scope": "history"})),
        ("assess", json!({"history": true})),
    ] {
        // "call 1 (secrets) stopped early: 812 of 21201 objects done" (decoding the pack) or
        // "... 812 of 20000 blobs done" (scanning the blobs).
        let line = cancel_mid_history(&server, tool, args).await;
        let numbers: Vec<u64> = line
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .collect();
        let (done, total) = (numbers[numbers.len() - 2], numbers[numbers.len() - 1]);
        assert!(
            line.trim_end().ends_with("objects done") || line.trim_end().ends_with("blobs done"),
            "{line}"
        );
        assert!(total >= 20_000, "{line}");
        assert!(done < total, "the scan ran to the end: {line}");
    }

    // The server goes on, and the cancelled scans' turns are free.
    server.structured("context", json!({})).await;
    let quick = server
        .structured("secrets", json!({"scope": "history", "since": "HEAD"}))
        .await;
    assert_eq!(quick["history"]["commits"], 0);
    server.stop().await;
}

/// Fake credentials in the shapes real ones have, never real.
const SECRETS: &[&str] = &[
    "ghp_R8mQ2vX7kL4pN9sT1wY6zB3cD5fG0hJ2aE4u",
    "AKIAQ3EGRTW7XH2PLK5M",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8v3Lm2Qd",
    "sk_live_51HqLyjWDarjtT1zdp7dcQ9mZx2",
    "xoxb-2211334455-6677889900112-q8Zr3LmN0vTx7KpW2sYd5HcJ",
];

#[tokio::test]
async fn secrets_are_redacted_in_every_tool_result() {
    let outer = tempfile::tempdir().unwrap();
    let repo = shop_in(outer.path());
    fs::write(
        repo.join("api/Dockerfile.worker"),
        format!(
            "FROM python:3.12-slim\nENV GITHUB_TOKEN={}\nCMD [\"python\", \"worker.py\"]\n",
            SECRETS[0]
        ),
    )
    .unwrap();
    fs::write(
        repo.join("api/settings_prod.py"),
        format!(
            "AWS_ACCESS_KEY_ID = \"{}\"\nAWS_SECRET_ACCESS_KEY = \"{}\"\n",
            SECRETS[1], SECRETS[2]
        ),
    )
    .unwrap();
    fs::write(
        repo.join(".env"),
        format!("STRIPE_SECRET_KEY={}\n", SECRETS[3]),
    )
    .unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    fs::write(repo.join("slack.cfg"), format!("token = {}\n", SECRETS[4])).unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "everything"]);
    fs::remove_file(repo.join("slack.cfg")).unwrap();
    git(&repo, &["commit", "-q", "-am", "remove the slack token"]);

    let server = start(&repo, true).await;
    let found = server
        .structured("secrets", json!({"scope": "history"}))
        .await;
    let findings = found["findings"].as_array().unwrap();
    let slugs: Vec<&str> = findings
        .iter()
        .map(|f| f["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        findings.len(),
        SECRETS.len(),
        "every secret is found: {slugs:?}"
    );
    assert!(
        findings
            .iter()
            .any(|f| f["provenance"]["in_working_tree"] == false),
        "the removed token is found in history: {slugs:?}"
    );

    let mut results = Vec::new();
    for (tool, args) in [
        ("context", json!({})),
        ("assess", json!({})),
        ("assess", json!({"history": true})),
        ("audit", json!({})),
        (
            "audit",
            json!({"paths": ["api/Dockerfile.worker", "api/settings_prod.py", ".env"]}),
        ),
        ("secrets", json!({})),
        ("secrets", json!({"scope": "history"})),
        ("secrets", json!({"path": ".env"})),
        ("plan_init", json!({"force": true})),
        ("apply_init", json!({"force": true})),
        ("list_rules", json!({})),
        ("explain_rule", json!({"rule": "github-pat-classic"})),
    ] {
        let r = server.call(tool, args.clone()).await;
        results.push((format!("{tool} {args}"), serde_json::to_string(&r).unwrap()));
    }
    for (what, everything) in &results {
        for s in SECRETS {
            // Neither the value nor its tail: a redacted value shows only a short prefix.
            let tail = &s[s.len() - 12..];
            assert!(
                !everything.contains(s) && !everything.contains(tail),
                "{what} leaks {}…",
                &s[..6]
            );
        }
    }
    server.stop().await;
}
