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
use crate::rule::{ComposeDoc, Diagnostic, Rule, RuleMeta, Target};

pub struct NoHostPid;

pub static META: RuleMeta = RuleMeta {
    id: "SS-COMPOSE-004",
    slug: "no-host-pid",
    target: Target::Compose,
    severity: Severity::Error,
    title: "Service shares the host's process namespace",
    rationale: "With the host PID namespace a container sees every process of the host and, as root, can signal, trace or read the memory and environment (secrets) of any of them.",
    fix: "Remove `pid: host`; tools that inspect host processes belong on the host, not beside the application.",
    equivalents: &["kics:Host Namespace is Shared"],
};

impl Rule for NoHostPid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_compose(&self, doc: &ComposeDoc, out: &mut Vec<Diagnostic>) {
        for service in services(doc.root) {
            if let Some(span) = host_mode(&service, "pid") {
                out.push(Diagnostic::new(
                    span,
                    format!(
                        "service `{}` shares the host's process namespace (`pid: host`)",
                        service.name()
                    ),
                ));
            }
        }
    }
}
