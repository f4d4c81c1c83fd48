//! ## What it does
//! Flags a `COPY` or `ADD` to a relative destination (`COPY . .`, `COPY app.py src/`) in a stage
//! where no `WORKDIR` has been set yet, neither in the stage nor in a local stage it builds on.
//! Destinations from variables are resolved; one that stays unknown passes.
//!
//! ## Why is this bad?
//! A relative destination is relative to the working directory, which is then whatever the base
//! image chose: `/` for most images, something else for a few. The files land in the image root
//! next to `/etc` and `/bin`, or move when the base image changes, and the `RUN` and `CMD` that
//! follow look for them elsewhere.
//!
//! ## Example
//! ```dockerfile
//! FROM python:3.13-slim
//! COPY . .
//! ```
//!
//! Use instead:
//! ```dockerfile
//! FROM python:3.13-slim
//! WORKDIR /app
//! COPY . .
//! ```
//!
//! ## Fix
//! Set `WORKDIR /app` (or another absolute path) before the copy, or copy to an absolute path.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use super::util::{copy_parts, is_absolute, is_copy_or_add, lineage};
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct CopyRelativeWithoutWorkdir;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-019",
    slug: "copy-relative-without-workdir",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "COPY to a relative destination without WORKDIR",
    equivalents: &["hadolint:DL3045"],
};

impl DockerfileRule for CopyRelativeWithoutWorkdir {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let ast = doc.ast;
        let stages = ast.stages();
        for stage in &stages {
            let chain = lineage(ast, &stages, stage.index);
            let inherited = chain[..chain.len() - 1].iter().any(|&p| {
                stages.get(p).is_some_and(|s| {
                    ast.instructions[s.instructions.clone()]
                        .iter()
                        .any(|i| i.keyword == Keyword::Workdir)
                })
            });
            // `scratch` has no working directory but `/`: relative is absolute there.
            let root_image = chain
                .first()
                .and_then(|&r| stages.get(r))
                .map(|s| ast.resolve_arg(&s.image.value, None));
            let from_scratch = root_image.is_some_and(|i| i.eq_ignore_ascii_case("scratch"));
            let mut workdir = inherited || from_scratch;
            for index in stage.instructions.clone() {
                let Some(instr) = ast.instructions.get(index) else {
                    continue;
                };
                if instr.keyword == Keyword::Workdir {
                    workdir = true;
                }
                if workdir || !is_copy_or_add(instr) {
                    continue;
                }
                let Some((_, dest)) = copy_parts(instr) else {
                    continue;
                };
                let resolved = ast.resolve_arg(&dest.value, Some(stage.index));
                if resolved.contains('$') || is_absolute(&resolved) {
                    continue;
                }
                out.push(Diagnostic::new(
                    dest.span,
                    format!(
                        "`{}` is relative but no WORKDIR is set in this stage: the files land in the base image's working directory, usually `/`",
                        dest.value
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
    fn scratch_stages_have_no_working_directory_but_the_root() {
        let src = "FROM a:1 AS build\nRUN make\nFROM scratch AS out\nCOPY --from=build /x amd64\nFROM out\nCOPY y arm64\n";
        assert!(flagged(&CopyRelativeWithoutWorkdir, src).is_empty());
    }

    #[test]
    fn flags_relative_destinations_before_any_workdir() {
        let src = "FROM a:1 AS base\nCOPY . .\nCOPY x /abs/\nWORKDIR /app\nCOPY y ./\nFROM base\nCOPY z z\nFROM b:1\nARG D=rel\nCOPY w $D\n";
        assert_eq!(flagged(&CopyRelativeWithoutWorkdir, src), [".", "$D"]);
    }
}
