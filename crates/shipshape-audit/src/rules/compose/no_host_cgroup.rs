//! ## What it does
//! Flags services with `cgroup: host`.
//!
//! ## Why is this bad?
//! With `cgroup: host` a container sees the host's whole cgroup hierarchy instead of its own
//! subtree. That reveals what else runs on the machine and, combined with a writable cgroup
//! filesystem, is a known step in container escapes (release_agent).
//!
//! ## Example
//! ```yaml
//! services:
//!   app:
//!     image: example/app:1.0
//!     cgroup: host
//! ```
//!
//! ## Fix
//! Remove `cgroup: host`; the default private cgroup namespace is enough for almost every workload.

use shipshape_core::Severity;

use super::{host_mode, services};
use crate::rule::{ComposeDoc, ComposeRule, Diagnostic, Domain, RuleMeta};

pub struct NoHostCgroup;

pub static META: RuleMeta = RuleMeta {
    id: "SS-COMPOSE-020",
    slug: "no-host-cgroup",
    domain: Domain::Compose,
    severity: Severity::Warning,
    title: "Service shares the host's cgroup namespace",
    equivalents: &[],
};

impl ComposeRule for NoHostCgroup {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &ComposeDoc, out: &mut Vec<Diagnostic>) {
        for service in services(doc.root) {
            if let Some(node) = host_mode(&service, "cgroup") {
                out.push(doc.at(
                    node,
                    format!(
                        "service `{}` shares the host's cgroup namespace (`cgroup: host`)",
                        service.name()
                    ),
                ));
            }
        }
    }
}
