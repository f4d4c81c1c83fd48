//! ## What it does
//! Flags services whose `security_opt` does not include `no-new-privileges:true`, unless the
//! service is `privileged` (another rule reports that).
//!
//! ## Why is this bad?
//! Without it, a process in the container can gain privileges through setuid or setcap binaries
//! (`su`, `sudo`, `ping` in many images). With it, the kernel refuses every privilege gain after
//! start: an attacker who gets code execution as the application user stays that user.
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
//!     security_opt:
//!       - no-new-privileges:true
//! ```

use shipshape_core::Severity;

use super::{is_true, services};
use crate::rule::{ComposeDoc, ComposeRule, Diagnostic, Domain, RuleMeta};

pub struct NoNewPrivileges;

pub static META: RuleMeta = RuleMeta {
    id: "SS-COMPOSE-022",
    slug: "no-new-privileges",
    domain: Domain::Compose,
    severity: Severity::Info,
    title: "Service may gain privileges through setuid binaries",
    equivalents: &["kics:No New Privileges Not Set"],
};

/// Whether a `security_opt` item turns `no-new-privileges` on (`no-new-privileges`,
/// `no-new-privileges:true`, `no-new-privileges=true`).
fn enables_no_new_privileges(option: &str) -> bool {
    let option = option.trim();
    match option.split_once([':', '=']) {
        Some((name, value)) => {
            name.trim() == "no-new-privileges" && value.trim().eq_ignore_ascii_case("true")
        }
        None => option == "no-new-privileges",
    }
}

impl ComposeRule for NoNewPrivileges {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &ComposeDoc, out: &mut Vec<Diagnostic>) {
        for service in services(doc.root) {
            if service.get("privileged").is_some_and(is_true) {
                continue;
            }
            let options = service.node.entry("security_opt");
            let enabled = options.is_some_and(|o| {
                o.value
                    .items()
                    .iter()
                    .filter_map(|i| i.as_str())
                    .any(enables_no_new_privileges)
            });
            if enabled {
                continue;
            }
            // Point at the list to extend if there is one, else at the service.
            let node = options.map_or(service.key, |o| &o.key);
            out.push(doc.at(
                node,
                format!(
                    "service `{}` does not set `no-new-privileges:true`",
                    service.name()
                ),
            ));
        }
    }
}
