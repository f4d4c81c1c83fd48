//! ## What it does
//! Flags a `RUN` whose `yarn install` (or `yarn add`, or a bare `yarn`) is not followed by
//! `yarn cache clean` in the same `RUN`.
//!
//! ## Why is this bad?
//! Yarn keeps a copy of every package it downloads in its global cache, often hundreds of
//! megabytes beside the `node_modules` actually used. Cleaning in a later `RUN`, or before the
//! install, does not shrink the image.
//!
//! Not reported when the cache is a `--mount=type=cache` or `type=tmpfs` target (any target
//! with `yarn` in its path, such as `/usr/local/share/.cache/yarn`), when the same `RUN`
//! deletes it, or — as in hadolint — in a stage that is only copied from (`COPY --from=`),
//! which is where a multi-stage build usually installs.
//!
//! ## Example
//! ```dockerfile
//! RUN yarn install --frozen-lockfile
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN yarn install --frozen-lockfile && yarn cache clean
//! ```
//!
//! ## Fix
//! End the `RUN` with `yarn cache clean`, mount the cache with
//! `--mount=type=cache,target=/usr/local/share/.cache/yarn`, or install in a build stage and
//! copy only the result.

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct YarnCacheKept;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-066",
    slug: "yarn-cache-kept",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "`yarn cache clean` missing after yarn install",
    equivalents: &["hadolint:DL3060"],
};

impl DockerfileRule for YarnCacheKept {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let shipped = util::stages_in_final_image(doc.ast);
        for run in util::runs_running(doc, &["yarn"]) {
            if !util::ships(doc, &shipped, run) {
                continue;
            }
            if util::cache_mount_targets(run.instruction)
                .iter()
                .any(|t| t.contains("yarn"))
            {
                continue;
            }
            let missing = util::install_without_cleanup(run.commands, is_install, |c| {
                let cleans = util::runs_program(c, &["yarn"])
                    && matches!(first_two(c), (Some("cache"), Some("clean")));
                let removes = util::runs_program(c, &["rm"])
                    && c.operands()
                        .iter()
                        .any(|w| w.value.contains("yarn") && w.value.contains("cache"));
                cleans || removes
            });
            if let Some(word) = missing.and_then(|c| c.name_word()) {
                out.push(Diagnostic::new(
                    word.span,
                    "yarn's download cache stays in the image: add `&& yarn cache clean` to this RUN",
                ));
            }
        }
    }
}

/// `yarn install`, `yarn add`, `yarn global add`, or a bare `yarn` (which installs).
fn is_install(cmd: &shipshape_syntax::shell::Command) -> bool {
    if !util::runs_program(cmd, &["yarn"]) || crate::rules::docker::only_reports(cmd) {
        return false;
    }
    matches!(
        first_two(cmd),
        (None, _) | (Some("install" | "add"), _) | (Some("global"), Some("add"))
    )
}

/// The first two operands of a yarn command.
fn first_two(cmd: &shipshape_syntax::shell::Command) -> (Option<&str>, Option<&str>) {
    let ops = cmd.operands();
    (
        ops.first().map(|w| w.value.as_str()),
        ops.get(1).map(|w| w.value.as_str()),
    )
}
