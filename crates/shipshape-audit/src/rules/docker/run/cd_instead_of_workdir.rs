//! ## What it does
//! Flags a `cd` in a `RUN` that sets the directory for the commands after it, and a `RUN cd`
//! that does nothing else.
//!
//! ## Why is this bad?
//! The directory a `cd` sets lasts only until the end of its `RUN`: a `RUN cd /app` alone has no
//! effect on later instructions, which is rarely what its author expected. Chaining
//! `cd dir && …` in every `RUN` hides which directory each command runs in; `WORKDIR` states it
//! once, creates the directory if needed, and applies to `RUN`, `CMD`, `ENTRYPOINT`, `COPY` and
//! `ADD` alike.
//!
//! Unlike hadolint (DL3003), which reports every `cd`, shipshape leaves alone a `cd` inside a
//! subshell or command substitution (`(cd vendor && make)`, `$(cd "$dir" && pwd)`), which is
//! scoped on purpose, and a `cd` that is the last command of its script. Only the first such
//! `cd` of each script is reported.
//!
//! ## Example
//! ```dockerfile
//! RUN cd /usr/src/app && make install
//! ```
//!
//! Use instead:
//! ```dockerfile
//! WORKDIR /usr/src/app
//! RUN make install
//! ```
//!
//! ## Fix
//! Set the directory with `WORKDIR` before the `RUN`, or scope a temporary change of directory
//! to a subshell (`(cd build && make)`), or use the command's own option (`make -C build`,
//! `tar -C /opt`).

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct CdInsteadOfWorkdir;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-040",
    slug: "cd-instead-of-workdir",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "`cd` in RUN used to set the working directory",
    equivalents: &["hadolint:DL3003", "trivy:DS-0013"],
};

impl DockerfileRule for CdInsteadOfWorkdir {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for run in util::runs_running(doc, &["cd"]) {
            for script in run.scripts() {
                // Commands in `( … )` or `$( … )` cannot change the script's directory.
                let top: Vec<_> = script.iter().filter(|c| !c.in_subshell).collect();
                let Some(pos) = top.iter().position(|c| util::runs_program(c, &["cd"])) else {
                    continue;
                };
                let Some(word) = top[pos].name_word() else {
                    continue;
                };
                if top.len() == 1 {
                    out.push(Diagnostic::new(
                        word.span,
                        "this `cd` has no effect on later instructions: the directory resets at the end of the RUN; use WORKDIR",
                    ));
                } else if pos + 1 < top.len() {
                    out.push(Diagnostic::new(
                        word.span,
                        "`cd` sets the directory for the commands after it: use WORKDIR (or a subshell for a temporary change)",
                    ));
                }
            }
        }
    }
}
