//! ## What it does
//! Flags commands in a `RUN` that make no sense while building an image: `ssh`, `vim`,
//! `shutdown`, `service`, `ps`, `free`, `top`, `kill`, `mount`, `ifconfig`.
//!
//! ## Why is this bad?
//! A build step runs once, without a terminal, and keeps only the files it writes. Services it
//! starts are gone in the next step (`service nginx start`), interactive tools wait for input
//! that never comes (`vim`, `top`), process and memory listings describe the build container
//! rather than the one that will run (`ps`, `free`), and `mount` or `ifconfig` need privileges a
//! build does not have. Such a line is usually a leftover from a debugging session or a sign
//! that the work belongs in the entrypoint.
//!
//! Only commands are looked at: `apt-get install -y vim` or `echo "run top"` are fine.
//!
//! ## Example
//! ```dockerfile
//! RUN service nginx start
//! ```
//!
//! Use instead:
//! ```dockerfile
//! CMD ["nginx", "-g", "daemon off;"]
//! ```
//!
//! ## Fix
//! Remove the command, or move it to the entrypoint if it must run when the container starts.

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct PointlessCommand;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-070",
    slug: "pointless-command",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "Command that makes no sense in a build step",
    equivalents: &["hadolint:DL3001"],
};

const POINTLESS: &[&str] = &[
    "ssh", "vim", "shutdown", "service", "ps", "free", "top", "kill", "mount", "ifconfig",
];

impl DockerfileRule for PointlessCommand {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, cmd) in util::commands_running(doc, POINTLESS) {
            let Some(name) = util::program(cmd).filter(|p| POINTLESS.contains(p)) else {
                continue;
            };
            if let Some(word) = cmd.name_word() {
                out.push(Diagnostic::new(
                    word.span,
                    format!("`{name}` has no lasting effect in a build step: remove it or move it to the entrypoint"),
                ));
            }
        }
    }
}
