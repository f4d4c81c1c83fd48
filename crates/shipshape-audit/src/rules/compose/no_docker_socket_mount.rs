//! ## What it does
//! Flags services that mount the Docker (or Podman, containerd) socket, or the host's `/run`
//! folder that holds it, in short or long volume syntax.
//!
//! ## Why is this bad?
//! Whoever can talk to the Docker socket can start a privileged container that mounts the host's
//! root filesystem: the socket is root on the host, read-only mount or not. A compromised
//! service with the socket compromises the machine and every other container on it.
//!
//! ## Example
//! ```yaml
//! services:
//!   ui:
//!     image: example/dashboard:3.0
//!     volumes:
//!       - /var/run/docker.sock:/var/run/docker.sock
//! ```
//!
//! ## Fix
//! Remove the mount. If the service must see containers, put a filtering proxy in front of the
//! socket that allows only the read-only API calls it needs, and give the service that proxy's
//! address instead.

use shipshape_core::Severity;

use super::{mounts, normalize_host_path, services, volume_device_paths, MountKind};
use crate::rule::{ComposeDoc, ComposeRule, Diagnostic, Domain, RuleMeta};

pub struct NoDockerSocketMount;

pub static META: RuleMeta = RuleMeta {
    id: "SS-COMPOSE-006",
    slug: "no-docker-socket-mount",
    domain: Domain::Compose,
    severity: Severity::Error,
    title: "Service mounts the container runtime socket",
    equivalents: &["kics:Docker Socket Mounted In Container"],
};

const SOCKETS: &[&str] = &["docker.sock", "podman.sock", "containerd.sock", "crio.sock"];

/// Folders mounted whole that contain the runtime socket.
const SOCKET_DIRS: &[&str] = &["/var/run", "/run", "/var/run/docker", "/run/docker"];

/// Why a host path gives access to the container runtime, if it does.
pub(crate) fn runtime_socket(host_path: &str) -> Option<&'static str> {
    let path = normalize_host_path(host_path);
    let file = shipshape_syntax::shell::base_name(&path);
    if SOCKETS.contains(&file) {
        return Some("the container runtime socket");
    }
    SOCKET_DIRS
        .contains(&path.as_str())
        .then_some("a folder holding the container runtime socket")
}

impl ComposeRule for NoDockerSocketMount {
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
                if let Some(what) = runtime_socket(source) {
                    out.push(doc.at(
                        mount.node,
                        format!(
                            "service `{}` mounts {what} (`{source}`): that is root on the host",
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
            if let Some(what) = runtime_socket(path) {
                out.push(doc.at(
                    device,
                    format!("named volume binds {what} (`{path}`): that is root on the host"),
                ));
            }
        }
    }
}
