//! SS-DOCKER-098 `passwordless-sudo`: a sudoers rule lets a user become root without a password.
//!
//! ## What it does
//! Flags `NOPASSWD` written into sudoers from a `RUN` command
//! (`echo "app ALL=(ALL) NOPASSWD:ALL" >> /etc/sudoers`, `tee /etc/sudoers.d/app`) or from a
//! heredoc of `RUN` or `COPY`, in the stages the image is built from. A dev container (a
//! Dockerfile under `.devcontainer/`), where passwordless sudo for the developer is the
//! convention, is left alone.
//!
//! ## Why is this bad?
//! Running as a non-root `USER` only protects anything if that user cannot simply become root.
//! With passwordless sudo, any code that runs as the application user — an injected command, a
//! compromised dependency — is root in one step, and the non-root user is decoration that also
//! hides the risk from scanners and reviewers.
//!
//! ## Example
//! ```dockerfile
//! RUN useradd --create-home app \
//!  && echo "app ALL=(ALL) NOPASSWD:ALL" > /etc/sudoers.d/app
//! USER app
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN useradd --uid 10001 --create-home app
//! USER 10001
//! ```
//!
//! ## Fix
//! Do everything that needs root in `RUN` steps before `USER`, and do not install sudo rules in
//! the image. Operators who need root can use `docker exec -u 0` or `kubectl debug`.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;
use shipshape_syntax::Span;

use super::util::final_lineage;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct PasswordlessSudo;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-098",
    slug: "passwordless-sudo",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "A sudoers rule with NOPASSWD lets the image's user become root",
    equivalents: &[],
};

const MARKER: &str = "NOPASSWD";

/// The span of every `NOPASSWD` in a piece of source text starting at `base`.
fn markers(text: &str, base: usize) -> impl Iterator<Item = Span> + '_ {
    text.match_indices(MARKER)
        .map(move |(at, m)| Span::new(base + at, base + at + m.len()))
}

impl DockerfileRule for PasswordlessSudo {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let message =
            "`NOPASSWD` lets this user run anything as root without a password — a non-root \
                       USER then protects nothing";
        // Only the image's own stages: a build stage the final image does not build on leaves
        // its sudoers file behind.
        // A dev container (`.devcontainer/`) is a developer's workstation, where passwordless
        // sudo for the developer account is the convention; it is never deployed.
        if doc.path.split('/').any(|d| d == ".devcontainer") {
            return;
        }
        // Every finding is a `NOPASSWD` of the source text: a file without one has none.
        if memchr::memmem::find(doc.source.as_bytes(), MARKER.as_bytes()).is_none() {
            return;
        }
        let lineage = final_lineage(doc.ast);
        let shipped = |i: usize| lineage.iter().any(|s| s.instructions.contains(&i));
        for (i, inst) in doc.ast.instructions.iter().enumerate() {
            if !shipped(i) {
                continue;
            }
            if !matches!(inst.keyword, Keyword::Run | Keyword::Copy) {
                continue;
            }
            let mut spans: Vec<Span> = Vec::new();
            if inst.keyword == Keyword::Run {
                for cmd in inst.run_commands_ref() {
                    for w in cmd.words.iter().filter(|w| w.value.contains(MARKER)) {
                        spans.extend(markers(w.span.text(doc.source), w.span.start));
                    }
                }
            }
            for h in &inst.heredocs {
                spans.extend(markers(&h.body, h.body_span.start));
            }
            // A heredoc script's commands and its body cover the same text.
            spans.sort();
            spans.dedup();
            out.extend(spans.into_iter().map(|s| Diagnostic::new(s, message)));
        }
    }
}
