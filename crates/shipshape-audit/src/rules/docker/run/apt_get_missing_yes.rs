//! ## What it does
//! Flags an `apt-get install` (or `remove`, `purge`, `upgrade`, … — any subcommand that asks for
//! confirmation) without `-y`.
//!
//! ## Why is this bad?
//! A build has no terminal to answer apt's "Do you want to continue? [Y/n]": apt-get reads end
//! of input, aborts, and the build fails — or, with a single package that needs no extra
//! dependencies, passes today and fails the day a dependency appears.
//!
//! Also accepted: `--yes`, `--assume-yes`, `-qq` (which implies `-y`), `-o
//! APT::Get::Assume-Yes=true`, input piped from `yes`, and an earlier `RUN` writing
//! `APT::Get::Assume-Yes` to apt's configuration (hadolint, DL3014, knows only the flags, and
//! only checks `install`).
//!
//! ## Example
//! ```dockerfile
//! RUN apt-get update && apt-get install curl=7.88.1-10+deb12u5
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u5
//! ```
//!
//! ## Fix
//! Add `-y` to the apt-get command.

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct AptGetMissingYes;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-045",
    slug: "apt-get-missing-yes",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "apt-get install without `-y`",
    equivalents: &["hadolint:DL3014", "trivy:DS-0021"],
};

/// Subcommands that ask before changing the system.
const PROMPTING: &[&str] = &[
    "install",
    "reinstall",
    "remove",
    "purge",
    "autoremove",
    "upgrade",
    "dist-upgrade",
    "full-upgrade",
    "build-dep",
    "satisfy",
];

impl DockerfileRule for AptGetMissingYes {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let runs = util::runs_running(doc, &["apt-get"]);
        if runs.is_empty() {
            return;
        }
        let configured = util::first_run_mentioning(doc, &["APT::Get::Assume-Yes", "apt.conf"]);
        for run in runs {
            if configured.is_some_and(|at| at < run.index) {
                continue;
            }
            for script in run.scripts() {
                for (k, cmd) in script.iter().enumerate() {
                    let Some((_, sub)) = util::apt_get(cmd, PROMPTING) else {
                        continue;
                    };
                    let fed_by_yes = k > 0
                        && script
                            .get(k - 1)
                            .is_some_and(|p| util::pipes(p) && util::runs_program(p, &["yes"]));
                    if assumes_yes(cmd.args()) || fed_by_yes {
                        continue;
                    }
                    if let Some(word) = cmd.name_word() {
                        out.push(Diagnostic::new(
                            word.span,
                            format!("`apt-get {}` without `-y` stops at apt's confirmation prompt: add `-y`", sub.value),
                        ));
                    }
                }
            }
        }
    }
}

/// `-y`, `--yes`, `--assume-yes`, `-qq`/`-q=2`, or the configuration option set on the command.
fn assumes_yes(args: &[shipshape_syntax::shell::Word]) -> bool {
    let quiet_twice = args.iter().any(|w| {
        let v = w.value.as_str();
        v == "-q=2"
            || v == "--quiet=2"
            || (v.starts_with('-') && !v.starts_with("--") && v.matches('q').count() >= 2)
    }) || args
        .iter()
        .filter(|w| w.value == "-q" || w.value == "--quiet")
        .count()
        >= 2;
    let configured = args.iter().any(|w| {
        let v = w.value.to_ascii_lowercase();
        v.contains("apt::get::assume-yes=") && !v.ends_with("=false") && !v.ends_with("=0")
    });
    util::has_short(args, 'y')
        || util::has_option(args, &["--yes", "--assume-yes"])
        || quiet_twice
        || configured
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipshape_syntax::shell;

    fn yes(s: &str) -> bool {
        assumes_yes(shell::split(s, 0)[0].args())
    }

    #[test]
    fn recognises_every_way_to_assume_yes() {
        assert!(yes("apt-get install -y x"));
        assert!(yes("apt-get -qqy install x"));
        assert!(yes("apt-get -qq install x"));
        assert!(yes("apt-get -q -q install x"));
        assert!(yes("apt-get --assume-yes install x"));
        assert!(yes("apt-get -o APT::Get::Assume-Yes=true install x"));
        assert!(!yes("apt-get -q install x"));
        assert!(!yes("apt-get -o APT::Get::Assume-Yes=false install x"));
    }
}
