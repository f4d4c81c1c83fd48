//! ## What it does
//! Flags `depends_on` entries that name a service with a healthcheck but do not wait for it:
//! the list form (`depends_on: [db]`) or a mapping entry without a `condition`. An explicit
//! `condition: service_started` (or `service_completed_successfully`) is a choice and passes.
//!
//! The finding is `info`: whether starting early matters depends on whether the application
//! retries its first connections, which the compose file does not show.
//!
//! ## Why is this bad?
//! Without a condition Compose starts the dependent service as soon as the dependency's
//! container has *started*, not when it is ready. The application then races the database's
//! start-up and fails its first connections, or crashes and relies on restarts. The
//! dependency's healthcheck already says when it is ready; it only has to be used.
//!
//! ## Example
//! ```yaml
//! services:
//!   web:
//!     image: example/web:2.3
//!     depends_on:
//!       - db
//!   db:
//!     image: postgres:16
//!     healthcheck:
//!       test: ["CMD-SHELL", "pg_isready -U postgres"]
//! ```
//!
//! ## Fix
//! ```yaml
//! services:
//!   web:
//!     image: example/web:2.3
//!     depends_on:
//!       db:
//!         condition: service_healthy
//! ```

use shipshape_core::Severity;

use super::{service, services};
use crate::rule::{ComposeDoc, ComposeRule, Diagnostic, Domain, RuleMeta};

pub struct DependsOnHealthy;

pub static META: RuleMeta = RuleMeta {
    id: "SS-COMPOSE-012",
    slug: "depends-on-healthy",
    domain: Domain::Compose,
    severity: Severity::Info,
    title: "`depends_on` does not wait for a dependency's healthcheck",
    equivalents: &[],
};

impl ComposeRule for DependsOnHealthy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &ComposeDoc, out: &mut Vec<Diagnostic>) {
        for dependent in services(doc.root) {
            let Some(depends_on) = dependent.get("depends_on") else {
                continue;
            };
            let has_healthcheck =
                |name: &str| service(doc.root, name).is_some_and(|s| s.has_active_healthcheck());
            let message = |name: &str, how: &str| {
                format!(
                    "service `{}` waits for `{name}` {how}, but `{name}` has a healthcheck; \
                     use `condition: service_healthy`",
                    dependent.name()
                )
            };
            for item in depends_on.items() {
                let Some(name) = item.as_str() else { continue };
                if has_healthcheck(name) {
                    out.push(doc.at(item, message(name, "only to start")));
                }
            }
            for entry in depends_on.entries() {
                let Some(name) = entry.key.as_str() else {
                    continue;
                };
                let condition = entry.value.get("condition");
                let waits_for_health =
                    condition.and_then(|c| c.as_str()) == Some("service_healthy");
                if waits_for_health || !has_healthcheck(name) {
                    continue;
                }
                // An explicit condition is a choice, not an oversight.
                if condition.is_some() {
                    continue;
                }
                out.push(doc.at(&entry.key, message(name, "only to start")));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DependsOnHealthy;
    use crate::rules::compose::findings;

    #[test]
    fn an_explicit_condition_is_a_choice_a_missing_one_is_flagged() {
        let yaml = r#"
services:
  web:
    image: example/web:1.0
    depends_on:
      db:
        condition: service_started
      cache:
        restart: true
  db:
    image: postgres:16
    healthcheck: {test: ["CMD", "pg_isready"]}
  cache:
    image: redis:7.4
    healthcheck: {test: ["CMD", "redis-cli", "ping"]}
"#;
        let tokens: Vec<String> = findings(&DependsOnHealthy, yaml)
            .into_iter()
            .map(|(token, _)| token)
            .collect();
        assert_eq!(tokens, ["cache"]);
    }

    #[test]
    fn a_disabled_healthcheck_is_no_healthcheck() {
        let yaml = r#"
services:
  web:
    image: example/web:1.0
    depends_on: [db]
  db:
    image: postgres:16
    healthcheck: {disable: true}
"#;
        assert!(findings(&DependsOnHealthy, yaml).is_empty());
    }
}
