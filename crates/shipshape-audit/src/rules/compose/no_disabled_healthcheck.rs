//! ## What it does
//! Flags healthchecks that are switched off: `disable: true` or a `test` of `["NONE"]`.
//!
//! ## Why is this bad?
//! Disabling a healthcheck also discards the one the image defines. Compose then reports the
//! service as running while it is deadlocked or not yet listening, `depends_on` with
//! `service_healthy` cannot be used, and `docker compose up --wait` returns too early.
//!
//! ## Example
//! ```yaml
//! services:
//!   api:
//!     image: example/api:1.8
//!     healthcheck:
//!       disable: true
//! ```
//!
//! ## Fix
//! Remove the override, or replace it with a check that fits the service:
//! ```yaml
//! services:
//!   api:
//!     image: example/api:1.8
//!     healthcheck:
//!       test: ["CMD", "wget", "-qO-", "http://localhost:8080/healthz"]
//! ```

use shipshape_core::Severity;

use super::{disabled_healthcheck, services};
use crate::rule::{ComposeDoc, ComposeRule, Diagnostic, Domain, RuleMeta};

pub struct NoDisabledHealthcheck;

pub static META: RuleMeta = RuleMeta {
    id: "SS-COMPOSE-021",
    slug: "no-disabled-healthcheck",
    domain: Domain::Compose,
    severity: Severity::Info,
    title: "Healthcheck disabled",
    equivalents: &["kics:Healthcheck Not Set"],
};

impl ComposeRule for NoDisabledHealthcheck {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &ComposeDoc, out: &mut Vec<Diagnostic>) {
        for service in services(doc.root) {
            let Some(token) = service.get("healthcheck").and_then(disabled_healthcheck) else {
                continue;
            };
            out.push(doc.at(
                token,
                format!("service `{}` disables its healthcheck", service.name()),
            ));
        }
    }
}
