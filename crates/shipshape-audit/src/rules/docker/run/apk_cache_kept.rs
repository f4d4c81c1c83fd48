//! ## What it does
//! Flags an `apk add` without `--no-cache` whose package index stays in the image.
//!
//! ## Why is this bad?
//! Without `--no-cache`, apk keeps the repository indexes it fetched (`apk update`, or
//! `apk add --update`) in `/var/cache/apk`, a few megabytes that no container ever reads.
//! `--no-cache` fetches the index on the fly and leaves nothing behind, which also makes a
//! separate `apk update` unnecessary.
//!
//! Not reported when the same `RUN` deletes `/var/cache/apk` afterwards, when `/var/cache/apk`
//! (or `/etc/apk/cache`) is a `--mount=type=cache` or `type=tmpfs` target, or in a stage that
//! is only copied from (`COPY --from=`); of these, hadolint (DL3019) accepts only the mount.
//!
//! ## Example
//! ```dockerfile
//! RUN apk update && apk add curl=8.5.0-r0
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN apk add --no-cache curl=8.5.0-r0
//! ```
//!
//! ## Fix
//! Use `apk add --no-cache` (and drop `apk update` / `--update`).

use shipshape_core::Severity;

use super::apk_unpinned::APK_VALUE_OPTIONS;
use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct ApkCacheKept;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-052",
    slug: "apk-cache-kept",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "apk add without `--no-cache`",
    equivalents: &["hadolint:DL3019", "trivy:DS-0025"],
};

const CACHE: &[&str] = &["/var/cache/apk", "/etc/apk/cache"];

impl DockerfileRule for ApkCacheKept {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let shipped = util::stages_in_final_image(doc.ast);
        for run in util::runs_running(doc, &["apk"]) {
            if !util::ships(doc, &shipped, run) || run.mounts_cache_over(CACHE) {
                continue;
            }
            for cmd in run.commands {
                if !util::runs_program(cmd, &["apk"])
                    || util::subcommand_is(cmd, APK_VALUE_OPTIONS, &["add"]).is_none()
                {
                    continue;
                }
                if util::has_option(cmd.args(), &["--no-cache"]) {
                    continue;
                }
                let cleaned = run
                    .commands
                    .iter()
                    .any(|c| c.span.start > cmd.span.start && util::removes_under(c, CACHE));
                if cleaned {
                    continue;
                }
                if let Some(word) = cmd.name_word() {
                    out.push(Diagnostic::new(
                        word.span,
                        "`apk add` without `--no-cache` leaves the package index in the image: add `--no-cache`",
                    ));
                }
            }
        }
    }
}
