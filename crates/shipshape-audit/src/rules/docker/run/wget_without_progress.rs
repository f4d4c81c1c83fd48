//! ## What it does
//! Flags `wget` without `--progress` or a quiet option.
//!
//! ## Why is this bad?
//! Without a terminal, wget's default progress display prints a line of dots every few
//! kilobytes: a large download fills the build log with thousands of lines, hiding the output
//! that matters and slowing down CI log viewers.
//!
//! Accepted: `--progress=…`, `-q`/`--quiet`, `-nv`/`--no-verbose`, and sending the log to a
//! file with `-o`/`--output-file` or `-a`/`--append-output`. (`-O` names the downloaded file,
//! not the log, and does not count.)
//!
//! ## Example
//! ```dockerfile
//! RUN wget https://example.com/big.tar.gz
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN wget --progress=dot:giga https://example.com/big.tar.gz
//! ```
//!
//! ## Fix
//! Add `--progress=dot:giga`, or `-q` (BusyBox wget, as in Alpine, has no `--progress`).

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct WgetWithoutProgress;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-065",
    slug: "wget-without-progress",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "wget without `--progress` or `-q`",
    equivalents: &["hadolint:DL3047"],
};

impl DockerfileRule for WgetWithoutProgress {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, cmd) in util::commands_running(doc, &["wget"]) {
            let args = cmd.args();
            let no_verbose = args.iter().any(|w| w.value == "-nv");
            let quiet = util::has_option(
                args,
                &[
                    "--progress",
                    "--quiet",
                    "--no-verbose",
                    "--output-file",
                    "--append-output",
                ],
            ) || args
                .iter()
                .any(|w| is_short_cluster(&w.value) && w.value.contains(['q', 'o', 'a']));
            if no_verbose || quiet {
                continue;
            }
            if let Some(word) = cmd.name_word() {
                out.push(Diagnostic::new(
                    word.span,
                    "`wget` without a terminal prints a line per few kilobytes: add `--progress=dot:giga` or `-q`",
                ));
            }
        }
    }
}

/// `-qO-`, `-o`: short options, but not `-nv` and friends, whose letters are not a cluster.
fn is_short_cluster(word: &str) -> bool {
    word.starts_with('-') && !word.starts_with("--") && !word.starts_with("-n")
}
