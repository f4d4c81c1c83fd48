//! ## What it does
//! Flags `ln` replacing `/bin/sh` (`ln -sf /bin/bash /bin/sh`) to change the shell of later
//! `RUN` instructions.
//!
//! ## Why is this bad?
//! Every program in the image that calls `/bin/sh` — package scripts, init scripts, other
//! tools — now gets a different shell than the distribution tested, and the change is hidden
//! in a `RUN` line. `SHELL` changes the shell of later `RUN` instructions, visibly, and nothing
//! else.
//!
//! Only a link whose *destination* is `/bin/sh` is reported: `ln -s /bin/sh /usr/local/bin/x`
//! does not replace anything (hadolint, DL4005, reports any `ln` naming `/bin/sh`).
//!
//! ## Example
//! ```dockerfile
//! RUN ln -sf /bin/bash /bin/sh
//! ```
//!
//! Use instead:
//! ```dockerfile
//! SHELL ["/bin/bash", "-o", "pipefail", "-c"]
//! ```
//!
//! ## Fix
//! Remove the link and declare the shell with `SHELL`.

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct LnBinSh;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-068",
    slug: "ln-bin-sh",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "`/bin/sh` replaced with `ln` to change the shell",
    equivalents: &["hadolint:DL4005"],
};

impl DockerfileRule for LnBinSh {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, cmd) in util::commands_running(doc, &["ln"]) {
            let operands = cmd.operands();
            if operands.len() < 2 {
                continue;
            }
            if let Some(dest) = operands
                .last()
                .filter(|w| matches!(w.value.as_str(), "/bin/sh" | "/usr/bin/sh"))
            {
                out.push(Diagnostic::new(
                    dest.span,
                    "replacing /bin/sh changes the shell of every program in the image: use the SHELL instruction",
                ));
            }
        }
    }
}
