//! ## What it does
//! Flags an `apt-get install` without `--no-install-recommends`.
//!
//! ## Why is this bad?
//! By default apt also installs every package the requested ones *recommend*: documentation,
//! optional tools, sometimes whole language runtimes. They make the image larger and widen its
//! attack surface without being needed to run anything.
//!
//! Also accepted: `-o APT::Install-Recommends=false` on the command, and an earlier `RUN`
//! writing `APT::Install-Recommends` to apt's configuration.
//!
//! ## Example
//! ```dockerfile
//! RUN apt-get update && apt-get install -y python3=3.11.2-1+b1
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN apt-get update && apt-get install -y --no-install-recommends python3=3.11.2-1+b1
//! ```
//!
//! ## Fix
//! Add `--no-install-recommends`, and list explicitly any recommended package you do need.

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct AptGetInstallRecommends;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-046",
    slug: "apt-get-install-recommends",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "apt-get install without `--no-install-recommends`",
    equivalents: &["hadolint:DL3015", "trivy:DS-0029"],
};

impl DockerfileRule for AptGetInstallRecommends {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let runs = util::runs_running(doc, &["apt-get"]);
        if runs.is_empty() {
            return;
        }
        let configured = util::first_run_mentioning(doc, &["APT::Install-Recommends", "apt.conf"]);
        for run in runs {
            if configured.is_some_and(|at| at < run.index) {
                continue;
            }
            for cmd in run.commands {
                if util::apt_get(cmd, &["install"]).is_none() {
                    continue;
                }
                let args = cmd.args();
                let configured = args.iter().any(|w| {
                    let v = w.value.to_ascii_lowercase();
                    v.contains("apt::install-recommends=")
                        && (v.ends_with("=false") || v.ends_with("=0"))
                });
                if configured || util::has_option(args, &["--no-install-recommends"]) {
                    continue;
                }
                if let Some(word) = cmd.name_word() {
                    out.push(Diagnostic::new(
                        word.span,
                        "`apt-get install` also installs recommended packages: add `--no-install-recommends`",
                    ));
                }
            }
        }
    }
}
