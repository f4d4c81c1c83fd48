//! The generated .dockerignore, compose.yaml and .env.example on the fixture apps: snapshots of
//! what a user gets, and, across every fixture app, the checks that make a generated file
//! acceptable — zero shipshape findings, the official compose-spec schema, nothing secret.

use std::path::{Path, PathBuf};

use shipshape_core::{ArtifactKind, Inventory};
use shipshape_gen::{plan, verify, Artifact, InitOptions, Plan, PlannedFile};

fn apps_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/apps")
}

fn plan_for(app: &str) -> Plan {
    let inv = Inventory::open(&apps_dir().join(app)).expect("fixture app opens");
    let facts = shipshape_detect::detect(&inv);
    plan(&facts, &inv, &InitOptions::default())
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

fn file<'a>(plan: &'a Plan, path: &str) -> &'a PlannedFile {
    plan.files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| {
            let paths: Vec<&str> = plan.files.iter().map(|f| f.path.as_str()).collect();
            panic!("{path} is not planned; the plan has {paths:?}")
        })
}

fn compose_files(plan: &Plan) -> Vec<&PlannedFile> {
    plan.files
        .iter()
        .filter(|f| f.artifact == Artifact::Compose && f.path != ".env.example")
        .collect()
}

fn compose_validator() -> jsonschema::Validator {
    let text = include_str!("data/compose-spec.json");
    let schema: serde_json::Value = serde_json::from_str(text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

const SNAPSHOT_APPS: &[&str] = &[
    "monorepo-next-fastapi-postgres",
    "python-django-poetry",
    "node-turbo-monorepo",
];

#[test]
fn snapshots_of_compose_env_example_and_dockerignore() {
    for app in SNAPSHOT_APPS {
        let plan = plan_for(app);
        for f in &plan.files {
            let generated_here = matches!(f.artifact, Artifact::Compose | Artifact::Dockerignore);
            if !generated_here {
                continue;
            }
            let name = format!("{app}__{}", f.path.replace('/', "__"));
            insta::assert_snapshot!(name, &f.content, &f.reason);
        }
    }
}

#[test]
fn the_monorepo_gets_a_dockerignore_per_service_and_one_compose_file_at_the_root() {
    let plan = plan_for("monorepo-next-fastapi-postgres");
    let web = file(&plan, "web/.dockerignore");
    assert!(web.content.contains("**/node_modules"));
    let api = file(&plan, "api/.dockerignore");
    assert!(api.content.contains(".venv"));
    assert!(!api.content.contains("node_modules"));
    let compose = file(&plan, "compose.yaml");
    for needle in [
        "context: ./web",
        "context: ./api",
        "\"127.0.0.1:5432:5432\"",
        "condition: service_healthy",
        "- path: .env",
        "postgres-data:",
    ] {
        assert!(
            compose.content.contains(needle),
            "missing `{needle}`:\n{}",
            compose.content
        );
    }
    let env = file(&plan, ".env.example");
    for name in ["POSTGRES_PASSWORD=\n", "NEXT_PUBLIC_API_URL="] {
        assert!(
            env.content.contains(name),
            "missing {name}:\n{}",
            env.content
        );
    }
    // compose.yaml points DATABASE_URL at its postgres service: nothing for the operator to set.
    assert!(compose.content.contains("DATABASE_URL: "));
    assert!(!env.content.contains("DATABASE_URL="), "{}", env.content);
    assert!(plan.files.iter().all(|f| f.path != ".env"));
}

#[test]
fn every_fixture_apps_compose_file_has_zero_findings_and_matches_the_compose_spec() {
    let validator = compose_validator();
    let opts = shipshape_audit::AuditOptions::default();
    let selection = shipshape_audit::catalog().select_all();
    let mut checked = 0;
    for app in every_app() {
        let plan = plan_for(&app);
        for f in compose_files(&plan) {
            let findings = shipshape_audit::audit_text(
                &f.path,
                ArtifactKind::Compose,
                &f.content,
                &|_| true,
                &selection,
                &opts,
            );
            assert!(
                findings.is_empty(),
                "{app}/{}: {:#?}\n{}",
                f.path,
                findings
                    .iter()
                    .map(|x| format!(
                        "{}:{} {} {}",
                        x.location.start.line, x.location.start.column, x.rule_id, x.message
                    ))
                    .collect::<Vec<_>>(),
                f.content
            );
            let value: serde_json::Value =
                serde_saphyr::from_str(&f.content).unwrap_or_else(|e| panic!("{app}: {e}"));
            let errors: Vec<String> = validator
                .iter_errors(&value)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(
                errors.is_empty(),
                "{app}/{}: {errors:#?}\n{}",
                f.path,
                f.content
            );
            checked += 1;
        }
    }
    // Every fixture with a service gets a compose file.
    assert!(checked >= 25, "only {checked} compose files checked");
}

#[test]
fn every_fixture_apps_plan_passes_verification() {
    for app in every_app() {
        let plan = plan_for(&app);
        // As init checks it: beside the repository's own files.
        let inv = Inventory::open(&apps_dir().join(&app)).expect("fixture app opens");
        let errors = verify::verify_in(&plan, &inv);
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(shown.is_empty(), "{app}: {shown:#?}");
    }
}

#[test]
fn env_example_never_holds_a_value_for_a_secret() {
    for app in every_app() {
        let plan = plan_for(&app);
        let Some(env) = plan.files.iter().find(|f| f.path == ".env.example") else {
            continue;
        };
        for line in env.content.lines().filter(|l| !l.starts_with('#')) {
            let Some((name, value)) = line.split_once('=') else {
                continue;
            };
            let upper = name.to_ascii_uppercase();
            if ["PASSWORD", "SECRET", "TOKEN", "_KEY", "PASS"]
                .iter()
                .any(|w| upper.contains(w))
            {
                assert!(value.is_empty(), "{app}: {line}");
            }
        }
    }
}

#[test]
fn databases_are_published_on_the_loopback_interface_only() {
    for app in every_app() {
        let plan = plan_for(&app);
        for f in compose_files(&plan) {
            for line in f.content.lines().map(str::trim) {
                if let Some(port) = line.strip_prefix("- \"") {
                    if port.chars().next().is_some_and(|c| c.is_ascii_digit())
                        && port.matches(':').count() >= 1
                        && !port.contains('/')
                    {
                        assert!(port.starts_with("127.0.0.1:"), "{app}: {line}");
                    }
                }
            }
        }
    }
}

#[test]
fn planning_is_deterministic() {
    for app in SNAPSHOT_APPS {
        let a = plan_for(app);
        let b = plan_for(app);
        assert_eq!(a.files, b.files, "{app}");
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create copy");
    for entry in std::fs::read_dir(from).expect("read fixture").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

#[test]
fn after_writing_a_plan_every_fixture_app_plans_exactly_what_it_has() {
    use shipshape_gen::write::{write_plan, Action, WriteOptions};
    for app in every_app() {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = dir.path().join(&app);
        copy_dir(&apps_dir().join(&app), &repo);
        let first = {
            let inv = Inventory::open(&repo).expect("opens");
            let facts = shipshape_detect::detect(&inv);
            plan(&facts, &inv, &InitOptions::default())
        };
        let written: Vec<String> = write_plan(&repo, &first, &WriteOptions::default())
            .expect("written")
            .into_iter()
            .filter(|o| o.action == Action::Created)
            .map(|o| o.path)
            .collect();
        // What is written changes what is detected (Dockerfiles, compose.yaml, .env.example):
        // the next plan must still be identical, file for file.
        let inv = Inventory::open(&repo).expect("opens");
        let facts = shipshape_detect::detect(&inv);
        let second = plan(&facts, &inv, &InitOptions::default());
        let outcomes = write_plan(
            &repo,
            &second,
            &WriteOptions {
                force: false,
                dry_run: true,
            },
        )
        .expect("dry run");
        let changed: Vec<String> = outcomes
            .iter()
            // Files the user already had are left alone on both runs.
            .filter(|o| {
                o.action != Action::Unchanged
                    && (o.action != Action::Skipped || written.contains(&o.path))
            })
            .map(|o| format!("{} {:?}", o.path, o.action))
            .collect();
        assert!(changed.is_empty(), "{app}: {changed:?}");
    }
}

#[test]
fn the_compose_spec_schema_rejects_a_malformed_file() {
    // Guards the schema check above against passing everything.
    let validator = compose_validator();
    let bad: serde_json::Value =
        serde_saphyr::from_str("services:\n  web:\n    ports: 5\n    restart_policy: always\n")
            .expect("YAML");
    assert!(!validator.is_valid(&bad));
}
