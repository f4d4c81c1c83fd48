//! SS-DOCKER-086 `pipe-to-shell`: a download is run as a script without being checked.
//!
//! ## What it does
//! Flags `RUN` commands that feed what `curl` or `wget` download straight into a shell or script
//! interpreter: `curl … | sh`, `wget -qO- … | bash`, `curl … | python3 -`, and the substitution
//! forms `sh -c "$(curl …)"` and `bash <(curl …)`. Text that merely mentions such a pipe (an
//! `echo` argument, a heredoc written to a file) is not a command and is not reported.
//!
//! ## Why is this bad?
//! The script is executed as root at build time without anyone having seen it: whoever controls
//! the server, the DNS or the network path decides what runs in the build. A script cut off
//! mid-download can also run half of its lines. Nothing records which script ran, so the build
//! is not reproducible either.
//!
//! ## Example
//! ```dockerfile
//! RUN curl -fsSL https://deb.nodesource.com/setup_22.x | bash -
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN curl -fsSLo /tmp/setup.sh https://deb.nodesource.com/setup_22.x \
//!  && echo "<sha256>  /tmp/setup.sh" | sha256sum -c - \
//!  && bash /tmp/setup.sh && rm /tmp/setup.sh
//! ```
//!
//! ## Fix
//! Download the script to a file, verify its checksum (or signature), then run it — or install
//! the software from a package repository or a pinned release artifact instead.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;
use shipshape_syntax::shell::{Command, Separator};

use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct PipeToShell;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-086",
    slug: "pipe-to-shell",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "A download is piped straight into a shell (`curl … | sh`)",
    equivalents: &[],
};

/// Programs that execute a script they read from stdin or from an argument.
const INTERPRETERS: &[&str] = &[
    "sh", "bash", "zsh", "dash", "ash", "ksh", "mksh", "fish", "python", "python2", "python3",
    "perl", "ruby", "node", "php",
];

const DOWNLOADERS: &[&str] = &["curl", "wget"];

/// The program name without its directory (`/bin/sh` → `sh`).
fn program(cmd: &Command) -> Option<&str> {
    cmd.name().map(shipshape_syntax::shell::base_name)
}

fn is_interpreter(cmd: &Command) -> bool {
    program(cmd).is_some_and(|p| INTERPRETERS.contains(&p))
}

/// Whether a word runs a download through substitution: `$(curl …)`, `<(wget …)`, `` `curl …` ``.
fn substitutes_download(word: &str) -> Option<&'static str> {
    for opener in ["$(", "<(", "`"] {
        let mut rest = word;
        while let Some(at) = rest.find(opener) {
            let after = rest[at + opener.len()..].trim_start();
            if let Some(d) = DOWNLOADERS.iter().find(|d| {
                after
                    .strip_prefix(**d)
                    .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t', ')']))
            }) {
                return Some(d);
            }
            rest = &rest[at + opener.len()..];
        }
    }
    None
}

/// Checks one script's commands (already in source order).
fn check_commands(cmds: &[Command], out: &mut Vec<Diagnostic>) {
    for (i, raw) in cmds.iter().enumerate() {
        let cmd = raw.unwrapped();
        if is_interpreter(&cmd) {
            if let (Some(name), Some(d)) = (
                cmd.name_word(),
                cmd.args()
                    .iter()
                    .find_map(|w| substitutes_download(&w.value)),
            ) {
                out.push(Diagnostic::new(
                    name.span,
                    format!(
                        "`{}` runs a script fetched by `{d}` without verifying it — download it to a \
                         file and check its hash first",
                        name.value
                    ),
                ));
            }
            continue;
        }
        let Some(downloader) = program(&cmd).filter(|p| DOWNLOADERS.contains(p)) else {
            continue;
        };
        // Follow the pipeline (`curl … | gunzip | sh`) to a reader that executes its input.
        let mut cur = raw;
        let mut rest = &cmds[i + 1..];
        while cur.separator == Separator::Pipe {
            let Some(pos) = rest.iter().position(|c| c.span.start >= cur.span.end) else {
                break;
            };
            let next = &rest[pos];
            let wrapped = next.unwrapped();
            if is_interpreter(&wrapped) {
                if let Some(name) = wrapped.name_word() {
                    out.push(Diagnostic::new(
                        name.span,
                        format!(
                            "what `{downloader}` downloads is piped straight into `{}` and runs \
                             unverified — save it to a file and check its hash first",
                            name.value
                        ),
                    ));
                }
                break;
            }
            cur = next;
            rest = &rest[pos + 1..];
        }
    }
}

impl DockerfileRule for PipeToShell {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, inst) in doc.ast.instructions_of(Keyword::Run) {
            check_commands(inst.run_commands_ref(), out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::docker::own::util::testing::{check, flagged};

    #[test]
    fn follows_a_pipeline_to_the_shell() {
        let src = "FROM a\nRUN curl -fsSL https://x/i.sh.gz | gunzip | bash\n";
        assert_eq!(flagged(&PipeToShell, src), ["bash"]);
    }

    #[test]
    fn ignores_strings_data_and_other_readers() {
        let src = "FROM a\nRUN echo 'curl https://x | sh' && curl -fsSL https://x/t.tgz | tar xz\n\
                   RUN cat <<EOF > /readme\ncurl https://x | sh\nEOF\n";
        assert!(check(&PipeToShell, src).is_empty());
    }

    #[test]
    fn sees_process_substitution() {
        let src = "FROM a\nRUN bash <(curl -fsSL https://x/i.sh)\n";
        assert_eq!(flagged(&PipeToShell, src), ["bash"]);
    }

    #[test]
    fn finds_downloads_inside_substitutions() {
        assert_eq!(
            substitutes_download("$(curl -fsSL https://x/install.sh)"),
            Some("curl")
        );
        assert_eq!(substitutes_download("<(wget -qO- https://x)"), Some("wget"));
        assert_eq!(substitutes_download("$(curly)"), None);
        assert_eq!(substitutes_download("echo curl"), None);
    }
}
