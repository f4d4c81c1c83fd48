//! ## What it does
//! Flags `go install`, `go run` and `go get` of a remote module at a moving version:
//! `@latest` (or `@upgrade`, `@patch`, a branch such as `@main`), and `go get` without a
//! version.
//!
//! ## Why is this bad?
//! A moving version resolves to whatever the module's repository holds on the day of the
//! build: the image changes without any change to the repository, and a new release can break
//! the build or bring in unreviewed code.
//!
//! Unlike hadolint (DL3062), `go install example.com/cmd/tool` without `@` is not reported:
//! inside a module it builds the version pinned by `go.mod` and `go.sum`, and outside one the
//! go command refuses to run it. Local packages (`.`, `./cmd/...`) are fine.
//!
//! ## Example
//! ```dockerfile
//! RUN go install github.com/go-delve/delve/cmd/dlv@latest
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN go install github.com/go-delve/delve/cmd/dlv@v1.22.1
//! ```
//!
//! ## Fix
//! Use an exact version (`@v1.2.3`, or a commit hash), or add the tool to `go.mod` and run
//! `go install` without a version.

use shipshape_core::Severity;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct GoInstallUnpinned;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-072",
    slug: "go-install-unpinned",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "go install of a remote module at a moving version",
    equivalents: &["hadolint:DL3062"],
};

/// Versions that move: module queries and the usual default branch names.
const MOVING: &[&str] = &[
    "latest", "upgrade", "patch", "main", "master", "HEAD", "head", "develop", "trunk",
];
const GO_VALUE_OPTIONS: &[&str] = &[
    "-o",
    "-p",
    "-C",
    "-tags",
    "-ldflags",
    "-gcflags",
    "-asmflags",
    "-mod",
    "-modfile",
    "-overlay",
    "-pkgdir",
    "-exec",
    "-toolexec",
    "-buildmode",
    "-compiler",
];

impl DockerfileRule for GoInstallUnpinned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (_, cmd) in util::commands_running(doc, &["go"]) {
            let Some((i, sub)) =
                util::subcommand_is(cmd, GO_VALUE_OPTIONS, &["install", "run", "get"])
            else {
                continue;
            };
            let mut packages = util::operands_from(cmd.args(), i + 1, GO_VALUE_OPTIONS);
            // `go run pkg@v args…`: only the first operand is a package.
            if sub.value == "run" {
                packages.truncate(1);
            }
            for (_, pkg) in packages {
                let v = pkg.value.as_str();
                if !is_remote(v) {
                    continue;
                }
                let version = v.split_once('@').map(|(_, ver)| ver);
                let moving = match version {
                    Some(ver) => MOVING.contains(&ver),
                    None => sub.value == "get",
                };
                if moving {
                    let name = v.split('@').next().unwrap_or(v);
                    out.push(Diagnostic::new(
                        pkg.span,
                        format!("`{v}` resolves to a different version over time: pin it as `{name}@v<version>`"),
                    ));
                }
            }
        }
    }
}

/// A module path whose first element is a host name (`github.com/…`, `golang.org/x/…`), not a
/// local path, a `.go` file or an expansion.
fn is_remote(pkg: &str) -> bool {
    let first = pkg.split('/').next().unwrap_or("");
    !pkg.starts_with(['.', '/', '-'])
        && !pkg.ends_with(".go")
        && !util::is_dynamic(pkg)
        && first.contains('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_module_paths_are_remote() {
        assert!(is_remote("github.com/a/b@latest"));
        assert!(is_remote("golang.org/x/tools/cmd/goimports"));
        assert!(!is_remote("./cmd/..."));
        assert!(!is_remote("main.go"));
        assert!(!is_remote("std"));
    }
}
