//! ## What it does
//! Flags bind mounts of sensitive host paths: `/`, `/root`, `/proc`, `/sys`, `/boot`, `/dev`,
//! `/var/lib/docker`, `/home` and users' home folders, credential folders such as `~/.ssh`,
//! `~/.aws` or `~/.kube`, and `/etc` and `/usr` themselves or their system parts (accounts,
//! sudoers, PAM, SSH and TLS keys, systemd, cron, the container runtime's configuration,
//! programs and libraries), in service volumes (short and long syntax) and in named volumes that
//! bind a host device. An application's own folder under `/etc` or `/usr/share`
//! (`/etc/pihole`, `/usr/share/appdata/wireguard`) is its data and is not reported.
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
/// `/etc` and `/usr` are checked apart ([`SYSTEM_PARTS`]): an application's own folder under
/// them (`/etc/pihole`, `/usr/share/appdata/…`) is its data, not the host's configuration.
const SENSITIVE_TREES: &[&str] = &[
    "/root",
    "/proc",
    "/sys",
    "/boot",
    "/dev",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/kubelet",
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

/// `/etc` and `/usr`: the folder itself and the parts of them that configure or make up the
/// host's system — accounts, privileges, services, keys, the container runtime, programs and
/// libraries.
const SYSTEM_PARTS: &[&str] = &[
    "/etc",
    "/etc/passwd",
    "/etc/shadow",
    "/etc/group",
    "/etc/gshadow",
    "/etc/sudoers",
    "/etc/sudoers.d",
    "/etc/pam.d",
    "/etc/security",
    "/etc/ssh",
    "/etc/ssl",
    "/etc/pki",
    "/etc/letsencrypt",
    "/etc/kubernetes",
    "/etc/docker",
    "/etc/containerd",
    "/etc/cni",
    "/etc/systemd",
    "/etc/init.d",
    "/etc/cron.d",
    "/etc/crontab",
    "/etc/cron.daily",
    "/etc/cron.hourly",
    "/etc/profile",
    "/etc/profile.d",
    "/etc/environment",
    "/etc/ld.so.preload",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/hosts",
    "/etc/resolv.conf",
    "/etc/apt",
    "/etc/yum.repos.d",
    "/etc/machine-id",
    "/usr",
    "/usr/bin",
    "/usr/sbin",
    "/usr/lib",
    "/usr/lib32",
    "/usr/lib64",
    "/usr/libexec",
    "/usr/local",
    "/usr/local/bin",
    "/usr/local/sbin",
    "/usr/local/lib",
    "/usr/src",
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
    if path == "/usr/local" {
        return Some("a sensitive host path");
    }
    let system = SYSTEM_PARTS
        .iter()
        .filter(|p| **p != "/etc" && **p != "/usr" && **p != "/usr/local")
        .any(|part| is_within(&path, part))
        || path == "/etc"
        || path == "/usr";
    (system || SENSITIVE_TREES.iter().any(|tree| is_within(&path, tree)))
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
        // An application's own configuration or data folder under /etc or /usr.
        assert!(sensitivity("/etc/pihole/").is_none());
        assert!(sensitivity("/usr/share/appdata/wireguard/config").is_none());
        assert!(sensitivity("/etc").is_some());
        assert!(sensitivity("/etc/ssh").is_some());
        assert!(sensitivity("/etc/cron.d/backup").is_some());
        assert!(sensitivity("/usr/src").is_some());
        assert!(sensitivity("/usr/local").is_some());
        assert!(sensitivity("/usr/local/share/app").is_none());
        assert!(sensitivity("/etc/ssl/private").is_some());
        assert!(sensitivity("/").is_some());
        assert!(sensitivity("/srv/app").is_none());
    }
}
