//! ## What it does
//! Flags service images without a tag or with the `latest` tag (`postgres`, `redis:latest`).
//! An image pinned by digest passes; so does a service with `build:`, where `image` only names
//! the image being built, and an image whose tag is a variable (`app:${VERSION:-latest}`): the
//! version is set where the project is run (`.env`, a Makefile, CI), the default is a fallback.
//!
//! ## Why is this bad?
//! An untagged image means `latest`, which moves: the next `docker compose pull` on a laptop, a
//! CI runner or a server brings a different major version, and a database image may upgrade its
//! on-disk format underneath existing data. Builds stop being reproducible and rollbacks stop
//! meaning anything.
//!
//! ## Example
//! ```yaml
//! services:
//!   cache:
//!     image: redis
//! ```
//!
//! ## Fix
//! Pin a version (and, for full reproducibility, a digest):
//! ```yaml
//! services:
//!   cache:
//!     image: redis:7.4-alpine
//! ```

use shipshape_core::Severity;

use super::{parse_image, services};
use crate::rule::{ComposeDoc, ComposeRule, Diagnostic, Domain, RuleMeta};

pub struct PinImageTag;

pub static META: RuleMeta = RuleMeta {
    id: "SS-COMPOSE-011",
    slug: "pin-image-tag",
    domain: Domain::Compose,
    severity: Severity::Warning,
    title: "Image without a version tag or with `latest`",
    equivalents: &["dclint:service-image-require-explicit-tag"],
};

impl ComposeRule for PinImageTag {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &ComposeDoc, out: &mut Vec<Diagnostic>) {
        for service in services(doc.root) {
            // With `build`, `image` is the name given to the built image, not one to pull.
            if service.get("build").is_some() {
                continue;
            }
            let Some((node, image)) = service.image() else {
                continue;
            };
            // An image named by a variable as a whole (`${APP_IMAGE}`, even with a default) is
            // decided where the variable is set. A name that depends on a variable the project
            // does not set is read as written: `${REGISTRY}/app` still has no tag, `app:${TAG}`
            // is decided where `TAG` is set.
            let written = node.written().unwrap_or(image);
            let as_written = parse_image(written);
            if as_written.name.contains('$') {
                continue;
            }
            // A tag given by a variable (`:${JAEGER_VERSION:-latest}`) is the operator's pin,
            // set by whoever runs the project (a Makefile, CI, `.env`); its default is only the
            // fallback of a bare `docker compose up`.
            if as_written.tag.is_some_and(|t| t.contains('$')) {
                continue;
            }
            let image = if node.is_unresolved() {
                if written
                    .rsplit('/')
                    .next()
                    .is_some_and(|last| last.contains('$'))
                {
                    continue;
                }
                written
            } else {
                image
            };
            let reference = parse_image(image);
            if reference.digest.is_some() {
                continue;
            }
            let problem = match reference.tag {
                None => "has no tag, so it means `latest`",
                Some(tag) if tag.eq_ignore_ascii_case("latest") => "uses the moving `latest` tag",
                Some(_) => continue,
            };
            out.push(doc.at(
                node,
                format!(
                    "image `{image}` of service `{}` {problem}; pin a version",
                    service.name()
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PinImageTag;
    use crate::rules::compose::findings;

    #[test]
    fn registry_ports_are_not_tags_and_interpolated_names_are_skipped() {
        let yaml = r#"
services:
  a:
    image: localhost:5000/app
  b:
    image: ${APP_IMAGE}
  c:
    image: app:${TAG:-1.0}
  d:
    image: ${REGISTRY}/app
  e:
    image: ${IMAGE-docker.io/team/app:latest}
  f:
    image: jaegertracing/all-in-one:${JAEGER_VERSION:-latest}
  g:
    image: redis:latest
"#;
        let tokens: Vec<String> = findings(&PinImageTag, yaml)
            .into_iter()
            .map(|(token, _)| token)
            .collect();
        assert_eq!(
            tokens,
            ["localhost:5000/app", "${REGISTRY}/app", "redis:latest"]
        );
    }
}
