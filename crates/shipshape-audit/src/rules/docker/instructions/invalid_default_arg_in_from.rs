//! SS-DOCKER-034 `invalid-default-arg-in-from`: with its default values, an `ARG` leaves a
//! `FROM` without a valid image.
//!
//! ## What it does
//! Resolves each `FROM` image that uses global `ARG`s with their default values — what a build
//! without `--build-arg` uses — and flags it when the result is empty or not a valid image
//! reference (`busybox:` from `ARG TAG` with no default), as BuildKit's
//! `InvalidDefaultArgInFrom` check does. An `ARG` that may stay empty because the reference is
//! valid without it (`alpine:3.20${VARIANT}`) passes; an undeclared variable is
//! `undefined-arg-in-from`'s business.
//!
//! The finding is `info`: the build fails loudly without the argument, nothing goes wrong
//! silently, and images always built by a pipeline that passes it are common.
//!
//! ## Why is this bad?
//! The Dockerfile cannot be built as it is: `docker build .` fails with "invalid reference
//! format", and only callers who know which `--build-arg` to pass can use it. IDEs, scanners
//! and `docker build --check` cannot resolve the base image either.
//!
//! ## Example
//! ```dockerfile
//! ARG TAG
//! FROM busybox:${TAG}
//! ```
//!
//! Use instead:
//! ```dockerfile
//! ARG TAG=1.37
//! FROM busybox:${TAG}
//! ```
//!
//! ## Fix
//! Give the `ARG` a default, or use one in place (`FROM alpine:${TAG:-3.20}`).

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct InvalidDefaultArgInFrom;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-034",
    slug: "invalid-default-arg-in-from",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "An ARG's default leaves a FROM without a valid image",
    equivalents: &["buildkit:InvalidDefaultArgInFrom"],
};

impl DockerfileRule for InvalidDefaultArgInFrom {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let ast = doc.ast;
        for (_, instr) in ast.instructions_of(Keyword::From) {
            let Some(from) = instr.from() else { continue };
            let written = &from.image.value;
            if !written.contains('$') {
                continue;
            }
            let resolved = ast.resolve_arg(written, None);
            // A variable no global ARG declares (a platform ARG, or a mistake reported by
            // `undefined-arg-in-from`) is not this rule's.
            if resolved.contains('$') || is_valid_reference(&resolved) {
                continue;
            }
            let shown = if resolved.is_empty() {
                "nothing".to_string()
            } else {
                format!("`{resolved}`")
            };
            out.push(Diagnostic::new(
                from.image.span,
                format!(
                    "with the default values of its ARGs, `{written}` is {shown}, not a valid image: \
                     the build needs `--build-arg`; give the ARG a default"
                ),
            ));
        }
    }
}

/// Whether `text` is a valid image reference, `[domain/]path[:tag][@digest]`, by the grammar of
/// the distribution reference library Docker uses.
pub(crate) fn is_valid_reference(text: &str) -> bool {
    let (name_tag, digest) = match text.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (text, None),
    };
    if let Some(d) = digest {
        let Some((algo, hex)) = d.split_once(':') else {
            return false;
        };
        if algo.is_empty()
            || !algo.starts_with(|c: char| c.is_ascii_alphabetic())
            || !algo
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '.'))
            || hex.len() < 32
            || !hex.chars().all(|c| c.is_ascii_hexdigit())
        {
            return false;
        }
    }
    let last_slash = name_tag.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match name_tag[last_slash..].find(':') {
        Some(i) => (
            &name_tag[..last_slash + i],
            Some(&name_tag[last_slash + i + 1..]),
        ),
        None => (name_tag, None),
    };
    if let Some(tag) = tag {
        let ok = !tag.is_empty()
            && tag.len() <= 128
            && tag.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            && tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !ok {
            return false;
        }
    }
    if name.is_empty() {
        return false;
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    if parts.len() > 1 {
        let first = parts[0];
        if first.contains(['.', ':']) || first == "localhost" {
            let (host, port) = match first.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (first, None),
            };
            let host_ok = !host.is_empty()
                && host.split('.').all(|c| {
                    !c.is_empty()
                        && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
                        && !c.starts_with('-')
                        && !c.ends_with('-')
                });
            let port_ok =
                port.is_none_or(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
            if !(host_ok && port_ok) {
                return false;
            }
            parts.remove(0);
        }
    }
    parts.iter().all(|c| is_path_component(c))
}

/// `[a-z0-9]+` joined by `.`, `_`, `__` or runs of `-`.
fn is_path_component(c: &str) -> bool {
    let b = c.as_bytes();
    if b.is_empty() || !is_alnum(b[0]) || !is_alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if is_alnum(b[i]) {
            i += 1;
            continue;
        }
        let sep_start = i;
        while i < b.len() && !is_alnum(b[i]) {
            i += 1;
        }
        let sep = &c[sep_start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|s| s == b'-');
        if !ok {
            return false;
        }
    }
    true
}

fn is_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::flagged;
    use super::*;

    #[test]
    fn flags_defaults_that_leave_no_valid_image() {
        let src = "ARG TAG\nARG VARIANT\nARG IMAGE\nARG OK=3.20\nFROM busybox:${TAG}\nFROM alpine:3.20${VARIANT}\n\
                   FROM ${IMAGE}\nFROM alpine:${OK}\nFROM alpine:${TAG:-3.14}\nFROM --platform=$BUILDPLATFORM x-$TARGETOS\n";
        assert_eq!(
            flagged(&InvalidDefaultArgInFrom, src),
            ["busybox:${TAG}", "${IMAGE}"]
        );
    }

    #[test]
    fn reference_grammar() {
        for ok in [
            "alpine",
            "alpine:3.20",
            "library/alpine",
            "registry.example.com:5000/team/app:1.2",
            "localhost/app",
            "ghcr.io/a/b_c__d-e.f:v1",
            "mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-1809",
            "app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert!(is_valid_reference(ok), "{ok}");
        }
        for bad in [
            "",
            "busybox:",
            "Alpine",
            "a//b",
            "app:-x",
            ":tag",
            "-app",
            "a@sha256:12",
        ] {
            assert!(!is_valid_reference(bad), "{bad}");
        }
    }
}
