//! SS-DOCKER-095 `base-image-not-pinned-by-digest`: a base image is referenced by a movable tag.
//!
//! ## What it does
//! Flags `FROM` images that are not pinned by digest (`@sha256:…`), after substituting global
//! `ARG`s. `scratch`, earlier stages of the same file (`FROM build`) and images whose name is
//! still an unresolved variable are not reported.
//!
//! ## Why is this bad?
//! A tag such as `node:22-slim` is a pointer the publisher moves with every rebuild. The same
//! Dockerfile then builds different images on different days: a new base can break the build
//! or the application without any change in the repository, and a compromised registry account
//! or tag can slip a malicious base into the next build. A digest names exactly one image.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-slim
//! ```
//!
//! Use instead:
//! ```dockerfile
//! FROM node:22-slim@sha256:<digest>
//! ```
//!
//! ## Fix
//! Append the digest to the tag (`docker buildx imagetools inspect node:22-slim` prints it) and
//! let a dependency bot (Dependabot, Renovate) propose updates, so upgrades are reviewed changes.

use shipshape_core::Severity;

use super::util::is_stage_alias;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct BaseImageNotPinnedByDigest;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-095",
    slug: "base-image-not-pinned-by-digest",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "A base image is not pinned by digest (@sha256:…)",
    equivalents: &[],
};

impl DockerfileRule for BaseImageNotPinnedByDigest {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let ast = doc.ast;
        let stages = ast.stages();
        for stage in &stages {
            let image = ast.resolve_arg(&stage.image.value, None);
            if image.is_empty()
                || image.contains('$')
                || image.eq_ignore_ascii_case("scratch")
                || is_stage_alias(&stages, stage, &image)
                || image.contains('@')
                || doc.repo.builds_image(&image)
            {
                continue;
            }
            out.push(Diagnostic::new(
                stage.image.span,
                format!(
                    "`{image}` is a movable tag: pin the base image by digest (`{image}@sha256:…`) so \
                     every build uses the same image"
                ),
            ));
        }
    }
}
