//! ## What it does
//! Flags services with `pid: host`.
//!
//! ## Why is this bad?
//! With the host PID namespace a container sees every process of the host. Running as root it can
//! signal or trace any of them and read their memory and environment, secrets included, through
//! `/proc`; it is one `nsenter` away from a shell on the host.
//!
//! ## Example
//! ```yaml
//! services:
//!   app:
//!     image: example/app:1.0
//!     pid: host
//! ```
//!
//! ## Fix
//! Remove `pid: host`; a container needs no other process namespace than its own.

use shipshape_core::Severity;

use super::{host_mode, services};
use crate::rule::{ComposeDoc, ComposeRule, Diagnostic, Domain, RuleMeta};

pub struct NoHostPid;

pub static META: RuleMeta = RuleMeta {
    id: "SS-COMPOSE-004",
    slug: "no-host-pid",
    domain: Domain::Compose,
    severity: Severity::Error,
    title: "Service shares the host's process namespace",
    equivalents: &["kics:Host Namespace is Shared"],
};

impl ComposeRule for NoHostPid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &ComposeDoc, out: &mut Vec<Diagnostic>) {
        for service in services(doc.root) {
            if let Some(node) = host_mode(&service, "pid") {
                out.push(doc.at(
                    node,
                    format!(
                        "service `{}` shares the host's process namespace (`pid: host`)",
                        service.name()
                    ),
                ));
            }
        }
    }
}
