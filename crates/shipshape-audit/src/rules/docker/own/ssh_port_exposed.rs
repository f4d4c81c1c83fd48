//! SS-DOCKER-088 `ssh-port-exposed`: the image declares the SSH port.
//!
//! ## What it does
//! Flags `EXPOSE 22` (also `22/tcp`, `22/udp`, a range that includes 22, and a variable that
//! resolves to 22).
//!
//! ## Why is this bad?
//! A container that exposes SSH runs an SSH server, usually with keys or passwords baked into the
//! image and as root. It is an extra way in that bypasses the orchestrator's access control and
//! audit trail, and one more network service to patch. `docker exec` / `kubectl exec` already
//! give operators a shell when they need one.
//!
//! ## Example
//! ```dockerfile
//! EXPOSE 22 8080
//! ```
//!
//! Use instead:
//! ```dockerfile
//! EXPOSE 8080
//! ```
//!
//! ## Fix
//! Remove port 22 (and the SSH server) from the image; use `docker exec` or `kubectl exec` for
//! interactive access.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct SshPortExposed;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-088",
    slug: "ssh-port-exposed",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "EXPOSE 22: the image offers SSH",
    equivalents: &[
        "checkov:CKV_DOCKER_1",
        "trivy:DS-0004",
        "kics:Exposing Port 22 (SSH)",
    ],
};

/// Whether an `EXPOSE` entry (`22`, `22/tcp`, `20-25/tcp`) includes port 22.
fn includes_ssh(entry: &str) -> bool {
    let port = entry.split('/').next().unwrap_or(entry).trim();
    match port.split_once('-') {
        Some((lo, hi)) => match (lo.parse::<u32>(), hi.parse::<u32>()) {
            (Ok(lo), Ok(hi)) => (lo..=hi).contains(&22),
            _ => false,
        },
        None => port.parse::<u32>() == Ok(22),
    }
}

impl DockerfileRule for SshPortExposed {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let ast = doc.ast;
        for (index, inst) in ast.instructions_of(Keyword::Expose) {
            for word in inst.words() {
                let resolved = ast.resolve_arg(&word.value, ast.stage_of(index));
                // A variable may expand to several ports.
                if resolved.split_whitespace().any(includes_ssh) {
                    out.push(Diagnostic::new(
                        word.span,
                        "port 22 is exposed: the image offers SSH — use `docker exec`/`kubectl exec` \
                         instead",
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_port_22_in_every_spelling() {
        assert!(includes_ssh("22"));
        assert!(includes_ssh("22/tcp"));
        assert!(includes_ssh("20-30/udp"));
        assert!(!includes_ssh("2222"));
        assert!(!includes_ssh("8022/tcp"));
        assert!(!includes_ssh("220"));
    }
}
