//! SS-DOCKER-092 `build-tools-in-final-image`: compilers and development dependencies ship in
//! the image.
//!
//! ## What it does
//! Looks at the final stage and the stages it builds on (everything that ends up in the image)
//! and flags:
//! - system packages that only building needs: `gcc`, `g++`, `clang`, `make`, `cmake`,
//!   `build-essential`, `build-base`, `autoconf`, `pkg-config`, `*-dev`/`*-devel` headers, …,
//!   installed with apt, apk, yum, dnf or microdnf — unless the same `RUN` removes them again
//!   (`apk add --virtual .build-deps … && apk del .build-deps`, `apt-get purge`);
//! - `npm install`/`npm ci`, `yarn install`, `pnpm install` that also install devDependencies
//!   (no `--omit=dev`/`--production`/`--prod`, and `NODE_ENV` is not `production`);
//! - `pip install -r requirements-dev.txt` (test/dev requirement files) and `.[dev]`/`[test]`
//!   extras.
//!
//! It stays silent for images that are not a service's runtime image: base and toolchain images
//! (no start command of their own, or a shell or interpreter prompt: `golang`, `buildpack-deps`,
//! the full `python` image ship compilers on purpose) and development, test and CI images (the
//! Dockerfile or its final stage is named `dev`, `test`, `ci`, `debug`, `e2e`, …).
//!
//! ## Why is this bad?
//! Build tools and development dependencies are not needed to run the application but make the
//! image larger, slower to pull and start, and give anyone who gets into the container a
//! compiler and test tooling to work with. Every extra package is also one more source of CVEs
//! that scanners report and that must be patched.
//!
//! ## Example
//! ```dockerfile
//! FROM python:3.13-slim
//! RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev
//! COPY requirements.txt .
//! RUN pip install --no-cache-dir -r requirements.txt
//! ```
//!
//! Use instead:
//! ```dockerfile
//! FROM python:3.13-slim AS build
//! RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev
//! COPY requirements.txt .
//! RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt
//!
//! FROM python:3.13-slim
//! RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \
//!  && rm -rf /var/lib/apt/lists/*
//! COPY --from=build /wheels /wheels
//! RUN pip install --no-cache-dir /wheels/*
//! ```
//!
//! ## Fix
//! Use a multi-stage build: compile in a build stage and copy only the results (binaries,
//! wheels, `node_modules` installed with `--omit=dev`) into a slim final stage.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::{Dockerfile, Keyword, Stage};
use shipshape_syntax::shell::Command;

use super::util::{
    apk_virtual_group, apt_auto_removal, final_lineage, installed_packages, package_name,
    removed_packages,
};
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};
use crate::rules::docker::runtime::runs_a_service;

pub struct BuildToolsInFinalImage;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-092",
    slug: "build-tools-in-final-image",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "Compilers, headers or dev dependencies are installed in the final image",
    equivalents: &[],
};

/// System packages only needed to build software.
const BUILD_PACKAGES: &[&str] = &[
    "gcc",
    "g++",
    "gcc-c++",
    "clang",
    "llvm",
    "make",
    "cmake",
    "build-essential",
    "build-base",
    "autoconf",
    "automake",
    "libtool",
    "pkg-config",
    "pkgconf",
    "ninja-build",
    "meson",
    "gfortran",
    "musl-dev",
    "linux-headers",
];

/// Whether a package (without version) is a build tool: listed, a versioned variant of one
/// (`gcc-12`, `g++-13`), or a header package (`libpq-dev`, `openssl-devel`).
fn is_build_package(name: &str) -> bool {
    BUILD_PACKAGES.iter().any(|p| {
        name == *p
            || name
                .strip_prefix(p)
                .and_then(|r| r.strip_prefix('-'))
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
    }) || name.ends_with("-dev")
        || name.ends_with("-devel")
}

/// Package-manager flags that leave development dependencies out.
const PRODUCTION_FLAGS: &[&str] = &[
    "--omit=dev",
    "--only=prod",
    "--only=production",
    "--production",
    "--prod",
    "-P",
    "--production=true",
];

/// `npm ci`, `npm install` (without package names), `yarn`, `yarn install`, `pnpm install` that
/// would also install devDependencies. Returns the span of the command.
fn installs_dev_dependencies(
    cmd: &Command,
    node_env_production: bool,
) -> Option<shipshape_syntax::Span> {
    let name = cmd.name_word()?;
    let program = shipshape_syntax::shell::base_name(&name.value);
    if crate::rules::docker::only_reports(cmd) {
        return None;
    }
    let ops = cmd.operands();
    let sub = ops.first();
    let installs = match program {
        "npm" => sub.is_some_and(|s| {
            s.value == "ci" || (matches!(s.value.as_str(), "install" | "i") && ops.len() == 1)
        }),
        "yarn" => sub.is_none_or(|s| s.value == "install" && ops.len() == 1),
        "pnpm" => {
            sub.is_some_and(|s| matches!(s.value.as_str(), "install" | "i") && ops.len() == 1)
        }
        _ => false,
    };
    if !installs {
        return None;
    }
    let args = cmd.args();
    let omits_dev = args
        .iter()
        .any(|w| PRODUCTION_FLAGS.contains(&w.value.as_str()))
        || args
            .windows(2)
            .any(|w| w[0].value == "--omit" && w[1].value == "dev");
    let env_production = node_env_production
        || cmd
            .assignments()
            .iter()
            .any(|w| w.value == "NODE_ENV=production");
    if omits_dev
        || env_production
        || args
            .iter()
            .any(|w| w.value == "-g" || w.value == "--global")
    {
        return None;
    }
    Some(sub.map_or(name.span, |s| name.span.to(s.span)))
}

/// Whether a requirements file or an extra names development or test dependencies.
fn is_dev_requirement(text: &str) -> bool {
    text.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| {
            matches!(
                w,
                "dev" | "develop" | "development" | "test" | "tests" | "testing" | "lint" | "docs"
            )
        })
}

/// pip installs of dev requirement files (`-r requirements-dev.txt`) or extras (`.[dev]`): the
/// offending word.
fn pip_dev_install(cmd: &Command) -> Option<&shipshape_syntax::dockerfile::Word> {
    let name = cmd.name()?;
    let program = shipshape_syntax::shell::base_name(name);
    let is_pip = program.starts_with("pip")
        || (program.starts_with("python")
            && cmd
                .args()
                .windows(2)
                .any(|w| w[0].value == "-m" && w[1].value == "pip"));
    if !is_pip || !cmd.args().iter().any(|w| w.value == "install") {
        return None;
    }
    let args = cmd.args();
    for (i, w) in args.iter().enumerate() {
        let v = w.value.as_str();
        let file = if matches!(v, "-r" | "--requirement") {
            args.get(i + 1).map(|f| (f, f.value.as_str()))
        } else {
            v.strip_prefix("--requirement=")
                .or_else(|| v.strip_prefix("-r").filter(|r| !r.is_empty()))
                .map(|f| (w, f))
        };
        if let Some((word, file)) = file {
            let base = shipshape_syntax::shell::base_name(file);
            if is_dev_requirement(base) {
                return Some(word);
            }
            continue;
        }
        if let (Some(open), true) = (v.find('['), v.ends_with(']')) {
            if is_dev_requirement(&v[open..]) {
                return Some(w);
            }
        }
    }
    None
}

/// Words in a Dockerfile's name or its final stage's name that mark an image for development,
/// tests or CI, where compilers and devDependencies are the point.
const DEVELOPMENT: &[&str] = &[
    "dev",
    "devel",
    "develop",
    "development",
    "test",
    "tests",
    "testing",
    "ci",
    "debug",
    "e2e",
    "cypress",
    "lint",
    "devcontainer",
    "local",
    "tools",
    "toolchain",
    "builder",
    "sdk",
];

fn is_development_image(path: &str, last: Option<&Stage>) -> bool {
    let file = shipshape_syntax::shell::base_name(path).to_ascii_lowercase();
    let stage = last
        .and_then(|s| s.alias.as_deref())
        .unwrap_or("")
        .to_ascii_lowercase();
    [file, stage].iter().any(|name| {
        name.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| DEVELOPMENT.contains(&w))
    })
}

fn node_env_is_production(ast: &Dockerfile, stage: &Stage) -> bool {
    ast.resolve_arg("${NODE_ENV}", Some(stage.index)) == "production"
}

impl DockerfileRule for BuildToolsInFinalImage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let ast = doc.ast;
        let lineage = final_lineage(ast);
        if !runs_a_service(ast) || is_development_image(doc.path, lineage.first()) {
            return;
        }
        for stage in lineage {
            let node_env_production = node_env_is_production(ast, &stage);
            for inst in ast.instructions[stage.instructions.clone()].iter() {
                if inst.keyword != Keyword::Run {
                    continue;
                }
                let commands = inst.run_commands_ref();
                let removed = removed_packages(commands);
                let auto_removal = apt_auto_removal(commands);
                for raw in commands {
                    let cmd = raw.unwrapped();
                    if let Some((manager, packages)) = installed_packages(raw) {
                        if apk_virtual_group(raw).is_some_and(|g| removed.contains(&g)) {
                            continue;
                        }
                        // Installed before `apt-mark auto` and purged with `--auto-remove`.
                        let auto_removed = |name: &str| {
                            manager.starts_with("apt")
                                && auto_removal.as_ref().is_some_and(|(at, kept)| {
                                    raw.span.start < *at && !kept.iter().any(|k| k == name)
                                })
                        };
                        for p in packages {
                            let name = package_name(&p.value);
                            if is_build_package(name)
                                && !removed.iter().any(|r| r == name)
                                && !auto_removed(name)
                            {
                                out.push(Diagnostic::new(
                                    p.span,
                                    format!(
                                        "`{name}` is a build-time package installed by {manager} in the \
                                         final image — build in an earlier stage and copy only the result"
                                    ),
                                ));
                            }
                        }
                    } else if let Some(span) = installs_dev_dependencies(&cmd, node_env_production)
                    {
                        out.push(Diagnostic::new(
                            span,
                            "this install also puts devDependencies into the final image — add \
                             `--omit=dev` (or install in a build stage and copy production modules)",
                        ));
                    } else if let Some(word) = pip_dev_install(&cmd) {
                        out.push(Diagnostic::new(
                            word.span,
                            format!(
                                "`{}` installs development/test dependencies into the final image — \
                                 install only runtime requirements there",
                                word.value
                            ),
                        ));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::docker::own::util::testing::{check, flagged};

    #[test]
    fn packages_removed_in_the_same_run_pass() {
        let src = "FROM a\nRUN apk add --virtual .deps gcc musl-dev && make && apk del .deps\n\
                   RUN apt-get install -y make && make && apt-get purge -y make\n";
        assert!(check(&BuildToolsInFinalImage, src).is_empty());
    }

    /// The official python, ruby, php and postgres images.
    #[test]
    fn the_apt_mark_auto_purge_idiom_removes_build_dependencies() {
        let src = "FROM debian:12\nRUN set -eux; savedAptMark=\"$(apt-mark showmanual)\"; \\\n\
                   apt-get update; apt-get install -y --no-install-recommends gcc make libssl-dev; \\\n\
                   make install; apt-mark auto '.*' > /dev/null; \\\n\
                   [ -z \"$savedAptMark\" ] || apt-mark manual $savedAptMark; apt-mark manual make; \\\n\
                   apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false\n\
                   CMD [\"app\"]\n";
        // `make` is marked manual again by name, so it stays.
        assert_eq!(flagged(&BuildToolsInFinalImage, src), ["make"]);
        // The postgres images: `apt-mark showmanual | xargs apt-mark auto`.
        let xargs = "FROM debian:12\nRUN apt-get install -y dpkg-dev && apt-mark showmanual | xargs apt-mark auto \\\n\
                     && apt-get purge -y --auto-remove\nCMD [\"postgres\"]\n";
        assert!(check(&BuildToolsInFinalImage, xargs).is_empty());
        let without_purge =
            "FROM debian:12\nRUN apt-get install -y gcc && apt-mark auto '.*'\nCMD [\"app\"]\n";
        assert_eq!(flagged(&BuildToolsInFinalImage, without_purge), ["gcc"]);
    }

    #[test]
    fn toolchain_and_development_images_are_not_runtime_images() {
        let toolchain = "FROM buildpack-deps:bookworm-scm\nRUN apt-get install -y gcc make\n";
        assert!(check(&BuildToolsInFinalImage, toolchain).is_empty());
        let prompt = "FROM debian:12\nRUN apt-get install -y gcc\nCMD [\"python3\"]\n";
        assert!(check(&BuildToolsInFinalImage, prompt).is_empty());
        let dev = "FROM node:22 AS dev\nRUN npm install\nCMD [\"npm\", \"run\", \"dev\"]\n";
        assert!(check(&BuildToolsInFinalImage, dev).is_empty());
    }

    #[test]
    fn version_checks_install_nothing() {
        let src = "FROM node:22\nRUN yarn --version && npm --version && yarn -v\n";
        assert!(check(&BuildToolsInFinalImage, src).is_empty());
    }

    #[test]
    fn only_stages_that_end_up_in_the_image_count() {
        let src = "FROM a AS build\nRUN apt-get install -y gcc\nFROM a AS base\nRUN apk add g++\nFROM base\nRUN npm install\nCMD [\"node\", \"s.js\"]\n";
        let mut found = flagged(&BuildToolsInFinalImage, src);
        found.sort();
        assert_eq!(found, ["g++", "npm install"]);
    }

    #[test]
    fn node_env_production_omits_dev_dependencies() {
        let src =
            "FROM a\nARG NODE_ENV=production\nRUN npm ci && NODE_ENV=production yarn install\n";
        assert!(check(&BuildToolsInFinalImage, src).is_empty());
    }

    #[test]
    fn recognises_build_packages() {
        for p in [
            "gcc",
            "g++",
            "gcc-12",
            "build-essential",
            "libpq-dev",
            "openssl-devel",
            "make",
        ] {
            assert!(is_build_package(p), "{p}");
        }
        for p in [
            "curl",
            "libpq5",
            "ca-certificates",
            "makedepend-tools",
            "gcc-libs",
            "tini",
        ] {
            assert!(!is_build_package(p), "{p}");
        }
    }

    #[test]
    fn recognises_dev_requirement_files() {
        assert!(is_dev_requirement("requirements-dev.txt"));
        assert!(is_dev_requirement("dev-requirements.txt"));
        assert!(is_dev_requirement("[dev,test]"));
        assert!(!is_dev_requirement("requirements.txt"));
        assert!(!is_dev_requirement("[postgres]"));
        assert!(!is_dev_requirement("devtools.txt"));
    }
}
