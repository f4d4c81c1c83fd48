//! ## What it does
//! Flags `devices` that hand the container raw host memory or disks (`/dev/mem`, `/dev/kmem`,
//! `/dev/port`, `/dev/sda`, `/dev/nvme0n1`, `/dev/disk/…`), and `device_cgroup_rules` that allow
//! every device (`a *:* rwm`).
//!
//! ## Why is this bad?
//! A container that can read and write the host's disks or physical memory can read every file
//! and secret on the machine and rewrite the host's system, regardless of its other
//! restrictions. It is `privileged` in all but name.
//!
//! ## Example
//! ```yaml
//! services:
//!   tool:
//!     image: example/tool:1.0
//!     devices:
//!       - /dev/sda:/dev/sda
//! ```
//!
//! ## Fix
//! Pass only the device the service needs (a GPU, a serial port), or mount a folder or named
//! volume instead of a whole disk.

use shipshape_core::Severity;

use super::{is_within, services};
use crate::rule::{ComposeDoc, ComposeRule, Diagnostic, Domain, RuleMeta};

pub struct NoHostDevices;

pub static META: RuleMeta = RuleMeta {
    id: "SS-COMPOSE-023",
    slug: "no-host-devices",
    domain: Domain::Compose,
    severity: Severity::Warning,
    title: "Service gets raw access to host memory or disks",
    equivalents: &[],
};

/// Device nodes that expose host memory or block storage.
const MEMORY_DEVICES: &[&str] = &["/dev/mem", "/dev/kmem", "/dev/port"];
const DISK_PREFIXES: &[&str] = &[
    "/dev/sd",
    "/dev/hd",
    "/dev/vd",
    "/dev/xvd",
    "/dev/nvme",
    "/dev/dm-",
];
const DISK_TREES: &[&str] = &["/dev/disk", "/dev/mapper"];

fn dangerous_device(host: &str) -> Option<&'static str> {
    let host = host.trim();
    if MEMORY_DEVICES.contains(&host) {
        return Some("host memory");
    }
    if DISK_PREFIXES.iter().any(|p| host.starts_with(p))
        || DISK_TREES.iter().any(|tree| is_within(host, tree))
    {
        return Some("a host disk");
    }
    None
}

impl ComposeRule for NoHostDevices {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &ComposeDoc, out: &mut Vec<Diagnostic>) {
        for service in services(doc.root) {
            for item in service.get("devices").map_or(&[][..], |d| d.items()) {
                // Short form `HOST[:CONTAINER[:PERMS]]`, or the long form's `source`.
                let host = match item.get("source") {
                    Some(source) => source.as_str(),
                    None => item.as_str().map(|t| t.split(':').next().unwrap_or(t)),
                };
                if let Some(what) = host.and_then(dangerous_device) {
                    out.push(doc.at(
                        item,
                        format!("service `{}` gets raw access to {what}", service.name()),
                    ));
                }
            }
            let rules = service.get("device_cgroup_rules");
            for item in rules.map_or(&[][..], |r| r.items()) {
                // `a` is "all devices", whatever the numbers and access that follow.
                let allows_all = item
                    .as_str()
                    .is_some_and(|rule| rule.split_whitespace().next() == Some("a"));
                if allows_all {
                    out.push(doc.at(
                        item,
                        format!(
                            "service `{}` may create and use every host device",
                            service.name()
                        ),
                    ));
                }
            }
        }
    }
}
