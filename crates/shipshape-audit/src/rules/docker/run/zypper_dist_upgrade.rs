//! ## What it does
//! Flags `zypper dist-upgrade` (`zypper dup`) in a `RUN`.
//!
//! ## Why is this bad?
//! A distribution upgrade can move every package of the base image to another release: the
//! image no longer matches its `FROM` line, builds of the same commit differ from day to day,
//! and the new layer duplicates much of the base image.
//!
//! ## Example
//! ```dockerfile
//! FROM opensuse/leap:15.5
//! RUN zypper --non-interactive dup
//! ```
//!
//! Use instead:
//! ```dockerfile
//! FROM opensuse/leap:15.6
//! ```
//!
//! ## Fix
//! Use a base image of the release you want, and install only the packages you need.

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct ZypperDistUpgrade;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-058",
    slug: "zypper-dist-upgrade",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "`zypper dist-upgrade` in RUN",
    equivalents: &["hadolint:DL3035"],
};

impl DockerfileRule for ZypperDistUpgrade {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, cmd) in util::commands_running(doc, &["zypper"]) {
            if let Some((_, sub)) = util::zypper(cmd, &["dist-upgrade", "dup"]) {
                out.push(Diagnostic::new(
                    sub.span,
                    format!("`zypper {}` upgrades the whole distribution at build time: use a newer base image instead", sub.value),
                ));
            }
        }
    }
}
