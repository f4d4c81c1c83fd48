//! ## What it does
//! Flags a `COPY` or `ADD` with several sources whose destination does not end in `/`
//! (`COPY package.json package-lock.json /app`). Heredocs count as sources. The destination `.`
//! (the working directory) passes: BuildKit treats it as a directory (hadolint flags it).
//! hadolint checks `COPY` only; Docker applies the same requirement to `ADD`.
//!
//! ## Why is this bad?
//! Docker refuses the build: with more than one source the destination must be a directory, and
//! it only knows that from the trailing slash. The mistake surfaces late, in CI, instead of in
//! the editor.
//!
//! ## Example
//! ```dockerfile
//! COPY package.json package-lock.json /app
//! ```
//!
//! Use instead:
//! ```dockerfile
//! COPY package.json package-lock.json /app/
//! ```
//!
//! ## Fix
//! End the destination with `/`.

use shipshape_core::Severity;

use super::util::{copy_parts, is_copy_or_add};
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct CopyDestMissingSlash;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-006",
    slug: "copy-dest-missing-slash",
    domain: Domain::Dockerfile,
    severity: Severity::Error,
    title: "COPY with several sources needs a destination ending in `/`",
    equivalents: &["hadolint:DL3021", "trivy:DS-0011"],
};

impl DockerfileRule for CopyDestMissingSlash {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let ast = doc.ast;
        for (index, instr) in ast.instructions.iter().enumerate() {
            if !is_copy_or_add(instr) {
                continue;
            }
            let Some((sources, dest)) = copy_parts(instr) else {
                continue;
            };
            if sources.len() < 2 {
                continue;
            }
            let resolved = ast.resolve_arg(&dest.value, ast.stage_of(index));
            if resolved.contains('$')
                || resolved == "."
                || resolved.ends_with('/')
                || resolved.ends_with('\\')
            {
                continue;
            }
            out.push(Diagnostic::new(
                dest.span,
                format!(
                    "{} with {} sources needs a directory destination ending in `/`: write `{}/`",
                    instr.keyword,
                    sources.len(),
                    dest.value
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
    fn flags_directory_destinations_without_slash() {
        let src = "FROM a:1\nARG D=/d/\nCOPY a b /app\nCOPY a b /app/\nCOPY a /file\nCOPY a b .\nCOPY a b $D\nADD [\"a\", \"b\", \"/x\"]\n";
        assert_eq!(flagged(&CopyDestMissingSlash, src), ["/app", "\"/x\""]);
    }
}
