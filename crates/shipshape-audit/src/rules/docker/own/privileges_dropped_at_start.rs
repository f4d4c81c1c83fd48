//! SS-DOCKER-100 `privileges-dropped-at-start`: the image starts as root and leaves it only in
//! its entrypoint.
//!
//! ## What it does
//! Reports, for information, a final image without `USER` that starts as root and drops to an
//! unprivileged user before its program runs: `gosu`, `su-exec`, `setpriv` or `runuser` in the
//! start command or the entrypoint script (read from the build context), a privilege dropper
//! installed for the entrypoint, or a server that runs its workers as its own user (nginx,
//! Apache, php-fpm). This is how the official images of PostgreSQL, Redis, MySQL, MongoDB and
//! RabbitMQ work: the entrypoint fixes the ownership of a mounted data volume as root, then
//! `exec gosu postgres "$@"`.
//!
//! The finding is `info`: the program does not run as root, so the default gate passes these
//! images, and `missing-user` (a warning) stays silent for them.
//!
//! ## Why is this bad?
//! It is not, for `docker run` and Compose. But the container's first process is root, so
//! Kubernetes' `runAsNonRoot`, OpenShift's restricted security context and rootless runtimes
//! refuse or break the image, and a flaw in the entrypoint script runs with root's rights.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12-slim
//! RUN apt-get update && apt-get install -y --no-install-recommends gosu \
//!  && rm -rf /var/lib/apt/lists/*
//! COPY docker-entrypoint.sh /usr/local/bin/
//! ENTRYPOINT ["docker-entrypoint.sh"]
//! CMD ["app"]
//! ```
//!
//! Use instead, where the platform requires it:
//! ```dockerfile
//! FROM debian:12-slim
//! RUN useradd --uid 10001 app && install -d -o app /data
//! USER 10001
//! CMD ["app"]
//! ```
//!
//! ## Fix
//! Nothing, if the image runs under Docker or Compose. Where a non-root first process is
//! required, set the volume ownership at build time or with the platform (`fsGroup`), add
//! `USER <uid>` and drop the privilege-dropping step from the entrypoint.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use super::util::{effective, final_lineage};
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};
use crate::rules::docker::runtime::{known_non_root, privilege_drop, runs_a_service};

pub struct PrivilegesDroppedAtStart;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-100",
    slug: "privileges-dropped-at-start",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "The image starts as root and drops privileges in its entrypoint (gosu, su-exec, nginx)",
    equivalents: &[],
};

impl DockerfileRule for PrivilegesDroppedAtStart {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let ast = doc.ast;
        let lineage = final_lineage(ast);
        let (Some(last), Some(root)) = (lineage.first(), lineage.last()) else {
            return;
        };
        if effective(ast, &lineage, Keyword::User).is_some()
            || known_non_root(&ast.resolve_arg(&root.image.value, None)).is_some()
            || !runs_a_service(ast)
        {
            return;
        }
        if let Some(how) = privilege_drop(doc) {
            out.push(Diagnostic::new(
                last.image.span,
                format!(
                    "the container starts as root and leaves it through {how}; platforms that \
                     require a non-root first process (runAsNonRoot) will refuse it"
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::docker::own::util::testing::check;

    #[test]
    fn reports_gosu_and_self_dropping_servers() {
        let gosu = "FROM debian:12\nRUN apt-get install -y gosu\nENTRYPOINT [\"docker-entrypoint.sh\"]\nCMD [\"postgres\"]\n";
        assert!(check(&PrivilegesDroppedAtStart, gosu)[0]
            .message
            .contains("gosu"));
        let nginx = "FROM debian:12\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n";
        assert!(check(&PrivilegesDroppedAtStart, nginx)[0]
            .message
            .contains("nginx"));
    }

    #[test]
    fn silent_with_a_user_or_without_a_dropper() {
        assert!(check(
            &PrivilegesDroppedAtStart,
            "FROM debian:12\nRUN apt-get install -y gosu\nUSER 1000\nCMD [\"app\"]\n"
        )
        .is_empty());
        assert!(check(&PrivilegesDroppedAtStart, "FROM debian:12\nCMD [\"app\"]\n").is_empty());
    }
}
