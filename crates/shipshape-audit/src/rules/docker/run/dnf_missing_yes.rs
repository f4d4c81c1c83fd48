//! ## What it does
//! Flags a `dnf install` (or `microdnf`/`dnf5`, or any subcommand that asks for confirmation:
//! `remove`, `upgrade`, `group install`, `module enable`, …) without `-y`.
//!
//! ## Why is this bad?
//! A build has no terminal to answer dnf's "Is this ok [y/N]": dnf reads end of input,
//! answers no, and the build fails.
//!
//! Also accepted: `--assumeyes`, `--setopt=assumeyes=1`, and an earlier `RUN` writing
//! `assumeyes` to dnf's configuration.
//!
//! ## Example
//! ```dockerfile
//! RUN dnf install nginx-1.20.1 && dnf clean all
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN dnf install -y nginx-1.20.1 && dnf clean all
//! ```
//!
//! ## Fix
//! Add `-y` to the dnf command.

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct DnfMissingYes;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-061",
    slug: "dnf-missing-yes",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "dnf install without `-y`",
    equivalents: &["hadolint:DL3038"],
};

pub(crate) const DNF: &[&str] = &["dnf", "dnf5", "microdnf"];

impl DockerfileRule for DnfMissingYes {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let runs = util::runs_running(doc, DNF);
        if runs.is_empty() {
            return;
        }
        let configured = util::first_run_mentioning(doc, &["assumeyes", "/etc/dnf"]);
        for run in runs {
            if configured.is_some_and(|at| at < run.index) {
                continue;
            }
            for cmd in run.commands {
                let Some(sub) = util::rpm_prompting_subcommand(cmd, DNF) else {
                    continue;
                };
                if util::rpm_assumes_yes(cmd) {
                    continue;
                }
                if let Some(word) = cmd.name_word() {
                    out.push(Diagnostic::new(
                        word.span,
                        format!(
                            "`{} {}` without `-y` stops at the confirmation prompt: add `-y`",
                            word.value, sub
                        ),
                    ));
                }
            }
        }
    }
}
