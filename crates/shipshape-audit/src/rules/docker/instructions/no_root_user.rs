//! ## What it does
//! Flags a final image whose last `USER` is `root` (or UID `0`, with or without a group). The
//! final stage is followed through the local stages it builds on (`FROM base`), so a `USER root`
//! inherited from such a stage counts. Builder stages are not flagged: they are not shipped
//! (hadolint flags every stage).
//!
//! ## Why is this bad?
//! A process running as root inside the container is root on the host's kernel: one container
//! escape or a writable host mount away from owning the node. Switching to root for a few
//! installation steps is fine; forgetting to switch back is what this rule catches.
//!
//! ## Example
//! ```dockerfile
//! FROM python:3.13-slim
//! RUN useradd --create-home app
//! USER root
//! CMD ["python", "-m", "app"]
//! ```
//!
//! Use instead:
//! ```dockerfile
//! FROM python:3.13-slim
//! RUN useradd --create-home app
//! USER app
//! CMD ["python", "-m", "app"]
//! ```
//!
//! ## Fix
//! End the final stage with `USER <non-root user>` (a numeric UID such as `10001` also works with
//! Kubernetes' `runAsNonRoot`).

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use super::util::{chain_instructions, lineage};
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct NoRootUser;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-002",
    slug: "no-root-user",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "The final image runs as root",
    equivalents: &["hadolint:DL3002", "checkov:CKV_DOCKER_8", "trivy:DS-0002"],
};

/// `root`, `0`, `root:group`, `0:0`.
pub(super) fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user);
    name == "root" || name == "0"
}

impl DockerfileRule for NoRootUser {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let ast = doc.ast;
        let stages = ast.stages();
        let Some(last) = stages.last() else { return };
        let chain = lineage(ast, &stages, last.index);
        let last_user = chain_instructions(ast, &stages, &chain)
            .into_iter()
            .rfind(|(_, i)| i.keyword == Keyword::User);
        let Some((index, instr)) = last_user else {
            return;
        };
        let Some(user) = instr.words().first() else {
            return;
        };
        let resolved = ast.resolve_arg(&user.value, ast.stage_of(index));
        if is_root(&resolved) {
            let shown = if resolved == user.value {
                format!("`USER {}`", user.value)
            } else {
                format!("`USER {}` (= `{resolved}`)", user.value)
            };
            out.push(Diagnostic::new(
                user.span,
                format!("{shown} is the last USER of the final image: the container runs as root"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::flagged;
    use super::*;

    #[test]
    fn flags_root_in_final_stage_only() {
        let src = "FROM a:1 AS build\nUSER root\nFROM b:1\nUSER app\nUSER 0:0\n";
        assert_eq!(flagged(&NoRootUser, src), ["0:0"]);
        let src = "FROM a:1 AS build\nUSER root\nFROM b:1\nUSER app\n";
        assert!(flagged(&NoRootUser, src).is_empty());
    }

    #[test]
    fn follows_the_final_stage_to_its_local_base() {
        let src = "FROM a:1 AS base\nUSER root\nFROM base\nRUN true\n";
        assert_eq!(flagged(&NoRootUser, src), ["root"]);
    }

    #[test]
    fn resolves_variables() {
        let src = "FROM a:1\nARG RUNAS=root\nUSER ${RUNAS}\n";
        assert_eq!(flagged(&NoRootUser, src), ["${RUNAS}"]);
        assert!(!is_root("rootless"));
    }
}
