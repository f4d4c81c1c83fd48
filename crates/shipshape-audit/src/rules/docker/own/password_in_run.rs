//! SS-DOCKER-099 `password-in-run`: a `RUN` sets an account password.
//!
//! ## What it does
//! Flags `RUN` commands that set a user's password: `chpasswd` (typically fed by
//! `echo 'root:…' |`), `passwd --stdin`, and `useradd`/`usermod -p`/`--password`. A literal
//! password in the same command is masked in every output shipshape produces.
//!
//! ## Why is this bad?
//! The password is in the Dockerfile, in the image history (`docker history --no-trunc` shows the
//! whole command) and in `/etc/shadow` of every container started from the image — the same
//! password everywhere, known to anyone who can read the repository or pull the image. A
//! password taken from a build argument is recorded in the history just the same. Containers
//! need no login passwords: nobody should log in to them.
//!
//! ## Example
//! ```dockerfile
//! RUN useradd --create-home app && echo 'app:S3cret!' | chpasswd
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN useradd --uid 10001 --create-home --shell /usr/sbin/nologin app
//! ```
//!
//! ## Fix
//! Do not give container accounts a password (leave them locked). If a password is truly
//! needed at run time, have the entrypoint set it from a mounted secret.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;
use shipshape_syntax::shell::{Command, Separator};
use shipshape_syntax::Span;

use super::util::has_reference;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct PasswordInRun;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-099",
    slug: "password-in-run",
    domain: Domain::Dockerfile,
    severity: Severity::Error,
    title: "A RUN sets an account password (chpasswd, passwd --stdin, useradd -p)",
    equivalents: &["checkov:CKV2_DOCKER_17"],
};

fn program(cmd: &Command) -> Option<&str> {
    cmd.name().map(shipshape_syntax::shell::base_name)
}

/// The span of the literal password in an `echo 'user:password'` word (after the first `:`, inside
/// the quotes), if the word holds one.
fn literal_password(source: &str, word: &shipshape_syntax::dockerfile::Word) -> Option<Span> {
    let (_, password) = word.value.split_once(':')?;
    let raw = word.span.text(source);
    // Single quotes expand nothing, so `'app:$6$…'` (a crypt hash) is a literal too.
    if password.is_empty() || (has_reference(password) && !raw.starts_with('\'')) {
        return None;
    }
    let colon = raw.find(':')?;
    let end = raw.len() - usize::from(raw.ends_with(['\'', '"']));
    (colon + 1 < end).then(|| Span::new(word.span.start + colon + 1, word.span.start + end))
}

/// Checks one script's commands (in source order).
fn check_commands(source: &str, cmds: &[Command], out: &mut Vec<Diagnostic>) {
    for (i, raw) in cmds.iter().enumerate() {
        let cmd = raw.unwrapped();
        let Some(name) = cmd.name_word() else {
            continue;
        };
        let setter = match program(&cmd) {
            Some("chpasswd") => true,
            Some("passwd") => cmd.has_flag('\0', "stdin"),
            _ => false,
        };
        if setter {
            // The input usually comes from `echo 'user:password' |` just before.
            let feeder = cmds[..i]
                .iter()
                .rev()
                .find(|c| c.separator == Separator::Pipe && c.span.end <= raw.span.start)
                .map(Command::wrapped)
                .filter(|c| matches!(program(c), Some("echo" | "printf")));
            let secrets: Vec<Span> = feeder
                .iter()
                .flat_map(|c| {
                    c.args()
                        .iter()
                        .filter_map(|w| literal_password(source, w))
                        .collect::<Vec<_>>()
                })
                .collect();
            let how = if secrets.is_empty() {
                "from a variable (a build argument is recorded in the image history)"
            } else {
                "written in the Dockerfile (and so in the image history)"
            };
            let mut d = Diagnostic::new(
                name.span,
                format!(
                    "`{}` sets an account password {how}: every container gets it in /etc/shadow — \
                     leave container accounts without a password",
                    name.value
                ),
            );
            for s in secrets {
                d = d.redacting(s);
            }
            out.push(d);
            continue;
        }
        if matches!(program(&cmd), Some("useradd" | "usermod")) {
            if let Some(value) = cmd.flag_value('p', "password") {
                let d = Diagnostic::new(
                    name.span,
                    format!(
                        "`{} -p` bakes a password hash into the image's /etc/shadow, where anyone who \
                         pulls the image can crack it — leave the account without a password",
                        name.value
                    ),
                );
                // Masked even when it looks like `$…`: crypt hashes start with `$6$`.
                out.push(d.redacting(value.span));
            }
        }
    }
}

impl DockerfileRule for PasswordInRun {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, inst) in doc.ast.instructions_of(Keyword::Run) {
            check_commands(doc.source, inst.run_commands_ref(), out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::docker::own::util::testing::check;

    #[test]
    fn masks_literal_passwords_and_hashes() {
        let src = "FROM a\nRUN echo 'app:$6$salt$hash' | chpasswd -e && usermod -p '$6$x$y' app\n";
        let found = check(&PasswordInRun, src);
        let masked: Vec<&str> = found
            .iter()
            .flat_map(|d| d.redact.iter().map(|s| s.text(src)))
            .collect();
        assert_eq!(masked, ["$6$salt$hash", "'$6$x$y'"]);
    }

    #[test]
    fn locking_an_account_passes() {
        assert!(check(
            &PasswordInRun,
            "FROM a\nRUN passwd -l root && usermod --lock app\n"
        )
        .is_empty());
    }
}
