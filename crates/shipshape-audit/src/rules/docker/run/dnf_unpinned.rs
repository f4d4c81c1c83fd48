//! ## What it does
//! Flags packages installed with `dnf install` (or `microdnf`/`dnf5`) without a version
//! (`nginx` instead of `nginx-1.20.1`), and modules without a stream (`nodejs` instead of
//! `nodejs:20`).
//!
//! ## Why is this bad?
//! Without a version each build installs whatever the repositories serve that day, so the
//! image changes without any change to the Dockerfile.
//!
//! As in hadolint, a package counts as pinned when what follows its name looks like a version
//! (`-1.20.1`, `-1:1.20.1-1.el9`), so `python3-pip` is not mistaken for one. Groups (`@core`),
//! paths, URLs and `.rpm` files are not checked.
//!
//! ## Example
//! ```dockerfile
//! RUN dnf install -y nginx && dnf clean all
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN dnf install -y nginx-1.20.1 && dnf clean all
//! ```
//!
//! ## Fix
//! Pin each package as `name-version` and each module as `name:stream`.

use shipshape_core::Severity;

use super::dnf_missing_yes::DNF;
use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct DnfUnpinned;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-063",
    slug: "dnf-unpinned",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "dnf install without a package version",
    equivalents: &["hadolint:DL3041"],
};

impl DockerfileRule for DnfUnpinned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, cmd) in util::commands_running(doc, DNF) {
            let Some((packages, modules)) = util::rpm_install_packages(cmd, DNF) else {
                continue;
            };
            util::report_unpinned_rpms(&packages, modules, out);
        }
    }
}
