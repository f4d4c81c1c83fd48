//! ## What it does
//! Flags a `RUN` whose `yum install` is not followed by `yum clean all` (or by deleting
//! `/var/cache/yum`) in the same `RUN`.
//!
//! ## Why is this bad?
//! yum keeps repository metadata (and, depending on `keepcache`, the downloaded packages) in
//! `/var/cache/yum`: tens to hundreds of megabytes no container uses. A `yum clean all` in a
//! later `RUN` does not help: the earlier layer already holds the files. A clean that runs
//! before the install does not help either.
//!
//! Not reported when `/var/cache/yum` is a `--mount=type=cache` or `type=tmpfs` target, or in
//! a stage that is only copied from (`COPY --from=`).
//!
//! ## Example
//! ```dockerfile
//! RUN yum install -y httpd-2.4.6
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN yum install -y httpd-2.4.6 && yum clean all && rm -rf /var/cache/yum
//! ```
//!
//! ## Fix
//! End the `RUN` with `yum clean all`, or mount `/var/cache/yum` as a cache.

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct YumCacheKept;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-055",
    slug: "yum-cache-kept",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "`yum clean all` missing after yum install",
    equivalents: &["hadolint:DL3032", "trivy:DS-0015"],
};

const INSTALLS: &[&str] = &[
    "install",
    "groupinstall",
    "localinstall",
    "reinstall",
    "update",
    "upgrade",
];
const CACHE: &[&str] = &["/var/cache/yum"];

impl DockerfileRule for YumCacheKept {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let shipped = util::stages_in_final_image(doc.ast);
        for run in util::runs_running(doc, &["yum"]) {
            if !util::ships(doc, &shipped, run) || run.mounts_cache_over(CACHE) {
                continue;
            }
            let missing = util::install_without_cleanup(
                run.commands,
                |c| {
                    util::runs_program(c, &["yum"])
                        && util::subcommand_is(c, util::RPM_VALUE_OPTIONS, INSTALLS).is_some()
                },
                |c| util::rpm_clean_all(c, &["yum"]) || util::removes_under(c, CACHE),
            );
            if let Some(word) = missing.and_then(|c| c.name_word()) {
                out.push(Diagnostic::new(
                    word.span,
                    "yum's cache stays in the image: add `&& yum clean all` after the last install of this RUN",
                ));
            }
        }
    }
}
