//! ## What it does
//! Flags `cap_add` entries that grant a capability close to root on the host: `ALL`,
//! `SYS_ADMIN`, `NET_ADMIN`, `SYS_PTRACE`, `SYS_MODULE`, `DAC_READ_SEARCH`, `SYS_RAWIO`, `BPF`
//! and similar.
//!
//! ## Why is this bad?
//! These capabilities are the usual ways out of a container. `SYS_ADMIN` allows mounting
//! filesystems, `SYS_MODULE` loads kernel code, `SYS_PTRACE` reads other processes' memory,
//! `DAC_READ_SEARCH` opens host files by handle (the "shocker" escape), `NET_ADMIN` rewrites
//! the network the container shares. `ALL` is `privileged` in all but name.
//!
//! ## Example
//! ```yaml
//! services:
//!   vpn:
//!     image: example/vpn:1.4
//!     cap_add:
//!       - SYS_ADMIN
//! ```
//!
//! ## Fix
//! Grant the narrowest capability that works, and drop the rest:
//! ```yaml
//! services:
//!   vpn:
//!     image: example/vpn:1.4
//!     cap_drop: [ALL]
//!     cap_add: [NET_BIND_SERVICE]
//! ```

use shipshape_core::Severity;

use super::services;
use crate::rule::{ComposeDoc, ComposeRule, Diagnostic, Domain, RuleMeta};

pub struct NoDangerousCapabilities;

pub static META: RuleMeta = RuleMeta {
    id: "SS-COMPOSE-002",
    slug: "no-dangerous-capabilities",
    domain: Domain::Compose,
    severity: Severity::Error,
    title: "Service adds a capability that allows escaping the container",
    equivalents: &["kics:Container Capabilities Unrestricted"],
};

/// Capabilities that amount to (or lead straight to) root on the host.
const DANGEROUS: &[(&str, &str)] = &[
    ("ALL", "every capability, as if privileged"),
    ("SYS_ADMIN", "mounts, namespaces and most of root"),
    ("SYS_MODULE", "loading kernel modules"),
    ("SYS_RAWIO", "raw access to host memory and devices"),
    ("SYS_PTRACE", "reading and changing other processes"),
    ("SYS_BOOT", "rebooting the host"),
    ("SYS_TIME", "changing the host clock"),
    ("DAC_READ_SEARCH", "opening any host file by handle"),
    ("NET_ADMIN", "reconfiguring the network"),
    ("MAC_ADMIN", "changing the mandatory access control policy"),
    (
        "MAC_OVERRIDE",
        "bypassing the mandatory access control policy",
    ),
    ("BPF", "loading BPF programs into the kernel"),
    ("PERFMON", "kernel performance monitoring"),
    ("SYSLOG", "reading kernel addresses from the kernel log"),
];

impl ComposeRule for NoDangerousCapabilities {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &ComposeDoc, out: &mut Vec<Diagnostic>) {
        for service in services(doc.root) {
            let Some(caps) = service.get("cap_add") else {
                continue;
            };
            for item in caps.items() {
                let Some(text) = item.as_str() else { continue };
                let upper = text.trim().to_ascii_uppercase();
                let name = upper.strip_prefix("CAP_").unwrap_or(&upper);
                if let Some((cap, what)) = DANGEROUS.iter().find(|(cap, _)| *cap == name) {
                    out.push(doc.at(
                        item,
                        format!(
                            "service `{}` adds capability {cap} ({what})",
                            service.name()
                        ),
                    ));
                }
            }
        }
    }
}
