//! How the repository separates its environments, and their names: kustomize overlays, Helm
//! values files, Terraform tfvars/folders/workspaces, CI environments, `.env.<env>` files,
//! Compose overrides and Pulumi stacks. Names are kept as written (`prod` and `production` are
//! two names), one entry per name with every place it appears.

use shipshape_core::{ArtifactKind, Evidence, FileEntry, LineIndex};
use shipshape_syntax::yaml::Node;

use super::terraform::TfFile;
use super::Found;
use crate::ctx::Ctx;
use crate::model::{CiSystem, Environments};

/// Names that mean an environment when a file or folder is named after them. (Names a CI file
/// declares with `environment:` are taken as written: they are explicit.)
const ENVIRONMENT_NAMES: &[&str] = &[
    "dev",
    "development",
    "staging",
    "stage",
    "stg",
    "qa",
    "uat",
    "prod",
    "production",
    "prd",
    "preview",
];

/// Folders whose children are environments in a Terraform layout.
const TF_ENV_PARENTS: &[&str] = &[
    "environments",
    "envs",
    "env",
    "live",
    "stages",
    "deployments",
];

fn is_env_name(s: &str) -> bool {
    ENVIRONMENT_NAMES.contains(&s.to_ascii_lowercase().as_str())
}

#[derive(Default)]
struct Collect {
    names: Found<String>,
    strategies: Found<String>,
}

impl Collect {
    fn add(&mut self, name: &str, strategy: &str, ev: Evidence) {
        self.names.add(name.to_string(), ev.clone());
        self.strategies.add(strategy.to_string(), ev);
    }
}

pub(crate) fn detect(ctx: &Ctx, files: &[&FileEntry], tf: &[TfFile]) -> Environments {
    let mut c = Collect::default();
    for f in files {
        kustomize_overlay(f, &mut c);
        helm_values(f, &mut c);
        tfvars(f, &mut c);
        dotenv(f, &mut c);
        compose_override(f, &mut c);
        pulumi_stack(f, &mut c);
        match super::ci::system_of(f) {
            Some((CiSystem::GithubActions, _)) => github_environments(ctx, f, &mut c),
            Some((CiSystem::GitlabCi, _)) => gitlab_environments(ctx, f, &mut c),
            _ => {}
        }
    }
    terraform_directories(files, &mut c);
    terraform_workspaces(tf, &mut c);
    Environments {
        names: c.names.into_located(),
        strategies: c.strategies.into_located(),
    }
}

/// The last folder of a path's directory.
fn parent_name(f: &FileEntry) -> &str {
    f.dir().rsplit('/').next().unwrap_or("")
}

fn kustomize_overlay(f: &FileEntry, c: &mut Collect) {
    if f.kind != ArtifactKind::Kustomization {
        return;
    }
    let env = parent_name(f);
    if is_env_name(env) {
        let ev = Evidence::file(&f.path, format!("{} (kustomize overlay {env})", f.path));
        c.add(env, "kustomize-overlays", ev);
    }
}

/// `values-prod.yaml`, `values.staging.yaml`, `values_dev.yml`.
fn helm_values(f: &FileEntry, c: &mut Collect) {
    if !matches!(f.kind, ArtifactKind::HelmValues | ArtifactKind::Yaml) {
        return;
    }
    let name = f.name();
    let Some(rest) = name.strip_prefix("values") else {
        return;
    };
    let Some(rest) = rest.strip_prefix(['-', '.', '_']) else {
        return;
    };
    let env = rest.trim_end_matches(".yaml").trim_end_matches(".yml");
    if is_env_name(env) {
        let ev = Evidence::file(&f.path, format!("{} (Helm values for {env})", f.path));
        c.add(env, "helm-values", ev);
    }
}

fn tfvars(f: &FileEntry, c: &mut Collect) {
    if f.kind != ArtifactKind::TerraformVars {
        return;
    }
    let stem = f
        .name()
        .trim_end_matches(".json")
        .trim_end_matches(".tfvars")
        .trim_end_matches(".auto");
    if is_env_name(stem) {
        let ev = Evidence::file(&f.path, format!("{} (variables for {stem})", f.path));
        c.add(stem, "terraform-tfvars", ev);
    }
}

/// Terraform (or Terragrunt) code in a folder named after an environment: `envs/prod/main.tf`,
/// `infra/staging/main.tf`, `live/prod/app/terragrunt.hcl`. One piece of evidence per folder.
fn terraform_directories(files: &[&FileEntry], c: &mut Collect) {
    let mut seen: Vec<String> = Vec::new();
    for f in files {
        let is_tf = f.kind == ArtifactKind::Terraform || f.name() == "terragrunt.hcl";
        if !is_tf {
            continue;
        }
        let parts: Vec<&str> = f.dir().split('/').collect();
        for (i, part) in parts.iter().enumerate() {
            let last = i + 1 == parts.len();
            let under_env_parent = i > 0 && TF_ENV_PARENTS.contains(&parts[i - 1]);
            if !is_env_name(part) || !(last || under_env_parent) {
                continue;
            }
            let dir = parts[..=i].join("/");
            if seen.contains(&dir) {
                continue;
            }
            seen.push(dir.clone());
            let ev = Evidence::file(
                &f.path,
                format!("{} (Terraform for {part} in {dir}/)", f.path),
            );
            c.add(part, "terraform-directories", ev);
        }
    }
}

fn terraform_workspaces(tf: &[TfFile], c: &mut Collect) {
    for t in tf {
        for line in &t.workspace_refs {
            let ev = Evidence::new(
                &t.path,
                Some(*line),
                format!("{} > terraform.workspace", t.path),
            );
            c.strategies.add("terraform-workspaces".to_string(), ev);
        }
        for (name, line) in &t.workspace_names {
            let ev = Evidence::new(
                &t.path,
                Some(*line),
                format!("{} > terraform.workspace == \"{name}\"", t.path),
            );
            c.names.add(name.clone(), ev);
        }
    }
}

/// `.env.production`, `.env.staging`; `.env.example`, `.env.local`, `.env.test` are not
/// environments.
fn dotenv(f: &FileEntry, c: &mut Collect) {
    if f.kind != ArtifactKind::DotEnv {
        return;
    }
    let Some(env) = f.name().strip_prefix(".env.") else {
        return;
    };
    if is_env_name(env) {
        let ev = Evidence::file(&f.path, format!("{} (env file for {env})", f.path));
        c.add(env, "dotenv-files", ev);
    }
}

/// `compose.prod.yaml`, `docker-compose.staging.yml`, `docker-compose-prod.yml`.
fn compose_override(f: &FileEntry, c: &mut Collect) {
    if f.kind != ArtifactKind::Compose {
        return;
    }
    let name = f.name();
    let Some(rest) = name
        .strip_prefix("docker-compose")
        .or_else(|| name.strip_prefix("compose"))
    else {
        return;
    };
    let Some(rest) = rest.strip_prefix(['.', '-', '_']) else {
        return;
    };
    let env = rest.trim_end_matches(".yaml").trim_end_matches(".yml");
    if is_env_name(env) {
        let ev = Evidence::file(&f.path, format!("{} (Compose override for {env})", f.path));
        c.add(env, "compose-overrides", ev);
    }
}

/// `Pulumi.<stack>.yaml` for a stack named after an environment.
fn pulumi_stack(f: &FileEntry, c: &mut Collect) {
    let Some(rest) = f.name().strip_prefix("Pulumi.") else {
        return;
    };
    let stack = rest.trim_end_matches(".yaml").trim_end_matches(".yml");
    if stack != rest && is_env_name(stack) {
        let ev = Evidence::file(&f.path, format!("{} (Pulumi stack {stack})", f.path));
        c.add(stack, "pulumi-stacks", ev);
    }
}

/// The environment a CI job deploys to (`environment: prod` or `environment: { name: prod }`)
/// and the node holding the name, whose line is the evidence. Names built from expressions
/// (`${{ inputs.env }}`, `review/$CI_COMMIT_REF_SLUG`) are not known until run time and are
/// left out.
fn job_environment(job: &Node) -> Option<(String, &Node)> {
    let env = job.get("environment")?;
    let node = if env.is_map() { env.get("name")? } else { env };
    let name = node.as_str()?.trim();
    (!name.is_empty() && !name.contains('$')).then(|| (name.to_string(), node))
}

/// The jobs of a workflow (under `jobs:`) or of a GitLab pipeline (every top-level mapping).
fn ci_environments(
    ctx: &Ctx,
    f: &FileEntry,
    jobs: fn(&Node) -> Option<&Node>,
) -> Vec<(String, String, u32)> {
    let Some((text, docs)) = ctx.yaml_nodes(&f.path) else {
        return Vec::new();
    };
    let lines = LineIndex::new(&text);
    let Some(jobs) = docs.first().and_then(jobs) else {
        return Vec::new();
    };
    jobs.entries()
        .iter()
        .filter_map(|job| {
            let id = job.key.as_str()?;
            let (env, node) = job_environment(&job.value)?;
            Some((id.to_string(), env, lines.line(node.span.start)))
        })
        .collect()
}

fn github_environments(ctx: &Ctx, f: &FileEntry, c: &mut Collect) {
    for (id, env, line) in ci_environments(ctx, f, |root| root.get("jobs")) {
        let note = format!("{} > jobs.{id}.environment", f.path);
        c.add(
            &env,
            "ci-environments",
            Evidence::new(&f.path, Some(line), note),
        );
    }
}

fn gitlab_environments(ctx: &Ctx, f: &FileEntry, c: &mut Collect) {
    for (id, env, line) in ci_environments(ctx, f, |root| Some(root)) {
        let note = format!("{} > {id}.environment", f.path);
        c.add(
            &env,
            "ci-environments",
            Evidence::new(&f.path, Some(line), note),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::repo::testing::facts;

    fn envs(files: &[(&str, &str)]) -> (Vec<String>, Vec<String>) {
        let f = facts(files);
        (
            f.environments.names.into_iter().map(|l| l.value).collect(),
            f.environments
                .strategies
                .into_iter()
                .map(|l| l.value)
                .collect(),
        )
    }

    #[test]
    fn kustomize_overlay_folders_name_environments() {
        let (names, strategies) = envs(&[
            ("k8s/base/kustomization.yaml", "resources: []\n"),
            ("k8s/overlays/staging/kustomization.yaml", "resources: []\n"),
            ("k8s/overlays/prod/kustomization.yaml", "resources: []\n"),
        ]);
        assert_eq!(names, ["prod", "staging"]);
        assert_eq!(strategies, ["kustomize-overlays"]);
    }

    #[test]
    fn helm_values_files_name_environments() {
        let (names, strategies) = envs(&[
            ("chart/Chart.yaml", "name: x\n"),
            ("chart/values.yaml", "a: 1\n"),
            ("chart/values-production.yaml", "a: 2\n"),
        ]);
        assert_eq!(names, ["production"]);
        assert_eq!(strategies, ["helm-values"]);
    }

    #[test]
    fn terraform_tfvars_folders_and_workspaces_are_strategies() {
        let (names, s) = envs(&[("terraform/environments/staging.tfvars", "a = 1\n")]);
        assert_eq!(
            (names, s),
            (
                vec!["staging".to_string()],
                vec!["terraform-tfvars".to_string()]
            )
        );
        let (names, s) = envs(&[
            ("infra/envs/prod/main.tf", "module \"app\" {}\n"),
            ("infra/envs/prod/backend.tf", "terraform {}\n"),
            ("infra/dev/main.tf", "module \"app\" {}\n"),
        ]);
        assert_eq!(names, ["dev", "prod"]);
        assert_eq!(s, ["terraform-directories"]);
        let f = facts(&[(
            "main.tf",
            "locals {\n  n = terraform.workspace == \"prod\" ? 3 : 1\n}\n",
        )]);
        assert_eq!(f.environments.strategies[0].value, "terraform-workspaces");
        assert_eq!(f.environments.strategies[0].evidence[0].line, Some(2));
        assert_eq!(f.environments.names[0].value, "prod");
    }

    #[test]
    fn github_environment_keys_in_both_forms_are_read_with_lines() {
        let wf = "on: push\njobs:\n  deploy-staging:\n    runs-on: ubuntu-latest\n    environment: staging\n    steps: []\n  deploy-prod:\n    runs-on: ubuntu-latest\n    environment:\n      name: production\n      url: https://x\n    steps: []\n  dynamic:\n    environment: ${{ inputs.env }}\n    steps: []\n";
        let f = facts(&[(".github/workflows/deploy.yml", wf)]);
        let names: Vec<(&str, Option<u32>)> = f
            .environments
            .names
            .iter()
            .map(|l| (l.value.as_str(), l.evidence[0].line))
            .collect();
        assert_eq!(names, [("production", Some(10)), ("staging", Some(5))]);
        assert_eq!(
            f.environments.names[1].evidence[0].note,
            ".github/workflows/deploy.yml > jobs.deploy-staging.environment"
        );
    }

    #[test]
    fn gitlab_environments_are_read_and_dynamic_ones_skipped() {
        let ci = "stages: [deploy]\ndeploy_prod:\n  stage: deploy\n  environment:\n    name: production\n  script: [x]\nreview:\n  environment: review/$CI_COMMIT_REF_SLUG\n  script: [x]\n";
        let f = facts(&[(".gitlab-ci.yml", ci)]);
        assert_eq!(f.environments.names.len(), 1);
        assert_eq!(f.environments.names[0].value, "production");
        assert_eq!(f.environments.names[0].evidence[0].line, Some(5));
    }

    #[test]
    fn dotenv_files_count_but_example_local_and_test_do_not() {
        let (names, s) = envs(&[
            (".env.production", "A=1\n"),
            (".env.example", "A=\n"),
            (".env.local", "A=1\n"),
            (".env.test", "A=1\n"),
        ]);
        assert_eq!(names, ["production"]);
        assert_eq!(s, ["dotenv-files"]);
    }

    #[test]
    fn compose_overrides_name_environments() {
        let (names, s) = envs(&[
            ("compose.yaml", "services: {}\n"),
            ("compose.prod.yaml", "services: {}\n"),
            ("docker-compose.staging.yml", "services: {}\n"),
            ("docker-compose.override.yml", "services: {}\n"),
        ]);
        assert_eq!(names, ["prod", "staging"]);
        assert_eq!(s, ["compose-overrides"]);
    }

    #[test]
    fn a_name_seen_in_many_places_keeps_at_most_five_pieces_of_evidence() {
        let files: Vec<(String, &str)> = (0..7)
            .map(|i| (format!("svc{i}/.env.staging"), "A=1\n"))
            .collect();
        let refs: Vec<(&str, &str)> = files.iter().map(|(p, c)| (p.as_str(), *c)).collect();
        let f = facts(&refs);
        assert_eq!(f.environments.names[0].evidence.len(), 5);
    }
}
