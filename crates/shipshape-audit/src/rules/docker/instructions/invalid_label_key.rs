//! ## What it does
//! Flags a `LABEL` key that breaks Docker's key format, as hadolint does: keys must start with a
//! lower-case letter, end with a lower-case letter or digit, contain only `a-z`, `0-9`, `.` and
//! `-`, have no `..` or `--`, and stay out of the namespaces Docker reserves (`com.docker.`,
//! `io.docker.`, `org.dockerproject.`). Keys built from variables pass.
//!
//! ## Why is this bad?
//! Tools that read labels (registries, scanners, `docker inspect` filters, the OCI annotations
//! such as `org.opencontainers.image.source`) match keys exactly: `Version` and `version` are two
//! labels, `org.opencontainers.image.Source` is ignored. Reverse-DNS lower-case keys avoid
//! collisions with other tools' labels.
//!
//! ## Example
//! ```dockerfile
//! LABEL Version=1.4.2 org.opencontainers.image.Source=https://github.com/acme/app
//! ```
//!
//! Use instead:
//! ```dockerfile
//! LABEL org.opencontainers.image.version=1.4.2 org.opencontainers.image.source=https://github.com/acme/app
//! ```
//!
//! ## Fix
//! Use lower-case reverse-DNS keys, preferably the `org.opencontainers.image.*` ones.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct InvalidLabelKey;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-022",
    slug: "invalid-label-key",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "LABEL key does not follow Docker's key format",
    equivalents: &["hadolint:DL3048"],
};

const RESERVED: &[&str] = &["com.docker.", "io.docker.", "org.dockerproject."];

/// Why a key is invalid, if it is.
fn problem(key: &str) -> Option<&'static str> {
    let first = key.bytes().next()?;
    let last = key.bytes().last()?;
    if !first.is_ascii_lowercase() {
        Some("must start with a lower-case letter")
    } else if !(last.is_ascii_lowercase() || last.is_ascii_digit()) {
        Some("must end with a lower-case letter or a digit")
    } else if !key
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        Some("may only contain lower-case letters, digits, `.` and `-`")
    } else if key.contains("..") || key.contains("--") {
        Some("must not repeat `.` or `-`")
    } else if RESERVED.iter().any(|r| key.starts_with(r)) {
        Some("uses a namespace reserved for Docker")
    } else {
        None
    }
}

impl DockerfileRule for InvalidLabelKey {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, instr) in doc.ast.instructions_of(Keyword::Label) {
            for pair in instr.key_values() {
                if pair.key.contains('$') {
                    continue;
                }
                if let Some(why) = problem(&pair.key) {
                    out.push(Diagnostic::new(
                        pair.key_span,
                        format!("label key `{}` {why}", pair.key),
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
    fn flags_keys_outside_the_format() {
        let src = "FROM a:1\nLABEL Version=1 org.opencontainers.image.version=1 a..b=1 com.docker.x=1 ok-1=2 bad_key=3 \"quoted\"=1 $K=v\n";
        assert_eq!(
            flagged(&InvalidLabelKey, src),
            ["Version", "a..b", "com.docker.x", "bad_key"]
        );
    }
}
