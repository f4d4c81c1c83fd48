//! ## What it does
//! Flags database services (recognised by image) that mount nothing at the image's data
//! directory (`/var/lib/postgresql/data`, `/var/lib/mysql`, `/data/db`, `/data` for Redis…, or
//! the folder named by `PGDATA`). A `tmpfs` there counts as a deliberate choice; in-memory caches
//! such as Memcached are not checked.
//!
//! The finding is `info`: an ephemeral database is what a test or CI compose file wants.
//!
//! ## Why is this bad?
//! Without a volume the data lives in the container's writable layer: a recreated container
//! after an image update or a changed option, and the data is gone. Images that declare a
//! `VOLUME` at the data directory (the official PostgreSQL, MySQL, MariaDB, MongoDB, Redis and
//! RabbitMQ images) keep it in an anonymous volume instead, which Compose reattaches when it
//! recreates the container but `docker compose down` leaves behind: the next `up` starts from
//! an empty database while the old data sits in a volume nobody names.
//!
//! ## Example
//! ```yaml
//! services:
//!   db:
//!     image: postgres:16
//! ```
//!
//! ## Fix
//! ```yaml
//! services:
//!   db:
//!     image: postgres:16
//!     volumes:
//!       - db-data:/var/lib/postgresql/data
//! volumes:
//!   db-data:
//! ```

use shipshape_core::Severity;

use super::{is_within, matches_any, mounts, services, Database, Service};
use crate::rule::{ComposeDoc, ComposeRule, Diagnostic, Domain, RuleMeta};

pub struct DatabaseDataVolume;

pub static META: RuleMeta = RuleMeta {
    id: "SS-COMPOSE-014",
    slug: "database-data-volume",
    domain: Domain::Compose,
    severity: Severity::Info,
    title: "Database service without a volume for its data",
    equivalents: &[],
};

/// Where the service keeps its data: the image's data directories, or the one set by its
/// data-directory variable.
fn data_dirs(service: &Service, db: &Database) -> Vec<String> {
    let mut dirs: Vec<String> = db.data_dirs.iter().map(|d| (*d).to_owned()).collect();
    if let (Some(var), Some(env)) = (db.data_dir_env, service.get("environment")) {
        let from_map = env.get(var).and_then(|v| v.as_str()).map(str::to_owned);
        let from_list = env.items().iter().find_map(|item| {
            let (name, value) = item.as_str()?.split_once('=')?;
            (name.trim() == var).then(|| value.trim().to_owned())
        });
        dirs.extend(from_map.or(from_list));
    }
    dirs
}

/// A mount covers the data when it sits at the data directory, above it or inside it.
fn covers(target: &str, dir: &str) -> bool {
    let target = target.trim_end_matches('/');
    !target.is_empty() && (is_within(dir, target) || is_within(target, dir))
}

impl ComposeRule for DatabaseDataVolume {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &ComposeDoc, out: &mut Vec<Diagnostic>) {
        for service in services(doc.root) {
            let Some(db) = service.database() else {
                continue;
            };
            let dirs = data_dirs(&service, db);
            if dirs.is_empty() {
                continue;
            }
            let mounted = mounts(&service).iter().any(|m| {
                m.target
                    .as_deref()
                    .is_some_and(|t| dirs.iter().any(|d| covers(t, d)))
            });
            let tmpfs = service.get("tmpfs").is_some_and(|t| {
                let targets: Vec<&str> = match t.as_str() {
                    Some(one) => vec![one],
                    None => t.items().iter().filter_map(|i| i.as_str()).collect(),
                };
                targets.iter().any(|spec| {
                    let target = spec.split(':').next().unwrap_or(spec);
                    dirs.iter().any(|d| covers(target, d))
                })
            });
            if mounted || tmpfs {
                continue;
            }
            let anonymous = service
                .image()
                .is_some_and(|(_, image)| matches_any(db.volume_images, image));
            let fate = if anonymous {
                "the image's own VOLUME keeps it in an anonymous volume, which \
                 `docker compose down` orphans: the next `up` starts empty"
            } else {
                "its data is lost when the container is recreated"
            };
            out.push(doc.at(
                service.key,
                format!(
                    "{} service `{}` has no volume at {}: {fate}",
                    db.name,
                    service.name(),
                    dirs[0]
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DatabaseDataVolume;
    use crate::rules::compose::findings;

    #[test]
    fn a_volume_above_or_below_the_data_directory_counts() {
        let yaml = r#"
services:
  pg:
    image: postgres:16
    volumes: ["pg:/var/lib/postgresql"]
  bitnami:
    image: bitnami/postgresql:16
    volumes: ["bn:/bitnami/postgresql"]
  pgdata_list:
    image: postgres:16
    environment: ["PGDATA=/var/lib/postgresql/data/pgdata"]
    volumes: ["x:/var/lib/postgresql/data/pgdata"]
"#;
        assert_eq!(findings(&DatabaseDataVolume, yaml), []);
    }

    #[test]
    fn an_init_script_mount_is_not_a_data_volume() {
        let yaml = "services:\n  db:\n    image: postgres:16\n    volumes: [\"./init.sql:/docker-entrypoint-initdb.d/init.sql\"]\n";
        let found = findings(&DatabaseDataVolume, yaml);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "db");
    }
}
