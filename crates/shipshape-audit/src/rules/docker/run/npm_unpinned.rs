//! ## What it does
//! Flags packages named in an `npm install` (or `npm i`, `npm add`) without a version (`typescript` instead of
//! `typescript@5.4.5`).
//!
//! ## Why is this bad?
//! A named package without a version resolves to whatever the `latest` tag points to on the
//! day of the build, so the image changes without any change to the repository. `npm install`
//! or `npm ci` without package names install from `package.json` and the lock file, which is
//! what an image should do.
//!
//! Local folders and tarballs, and git URLs with a `#commit` or `#semver:` are fine. Unlike
//! hadolint (DL3016), `name@latest` counts as unpinned: the tag moves.
//!
//! ## Example
//! ```dockerfile
//! RUN npm install -g pm2
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN npm install -g pm2@5.4.0
//! ```
//!
//! ## Fix
//! Pin each package as `name@version`, or add it to `package.json` and run `npm ci`.

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct NpmUnpinned;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-050",
    slug: "npm-unpinned",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "npm install of a named package without a version",
    equivalents: &["hadolint:DL3016"],
};

const INSTALL: &[&str] = &["install", "i", "add", "in", "isntall"];
const NPM_VALUE_OPTIONS: &[&str] = &[
    "--prefix",
    "--registry",
    "--cache",
    "--userconfig",
    "-w",
    "--workspace",
    "--omit",
    "--include",
    "--install-strategy",
    "--loglevel",
    "--tag",
    "--scope",
];

impl DockerfileRule for NpmUnpinned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, cmd) in util::commands_running(doc, &["npm"]) {
            let Some((i, _)) = util::subcommand_is(cmd, NPM_VALUE_OPTIONS, INSTALL) else {
                continue;
            };
            for (_, pkg) in util::operands_from(cmd.args(), i + 1, NPM_VALUE_OPTIONS) {
                if !is_pinned(&pkg.value) {
                    out.push(Diagnostic::new(
                        pkg.span,
                        format!(
                            "`{}` has no fixed version: pin it as `{}@<version>`",
                            pkg.value,
                            name_of(&pkg.value)
                        ),
                    ));
                }
            }
        }
    }
}

/// The package name without a version or tag (`@scope/pkg@latest` → `@scope/pkg`).
fn name_of(spec: &str) -> &str {
    let (scope, rest) = match spec.strip_prefix('@') {
        Some(rest) => (1, rest),
        None => (0, spec),
    };
    match rest.find('@') {
        Some(at) => &spec[..scope + at],
        None => spec,
    }
}

fn is_pinned(spec: &str) -> bool {
    if util::is_dynamic(spec) {
        return true;
    }
    if spec.starts_with("git") || spec.contains("://") {
        return spec.contains('#') || spec.ends_with(".tgz") || spec.ends_with(".tar.gz");
    }
    if spec.starts_with(['/', '.', '~'])
        || [".tgz", ".tar.gz", ".tar"]
            .iter()
            .any(|s| spec.ends_with(s))
    {
        return true;
    }
    let name = name_of(spec);
    match spec.get(name.len() + 1..) {
        Some(version) => !version.is_empty() && version != "latest" && version != "next",
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoped_packages_need_a_second_at() {
        assert!(!is_pinned("@angular/cli"));
        assert!(is_pinned("@angular/cli@17.3.0"));
        assert!(!is_pinned("pm2@latest"));
        assert!(is_pinned("./local-pkg"));
        assert!(is_pinned("git+https://github.com/a/b.git#v1.2.3"));
        assert!(!is_pinned("git+https://github.com/a/b.git"));
        assert_eq!(name_of("@scope/pkg@1"), "@scope/pkg");
    }
}
