//! ## What it does
//! Flags services with `network_mode: host`.
//!
//! ## Why is this bad?
//! With the host network a container sees every interface of the host, can bind any port on it
//! and reach services that listen only on the host's localhost (databases, admin consoles,
//! the cloud metadata endpoint). Compose networks, `ports` and their isolation no longer apply.
//!
//! ## Example
//! ```yaml
//! services:
//!   web:
//!     image: example/web:1.0
//!     network_mode: host
//! ```
//!
//! ## Fix
//! Remove `network_mode: host`; publish the ports the service needs with `ports` (bound to `127.0.0.1` if only the host
//! should reach them) and let services talk over a Compose network.

use shipshape_core::Severity;

use super::{host_mode, services};
use crate::rule::{ComposeDoc, ComposeRule, Diagnostic, Domain, RuleMeta};

pub struct NoHostNetwork;

pub static META: RuleMeta = RuleMeta {
    id: "SS-COMPOSE-003",
    slug: "no-host-network",
    domain: Domain::Compose,
    severity: Severity::Warning,
    title: "Service shares the host's network stack",
    equivalents: &["kics:Shared Host Network Namespace"],
};

impl ComposeRule for NoHostNetwork {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &ComposeDoc, out: &mut Vec<Diagnostic>) {
        for service in services(doc.root) {
            if let Some(node) = host_mode(&service, "network_mode") {
                out.push(doc.at(
                    node,
                    format!(
                        "service `{}` shares the host's network stack (`network_mode: host`)",
                        service.name()
                    ),
                ));
            }
        }
    }
}
