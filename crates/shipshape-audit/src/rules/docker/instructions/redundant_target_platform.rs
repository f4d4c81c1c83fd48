//! ## What it does
//! Flags `FROM --platform=$TARGETPLATFORM` (or `${TARGETPLATFORM}`).
//!
//! ## Why is this bad?
//! A stage is built for the target platform anyway; the flag says nothing, and it reads as if it
//! were the usual `$BUILDPLATFORM` of a cross-compiling stage, which is easy to mistake it for.
//!
//! ## Example
//! ```dockerfile
//! FROM --platform=$TARGETPLATFORM alpine:3.20
//! ```
//!
//! Use instead:
//! ```dockerfile
//! FROM alpine:3.20
//! ```
//!
//! ## Fix
//! Remove the flag (or use `$BUILDPLATFORM` if the stage should run natively on the build host).

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct RedundantTargetPlatform;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-031",
    slug: "redundant-target-platform",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "FROM --platform=$TARGETPLATFORM is the default",
    equivalents: &["hadolint:DL3065", "buildkit:RedundantTargetPlatform"],
};

impl DockerfileRule for RedundantTargetPlatform {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, instr) in doc.ast.instructions_of(Keyword::From) {
            let Some(flag) = instr.flag("platform") else {
                continue;
            };
            let Some(value @ ("$TARGETPLATFORM" | "${TARGETPLATFORM}")) = flag.value.as_deref()
            else {
                continue;
            };
            out.push(Diagnostic::new(
                flag.span,
                format!(
                    "`--platform={value}` is the platform the stage is built for anyway: remove it"
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
    fn flags_target_platform_only() {
        let src = "FROM --platform=${TARGETPLATFORM} a:1\nFROM --platform=$BUILDPLATFORM b:1\n";
        assert_eq!(
            flagged(&RedundantTargetPlatform, src),
            ["--platform=${TARGETPLATFORM}"]
        );
    }
}
