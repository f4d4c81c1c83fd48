//! ## What it does
//! Flags a `RUN` that directly follows another `RUN` with the same flags when both are a single
//! command, following hadolint: comments in between do not separate them,
//! any other instruction does. `RUN`s whose flags differ (`--mount=type=cache,…`,
//! `--network=none`) cannot be merged and pass; so do longer `RUN`s and heredoc scripts, which
//! were most likely split on purpose (for example to keep a slow, stable layer cached).
//! Heredoc bodies are read as scripts and their commands counted; hadolint does not look inside
//! heredocs, so it can flag a heredoc script next to a short `RUN`.
//!
//! ## Why is this bad?
//! Every `RUN` makes a layer. Short steps in a row add layers, metadata and pull time for
//! nothing, and files deleted in a later `RUN` still ship in the earlier layer.
//!
//! ## Example
//! ```dockerfile
//! RUN apt-get update
//! RUN apt-get install -y --no-install-recommends curl
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN apt-get update \
//!  && apt-get install -y --no-install-recommends curl \
//!  && rm -rf /var/lib/apt/lists/*
//! ```
//!
//! ## Fix
//! Join the commands into one `RUN` with `&&` (or a heredoc script).

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::{Instruction, Keyword};

use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct ConsecutiveRun;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-020",
    slug: "consecutive-run",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "Consecutive RUN instructions could be one layer",
    equivalents: &["hadolint:DL3059"],
};

/// A `RUN` of more commands than this (`a && b`, `a | b`) suggests the split was deliberate.
const SHORT: usize = 1;

fn flags_of(instr: &Instruction) -> Vec<(String, Option<String>)> {
    let mut flags: Vec<_> = instr
        .flags
        .iter()
        .map(|f| (f.name.clone(), f.value.clone()))
        .collect();
    flags.sort();
    flags
}

fn command_count(instr: &Instruction) -> usize {
    instr
        .run_commands_ref()
        .iter()
        .filter(|c| !c.in_subshell)
        .count()
}

impl DockerfileRule for ConsecutiveRun {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let mut previous: Option<&Instruction> = None;
        for instr in &doc.ast.instructions {
            if instr.keyword != Keyword::Run {
                previous = None;
                continue;
            }
            if let Some(prev) = previous {
                let same_flags = flags_of(prev) == flags_of(instr);
                if same_flags && command_count(prev) <= SHORT && command_count(instr) <= SHORT {
                    out.push(Diagnostic::new(
                        instr.keyword_span,
                        "this RUN follows another RUN with the same flags: join them with `&&` to save a layer",
                    ));
                }
            }
            previous = Some(instr);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::flagged;
    use super::*;

    #[test]
    fn flags_short_runs_in_a_row() {
        let src = "FROM a:1\nRUN a\n# note\nrun b\nWORKDIR /x\nRUN c\n";
        assert_eq!(flagged(&ConsecutiveRun, src), ["run"]);
    }

    #[test]
    fn passes_different_flags_long_runs_and_heredoc_scripts() {
        let src = "FROM a:1\nRUN a\nRUN --mount=type=cache,target=/c b\nRUN c && d\nRUN f\nRUN <<EOF\nset -e\ng\nh\nEOF\nRUN i\n";
        assert!(flagged(&ConsecutiveRun, src).is_empty());
    }
}
