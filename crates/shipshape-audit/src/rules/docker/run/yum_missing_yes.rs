//! ## What it does
//! Flags a `yum install` (or any yum subcommand that asks for confirmation: `remove`,
//! `update`, `groupinstall`, `module install`, …) without `-y`.
//!
//! ## Why is this bad?
//! A build has no terminal to answer yum's "Is this ok [y/N]": yum reads end of input, answers
//! no, and the build fails.
//!
//! Also accepted: `--assumeyes`, `--setopt=assumeyes=1`, and an earlier `RUN` writing
//! `assumeyes` to yum's configuration.
//!
//! ## Example
//! ```dockerfile
//! RUN yum install httpd-2.4.6 && yum clean all
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN yum install -y httpd-2.4.6 && yum clean all
//! ```
//!
//! ## Fix
//! Add `-y` to the yum command.

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct YumMissingYes;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-054",
    slug: "yum-missing-yes",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "yum install without `-y`",
    equivalents: &["hadolint:DL3030"],
};

impl DockerfileRule for YumMissingYes {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let runs = util::runs_running(doc, &["yum"]);
        if runs.is_empty() {
            return;
        }
        let configured = util::first_run_mentioning(doc, &["assumeyes", "/etc/yum"]);
        for run in runs {
            if configured.is_some_and(|at| at < run.index) {
                continue;
            }
            for cmd in run.commands {
                let Some(sub) = util::rpm_prompting_subcommand(cmd, &["yum"]) else {
                    continue;
                };
                if util::rpm_assumes_yes(cmd) {
                    continue;
                }
                if let Some(word) = cmd.name_word() {
                    out.push(Diagnostic::new(
                        word.span,
                        format!(
                            "`yum {}` without `-y` stops at yum's confirmation prompt: add `-y`",
                            sub
                        ),
                    ));
                }
            }
        }
    }
}
