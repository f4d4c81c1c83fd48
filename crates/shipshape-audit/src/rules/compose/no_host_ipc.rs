//! ## What it does
//! Flags services with `ipc: host`.
//!
//! ## Why is this bad?
//! With the host IPC namespace a container can read and write the shared memory segments,
//! semaphores and message queues of every process on the host, including other containers'
//! data in transit.
//!
//! ## Example
//! ```yaml
//! services:
//!   worker:
//!     image: example/worker:1.0
//!     ipc: host
//! ```
//!
//! ## Fix
//! Remove `ipc: host`; if two services must share memory, use `ipc: shareable` on one and
//! `ipc: "service:<name>"` on the other.

use shipshape_core::Severity;

use super::{host_mode, services};
use crate::rule::{ComposeDoc, ComposeRule, Diagnostic, Domain, RuleMeta};

pub struct NoHostIpc;

pub static META: RuleMeta = RuleMeta {
    id: "SS-COMPOSE-005",
    slug: "no-host-ipc",
    domain: Domain::Compose,
    severity: Severity::Warning,
    title: "Service shares the host's IPC namespace",
    equivalents: &["kics:Shared Host IPC Namespace"],
};

impl ComposeRule for NoHostIpc {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &ComposeDoc, out: &mut Vec<Diagnostic>) {
        for service in services(doc.root) {
            if let Some(node) = host_mode(&service, "ipc") {
                out.push(doc.at(
                    node,
                    format!(
                        "service `{}` shares the host's IPC namespace (`ipc: host`)",
                        service.name()
                    ),
                ));
            }
        }
    }
}
