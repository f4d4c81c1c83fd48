//! ## What it does
//! Flags a `useradd` with a UID of six digits or more and without `-l` (`--no-log-init`).
//!
//! ## Why is this bad?
//! `useradd` reserves a record for the new user in `/var/log/lastlog` and `/var/log/faillog`,
//! both indexed by UID. These are sparse files on disk, but image layers are tar archives,
//! which store them in full: a UID of 100000 adds about 30 MB to the image, a UID of 10000000
//! several gigabytes, and the build may exhaust the disk.
//!
//! ## Example
//! ```dockerfile
//! RUN useradd -u 123456 app
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN useradd -l -u 123456 app
//! ```
//!
//! ## Fix
//! Add `-l` (`--no-log-init`) to `useradd`, or use a smaller UID.

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct UseraddHighUid;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-064",
    slug: "useradd-high-uid",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "useradd with a high UID and without `-l`",
    equivalents: &["hadolint:DL3046"],
};

/// UIDs from here on (six digits, as in hadolint) make the log files noticeably large.
const HIGH_UID: u64 = 100_000;

impl DockerfileRule for UseraddHighUid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for run in util::runs_running(doc, &["useradd"]) {
            let stage = doc.ast.stage_of(run.index);
            for cmd in run.commands {
                if !util::runs_program(cmd, &["useradd"]) {
                    continue;
                }
                let args = cmd.args();
                if util::has_short(args, 'l') || util::has_option(args, &["--no-log-init"]) {
                    continue;
                }
                let Some(uid) = cmd.flag_value('u', "uid") else {
                    continue;
                };
                let raw = uid
                    .value
                    .trim_start_matches("--uid=")
                    .trim_start_matches("-u");
                // `-u ${APP_UID}`: use the ARG or ENV default when there is one.
                let value = doc.ast.resolve_arg(raw, stage);
                if value.parse::<u64>().is_ok_and(|n| n >= HIGH_UID) {
                    if let Some(word) = cmd.name_word() {
                        out.push(Diagnostic::new(
                            word.span,
                            format!("`useradd` with UID {value} and without `-l` writes huge lastlog/faillog files into the layer: add `-l`"),
                        ));
                    }
                }
            }
        }
    }
}
