//! ## What it does
//! Flags packages installed with `apk add` without a version (`curl` instead of
//! `curl=8.5.0-r0`).
//!
//! ## Why is this bad?
//! Without a version each build installs whatever the Alpine mirror serves that day, so the
//! image changes without any change to the Dockerfile. Alpine repositories keep only the latest
//! build of each package, so an exact pin also makes a silent change fail loudly; a fuzzy pin
//! (`curl~8.5`) accepts patch releases of one version.
//!
//! Local `.apk` files, the name of a `--virtual` group and words holding a variable are not
//! checked.
//!
//! ## Example
//! ```dockerfile
//! RUN apk add --no-cache curl
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN apk add --no-cache curl=8.5.0-r0
//! ```
//!
//! ## Fix
//! Pin each package as `name=version` (exact) or `name~version` (same minor release).

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct ApkUnpinned;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-051",
    slug: "apk-unpinned",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "apk add without a package version",
    equivalents: &["hadolint:DL3018"],
};

/// apk options that take a value in the next word.
pub(crate) const APK_VALUE_OPTIONS: &[&str] = &[
    "-t",
    "--virtual",
    "-X",
    "--repository",
    "-p",
    "--root",
    "--arch",
    "--cache-dir",
    "--keys-dir",
    "--repositories-file",
];

impl DockerfileRule for ApkUnpinned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, cmd) in util::commands_running(doc, &["apk"]) {
            let Some((i, _)) = util::subcommand_is(cmd, APK_VALUE_OPTIONS, &["add"]) else {
                continue;
            };
            for (_, pkg) in util::operands_from(cmd.args(), i + 1, APK_VALUE_OPTIONS) {
                let v = pkg.value.as_str();
                let pinned =
                    v.contains(['=', '~', '<', '>']) || v.ends_with(".apk") || util::is_dynamic(v);
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
