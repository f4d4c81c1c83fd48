//! Containers run as a non-root user: each Dockerfile is decided by the audit rules on its final
//! stage (`USER root` last, or no `USER` at all — both follow the stages the final one builds on
//! and know base images that run unprivileged), each Kubernetes workload by `runAsNonRoot` in its
//! pod or container security context.

use serde_json::Value;
use shipshape_core::{ArtifactKind, Evidence};

use crate::artifacts::k8s_objects;
use crate::input::{Input, RuleFindings, PARSE_ERROR};
use crate::item::{ItemDef, ItemEvidence, Outcome, Status};

pub static ITEM: ItemDef = ItemDef {
    id: "non-root-containers",
    title: "Containers run as a non-root user",
    impact: 3,
    effort: 1,
    fix: "Add a numeric non-root `USER 10001` to the final stage of each Dockerfile and `runAsNonRoot: true` to pod security contexts.",
    generator: Some("docker"),
    rules: &["SS-DOCKER-002", "SS-DOCKER-080", PARSE_ERROR],
    facts: &[
        "services",
        "containers.dockerfiles",
        "kubernetes: securityContext.runAsNonRoot",
    ],
    run,
};

fn run(input: &Input, found: &RuleFindings) -> Outcome {
    let facts = input.facts;
    let files = &facts.containers.dockerfiles;
    let unparsed = found.unparsed(input, ArtifactKind::Dockerfile);
    let mut good = 0;
    let mut total = 0;
    let mut evidence: Vec<ItemEvidence> = Vec::new();
    for d in files {
        total += 1;
        let root: Vec<_> = found.in_file(&d.path).collect();
        if !root.is_empty() {
            evidence.extend(root.into_iter().map(ItemEvidence::from));
        } else if let Some(e) = unparsed.iter().find(|e| e.path == d.path) {
            evidence.push(e.clone());
        } else {
            good += 1;
            match &d.final_user {
                Some(u) => evidence.extend(u.evidence.iter().map(ItemEvidence::from)),
                None => evidence
                    .push(Evidence::file(&d.path, "the base image runs as a non-root user").into()),
            }
        }
    }

    for obj in k8s_objects(input) {
        if !obj.is_workload() {
            continue;
        }
        total += 1;
        let pod = obj
            .value
            .pointer("/spec/template/spec/securityContext/runAsNonRoot")
            .and_then(Value::as_bool)
            == Some(true);
        let containers = obj.containers();
        let all_containers = !containers.is_empty()
            && containers.iter().all(|c| {
                c.pointer("/securityContext/runAsNonRoot")
                    .and_then(Value::as_bool)
                    == Some(true)
            });
        if pod || all_containers {
            good += 1;
            evidence.push(obj.evidence("runAsNonRoot", "runAsNonRoot: true").into());
        } else {
            evidence.push(
                Evidence::file(&obj.path, format!("{} without runAsNonRoot", obj.kind())).into(),
            );
        }
    }

    if total == 0 {
        return if facts.services.is_empty() {
            Outcome::not_applicable("no container definitions")
        } else {
            Outcome::fail("no container definitions yet, so nothing ensures a non-root user")
                .generated()
        };
    }
    Outcome::new(
        Status::share(good, total),
        format!("{good} of {total} images/workloads run as non-root"),
    )
    .with(evidence)
}

#[cfg(test)]
mod tests {
    use crate::items::testing::{assessed, Repo};

    #[test]
    fn a_dockerfile_that_switches_back_to_root_in_a_base_stage_fails_with_the_rule_as_evidence() {
        let repo = Repo::new().file(
            "Dockerfile",
            "FROM node:22 AS base\nUSER root\nFROM base\nCMD [\"node\"]\n",
        );
        let item = assessed(&repo, "non-root-containers");
        assert_eq!(item.status.label(), "fail");
        let e = &item.evidence[0];
        assert_eq!((e.path.as_str(), e.line), ("Dockerfile", Some(2)));
        assert_eq!(e.rule.as_deref(), Some("SS-DOCKER-002"));
    }

    #[test]
    fn a_distroless_nonroot_base_without_user_passes() {
        let repo = Repo::new().file(
            "Dockerfile",
            "FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /app /app\nCMD [\"/app\"]\n",
        );
        let item = assessed(&repo, "non-root-containers");
        assert_eq!(item.status.label(), "pass", "{item:?}");
    }

    #[test]
    fn a_dockerfile_without_user_fails_and_one_with_a_user_passes() {
        let repo = Repo::new()
            .file(
                "a/Dockerfile",
                "FROM python:3.13-slim\nCMD [\"gunicorn\", \"app:app\"]\n",
            )
            .file(
                "b/Dockerfile",
                "FROM python:3.13-slim\nUSER 10001\nCMD [\"gunicorn\", \"app:app\"]\n",
            );
        let item = assessed(&repo, "non-root-containers");
        assert_eq!(item.status.label(), "partial");
        assert_eq!(item.summary, "1 of 2 images/workloads run as non-root");
        assert!(item
            .evidence
            .iter()
            .any(|e| e.path == "a/Dockerfile" && e.rule.as_deref() == Some("SS-DOCKER-080")));
    }
}
