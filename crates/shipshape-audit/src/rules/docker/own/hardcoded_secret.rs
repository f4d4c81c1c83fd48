//! SS-DOCKER-082 `hardcoded-secret`: a literal secret in `ENV` or `ARG`.
//!
//! ## What it does
//! Flags `ENV` and `ARG` pairs whose value is a literal secret: either the variable is named like
//! a credential (`…PASSWORD`, `…SECRET`, `…TOKEN`, `…API_KEY`, `…PRIVATE_KEY`, `…ACCESS_KEY`,
//! `…CREDENTIALS`) and its value is neither a `$VAR` reference nor a placeholder such as
//! `changeme`, or the value itself has the shape of a well-known credential (`AKIA…`, `ghp_…`,
//! `sk-…`, `xox…`, a PEM private key, a URL with a password) whatever the variable is called.
//! The value is masked in every output shipshape produces.
//!
//! ## Why is this bad?
//! The Dockerfile is committed, so the secret is in the repository's history for good. An `ENV`
//! value is also stored in the image configuration (`docker inspect` shows it to anyone who can
//! pull the image), and an `ARG` default is recorded in the build's history and provenance.
//! Rotating the credential is then the only fix.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-slim
//! ENV NPM_TOKEN=npm_4f8a…
//! RUN npm ci
//! ```
//!
//! Use instead:
//! ```dockerfile
//! # syntax=docker/dockerfile:1
//! FROM node:22-slim
//! RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci
//! ```
//! built with `docker build --secret id=npm_token,env=NPM_TOKEN .`
//!
//! ## Fix
//! Remove the value from the Dockerfile and rotate the credential. Pass build-time secrets with
//! `RUN --mount=type=secret` and runtime secrets through the orchestrator's secret store.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::{KeyValue, Keyword};

use super::util::{
    has_reference, instructions_and_triggers, is_placeholder, is_secret_name, token_shape,
    url_password,
};
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct HardcodedSecret;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-082",
    slug: "hardcoded-secret",
    domain: Domain::Dockerfile,
    severity: Severity::Error,
    title: "A literal secret is set in ENV or ARG",
    equivalents: &[
        "hadolint:DL3064",
        "trivy:DS-0031",
        "buildkit:SecretsUsedInArgOrEnv",
        "kics:Beta - ENV Instruction Contains Secret",
    ],
};

/// Why a pair holds a literal secret, if it does.
pub(crate) fn literal_secret(kv: &KeyValue) -> Option<String> {
    let value = kv.value.as_deref()?;
    if url_password(value).is_some() {
        return Some("the value is a URL with a literal password".to_string());
    }
    if !is_placeholder(value) {
        if let Some(what) = token_shape(value) {
            return Some(format!("the value looks like {what}"));
        }
    }
    if is_secret_name(&kv.key) && !has_reference(value) && !is_placeholder(value) {
        return Some("the name says it holds a credential and the value is a literal".to_string());
    }
    None
}

impl DockerfileRule for HardcodedSecret {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, inst) in instructions_and_triggers(doc.ast) {
            let kind = match inst.keyword {
                Keyword::Env => {
                    "ENV stores it in the image configuration for anyone who can pull the image"
                }
                Keyword::Arg => "an ARG default is recorded in the build history and provenance",
                _ => continue,
            };
            let pairs = inst.key_values();
            let flagged: Vec<(&KeyValue, String)> = pairs
                .iter()
                .filter_map(|kv| literal_secret(kv).map(|why| (kv, why)))
                .collect();
            // Every secret of the instruction is masked in each finding, since they share lines;
            // the pair's own value first (it is the finding's secret).
            for (kv, why) in &flagged {
                let mut secrets: Vec<_> = kv.value_span.into_iter().collect();
                secrets.extend(
                    flagged
                        .iter()
                        .filter(|(o, _)| !std::ptr::eq(*o, *kv))
                        .filter_map(|(o, _)| o.value_span),
                );
                let mut d = Diagnostic::new(
                    kv.key_span,
                    format!(
                        "`{}` holds a hardcoded secret ({why}): it is committed with the Dockerfile and \
                         {kind} — use `RUN --mount=type=secret` instead",
                        kv.key
                    ),
                );
                for s in &secrets {
                    d = d.redacting_value(doc.source, *s);
                }
                out.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::docker::own::util::testing::{check, flagged};

    #[test]
    fn onbuild_env_is_an_env_of_every_child_image() {
        let src = "FROM a\nONBUILD ENV API_TOKEN=tok-0123456789abcdef\n";
        assert_eq!(flagged(&HardcodedSecret, src), ["API_TOKEN"]);
    }

    #[test]
    fn masks_every_secret_of_the_instruction_in_each_finding() {
        let src = "FROM a\nENV DB_PASSWORD=hunter2-prod API_TOKEN=tok-0123456789 MODE=x\n";
        let found = check(&HardcodedSecret, src);
        assert_eq!(found.len(), 2);
        for (d, own) in found.iter().zip(["hunter2-prod", "tok-0123456789"]) {
            let mut masked: Vec<&str> = d.redact.iter().map(|s| s.text(src)).collect();
            // The finding's own secret comes first.
            assert_eq!(masked[0], own);
            masked.sort();
            assert_eq!(masked, ["hunter2-prod", "tok-0123456789"]);
        }
    }

    #[test]
    fn ignores_references_placeholders_and_descriptions() {
        let src = "FROM a\nENV DB_PASSWORD=$DB_PASSWORD API_KEY=<your-key> PASSWORD_FILE=/run/secrets/pw\nARG TOKEN\n";
        assert!(flagged(&HardcodedSecret, src).is_empty());
    }

    #[test]
    fn reads_the_legacy_form_and_token_shapes_under_any_name() {
        let src = "FROM a\nENV ADMIN_PASSWORD correct horse\nENV CFG=AKIAZ3MHQ7T2LX5RWN4P\n";
        assert_eq!(flagged(&HardcodedSecret, src), ["ADMIN_PASSWORD", "CFG"]);
    }
}
