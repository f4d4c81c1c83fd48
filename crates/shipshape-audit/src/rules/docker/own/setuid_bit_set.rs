//! SS-DOCKER-090 `setuid-bit-set`: a file is given the setuid or setgid bit.
//!
//! ## What it does
//! Flags modes that add the setuid or setgid bit: `chmod u+s`, `chmod g+s`, `chmod +s`,
//! `chmod 4755`, `chmod 2755`, `install -m 4755`, and `COPY`/`ADD --chmod=4755`. Removing the
//! bits (`chmod a-s`, a common hardening step) is fine.
//!
//! Directories are not programs: `mkdir -m 2775`, `install -d --mode 3777` (setgid and sticky:
//! new files inherit the group, as the official Ruby image does for `$GEM_HOME`) and a
//! setgid-only `chmod` on a path that is not in a `bin` folder are left alone — on a
//! directory setgid only passes the group on, and Linux ignores setuid there.
//!
//! ## Why is this bad?
//! A setuid program runs with the rights of its owner — usually root — whoever starts it. Every
//! such binary in the image is a way for the unprivileged application user to become root if the
//! program has a flaw or can be tricked (environment variables, arguments, files it reads),
//! which undoes the benefit of a non-root `USER`.
//!
//! ## Example
//! ```dockerfile
//! RUN chmod u+s /usr/local/bin/healthcheck
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN chmod 0755 /usr/local/bin/healthcheck
//! ```
//!
//! ## Fix
//! Give the program only what it needs: run it as the application user, grant a single
//! capability (`setcap cap_net_bind_service=+ep`) or configure the capability in the
//! orchestrator. Consider stripping existing bits with
//! `find / -xdev -perm /6000 -type f -exec chmod a-s {} +`.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use super::util::mode_argument;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct SetuidBitSet;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-090",
    slug: "setuid-bit-set",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "A file is given the setuid/setgid bit (`chmod u+s`, `chmod 4755`)",
    equivalents: &[],
};

/// Whether a `chmod`-style mode adds the setuid or setgid bit.
pub(crate) fn adds_setuid(mode: &str) -> bool {
    let mode = mode.trim();
    if !mode.is_empty() && mode.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        // Special bits only exist in the fourth digit from the right.
        return mode.len() >= 4 && (mode.as_bytes()[mode.len() - 4] - b'0') & 6 != 0;
    }
    let mut adds = false;
    for clause in mode.split(',') {
        let who_len = clause.bytes().take_while(|b| b"ugoa".contains(b)).count();
        let (who, actions) = clause.split_at(who_len);
        if !actions.starts_with(['+', '-', '=']) {
            return false;
        }
        // `o+s` means nothing; `s` counts for u, g, a, or an empty who.
        let relevant = who.is_empty() || who.contains(['u', 'g', 'a']);
        let mut op = '+';
        for c in actions.chars() {
            match c {
                '+' | '-' | '=' => op = c,
                's' if op != '-' && relevant => adds = true,
                _ => {}
            }
        }
    }
    adds
}

/// Whether a mode adds the setuid bit itself (not only setgid).
fn adds_setuid_proper(mode: &str) -> bool {
    let mode = mode.trim();
    if !mode.is_empty() && mode.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return mode.len() >= 4 && (mode.as_bytes()[mode.len() - 4] - b'0') & 4 != 0;
    }
    mode.split(',').any(|clause| {
        let who_len = clause.bytes().take_while(|b| b"ugoa".contains(b)).count();
        let (who, actions) = clause.split_at(who_len);
        (who.is_empty() || who.contains(['u', 'a']))
            && actions.contains('s')
            && !actions.starts_with('-')
    })
}

/// `mkdir -m …` and `install -d -m …` create directories.
fn makes_directories(cmd: &shipshape_syntax::shell::Command, program: &str) -> bool {
    program == "mkdir" || (program == "install" && cmd.has_flag('d', "directory"))
}

/// A path in a folder of programs.
fn in_bin(path: &str) -> bool {
    path.split('/')
        .any(|part| part == "bin" || part == "sbin" || part == "libexec")
}

impl DockerfileRule for SetuidBitSet {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for inst in &doc.ast.instructions {
            match inst.keyword {
                Keyword::Run => {
                    for raw in inst.run_commands_ref() {
                        let cmd = raw.unwrapped();
                        let Some((program, word, mode)) = mode_argument(&cmd) else {
                            continue;
                        };
                        if !adds_setuid(&mode) || makes_directories(&cmd, &program) {
                            continue;
                        }
                        // Setgid alone matters on programs; on a directory it only passes
                        // the group on. Without knowing the kind, trust a `bin` folder.
                        if !adds_setuid_proper(&mode)
                            && !cmd.operands().iter().any(|w| in_bin(&w.value))
                        {
                            continue;
                        }
                        out.push(Diagnostic::new(
                            word.span,
                            format!(
                                "mode `{mode}` ({program}) sets the setuid/setgid bit: the program \
                                 runs as its owner (usually root) whoever starts it"
                            ),
                        ));
                    }
                }
                Keyword::Copy | Keyword::Add => {
                    if let Some(flag) = inst.flag("chmod") {
                        if flag.value.as_deref().is_some_and(adds_setuid) {
                            out.push(Diagnostic::new(
                                flag.span,
                                "the copied files get the setuid/setgid bit: they run as their owner \
                                 (usually root) whoever starts them",
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
    fn directories_are_not_programs() {
        use crate::rules::docker::own::util::testing::flagged;
        let src = "FROM a\nRUN install -d --mode 3777 \"$GEM_HOME\" && mkdir -m 2775 /shared \\\n && chmod g+s /srv/data && chmod 2755 /usr/local/bin/tool && chmod u+s /opt/x\n";
        assert_eq!(flagged(&SetuidBitSet, src), ["2755", "u+s"]);
        assert_eq!(
            flagged(&SetuidBitSet, "FROM a\nRUN install -m 4755 x /usr/bin/x\n"),
            ["4755"]
        );
    }

    #[test]
    fn recognises_modes_that_add_special_bits() {
        for m in [
            "4755", "2755", "6755", "04755", "u+s", "g+s", "+s", "a+rxs", "u=rwxs",
        ] {
            assert!(adds_setuid(m), "{m}");
        }
        for m in [
            "755",
            "0755",
            "1777",
            "a-s",
            "u-s",
            "o+s",
            "u+x",
            "/usr/bin/x",
        ] {
            assert!(!adds_setuid(m), "{m}");
        }
    }
}
