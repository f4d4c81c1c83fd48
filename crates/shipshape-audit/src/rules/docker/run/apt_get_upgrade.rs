//! ## What it does
//! Flags `apt-get upgrade`, `apt-get dist-upgrade` and `apt-get full-upgrade` (and the same
//! subcommands of `apt`) in a `RUN`.
//!
//! ## Why is this bad?
//! Upgrading every installed package makes the image depend on the day it was built rather than
//! on the Dockerfile: two builds of the same commit differ, and a layer cached last month hides
//! the upgrade you think you have. It also duplicates a large part of the base image in a new
//! layer. A `dist-upgrade` can even move packages across releases. The base image's maintainers
//! ship these fixes; pull a newer base image instead.
//!
//! hadolint retired its rule for this (DL3005) because some teams upgrade deliberately to get
//! security fixes sooner; if that is your policy, suppress this rule with a reason.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:bookworm
//! RUN apt-get update && apt-get -y dist-upgrade
//! ```
//!
//! Use instead:
//! ```dockerfile
//! FROM debian:bookworm-20240701
//! ```
//!
//! ## Fix
//! Use a more recent (and pinned) base image, and install only the packages you need with
//! pinned versions.

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct AptGetUpgrade;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-042",
    slug: "apt-get-upgrade",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "`apt-get upgrade` or `dist-upgrade` in RUN",
    equivalents: &["trivy:DS-0024"],
};

const UPGRADES: &[&str] = &["upgrade", "dist-upgrade", "full-upgrade"];

impl DockerfileRule for AptGetUpgrade {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, cmd) in util::commands_running(doc, &["apt-get", "apt"]) {
            if let Some((_, sub)) = util::subcommand_is(cmd, util::APT_VALUE_OPTIONS, UPGRADES) {
                out.push(Diagnostic::new(
                    sub.span,
                    format!(
                        "`{}` upgrades every package at build time: use a newer base image instead",
                        sub.value
                    ),
                ));
            }
        }
    }
}
