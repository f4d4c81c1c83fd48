//! SS-DOCKER-080 `missing-user`: the image never switches away from root.
//!
//! ## What it does
//! Flags a Dockerfile whose final image runs a program as root: the final stage sets a start
//! command (`CMD`/`ENTRYPOINT`) and neither it nor an earlier stage it builds on sets `USER`.
//! It stays silent when root is not what runs the program, or not the point of the image:
//! - the base image is known to run unprivileged (distroless and Chainguard `nonroot`, .NET
//!   `chiseled`, Bitnami, Elastic, Grafana, Prometheus and Jenkins images, …);
//! - the image starts as root only to drop privileges before the program runs — `gosu`,
//!   `su-exec`, `setpriv` or `su <user> -c` in the start command or the entrypoint script, a
//!   server that runs its workers as its own user (nginx, Apache, php-fpm, cron), or
//!   supervisord whose every `[program:…]` (in the configuration file the image copies) sets
//!   `user=` or starts such a server. `privileges-dropped-at-start` reports those, as `info`,
//!   so the default gate (`--fail-on warning`) passes the official images built this way;
//! - the image runs nothing of its own, or nothing that stays: no start command in the file
//!   (it keeps its base's), a shell or an interpreter's prompt (`bash`, `python3`: a base or
//!   toolchain image for others to build on), an export-only `FROM scratch` stage built with
//!   `--output` (also one whose entrypoint is the exported package, `app-release.apk`), a
//!   command that idles (`tail -f /dev/null`), a one-shot file step (`cp`, `chown`, …: an init
//!   job), a test runner (`cypress run`, `pytest`, `npx playwright test`), a command-line tool
//!   started with no argument and no port or health check (`ENTRYPOINT ["jq"]`, a client named
//!   `…cli` or `…ctl`: each `docker run` passes one invocation's arguments and it exits), or a
//!   BuildKit frontend (`LABEL moby.buildkit.frontend.…`), which buildkitd runs in its own
//!   sandbox;
//! - a Nano Server image, whose default user `ContainerUser` is not an administrator;
//! - an image for a test suite: the Dockerfile sits in a test folder (`tests/`, `test/`,
//!   `e2e/`, `testdata/`, `__tests__/`, `fixtures/`).
//!
//! An explicit `USER root` is reported by `no-root-user`.
//!
//! ## Why is this bad?
//! Without `USER`, the container's main process runs as uid 0 — the default of nearly every base
//! image. A bug in the application then runs with root's rights inside the container, can write
//! anywhere in its filesystem and is one kernel or runtime flaw away from root on the host.
//! Orchestrators that enforce `runAsNonRoot` refuse to start such an image at all. On Windows
//! Server Core the default user is `ContainerAdministrator`, the same problem.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-slim
//! WORKDIR /app
//! COPY . .
//! CMD ["node", "server.js"]
//! ```
//!
//! Use instead:
//! ```dockerfile
//! FROM node:22-slim
//! WORKDIR /app
//! COPY --chown=10001:10001 . .
//! USER 10001:10001
//! CMD ["node", "server.js"]
//! ```
//!
//! ## Fix
//! Create or pick an unprivileged user and add `USER <uid>:<gid>` to the final stage, after the
//! steps that need root (package installs). A numeric ID works even where `/etc/passwd` has no
//! entry for it. On Windows, add `USER ContainerUser`.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use super::util::{effective, final_lineage, is_test_image};
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};
use crate::rules::docker::runtime::{
    known_non_root, privilege_drop, runs_a_service, windows, Windows,
};

pub struct MissingUser;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-080",
    slug: "missing-user",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "The final stage never sets USER, so the container runs as root",
    equivalents: &[
        "hadolint:DL3063",
        "checkov:CKV_DOCKER_3",
        "trivy:DS-0002",
        "kics:Missing User Instruction",
    ],
};

impl DockerfileRule for MissingUser {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        if is_test_image(doc.path) {
            return;
        }
        let ast = doc.ast;
        let lineage = final_lineage(ast);
        let (Some(last), Some(root)) = (lineage.first(), lineage.last()) else {
            return;
        };
        if effective(ast, &lineage, Keyword::User).is_some() {
            return;
        }
        let base = ast.resolve_arg(&root.image.value, None);
        if known_non_root(&base).is_some() || !runs_a_service(ast) || privilege_drop(doc).is_some()
        {
            return;
        }
        let message = match windows(ast, &lineage) {
            Some(Windows::NanoServer) => return,
            Some(Windows::ServerCore) => format!(
                "the final stage never sets USER, so the container runs as `ContainerAdministrator`, \
                 the default user of `{}`; add `USER ContainerUser`",
                root.image.value
            ),
            None if base.eq_ignore_ascii_case("scratch") => {
                "the final stage never sets USER: a `scratch` image runs its process as uid 0"
                    .to_string()
            }
            None => format!(
                "the final stage never sets USER, so the container runs as the default user of \
                 `{}` — root, unless that image sets another",
                root.image.value
            ),
        };
        out.push(Diagnostic::new(last.image.span, message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::docker::own::util::testing::{check, flagged};

    #[test]
    fn flags_a_service_that_runs_as_root() {
        assert_eq!(
            flagged(
                &MissingUser,
                "FROM node:22\nCOPY . .\nCMD [\"node\", \"server.js\"]\n"
            ),
            ["node:22"]
        );
        assert_eq!(
            check(
                &MissingUser,
                "FROM scratch\nCOPY app /\nENTRYPOINT [\"/app\"]\n"
            )
            .len(),
            1
        );
        assert!(check(
            &MissingUser,
            "FROM node:22\nUSER node\nCMD [\"node\", \"s.js\"]\n"
        )
        .is_empty());
    }

    #[test]
    fn passes_nonroot_bases_and_images_that_run_nothing_of_their_own() {
        for src in [
            "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /\nCMD [\"/app\"]\n",
            // Export-only: `docker build --output`.
            "FROM golang:1.23 AS build\nRUN go build -o /out/app\nFROM scratch\nCOPY --from=build /out /\n",
            // Toolchain and base images.
            "FROM debian:12\nRUN apt-get install -y gcc\nCMD [\"bash\"]\n",
            "FROM buildpack-deps:bookworm\nRUN apt-get install -y make\n",
            // Nano Server runs as ContainerUser.
            "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nCMD [\"app.exe\"]\n",
        ] {
            assert!(check(&MissingUser, src).is_empty(), "{src}");
        }
    }

    #[test]
    fn images_that_drop_privileges_at_start_are_left_to_the_info_rule() {
        let gosu = "FROM debian:12\nRUN apt-get install -y gosu\nENTRYPOINT [\"docker-entrypoint.sh\"]\nCMD [\"postgres\"]\n";
        assert!(check(&MissingUser, gosu).is_empty());
        let nginx = "FROM debian:12\nRUN apt-get install -y nginx\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n";
        assert!(check(&MissingUser, nginx).is_empty());
    }

    #[test]
    fn windows_server_core_gets_windows_advice() {
        let found = check(
            &MissingUser,
            "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD [\"app.exe\"]\n",
        );
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("ContainerUser"),
            "{}",
            found[0].message
        );
    }
}
