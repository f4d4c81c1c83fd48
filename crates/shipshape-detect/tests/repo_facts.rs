//! Repository-level facts (CI, cloud, orchestrators, IaC, environments, observability,
//! containers, deploy scripts) of the `infra-*` fixtures: a snapshot of each, plus explicit
//! checks of the values that matter and of every piece of evidence.

mod common;

use serde::Serialize;
use shipshape_core::{Evidence, Located};
use shipshape_detect::{
    Ambiguity, CiSystem, CloudProvider, Containers, Environments, Facts, IacTool, Note,
    Observability, Orchestrator,
};

use common::{facts_of, fixture};

/// The repository-level part of the facts, as snapshotted.
#[derive(Serialize)]
struct RepoFacts<'a> {
    ci: &'a [Located<CiSystem>],
    cloud: &'a [Located<CloudProvider>],
    orchestrators: &'a [Located<Orchestrator>],
    iac: &'a [Located<IacTool>],
    environments: &'a Environments,
    observability: &'a Observability,
    containers: &'a Containers,
    deploy_scripts: &'a [Located<String>],
    ambiguities: Vec<&'a Ambiguity>,
    notes: &'a [Note],
}

fn repo_facts(f: &Facts) -> RepoFacts<'_> {
    RepoFacts {
        ci: &f.ci,
        cloud: &f.cloud,
        orchestrators: &f.orchestrators,
        iac: &f.iac,
        environments: &f.environments,
        observability: &f.observability,
        containers: &f.containers,
        deploy_scripts: &f.deploy_scripts,
        ambiguities: f
            .ambiguities
            .iter()
            .filter(|a| a.subject.starts_with("repository."))
            .collect(),
        notes: &f.notes,
    }
}

fn values<T: Copy>(v: &[Located<T>]) -> Vec<T> {
    v.iter().map(|l| l.value).collect()
}

fn strings(v: &[Located<String>]) -> Vec<&str> {
    v.iter().map(|l| l.value.as_str()).collect()
}

/// Every piece of repository-level evidence names a file of the fixture, a line inside it, and
/// a note.
fn assert_evidence_is_real(name: &str, f: &Facts) {
    let root = fixture(name);
    let mut all: Vec<(&str, &Evidence)> = Vec::new();
    for l in &f.ci {
        all.extend(l.evidence.iter().map(|e| ("ci", e)));
    }
    for l in &f.cloud {
        all.extend(l.evidence.iter().map(|e| ("cloud", e)));
    }
    for l in &f.orchestrators {
        all.extend(l.evidence.iter().map(|e| ("orchestrators", e)));
    }
    for l in &f.iac {
        all.extend(l.evidence.iter().map(|e| ("iac", e)));
    }
    let o = &f.observability;
    for l in f
        .environments
        .names
        .iter()
        .chain(&f.environments.strategies)
        .chain(&o.metrics)
        .chain(&o.tracing)
        .chain(&o.structured_logging)
        .chain(&o.error_tracking)
        .chain(&f.deploy_scripts)
    {
        assert!(
            !l.evidence.is_empty(),
            "{name}: {} has no evidence",
            l.value
        );
        assert!(
            l.evidence.len() <= 5,
            "{name}: {} has more than 5 pieces of evidence",
            l.value
        );
        all.extend(l.evidence.iter().map(|e| ("value", e)));
    }
    for d in &f.containers.dockerfiles {
        for l in &d.base_images {
            all.extend(l.evidence.iter().map(|e| ("base image", e)));
        }
        for l in &d.exposed_ports {
            all.extend(l.evidence.iter().map(|e| ("port", e)));
        }
        if let Some(u) = &d.final_user {
            all.extend(u.evidence.iter().map(|e| ("user", e)));
        }
    }
    for (what, e) in all {
        let path = root.join(&e.path);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            panic!("{name}: {what} evidence points at missing file {}", e.path)
        });
        if let Some(line) = e.line {
            let lines = text.lines().count() as u32;
            assert!(
                line >= 1 && line <= lines,
                "{name}: {what} evidence {e} is past the end ({lines} lines)"
            );
        }
        assert!(
            !e.note.is_empty(),
            "{name}: {what} evidence at {} has no note",
            e.path
        );
    }
}

/// The text of a fixture file's 1-based line.
fn line_text(name: &str, e: &Evidence) -> String {
    let text = std::fs::read_to_string(fixture(name).join(&e.path)).expect("evidence file");
    let line = e.line.expect("a line") as usize;
    text.lines().nth(line - 1).unwrap_or("").to_string()
}

#[test]
fn infra_existing_reports_its_ci_cloud_kubernetes_terraform_and_environments() {
    let name = "infra-existing";
    let f = facts_of(name);
    insta::assert_yaml_snapshot!(name, repo_facts(&f));
    assert_evidence_is_real(name, &f);

    assert_eq!(values(&f.ci), [CiSystem::GithubActions]);
    assert_eq!(values(&f.cloud), [CloudProvider::Aws]);
    let aws = &f.cloud[0];
    assert_eq!(aws.evidence[0].note, "terraform/main.tf > provider \"aws\"");
    assert_eq!(line_text(name, &aws.evidence[0]), "provider \"aws\" {");
    assert!(aws
        .evidence
        .iter()
        .any(|e| e.note.contains("aws-actions/configure-aws-credentials")));
    assert!(aws
        .evidence
        .iter()
        .any(|e| e.note.contains("resource \"aws_db_instance\"")));
    assert_eq!(
        values(&f.orchestrators),
        [
            Orchestrator::Kubernetes,
            Orchestrator::Kustomize,
            Orchestrator::Compose
        ]
    );
    assert_eq!(values(&f.iac), [IacTool::Terraform]);
    assert_eq!(f.iac[0].evidence[0].path, "terraform/main.tf");
    assert_eq!(f.iac[0].evidence[0].line, Some(1));

    let envs = &f.environments;
    assert_eq!(strings(&envs.names), ["prod", "production", "staging"]);
    assert_eq!(
        strings(&envs.strategies),
        ["ci-environments", "kustomize-overlays", "terraform-tfvars"]
    );
    let staging = &envs.names[2];
    let places: Vec<&str> = staging.evidence.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        places,
        [
            ".github/workflows/ci.yml",
            "k8s/overlays/staging/kustomization.yaml",
            "terraform/environments/staging.tfvars"
        ]
    );
    assert_eq!(
        line_text(name, &staging.evidence[0]).trim(),
        "environment: staging"
    );
    let production = &envs.names[1];
    assert_eq!(
        production.evidence[0].note,
        ".github/workflows/ci.yml > jobs.deploy-production.environment"
    );
    assert_eq!(
        line_text(name, &production.evidence[0]).trim(),
        "name: production"
    );

    assert_eq!(strings(&f.observability.metrics), ["prometheus"]);
    assert_eq!(
        line_text(name, &f.observability.metrics[0].evidence[0]).trim(),
        "\"prom-client\": \"^15.1.3\""
    );
    assert_eq!(strings(&f.observability.structured_logging), ["pino"]);
    assert!(f.observability.tracing.is_empty());
    assert!(f.observability.error_tracking.is_empty());

    let c = &f.containers;
    assert_eq!(c.dockerfiles.len(), 1);
    let d = &c.dockerfiles[0];
    assert_eq!(d.stages, 2);
    assert_eq!(
        strings(&d.base_images),
        ["node:20-alpine", "node:20-alpine"]
    );
    assert_eq!(
        d.final_user.as_ref().map(|u| u.value.as_str()),
        Some("10001")
    );
    assert_eq!(values(&d.exposed_ports), [3000]);
    assert!(d.has_healthcheck);
    assert_eq!(c.compose_files, ["compose.yaml"]);
    assert_eq!(c.dockerignores, [".dockerignore"]);

    assert_eq!(strings(&f.deploy_scripts), ["make deploy"]);
    assert_eq!(
        line_text(name, &f.deploy_scripts[0].evidence[0]),
        "deploy: build"
    );
    assert!(f
        .ambiguities
        .iter()
        .all(|a| !a.subject.starts_with("repository.")));
    assert!(f.notes.is_empty(), "{:?}", f.notes);
}

#[test]
fn infra_gitlab_gcp_reports_gitlab_gcp_helm_and_ci_environments() {
    let name = "infra-gitlab-gcp";
    let f = facts_of(name);
    insta::assert_yaml_snapshot!(name, repo_facts(&f));
    assert_evidence_is_real(name, &f);

    assert_eq!(values(&f.ci), [CiSystem::GitlabCi]);
    assert_eq!(values(&f.cloud), [CloudProvider::Gcp]);
    assert_eq!(
        f.cloud[0].evidence[0].note,
        "terraform/main.tf > provider \"google\""
    );
    assert!(f.cloud[0]
        .evidence
        .iter()
        .any(|e| e.path == ".gitlab-ci.yml"));
    assert_eq!(
        values(&f.orchestrators),
        [Orchestrator::Kubernetes, Orchestrator::Helm]
    );
    assert!(f.orchestrators[0]
        .evidence
        .iter()
        .any(|e| e.note.contains("resource \"google_container_cluster\"")));
    assert_eq!(values(&f.iac), [IacTool::Terraform]);

    let envs = &f.environments;
    assert_eq!(strings(&envs.names), ["prod", "production", "staging"]);
    assert_eq!(
        strings(&envs.strategies),
        ["ci-environments", "helm-values"]
    );
    let production = &envs.names[1];
    assert_eq!(
        production.evidence[0].note,
        ".gitlab-ci.yml > deploy_prod.environment"
    );
    assert_eq!(
        line_text(name, &production.evidence[0]).trim(),
        "name: production"
    );
    let staging = &envs.names[2];
    assert_eq!(staging.evidence.len(), 2);

    assert_eq!(strings(&f.observability.metrics), ["prometheus"]);
    assert_eq!(strings(&f.observability.structured_logging), ["structlog"]);
    assert_eq!(strings(&f.observability.error_tracking), ["sentry"]);
    assert_eq!(f.observability.error_tracking[0].evidence[0].line, Some(5));

    assert_eq!(f.containers.dockerfiles.len(), 1);
    assert_eq!(f.containers.dockerfiles[0].stages, 1);
    assert!(f.containers.dockerfiles[0].final_user.is_none());
    assert!(!f.containers.dockerfiles[0].has_healthcheck);
    assert!(f.deploy_scripts.is_empty());
    assert!(f.notes.is_empty(), "{:?}", f.notes);
}

#[test]
fn infra_paas_lists_every_platform_and_asks_which_one_runs_the_app() {
    let name = "infra-paas";
    let f = facts_of(name);
    insta::assert_yaml_snapshot!(name, repo_facts(&f));
    assert_evidence_is_real(name, &f);

    assert!(f.ci.is_empty());
    assert_eq!(
        values(&f.cloud),
        [
            CloudProvider::Fly,
            CloudProvider::Vercel,
            CloudProvider::Render,
            CloudProvider::Heroku
        ]
    );
    let heroku = &f.cloud[3];
    let heroku_paths: Vec<&str> = heroku.evidence.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(heroku_paths, ["app.json", "Procfile"]);
    assert_eq!(
        line_text(name, &heroku.evidence[0]).trim(),
        "\"buildpacks\": ["
    );
    assert_eq!(
        line_text(name, &f.cloud[0].evidence[0]),
        "app = \"storefront\""
    );
    assert_eq!(values(&f.orchestrators), [Orchestrator::Paas]);
    assert!(f.iac.is_empty());

    assert_eq!(strings(&f.environments.names), ["production"]);
    assert_eq!(strings(&f.environments.strategies), ["dotenv-files"]);
    assert_eq!(f.environments.names[0].evidence[0].path, ".env.production");

    assert_eq!(strings(&f.observability.structured_logging), ["winston"]);
    assert!(f.observability.structured_logging[0].evidence[0]
        .note
        .contains("format.json()"));
    assert_eq!(strings(&f.observability.error_tracking), ["sentry"]);
    assert_eq!(strings(&f.deploy_scripts), ["npm run deploy"]);

    let a: Vec<&Ambiguity> = f
        .ambiguities
        .iter()
        .filter(|a| a.subject == "repository.cloud")
        .collect();
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].chosen, None);
    let candidates: Vec<&str> = a[0].candidates.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(candidates, ["fly", "vercel", "render", "heroku"]);
}

#[test]
fn infra_malformed_reports_what_it_can_and_notes_each_broken_file() {
    let name = "infra-malformed";
    let f = facts_of(name);
    insta::assert_yaml_snapshot!(name, repo_facts(&f));
    assert_evidence_is_real(name, &f);

    // The broken pipeline is still GitLab CI; its environments could not be read.
    assert_eq!(values(&f.ci), [CiSystem::GitlabCi]);
    assert!(f.environments.names.is_empty());
    // Both manifests count for Kubernetes, each by its `kind:` line: detection reads only the
    // kinds and annotations of a manifest, line by line, which a syntax error elsewhere in the
    // file does not hide; so nothing was left unread and there is no note.
    assert_eq!(values(&f.orchestrators), [Orchestrator::Kubernetes]);
    assert_eq!(f.orchestrators[0].evidence.len(), 2);
    // The provider after the unclosed block is still found.
    assert_eq!(values(&f.cloud), [CloudProvider::Aws]);
    assert!(f.cloud[0]
        .evidence
        .iter()
        .any(|e| e.note == "terraform/main.tf > provider \"aws\"" && e.line == Some(7)));
    assert!(f.cloud[0]
        .evidence
        .iter()
        .any(|e| e.path == "k8s/service.yaml" && e.line == Some(6)));
    assert_eq!(values(&f.iac), [IacTool::Terraform]);
    assert_eq!(
        f.containers.dockerfiles[0].base_images[0].value,
        "nginx:1.27-alpine"
    );

    let noted: Vec<(&str, Option<u32>)> =
        f.notes.iter().map(|n| (n.path.as_str(), n.line)).collect();
    assert!(
        noted.iter().any(|(p, _)| *p == ".gitlab-ci.yml"),
        "{noted:?}"
    );
    assert!(
        !noted.iter().any(|(p, _)| *p == "k8s/deployment.yaml"),
        "{noted:?}"
    );
    assert!(noted.contains(&("terraform/main.tf", Some(1))), "{noted:?}");
    assert!(
        !noted.iter().any(|(p, _)| *p == "k8s/service.yaml"),
        "{noted:?}"
    );
}
