//! SS-DOCKER-080 `missing-user`: the image never switches away from root.
//!
//! ## What it does
//! Flags a Dockerfile whose final stage has no `USER` instruction, neither in the stage itself
//! nor in an earlier stage of the same file it builds on (`FROM base AS app`). A final stage
//! built on an image whose tag says it runs unprivileged (distroless `:nonroot`,
//! `:debug-nonroot`, a `rootless` tag) counts as having a user. An explicit `USER root` is
//! reported by `no-root-user`.
//!
//! ## Why is this bad?
//! Without `USER`, the container's main process runs as uid 0 — the default of nearly every base
//! image. A bug in the application then runs with root's rights inside the container, can write
//! anywhere in its filesystem and is one kernel or runtime flaw away from root on the host.
//! Orchestrators that enforce `runAsNonRoot` refuse to start such an image at all.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-slim
//! WORKDIR /app
//! COPY . .
//! CMD ["node", "server.js"]
//! ```
//!
//! Use instead:
//! ```dockerfile
//! FROM node:22-slim
//! WORKDIR /app
//! COPY --chown=10001:10001 . .
//! USER 10001:10001
//! CMD ["node", "server.js"]
//! ```
//!
//! ## Fix
//! Create or pick an unprivileged user and add `USER <uid>:<gid>` to the final stage, after the
//! steps that need root (package installs). A numeric ID works even where `/etc/passwd` has no
//! entry for it.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use super::util::{effective, final_lineage};
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct MissingUser;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-080",
    slug: "missing-user",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "The final stage never sets USER, so the container runs as root",
    equivalents: &[
        "checkov:CKV_DOCKER_3",
        "trivy:DS-0002",
        "kics:Missing User Instruction",
    ],
};

/// Whether a base image says in its tag that it runs unprivileged (distroless `:nonroot`,
/// `:debug-nonroot`, `…-rootless`).
fn base_sets_non_root(image: &str) -> bool {
    let name = image.split('@').next().unwrap_or(image);
    let last_segment = name.rsplit('/').next().unwrap_or(name);
    let tag = last_segment.split_once(':').map_or("", |(_, tag)| tag);
    tag.split(['-', '_', '.'])
        .any(|part| part == "nonroot" || part == "rootless")
}

impl DockerfileRule for MissingUser {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let ast = doc.ast;
        let lineage = final_lineage(ast);
        let (Some(last), Some(root)) = (lineage.first(), lineage.last()) else {
            return;
        };
        if effective(ast, &lineage, Keyword::User).is_some() {
            return;
        }
        let base = ast.resolve_arg(&root.image.value, None);
        if base_sets_non_root(&base) {
            return;
        }
        let message = if base.eq_ignore_ascii_case("scratch") {
            "the final stage never sets USER: a `scratch` image runs its process as uid 0"
                .to_string()
        } else {
            format!(
                "the final stage never sets USER, so the container runs as the default user of `{}` \
                 — root for almost every image",
                root.image.value
            )
        };
        out.push(Diagnostic::new(last.image.span, message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::docker::own::util::testing::check;

    #[test]
    fn recognises_images_tagged_nonroot() {
        assert!(base_sets_non_root(
            "gcr.io/distroless/static-debian12:nonroot"
        ));
        assert!(base_sets_non_root("gcr.io/distroless/base:debug-nonroot"));
        assert!(!base_sets_non_root("gcr.io/distroless/static-debian12"));
        assert!(!base_sets_non_root("registry:5000/nonroot"));
        assert!(!base_sets_non_root("node:22"));
    }

    #[test]
    fn passes_nonroot_bases_and_flags_scratch() {
        assert!(check(
            &MissingUser,
            "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /\n"
        )
        .is_empty());
        assert_eq!(check(&MissingUser, "FROM scratch\nCOPY app /\n").len(), 1);
        assert!(check(&MissingUser, "FROM node:22\nUSER node\n").is_empty());
    }
}
