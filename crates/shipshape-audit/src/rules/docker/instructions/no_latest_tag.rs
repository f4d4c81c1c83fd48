//! ## What it does
//! Flags a `FROM` image tagged `latest` (`FROM node:latest`), also when the tag comes from a
//! global `ARG` default (`ARG TAG=latest` + `FROM node:$TAG`). An image that is pinned by digest
//! as well (`node:latest@sha256:…`) passes: the digest decides what is pulled.
//!
//! ## Why is this bad?
//! `latest` is not "the newest release", it is whatever was pushed last under that name. Builds
//! stop being reproducible, a new major version can arrive between two CI runs, and nobody can
//! tell which image a running container came from.
//!
//! ## Example
//! ```dockerfile
//! FROM nginx:latest
//! ```
//!
//! Use instead:
//! ```dockerfile
//! FROM nginx:1.27-alpine
//! ```
//!
//! ## Fix
//! Replace `latest` with a version tag, ideally plus a digest kept current by Renovate or
//! Dependabot.

use shipshape_core::Severity;

use super::util::{image_ref, pulled_images, span_in};
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct NoLatestTag;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-004",
    slug: "no-latest-tag",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "Base image uses the `latest` tag",
    equivalents: &["hadolint:DL3007", "checkov:CKV_DOCKER_7", "trivy:DS-0001"],
};

impl DockerfileRule for NoLatestTag {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let stages = doc.ast.stages();
        for image in pulled_images(doc.ast, &stages, doc.repo) {
            let parts = image_ref(&image.resolved);
            let Some(tag) = parts.tag else { continue };
            if parts.digest.is_some() || &image.resolved[tag.clone()] != "latest" {
                continue;
            }
            // Underline the written `latest` when it is there; a tag from a variable is
            // underlined as the whole image word.
            let span = if image.resolved == image.word.value {
                span_in(&image.word, doc.source, tag)
            } else {
                image.word.span
            };
            out.push(Diagnostic::new(
                span,
                format!(
                    "base image {} uses the `latest` tag; pin a version",
                    image.shown()
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::flagged;
    use super::*;

    #[test]
    fn underlines_the_tag() {
        let src = "FROM node:latest AS a\nFROM registry:5000/x:latest\nFROM node:22\nFROM a\n";
        assert_eq!(flagged(&NoLatestTag, src), ["latest", "latest"]);
    }

    #[test]
    fn resolves_tags_from_args_and_accepts_digests() {
        let src = "ARG TAG=latest\nFROM node:${TAG}\nFROM node:latest@sha256:0123\nFROM latest:1\n";
        assert_eq!(flagged(&NoLatestTag, src), ["node:${TAG}"]);
    }
}
