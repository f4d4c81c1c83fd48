//! ## What it does
//! Flags the `apt` command in a `RUN`.
//!
//! ## Why is this bad?
//! `apt` is the interactive front end for people at a terminal: its output and behaviour may
//! change between releases, and it warns "apt does not have a stable CLI interface. Use with
//! caution in scripts." `apt-get` (and `apt-cache`) are the stable interfaces meant for scripts.
//!
//! ## Example
//! ```dockerfile
//! RUN apt update && apt install -y curl=7.88.1-10+deb12u5
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \
//!     && rm -rf /var/lib/apt/lists/*
//! ```
//!
//! ## Fix
//! Replace `apt` with `apt-get` (or `apt-cache` for `search` and `show`).

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct AptInsteadOfAptGet;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-047",
    slug: "apt-instead-of-apt-get",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "`apt` used instead of `apt-get`",
    equivalents: &["hadolint:DL3027", "checkov:CKV_DOCKER_9"],
};

impl DockerfileRule for AptInsteadOfAptGet {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, cmd) in util::commands_running(doc, &["apt"]) {
            if let Some(word) = cmd.name_word() {
                out.push(Diagnostic::new(
                    word.span,
                    "`apt` has no stable interface for scripts: use `apt-get`",
                ));
            }
        }
    }
}
