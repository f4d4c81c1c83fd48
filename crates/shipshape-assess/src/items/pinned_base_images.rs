//! Pinned base images: decided by the audit rules on image references — a Dockerfile `FROM`
//! without a tag or with `latest`, and a compose `image:` without a tag or with `latest`.
//! Stages, `scratch`, variables and digests are the rules' business, not re-judged here.

use shipshape_core::ArtifactKind;

use crate::input::{Input, RuleFindings, PARSE_ERROR};
use crate::item::{ItemDef, ItemEvidence, Outcome};

pub static ITEM: ItemDef = ItemDef {
    id: "pinned-base-images",
    title: "Pinned base images",
    impact: 2,
    effort: 1,
    fix: "Pin every FROM and compose `image:` to an explicit version tag (and ideally a digest): `FROM node:22.11-slim@sha256:…`, never `latest`.",
    generator: None,
    rules: &["SS-DOCKER-003", "SS-DOCKER-004", "SS-COMPOSE-011", PARSE_ERROR],
    facts: &["containers.dockerfiles", "containers.compose_files"],
    run,
};

fn run(input: &Input, found: &RuleFindings) -> Outcome {
    let c = &input.facts.containers;
    if c.dockerfiles.is_empty() && c.compose_files.is_empty() {
        return Outcome::not_applicable("no Dockerfiles or compose files");
    }
    let unpinned: Vec<_> = found.problems().collect();
    if !unpinned.is_empty() {
        return Outcome::fail(format!(
            "{} image reference(s) untagged or `latest`",
            unpinned.len()
        ))
        .with(unpinned);
    }
    let mut what = Vec::new();
    if !c.dockerfiles.is_empty() {
        what.push(format!("{} Dockerfile(s)", c.dockerfiles.len()));
    }
    if !c.compose_files.is_empty() {
        what.push(format!("{} compose file(s)", c.compose_files.len()));
    }
    let what = what.join(" and ");
    let unparsed: Vec<ItemEvidence> = [ArtifactKind::Dockerfile, ArtifactKind::Compose]
        .into_iter()
        .flat_map(|k| found.unparsed(input, k))
        .collect();
    if !unparsed.is_empty() {
        return Outcome::partial(format!(
            "no unpinned image in {what}, but {} file(s) could not be parsed",
            unparsed.len()
        ))
        .with(unparsed);
    }
    Outcome::pass(format!(
        "every image in {what} carries a version tag or digest"
    ))
}

#[cfg(test)]
mod tests {
    use crate::items::testing::{assessed, Repo};

    #[test]
    fn a_latest_base_image_fails_at_its_from_line() {
        let repo = Repo::new().file(
            "api/Dockerfile",
            "FROM python:3.13-slim AS build\nRUN pip wheel .\nFROM python:latest\nUSER 10001\n",
        );
        let item = assessed(&repo, "pinned-base-images");
        assert_eq!(item.status.label(), "fail");
        let e = &item.evidence[0];
        assert_eq!((e.path.as_str(), e.line), ("api/Dockerfile", Some(3)));
        assert_eq!(e.rule.as_deref(), Some("SS-DOCKER-004"));
    }

    #[test]
    fn stages_scratch_and_digests_are_not_unpinned_images() {
        let repo = Repo::new().file(
            "Dockerfile",
            "FROM golang:1.23 AS build\nFROM build AS test\nFROM scratch\nCOPY --from=build /app /app\n",
        );
        assert_eq!(assessed(&repo, "pinned-base-images").status.label(), "pass");
    }

    #[test]
    fn an_untagged_compose_image_fails() {
        let repo = Repo::new().file("compose.yaml", "services:\n  cache:\n    image: redis\n");
        let item = assessed(&repo, "pinned-base-images");
        assert_eq!(item.status.label(), "fail");
        assert_eq!(item.evidence[0].rule.as_deref(), Some("SS-COMPOSE-011"));
    }
}
