//! ## What it does
//! Flags a pipe (`|`) in a shell-form `RUN` when the shell does not run with `pipefail`.
//!
//! ## Why is this bad?
//! A pipeline's exit status is that of its last command: in
//! `RUN curl -fsSL https://example.com/install.sh | sh`, a failed download feeds `sh` an empty
//! script, `sh` succeeds, and the build goes on without what it was meant to install. With
//! `pipefail` the pipeline fails when any of its commands fails.
//!
//! Not reported when the stage's `SHELL` (or that of the stage it is built `FROM`) sets
//! `-o pipefail`, when `SHELL` is not a POSIX shell (PowerShell, `cmd`) or the stage starts from
//! a Windows image (whose default shell is `cmd`), when the script runs
//! `set -o pipefail` (or `set -euo pipefail`) before the pipe, or for exec-form `RUN`, which
//! has no shell. Each heredoc script needs its own `set -o pipefail`. One pipe per script is
//! reported. hadolint (DL4006) reports all of these except the `SHELL` of the same stage: it
//! forgets the `SHELL` at every `FROM`, does not read `set -o pipefail`, and looks into the
//! `-c` script of an exec-form `RUN`.
//!
//! ## Example
//! ```dockerfile
//! RUN curl -fsSL https://example.com/install.sh | sh
//! ```
//!
//! Use instead:
//! ```dockerfile
//! SHELL ["/bin/bash", "-o", "pipefail", "-c"]
//! RUN curl -fsSL https://example.com/install.sh | sh
//! ```
//!
//! ## Fix
//! Declare `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` (or `/bin/ash` on Alpine) before the
//! `RUN`, or start the script with `set -o pipefail &&` where `/bin/sh` supports it (BusyBox ash,
//! dash 0.5.12 and later).

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;
use shipshape_syntax::shell::Word;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct PipeWithoutPipefail;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-069",
    slug: "pipe-without-pipefail",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "Pipe in RUN without `set -o pipefail`",
    equivalents: &["hadolint:DL4006"],
};

/// What the `SHELL` of a stage does about pipes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shell {
    /// `/bin/sh -c`, or a POSIX shell without `-o pipefail`.
    Plain,
    /// A shell started with `-o pipefail`.
    Pipefail,
    /// PowerShell or `cmd`: pipes work differently, nothing to report.
    NonPosix,
}

impl DockerfileRule for PipeWithoutPipefail {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let stages = doc.ast.stages();
        // The shell each stage ends with, for the stages built `FROM` it.
        let mut final_shell: Vec<Shell> = Vec::with_capacity(stages.len());
        let runs = util::runs(doc);
        for (k, stage) in stages.iter().enumerate() {
            let base = stages[..k].iter().rposition(|s| {
                s.alias
                    .as_deref()
                    .is_some_and(|a| a.eq_ignore_ascii_case(&stage.image.value))
            });
            let mut shell = match base {
                Some(b) => final_shell.get(b).copied().unwrap_or(Shell::Plain),
                None => {
                    let image = doc.ast.resolve_arg(&stage.image.value, None);
                    if crate::rules::docker::runtime::is_windows_image(&image.to_ascii_lowercase())
                    {
                        Shell::NonPosix
                    } else {
                        Shell::Plain
                    }
                }
            };
            for index in stage.instructions.clone() {
                let Some(instr) = doc.ast.instructions.get(index) else {
                    continue;
                };
                if instr.keyword == Keyword::Shell {
                    shell = shell_of(instr.words());
                    continue;
                }
                if instr.keyword != Keyword::Run || shell != Shell::Plain || util::is_exec(instr) {
                    continue;
                }
                // `runs` is in instruction order: a binary search keeps long files linear.
                let at = runs.partition_point(|r| r.index < index);
                if let Some(run) = runs.get(at).filter(|r| r.index == index && !r.onbuild) {
                    check_run(doc, run, out);
                }
            }
            final_shell.push(shell);
        }
    }
}

fn check_run(doc: &DockerfileDoc, run: &util::Run, out: &mut Vec<Diagnostic>) {
    for script in run.scripts() {
        let mut pipefail = false;
        for cmd in &script {
            if util::runs_program(cmd, &["set"]) && enables_pipefail(cmd.args()) {
                pipefail = true;
            }
            if pipefail || !util::pipes(cmd) {
                continue;
            }
            // The command after the pipe: the first one starting after this one ends (commands
            // inside a `$( … )` of this one start earlier).
            let next = script
                .iter()
                .find(|c| c.span.start >= cmd.span.end)
                .copied();
            out.push(Diagnostic::new(
                util::pipe_span(doc.source, cmd, next),
                "without pipefail this pipe fails only if its last command fails: use `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` or `set -o pipefail &&`",
            ));
            break;
        }
    }
}

fn shell_of(words: &[Word]) -> Shell {
    let Some(program) = words.first() else {
        return Shell::Plain;
    };
    let name = program
        .value
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(&program.value)
        .to_ascii_lowercase();
    let name = name.strip_suffix(".exe").unwrap_or(&name);
    if matches!(name, "pwsh" | "powershell" | "cmd") {
        Shell::NonPosix
    } else if enables_pipefail(words) {
        Shell::Pipefail
    } else {
        Shell::Plain
    }
}

/// `-o pipefail`, or a cluster ending in `o` before it (`-euo pipefail`).
fn enables_pipefail(words: &[Word]) -> bool {
    words.windows(2).any(|pair| {
        let (opt, val) = (pair[0].value.as_str(), pair[1].value.as_str());
        val == "pipefail" && opt.starts_with('-') && !opt.starts_with("--") && opt.ends_with('o')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_images_run_cmd_not_a_posix_shell() {
        let src = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022 AS installer\nRUN powershell -Command `\n    (Get-Content x ^| Where-Object { $_ })\nFROM installer\nRUN a | b\n";
        assert!(
            crate::rules::docker::own::util::testing::check(&PipeWithoutPipefail, src).is_empty()
        );
    }
    use shipshape_syntax::shell;

    fn words(s: &str) -> Vec<Word> {
        shell::split(s, 0).remove(0).words
    }

    #[test]
    fn recognises_pipefail_in_set_and_shell() {
        assert!(enables_pipefail(&words("set -euo pipefail")));
        assert!(enables_pipefail(&words("set -o errexit -o pipefail")));
        assert!(!enables_pipefail(&words("set +o pipefail")));
        assert!(!enables_pipefail(&words("set -e")));
        assert!(shell_of(&words("/bin/bash -o pipefail -c")) == Shell::Pipefail);
        assert!(shell_of(&words("pwsh -Command")) == Shell::NonPosix);
        assert!(shell_of(&words("/bin/bash -c")) == Shell::Plain);
    }
}
