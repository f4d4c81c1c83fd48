//! ## What it does
//! Flags bind mounts of sensitive host paths: `/`, `/etc`, `/root`, `/proc`, `/sys`, `/boot`,
//! `/dev`, `/var/lib/docker`, `/home` and users' home folders, and credential folders such as
//! `~/.ssh`, `~/.aws` or `~/.kube`, in service volumes (short and long syntax) and in named
//! volumes that bind a host device.
//!
//! ## Why is this bad?
//! These folders hold the host's configuration, kernel interfaces, other containers' data and
//! users' keys. Mounted read-write they let a compromised container change the host (add an SSH
//! key, a cron job, a sudoers entry); even read-only they leak credentials.
//!
//! ## Example
//! ```yaml
//! services:
//!   deploy:
//!     image: example/deployer:1.0
//!     volumes:
//!       - ~/.ssh:/root/.ssh
//!       - /etc:/host/etc
//! ```
//!
//! ## Fix
//! Mount only the file the service needs, read-only, or pass credentials as Compose secrets:
//! ```yaml
//! services:
//!   deploy:
//!     image: example/deployer:1.0
//!     secrets: [deploy_key]
//! secrets:
//!   deploy_key:
//!     file: ./deploy_key
//! ```
//! `/etc/localtime` and `/etc/timezone` are allowed: mounting them is the usual way to share the
//! host's time zone.

use shipshape_core::Severity;

use super::{is_within, mounts, normalize_host_path, services, volume_device_paths, MountKind};
use crate::rule::{ComposeDoc, ComposeRule, Diagnostic, Domain, RuleMeta};

pub struct NoSensitiveHostMount;

pub static META: RuleMeta = RuleMeta {
    id: "SS-COMPOSE-007",
    slug: "no-sensitive-host-mount",
    domain: Domain::Compose,
    severity: Severity::Warning,
    title: "Service mounts a sensitive host path",
    equivalents: &["kics:Volume Has Sensitive Host Directory"],
};

/// Host paths that must not be mounted, with the folder itself and everything under it.
const SENSITIVE_TREES: &[&str] = &[
    "/etc",
    "/root",
    "/proc",
    "/sys",
    "/boot",
    "/dev",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/kubelet",
    "/usr",
    "/lib",
    "/bin",
    "/sbin",
    "~/.ssh",
    "~/.aws",
    "~/.kube",
    "~/.docker",
    "~/.gnupg",
    "~/.azure",
    "~/.config/gcloud",
];

/// Files under a sensitive tree that are routinely and harmlessly shared.
const ALLOWED: &[&str] = &["/etc/localtime", "/etc/timezone", "/dev/shm"];

/// Why a host path is sensitive, if it is.
fn sensitivity(path: &str) -> Option<&'static str> {
    let path = normalize_host_path(path);
    if ALLOWED.iter().any(|allowed| is_within(&path, allowed)) {
        return None;
    }
    if path == "/" {
        return Some("the host's root filesystem");
    }
    if path == "~" || path == "/home" {
        return Some("users' home folders");
    }
    // A home folder itself (`/home/alice`), not a project somewhere below it.
    if path
        .strip_prefix("/home/")
        .is_some_and(|user| !user.is_empty() && !user.contains('/'))
    {
        return Some("a user's home folder");
    }
    SENSITIVE_TREES
        .iter()
        .any(|tree| is_within(&path, tree))
        .then_some("a sensitive host path")
}

impl ComposeRule for NoSensitiveHostMount {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &ComposeDoc, out: &mut Vec<Diagnostic>) {
        for service in services(doc.root) {
            for mount in mounts(&service) {
                if mount.kind != MountKind::Bind {
                    continue;
                }
                let Some(source) = mount.source.as_deref() else {
                    continue;
                };
                // The runtime socket has a rule of its own, with a stronger severity.
                if super::no_docker_socket_mount::runtime_socket(source).is_some() {
                    continue;
                }
                if let Some(what) = sensitivity(source) {
                    let access = if mount.read_only {
                        "read-only"
                    } else {
                        "read-write"
                    };
                    out.push(doc.at(
                        mount.node,
                        format!(
                            "service `{}` mounts {what} (`{source}`, {access})",
                            service.name()
                        ),
                    ));
                }
            }
        }
        for device in volume_device_paths(doc.root) {
            let Some(path) = device.as_str() else {
                continue;
            };
            if super::no_docker_socket_mount::runtime_socket(path).is_some() {
                continue;
            }
            if let Some(what) = sensitivity(path) {
                out.push(doc.at(device, format!("named volume binds {what} (`{path}`)")));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sensitivity;

    #[test]
    fn flags_home_folders_but_not_projects_inside_them() {
        assert!(sensitivity("/home/alice").is_some());
        assert!(sensitivity("$HOME/.ssh").is_some());
        assert!(sensitivity("/home/alice/code/app").is_none());
        assert!(sensitivity("./data").is_none());
    }

    #[test]
    fn time_zone_files_are_allowed_but_the_rest_of_etc_is_not() {
        assert!(sensitivity("/etc/localtime").is_none());
        assert!(sensitivity("/etc/ssl/private").is_some());
        assert!(sensitivity("/").is_some());
        assert!(sensitivity("/srv/app").is_none());
    }
}
