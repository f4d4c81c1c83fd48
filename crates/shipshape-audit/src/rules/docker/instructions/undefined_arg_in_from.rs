//! ## What it does
//! Flags a variable in a `FROM` line (image or `--platform`) that no `ARG` before the first
//! `FROM` declares. The platform variables BuildKit predefines (`BUILDPLATFORM`,
//! `TARGETPLATFORM`, `TARGETOS`, `TARGETARCH`, …) are declared implicitly and pass.
//!
//! ## Why is this bad?
//! `FROM` only sees global `ARG`s. An `ARG` declared inside a stage, or a typo, expands to
//! nothing: `FROM node:${NODE_VERSON}-alpine` becomes `FROM node:-alpine` and the build fails
//! with a confusing "invalid reference format", or, worse, `FROM ${REGISTRY}/app` quietly pulls
//! `app` from Docker Hub.
//!
//! ## Example
//! ```dockerfile
//! FROM node:${NODE_VERSION}-alpine
//! ```
//!
//! Use instead:
//! ```dockerfile
//! ARG NODE_VERSION=22
//! FROM node:${NODE_VERSION}-alpine
//! ```
//!
//! ## Fix
//! Declare the variable with `ARG` (and a default) before the first `FROM`.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;
use shipshape_syntax::Span;

use super::util::var_refs;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct UndefinedArgInFrom;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-026",
    slug: "undefined-arg-in-from",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "FROM uses a variable no global ARG declares",
    equivalents: &["buildkit:UndefinedArgInFrom"],
};

/// Build arguments BuildKit defines for every build, usable in `FROM` without an `ARG`.
const PREDEFINED: &[&str] = &[
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
];

impl DockerfileRule for UndefinedArgInFrom {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let ast = doc.ast;
        let globals: Vec<String> = ast
            .preamble()
            .iter()
            .filter(|i| i.keyword == Keyword::Arg)
            .flat_map(|i| i.key_values().into_iter().map(|kv| kv.key))
            .collect();
        for (_, instr) in ast.instructions_of(Keyword::From) {
            let Some(from) = instr.from() else { continue };
            let mut spans = vec![from.image.span];
            if let Some(p) = &from.platform {
                spans.push(p.value_span.unwrap_or(p.span));
            }
            for span in spans {
                let raw = span.text(doc.source);
                for (range, name) in var_refs(raw) {
                    if globals.iter().any(|g| g == name) || PREDEFINED.contains(&name) {
                        continue;
                    }
                    out.push(Diagnostic::new(
                        Span::new(span.start + range.start, span.start + range.end),
                        format!("`{name}` is not declared by an ARG before the first FROM, so it expands to nothing here"),
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
    fn flags_undeclared_variables_in_from() {
        let src = "ARG V=1\nFROM --platform=$BUILDPLATFORM a:$V AS x\nARG LOCAL=2\nFROM b:${LOCAL}-${V}\nFROM --platform=$PLAT c:1\n";
        assert_eq!(flagged(&UndefinedArgInFrom, src), ["${LOCAL}", "$PLAT"]);
    }
}
