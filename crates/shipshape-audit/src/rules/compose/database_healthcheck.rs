//! ## What it does
//! Flags database and broker services (recognised by image: postgres, mysql, mariadb, mongo,
//! redis, elasticsearch, rabbitmq, kafka…) that define no healthcheck. Most official database
//! images ship none, so Compose cannot tell when they are ready.
//!
//! ## Why is this bad?
//! A database takes seconds to initialise. Without a healthcheck, `depends_on` can only wait for
//! the container to start, `docker compose up --wait` returns too early, and a database that
//! hangs or runs out of disk still shows as "running".
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
//!     healthcheck:
//!       test: ["CMD-SHELL", "pg_isready -U postgres"]
//!       interval: 5s
//!       timeout: 3s
//!       retries: 10
//! ```

use shipshape_core::Severity;

use super::services;
use crate::rule::{ComposeDoc, ComposeRule, Diagnostic, Domain, RuleMeta};

pub struct DatabaseHealthcheck;

pub static META: RuleMeta = RuleMeta {
    id: "SS-COMPOSE-013",
    slug: "database-healthcheck",
    domain: Domain::Compose,
    severity: Severity::Info,
    title: "Database service without a healthcheck",
    equivalents: &["kics:Healthcheck Not Set"],
};

impl ComposeRule for DatabaseHealthcheck {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &ComposeDoc, out: &mut Vec<Diagnostic>) {
        for service in services(doc.root) {
            let Some(db) = service.database() else {
                continue;
            };
            // A disabled healthcheck has a rule of its own.
            if service.get("healthcheck").is_some() {
                continue;
            }
            out.push(doc.at(
                service.key,
                format!(
                    "{} service `{}` has no healthcheck",
                    db.name,
                    service.name()
                ),
            ));
        }
    }
}
