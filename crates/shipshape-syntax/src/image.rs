//! Container image references as Docker reads them — `[registry[:port]/]repository[:tag][@digest]`
//! — with the byte span of every part, so a rule can underline the tag and detection can compare
//! repositories. One parser for Dockerfile `FROM`s, compose and CI `image:` values and generated
//! files.
//!
//! Variables (`${TAG:-1.0}`, `$REGISTRY`) are recognised and kept whole: a `:` or `/` inside
//! `${…}` separates nothing. Their values are not substituted here (a Dockerfile substitutes
//! `ARG`s first with `Dockerfile::resolve_arg`). Flags such as `FROM --platform=…` are not part
//! of a reference; pass the image word alone.

use crate::Span;

/// The registry Docker pulls from when a reference names none.
pub const DOCKER_HUB: &str = "docker.io";

/// Host names that all mean Docker Hub.
const DOCKER_HUB_ALIASES: &[&str] = &["docker.io", "index.docker.io", "registry-1.docker.io"];

/// An image reference split into its parts. Spans are byte ranges into [`ImageRef::text`]; add
/// the offset of the reference in its file to point into the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageRef<'a> {
    text: &'a str,
    registry: Option<Span>,
    repository: Span,
    /// The last component of the repository.
    name: Span,
    tag: Option<Span>,
    digest: Option<Span>,
    interpolated: bool,
}

/// Splits an image reference. Never fails: text that is not a valid reference still splits
/// into the parts it seems to have (a rule may then say what is wrong with it).
pub fn parse(text: &str) -> ImageRef<'_> {
    let separators = separators(text);
    let at = |b: u8| separators.iter().copied().filter(move |&(_, c)| c == b);
    let (body_end, digest) = match at(b'@').next() {
        Some((i, _)) => (i, Some(Span::new(i + 1, text.len()))),
        None => (text.len(), None),
    };
    let in_body = |&(i, _): &(usize, u8)| i < body_end;
    // A `:` after the last `/` starts the tag; one before it is a registry's port.
    let last_slash = at(b'/').take_while(|s| in_body(s)).last().map(|(i, _)| i);
    let name_start_of_last = last_slash.map_or(0, |i| i + 1);
    let tag_colon = at(b':')
        .take_while(|s| in_body(s))
        .find(|&(i, _)| i >= name_start_of_last)
        .map(|(i, _)| i);
    let (name_end, tag) = match tag_colon {
        Some(i) => (i, Some(Span::new(i + 1, body_end))),
        None => (body_end, None),
    };
    let first_slash = at(b'/').map(|(i, _)| i).find(|&i| i < name_end);
    let registry = first_slash
        .filter(|&i| is_registry_host(&text[..i]))
        .map(|i| Span::new(0, i));
    let repository_start = registry.map_or(0, |r| r.end + 1);
    let repository = Span::new(repository_start, name_end.max(repository_start));
    let name_start = at(b'/')
        .map(|(i, _)| i + 1)
        .rfind(|&i| i > repository.start && i <= repository.end)
        .unwrap_or(repository.start);
    ImageRef {
        text,
        registry,
        repository,
        name: Span::new(name_start, repository.end),
        tag,
        digest,
        interpolated: has_variable(text),
    }
}

/// Positions of `/`, `:` and `@` outside `${…}`.
fn separators(text: &str) -> Vec<(usize, u8)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'{' if depth > 0 => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            b @ (b'/' | b':' | b'@') if depth == 0 => out.push((i, b)),
            _ => {}
        }
        i += 1;
    }
    out
}

/// Docker's rule: the first path component is a registry host when it has a `.` or a `:`
/// (a port), is `localhost`, or has upper-case letters (repositories are lower-case). Upper
/// case inside a variable (`${REGISTRY}`) says nothing.
fn is_registry_host(component: &str) -> bool {
    component.contains(['.', ':'])
        || component == "localhost"
        || (!has_variable(component) && component.bytes().any(|b| b.is_ascii_uppercase()))
}

/// Whether `text` refers to a variable: `$NAME` or `${…}`.
fn has_variable(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        b == b'$'
            && bytes
                .get(i + 1)
                .is_some_and(|&n| n == b'{' || n == b'_' || n.is_ascii_alphabetic())
    })
}

impl<'a> ImageRef<'a> {
    /// The reference as given.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The registry host as written (`ghcr.io`, `localhost:5000`), if the reference names one.
    pub fn registry(&self) -> Option<&'a str> {
        self.registry.map(|s| &self.text[s.start..s.end])
    }

    /// The repository path without registry: `team/app`, `postgres`, `library/postgres` (as
    /// written; see [`ImageRef::familiar_repository`]).
    pub fn repository(&self) -> &'a str {
        &self.text[self.repository.start..self.repository.end]
    }

    /// The last component of the repository: `app` for `ghcr.io/team/app:1`; a whole
    /// `${IMAGE:-…}` when a variable names the image.
    pub fn name(&self) -> &'a str {
        &self.text[self.name.start..self.name.end]
    }

    /// The tag without its `:`.
    pub fn tag(&self) -> Option<&'a str> {
        self.tag.map(|s| &self.text[s.start..s.end])
    }

    /// The digest without its `@` (`sha256:…`).
    pub fn digest(&self) -> Option<&'a str> {
        self.digest.map(|s| &self.text[s.start..s.end])
    }

    pub fn registry_span(&self) -> Option<Span> {
        self.registry
    }

    pub fn repository_span(&self) -> Span {
        self.repository
    }

    pub fn tag_span(&self) -> Option<Span> {
        self.tag
    }

    pub fn digest_span(&self) -> Option<Span> {
        self.digest
    }

    /// Whether the reference holds a variable (`${TAG}`, `$REGISTRY`) whose value is decided
    /// elsewhere.
    pub fn is_interpolated(&self) -> bool {
        self.interpolated
    }

    /// `scratch`, the empty image a `FROM` may start from.
    pub fn is_scratch(&self) -> bool {
        self.registry.is_none() && self.repository().eq_ignore_ascii_case("scratch")
    }

    /// Whether the image comes from Docker Hub: no registry, or one of Hub's host names.
    pub fn is_docker_hub(&self) -> bool {
        self.registry()
            .is_none_or(|r| DOCKER_HUB_ALIASES.contains(&r.to_ascii_lowercase().as_str()))
    }

    /// The registry host Docker pulls from: as written, or `docker.io` for Docker Hub.
    pub fn registry_host(&self) -> &'a str {
        match self.registry() {
            Some(_) if self.is_docker_hub() => DOCKER_HUB,
            Some(r) => r,
            None => DOCKER_HUB,
        }
    }

    /// The repository the way people write it: Docker Hub's `library/` namespace dropped
    /// (`docker.io/library/postgres` → `postgres`); other registries' paths as written.
    pub fn familiar_repository(&self) -> &'a str {
        let repository = self.repository();
        if self.is_docker_hub() {
            repository.strip_prefix("library/").unwrap_or(repository)
        } else {
            repository
        }
    }

    /// The fully qualified repository Docker resolves the reference to:
    /// `postgres` → `docker.io/library/postgres`, `team/app` → `docker.io/team/app`.
    pub fn normalized_repository(&self) -> String {
        let repository = self.familiar_repository();
        if !self.is_docker_hub() {
            format!("{}/{repository}", self.registry_host())
        } else if repository.contains('/') {
            format!("{DOCKER_HUB}/{repository}")
        } else {
            format!("{DOCKER_HUB}/library/{repository}")
        }
    }

    /// The fully qualified reference: [`ImageRef::normalized_repository`] plus the tag (`latest`
    /// when there is neither tag nor digest) and digest.
    pub fn normalized(&self) -> String {
        let mut out = self.normalized_repository();
        match (self.tag(), self.digest()) {
            (Some(tag), _) => {
                out.push(':');
                out.push_str(tag);
            }
            (None, None) => out.push_str(":latest"),
            (None, Some(_)) => {}
        }
        if let Some(digest) = self.digest() {
            out.push('@');
            out.push_str(digest);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> (Option<&str>, &str, Option<&str>, Option<&str>) {
        let r = parse(text);
        (r.registry(), r.repository(), r.tag(), r.digest())
    }

    #[test]
    fn splits_registry_repository_tag_and_digest() {
        assert_eq!(
            parts("registry.example.com:5000/team/app:1.2@sha256:abc"),
            (
                Some("registry.example.com:5000"),
                "team/app",
                Some("1.2"),
                Some("sha256:abc")
            )
        );
        assert_eq!(parts("node:22"), (None, "node", Some("22"), None));
        assert_eq!(parts("alpine"), (None, "alpine", None, None));
        assert_eq!(
            parts("alpine@sha256:abc"),
            (None, "alpine", None, Some("sha256:abc"))
        );
    }

    #[test]
    fn a_registry_port_is_not_a_tag() {
        assert_eq!(
            parts("localhost:5000/app"),
            (Some("localhost:5000"), "app", None, None)
        );
        assert_eq!(
            parts("localhost:5000/x:1"),
            (Some("localhost:5000"), "x", Some("1"), None)
        );
        assert_eq!(
            parts("localhost/app"),
            (Some("localhost"), "app", None, None)
        );
    }

    #[test]
    fn a_first_component_without_dot_port_or_capitals_is_a_namespace() {
        assert_eq!(parts("team/app:1"), (None, "team/app", Some("1"), None));
        assert_eq!(
            parts("Myregistry/app"),
            (Some("Myregistry"), "app", None, None)
        );
    }

    #[test]
    fn variables_are_kept_whole_and_recognised() {
        let r = parse("app:${TAG:-1.0}");
        assert_eq!((r.repository(), r.tag()), ("app", Some("${TAG:-1.0}")));
        assert!(r.is_interpolated());
        let r = parse("${IMAGE:-postgres:16}");
        assert_eq!((r.repository(), r.tag()), ("${IMAGE:-postgres:16}", None));
        let r = parse("${IMAGE-docker.io/team/app:latest}");
        assert_eq!(
            (r.name(), r.tag()),
            ("${IMAGE-docker.io/team/app:latest}", None)
        );
        assert_eq!(parse("team/${APP}:1").name(), "${APP}");
        let r = parse("${REGISTRY}/app");
        assert_eq!((r.registry(), r.repository()), (None, "${REGISTRY}/app"));
        let r = parse("${REGISTRY:-ghcr.io}/team/app:$TAG");
        assert_eq!(r.registry(), Some("${REGISTRY:-ghcr.io}"));
        assert_eq!((r.repository(), r.tag()), ("team/app", Some("$TAG")));
        assert!(!parse("postgres:16").is_interpolated());
    }

    #[test]
    fn spans_point_at_each_part() {
        let text = "localhost:5000/team/app:1.2@sha256:abc";
        let r = parse(text);
        assert_eq!(r.tag_span(), Some(Span::new(24, 27)));
        assert_eq!(r.digest_span(), Some(Span::new(28, 38)));
        assert_eq!(r.repository_span().text(text), "team/app");
        assert_eq!(
            r.registry_span().map(|s| s.text(text)),
            Some("localhost:5000")
        );
    }

    #[test]
    fn normalises_docker_hub_names() {
        let r = parse("postgres:16");
        assert!(r.is_docker_hub());
        assert_eq!(r.normalized(), "docker.io/library/postgres:16");
        assert_eq!(
            parse("docker.io/library/postgres:16").familiar_repository(),
            "postgres"
        );
        assert_eq!(
            parse("index.docker.io/library/redis").familiar_repository(),
            "redis"
        );
        assert_eq!(
            parse("bitnami/redis").normalized(),
            "docker.io/bitnami/redis:latest"
        );
        let r = parse("ghcr.io/library/x@sha256:abc");
        assert!(!r.is_docker_hub());
        assert_eq!(r.familiar_repository(), "library/x");
        assert_eq!(r.normalized(), "ghcr.io/library/x@sha256:abc");
        assert_eq!(parse("gcr.io/distroless/static").name(), "static");
        assert!(parse("scratch").is_scratch());
        assert!(!parse("ghcr.io/scratch").is_scratch());
    }
}
