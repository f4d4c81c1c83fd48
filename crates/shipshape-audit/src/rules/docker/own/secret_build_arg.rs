//! SS-DOCKER-083 `secret-build-arg`: a build argument meant to carry a credential.
//!
//! ## What it does
//! Flags `ARG` declarations inside a build stage whose name says they carry a credential
//! (`NPM_TOKEN`, `GITHUB_TOKEN`, `DB_PASSWORD`, `AWS_SECRET_ACCESS_KEY`, …), even without a
//! default value, and `ENV` instructions that copy a variable into such a name
//! (`ENV NPM_TOKEN=$NPM_TOKEN`), which persists the build-time value in the image.
//! `ONBUILD ARG` and `ONBUILD ENV` count: they run in every image built from this one. Names
//! that describe rather than hold a secret (`…_FILE`, `…_URL`, `…_PATH`) are left alone, and so
//! are literal secret values, which `hardcoded-secret` reports.
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
use super::util::{has_reference, instructions_and_triggers, is_secret_name};
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct SecretBuildArg;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-083",
    slug: "secret-build-arg",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "A build ARG is named like a token or password",
    equivalents: &[
        "hadolint:DL3064",
        "buildkit:SecretsUsedInArgOrEnv",
        "trivy:DS-0031",
    ],
};

impl DockerfileRule for SecretBuildArg {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let ast = doc.ast;
        for (index, inst) in instructions_and_triggers(ast) {
            // A global ARG only feeds `FROM` lines; it reaches a build step only when a stage
            // declares it again, and that declaration is the one reported.
            if ast.stage_of(index).is_none() {
                continue;
            }
            match inst.keyword {
                Keyword::Arg => {
                    for kv in inst.key_values() {
                        if !is_secret_name(&kv.key) || literal_secret(&kv).is_some() {
                            continue;
                        }
                        out.push(Diagnostic::new(
                            kv.key_span,
                            format!(
                                "build argument `{}` looks like a credential: its value ends up in \
                                 the image history and build provenance — use \
                                 `RUN --mount=type=secret` instead",
                                kv.key
                            ),
                        ));
                    }
                }
                // `ENV NPM_TOKEN=$NPM_TOKEN`: the build argument's value is copied into the
                // image's configuration, for anyone who pulls it.
                Keyword::Env => {
                    for kv in inst.key_values() {
                        let Some(value) = kv.value.as_deref() else {
                            continue;
                        };
                        if !is_secret_name(&kv.key) || !has_reference(value) {
                            continue;
                        }
                        out.push(Diagnostic::new(
                            kv.key_span,
                            format!(
                                "`ENV {}` copies a build-time value into the image's environment, \
                                 where anyone who pulls the image reads it — pass it with \
                                 `RUN --mount=type=secret` to the step that needs it",
                                kv.key
                            ),
                        ));
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::docker::own::util::testing::flagged;

    #[test]
    fn secret_named_args_and_envs_that_copy_a_variable() {
        let src = "ARG GLOBAL_TOKEN\nFROM a\nARG NPM_TOKEN\nARG VERSION\nENV X_SECRET=$VERSION PATH=$PATH:/x\n\
                   ONBUILD ARG GITHUB_TOKEN\nONBUILD ENV DB_PASSWORD=${DB_PASS}\nENV API_KEY_FILE=$F\n";
        assert_eq!(
            flagged(&SecretBuildArg, src),
            ["NPM_TOKEN", "X_SECRET", "GITHUB_TOKEN", "DB_PASSWORD"]
        );
    }
}
