//! ## What it does
//! Flags packages installed with `yum install` without a version (`httpd` instead of
//! `httpd-2.4.6`), and modules without a stream (`nodejs` instead of `nodejs:20`).
//!
//! ## Why is this bad?
//! Without a version each build installs whatever the repositories serve that day, so the
//! image changes without any change to the Dockerfile.
//!
//! A package counts as pinned when what follows its name looks like a version (`-2.4.6`,
//! `-1:1.20.1-1.el9`); hadolint (DL3033) accepts any `-`, so it takes `python3-pip` for a
//! pinned package. Groups (`@core`), paths, URLs and `.rpm` files are not checked.
//!
//! ## Example
//! ```dockerfile
//! RUN yum install -y httpd && yum clean all
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN yum install -y httpd-2.4.6 && yum clean all
//! ```
//!
//! ## Fix
//! Pin each package as `name-version` and each module as `name:stream`.

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct YumUnpinned;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-056",
    slug: "yum-unpinned",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "yum install without a package version",
    equivalents: &["hadolint:DL3033"],
};

impl DockerfileRule for YumUnpinned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, cmd) in util::commands_running(doc, &["yum"]) {
            let Some((packages, modules)) = util::rpm_install_packages(cmd, &["yum"]) else {
                continue;
            };
            util::report_unpinned_rpms(&packages, modules, out);
        }
    }
}
