//! ## What it does
//! Flags `CMD` and `ENTRYPOINT` written in shell form (`CMD node server.js`) instead of the JSON
//! exec form (`CMD ["node", "server.js"]`). Arguments that start with `[` but are not valid JSON
//! (single quotes, a trailing comma) are already reported as a syntax error and not repeated
//! here.
//!
//! ## Why is this bad?
//! Shell form runs the command as `/bin/sh -c "…"`: the shell becomes PID 1 and does not pass
//! `SIGTERM` on, so `docker stop` and Kubernetes wait out their grace period and kill the process
//! without a clean shutdown (connections dropped, buffers lost). A shell-form `ENTRYPOINT` also
//! ignores `CMD` and the arguments given to `docker run`, and images without `/bin/sh`
//! (distroless, scratch) cannot run it at all.
//!
//! ## Example
//! ```dockerfile
//! CMD gunicorn app:app --bind 0.0.0.0:8000
//! ```
//!
//! Use instead:
//! ```dockerfile
//! CMD ["gunicorn", "app:app", "--bind", "0.0.0.0:8000"]
//! ```
//!
//! ## Fix
//! Write the command as a JSON array of strings with double quotes. If it needs shell features
//! (variables, `&&`), put them in a script that ends with `exec "$@"` or `exec the-server`.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct ExecFormCmd;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-010",
    slug: "exec-form-cmd",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "CMD or ENTRYPOINT in shell form",
    equivalents: &["hadolint:DL3025", "buildkit:JSONArgsRecommended"],
};

impl DockerfileRule for ExecFormCmd {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for instr in &doc.ast.instructions {
            if !matches!(instr.keyword, Keyword::Cmd | Keyword::Entrypoint) {
                continue;
            }
            let Some(shell) = instr.shell_form() else {
                continue;
            };
            if shell.text.trim_start().starts_with('[') {
                continue;
            }
            let consequence = if instr.keyword == Keyword::Entrypoint {
                "it runs under `/bin/sh -c`, does not receive SIGTERM, and ignores CMD and `docker run` arguments"
            } else {
                "it runs under `/bin/sh -c` and the process does not receive SIGTERM"
            };
            out.push(Diagnostic::new(
                shell.span,
                format!(
                    "{} in shell form: {consequence}; use the JSON exec form",
                    instr.keyword
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::flagged;
    use super::*;

    #[test]
    fn flags_shell_form_only() {
        let src = "FROM a:1\nCMD node server.js\nENTRYPOINT [\"tini\", \"--\"]\nCMD [\"node\"]\nENTRYPOINT exec app\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n";
        assert_eq!(flagged(&ExecFormCmd, src), ["node server.js", "exec app"]);
    }
}
