//! Which CI systems the repository is built by, from their configuration files.

use shipshape_core::ArtifactKind;
use shipshape_core::{Evidence, FileEntry, Located};

use super::Found;
use crate::model::CiSystem;

/// How a CI configuration file is recognised.
enum Pattern {
    /// This exact repository-relative path (systems that only read one file at the root).
    Path(&'static str),
    /// A file with this name anywhere (pipelines may live beside each service).
    Name(&'static str),
    /// A file whose name starts with this, anywhere.
    NamePrefix(&'static str),
    /// A YAML file directly in this repository-relative folder.
    YamlIn(&'static str),
}

use Pattern::*;

/// Every CI system's files, with the note their evidence carries.
const CI_FILES: &[(CiSystem, Pattern, &str)] = &[
    // GitHub runs only the workflows at the root's `.github/workflows/`.
    (
        CiSystem::GithubActions,
        YamlIn(".github/workflows"),
        "GitHub Actions workflow",
    ),
    (
        CiSystem::GitlabCi,
        Path(".gitlab-ci.yml"),
        "GitLab CI pipeline",
    ),
    (
        CiSystem::GitlabCi,
        Path(".gitlab-ci.yaml"),
        "GitLab CI pipeline",
    ),
    (
        CiSystem::Circleci,
        Path(".circleci/config.yml"),
        "CircleCI config",
    ),
    (
        CiSystem::Circleci,
        Path(".circleci/config.yaml"),
        "CircleCI config",
    ),
    (CiSystem::Jenkins, Name("Jenkinsfile"), "Jenkins pipeline"),
    (
        CiSystem::Jenkins,
        NamePrefix("Jenkinsfile."),
        "Jenkins pipeline",
    ),
    (
        CiSystem::AzurePipelines,
        Name("azure-pipelines.yml"),
        "Azure Pipelines definition",
    ),
    (
        CiSystem::AzurePipelines,
        Name("azure-pipelines.yaml"),
        "Azure Pipelines definition",
    ),
    (
        CiSystem::AzurePipelines,
        YamlIn(".azure-pipelines"),
        "Azure Pipelines definition",
    ),
    (
        CiSystem::BitbucketPipelines,
        Path("bitbucket-pipelines.yml"),
        "Bitbucket Pipelines",
    ),
    (CiSystem::TravisCi, Path(".travis.yml"), "Travis CI config"),
    (
        CiSystem::Buildkite,
        YamlIn(".buildkite"),
        "Buildkite pipeline",
    ),
    (
        CiSystem::GoogleCloudBuild,
        Name("cloudbuild.yaml"),
        "Cloud Build config",
    ),
    (
        CiSystem::GoogleCloudBuild,
        Name("cloudbuild.yml"),
        "Cloud Build config",
    ),
    (
        CiSystem::GoogleCloudBuild,
        Name("cloudbuild.json"),
        "Cloud Build config",
    ),
    (
        CiSystem::AwsCodebuild,
        NamePrefix("buildspec"),
        "CodeBuild buildspec",
    ),
    (CiSystem::Drone, Path(".drone.yml"), "Drone pipeline"),
    (
        CiSystem::Woodpecker,
        Path(".woodpecker.yml"),
        "Woodpecker pipeline",
    ),
    (
        CiSystem::Woodpecker,
        Path(".woodpecker.yaml"),
        "Woodpecker pipeline",
    ),
    (
        CiSystem::Woodpecker,
        YamlIn(".woodpecker"),
        "Woodpecker pipeline",
    ),
];

fn is_yaml(name: &str) -> bool {
    name.ends_with(".yml") || name.ends_with(".yaml")
}

fn matches(pattern: &Pattern, f: &FileEntry) -> bool {
    let name = f.name();
    match pattern {
        Path(p) => f.path == *p,
        Name(n) => name == *n,
        // `buildspec` files are YAML; Jenkinsfile variants are Groovy of any suffix.
        NamePrefix(p) if *p == "buildspec" => name.starts_with(p) && is_yaml(name),
        NamePrefix(p) => name.starts_with(p),
        YamlIn(dir) => f.dir() == *dir && is_yaml(name),
    }
}

/// The CI system a file configures, if any.
pub(crate) fn system_of(f: &FileEntry) -> Option<(CiSystem, &'static str)> {
    CI_FILES
        .iter()
        .find(|(_, p, _)| matches(p, f))
        .map(|(s, _, note)| (*s, *note))
}

pub(crate) fn detect(files: &[&FileEntry]) -> Vec<Located<CiSystem>> {
    let mut found = Found::default();
    // The inventory already told CI files apart; only they are matched against the table.
    let ci_kinds = |f: &&&FileEntry| {
        matches!(
            f.kind,
            ArtifactKind::GithubWorkflow | ArtifactKind::GitlabCi | ArtifactKind::CiConfig
        )
    };
    for f in files.iter().filter(ci_kinds) {
        if let Some((system, note)) = system_of(f) {
            // The file's presence is the fact: the whole file is the evidence.
            found.add(
                system,
                Evidence::file(&f.path, format!("{} ({note})", f.path)),
            );
        }
    }
    found.into_located()
}

#[cfg(test)]
mod tests {
    use crate::model::CiSystem;
    use crate::repo::testing::facts;

    fn ci_of(path: &str) -> Vec<CiSystem> {
        facts(&[(path, "x: 1\n")])
            .ci
            .into_iter()
            .map(|l| l.value)
            .collect()
    }

    #[test]
    fn recognises_each_ci_system_by_its_file() {
        let cases = [
            (".github/workflows/ci.yml", CiSystem::GithubActions),
            (".gitlab-ci.yml", CiSystem::GitlabCi),
            (".circleci/config.yml", CiSystem::Circleci),
            ("Jenkinsfile", CiSystem::Jenkins),
            ("ci/Jenkinsfile.release", CiSystem::Jenkins),
            ("azure-pipelines.yml", CiSystem::AzurePipelines),
            ("bitbucket-pipelines.yml", CiSystem::BitbucketPipelines),
            (".travis.yml", CiSystem::TravisCi),
            (".buildkite/pipeline.yml", CiSystem::Buildkite),
            ("cloudbuild.yaml", CiSystem::GoogleCloudBuild),
            ("buildspec.yml", CiSystem::AwsCodebuild),
            (".drone.yml", CiSystem::Drone),
            (".woodpecker/build.yaml", CiSystem::Woodpecker),
            (".woodpecker.yml", CiSystem::Woodpecker),
        ];
        for (path, system) in cases {
            assert_eq!(ci_of(path), [system], "{path}");
        }
    }

    #[test]
    fn nested_workflow_folders_and_fixtures_are_not_ci() {
        assert!(ci_of("sub/.github/workflows/ci.yml").is_empty());
        assert!(ci_of("tests/fixtures/app/.gitlab-ci.yml").is_empty());
        assert!(ci_of(".github/workflows/README.md").is_empty());
    }

    #[test]
    fn every_workflow_is_evidence_for_github_actions() {
        let f = facts(&[
            (".github/workflows/ci.yml", "on: push\n"),
            (".github/workflows/deploy.yml", "on: push\n"),
        ]);
        assert_eq!(f.ci.len(), 1);
        let paths: Vec<&str> = f.ci[0].evidence.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [".github/workflows/ci.yml", ".github/workflows/deploy.yml"]
        );
        assert_eq!(f.ci[0].evidence[0].line, None);
    }
}
