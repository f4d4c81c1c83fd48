//! History and staged scans on repositories the tests build with the `git` command line.

mod common;

use std::path::Path;

use common::{fast_import, git, git_stdin, init_repo};
use shipshape_secrets::{scan_history, scan_staged, HistoryOptions, Progress, Scanner};

fn token() -> String {
    format!("ghp_{}", "Q7wErTy2UiOp9AsDf4GhJk6LzXc8VbNm1Pq3")
}

fn history(dir: &Path, since: Option<&str>) -> shipshape_secrets::HistoryScan {
    scan_history(
        dir,
        &Scanner::builtin(),
        &HistoryOptions {
            since: since.map(str::to_string),
        },
        &Progress::default(),
    )
    .unwrap()
}

#[test]
fn secrets_added_then_deleted_are_found_once_with_their_commit_and_line() {
    let dir = tempfile::tempdir().unwrap();
    init_repo(dir.path());
    std::fs::write(dir.path().join("README.md"), "# app\n").unwrap();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "start"]);
    let (text, at) = common::all_examples_text();
    std::fs::write(dir.path().join("leaked.env"), &text).unwrap();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "add settings"]);
    let leak = git(dir.path(), &["rev-parse", "HEAD"]);
    git(dir.path(), &["rm", "-q", "leaked.env"]);
    git(dir.path(), &["commit", "-qm", "remove settings"]);

    let h = history(dir.path(), None);
    assert!(h.errors.is_empty(), "{:?}", h.errors);
    assert_eq!(h.commits, 3);
    let mut missing = Vec::new();
    for (slug, line) in &at {
        let hits: Vec<_> = h
            .findings
            .iter()
            .filter(|f| {
                f.finding.location.path == "leaked.env" && f.finding.location.start.line == *line
            })
            .collect();
        if hits.is_empty() {
            missing.push(format!("{slug} at line {line}"));
        }
        for f in hits {
            assert_eq!(f.provenance.commit, leak);
            assert_eq!(f.provenance.author, "Ada Tester <ada@example.test>");
            assert_eq!(f.provenance.date, "2024-03-01T12:00:00+00:00");
            assert_eq!(f.provenance.commits, 1);
        }
    }
    assert!(
        missing.is_empty(),
        "not found in history:\n{}",
        missing.join("\n")
    );
    // Each secret once: no two findings share rule, path and fingerprint.
    let mut keys: Vec<_> = h
        .findings
        .iter()
        .map(|f| (&f.finding.rule_id, &f.finding.fingerprint))
        .collect();
    let n = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n);
}

/// A fast-import stream: `n` commits, each changing `counter.txt`, all carrying the same
/// `secret.env`.
fn thousand_commits(n: usize) -> String {
    let mut s = String::new();
    let secret = format!("GITHUB_TOKEN={}\n", token());
    s.push_str(&format!(
        "blob\nmark :1\ndata {}\n{}\n",
        secret.len(),
        secret
    ));
    for i in 0..n {
        let body = format!("{i}\n");
        s.push_str(&format!(
            "commit refs/heads/main\nmark :{}\ncommitter Ada Tester <ada@example.test> {} +0000\ndata 7\ncommit\n",
            i + 2,
            1_700_000_000 + i
        ));
        if i > 0 {
            s.push_str(&format!("from :{}\n", i + 1));
        }
        s.push_str("M 100644 :1 secret.env\n");
        s.push_str(&format!(
            "M 100644 inline counter.txt\ndata {}\n{}\n",
            body.len(),
            body
        ));
    }
    s
}

#[test]
fn the_same_blob_in_a_thousand_commits_is_scanned_once() {
    let dir = tempfile::tempdir().unwrap();
    init_repo(dir.path());
    fast_import(dir.path(), &thousand_commits(1000));
    let h = history(dir.path(), None);
    assert!(h.errors.is_empty(), "{:?}", h.errors);
    assert_eq!(h.commits, 1000);
    // 1,000 versions of counter.txt and one secret.env: each handed to the scanner once.
    assert_eq!(h.unique_blobs, 1001);
    assert_eq!(h.blobs_scanned, 1001);
    assert_eq!(h.findings.len(), 1);
    let f = &h.findings[0];
    assert_eq!(f.provenance.path, "secret.env");
    assert_eq!(f.provenance.commits, 1000);
    assert_eq!(f.provenance.date, "2023-11-14T22:13:20+00:00");
}

#[test]
fn since_scans_only_what_came_after_the_revision() {
    let dir = tempfile::tempdir().unwrap();
    init_repo(dir.path());
    fast_import(dir.path(), &thousand_commits(20));
    let base = git(dir.path(), &["rev-parse", "main~5"]);
    let h = history(dir.path(), Some(&base));
    assert_eq!(h.commits, 5);
    // Only the five new counter versions; the secret was already in the base revision.
    assert_eq!(h.blobs_scanned, 5);
    assert!(h.findings.is_empty());
    let err = scan_history(
        dir.path(),
        &Scanner::builtin(),
        &HistoryOptions {
            since: Some("no-such-rev".into()),
        },
        &Progress::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("no-such-rev"), "{err}");
}

#[test]
fn staged_scans_the_index_against_head_only() {
    let dir = tempfile::tempdir().unwrap();
    init_repo(dir.path());
    std::fs::write(dir.path().join("old.env"), format!("T={}\n", token())).unwrap();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "old"]);
    let other = token().replace("Q7", "R8");
    std::fs::write(dir.path().join("new.env"), format!("\nT={other}\n")).unwrap();
    std::fs::write(dir.path().join("unstaged.env"), format!("T={other}\n")).unwrap();
    git(dir.path(), &["add", "new.env"]);
    let s = scan_staged(dir.path(), &Scanner::builtin()).unwrap();
    assert_eq!(s.files_scanned, 1);
    assert_eq!(s.findings.len(), 1);
    assert_eq!(s.findings[0].location.path, "new.env");
    assert_eq!(s.findings[0].location.start.line, 2);
}

#[test]
fn a_fresh_repository_without_commits_scans_everything_staged() {
    let dir = tempfile::tempdir().unwrap();
    init_repo(dir.path());
    std::fs::write(dir.path().join("a.env"), format!("T={}\n", token())).unwrap();
    git(dir.path(), &["add", "-A"]);
    let s = scan_staged(dir.path(), &Scanner::builtin()).unwrap();
    assert_eq!(s.findings.len(), 1);
    assert!(history(dir.path(), None).findings.is_empty());
}

#[test]
fn a_missing_packfile_is_an_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    init_repo(dir.path());
    fast_import(dir.path(), &thousand_commits(3));
    git(dir.path(), &["repack", "-a", "-d", "-q"]);
    for e in std::fs::read_dir(dir.path().join(".git/objects/pack")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "pack") {
            std::fs::remove_file(p).unwrap();
        }
    }
    let h = scan_history(
        dir.path(),
        &Scanner::builtin(),
        &HistoryOptions::default(),
        &Progress::default(),
    );
    match h {
        Ok(h) => assert!(!h.errors.is_empty(), "the damage went unnoticed"),
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

#[test]
fn a_corrupt_loose_object_is_reported_and_the_rest_still_scanned() {
    let dir = tempfile::tempdir().unwrap();
    init_repo(dir.path());
    std::fs::write(dir.path().join("a.env"), format!("T={}\n", token())).unwrap();
    std::fs::write(dir.path().join("b.txt"), "plain\n").unwrap();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "one"]);
    let blob = git(dir.path(), &["rev-parse", "HEAD:b.txt"]);
    let path = dir
        .path()
        .join(".git/objects")
        .join(&blob[..2])
        .join(&blob[2..]);
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&path, perms).unwrap();
    std::fs::write(&path, b"not zlib at all").unwrap();
    let h = history(dir.path(), None);
    assert!(
        h.errors.iter().any(|e| e.contains(&blob[..12])),
        "{:?}",
        h.errors
    );
    assert_eq!(h.findings.len(), 1, "the readable blob is still scanned");
}

#[test]
fn a_shallow_clone_is_scanned_with_a_note() {
    let origin = tempfile::tempdir().unwrap();
    init_repo(origin.path());
    fast_import(origin.path(), &thousand_commits(5));
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.path().display());
    git(
        clone.path(),
        &["clone", "-q", "--depth", "1", "--branch", "main", &url, "."],
    );
    let h = history(clone.path(), None);
    assert!(
        h.notes.iter().any(|n| n.contains("shallow")),
        "{:?}",
        h.notes
    );
    assert_eq!(h.commits, 1);
    assert_eq!(h.findings.len(), 1);
}

#[test]
fn a_folder_that_is_not_a_repository_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = scan_history(
        dir.path(),
        &Scanner::builtin(),
        &HistoryOptions::default(),
        &Progress::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("not the root of a git repository"),
        "{err}"
    );
}

/// A token of the GitHub classic-PAT shape, different for every `n`.
fn token_n(n: u8) -> String {
    let body: String = "Q7wErTy2UiOp9AsDf4GhJk6LzXc8VbNm1Pq3"
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                char::from(b'0' + (c as u8 - b'0' + n) % 10)
            } else {
                c
            }
        })
        .collect();
    format!("ghp_{body}")
}

#[test]
fn references_to_trees_and_blobs_are_scanned_once_each_without_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init_repo(d);
    std::fs::write(d.join("a.env"), format!("T={}\n", token_n(0))).unwrap();
    std::fs::write(d.join("README.md"), "# app\n").unwrap();
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "one"]);
    git(d, &["tag", "v1"]);
    git(d, &["tag", "-a", "-m", "release", "v1-annotated"]);
    // A tree no commit carries: the committed a.env plus a new file in a folder.
    let a_env = git(d, &["rev-parse", "HEAD:a.env"]);
    let new_blob = git_stdin(
        d,
        &["hash-object", "-w", "--stdin"],
        &format!("T={}\n", token_n(1)),
    );
    let sub = git_stdin(
        d,
        &["mktree"],
        &format!("100644 blob {new_blob}\tnew.env\n"),
    );
    let tree = git_stdin(
        d,
        &["mktree"],
        &format!("100644 blob {a_env}\ta.env\n040000 tree {sub}\tkeys\n"),
    );
    git(d, &["tag", "tree-tag", &tree]);
    // Blobs only references name: a lightweight and an annotated tag, and a replace reference.
    let blob = git_stdin(
        d,
        &["hash-object", "-w", "--stdin"],
        &format!("T={}\n", token_n(2)),
    );
    git(d, &["tag", "blob-tag", &blob]);
    let blob2 = git_stdin(
        d,
        &["hash-object", "-w", "--stdin"],
        &format!("T={}\n", token_n(3)),
    );
    git(d, &["tag", "-a", "-m", "a key", "blob-annotated", &blob2]);
    let unused = git_stdin(d, &["hash-object", "-w", "--stdin"], "placeholder\n");
    let blob3 = git_stdin(
        d,
        &["hash-object", "-w", "--stdin"],
        &format!("T={}\n", token_n(4)),
    );
    git(
        d,
        &["update-ref", &format!("refs/replace/{unused}"), &blob3],
    );

    let h = history(d, None);
    assert!(h.errors.is_empty(), "{:?}", h.errors);
    assert_eq!(h.commits, 1);
    // Reachable blobs: a.env, README.md, keys/new.env and the three blobs references name.
    assert_eq!(h.unique_blobs, 6);
    assert_eq!(h.blobs_scanned, 6);
    let mut found: Vec<(String, Option<String>)> = h
        .findings
        .iter()
        .map(|f| (f.provenance.path.clone(), f.reference.clone()))
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("a.env".to_string(), None),
            (
                "keys/new.env".to_string(),
                Some("refs/tags/tree-tag".to_string())
            ),
            (
                format!("refs/replace/{unused}"),
                Some(format!("refs/replace/{unused}"))
            ),
            (
                "refs/tags/blob-annotated".to_string(),
                Some("refs/tags/blob-annotated".to_string())
            ),
            (
                "refs/tags/blob-tag".to_string(),
                Some("refs/tags/blob-tag".to_string())
            ),
        ]
    );
    // The annotated tag's provenance is the tag object and its tagger.
    let annotated = h
        .findings
        .iter()
        .find(|f| f.provenance.path == "refs/tags/blob-annotated")
        .unwrap();
    assert_eq!(
        annotated.provenance.commit,
        git(d, &["rev-parse", "blob-annotated"])
    );
    assert_eq!(annotated.provenance.author, "Ada Tester <ada@example.test>");
}

#[test]
fn provenance_carries_the_commit_date_not_the_author_date() {
    let dir = tempfile::tempdir().unwrap();
    init_repo(dir.path());
    let body = format!("T={}\n", token());
    let stream = format!(
        "blob\nmark :1\ndata {}\n{body}\ncommit refs/heads/main\nmark :2\nauthor Ada Tester <ada@example.test> 1577880000 +0000\ncommitter Bo Merger <bo@example.test> 1709294400 +0000\ndata 7\ncommit\nM 100644 :1 a.env\n",
        body.len()
    );
    fast_import(dir.path(), &stream);
    let h = history(dir.path(), None);
    assert_eq!(h.findings.len(), 1);
    let p = &h.findings[0].provenance;
    // Authored 2020-01-01, committed 2024-03-01.
    assert_eq!(p.date, "2024-03-01T12:00:00+00:00");
    assert_eq!(p.author, "Ada Tester <ada@example.test>");
}

#[test]
fn credential_files_in_packed_history_are_found_at_their_paths() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init_repo(d);
    let files = common::format_files();
    for (path, text, _, _) in &files {
        let p = d.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "credentials"]);
    git(d, &["rm", "-rq", "."]);
    git(d, &["commit", "-qm", "removed"]);
    // Everything in one pack: the scan reads it by traversing the pack.
    git(d, &["repack", "-adq"]);
    let h = history(d, None);
    assert!(h.errors.is_empty(), "{:?}", h.errors);
    let mut missing = Vec::new();
    for (path, _, slug, line) in &files {
        let hit = h.findings.iter().any(|f| {
            f.provenance.path == *path
                && f.finding.location.start.line == *line
                && f.finding.slug == *slug
        });
        if !hit {
            missing.push(format!("{slug} at {path}:{line}"));
        }
    }
    assert!(missing.is_empty(), "not found:\n{}", missing.join("\n"));
}
