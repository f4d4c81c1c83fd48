//! The CI/CD pipeline generator (`shipshape init --only ci`): from the detected services, one
//! GitHub Actions workflow (or one `.gitlab-ci.yml`) that fails fast — every service's lint and
//! tests run in parallel jobs before any image is built — then builds each service's image,
//! scans it with Trivy (failing on critical vulnerabilities), and on the default branch pushes
//! it to the registry with SBOM and provenance attestations. Least privilege throughout: the
//! workflow token starts with no permission and each job asks for what it uses, checkouts keep
//! no credentials, every action is pinned to a commit from `data/ci_pins.toml`, and no
//! expression from an event is expanded into a script. GitHub workflows come with a Dependabot
//! configuration that keeps those pins, the base images and the dependencies current.

mod github;
mod gitlab;
pub mod pins;
mod toolchain;

use shipshape_core::Inventory;
use shipshape_detect::{CiSystem, Facts};

use crate::{build_targets, Artifact, BuildTarget, Category, Plan, PlannedFile};

pub(crate) use toolchain::Toolchain;

/// Which CI system to write for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiProvider {
    GithubActions,
    GitlabCi,
}

impl CiProvider {
    pub fn parse(s: &str) -> Option<CiProvider> {
        match s {
            "github" | "github-actions" | "actions" => Some(CiProvider::GithubActions),
            "gitlab" | "gitlab-ci" => Some(CiProvider::GitlabCi),
            _ => None,
        }
    }

    /// The system the repository already uses, else GitHub Actions.
    pub fn detect(facts: &Facts) -> CiProvider {
        match facts.ci.first().map(|c| c.value) {
            Some(CiSystem::GitlabCi) => CiProvider::GitlabCi,
            _ => CiProvider::GithubActions,
        }
    }
}

/// One service as the pipeline sees it: its lint-and-test toolchain and its image build.
pub(crate) struct ServiceJob<'a> {
    /// A job-ID-safe name (`web`, `api-gateway`).
    pub id: String,
    pub name: String,
    /// The service's folder (`.` for the root).
    pub dir: String,
    pub toolchain: Option<Toolchain>,
    pub image: Option<BuildTarget<'a>>,
}

/// Job IDs allow letters, digits, `-` and `_`, starting with a letter or `_`.
fn job_id(name: &str) -> String {
    let mut id: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    if !id.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        id.insert(0, 's');
    }
    id
}

pub(crate) fn service_jobs<'a>(
    facts: &'a Facts,
    inv: &Inventory,
    plan: &Plan,
) -> Vec<ServiceJob<'a>> {
    let targets = build_targets(facts, inv, plan);
    let mut seen = std::collections::HashSet::new();
    facts
        .services
        .iter()
        .zip(targets)
        .map(|(service, target)| {
            let mut id = job_id(&service.name);
            while !seen.insert(id.clone()) {
                id.push('_');
            }
            ServiceJob {
                id,
                name: service.name.clone(),
                dir: if service.root.is_empty() {
                    ".".to_string()
                } else {
                    service.root.clone()
                },
                toolchain: toolchain::toolchain(service, inv),
                // A service is built only from a Dockerfile that exists or is being generated.
                image: target.text.is_some().then_some(target),
            }
        })
        .collect()
}

/// Plan the pipeline for `provider` (the detected CI system when `None`).
pub fn plan(facts: &Facts, inv: &Inventory, provider: Option<CiProvider>, plan: &mut Plan) {
    let provider = provider.unwrap_or_else(|| CiProvider::detect(facts));
    let jobs = service_jobs(facts, inv, plan);
    if jobs.is_empty() {
        plan.warnings.push(
            "no service was detected, so no CI pipeline was generated: shipshape writes the \
             lint, test and image jobs from what each service is"
                .to_string(),
        );
        return;
    }
    // A workflow with an empty `jobs:` is invalid (GitHub refuses it, actionlint flags it).
    if jobs
        .iter()
        .all(|j| j.toolchain.is_none() && j.image.is_none())
    {
        let names: Vec<&str> = jobs.iter().map(|j| j.name.as_str()).collect();
        plan.warnings.push(format!(
            "no CI pipeline was generated: {} has no lint or test commands shipshape knows and \
             no Dockerfile, so a pipeline would have nothing to run — run `shipshape init --only \
             docker,ci` to generate the Dockerfile and a pipeline that builds and scans it",
            names.join(", ")
        ));
        return;
    }
    for j in jobs.iter().filter(|j| j.image.is_none()) {
        plan.warnings.push(format!(
            "service `{}` has no Dockerfile, so the pipeline builds no image for it: run \
             `shipshape init --only docker,ci` to generate both",
            j.name
        ));
    }
    for j in jobs.iter().filter(|j| j.toolchain.is_none()) {
        plan.warnings.push(format!(
            "service `{}` has no lint or test commands shipshape knows, so the pipeline runs none \
             for it",
            j.name
        ));
    }
    let summary = |what: &str| {
        let tested = jobs.iter().filter(|j| j.toolchain.is_some()).count();
        let images = jobs.iter().filter(|j| j.image.is_some()).count();
        format!(
            "{what}: lint and test {tested} service(s) on every push and pull request, then build, \
             scan (Trivy, failing on critical vulnerabilities) and on the default branch push \
             {images} image(s) with SBOM and provenance; actions pinned by commit, least-privilege token"
        )
    };
    match provider {
        CiProvider::GithubActions => {
            plan.files.push(PlannedFile {
                path: ".github/workflows/ci.yml".to_string(),
                content: github::workflow(&jobs),
                reason: summary("GitHub Actions workflow"),
                category: Category::CiCd,
                artifact: Artifact::Ci,
            });
            if !inv.contains(".github/dependabot.yml") && !inv.contains(".github/dependabot.yaml") {
                plan.files.push(PlannedFile {
                    path: ".github/dependabot.yml".to_string(),
                    content: github::dependabot(facts, &jobs),
                    reason: "Dependabot keeps the pinned actions, the base images and every \
                             package ecosystem up to date with weekly pull requests"
                        .to_string(),
                    category: Category::CiCd,
                    artifact: Artifact::Ci,
                });
            }
        }
        CiProvider::GitlabCi => plan.files.push(PlannedFile {
            path: ".gitlab-ci.yml".to_string(),
            content: gitlab::pipeline(&jobs),
            reason: summary("GitLab CI pipeline"),
            category: Category::CiCd,
            artifact: Artifact::Ci,
        }),
    }
}

/// A YAML scalar: plain when that reads back as the same string, else double-quoted (JSON string
/// syntax is valid YAML).
pub(crate) fn scalar(s: &str) -> String {
    let plain_safe = !s.is_empty()
        && !s.starts_with([
            '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%',
            '@', '`', ' ',
        ])
        && !s.ends_with([' ', ':'])
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.contains("${{")
        && s.chars()
            .all(|c| c == ' ' || (c.is_ascii_graphic() && c != '\\'))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n" | "~"
        )
        && s.parse::<f64>().is_err();
    if plain_safe {
        s.to_string()
    } else {
        serde_json::Value::String(s.to_string()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_read_back_as_the_same_string() {
        for s in [
            "Lint and test web (Node.js 24)",
            "npm run lint",
            "true",
            "3.12",
            "echo \"$X\" | docker login --password-stdin",
            "a: b",
            "- x",
            "x #y",
            "*.txt",
            "",
        ] {
            let docs = shipshape_syntax::yaml::parse(&format!("k: {}\n", scalar(s))).expect("YAML");
            let value = docs[0].get("k").expect("key");
            assert_eq!(value.as_str().unwrap_or(""), s, "{}", scalar(s));
            assert!(
                value.as_scalar().is_some_and(|v| v.quoted)
                    || value.to_json() == serde_json::json!(s)
            );
        }
    }
}
