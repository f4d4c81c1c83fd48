//! ## What it does
//! Flags a `FROM` image without a tag or digest (`FROM python`). `scratch` and earlier stages
//! (`FROM builder`) are not images and pass. Variables are resolved from the global `ARG`
//! defaults first, so `ARG BASE=python` + `FROM $BASE` is flagged too; an `ARG` without default
//! (set by `--build-arg`) cannot be judged and passes.
//!
//! ## Why is this bad?
//! An image without a tag means `:latest`: whatever the publisher pushed last. The same
//! Dockerfile builds a different image next week, a major-version jump arrives unannounced, and
//! a broken build cannot be reproduced to find out what changed.
//!
//! ## Example
//! ```dockerfile
//! FROM node
//! ```
//!
//! Use instead:
//! ```dockerfile
//! FROM node:22.11-alpine3.20
//! ```
//!
//! ## Fix
//! Add an explicit version tag, ideally with a digest (`node:22.11-alpine3.20@sha256:…`) that a
//! bot such as Renovate or Dependabot keeps current.

use shipshape_core::Severity;

use super::util::{image_ref, pulled_images};
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct UntaggedBaseImage;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-003",
    slug: "untagged-base-image",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "Base image has no tag",
    equivalents: &["hadolint:DL3006", "checkov:CKV_DOCKER_7", "trivy:DS-0001"],
};

impl DockerfileRule for UntaggedBaseImage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let stages = doc.ast.stages();
        for image in pulled_images(doc.ast, &stages, doc.repo) {
            let parts = image_ref(&image.resolved);
            if parts.tag.is_none() && parts.digest.is_none() {
                out.push(Diagnostic::new(
                    image.word.span,
                    format!(
                        "base image {} has no tag, so it means `:latest`; pin a version",
                        image.shown()
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::flagged;
    use super::*;

    #[test]
    fn flags_untagged_images_but_not_stages_scratch_or_digests() {
        let src = "FROM golang AS build\nFROM build\nFROM scratch\nFROM alpine@sha256:abc\nFROM localhost:5000/app\n";
        assert_eq!(
            flagged(&UntaggedBaseImage, src),
            ["golang", "localhost:5000/app"]
        );
    }

    #[test]
    fn resolves_global_arg_defaults() {
        let src = "ARG BASE=python\nARG PINNED=python:3.13\nARG FREE\nFROM $BASE\nFROM ${PINNED}\nFROM $FREE\n";
        assert_eq!(flagged(&UntaggedBaseImage, src), ["$BASE"]);
    }
}
