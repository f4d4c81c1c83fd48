//! SS-DOCKER-085 `add-remote-url`: `ADD` downloads a URL without verifying it.
//!
//! ## What it does
//! Flags `ADD` sources that are `http://` or `https://` URLs when the instruction has no
//! `--checksum=sha256:…` flag. Git repositories (`ADD https://…/repo.git#ref`) are a different
//! feature and are not reported.
//!
//! ## Why is this bad?
//! Whatever the server returns at build time goes into the image unchecked: a compromised
//! download host, a moved release or a man in the middle changes the image silently, and two
//! builds of the same Dockerfile can produce different images. `ADD` also cannot clean up after
//! itself, so an archive downloaded this way stays in its own layer.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:bookworm-slim
//! ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
//! ```
//!
//! Use instead:
//! ```dockerfile
//! # syntax=docker/dockerfile:1
//! FROM debian:bookworm-slim
//! ADD --checksum=sha256:93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c \
//!     https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
//! ```
//!
//! ## Fix
//! Pin the download with `ADD --checksum=sha256:…` (BuildKit), or fetch it in a `RUN` with
//! `curl -fsSLo` followed by `sha256sum -c`.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use super::util::copy_sources;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct AddRemoteUrl;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-085",
    slug: "add-remote-url",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "ADD downloads a URL without a checksum",
    equivalents: &["checkov:CKV_DOCKER_4", "kics:Curl or Wget Instead of Add"],
};

fn is_http_url(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

fn is_git_repository(s: &str) -> bool {
    let path = s.split('#').next().unwrap_or(s);
    path.ends_with(".git") || path.ends_with(".git/")
}

impl DockerfileRule for AddRemoteUrl {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let ast = doc.ast;
        for (index, inst) in ast.instructions_of(Keyword::Add) {
            if inst.flag("checksum").is_some() {
                continue;
            }
            for source in copy_sources(inst) {
                let url = ast.resolve_arg(&source.value, ast.stage_of(index));
                if is_http_url(&url) && !is_git_repository(&url) {
                    out.push(Diagnostic::new(
                        source.span,
                        "`ADD` downloads this URL without verifying it — add `--checksum=sha256:…` or \
                         download it with curl and check its hash",
                    ));
                }
            }
        }
    }
}
