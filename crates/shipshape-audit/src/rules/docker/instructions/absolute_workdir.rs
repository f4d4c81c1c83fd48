//! ## What it does
//! Flags a `WORKDIR` whose path is relative (`WORKDIR app`, `WORKDIR ./src`, `WORKDIR ~/app`).
//! Paths that start with `/`, a Windows drive (`C:\`), or a variable (`$APP_HOME`, whose value
//! is decided elsewhere) pass, as in hadolint.
//!
//! ## Why is this bad?
//! A relative `WORKDIR` is resolved against the previous one, which may have been set many lines
//! earlier, in a parent stage, or by the base image. Moving one instruction, or changing the base
//! image, silently changes where files land and commands run. Docker does not expand `~` either:
//! `WORKDIR ~/app` creates a directory literally named `~`.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-alpine
//! WORKDIR app
//! ```
//!
//! Use instead:
//! ```dockerfile
//! FROM node:22-alpine
//! WORKDIR /app
//! ```
//!
//! ## Fix
//! Write the full path from `/`.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use super::util::{is_absolute, with_triggers};
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct AbsoluteWorkdir;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-001",
    slug: "absolute-workdir",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "WORKDIR path is relative",
    equivalents: &[
        "hadolint:DL3000",
        "checkov:CKV_DOCKER_10",
        "trivy:DS-0009",
        "buildkit:WorkdirRelativePath",
    ],
};

impl DockerfileRule for AbsoluteWorkdir {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for instr in with_triggers(doc.ast).filter(|i| i.keyword == Keyword::Workdir) {
            let Some(path) = instr.words().first() else {
                continue;
            };
            if path.value.starts_with('$') || is_absolute(&path.value) {
                continue;
            }
            out.push(Diagnostic::new(
                path.span,
                format!(
                    "`WORKDIR {}` is relative: it resolves against the previous WORKDIR; write the full path from `/`",
                    path.value
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
    fn flags_relative_and_tilde_paths_only() {
        let src = "FROM alpine:3.20\nWORKDIR app\nWORKDIR ~/x\nWORKDIR /srv\nWORKDIR \"/quoted\"\nWORKDIR $HOME/app\nWORKDIR C:\\\\app\nONBUILD WORKDIR src\n";
        assert_eq!(flagged(&AbsoluteWorkdir, src), ["app", "~/x", "src"]);
    }
}
