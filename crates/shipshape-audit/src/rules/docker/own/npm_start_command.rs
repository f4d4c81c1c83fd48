//! SS-DOCKER-091 `npm-start-command`: the container's main process is a package manager.
//!
//! ## What it does
//! Flags the `CMD` or `ENTRYPOINT` in effect for the image when it starts the application
//! through a package manager script: `npm start`, `npm run <script>`, `yarn start`,
//! `yarn run <script>`, `pnpm start`, `pnpm run <script>` — in exec form, shell form, or inside
//! `sh -c "…"`.
//!
//! ## Why is this bad?
//! The package manager becomes the container's main process and starts the application as a
//! child, through yet another `sh -c`. SIGTERM from `docker stop` or Kubernetes reaches npm, not
//! the application: depending on the version, npm does not forward it or exits before the child
//! has finished, so the application is killed without a graceful shutdown. The package manager
//! also costs memory and start-up time and may try to reach the network or write caches at start.
//!
//! ## Example
//! ```dockerfile
//! CMD ["npm", "start"]
//! ```
//!
//! Use instead:
//! ```dockerfile
//! CMD ["node", "server.js"]
//! ```
//!
//! ## Fix
//! Run the command the `start` script runs directly (`node server.js`, `node dist/main.js`), in
//! exec form.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;
use shipshape_syntax::shell::Command;
use shipshape_syntax::Span;

use super::util::{effective, final_lineage};
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct NpmStartCommand;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-091",
    slug: "npm-start-command",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "The container starts through `npm start` / `yarn start` / `pnpm start`",
    equivalents: &[],
};

/// The span of `npm start` / `npm run x` in a command, if it runs a package script.
fn package_script(cmd: &Command) -> Option<(Span, String)> {
    let cmd = cmd.unwrapped();
    let name = cmd.name_word()?;
    let program = shipshape_syntax::shell::base_name(&name.value);
    if !matches!(program, "npm" | "yarn" | "pnpm") {
        return None;
    }
    let ops = cmd.operands();
    let first = ops.first()?;
    let last = match first.value.as_str() {
        "start" => *first,
        "run" | "run-script" => *ops.get(1)?,
        _ => return None,
    };
    let text = std::iter::once(name.value.as_str())
        .chain(
            ops.iter()
                .take_while(|w| w.span.start <= last.span.start)
                .map(|w| w.value.as_str()),
        )
        .collect::<Vec<_>>()
        .join(" ");
    Some((name.span.to(last.span), text))
}

impl DockerfileRule for NpmStartCommand {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let ast = doc.ast;
        let lineage = final_lineage(ast);
        for keyword in [Keyword::Entrypoint, Keyword::Cmd] {
            let Some(inst) =
                effective(ast, &lineage, keyword).and_then(|i| ast.instructions.get(i))
            else {
                continue;
            };
            if let Some((span, text)) = inst.commands().iter().find_map(package_script) {
                out.push(Diagnostic::new(
                    span,
                    format!(
                        "`{text}` makes the package manager the main process: SIGTERM does not reach the \
                         application — run it directly, e.g. `CMD [\"node\", \"server.js\"]`"
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::docker::own::util::testing::{check, flagged};

    #[test]
    fn finds_shell_form_and_run_scripts() {
        let src = "FROM a\nCMD npm run start:prod\n";
        assert_eq!(flagged(&NpmStartCommand, src), ["npm run start:prod"]);
    }

    #[test]
    fn only_the_command_in_effect_counts() {
        let src = "FROM a\nCMD [\"npm\", \"start\"]\nCMD [\"node\", \"server.js\"]\n";
        assert!(check(&NpmStartCommand, src).is_empty());
    }
}
