//! ## What it does
//! Flags an `apt-get update` whose package lists stay in the image: the same `RUN` does not
//! delete `/var/lib/apt/lists` afterwards, and does not keep it in a cache mount.
//!
//! ## Why is this bad?
//! `apt-get update` downloads tens of megabytes of package indexes into `/var/lib/apt/lists`.
//! Only a deletion *after* the last update of the `RUN` counts (hadolint accepts one anywhere
//! in the `RUN`).
//! Deleting them in a later `RUN` does not shrink the image, because the earlier layer keeps
//! them; they must go in the same `RUN`. Stale lists in the image are also useless: any later
//! install must run `apt-get update` again.
//!
//! shipshape does not report it when `/var/lib/apt/lists` (or `/var/lib/apt`) is a
//! `--mount=type=cache` or `type=tmpfs` target — the lists then never reach the layer, where
//! hadolint (DL3009) still asks for a useless `rm` unless `/var/cache/apt` is mounted too. A
//! cache mount on `/var/cache/apt` alone keeps the downloaded `.deb` files out, not the lists,
//! so it is not enough. Like hadolint, a stage that is only copied from (`COPY --from=`) is not
//! checked: its layers do not ship.
//!
//! ## Example
//! ```dockerfile
//! RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \
//!     && rm -rf /var/lib/apt/lists/*
//! ```
//!
//! or, with BuildKit:
//! ```dockerfile
//! RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
//!     --mount=type=cache,target=/var/lib/apt,sharing=locked \
//!     apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5
//! ```
//!
//! ## Fix
//! End the `RUN` with `rm -rf /var/lib/apt/lists/*`, or mount `/var/lib/apt` as a cache.

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct AptListsNotCleaned;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-044",
    slug: "apt-lists-not-cleaned",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "apt package lists left in the image",
    equivalents: &["hadolint:DL3009"],
};

const LISTS: &[&str] = &["/var/lib/apt/lists"];

impl DockerfileRule for AptListsNotCleaned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let shipped = util::stages_in_final_image(doc.ast);
        for run in util::runs_running(doc, &["apt-get", "apt"]) {
            if !util::ships(doc, &shipped, run) || run.mounts_cache_over(LISTS) {
                continue;
            }
            let mut updates = run.commands.iter().filter_map(|c| {
                if !util::runs_program(c, &["apt-get", "apt"]) {
                    return None;
                }
                util::subcommand_is(c, util::APT_VALUE_OPTIONS, &["update"]).map(|(_, w)| (c, w))
            });
            let Some((last, word)) = updates.next_back() else {
                continue;
            };
            let cleaned = run.commands.iter().any(|c| {
                c.span.start > last.span.start
                    && (util::removes_under(c, LISTS)
                        || (util::runs_program(c, &["apt-get", "apt"])
                            && util::subcommand_is(
                                c,
                                util::APT_VALUE_OPTIONS,
                                &["distclean", "dist-clean"],
                            )
                            .is_some()))
            });
            if !cleaned {
                out.push(Diagnostic::new(
                    word.span,
                    "the package lists this downloads stay in the image: add `&& rm -rf /var/lib/apt/lists/*` to this RUN or use a cache mount",
                ));
            }
        }
    }
}
