//! SS-DOCKER-097 `ssh-server-installed`: an SSH server is installed in the image.
//!
//! ## What it does
//! Flags installs of an SSH daemon: `openssh-server` (apt, yum, dnf, apk), Alpine's `openssh`
//! meta-package (which pulls in the server) and `dropbear`.
//!
//! ## Why is this bad?
//! An SSH daemon in a container is a second way in next to the orchestrator: it needs host keys
//! and user credentials baked into or mounted into the image, usually runs as root, escapes the
//! audit trail of `kubectl exec`, and is one more network service to patch. It also needs a
//! process supervisor, since the container's main process should be the application.
//!
//! ## Example
//! ```dockerfile
//! RUN apt-get update && apt-get install -y --no-install-recommends openssh-server
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN apt-get update && apt-get install -y --no-install-recommends openssh-client
//! ```
//! (only if the image needs to connect out), and `docker exec` / `kubectl exec` for shells.
//!
//! ## Fix
//! Remove the SSH server; use `docker exec` or `kubectl exec` (or `kubectl debug`) for
//! interactive access, and the client package alone if the application connects to SSH hosts.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use super::util::{installed_packages, package_name};
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct SshServerInstalled;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-097",
    slug: "ssh-server-installed",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "An SSH server (openssh-server, dropbear) is installed in the image",
    equivalents: &[],
};

fn is_ssh_server(manager: &str, package: &str) -> bool {
    matches!(package, "openssh-server" | "dropbear") || (manager == "apk" && package == "openssh")
}

impl DockerfileRule for SshServerInstalled {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, inst) in doc.ast.instructions_of(Keyword::Run) {
            for cmd in inst.run_commands_ref() {
                let Some((manager, packages)) = installed_packages(cmd) else {
                    continue;
                };
                for p in packages {
                    let name = package_name(&p.value);
                    if is_ssh_server(&manager, name) {
                        out.push(Diagnostic::new(
                            p.span,
                            format!(
                                "`{name}` installs an SSH server in the image — use `docker exec`/`kubectl \
                                 exec` for shells instead"
                            ),
                        ));
                    }
                }
            }
        }
    }
}
