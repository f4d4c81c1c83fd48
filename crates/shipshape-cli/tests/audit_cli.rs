//! `shipshape audit` as CI and users meet it: every output format on a messy repository, the
//! exit-code contract, SARIF validity, baselines that survive moved lines, suppressions, and
//! secrets that never reach any output.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn messy() -> PathBuf {
    repo_root().join("tests/fixtures/audit/messy")
}

fn shipshape() -> Command {
    let mut c = Command::cargo_bin("shipshape").expect("binary built");
    c.env("NO_COLOR", "1");
    c
}

const FORMATS: &[&str] = &["human", "json", "sarif", "github", "junit"];

/// The secret values planted in the messy fixture.
const SECRETS: &[&str] = &["tok-live-8f3a9c2e1b7d4f6a", "hunter2-correct-horse-battery"];

fn audit(path: &Path, args: &[&str]) -> (i32, String, String) {
    let out = shipshape()
        .arg("audit")
        .arg(path)
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json_findings(path: &Path, args: &[&str]) -> Vec<Value> {
    let mut a = vec!["--format", "json"];
    a.extend_from_slice(args);
    let (_, out, err) = audit(path, &a);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    v["findings"].as_array().unwrap().clone()
}

/// Copy a fixture tree into a temp folder the test may change.
fn copy_tree(from: &Path, to: &Path) {
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dst = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            fs::create_dir_all(&dst).unwrap();
            copy_tree(&e.path(), &dst);
        } else {
            fs::copy(e.path(), dst).unwrap();
        }
    }
}

#[test]
fn findings_exit_1_in_every_format_and_missing_paths_exit_2() {
    for format in FORMATS {
        let (code, out, err) = audit(&messy(), &["--format", format]);
        assert_eq!(code, 1, "{format}: {err}");
        assert!(!out.is_empty(), "{format}");
        let (code, _, err) = audit(Path::new("/no/such/repo"), &["--format", format]);
        assert_eq!(code, 2, "{format}");
        assert!(err.contains("no such file or folder"), "{format}: {err}");
    }
}

#[test]
fn a_clean_repository_exits_0_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("README.md"), "nothing to audit\n").unwrap();
    for format in FORMATS {
        let (code, _, err) = audit(dir.path(), &["--format", format]);
        assert_eq!(code, 0, "{format}: {err}");
    }
}

#[test]
fn fail_on_sets_the_threshold() {
    let findings = json_findings(&messy(), &[]);
    assert!(findings.iter().any(|f| f["severity"] == "error"));
    let (code, _, _) = audit(&messy(), &["--fail-on", "error"]);
    assert_eq!(code, 1);
    // Only an info-level rule selected, on one file: nothing at warning or above.
    let dockerfile = messy().join("Dockerfile");
    let info = json_findings(&dockerfile, &[])
        .into_iter()
        .find(|f| f["severity"] == "info")
        .expect("the messy Dockerfile has an info finding");
    let id = info["rule_id"].as_str().unwrap();
    let (code, _, _) = audit(&dockerfile, &["--select", id]);
    assert_eq!(code, 0, "{id} is info, below the default threshold");
    let (code, _, _) = audit(&dockerfile, &["--select", id, "--fail-on", "info"]);
    assert_eq!(code, 1);
    let (code, _, err) = audit(&messy(), &["--fail-on", "critical"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = audit(&messy(), &["--select", "no-such-rule"]);
    assert_eq!(code, 2);
    assert!(err.contains("names no rule"), "{err}");
}

#[test]
fn json_findings_carry_exact_locations_and_fingerprints() {
    let findings = json_findings(&messy(), &[]);
    assert!(findings.len() >= 8, "{}", findings.len());
    for f in &findings {
        for key in [
            "rule_id",
            "slug",
            "severity",
            "message",
            "snippet",
            "fix",
            "fingerprint",
        ] {
            assert!(f[key].is_string(), "{key} in {f}");
        }
        let l = &f["location"];
        assert!(l["start"]["line"].as_u64().unwrap() >= 1);
        assert!(l["start"]["column"].as_u64().unwrap() >= 1);
        assert!(l["end"]["line"].as_u64().unwrap() >= l["start"]["line"].as_u64().unwrap());
        assert!(f["equivalents"].is_array());
    }
    let (_, out, _) = audit(&messy(), &["--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["schema_version"], "2");
    assert_eq!(v["summary"]["findings"], findings.len());
}

#[test]
fn a_file_that_does_not_parse_is_one_finding_and_the_rest_is_audited() {
    let findings = json_findings(&messy(), &[]);
    let parse: Vec<&Value> = findings
        .iter()
        .filter(|f| f["slug"] == "parse-error")
        .collect();
    assert_eq!(parse.len(), 1, "{parse:?}");
    let path = |f: &Value| f["location"]["path"].as_str().unwrap().to_string();
    assert!(
        path(parse[0]).ends_with("messy/worker/compose.yaml"),
        "{}",
        path(parse[0])
    );
    assert!(parse[0]["location"]["start"]["line"].as_u64().unwrap() >= 4);
    assert!(findings
        .iter()
        .any(|f| path(f).ends_with("messy/docker-compose.yml") && f["slug"] != "parse-error"));
    assert!(findings
        .iter()
        .any(|f| path(f).ends_with("messy/Dockerfile")));
}

#[test]
fn sarif_validates_against_the_official_schema_and_tracks_fingerprints() {
    let (code, out, _) = audit(&messy(), &["--format", "sarif"]);
    assert_eq!(code, 1);
    let sarif: Value = serde_json::from_str(&out).unwrap();
    let schema_text = fs::read_to_string(
        repo_root().join("crates/shipshape-diagnostics/tests/data/sarif-2.1.0.json"),
    )
    .unwrap();
    let schema: Value = serde_json::from_str(&schema_text).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF invalid:\n{}", errors.join("\n"));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), json_findings(&messy(), &[]).len());
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for r in results {
        assert!(r["partialFingerprints"]["shipshapeFingerprint/v2"].is_string());
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
    }
}

#[test]
fn github_annotations_are_well_formed_workflow_commands() {
    let (_, out, _) = audit(&messy(), &["--format", "github"]);
    let line = regex::Regex::new(
        r"^::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=SS-[A-Z]+-\d{3} [a-z0-9-]+::[^\r\n]+$",
    )
    .unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), json_findings(&messy(), &[]).len());
    for l in lines {
        assert!(line.is_match(l), "malformed: {l}");
    }
}

#[test]
fn junit_is_well_formed_xml_with_one_failure_per_finding() {
    let (_, out, _) = audit(&messy(), &["--format", "junit"]);
    let doc = roxmltree::Document::parse(&out).expect("well-formed XML");
    let failures = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    assert_eq!(failures, json_findings(&messy(), &[]).len());
}

#[test]
fn secrets_never_appear_in_any_format() {
    for format in FORMATS {
        let (_, out, err) = audit(&messy(), &["--format", format]);
        for s in SECRETS {
            assert!(!out.contains(s), "{format} output leaks {s}");
            assert!(!err.contains(s), "{format} stderr leaks {s}");
        }
    }
}

#[test]
fn a_baseline_accepts_todays_findings_even_when_lines_move() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&messy(), dir.path());
    let baseline = dir.path().join("baseline.json");
    shipshape()
        .arg("audit")
        .arg(dir.path())
        .arg("--write-baseline")
        .arg(&baseline)
        .assert()
        .success();
    let b = baseline.to_str().unwrap();
    let (code, out, _) = audit(dir.path(), &["--baseline", b]);
    assert_eq!(code, 0, "{out}");
    // Move everything down: still the same findings.
    let df = dir.path().join("Dockerfile");
    let text = fs::read_to_string(&df).unwrap();
    fs::write(&df, format!("# moved\n\n{text}")).unwrap();
    let (code, out, _) = audit(dir.path(), &["--baseline", b]);
    assert_eq!(code, 0, "{out}");
    // A new problem is new.
    fs::write(
        &df,
        format!("{text}RUN curl -k https://example.com/setup.sh -o /tmp/setup.sh\n"),
    )
    .unwrap();
    let findings = json_findings(dir.path(), &["--baseline", b]);
    assert!(!findings.is_empty());
    assert!(findings.iter().all(|f| f["location"]["path"]
        .as_str()
        .unwrap()
        .ends_with("/Dockerfile")));
}

#[test]
fn inline_suppressions_apply_and_can_be_turned_off() {
    let with = json_findings(&messy(), &[]);
    let without = json_findings(&messy(), &["--no-ignores"]);
    assert!(
        without.len() > with.len(),
        "{} vs {}",
        without.len(),
        with.len()
    );
    let (_, out, _) = audit(&messy(), &["--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(v["summary"]["suppressed"].as_u64().unwrap() >= 1);
}

#[test]
fn unused_suppressions_are_reported_on_request() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("Dockerfile"),
        "FROM alpine:3.20\n# shipshape:ignore[SS-DOCKER-001] nothing to ignore here\nWORKDIR /app\n",
    )
    .unwrap();
    let findings = json_findings(dir.path(), &["--report-unused-ignores"]);
    assert!(
        findings
            .iter()
            .any(|f| f["slug"] == "unused-ignore" && f["location"]["start"]["line"] == 2),
        "{findings:?}"
    );
}

#[test]
fn human_output_underlines_the_token_and_summarises() {
    let (_, out, _) = audit(&messy(), &[]);
    assert!(out.contains("messy/Dockerfile:1:"), "{out}");
    assert!(out.contains('^'), "{out}");
    assert!(out.contains("finding(s)"), "{out}");
    assert!(
        !out.contains("\x1b["),
        "no colour when NO_COLOR is set or stdout is not a terminal"
    );
}

#[test]
fn rules_and_explain_come_from_the_same_metadata() {
    let out = shipshape()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let rules: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = rules.as_array().unwrap();
    // Every rule the catalog has is listed — secret rules included — and every listed rule is
    // explained by the same catalog (in-process, over the whole list).
    let catalog = shipshape_cli::commands::rules::builtin_catalog();
    assert_eq!(rules.len(), catalog.len());
    assert!(rules.iter().any(|r| r["domain"] == "secrets"));
    assert!(rules.iter().any(|r| r["domain"] == "dockerfile"));
    assert!(rules.iter().any(|r| r["domain"] == "compose"));
    for r in rules {
        let id = r["id"].as_str().unwrap();
        let info = shipshape_cli::commands::rules::explain(&catalog, id).unwrap();
        let text = shipshape_diagnostics::render::explain(info);
        assert!(text.contains(r["title"].as_str().unwrap()), "{id}");
        assert!(text.contains(r["slug"].as_str().unwrap()), "{id}");
        assert!(
            text.contains("## Why is this bad?") && text.contains("## Fix"),
            "{id}:\n{text}"
        );
    }
    // And through the binary, by ID and by slug, for one rule of each domain.
    for key in [
        "SS-DOCKER-004",
        "no-privileged",
        "SS-SECRET-036",
        "SS-PARSE-001",
    ] {
        let id = catalog.find(key).unwrap().id.to_string();
        shipshape()
            .args(["explain", key])
            .assert()
            .success()
            .stdout(predicate::str::contains(id));
    }
    shipshape().args(["explain", "nope"]).assert().code(2);
}

#[test]
fn peer_suppressions_map_to_our_rules() {
    let dir = tempfile::tempdir().unwrap();
    let df = dir.path().join("Dockerfile");
    fs::write(&df, "FROM alpine:latest\nWORKDIR /app\n").unwrap();
    let flagged = |args: &[&str]| -> bool {
        json_findings(dir.path(), args)
            .iter()
            .any(|f| f["slug"] == "no-latest-tag")
    };
    assert!(flagged(&[]));
    for comment in [
        "# hadolint ignore=DL3007",
        "# shipshape:ignore[no-latest-tag] base image tracks upstream on purpose",
        "# kics-scan ignore-line",
    ] {
        fs::write(
            &df,
            format!("{comment}\nFROM alpine:latest\nWORKDIR /app\n"),
        )
        .unwrap();
        assert!(!flagged(&[]), "{comment} should suppress");
        assert!(flagged(&["--no-ignores"]), "{comment} with --no-ignores");
    }
    fs::write(
        &df,
        "# hadolint global ignore=DL3007\nFROM alpine:3.20\nFROM alpine:latest\nWORKDIR /app\n",
    )
    .unwrap();
    assert!(!flagged(&[]));
}

#[test]
fn shipshape_toml_sets_audit_defaults_and_flags_win() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("Dockerfile"),
        "FROM alpine:latest\nWORKDIR /app\n",
    )
    .unwrap();
    let slugs = |args: &[&str]| -> Vec<String> {
        json_findings(dir.path(), args)
            .iter()
            .map(|f| f["slug"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(slugs(&[]).contains(&"no-latest-tag".to_string()));
    fs::write(
        dir.path().join("shipshape.toml"),
        "[audit]\nignore = [\"no-latest-tag\"]\nfail_on = \"error\"\n",
    )
    .unwrap();
    assert!(!slugs(&[]).contains(&"no-latest-tag".to_string()));
    // Warnings remain, but the configured threshold is error: exit 0; the flag overrides it.
    let (code, _, _) = audit(dir.path(), &[]);
    assert_eq!(code, 0);
    let (code, _, _) = audit(dir.path(), &["--fail-on", "info"]);
    assert_eq!(code, 1);
    // --ignore by kind leaves no Dockerfile rule.
    assert!(slugs(&["--ignore", "dockerfile"]).is_empty());
}

#[test]
fn a_file_whose_rules_cannot_run_is_counted_as_skipped_and_still_searched_for_secrets() {
    let dir = tempfile::tempdir().unwrap();
    // Latin-1 compose file: its compose rules cannot run, the secret scan still reads it.
    let token = format!("ghp_{}", "Q7wErTy2UiOp9AsDf4GhJk6LzXc8VbNm1Pq3");
    let mut text =
        b"services:\n  web:\n    image: nginx:1.27\n    environment:\n      NOTE: \"caf\xe9\"\n"
            .to_vec();
    text.extend_from_slice(format!("      GITHUB_TOKEN: {token}\n").as_bytes());
    fs::write(dir.path().join("compose.yaml"), text).unwrap();
    let (code, out, _) = audit(dir.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("github-pat-classic"), "{out}");
    assert!(!out.contains(&token), "redacted: {out}");
    assert!(out.contains("compose.yaml: not valid UTF-8 text"), "{out}");
    assert!(out.contains("1 path(s) skipped."), "{out}");
    assert!(!out.contains("not read"), "{out}");
}
