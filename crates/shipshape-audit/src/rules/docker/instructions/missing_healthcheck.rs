//! ## What it does
//! Flags a final image that serves (it `EXPOSE`s a port, or its `CMD`/`ENTRYPOINT` starts a
//! known server such as nginx, gunicorn or uvicorn) but has no `HEALTHCHECK`, neither in the
//! final stage nor in a local stage it builds on. An explicit `HEALTHCHECK NONE` is a decision
//! and passes. Images without a shell (`scratch`, distroless) are flagged too: the probe can be
//! the application binary itself.
//!
//! hadolint has this check as DL3057, off by default.
//!
//! ## Why is this bad?
//! Without a health check, Docker, Compose (`depends_on: condition: service_healthy`) and Swarm
//! only know whether the process is alive, not whether it answers: a server stuck in a deadlock
//! or a failed start-up stays "running" and keeps receiving traffic. Kubernetes ignores
//! `HEALTHCHECK` and uses its own probes, hence the low severity.
//!
//! ## Example
//! ```dockerfile
//! FROM python:3.13-slim
//! EXPOSE 8000
//! CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
//! ```
//!
//! Use instead:
//! ```dockerfile
//! FROM python:3.13-slim
//! EXPOSE 8000
//! HEALTHCHECK --interval=30s --timeout=3s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"]
//! CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
//! ```
//!
//! ## Fix
//! Add a `HEALTHCHECK` that asks the application itself, with a tool the image contains (`curl`,
//! `wget`, the language runtime). Without a shell, use exec form with the application binary,
//! e.g. `HEALTHCHECK CMD ["/app", "healthcheck"]`.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::{Instruction, Keyword};

use super::util::{chain_instructions, lineage};
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct MissingHealthcheck;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-023",
    slug: "missing-healthcheck",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "Serving image without HEALTHCHECK",
    equivalents: &["checkov:CKV_DOCKER_2", "trivy:DS-0026", "hadolint:DL3057"],
};

/// Programs whose presence in `CMD`/`ENTRYPOINT` says the container serves requests.
const SERVERS: &[&str] = &[
    "nginx",
    "httpd",
    "apache2-foreground",
    "caddy",
    "gunicorn",
    "uvicorn",
    "hypercorn",
    "daphne",
    "waitress-serve",
    "puma",
    "unicorn",
    "php-fpm",
    "traefik",
    "haproxy",
    "envoy",
];

fn starts_server(instr: &Instruction) -> Option<String> {
    let words: Vec<String> = match instr.shell_form() {
        Some(shell) => shell.text.split_whitespace().map(str::to_string).collect(),
        None => instr.words().iter().map(|w| w.value.clone()).collect(),
    };
    words.into_iter().find_map(|w| {
        let program = shipshape_syntax::shell::base_name(&w).to_string();
        SERVERS.contains(&program.as_str()).then_some(program)
    })
}

impl DockerfileRule for MissingHealthcheck {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let ast = doc.ast;
        let stages = ast.stages();
        let Some(last) = stages.last() else { return };
        let chain = lineage(ast, &stages, last.index);
        let instructions = chain_instructions(ast, &stages, &chain);
        if instructions
            .iter()
            .any(|(_, i)| i.keyword == Keyword::Healthcheck)
        {
            return;
        }
        let exposed = instructions
            .iter()
            .find(|(_, i)| i.keyword == Keyword::Expose)
            .and_then(|(_, i)| i.words().first())
            .map(|w| format!("exposes `{}`", w.value));
        let server = instructions
            .iter()
            .filter(|(_, i)| matches!(i.keyword, Keyword::Cmd | Keyword::Entrypoint))
            .find_map(|(_, i)| starts_server(i))
            .map(|s| format!("runs `{s}`"));
        let Some(evidence) = exposed.or(server) else {
            return;
        };
        let Some(from) = ast.instructions.get(last.from) else {
            return;
        };
        out.push(Diagnostic::new(
            from.keyword_span,
            format!("the final image {evidence} but has no HEALTHCHECK: a hung server would still count as running"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::flagged;
    use super::*;

    #[test]
    fn flags_serving_final_stage_without_healthcheck() {
        let src = "FROM a:1 AS build\nHEALTHCHECK CMD true\nFROM b:1\nEXPOSE 80\n";
        assert_eq!(flagged(&MissingHealthcheck, src), ["FROM"]);
        let src = "FROM b:1\nCMD [\"/usr/local/bin/gunicorn\", \"app\"]\n";
        assert_eq!(flagged(&MissingHealthcheck, src), ["FROM"]);
    }

    #[test]
    fn passes_inherited_or_disabled_healthchecks_and_non_servers() {
        assert!(flagged(
            &MissingHealthcheck,
            "FROM a:1 AS base\nHEALTHCHECK NONE\nFROM base\nEXPOSE 80\n"
        )
        .is_empty());
        assert!(flagged(
            &MissingHealthcheck,
            "FROM a:1\nCMD [\"python\", \"job.py\"]\n"
        )
        .is_empty());
    }
}
