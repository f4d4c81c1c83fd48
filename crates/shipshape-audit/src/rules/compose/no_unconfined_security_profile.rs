//! ## What it does
//! Flags `security_opt` entries that switch off a kernel confinement: `seccomp:unconfined`,
//! `apparmor:unconfined`, `label:disable` (SELinux) and `systempaths=unconfined`.
//!
//! ## Why is this bad?
//! Docker's default seccomp profile blocks about forty system calls that containers do not need
//! and that most kernel exploits use; the AppArmor and SELinux profiles stop a process from
//! writing where it should not even as root. Turning them off removes the layers that make a
//! kernel bug or a misconfiguration survivable.
//!
//! ## Example
//! ```yaml
//! services:
//!   app:
//!     image: example/app:1.0
//!     security_opt:
//!       - seccomp:unconfined
//! ```
//!
//! ## Fix
//! Remove the option. If one system call is missing, copy Docker's default profile, allow that
//! call, and reference the file: `seccomp:./seccomp.json`.

use shipshape_core::Severity;

use super::services;
use crate::rule::{ComposeDoc, ComposeRule, Diagnostic, Domain, RuleMeta};

pub struct NoUnconfinedSecurityProfile;

pub static META: RuleMeta = RuleMeta {
    id: "SS-COMPOSE-008",
    slug: "no-unconfined-security-profile",
    domain: Domain::Compose,
    severity: Severity::Error,
    title: "Service disables seccomp, AppArmor or SELinux confinement",
    equivalents: &["kics:Default Seccomp Profile Disabled"],
};

/// `(option, value)` pairs that remove a confinement, and what they remove.
const UNCONFINED: &[(&str, &str, &str)] = &[
    ("seccomp", "unconfined", "the seccomp system-call filter"),
    ("apparmor", "unconfined", "the AppArmor profile"),
    ("label", "disable", "SELinux labelling"),
    (
        "systempaths",
        "unconfined",
        "the masking of /proc and /sys paths",
    ),
];

impl ComposeRule for NoUnconfinedSecurityProfile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &ComposeDoc, out: &mut Vec<Diagnostic>) {
        for service in services(doc.root) {
            let Some(options) = service.get("security_opt") else {
                continue;
            };
            for item in options.items() {
                let Some(text) = item.as_str() else { continue };
                // Both `seccomp:unconfined` and `seccomp=unconfined` are accepted by Docker.
                let Some((name, value)) = text.trim().split_once([':', '=']) else {
                    continue;
                };
                let hit = UNCONFINED.iter().find(|(n, v, _)| {
                    name.trim().eq_ignore_ascii_case(n) && value.trim().eq_ignore_ascii_case(v)
                });
                if let Some((_, _, what)) = hit {
                    out.push(doc.at(
                        item,
                        format!("service `{}` turns off {what}", service.name()),
                    ));
                }
            }
        }
    }
}
