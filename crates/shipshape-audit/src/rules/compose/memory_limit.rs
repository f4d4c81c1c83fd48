//! ## What it does
//! Flags services with neither `mem_limit` nor `deploy.resources.limits.memory`.
//!
//! ## Why is this bad?
//! A container without a memory limit can take all of the host's memory. One leak or one large
//! request then gets the kernel's OOM killer choosing a victim among every process on the host,
//! often the database next door, instead of restarting the one container at fault.
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
//!     deploy:
//!       resources:
//!         limits:
//!           memory: 512M
//! ```

use shipshape_core::Severity;

use super::services;
use crate::rule::{ComposeDoc, ComposeRule, Diagnostic, Domain, RuleMeta};

pub struct MemoryLimit;

pub static META: RuleMeta = RuleMeta {
    id: "SS-COMPOSE-016",
    slug: "memory-limit",
    domain: Domain::Compose,
    severity: Severity::Info,
    title: "Service without a memory limit",
    equivalents: &["kics:Memory Not Limited"],
};

impl ComposeRule for MemoryLimit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &ComposeDoc, out: &mut Vec<Diagnostic>) {
        for service in services(doc.root) {
            if service.get("mem_limit").is_some()
                || service
                    .path(&["deploy", "resources", "limits", "memory"])
                    .is_some()
            {
                continue;
            }
            out.push(doc.at(
                service.key,
                format!("service `{}` has no memory limit", service.name()),
            ));
        }
    }
}
