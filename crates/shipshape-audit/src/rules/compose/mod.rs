//! Compose rules, one per file, and the compose vocabulary they share: services, image
//! references, port and volume syntax (short and long form), and the table of database images.
//!
//! Rules read a project's effective model — its files merged as Compose merges them, values
//! interpolated — and point each finding at the file and line that set the value. A compose
//! file that belongs to a project led by another file (an override, an overlay, an extended
//! file) is audited with that project, never alone.

use shipshape_syntax::compose::{self, Node, Project};

use shipshape_core::ArtifactKind;

use crate::rule::{
    AuditDomain, AuditFile, ComposeDoc, ComposeRule, Diagnostic, Domain, RuleMeta, Sink,
};

pub mod database_data_volume;
pub mod database_healthcheck;
pub mod depends_on_healthy;
pub mod memory_limit;
pub mod no_dangerous_capabilities;
pub mod no_disabled_healthcheck;
pub mod no_docker_socket_mount;
pub mod no_hardcoded_secret_env;
pub mod no_host_cgroup;
pub mod no_host_devices;
pub mod no_host_ipc;
pub mod no_host_network;
pub mod no_host_pid;
pub mod no_host_userns;
pub mod no_host_uts;
pub mod no_new_privileges;
pub mod no_obsolete_version;
pub mod no_privileged;
pub mod no_public_database_port;
pub mod no_sensitive_host_mount;
pub mod no_unconfined_security_profile;
pub mod pin_image_tag;
pub mod restart_policy;

/// Every compose rule, in ID order (a test keeps it so): the registry of the domain.
pub static RULES: &[&dyn ComposeRule] = &[
    &no_privileged::NoPrivileged,
    &no_dangerous_capabilities::NoDangerousCapabilities,
    &no_host_network::NoHostNetwork,
    &no_host_pid::NoHostPid,
    &no_host_ipc::NoHostIpc,
    &no_docker_socket_mount::NoDockerSocketMount,
    &no_sensitive_host_mount::NoSensitiveHostMount,
    &no_unconfined_security_profile::NoUnconfinedSecurityProfile,
    &no_hardcoded_secret_env::NoHardcodedSecretEnv,
    &no_public_database_port::NoPublicDatabasePort,
    &pin_image_tag::PinImageTag,
    &depends_on_healthy::DependsOnHealthy,
    &database_healthcheck::DatabaseHealthcheck,
    &database_data_volume::DatabaseDataVolume,
    &restart_policy::RestartPolicy,
    &memory_limit::MemoryLimit,
    &no_obsolete_version::NoObsoleteVersion,
    &no_host_userns::NoHostUserns,
    &no_host_uts::NoHostUts,
    &no_host_cgroup::NoHostCgroup,
    &no_disabled_healthcheck::NoDisabledHealthcheck,
    &no_new_privileges::NoNewPrivileges,
    &no_host_devices::NoHostDevices,
];

/// The compose domain: `compose.yaml`, `docker-compose*.yml` and their overrides.
pub struct ComposeDomain;

impl AuditDomain for ComposeDomain {
    fn domain(&self) -> Domain {
        Domain::Compose
    }

    fn rules(&self) -> Vec<&'static RuleMeta> {
        RULES.iter().map(|r| r.meta()).collect()
    }

    fn accepts(&self, kind: ArtifactKind) -> bool {
        kind == ArtifactKind::Compose
    }

    fn check(&self, file: &AuditFile<'_>, enabled: &[bool], sink: &mut Sink) {
        let alone;
        let project: &Project = match file.repo.project_led_by(file.path) {
            Some(p) => p,
            // Audited with the project that reads it.
            None if !file.repo.projects_of(file.path).is_empty() => return,
            None => {
                alone = compose::load(&[file.path.to_string()], file.read);
                &alone
            }
        };
        let sources: Vec<String> = project
            .files
            .iter()
            .map(|f| {
                if f.path == file.path {
                    file.source.to_string()
                } else {
                    (file.read)(&f.path).unwrap_or_default()
                }
            })
            .collect();
        for e in project
            .errors
            .iter()
            .filter(|e| e.message.starts_with("YAML"))
        {
            let path = &project.files[e.file].path;
            sink.push(
                &crate::rules::parse_error::META,
                Diagnostic::new(
                    e.span,
                    format!("{} — shipshape skipped the rules for this file", e.message),
                )
                .in_file(path.clone()),
            );
        }
        let doc = ComposeDoc {
            project,
            root: &project.model,
            sources: &sources,
        };
        for (rule, _) in RULES.iter().zip(enabled).filter(|(_, on)| **on) {
            let mut out = Vec::new();
            rule.check(&doc, &mut out);
            sink.extend(rule.meta(), out);
        }
    }
}

/// One entry of the top-level `services` mapping.
#[derive(Clone, Copy)]
pub(crate) struct Service<'a> {
    /// The key naming the service: where findings about something missing point.
    pub key: &'a Node,
    pub node: &'a Node,
}

impl<'a> Service<'a> {
    pub fn name(&self) -> &'a str {
        self.key.as_str().unwrap_or("")
    }

    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.node.get(key)
    }

    /// The `image` value and its text, unless it is empty.
    pub fn image(&self) -> Option<(&'a Node, &'a str)> {
        let node = self.get("image")?;
        let text = node.as_str()?.trim();
        (!text.is_empty()).then_some((node, text))
    }

    /// The database this service runs, recognised by its image.
    pub fn database(&self) -> Option<&'static Database> {
        let (_, image) = self.image()?;
        database_for_image(image)
    }

    /// Whether the service defines a healthcheck that is not switched off.
    pub fn has_active_healthcheck(&self) -> bool {
        self.get("healthcheck")
            .is_some_and(|h| h.is_map() && disabled_healthcheck(h).is_none())
    }

    /// `key` directly on the service or under `deploy`, `deploy.resources.limits` etc.
    pub fn path(&self, path: &[&str]) -> Option<&'a Node> {
        path.iter().try_fold(self.node, |node, key| node.get(key))
    }
}

/// Every service of a compose document whose definition is a mapping.
pub(crate) fn services(root: &Node) -> impl Iterator<Item = Service<'_>> {
    root.get("services")
        .into_iter()
        .flat_map(|s| s.entries())
        .filter(|e| e.value.is_map())
        .map(|e| Service {
            key: &e.key,
            node: &e.value,
        })
}

/// A service by name.
pub(crate) fn service<'a>(root: &'a Node, name: &str) -> Option<Service<'a>> {
    services(root).find(|s| s.name() == name)
}

/// The token that switches a healthcheck off: `disable: true` or a `test` of `NONE`.
pub(crate) fn disabled_healthcheck(healthcheck: &Node) -> Option<&Node> {
    if let Some(disable) = healthcheck.get("disable") {
        if is_true(disable) {
            return Some(disable);
        }
    }
    let test = healthcheck.get("test")?;
    match test.items().first() {
        Some(first) if first.as_str() == Some("NONE") => Some(first),
        Some(_) => None,
        None => (test.as_str() == Some("NONE")).then_some(test),
    }
}

/// A YAML boolean `true`, or the string `"true"` Compose also accepts.
pub(crate) fn is_true(node: &Node) -> bool {
    node.as_bool() == Some(true)
        || node
            .as_str()
            .is_some_and(|s| s.eq_ignore_ascii_case("true"))
}

/// A scalar whose value is exactly `host` (namespace sharing: `network_mode`, `pid`, `ipc`…).
pub(crate) fn host_mode<'a>(service: &Service<'a>, key: &str) -> Option<&'a Node> {
    let value = service.get(key)?;
    (value.as_str()? == "host").then_some(value)
}

/// An image reference split into its parts: `registry:5000/team/app:1.2@sha256:…`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ImageRef<'a> {
    /// Repository without registry host: `team/app`; Docker Hub's `library/postgres` is
    /// `postgres`.
    pub repository: &'a str,
    /// The image's own name, the last component of the repository (a whole `${IMAGE}` when a
    /// variable names it).
    pub name: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

pub(crate) fn parse_image(image: &str) -> ImageRef<'_> {
    let reference = shipshape_syntax::image::parse(image);
    ImageRef {
        repository: reference.familiar_repository(),
        name: reference.name(),
        tag: reference.tag(),
        digest: reference.digest(),
    }
}

/// A database or broker that keeps state.
#[derive(Debug)]
pub(crate) struct Database {
    pub name: &'static str,
    /// Image repositories (without registry) that run it; a trailing `*` matches a prefix.
    pub images: &'static [&'static str],
    /// Those of `images` that declare a `VOLUME` at the data directory (the official images
    /// and images built on them): without a mount, the data goes to an anonymous volume.
    pub volume_images: &'static [&'static str],
    /// Where the official image keeps its data; empty for in-memory caches.
    pub data_dirs: &'static [&'static str],
    /// Environment variable that moves the data directory (`PGDATA`).
    pub data_dir_env: Option<&'static str>,
}

/// The databases shipshape recognises by image, and their data directories.
pub(crate) static DATABASES: &[Database] = &[
    Database {
        name: "PostgreSQL",
        images: &[
            "postgres",
            "postgis/postgis",
            "timescale/timescaledb*",
            "bitnami/postgresql*",
            "pgvector/pgvector",
            "supabase/postgres",
        ],
        volume_images: &[
            "postgres",
            "postgis/postgis",
            "timescale/timescaledb*",
            "pgvector/pgvector",
        ],
        data_dirs: &[
            "/var/lib/postgresql/data",
            "/var/lib/postgresql",
            "/bitnami/postgresql",
        ],
        data_dir_env: Some("PGDATA"),
    },
    Database {
        name: "MySQL",
        images: &["mysql", "mysql/mysql-server", "bitnami/mysql", "percona*"],
        volume_images: &["mysql"],
        data_dirs: &["/var/lib/mysql", "/bitnami/mysql"],
        data_dir_env: None,
    },
    Database {
        name: "MariaDB",
        images: &["mariadb", "bitnami/mariadb"],
        volume_images: &["mariadb"],
        data_dirs: &["/var/lib/mysql", "/bitnami/mariadb"],
        data_dir_env: None,
    },
    Database {
        name: "MongoDB",
        images: &[
            "mongo",
            "mongodb/mongodb-community-server",
            "bitnami/mongodb",
        ],
        volume_images: &["mongo"],
        data_dirs: &["/data/db", "/bitnami/mongodb"],
        data_dir_env: None,
    },
    Database {
        name: "Redis",
        images: &[
            "redis",
            "redis/redis-stack*",
            "bitnami/redis",
            "valkey/valkey",
            "eqalpha/keydb",
        ],
        volume_images: &["redis"],
        data_dirs: &["/data", "/bitnami/redis/data"],
        data_dir_env: None,
    },
    Database {
        name: "Elasticsearch",
        images: &[
            "elasticsearch",
            "elasticsearch/elasticsearch",
            "opensearchproject/opensearch",
        ],
        volume_images: &[],
        data_dirs: &[
            "/usr/share/elasticsearch/data",
            "/usr/share/opensearch/data",
        ],
        data_dir_env: None,
    },
    Database {
        name: "Memcached",
        images: &["memcached", "bitnami/memcached"],
        volume_images: &[],
        data_dirs: &[],
        data_dir_env: None,
    },
    Database {
        name: "RabbitMQ",
        images: &["rabbitmq", "bitnami/rabbitmq"],
        volume_images: &["rabbitmq"],
        data_dirs: &["/var/lib/rabbitmq", "/bitnami/rabbitmq"],
        data_dir_env: None,
    },
    Database {
        name: "Kafka",
        images: &[
            "apache/kafka*",
            "confluentinc/cp-kafka",
            "bitnami/kafka",
            "redpandadata/redpanda",
        ],
        volume_images: &[],
        data_dirs: &[
            "/var/lib/kafka/data",
            "/var/lib/kafka",
            "/bitnami/kafka",
            "/var/lib/redpanda/data",
            "/tmp/kraft-combined-logs",
        ],
        data_dir_env: None,
    },
    Database {
        name: "SQL Server",
        images: &["mssql/server", "azure-sql-edge"],
        volume_images: &[],
        data_dirs: &["/var/opt/mssql"],
        data_dir_env: None,
    },
    Database {
        name: "CouchDB",
        images: &["couchdb", "bitnami/couchdb"],
        volume_images: &[],
        data_dirs: &["/opt/couchdb/data", "/bitnami/couchdb"],
        data_dir_env: None,
    },
    Database {
        name: "Cassandra",
        images: &["cassandra", "bitnami/cassandra", "scylladb/scylla"],
        volume_images: &[],
        data_dirs: &[
            "/var/lib/cassandra",
            "/var/lib/scylla",
            "/bitnami/cassandra",
        ],
        data_dir_env: None,
    },
    Database {
        name: "Neo4j",
        images: &["neo4j"],
        volume_images: &[],
        data_dirs: &["/data"],
        data_dir_env: None,
    },
    Database {
        name: "ClickHouse",
        images: &[
            "clickhouse/clickhouse-server",
            "clickhouse",
            "yandex/clickhouse-server",
        ],
        volume_images: &[],
        data_dirs: &["/var/lib/clickhouse"],
        data_dir_env: None,
    },
    Database {
        name: "InfluxDB",
        images: &["influxdb"],
        volume_images: &[],
        data_dirs: &["/var/lib/influxdb2", "/var/lib/influxdb"],
        data_dir_env: None,
    },
    Database {
        name: "CockroachDB",
        images: &["cockroachdb/cockroach"],
        volume_images: &[],
        data_dirs: &["/cockroach/cockroach-data"],
        data_dir_env: None,
    },
];

pub(crate) fn database_for_image(image: &str) -> Option<&'static Database> {
    DATABASES.iter().find(|db| matches_any(db.images, image))
}

/// Whether an image's repository matches one of `patterns` (a trailing `*` is a prefix).
pub(crate) fn matches_any(patterns: &[&str], image: &str) -> bool {
    let repository = parse_image(image).repository.to_ascii_lowercase();
    patterns
        .iter()
        .any(|pattern| match pattern.strip_suffix('*') {
            Some(prefix) => repository.starts_with(prefix),
            None => repository == *pattern,
        })
}

/// The text of a short-syntax spec: after interpolation, or as written when it depends on a
/// variable the project does not set (`$HOME/.ssh:/root/.ssh` stays readable, where the
/// interpolated `/.ssh:/root/.ssh` would mislead).
fn spec_text(item: &Node) -> Option<&str> {
    let text = if item.is_unresolved() {
        item.written()?
    } else {
        item.as_str()?
    };
    Some(text.trim())
}

/// Splits on `:` outside `${…}` interpolations and `[…]` IPv6 brackets.
pub(crate) fn split_colons(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth_brace, mut depth_bracket, mut start) = (0usize, 0usize, 0usize);
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' if i > 0 && bytes[i - 1] == b'$' => depth_brace += 1,
            b'}' if depth_brace > 0 => depth_brace -= 1,
            b'[' => depth_bracket += 1,
            b']' if depth_bracket > 0 => depth_bracket -= 1,
            b':' if depth_brace == 0 && depth_bracket == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// One published port as written, short (`"127.0.0.1:5432:5432/tcp"`) or long syntax.
#[derive(Debug)]
pub(crate) struct PortMapping<'a> {
    /// The host IP, if one is given (brackets of IPv6 removed).
    pub host_ip: Option<String>,
    /// Container port or range (`5432`, `9200-9300`), protocol removed.
    pub container: Option<String>,
    /// The token a finding points at: the short-syntax item, or the long-syntax value that
    /// decides where the port is published.
    pub node: &'a Node,
}

pub(crate) fn port_mappings<'a>(service: &Service<'a>) -> Vec<PortMapping<'a>> {
    let Some(ports) = service.get("ports") else {
        return Vec::new();
    };
    ports
        .items()
        .iter()
        .filter_map(|item| {
            if item.is_map() {
                let target = item.get("target");
                let host_ip = item.get("host_ip");
                let anchor = host_ip.or(item.get("published")).or(target)?;
                return Some(PortMapping {
                    host_ip: host_ip.and_then(Node::as_str).map(unbracket),
                    container: target.and_then(Node::as_str).map(str::to_owned),
                    node: anchor,
                });
            }
            let text = spec_text(item)?;
            let parts = split_colons(text);
            let (host_ip, container) = match parts.as_slice() {
                [container] => (None, *container),
                [_host, container] => (None, *container),
                [ip, _host, container] => (Some(unbracket(ip)), *container),
                _ => return None,
            };
            let container = container.split('/').next().unwrap_or(container);
            Some(PortMapping {
                host_ip: host_ip.filter(|ip| !ip.is_empty()),
                container: Some(container.to_owned()),
                node: item,
            })
        })
        .collect()
}

fn unbracket(ip: &str) -> String {
    ip.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned()
}

/// Whether a host IP means every interface.
pub(crate) fn is_all_interfaces(ip: Option<&str>) -> bool {
    matches!(ip, None | Some("0.0.0.0" | "::" | ""))
}

/// A volume of a service, short (`"./data:/var/lib/x:ro"`) or long syntax.
#[derive(Debug)]
pub(crate) struct Mount<'a> {
    /// Host path or named volume, as written; `None` for an anonymous volume.
    pub source: Option<String>,
    /// Path inside the container.
    pub target: Option<String>,
    pub read_only: bool,
    /// `bind`, `volume`, `tmpfs`…, inferred from the source for the short syntax.
    pub kind: MountKind,
    /// The token a finding points at: the short-syntax item or the long-syntax `source`.
    pub node: &'a Node,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MountKind {
    Bind,
    Volume,
    Other,
}

pub(crate) fn mounts<'a>(service: &Service<'a>) -> Vec<Mount<'a>> {
    let Some(volumes) = service.get("volumes") else {
        return Vec::new();
    };
    volumes
        .items()
        .iter()
        .filter_map(|item| {
            if item.is_map() {
                let source = item.get("source");
                let kind = match item.get("type").and_then(Node::as_str) {
                    Some("bind") => MountKind::Bind,
                    Some("volume") | None => MountKind::Volume,
                    Some(_) => MountKind::Other,
                };
                let read_only = item.get("read_only").is_some_and(is_true);
                return Some(Mount {
                    source: source.and_then(Node::as_str).map(str::to_owned),
                    target: item.get("target").and_then(Node::as_str).map(str::to_owned),
                    read_only,
                    kind,
                    node: source.or(item.get("target")).unwrap_or(item),
                });
            }
            let text = spec_text(item)?;
            let parts = split_volume(text);
            let (source, target, mode) = match parts.as_slice() {
                [target] => (None, *target, ""),
                [source, target] => (Some(*source), *target, ""),
                [source, target, mode, ..] => (Some(*source), *target, *mode),
                [] => return None,
            };
            let kind = match source {
                Some(s) if is_host_path(s) => MountKind::Bind,
                _ => MountKind::Volume,
            };
            Some(Mount {
                source: source.map(str::to_owned),
                target: Some(target.to_owned()),
                read_only: mode.split(',').any(|m| m == "ro"),
                kind,
                node: item,
            })
        })
        .collect()
}

/// Splits a short volume spec on `:`, keeping a Windows drive letter (`C:\data`) whole.
fn split_volume(text: &str) -> Vec<&str> {
    let parts = split_colons(text);
    match parts.as_slice() {
        // With only two parts, `x:/data` is a one-letter volume name, not a drive.
        [drive, rest @ ..]
            if rest.len() >= 2
                && drive.len() == 1
                && drive.chars().all(|c| c.is_ascii_alphabetic())
                && rest
                    .first()
                    .is_some_and(|r| r.starts_with('\\') || r.starts_with('/')) =>
        {
            let joined_len = drive.len() + 1 + rest[0].len();
            let mut out = vec![&text[..joined_len]];
            out.extend_from_slice(&rest[1..]);
            out
        }
        _ => parts,
    }
}

/// A short-syntax source that names a host path rather than a named volume.
pub(crate) fn is_host_path(source: &str) -> bool {
    source.starts_with(['/', '.', '~', '$', '\\'])
        || (source.len() > 1 && source.as_bytes()[1] == b':')
}

/// A host path with `$HOME`/`${HOME}` spelled `~`, trailing slashes removed.
pub(crate) fn normalize_host_path(path: &str) -> String {
    let path = path.trim();
    let path = ["${HOME}", "$HOME"]
        .iter()
        .find_map(|home| path.strip_prefix(home).map(|rest| format!("~{rest}")))
        .unwrap_or_else(|| path.to_owned());
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        "/".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// Host paths of top-level named volumes that are bind mounts in disguise
/// (`driver_opts: {type: none, o: bind, device: /etc}`), with the token of the path.
pub(crate) fn volume_device_paths(root: &Node) -> Vec<&Node> {
    root.get("volumes")
        .into_iter()
        .flat_map(|v| v.entries())
        .filter_map(|e| e.value.get("driver_opts")?.get("device"))
        .filter(|device| device.as_str().is_some_and(|p| p.starts_with('/')))
        .collect()
}

/// Whether `path` is `dir` or lies under it.
pub(crate) fn is_within(path: &str, dir: &str) -> bool {
    path == dir
        || (path.starts_with(dir)
            && (dir.ends_with('/') || path.as_bytes().get(dir.len()) == Some(&b'/')))
}

/// Runs one rule over a compose text and returns each finding as (underlined text, message).
#[cfg(test)]
pub(crate) fn findings(rule: &dyn ComposeRule, source: &str) -> Vec<(String, String)> {
    let read = |p: &str| (p == "compose.yaml").then(|| source.to_string());
    let project = compose::load(&["compose.yaml".to_string()], &read);
    assert!(project.errors.is_empty(), "{:?}", project.errors);
    let sources = vec![source.to_string()];
    let doc = ComposeDoc {
        project: &project,
        root: &project.model,
        sources: &sources,
    };
    let mut out = Vec::new();
    rule.check(&doc, &mut out);
    out.into_iter()
        .map(|d| (d.span.text(source).to_owned(), d.message))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_reference_separates_registry_port_from_tag() {
        let r = parse_image("registry.example.com:5000/team/app:1.2@sha256:abc");
        assert_eq!(r.repository, "team/app");
        assert_eq!(r.tag, Some("1.2"));
        assert_eq!(r.digest, Some("sha256:abc"));
        let r = parse_image("localhost:5000/app");
        assert_eq!((r.repository, r.tag), ("app", None));
        let r = parse_image("docker.io/library/postgres:16");
        assert_eq!((r.repository, r.tag), ("postgres", Some("16")));
    }

    #[test]
    fn recognises_databases_by_image_repository_not_substring() {
        assert_eq!(
            database_for_image("postgres:16-alpine").map(|d| d.name),
            Some("PostgreSQL")
        );
        assert_eq!(
            database_for_image("ghcr.io/bitnami/postgresql-repmgr:16").map(|d| d.name),
            Some("PostgreSQL")
        );
        assert_eq!(
            database_for_image("mcr.microsoft.com/mssql/server:2022-latest").map(|d| d.name),
            Some("SQL Server")
        );
        assert!(database_for_image("postgres-exporter").is_none());
        assert!(database_for_image("myorg/redis-commander").is_none());
    }

    #[test]
    fn splits_colons_outside_interpolations_and_ipv6_brackets() {
        assert_eq!(
            split_colons("${PORT:-5432}:5432"),
            ["${PORT:-5432}", "5432"]
        );
        assert_eq!(split_colons("[::1]:80:80"), ["[::1]", "80", "80"]);
        assert_eq!(
            split_volume("C:\\data:/data:ro"),
            ["C:\\data", "/data", "ro"]
        );
        // Two parts: a one-letter volume name, not a drive.
        assert_eq!(split_volume("x:/data"), ["x", "/data"]);
    }

    #[test]
    fn normalises_home_spellings() {
        assert_eq!(normalize_host_path("${HOME}/.ssh/"), "~/.ssh");
        assert_eq!(normalize_host_path("$HOME/.aws"), "~/.aws");
        assert_eq!(normalize_host_path("/"), "/");
        assert!(is_within("/etc/nginx", "/etc"));
        assert!(!is_within("/etcetera", "/etc"));
    }
}
