//! ## What it does
//! Flags a `RUN` whose `zypper install` is not followed by `zypper clean` (or by deleting
//! `/var/cache/zypp`) in the same `RUN`.
//!
//! ## Why is this bad?
//! zypper keeps repository metadata and downloaded packages in `/var/cache/zypp`, tens of
//! megabytes no container uses. Cleaning in a later `RUN`, or before the install, does not
//! shrink the image.
//!
//! Not reported when `/var/cache/zypp` is a `--mount=type=cache` or `type=tmpfs` target, or in
//! a stage that is only copied from (`COPY --from=`).
//!
//! ## Example
//! ```dockerfile
//! RUN zypper --non-interactive install nginx=1.21.5
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN zypper --non-interactive install nginx=1.21.5 && zypper clean --all
//! ```
//!
//! ## Fix
//! End the `RUN` with `zypper clean` (`zypper cc`), or mount `/var/cache/zypp` as a cache.

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct ZypperCacheKept;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-059",
    slug: "zypper-cache-kept",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "`zypper clean` missing after zypper install",
    equivalents: &["hadolint:DL3036", "trivy:DS-0020"],
};

const INSTALLS: &[&str] = &[
    "install",
    "in",
    "source-install",
    "si",
    "patch",
    "update",
    "up",
    "dist-upgrade",
    "dup",
];
const CACHE: &[&str] = &["/var/cache/zypp"];

impl DockerfileRule for ZypperCacheKept {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let shipped = util::stages_in_final_image(doc.ast);
        for run in util::runs_running(doc, &["zypper"]) {
            if !util::ships(doc, &shipped, run) || run.mounts_cache_over(CACHE) {
                continue;
            }
            let missing = util::install_without_cleanup(
                run.commands,
                |c| util::zypper(c, INSTALLS).is_some(),
                |c| util::zypper(c, &["clean", "cc"]).is_some() || util::removes_under(c, CACHE),
            );
            if let Some(word) = missing.and_then(|c| c.name_word()) {
                out.push(Diagnostic::new(
                    word.span,
                    "zypper's cache stays in the image: add `&& zypper clean --all` after the last install of this RUN",
                ));
            }
        }
    }
}
