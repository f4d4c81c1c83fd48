//! ## What it does
//! Flags services with neither `restart` nor `deploy.restart_policy`.
//!
//! ## Why is this bad?
//! Without a policy a service that crashes, or whose host reboots, stays down until someone
//! notices. An explicit `restart: "no"` is fine: it records that a one-off task should not be
//! restarted.
//!
//! ## Example
//! ```yaml
//! services:
//!   web:
//!     image: example/web:2.3
//! ```
//!
//! ## Fix
//! ```yaml
//! services:
//!   web:
//!     image: example/web:2.3
//!     restart: unless-stopped
//! ```

use shipshape_core::Severity;

use super::services;
use crate::rule::{ComposeDoc, ComposeRule, Diagnostic, Domain, RuleMeta};

pub struct RestartPolicy;

pub static META: RuleMeta = RuleMeta {
    id: "SS-COMPOSE-015",
    slug: "restart-policy",
    domain: Domain::Compose,
    severity: Severity::Info,
    title: "Service without a restart policy",
    equivalents: &["kics:Restart Policy On Failure Not Set To 5"],
};

impl ComposeRule for RestartPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &ComposeDoc, out: &mut Vec<Diagnostic>) {
        for service in services(doc.root) {
            if service.get("restart").is_some()
                || service.path(&["deploy", "restart_policy"]).is_some()
            {
                continue;
            }
            out.push(doc.at(
                service.key,
                format!("service `{}` has no restart policy", service.name()),
            ));
        }
    }
}
