//! ## What it does
//! Flags `sudo` (and `doas`) in a `RUN`.
//!
//! ## Why is this bad?
//! `RUN` already executes as the current `USER`. If that is root, `sudo` adds nothing but a
//! package to install and an unpredictable TTY and signal behaviour. If it is not root, `sudo`
//! only works when the image grants password-less sudo to that user, which hands root back to
//! anything running in the container and defeats the point of dropping privileges.
//!
//! ## Example
//! ```dockerfile
//! USER app
//! RUN sudo apt-get update && sudo apt-get install -y curl
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN apt-get update && apt-get install -y --no-install-recommends curl \
//!     && rm -rf /var/lib/apt/lists/*
//! USER app
//! ```
//!
//! ## Fix
//! Run the privileged steps before switching to the unprivileged `USER` (or switch with
//! `USER root` and back), and drop `sudo`. To run one process as another user at runtime, use
//! `gosu` or `su-exec` in the entrypoint.

use shipshape_core::Severity;

use shipshape_syntax::shell::is_assignment;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct SudoInRun;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-041",
    slug: "sudo-in-run",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "`sudo` used in RUN",
    equivalents: &["hadolint:DL3004", "checkov:CKV2_DOCKER_1", "trivy:DS-0010"],
};

impl DockerfileRule for SudoInRun {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for run in util::runs(doc) {
            // The commands as written: `wrapped()` would look through the very sudo we want.
            for cmd in run.instruction.run_commands_ref() {
                // `env sudo …` or `nohup sudo …`: every wrapper word is looked at.
                for w in cmd.words.iter().skip(cmd.assignments().len()) {
                    let name = shipshape_syntax::shell::base_name(&w.value);
                    if name == "sudo" || name == "doas" {
                        out.push(Diagnostic::new(
                            w.span,
                            format!("`{name}` in RUN: run this step as root before switching USER instead"),
                        ));
                        break;
                    }
                    let wrapper =
                        matches!(name, "env" | "exec" | "time" | "nohup" | "command" | "nice");
                    if !(wrapper || util::is_option(&w.value) || is_assignment(&w.value)) {
                        break;
                    }
                }
            }
        }
    }
}
