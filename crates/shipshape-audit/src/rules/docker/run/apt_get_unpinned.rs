//! ## What it does
//! Flags packages installed with `apt-get install` without a version (`curl` instead of
//! `curl=7.88.1-10+deb12u5`).
//!
//! ## Why is this bad?
//! Without a version, each build installs whatever the mirror serves that day: the image changes
//! without any change to the Dockerfile, a new upstream release can break the build, and a cached
//! layer can silently keep an old one. A pinned version makes the build reproducible and turns
//! upgrades into reviewed changes.
//!
//! Local `.deb` files and paths are not checked, nor are words holding a variable
//! (`$PACKAGES`), whose value is unknown here (hadolint, DL3008, reports them). A release
//! selection (`golang-go/bookworm-backports`) is not a version and is reported, where hadolint
//! accepts any word with a `/`.
//!
//! ## Example
//! ```dockerfile
//! RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN apt-get update && apt-get install -y --no-install-recommends \
//!       curl=7.88.1-10+deb12u5 ca-certificates=20230311 \
//!     && rm -rf /var/lib/apt/lists/*
//! ```
//!
//! ## Fix
//! Pin each package as `name=version` (see `apt-cache policy name`), and let a dependency bot
//! or a scheduled rebuild propose upgrades.

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct AptGetUnpinned;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-043",
    slug: "apt-get-unpinned",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "apt-get install without a package version",
    equivalents: &["hadolint:DL3008"],
};

impl DockerfileRule for AptGetUnpinned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, cmd) in util::commands_running(doc, &["apt-get"]) {
            let Some((i, _)) = util::apt_get(cmd, &["install"]) else {
                continue;
            };
            for (_, pkg) in util::operands_from(cmd.args(), i + 1, util::APT_VALUE_OPTIONS) {
                if !is_pinned(&pkg.value) {
                    out.push(Diagnostic::new(
                        pkg.span,
                        format!(
                            "`{}` has no version: pin it as `{}=<version>`",
                            pkg.value,
                            // `name/release` selects a release; the pin replaces it.
                            pkg.value.split('/').next().unwrap_or(&pkg.value)
                        ),
                    ));
                }
            }
        }
    }
}

/// `name=version`, a `.deb` file or a path; words with expansions cannot be judged.
fn is_pinned(package: &str) -> bool {
    package.contains('=')
        || package.ends_with(".deb")
        || package.starts_with(['/', '.', '~'])
        || util::is_dynamic(package)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_selection_is_not_a_version() {
        assert!(!is_pinned("curl/bookworm-backports"));
        assert!(is_pinned("curl=7.88.1-10+deb12u5"));
        assert!(is_pinned("./pkg.deb"));
        assert!(is_pinned("${CURL}"));
    }
}
