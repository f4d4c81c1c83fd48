//! ## What it does
//! Flags the use of `wget` in a stage that also uses `curl`, or the other way round: every use
//! of the tool that appears second is reported.
//!
//! ## Why is this bad?
//! Both tools do the same job here. Installing and keeping both makes the image larger and
//! gives an attacker one more tool; it also suggests copied snippets nobody reconciled.
//!
//! Each stage is judged on its own, as in hadolint (DL4001): a build stage may download with
//! `curl` while the final stage uses `wget`. Package names (`apt-get install curl`) are not uses.
//!
//! ## Example
//! ```dockerfile
//! RUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz
//! RUN wget -q https://example.com/b.tgz
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz
//! RUN curl -fsSLO https://example.com/b.tgz
//! ```
//!
//! ## Fix
//! Pick one of `curl` and `wget` for the stage (or use `ADD <url>` with `--checksum`).

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct WgetAndCurl;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-067",
    slug: "wget-and-curl",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "Both wget and curl used in one stage",
    equivalents: &["hadolint:DL4001", "trivy:DS-0014"],
};

impl DockerfileRule for WgetAndCurl {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        // Uses per stage (`None`: before any FROM, or ONBUILD), in source order.
        let mut uses: Vec<(Option<usize>, &'static str, shipshape_syntax::Span)> = Vec::new();
        for run in util::runs_running(doc, &["wget", "curl"]) {
            let stage = if run.onbuild {
                None
            } else {
                doc.ast.stage_of(run.index)
            };
            for cmd in run.commands {
                let tool = match util::program(cmd) {
                    Some("wget") => "wget",
                    Some("curl") => "curl",
                    _ => continue,
                };
                if let Some(word) = cmd.name_word() {
                    uses.push((stage, tool, word.span));
                }
            }
        }
        for (stage, tool, span) in &uses {
            // The tool that appears first in the stage is the one to keep.
            let first = uses.iter().find(|(s, _, _)| s == stage);
            let Some((_, kept, kept_span)) = first else {
                continue;
            };
            if tool != kept {
                let line = util::line_of(doc.source, kept_span.start);
                out.push(Diagnostic::new(
                    *span,
                    format!("this stage already uses `{kept}` (line {line}): use one download tool, not both"),
                ));
            }
        }
    }
}
