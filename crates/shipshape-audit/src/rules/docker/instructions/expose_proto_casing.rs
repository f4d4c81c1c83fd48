//! SS-DOCKER-038 `expose-proto-casing`: the protocol of an `EXPOSE` port is not lower case.
//!
//! ## What it does
//! Flags `EXPOSE` ports whose protocol is written with upper-case letters (`80/TCP`,
//! `53/Udp`), as BuildKit's `ExposeProtoCasing` check does.
//!
//! ## Why is this bad?
//! Docker lower-cases the protocol, so the image is the same, but the image configuration and
//! the file then disagree, tools that compare them as text (port lists in orchestrator
//! manifests, policy checks) do not match, and `docker build` warns on every build.
//!
//! ## Example
//! ```dockerfile
//! EXPOSE 8080/TCP
//! ```
//!
//! Use instead:
//! ```dockerfile
//! EXPOSE 8080/tcp
//! ```
//!
//! ## Fix
//! Write the protocol in lower case: `tcp`, `udp` or `sctp`.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use super::util::with_triggers;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct ExposeProtoCasing;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-038",
    slug: "expose-proto-casing",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "`EXPOSE` protocol is not lower case",
    equivalents: &["buildkit:ExposeProtoCasing"],
};

impl DockerfileRule for ExposeProtoCasing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for instr in with_triggers(doc.ast).filter(|i| i.keyword == Keyword::Expose) {
            for word in instr.words() {
                let Some((_, proto)) = word.value.rsplit_once('/') else {
                    continue;
                };
                if proto.contains('$') || proto == proto.to_ascii_lowercase() {
                    continue;
                }
                out.push(Diagnostic::new(
                    word.span,
                    format!(
                        "protocol `{proto}` should be lower case: `{}`",
                        word.value.to_ascii_lowercase()
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
    fn flags_upper_case_protocols() {
        let src = "FROM a:1\nEXPOSE 80/TCP 443/tcp 53/Udp 8080 ${P}/${PROTO}\n";
        assert_eq!(flagged(&ExposeProtoCasing, src), ["80/TCP", "53/Udp"]);
    }
}
