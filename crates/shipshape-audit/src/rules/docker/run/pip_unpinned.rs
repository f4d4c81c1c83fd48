//! ## What it does
//! Flags packages named in a `pip install` without a version (`flask` instead of
//! `flask==3.0.3`).
//!
//! ## Why is this bad?
//! Without a version each build installs the newest release on PyPI that day: the image changes
//! with no change to the Dockerfile, and a new major release can break the application or the
//! build. Pinned versions (better: a lock file with hashes) make builds reproducible.
//!
//! Requirements files (`-r requirements.txt`), constraint files (`-c constraints.txt`, which pin
//! whatever they list), the local project (`.`, `./pkg`, `-e .`), wheels and archives, and VCS
//! URLs with a revision (`git+https://…@v1.2`) are fine. Any version specifier counts as a pin,
//! as in hadolint (`>=` included). Unlike hadolint (DL3013), a named package next to `-r` is
//! still checked: `pip install -r requirements.txt gunicorn` leaves `gunicorn` floating.
//!
//! ## Example
//! ```dockerfile
//! RUN pip install --no-cache-dir flask gunicorn
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN pip install --no-cache-dir flask==3.0.3 gunicorn==22.0.0
//! ```
//!
//! or:
//! ```dockerfile
//! COPY requirements.txt .
//! RUN pip install --no-cache-dir -r requirements.txt
//! ```
//!
//! ## Fix
//! Pin each package as `name==version`, or install from a requirements or lock file.

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct PipUnpinned;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-048",
    slug: "pip-unpinned",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "pip install without a package version",
    equivalents: &["hadolint:DL3013"],
};

impl DockerfileRule for PipUnpinned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for run in util::runs_of(&util::commands_running_prefixed(doc, util::PIP_PROGRAMS)) {
            for cmd in run.commands {
                let Some(pip) = util::pip_install(cmd) else {
                    continue;
                };
                // A constraints file pins whatever the command names.
                if util::has_option(pip.args, &["-c", "--constraint"]) {
                    continue;
                }
                for (_, pkg) in util::operands_from(pip.args, 0, util::PIP_VALUE_OPTIONS) {
                    if !is_pinned(&pkg.value) {
                        out.push(Diagnostic::new(
                            pkg.span,
                            format!("`{}` has no version: pin it as `{}==<version>` or use a requirements file", pkg.value, pkg.value),
                        ));
                    }
                }
            }
        }
    }
}

/// A version specifier, a local path or archive, a URL, or a VCS reference with a revision.
fn is_pinned(spec: &str) -> bool {
    const SPECIFIERS: &[&str] = &["==", ">=", "<=", "~=", "!=", "<", ">"];
    const ARCHIVES: &[&str] = &[".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2"];
    if util::is_dynamic(spec) || SPECIFIERS.iter().any(|s| spec.contains(s)) {
        return true;
    }
    if ARCHIVES.iter().any(|a| spec.ends_with(a))
        || spec == "."
        || spec.starts_with(['.', '/', '~'])
    {
        return true;
    }
    // `name @ https://…` (PEP 508 direct reference) and `git+https://host/repo@rev`.
    if let Some((_, url)) = spec.split_once("://") {
        let is_vcs = spec.starts_with("git+")
            || spec.starts_with("hg+")
            || spec.starts_with("svn+")
            || spec.starts_with("bzr+");
        return !is_vcs || url.contains('@');
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judges_requirement_specifiers() {
        for ok in [
            "flask==3.0",
            "flask>=3",
            "flask[async]==3.0",
            ".",
            "./lib",
            "dist/app-1.0-py3-none-any.whl",
            "git+https://github.com/a/b@v1.0",
            "https://example.com/pkg-1.0.tar.gz",
            "$PKG",
        ] {
            assert!(is_pinned(ok), "{ok}");
        }
        for bad in ["flask", "flask[async]", "git+https://github.com/a/b"] {
            assert!(!is_pinned(bad), "{bad}");
        }
    }
}
