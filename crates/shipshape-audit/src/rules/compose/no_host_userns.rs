//! ## What it does
//! Flags services with `userns_mode: host`.
//!
//! ## Why is this bad?
//! Where the Docker daemon remaps users (`userns-remap`), root inside a container is an
//! unprivileged user on the host. `userns_mode: host` turns that off for the service: root in the
//! container is root on the host again, and any escape or writable host mount is a host takeover.
//!
//! ## Example
//! ```yaml
//! services:
//!   backup:
//!     image: example/backup:1.0
//!     userns_mode: host
//! ```
//!
//! ## Fix
//! Remove `userns_mode: host`; if the service needs to own files on a bind mount, set `user:` or adjust the
//! ownership of the mounted folder.

use shipshape_core::Severity;

use super::{host_mode, services};
use crate::rule::{ComposeDoc, ComposeRule, Diagnostic, Domain, RuleMeta};

pub struct NoHostUserns;

pub static META: RuleMeta = RuleMeta {
    id: "SS-COMPOSE-018",
    slug: "no-host-userns",
    domain: Domain::Compose,
    severity: Severity::Error,
    title: "Service opts out of user-namespace remapping",
    equivalents: &["kics:Shared Host User Namespace"],
};

impl ComposeRule for NoHostUserns {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &ComposeDoc, out: &mut Vec<Diagnostic>) {
        for service in services(doc.root) {
            if let Some(node) = host_mode(&service, "userns_mode") {
                out.push(doc.at(
                    node,
                    format!("service `{}` disables user-namespace remapping (`userns_mode: host`): root inside is root on the host", service.name()),
                ));
            }
        }
    }
}
