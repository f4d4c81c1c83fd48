//! SS-DOCKER-081 `user-not-numeric`: the image's user is a name, which Kubernetes cannot check.
//!
//! ## What it does
//! Flags the `USER` in effect for the image (the last one of the final stage, or of the stage it
//! builds on) when its user part is a name such as `app` instead of a numeric UID. `USER root`
//! is left to the rule about root users.
//!
//! ## Why is this bad?
//! Kubernetes' `runAsNonRoot: true` is checked by the kubelet against the image's user before the
//! container starts. A name cannot be checked without reading the image's `/etc/passwd`, so the
//! kubelet refuses to start the pod ("image has non-numeric user … cannot verify user is
//! non-root") unless `runAsUser` is also set. A numeric UID also keeps working in images that
//! have no passwd entry for it (distroless, scratch).
//!
//! ## Example
//! ```dockerfile
//! FROM python:3.13-slim
//! RUN useradd --create-home app
//! USER app
//! ```
//!
//! Use instead:
//! ```dockerfile
//! FROM python:3.13-slim
//! RUN useradd --create-home --uid 10001 app
//! USER 10001:10001
//! ```
//!
//! ## Fix
//! Give the user a fixed UID when creating it and write `USER 10001` or `USER 10001:10001`.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;
use shipshape_syntax::Span;

use super::util::{effective, final_lineage};
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct UserNotNumeric;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-081",
    slug: "user-not-numeric",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "The image's USER is a name, not a numeric UID",
    equivalents: &["hadolint:DL3066"],
};

impl DockerfileRule for UserNotNumeric {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let ast = doc.ast;
        let lineage = final_lineage(ast);
        let Some(index) = effective(ast, &lineage, Keyword::User) else {
            return;
        };
        let Some(word) = ast.instructions.get(index).and_then(|i| i.words().first()) else {
            return;
        };
        let resolved = ast.resolve_arg(&word.value, ast.stage_of(index));
        let user = resolved.split(':').next().unwrap_or("");
        // An unresolved variable may well hold a UID; root is another rule's finding.
        if user.is_empty()
            || user.contains('$')
            || user == "root"
            || user.bytes().all(|b| b.is_ascii_digit())
        {
            return;
        }
        out.push(Diagnostic::new(
            user_part_span(doc.source, word.span),
            format!(
                "the image's user `{user}` is a name: Kubernetes cannot verify `runAsNonRoot` for it — \
                 use a numeric UID such as `USER 10001:10001`"
            ),
        ));
    }
}

/// The span of the user part of a `user[:group]` word, when it is written plainly; otherwise the
/// whole word.
fn user_part_span(source: &str, word: Span) -> Span {
    let raw = word.text(source);
    if raw.starts_with(['"', '\'']) || raw.contains('\\') {
        return word;
    }
    match raw.find(':') {
        Some(colon) => Span::new(word.start, word.start + colon),
        None => word,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::docker::own::util::testing::{check, flagged};

    #[test]
    fn follows_the_user_of_the_parent_stage() {
        let src = "FROM a AS base\nUSER app\nFROM base\nCMD x\n";
        assert_eq!(flagged(&UserNotNumeric, src), ["app"]);
    }

    #[test]
    fn numeric_root_and_unknown_users_pass() {
        for user in ["10001", "10001:app", "root", "$UNKNOWN"] {
            let src = format!("FROM a\nUSER {user}\n");
            assert!(check(&UserNotNumeric, &src).is_empty(), "{user}");
        }
    }
}
