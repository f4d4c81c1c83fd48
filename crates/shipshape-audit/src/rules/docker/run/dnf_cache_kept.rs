//! ## What it does
//! Flags a `RUN` whose `dnf install` (or `microdnf`/`dnf5`) is not followed by `dnf clean all`
//! (or by deleting `/var/cache/dnf`) in the same `RUN`.
//!
//! ## Why is this bad?
//! dnf keeps repository metadata in `/var/cache/dnf` (`/var/cache/yum` for microdnf,
//! `/var/cache/libdnf5` for dnf5): tens of megabytes no container uses. Cleaning in a later
//! `RUN`, or before the install, does not shrink the image.
//!
//! Not reported when the cache directory is a `--mount=type=cache` or `type=tmpfs` target, or
//! in a stage that is only copied from (`COPY --from=`).
//!
//! ## Example
//! ```dockerfile
//! RUN dnf install -y nginx-1.20.1
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN dnf install -y nginx-1.20.1 && dnf clean all
//! ```
//!
//! ## Fix
//! End the `RUN` with `dnf clean all` (`microdnf clean all`), or mount the cache directory.

use shipshape_core::Severity;

use super::dnf_missing_yes::DNF;
use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct DnfCacheKept;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-062",
    slug: "dnf-cache-kept",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "`dnf clean all` missing after dnf install",
    equivalents: &["hadolint:DL3040", "trivy:DS-0019", "trivy:DS-0027"],
};

const INSTALLS: &[&str] = &[
    "install",
    "in",
    "groupinstall",
    "localinstall",
    "reinstall",
    "update",
    "upgrade",
    "group",
    "module",
];
const CACHE: &[&str] = &["/var/cache/dnf", "/var/cache/yum", "/var/cache/libdnf5"];

impl DockerfileRule for DnfCacheKept {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let shipped = util::stages_in_final_image(doc.ast);
        for run in util::runs_running(doc, DNF) {
            if !util::ships(doc, &shipped, run) || run.mounts_cache_over(CACHE) {
                continue;
            }
            let missing = util::install_without_cleanup(
                run.commands,
                |c| {
                    util::runs_program(c, DNF)
                        && util::subcommand_is(c, util::RPM_VALUE_OPTIONS, INSTALLS).is_some()
                },
                |c| util::rpm_clean_all(c, DNF) || util::removes_under(c, CACHE),
            );
            if let Some(word) = missing.and_then(|c| c.name_word()) {
                out.push(Diagnostic::new(
                    word.span,
                    format!("{}'s cache stays in the image: add `&& {} clean all` after the last install of this RUN", word.value, word.value),
                ));
            }
        }
    }
}
