//! ## What it does
//! Flags a `zypper install` (or `remove`, `update`, `patch`, `dist-upgrade`, `source-install`)
//! without a non-interactive switch.
//!
//! ## Why is this bad?
//! A build has no terminal to answer zypper's "Continue? [y/n/v/...? shows all options] (y)":
//! zypper reads end of input and the build fails or hangs.
//!
//! Accepted: the global `-n`/`--non-interactive` before the command, or `-y`/`--no-confirm`
//! after it. A `-n` after `install` is `--name` there, not non-interactive mode, although
//! hadolint (DL3034) accepts it anywhere.
//!
//! ## Example
//! ```dockerfile
//! RUN zypper install nginx=1.21.5 && zypper clean
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN zypper --non-interactive install nginx=1.21.5 && zypper clean
//! ```
//!
//! ## Fix
//! Add `--non-interactive` (or `-n`) before the zypper command, or `-y` after it.

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct ZypperMissingNonInteractive;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-057",
    slug: "zypper-missing-non-interactive",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "zypper install without a non-interactive switch",
    equivalents: &["hadolint:DL3034"],
};

const PROMPTING: &[&str] = &[
    "install",
    "in",
    "remove",
    "rm",
    "source-install",
    "si",
    "patch",
    "update",
    "up",
    "dist-upgrade",
    "dup",
];

impl DockerfileRule for ZypperMissingNonInteractive {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, cmd) in util::commands_running(doc, &["zypper"]) {
            let Some((i, sub)) = util::zypper(cmd, PROMPTING) else {
                continue;
            };
            let args = cmd.args();
            let (global, local) = args.split_at(i.min(args.len()));
            let non_interactive = util::has_short(global, 'n')
                || util::has_option(args, &["--non-interactive", "--no-confirm"])
                || util::has_short(local, 'y');
            if non_interactive {
                continue;
            }
            if let Some(word) = cmd.name_word() {
                out.push(Diagnostic::new(
                    word.span,
                    format!("`zypper {}` stops at zypper's confirmation prompt: add `--non-interactive` before the command", sub.value),
                ));
            }
        }
    }
}
