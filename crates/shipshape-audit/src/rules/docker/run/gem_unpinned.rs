//! ## What it does
//! Flags gems installed with `gem install` without a version (`bundler` instead of
//! `bundler:2.5.10`).
//!
//! ## Why is this bad?
//! Without a version each build installs the newest release that day, so the image changes
//! without any change to the repository and a new major release can break the build.
//!
//! A version given with `-v`/`--version` pins the command; local `.gem` files are fine.
//!
//! ## Example
//! ```dockerfile
//! RUN gem install bundler
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN gem install bundler:2.5.10
//! ```
//!
//! ## Fix
//! Pin each gem as `name:version` (or `gem install name -v version`), or use a `Gemfile.lock`
//! with `bundle install`.

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct GemUnpinned;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-053",
    slug: "gem-unpinned",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "gem install without a version",
    equivalents: &["hadolint:DL3028"],
};

const GEM_VALUE_OPTIONS: &[&str] = &[
    "-v",
    "--version",
    "-i",
    "--install-dir",
    "-n",
    "--bindir",
    "-s",
    "--source",
    "--platform",
    "-P",
    "--trust-policy",
    "-g",
    "--file",
    "--document",
    "--build-root",
];

impl DockerfileRule for GemUnpinned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, cmd) in util::commands_running(doc, &["gem"]) {
            let Some((i, _)) = util::subcommand_is(cmd, GEM_VALUE_OPTIONS, &["install", "i"])
            else {
                continue;
            };
            if util::has_option(cmd.args(), &["-v", "--version"]) {
                continue;
            }
            // Arguments after `--` go to the gem's build, not to gem.
            let args = cmd.args();
            let end = args
                .iter()
                .position(|w| w.value == "--")
                .unwrap_or(args.len());
            for (_, gem) in util::operands_from(&args[..end], i + 1, GEM_VALUE_OPTIONS) {
                let v = gem.value.as_str();
                if !(v.contains(':') || v.ends_with(".gem") || util::is_dynamic(v)) {
                    out.push(Diagnostic::new(
                        gem.span,
                        format!("`{v}` has no version: pin it as `{v}:<version>`"),
                    ));
                }
            }
        }
    }
}
