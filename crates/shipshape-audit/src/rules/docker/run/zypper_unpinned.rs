//! ## What it does
//! Flags packages installed with `zypper install` without a version (`nginx` instead of
//! `nginx=1.21.5`).
//!
//! ## Why is this bad?
//! Without a version each build installs whatever the repositories serve that day, so the
//! image changes without any change to the Dockerfile.
//!
//! Version constraints (`=`, `>=`, `<`), `.rpm` files, paths and URLs are fine. Installs of
//! patterns, products or patches (`-t pattern`) name no package versions and are not checked.
//!
//! ## Example
//! ```dockerfile
//! RUN zypper --non-interactive install nginx && zypper clean
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN zypper --non-interactive install nginx=1.21.5 && zypper clean
//! ```
//!
//! ## Fix
//! Pin each package as `name=version`.

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct ZypperUnpinned;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-060",
    slug: "zypper-unpinned",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "zypper install without a package version",
    equivalents: &["hadolint:DL3037"],
};

impl DockerfileRule for ZypperUnpinned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, cmd) in util::commands_running(doc, &["zypper"]) {
            let Some((i, _)) = util::zypper(cmd, &["install", "in"]) else {
                continue;
            };
            let kind = cmd.flag_value('t', "type").map(|w| {
                w.value
                    .trim_start_matches("--type=")
                    .trim_start_matches("-t")
            });
            if kind.is_some_and(|k| k != "package") {
                continue;
            }
            for (_, pkg) in util::operands_from(cmd.args(), i + 1, util::ZYPPER_VALUE_OPTIONS) {
                let v = pkg.value.as_str();
                let pinned = v.contains(['=', '<', '>'])
                    || v.ends_with(".rpm")
                    || v.contains('/')
                    || util::is_dynamic(v);
                if !pinned {
                    out.push(Diagnostic::new(
                        pkg.span,
                        format!("`{v}` has no version: pin it as `{v}=<version>`"),
                    ));
                }
            }
        }
    }
}
