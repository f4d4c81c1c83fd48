//! SS-DOCKER-083 `secret-build-arg`: a build argument meant to carry a credential.
//!
//! ## What it does
//! Flags `ARG` declarations inside a build stage whose name says they carry a credential
//! (`NPM_TOKEN`, `GITHUB_TOKEN`, `DB_PASSWORD`, `AWS_SECRET_ACCESS_KEY`, …), even without a
//! default value. Names that describe rather than hold a secret (`…_FILE`, `…_URL`, `…_PATH`)
//! are left alone, and so are arguments with a literal secret value, which `hardcoded-secret`
//! reports.
//!
//! ## Why is this bad?
//! A value passed with `--build-arg` is not secret: it is recorded in the image history of every
//! `RUN` that sees it (`docker history --no-trunc` prints it), in BuildKit's provenance
//! attestations, and in the build cache. Anyone who can pull the image or read the cache can read
//! the credential.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-slim
//! ARG NPM_TOKEN
//! RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
//! ```
//!
//! Use instead:
//! ```dockerfile
//! # syntax=docker/dockerfile:1
//! FROM node:22-slim
//! RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
//! ```
//!
//! ## Fix
//! Replace the `ARG` by a secret mount: `RUN --mount=type=secret,id=NAME[,env=VAR]` and
//! `docker build --secret id=NAME,…`. The secret is then available to that one step and never
//! stored.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use super::hardcoded_secret::literal_secret;
use super::util::is_secret_name;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct SecretBuildArg;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-083",
    slug: "secret-build-arg",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "A build ARG is named like a token or password",
    equivalents: &["buildkit:SecretsUsedInArgOrEnv", "trivy:DS-0031"],
};

impl DockerfileRule for SecretBuildArg {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let ast = doc.ast;
        for (index, inst) in ast.instructions_of(Keyword::Arg) {
            // A global ARG only feeds `FROM` lines; it reaches a build step only when a stage
            // declares it again, and that declaration is the one reported.
            if ast.stage_of(index).is_none() {
                continue;
            }
            for kv in inst.key_values() {
                if !is_secret_name(&kv.key) || literal_secret(&kv).is_some() {
                    continue;
                }
                out.push(Diagnostic::new(
                    kv.key_span,
                    format!(
                        "build argument `{}` looks like a credential: its value ends up in the image \
                         history and build provenance — use `RUN --mount=type=secret` instead",
                        kv.key
                    ),
                ));
            }
        }
    }
}
