//! ## What it does
//! Flags services with `uts: host`.
//!
//! ## Why is this bad?
//! With the host UTS namespace a container shares the host's hostname and domain name and, with
//! enough privilege, can change them for the whole machine, confusing logs, monitoring and
//! anything that derives identity from the hostname.
//!
//! ## Example
//! ```yaml
//! services:
//!   app:
//!     image: example/app:1.0
//!     uts: host
//! ```
//!
//! ## Fix
//! Remove `uts: host`; set `hostname:` on the service if it needs a particular name.

use shipshape_core::Severity;

use super::{host_mode, services};
use crate::rule::{ComposeDoc, ComposeRule, Diagnostic, Domain, RuleMeta};

pub struct NoHostUts;

pub static META: RuleMeta = RuleMeta {
    id: "SS-COMPOSE-019",
    slug: "no-host-uts",
    domain: Domain::Compose,
    severity: Severity::Warning,
    title: "Service shares the host's UTS namespace",
    equivalents: &[],
};

impl ComposeRule for NoHostUts {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &ComposeDoc, out: &mut Vec<Diagnostic>) {
        for service in services(doc.root) {
            if let Some(node) = host_mode(&service, "uts") {
                out.push(doc.at(
                    node,
                    format!(
                        "service `{}` shares the host's UTS namespace (`uts: host`)",
                        service.name()
                    ),
                ));
            }
        }
    }
}
