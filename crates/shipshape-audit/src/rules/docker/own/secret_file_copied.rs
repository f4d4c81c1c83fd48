//! SS-DOCKER-084 `secret-file-copied`: a credential file is copied into the image.
//!
//! ## What it does
//! Flags `COPY` and `ADD` sources that name a file or folder which holds credentials: `.env`
//! files, private keys (`id_rsa`, `*.key`, `*.pem` that are not certificates, `*.p12`),
//! package-registry credentials (`.npmrc`, `.pypirc`, `.netrc`), `.git-credentials`,
//! `credentials.json`, and the `.aws/`, `.ssh/`, `.gnupg/`, `.kube/` folders. Templates such as
//! `.env.example` are fine.
//!
//! ## Why is this bad?
//! Every file copied into a layer stays in the image, even if a later step deletes it: anyone who
//! can pull the image can extract it with `docker save`. Registry tokens in `.npmrc` or cloud keys
//! in `.aws/` then leak to everyone with read access to the registry.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-slim
//! COPY .npmrc package.json package-lock.json ./
//! RUN npm ci && rm .npmrc
//! ```
//!
//! Use instead:
//! ```dockerfile
//! # syntax=docker/dockerfile:1
//! FROM node:22-slim
//! COPY package.json package-lock.json ./
//! RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
//! ```
//!
//! ## Fix
//! Mount the file for the one step that needs it with `RUN --mount=type=secret,id=…,target=…`,
//! pass runtime configuration through the orchestrator's secrets, and list such files in
//! `.dockerignore` so a broad `COPY` cannot pick them up.

use shipshape_core::Severity;

use super::util::copy_sources;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct SecretFileCopied;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-084",
    slug: "secret-file-copied",
    domain: Domain::Dockerfile,
    severity: Severity::Error,
    title: "A credential file (.env, private key, .npmrc, .aws/, …) is copied into the image",
    equivalents: &["trivy:DS-0031"],
};

/// Folders whose whole content is credentials.
const SECRET_DIRS: &[(&str, &str)] = &[
    (".aws", "AWS credentials"),
    (".ssh", "SSH keys"),
    (".gnupg", "a GPG keyring"),
    (".kube", "Kubernetes credentials"),
];

/// Files that hold credentials by convention.
const SECRET_FILES: &[(&str, &str)] = &[
    ("id_rsa", "an SSH private key"),
    ("id_dsa", "an SSH private key"),
    ("id_ecdsa", "an SSH private key"),
    ("id_ed25519", "an SSH private key"),
    (".npmrc", "npm registry credentials"),
    (".pypirc", "PyPI upload credentials"),
    (".netrc", "login credentials"),
    (".git-credentials", "git credentials"),
    ("credentials.json", "service credentials"),
    (".htpasswd", "password hashes"),
    (".dockercfg", "registry credentials"),
];

/// Suffixes of `.env.*` files that are templates, not configuration.
const ENV_TEMPLATES: &[&str] = &["example", "sample", "template", "tpl", "dist", "defaults"];

/// What kind of credential a `COPY` source names, if any.
pub(crate) fn secret_kind(source: &str) -> Option<&'static str> {
    let path = source.trim_end_matches('/');
    let segments: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    let base = *segments.last()?;
    for (dir, what) in SECRET_DIRS {
        if segments.contains(dir) {
            return Some(what);
        }
    }
    if segments.len() >= 2 && segments[segments.len() - 2] == ".docker" && base == "config.json" {
        return Some("registry credentials");
    }
    if let Some((_, what)) = SECRET_FILES.iter().find(|(name, _)| *name == base) {
        return Some(what);
    }
    if let Some(rest) = base.strip_prefix(".env") {
        let suffix = rest.trim_start_matches(['.', '*']);
        let is_env = rest.is_empty() || rest.starts_with(['.', '*']);
        if is_env && !ENV_TEMPLATES.iter().any(|t| suffix.eq_ignore_ascii_case(t)) {
            return Some("environment secrets");
        }
    }
    let lower = base.to_ascii_lowercase();
    let (stem, ext) = lower.rsplit_once('.').unwrap_or((lower.as_str(), ""));
    match ext {
        "key" => Some("a private key"),
        "p12" | "pfx" => Some("a private key bundle"),
        "pem" if !is_certificate_name(stem) => Some("a private key"),
        _ => None,
    }
}

/// Whether a `.pem` file name says it is a certificate (public), not a key: `ca.pem`,
/// `server-cert.pem`, `fullchain.pem`, unless it also says `key` (`cert-key.pem`).
fn is_certificate_name(stem: &str) -> bool {
    let words: Vec<&str> = stem
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let keyish = words
        .iter()
        .any(|w| w.contains("key") || w.starts_with("priv"));
    let certish = words.iter().any(|w| {
        matches!(
            *w,
            "ca" | "cacert" | "chain" | "fullchain" | "bundle" | "pub" | "public" | "root" | "crt"
        ) || w.starts_with("cert")
            || w.ends_with("cert")
    });
    certish && !keyish
}

/// Whether a destination path names a public key (`…​.pub`, `….asc`, `public…`).
fn names_public_key(destination: &str) -> bool {
    let name = destination
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(destination)
        .to_ascii_lowercase();
    name.ends_with(".pub")
        || name.ends_with(".asc")
        || name.ends_with(".gpg")
        || name.contains("public")
        || name.contains("pubkey")
}

/// Whether the text of a copied configuration file carries a credential. Files whose whole
/// point is a secret (keys, credential stores) always do.
/// Whether an `.npmrc`'s text holds a registry credential (`_authToken`, `_auth`,
/// `_password`, `:username`), as opposed to settings only (`shamefully-hoist=true`).
pub fn npmrc_carries_credentials(text: &str) -> bool {
    carries_credentials("npm registry credentials", text)
}

fn carries_credentials(what: &str, text: &str) -> bool {
    match what {
        "npm registry credentials" => text
            .lines()
            .any(|l| l.contains("_auth") || l.contains("_password") || l.contains(":username")),
        "PyPI upload credentials" | "login credentials" => {
            text.lines().any(|l| l.contains("password"))
        }
        "environment secrets" => text.lines().any(|l| {
            l.split_once('=').is_some_and(|(k, v)| {
                let k = k.trim().trim_start_matches("export ").trim();
                super::util::is_secret_name(k)
                    && !super::util::is_placeholder(v)
                    && !v.contains('$')
            })
        }),
        _ => true,
    }
}

impl DockerfileRule for SecretFileCopied {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for inst in &doc.ast.instructions {
            let destination = inst.words().last().map_or("", |w| w.value.as_str());
            for source in copy_sources(inst) {
                if let Some(what) = secret_kind(&source.value) {
                    // `COPY jenkins.io.key /war/jenkins-key.pub`: a public signing key.
                    if what == "a private key" && names_public_key(destination) {
                        continue;
                    }
                    // A configuration file the build context holds, read to see whether it
                    // carries a credential (`.npmrc` with only `engine-strict=true` does not).
                    let in_context = inst.flag("from").is_none()
                        && doc.contexts.iter().any(|c| {
                            let path = shipshape_syntax::compose::join(&c.dir, &source.value);
                            (doc.read)(&path).is_some_and(|text| !carries_credentials(what, &text))
                        });
                    if in_context {
                        continue;
                    }
                    out.push(Diagnostic::new(
                        source.span,
                        format!(
                            "`{}` holds {what} and is copied into a layer, where anyone who can pull \
                             the image can read it — mount it with `RUN --mount=type=secret` instead",
                            source.value
                        ),
                    ));
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
    fn public_keys_and_credential_free_config_files_pass() {
        assert!(check(
            &SecretFileCopied,
            "FROM a\nCOPY jenkins.io-2026.key /war/jenkins-key.pub\n"
        )
        .is_empty());
        assert!(!carries_credentials(
            "npm registry credentials",
            "engine-strict=true\nauto-install-peers=true\n"
        ));
        assert!(carries_credentials(
            "npm registry credentials",
            "//registry.npmjs.org/:_authToken=abc\n"
        ));
        assert!(!carries_credentials(
            "environment secrets",
            "LOG_LEVEL=info\nDB_PASSWORD=\n"
        ));
        assert!(carries_credentials(
            "environment secrets",
            "DB_PASSWORD=hunter2-prod\n"
        ));
    }

    #[test]
    fn heredoc_copies_and_destinations_are_not_sources() {
        let src = "FROM a\nCOPY <<EOF /app/.env\nX=1\nEOF\nCOPY app.env.example /app/.env\n";
        assert!(check(&SecretFileCopied, src).is_empty());
    }

    #[test]
    fn points_at_the_source_in_exec_form() {
        let src = "FROM a\nCOPY [\"id_ed25519\", \"/root/.ssh/\"]\n";
        assert_eq!(flagged(&SecretFileCopied, src), ["\"id_ed25519\""]);
    }

    #[test]
    fn flags_credential_files_but_not_templates_or_certificates() {
        for s in [
            ".env",
            "./.env.production",
            ".env*",
            "deploy/id_rsa",
            "tls/server.key",
            "tls/privkey.pem",
            "server.pem",
            ".npmrc",
            ".aws/",
            "home/.aws/credentials",
            "config/credentials.json",
            ".docker/config.json",
        ] {
            assert!(secret_kind(s).is_some(), "{s}");
        }
        for s in [
            ".env.example",
            ".env.sample",
            "certs/ca.pem",
            "certs/ca-bundle.pem",
            "tls/server-cert.pem",
            "fullchain.pem",
            "id_rsa.pub",
            "package.json",
            "config.json",
            "environment.ts",
            ".envrc.d",
        ] {
            assert!(secret_kind(s).is_none(), "{s}");
        }
    }
}
