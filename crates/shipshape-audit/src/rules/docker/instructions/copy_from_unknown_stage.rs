//! ## What it does
//! Flags a `COPY --from=…` (or `RUN --mount=…,from=…`) that names no stage of the Dockerfile: a
//! misspelt stage name, or an index past the last stage. A value that is recognisably an image
//! (`--from=nginx:1.27`, `--from=ghcr.io/org/tool`) is pulled from a registry and passes; so does
//! a value only known at build time (`--from=$BUILDER` without a default). A bare name that is no
//! stage is flagged even if an image of that name exists: write it with a tag to say so.
//!
//! hadolint only knows stages defined *before* the `COPY`; BuildKit resolves stages by name
//! wherever they are defined, so a later stage passes here.
//!
//! ## Why is this bad?
//! Docker treats an unknown name as an image to pull: a typo such as `--from=buidler` becomes a
//! pull of `docker.io/library/buidler:latest`, which fails at best and, at worst, copies files
//! from a stranger's image that happens to have that name.
//!
//! ## Example
//! ```dockerfile
//! FROM golang:1.23 AS builder
//! RUN go build -o /out/app .
//! FROM gcr.io/distroless/static-debian12
//! COPY --from=buidler /out/app /app
//! ```
//!
//! Use instead:
//! ```dockerfile
//! FROM golang:1.23 AS builder
//! RUN go build -o /out/app .
//! FROM gcr.io/distroless/static-debian12
//! COPY --from=builder /out/app /app
//! ```
//!
//! ## Fix
//! Name an existing stage; to copy from an image, give the full reference with a tag.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;
use shipshape_syntax::Span;

use super::util::{from_target, mount_froms, FromTarget};
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct CopyFromUnknownStage;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-007",
    slug: "copy-from-unknown-stage",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "COPY --from names no stage of this Dockerfile",
    equivalents: &["hadolint:DL3022"],
};

impl DockerfileRule for CopyFromUnknownStage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let ast = doc.ast;
        let stages = ast.stages();
        let names: Vec<String> = stages
            .iter()
            .filter_map(|s| s.alias.as_ref().map(|a| format!("`{a}`")))
            .collect();
        let known = if names.is_empty() {
            "this Dockerfile names no stages".to_string()
        } else {
            format!("stages: {}", names.join(", "))
        };
        for (index, instr) in ast.instructions.iter().enumerate() {
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
                let message = match from_target(ast, &stages, index, &value) {
                    FromTarget::MissingIndex(_) => format!(
                        "`--from={value}` refers to stage index {value}, but the Dockerfile has {} stage(s), numbered from 0",
                        stages.len()
                    ),
                    FromTarget::Unknown => format!(
                        "`{value}` is no stage of this Dockerfile ({known}); Docker would pull an image named `{value}:latest`"
                    ),
                    _ => continue,
                };
                out.push(Diagnostic::new(span, message));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::flagged;
    use super::*;

    #[test]
    fn flags_misspelt_names_and_missing_indices() {
        let src = "FROM a:1 AS Builder\nFROM b:1\nCOPY --from=buidler /x /x\nCOPY --from=builder /x /x\nCOPY --from=0 /x /x\nCOPY --from=5 /x /x\nCOPY --from=nginx:1.27 /x /x\nCOPY --from=later /x /x\nRUN --mount=type=bind,from=nope,target=/n true\nFROM c:1 AS later\n";
        assert_eq!(
            flagged(&CopyFromUnknownStage, src),
            ["buidler", "5", "nope"]
        );
    }

    #[test]
    fn resolves_variables_and_skips_unknown_ones() {
        let src = "ARG SRC=tools\nFROM a:1 AS tools\nFROM b:1\nARG SRC\nARG OTHER\nCOPY --from=$SRC /x /x\nCOPY --from=${OTHER} /x /x\n";
        assert!(flagged(&CopyFromUnknownStage, src).is_empty());
    }
}
