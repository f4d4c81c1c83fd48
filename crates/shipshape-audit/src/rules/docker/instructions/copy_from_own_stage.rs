//! ## What it does
//! Flags a `COPY --from=…` (or `RUN --mount=…,from=…`) that names the stage it is in, by name or
//! by index.
//!
//! ## Why is this bad?
//! A stage cannot read from itself while it is being built: Docker fails with a circular
//! dependency. Usually the wrong stage name was pasted, or the `FROM … AS` line above was renamed.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22 AS build
//! COPY --from=build /app/dist /srv
//! ```
//!
//! Use instead:
//! ```dockerfile
//! FROM node:22 AS build
//! RUN npm run build
//! FROM nginx:1.27
//! COPY --from=build /app/dist /usr/share/nginx/html
//! ```
//!
//! ## Fix
//! Copy from an earlier stage, or use the files of this stage directly.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;
use shipshape_syntax::Span;

use super::util::{from_target, mount_froms, FromTarget};
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct CopyFromOwnStage;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-008",
    slug: "copy-from-own-stage",
    domain: Domain::Dockerfile,
    severity: Severity::Error,
    title: "COPY --from refers to its own stage",
    equivalents: &["hadolint:DL3023", "trivy:DS-0006"],
};

impl DockerfileRule for CopyFromOwnStage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let ast = doc.ast;
        let stages = ast.stages();
        for (index, instr) in ast.instructions.iter().enumerate() {
            let Some(own) = ast.stage_of(index) else {
                continue;
            };
            let refs: Vec<(String, Span)> = match instr.keyword {
                Keyword::Copy => instr
                    .flag("from")
                    .and_then(|f| Some((f.value.clone()?, f.value_span.unwrap_or(f.span))))
                    .into_iter()
                    .collect(),
                Keyword::Run => mount_froms(instr, doc.source),
                _ => continue,
            };
            for (value, span) in refs {
                if from_target(ast, &stages, index, &value) == FromTarget::Stage(own) {
                    let named = if value.bytes().all(|b| b.is_ascii_digit()) {
                        format!("stage index `{value}`")
                    } else {
                        format!("`{value}`")
                    };
                    out.push(Diagnostic::new(
                        span,
                        format!("{named} is the stage this instruction is in: a stage cannot copy from itself"),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::flagged;
    use super::*;

    #[test]
    fn flags_self_references_by_name_and_index() {
        let src = "FROM a:1 AS build\nCOPY --from=BUILD /x /x\nFROM b:1\nCOPY --from=1 /x /x\nCOPY --from=build /x /x\n";
        assert_eq!(flagged(&CopyFromOwnStage, src), ["BUILD", "1"]);
    }
}
