//! ## What it does
//! Flags `FROM --platform=…` with a fixed value (`--platform=linux/amd64`). Values built from
//! variables, such as `$BUILDPLATFORM` for cross-compiling builder stages, pass (hadolint flags
//! every `--platform`; BuildKit's check, like this rule, only constants).
//!
//! ## Why is this bad?
//! A constant platform pins the stage to one architecture whatever the build asks for: on an
//! arm64 laptop or a Graviton runner, the image is silently built for amd64 and runs under
//! emulation, slowly, or `docker buildx build --platform linux/arm64` ships an amd64 image under
//! an arm64 label.
//!
//! ## Example
//! ```dockerfile
//! FROM --platform=linux/amd64 golang:1.23 AS build
//! ```
//!
//! Use instead:
//! ```dockerfile
//! FROM --platform=$BUILDPLATFORM golang:1.23 AS build
//! ARG TARGETOS TARGETARCH
//! RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .
//! ```
//!
//! ## Fix
//! Remove `--platform` and choose the platform at build time (`docker buildx build --platform …`),
//! or use `$BUILDPLATFORM` for a stage that cross-compiles.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct ConstantPlatform;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-011",
    slug: "constant-platform",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "FROM --platform with a fixed value",
    equivalents: &[
        "hadolint:DL3029",
        "buildkit:FromPlatformFlagConstDisallowed",
    ],
};

impl DockerfileRule for ConstantPlatform {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, instr) in doc.ast.instructions_of(Keyword::From) {
            let Some(flag) = instr.flag("platform") else {
                continue;
            };
            let Some(value) = flag.value.as_deref() else {
                continue;
            };
            if value.is_empty() || value.contains('$') {
                continue;
            }
            out.push(Diagnostic::new(
                flag.value_span.unwrap_or(flag.span),
                format!("`--platform={value}` pins this stage to one platform whatever the build targets"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::flagged;
    use super::*;

    #[test]
    fn flags_constants_only() {
        let src = "FROM --platform=linux/amd64 a:1\nFROM --platform=$BUILDPLATFORM b:1\nFROM --platform=${TARGETPLATFORM} c:1\nFROM d:1\n";
        assert_eq!(flagged(&ConstantPlatform, src), ["linux/amd64"]);
    }
}
