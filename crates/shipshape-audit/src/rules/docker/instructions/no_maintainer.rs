//! ## What it does
//! Flags the `MAINTAINER` instruction.
//!
//! ## Why is this bad?
//! `MAINTAINER` has been deprecated since Docker 1.13: it sets a legacy field that registries and
//! scanners do not read. The standard place for the author is the
//! `org.opencontainers.image.authors` label, next to the other OCI labels (source, version,
//! licenses) that tools do read.
//!
//! ## Example
//! ```dockerfile
//! MAINTAINER Jane Doe <jane@example.com>
//! ```
//!
//! Use instead:
//! ```dockerfile
//! LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
//! ```
//!
//! ## Fix
//! Replace it with `LABEL org.opencontainers.image.authors="…"`.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct NoMaintainer;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-013",
    slug: "no-maintainer",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "MAINTAINER is deprecated",
    equivalents: &[
        "hadolint:DL4000",
        "checkov:CKV_DOCKER_6",
        "trivy:DS-0022",
        "buildkit:MaintainerDeprecated",
    ],
};

impl DockerfileRule for NoMaintainer {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, instr) in doc.ast.instructions_of(Keyword::Maintainer) {
            out.push(Diagnostic::new(
                instr.keyword_span,
                "MAINTAINER is deprecated: use `LABEL org.opencontainers.image.authors=\"…\"`",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::flagged;
    use super::*;

    #[test]
    fn flags_the_keyword() {
        let src = "FROM a:1\nmaintainer jane\nLABEL maintainer=jane\n";
        assert_eq!(flagged(&NoMaintainer, src), ["maintainer"]);
    }
}
