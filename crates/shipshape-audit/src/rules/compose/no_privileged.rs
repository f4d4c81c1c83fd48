//! ## What it does
//! Flags services that run with `privileged: true`.
//!
//! ## Why is this bad?
//! A privileged container gets every Linux capability, every host device and no seccomp,
//! AppArmor or SELinux confinement. A process that escapes the application owns the host: it can
//! mount the host's disks, load kernel modules and read other containers' memory.
//!
//! ## Example
//! ```yaml
//! services:
//!   agent:
//!     image: example/agent:2.1
//!     privileged: true
//! ```
//!
//! ## Fix
//! Remove `privileged` and grant only the capabilities or devices the service needs:
//! ```yaml
//! services:
//!   agent:
//!     image: example/agent:2.1
//!     cap_add: [NET_BIND_SERVICE]
//! ```

use shipshape_core::Severity;

use super::{is_true, services};
use crate::rule::{ComposeDoc, ComposeRule, Diagnostic, Domain, RuleMeta};

pub struct NoPrivileged;

pub static META: RuleMeta = RuleMeta {
    id: "SS-COMPOSE-001",
    slug: "no-privileged",
    domain: Domain::Compose,
    severity: Severity::Error,
    title: "Service runs privileged",
    equivalents: &["kics:Privileged Containers Enabled"],
};

impl ComposeRule for NoPrivileged {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &ComposeDoc, out: &mut Vec<Diagnostic>) {
        for service in services(doc.root) {
            if let Some(value) = service.get("privileged").filter(|v| is_true(v)) {
                out.push(doc.at(
                    value,
                    format!(
                        "service `{}` runs privileged: it has every capability and device of the host",
                        service.name()
                    ),
                ));
            }
        }
    }
}
