//! ## What it does
//! Flags database and broker ports published on every interface of the host: a container port
//! of a well-known database (5432, 3306, 27017, 6379, 9200, 11211, 5672, 9092, 1433, 5984…), or
//! any port of a service running a database image (postgres, mysql, mariadb, mongo, redis…),
//! when the mapping has no host IP or binds `0.0.0.0`/`::`. Short (`"5432:5432"`,
//! `"0.0.0.0:5432:5432"`) and long syntax (`host_ip`) are both read.
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

use super::{database_for_port, is_all_interfaces, port_mappings, port_range, services, Database};
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
            let image_db = service.database();
            for mapping in port_mappings(&service) {
                if !is_all_interfaces(mapping.host_ip.as_deref()) {
                    continue;
                }
                let Some(container) = mapping.container.as_deref() else {
                    continue;
                };
                let Some(db) = database_on(container, image_db) else {
                    continue;
                };
                out.push(doc.at(
                    &mapping.node,
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

/// The database behind a published container port: the service's own (any port of a database
/// image counts) or the one whose well-known port it is.
fn database_on(container: &str, image_db: Option<&'static Database>) -> Option<&'static Database> {
    if image_db.is_some() {
        return image_db;
    }
    let (low, high) = port_range(container)?;
    // A wide range (`8000-9000`) is an application's, not a database's.
    if high < low || high - low > 100 {
        return None;
    }
    (low..=high).find_map(database_for_port)
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
