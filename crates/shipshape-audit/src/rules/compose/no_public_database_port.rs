//! ## What it does
//! Flags the ports of a service running a database or broker image (postgres, mysql, mariadb,
//! mongo, redis, elasticsearch, rabbitmq, kafka, clickhouse…) published on every interface of
//! the host: the mapping has no host IP or binds `0.0.0.0`/`::`. Short (`"5432:5432"`,
//! `"0.0.0.0:5432:5432"`) and long syntax (`host_ip`) are both read, after interpolation, so
//! `"${DB_PORT:-127.0.0.1:5432}:5432"` is loopback. The database is known by its image, never
//! guessed from a port number: port 9000 is ClickHouse's and also Portainer's, MinIO's and
//! php-fpm's. A port whose value depends on a variable the project does not set is left alone.
//!
//! ## Why is this bad?
//! `ports` without a host IP listens on all interfaces, and Docker's port publishing bypasses
//! host firewalls such as ufw. A database meant for the developer's tools or the neighbouring
//! containers becomes reachable from the network, often with default credentials; scanners find
//! exposed Redis, MongoDB and Elasticsearch within hours.
//!
//! ## Example
//! ```yaml
//! services:
//!   db:
//!     image: postgres:16
//!     ports:
//!       - "5432:5432"
//! ```
//!
//! ## Fix
//! Bind the port to the loopback interface, or drop `ports` entirely: other services reach the
//! database over the Compose network by its service name.
//! ```yaml
//! services:
//!   db:
//!     image: postgres:16
//!     ports:
//!       - "127.0.0.1:5432:5432"
//! ```

use shipshape_core::Severity;

use super::{is_all_interfaces, port_mappings, services};
use crate::rule::{ComposeDoc, ComposeRule, Diagnostic, Domain, RuleMeta};

pub struct NoPublicDatabasePort;

pub static META: RuleMeta = RuleMeta {
    id: "SS-COMPOSE-010",
    slug: "no-public-database-port",
    domain: Domain::Compose,
    severity: Severity::Warning,
    title: "Database port published on all interfaces",
    equivalents: &[
        "kics:Container Traffic Not Bound To Host Interface",
        "dclint:no-unbound-port-interfaces",
    ],
};

impl ComposeRule for NoPublicDatabasePort {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &ComposeDoc, out: &mut Vec<Diagnostic>) {
        for service in services(doc.root) {
            let Some(db) = service.database() else {
                continue;
            };
            for mapping in port_mappings(&service) {
                if mapping.node.is_unresolved() || !is_all_interfaces(mapping.host_ip.as_deref()) {
                    continue;
                }
                let Some(container) = mapping.container.as_deref() else {
                    continue;
                };
                out.push(doc.at(
                    mapping.node,
                    format!(
                        "{} port {container} of service `{}` is published on all interfaces; \
                         bind it to 127.0.0.1 (`127.0.0.1:{container}:{container}`)",
                        db.name,
                        service.name()
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::NoPublicDatabasePort;
    use crate::rules::compose::findings;

    fn flagged(yaml: &str) -> Vec<String> {
        findings(&NoPublicDatabasePort, yaml)
            .into_iter()
            .map(|(token, _)| token)
            .collect()
    }

    #[test]
    fn flags_every_spelling_of_all_interfaces() {
        let yaml = r#"
services:
  db:
    image: postgres:16
    ports:
      - "0.0.0.0:5432:5432"
      - "[::]:5433:5432"
      - 5432
      - "${DB_PORT:-5432}:5432"
"#;
        assert_eq!(
            flagged(yaml),
            [
                r#""0.0.0.0:5432:5432""#,
                r#""[::]:5433:5432""#,
                "5432",
                r#""${DB_PORT:-5432}:5432""#
            ]
        );
    }

    #[test]
    fn loopback_and_specific_interfaces_are_not_flagged() {
        let yaml = r#"
services:
  db:
    image: mysql:8.4
    ports: ["127.0.0.1:3306:3306", "[::1]:3307:3306", "10.0.0.5:3308:3306"]
"#;
        assert!(flagged(yaml).is_empty());
    }

    /// Portainer's port 9000 is not ClickHouse's.
    #[test]
    fn a_port_number_alone_makes_no_database() {
        let yaml = r#"
services:
  portainer:
    image: portainer/portainer-ce:2.21.0
    ports: ["9000:9000", "9443:9443"]
  cache:
    build: ./cache
    ports: ["6379:6379"]
"#;
        assert!(flagged(yaml).is_empty());
    }

    #[test]
    fn a_default_that_binds_loopback_is_loopback() {
        let yaml = r#"
services:
  db:
    image: postgres:16
    ports: ["${PORT:-127.0.0.1:5432}:5432", "${UNSET_BIND}:5433:5432"]
"#;
        assert!(flagged(yaml).is_empty());
    }

    #[test]
    fn any_port_of_a_database_image_counts_but_app_ranges_do_not() {
        let yaml = r#"
services:
  search:
    image: docker.elastic.co/elasticsearch/elasticsearch:8.15.0
    ports: ["9201:9200"]
  app:
    image: example/app:1.0
    ports: ["8000-9000:8000-9000", "3000:3000"]
"#;
        assert_eq!(flagged(yaml), [r#""9201:9200""#]);
    }
}
