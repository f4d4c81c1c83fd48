//! SS-DOCKER-089 `world-writable-permissions`: files are made writable by every user.
//!
//! ## What it does
//! Flags modes that give write permission to "others": `chmod 777`, `chmod -R 666`,
//! `chmod a+rwx`, `chmod o+w`, `mkdir -m 777`, `install -m 0777`, and `COPY`/`ADD --chmod=777`.
//! Modes with the sticky bit (`1777`, `a+rwxt`), the standard for shared scratch folders such
//! as `/tmp`, are left alone.
//!
//! ## Why is this bad?
//! A world-writable file or folder can be changed by any process in the container, whatever user
//! it runs as. An attacker who gets code execution as an unprivileged user can then replace
//! the application's code, configuration or scripts that a more privileged process runs later.
//! `777` is usually a shortcut around a missing `chown`, and it defeats the point of running as
//! non-root.
//!
//! ## Example
//! ```dockerfile
//! RUN mkdir -p /app/data && chmod -R 777 /app
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN mkdir -p /app/data && chown -R 10001:10001 /app/data
//! USER 10001:10001
//! ```
//!
//! ## Fix
//! Give the folders to the user that writes them (`chown`, `COPY --chown`) and keep modes such as
//! `755` for folders and `644` for files; use `1777` only for shared scratch folders.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;
use shipshape_syntax::shell::Command;

use super::util::mode_argument;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct WorldWritablePermissions;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-089",
    slug: "world-writable-permissions",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "Files are made world-writable (`chmod 777`, `a+rwx`)",
    equivalents: &[],
};

/// Whether a `chmod`-style mode gives "others" write permission without the sticky bit.
pub(crate) fn is_world_writable(mode: &str) -> bool {
    let mode = mode.trim();
    if !mode.is_empty() && mode.len() <= 4 && mode.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        let digits: Vec<u8> = mode.bytes().map(|b| b - b'0').collect();
        let others = digits.last().copied().unwrap_or(0);
        let sticky = digits.len() == 4 && digits[0] & 1 == 1;
        return others & 2 == 2 && !sticky;
    }
    let mut writable = false;
    let mut sticky = false;
    for clause in mode.split(',') {
        let who_len = clause.bytes().take_while(|b| b"ugoa".contains(b)).count();
        let (who, actions) = clause.split_at(who_len);
        if !actions.starts_with(['+', '-', '=']) {
            // Not a symbolic mode (an option or a path).
            return false;
        }
        let mut op = '+';
        for c in actions.chars() {
            match c {
                '+' | '-' | '=' => op = c,
                'w' if op != '-' && (who.contains('a') || who.contains('o')) => writable = true,
                't' if op != '-' => sticky = true,
                _ => {}
            }
        }
    }
    writable && !sticky
}

fn check_command(raw: &Command, all: &[Command], out: &mut Vec<Diagnostic>) {
    let cmd = raw.unwrapped();
    let Some((program, word, mode)) = mode_argument(&cmd) else {
        return;
    };
    // A scratch folder the same `RUN` removes again (`tempDir="$(mktemp -d)"; chmod 777
    // "$tempDir"; …; rm -rf "$tempDir"`, as the official nginx image does) leaves no trace.
    let targets: Vec<&str> = cmd
        .operands()
        .iter()
        .skip(usize::from(program == "chmod"))
        .map(|w| w.value.as_str())
        .collect();
    let removed_later = !targets.is_empty()
        && targets.iter().all(|t| {
            all.iter().any(|c| {
                c.span.start > raw.span.start
                    && c.unwrapped().name() == Some("rm")
                    && c.unwrapped().operands().iter().any(|o| o.value == *t)
            })
        });
    if is_world_writable(&mode) && !removed_later {
        out.push(Diagnostic::new(
            word.span,
            format!(
                "mode `{mode}` ({program}) makes files writable by every user in the container — chown \
                 them to the user that writes them instead"
            ),
        ));
    }
}

impl DockerfileRule for WorldWritablePermissions {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for inst in &doc.ast.instructions {
            match inst.keyword {
                Keyword::Run => {
                    let all = inst.run_commands_ref();
                    for cmd in all {
                        check_command(cmd, all, out);
                    }
                }
                Keyword::Copy | Keyword::Add => {
                    if let Some(flag) = inst.flag("chmod") {
                        if flag.value.as_deref().is_some_and(is_world_writable) {
                            out.push(Diagnostic::new(
                                flag.span,
                                "the copied files are made writable by every user in the container — \
                                 use `--chown` with a mode such as 755/644 instead",
                            ));
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scratch_folder_removed_by_the_same_run_is_fine() {
        use crate::rules::docker::own::util::testing::flagged;
        let src = "FROM a\nRUN tempDir=\"$(mktemp -d)\" && chmod 777 \"$tempDir\" && make && rm -rf \"$tempDir\"\n\
                   RUN chmod 777 /srv/uploads\n";
        assert_eq!(flagged(&WorldWritablePermissions, src), ["777"]);
    }

    #[test]
    fn recognises_world_writable_modes() {
        for m in [
            "777",
            "0777",
            "666",
            "o+w",
            "a+rwx",
            "ugo+rwx",
            "u=rwx,o=rwx",
            "a=rwx",
        ] {
            assert!(is_world_writable(m), "{m}");
        }
        for m in [
            "755", "1777", "644", "0775", "u+w", "+x", "a+rwxt", "g+w", "o-w", "/app",
        ] {
            assert!(!is_world_writable(m), "{m}");
        }
    }
}
