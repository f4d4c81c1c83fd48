//! ## What it does
//! Flags a `RUN` that refreshes a package index (`apt-get update`, `apk update`,
//! `dnf makecache`, `zypper refresh`) without installing anything with it.
//!
//! ## Why is this bad?
//! The build cache reuses a layer as long as its instruction text is unchanged. A lone
//! `RUN apt-get update` is cached forever, so when a later `RUN apt-get install` changes, it
//! installs from an index that may be months old — packages 404 or come out outdated. Updating
//! and installing in the same `RUN` refreshes the index whenever the package list changes.
//!
//! ## Example
//! ```dockerfile
//! RUN apt-get update
//! RUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN apt-get update \
//!     && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \
//!     && rm -rf /var/lib/apt/lists/*
//! ```
//!
//! ## Fix
//! Update the index in the same `RUN` as the install (for Alpine, use `apk add --no-cache`).

use shipshape_core::Severity;
use shipshape_syntax::shell::Word;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct PackageUpdateAlone;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-071",
    slug: "package-update-alone",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "Package index update without an install in the same RUN",
    equivalents: &["checkov:CKV_DOCKER_5", "trivy:DS-0017"],
};

/// A package manager family: its programs, index-refresh subcommands and the subcommands that
/// use the index.
struct Manager {
    programs: &'static [&'static str],
    value_options: &'static [&'static str],
    refresh: &'static [&'static str],
    uses: &'static [&'static str],
}

const MANAGERS: &[Manager] = &[
    Manager {
        programs: &["apt-get", "apt"],
        value_options: util::APT_VALUE_OPTIONS,
        refresh: &["update"],
        uses: &[
            "install",
            "upgrade",
            "dist-upgrade",
            "full-upgrade",
            "build-dep",
            "source",
            "download",
            "reinstall",
            "satisfy",
        ],
    },
    Manager {
        programs: &["apk"],
        value_options: &["-X", "--repository", "-p", "--root"],
        refresh: &["update"],
        uses: &["add", "upgrade", "fix", "fetch"],
    },
    Manager {
        programs: &["dnf", "dnf5", "microdnf", "yum"],
        value_options: util::RPM_VALUE_OPTIONS,
        refresh: &["makecache"],
        uses: &[
            "install",
            "in",
            "upgrade",
            "update",
            "reinstall",
            "groupinstall",
            "localinstall",
            "group",
            "module",
            "download",
        ],
    },
    Manager {
        programs: &["zypper"],
        value_options: util::ZYPPER_VALUE_OPTIONS,
        refresh: &["refresh", "ref"],
        uses: &[
            "install",
            "in",
            "update",
            "up",
            "dist-upgrade",
            "dup",
            "patch",
            "source-install",
            "si",
        ],
    },
];

impl DockerfileRule for PackageUpdateAlone {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for run in util::runs(doc) {
            for m in MANAGERS {
                if !util::run_runs_any(doc, run, m.programs) {
                    continue;
                }
                let sub = |c: &shipshape_syntax::shell::Command, names: &[&str]| -> Option<Word> {
                    if !util::runs_program(c, m.programs) {
                        return None;
                    }
                    util::subcommand_is(c, m.value_options, names).map(|(_, w)| w.clone())
                };
                let Some((update, refresh)) = run
                    .commands
                    .iter()
                    .find_map(|c| sub(c, m.refresh).map(|w| (c, w)))
                else {
                    continue;
                };
                let used = run
                    .commands
                    .iter()
                    .any(|c| c.span.start > update.span.start && sub(c, m.uses).is_some());
                if !used {
                    let program = util::program(update).unwrap_or("update");
                    out.push(Diagnostic::new(
                        refresh.span,
                        format!("`{program} {}` alone is cached for good, so later installs use a stale index: install in the same RUN", refresh.value),
                    ));
                }
            }
        }
    }
}
