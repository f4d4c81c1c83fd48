//! The planted corpus is found in full, each secret on its line; the decoy corpus — things that
//! look random but are not credentials — yields nothing.

mod common;

use std::path::Path;

use shipshape_core::{Inventory, SkipReason};
use shipshape_secrets::{scan_tree, Progress, Scanner};

fn scan(dir: &Path) -> shipshape_secrets::TreeScan {
    let inv = Inventory::open(dir).unwrap();
    scan_tree(&inv, &Scanner::builtin(), None, &Progress::default())
}

#[test]
fn every_planted_secret_is_found_on_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let plants = common::write_planted(dir.path());
    let result = scan(dir.path());
    let mut missing = Vec::new();
    for p in &plants {
        let hit = result
            .findings
            .iter()
            .any(|f| f.location.path == p.path && f.location.start.line == p.line);
        if !hit {
            missing.push(format!("{} at {}:{}", p.slug, p.path, p.line));
        }
    }
    println!(
        "planted: {} of {} found on their line",
        plants.len() - missing.len(),
        plants.len()
    );
    assert!(
        missing.is_empty(),
        "{} of {} planted secrets not found:\n{}",
        missing.len(),
        plants.len(),
        missing.join("\n")
    );
    // Every format of the corpus holds at least one secret.
    for name in [".py", ".yaml", ".env", ".json", ".ipynb", ".tf"] {
        assert!(plants.iter().any(|p| p.path.ends_with(name)), "{name}");
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn the_decoy_corpus_yields_no_findings() {
    let dir = tempfile::tempdir().unwrap();
    let decoys = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/decoys");
    copy_dir(&decoys, dir.path());
    // The fixture marker is what keeps this real-shaped token quiet.
    let fixtures = dir.path().join("tests/fixtures/auth");
    std::fs::create_dir_all(&fixtures).unwrap();
    std::fs::write(dir.path().join("tests/fixtures/.shipshape-fixtures"), "").unwrap();
    std::fs::write(
        fixtures.join("token.txt"),
        format!(
            "GITHUB_TOKEN=ghp_{}\n",
            "Q7wErTy2UiOp9AsDf4GhJk6LzXc8VbNm1Pq3"
        ),
    )
    .unwrap();
    let result = scan(dir.path());
    let shown: Vec<String> = result
        .findings
        .iter()
        .map(|f| {
            format!(
                "{}:{} {} {}",
                f.location.path, f.location.start.line, f.slug, f.snippet
            )
        })
        .collect();
    println!(
        "decoys: {} files scanned, {} findings",
        result.files_scanned,
        shown.len()
    );
    assert!(shown.is_empty(), "decoys reported:\n{}", shown.join("\n"));
    assert!(result.files_scanned >= 8, "{}", result.files_scanned);
    assert!(result.allowed >= 2, "lockfile and fixture allowed");
}

#[test]
fn huge_binary_and_non_utf8_files_are_handled() {
    let dir = tempfile::tempdir().unwrap();
    let token = format!("ghp_{}", "Q7wErTy2UiOp9AsDf4GhJk6LzXc8VbNm1Pq3");
    std::fs::write(
        dir.path().join("shipshape.toml"),
        "[inventory]\nmax_file_size = 4096\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("big.txt"), "a".repeat(10_000)).unwrap();
    std::fs::write(dir.path().join("image.png"), b"\x89PNG\0\0\0\x01ghp_").unwrap();
    let mut latin1 = b"caf\xe9 = 1\n".to_vec();
    latin1.extend_from_slice(format!("token: {token}\n").as_bytes());
    std::fs::write(dir.path().join("latin1.txt"), latin1).unwrap();
    let inv = Inventory::open(dir.path()).unwrap();
    let mut scanner = Scanner::builtin();
    scanner.max_file_size = inv.config().max_file_size();
    let result = scan_tree(&inv, &scanner, None, &Progress::default());
    assert_eq!(result.findings.len(), 1, "{:?}", result.findings);
    assert_eq!(result.findings[0].location.path, "latin1.txt");
    assert_eq!(result.findings[0].location.start.line, 2);
    let reasons: Vec<(&str, &SkipReason)> = result
        .skipped
        .iter()
        .map(|s| (s.path.as_str(), &s.reason))
        .collect();
    assert!(
        reasons
            .iter()
            .any(|(p, r)| *p == "big.txt" && matches!(r, SkipReason::TooLarge { .. })),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|(p, r)| *p == "image.png" && matches!(r, SkipReason::Binary)),
        "{reasons:?}"
    );
}

#[test]
fn every_occurrence_of_one_secret_shares_an_identity_plain_or_encoded() {
    let dir = tempfile::tempdir().unwrap();
    let token = format!("ghp_{}", "Q7wErTy2UiOp9AsDf4GhJk6LzXc8VbNm1Pq3");
    let other = token.replace("Q7", "R8");
    std::fs::write(dir.path().join("a.env"), format!("GITHUB_TOKEN={token}\n")).unwrap();
    std::fs::write(dir.path().join("b.py"), format!("TOKEN = \"{token}\"\n")).unwrap();
    std::fs::write(
        dir.path().join("secret.yaml"),
        format!(
            "apiVersion: v1\nkind: Secret\ndata:\n  token: {}\n",
            shipshape_secrets::base64::encode(token.as_bytes())
        ),
    )
    .unwrap();
    std::fs::write(dir.path().join("c.env"), format!("OTHER={other}\n")).unwrap();
    let result = scan(dir.path());
    assert_eq!(result.findings.len(), 4, "{:?}", result.findings);
    let mut groups: std::collections::BTreeMap<u64, Vec<&str>> = Default::default();
    for f in &result.findings {
        let id = f
            .secret_identity()
            .expect("a secret finding has an identity");
        groups.entry(id).or_default().push(f.location.path.as_str());
    }
    let mut paths: Vec<Vec<&str>> = groups
        .into_values()
        .map(|mut p| {
            p.sort();
            p
        })
        .collect();
    paths.sort();
    assert_eq!(paths, [vec!["a.env", "b.py", "secret.yaml"], vec!["c.env"]]);
}
