//! ## What it does
//! Flags `environment` variables whose name says they hold a secret (`PASSWORD`, `SECRET`,
//! `TOKEN`, `API_KEY`, `PRIVATE_KEY`, `ACCESS_KEY`, `CREDENTIALS`…) and whose value is written
//! in the compose file, in map (`KEY: value`) or list (`- KEY=value`) form. Empty values, `${VAR}`
//! interpolations and obvious placeholders (`changeme`, `example`, `xxx`) are not flagged. The
//! finding names the variable only; the value is never shown.
//!
//! Demo defaults are not flagged either: a value that repeats the service's name, its image or
//! another value of the same environment (`POSTGRES_USER: app` with `POSTGRES_PASSWORD: app`), or
//! is made of default words (`password`, `supersecret`, `minioadmin`), as example and
//! development stacks write them; a MinIO-style `ACCESS_KEY` that is a plain lower-case word (a
//! user name); and a `…_CREDENTIALS` value that names a credentials file (Confluent's
//! `KAFKA_SSL_KEY_CREDENTIALS: broker_sslkey_creds`). Such a value is public knowledge the day it
//! is written; what leaks is a value someone chose to keep secret.
//!
//! ## Why is this bad?
//! A compose file is committed, copied into images and pasted into tickets. A secret in it is
//! readable by everyone with the repository, stays in its history forever, and is usually the
//! same in every environment that copied the file.
//!
//! ## Example
//! ```yaml
//! services:
//!   db:
//!     image: postgres:16
//!     environment:
//!       POSTGRES_PASSWORD: s3cr3t-hunter2
//! ```
//!
//! ## Fix
//! Interpolate the value from the environment or an untracked `.env` file, or use a Compose
//! secret (images such as postgres read `*_FILE` variables):
//! ```yaml
//! services:
//!   db:
//!     image: postgres:16
//!     environment:
//!       POSTGRES_PASSWORD_FILE: /run/secrets/db_password
//!     secrets: [db_password]
//! secrets:
//!   db_password:
//!     file: ./db_password.txt
//! ```

use shipshape_core::Severity;
use shipshape_syntax::compose::Node;
use shipshape_syntax::Span;

use super::services;
use crate::rule::{ComposeDoc, ComposeRule, Diagnostic, Domain, RuleMeta};

pub struct NoHardcodedSecretEnv;

pub static META: RuleMeta = RuleMeta {
    id: "SS-COMPOSE-009",
    slug: "no-hardcoded-secret-env",
    domain: Domain::Compose,
    severity: Severity::Warning,
    title: "Secret value written in a service's environment",
    equivalents: &["kics:Passwords And Secrets - Generic Password"],
};

pub(crate) use shipshape_core::secret_names::{
    is_literal_secret_value as is_literal_secret, is_secret_name,
};

impl ComposeRule for NoHardcodedSecretEnv {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &ComposeDoc, out: &mut Vec<Diagnostic>) {
        for service in services(doc.root) {
            let Some(environment) = service.get("environment") else {
                continue;
            };
            let image = service
                .image()
                .map_or(String::new(), |(_, i)| i.to_ascii_lowercase());
            let others: Vec<String> = environment
                .entries()
                .iter()
                .filter_map(|e| e.value.as_str())
                .chain(
                    environment
                        .items()
                        .iter()
                        .filter_map(|i| i.as_str()?.split_once('=').map(|(_, v)| v)),
                )
                .map(|v| v.trim().to_ascii_lowercase())
                .collect();
            let demo = |name: &str, value: &str| {
                is_demo_default(name, value, service.name(), &image, &others)
            };
            let message = |name: &str| {
                format!(
                    "service `{}` sets `{name}` to a literal secret; interpolate it from an \
                     untracked .env / env_file or use a Compose secret",
                    service.name()
                )
            };
            // The value as written decides: `${DB_PASSWORD}` is no literal, whatever `.env` holds.
            for entry in environment.entries() {
                let (Some(name), Some(value)) = (entry.key.as_str(), entry.value.written()) else {
                    continue;
                };
                if is_secret_name(name) && is_literal_secret(value) && !demo(name, value) {
                    out.push(
                        doc.at(&entry.value, message(name))
                            .redacting_value(doc.source_of(&entry.value), entry.value.span),
                    );
                }
            }
            for item in environment.items() {
                let Some((name, value)) = item.written().and_then(|t| t.split_once('=')) else {
                    continue;
                };
                if is_secret_name(name) && is_literal_secret(value) && !demo(name.trim(), value) {
                    out.push(
                        doc.at(item, message(name.trim()))
                            .redacting(list_value_span(doc.source_of(item), item)),
                    );
                }
            }
        }
    }
}

/// Words of the default credentials example and development stacks use.
const DEFAULT_WORDS: &[&str] = &[
    "password", "passwd", "secret", "example", "changeme", "admin", "root", "test", "demo",
    "default", "guest", "qwerty", "letmein", "postgres", "mysql", "mariadb", "minio", "elastic",
    "kibana", "redis", "mongo", "rabbit",
];

/// Whether a literal is a demo default rather than a chosen secret (see the rule's docs).
fn is_demo_default(name: &str, value: &str, service: &str, image: &str, others: &[String]) -> bool {
    let v = value.trim().to_ascii_lowercase();
    let wordy = !v.is_empty()
        && v.len() <= 32
        && v.starts_with(|c: char| c.is_ascii_lowercase())
        && value
            .trim()
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.'));
    if !wordy {
        return false;
    }
    let upper = name.to_ascii_uppercase();
    // MinIO's access key is its user name; Confluent's `…_CREDENTIALS` name a file.
    if upper.ends_with("ACCESS_KEY") && v.chars().all(|c| c.is_ascii_lowercase()) {
        return true;
    }
    if upper.ends_with("_CREDENTIALS") && (v.ends_with("_creds") || v.contains('.')) {
        return true;
    }
    DEFAULT_WORDS.iter().any(|w| v.contains(w))
        || v == service.to_ascii_lowercase()
        || (v.len() >= 4 && image.contains(v.as_str()))
        || others
            .iter()
            .any(|o| *o != v && o.len() >= 4 && v.contains(o.as_str()))
        || others.iter().filter(|o| **o == v).count() >= 2
}

/// The bytes of `value` in a `- KEY=value` item as written, so the snippet can mask them.
/// Falls back to the whole item when the source does not show an `=` (escapes, folding).
fn list_value_span(source: &str, item: &Node) -> Span {
    let written = item.span.text(source);
    let Some(eq) = written.find('=') else {
        return item.span;
    };
    let quoted = written.starts_with(['"', '\'']);
    let end = if quoted && written.len() > eq + 1 {
        item.span.end - 1
    } else {
        item.span.end
    };
    Span::new((item.span.start + eq + 1).min(end), end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_are_matched_by_whole_name_parts() {
        assert!(is_secret_name("POSTGRES_PASSWORD"));
        assert!(is_secret_name("stripe_api_key"));
        assert!(is_secret_name("AWS_SECRET_ACCESS_KEY"));
        assert!(is_secret_name("GITHUB_TOKEN"));
        assert!(!is_secret_name("PASSENGER_COUNT"));
        assert!(!is_secret_name("POSTGRES_PASSWORD_FILE"));
        assert!(!is_secret_name("MYSQL_ALLOW_EMPTY_PASSWORD"));
        // Half of a credential pair: flagged here as in a Dockerfile (one vocabulary).
        assert!(is_secret_name("AWS_ACCESS_KEY_ID"));
        assert!(!is_secret_name("TOKEN_TTL"));
        assert!(!is_secret_name("PWD"));
    }

    #[test]
    fn interpolations_and_placeholders_are_not_literal_secrets() {
        assert!(is_literal_secret("hunter2"));
        assert!(!is_literal_secret("${DB_PASSWORD}"));
        assert!(!is_literal_secret("${DB_PASSWORD:?set it}"));
        assert!(!is_literal_secret("$DB_PASSWORD"));
        assert!(!is_literal_secret(""));
        assert!(!is_literal_secret("changeme"));
        assert!(!is_literal_secret("xxxxxxxx"));
        assert!(!is_literal_secret("<your-token>"));
        assert!(!is_literal_secret("your_api_key_here"));
    }

    #[test]
    fn masks_only_the_value_of_a_list_item() {
        let source = "env:\n  - \"API_TOKEN=abc123\"\n";
        let item = Node {
            value: shipshape_syntax::compose::Value::Null,
            file: 0,
            span: Span::new(source.find('"').unwrap_or(0), source.len() - 1),
        };
        assert_eq!(list_value_span(source, &item).text(source), "abc123");
    }
}

#[cfg(test)]
mod rule_tests {
    use super::NoHardcodedSecretEnv;
    use crate::rules::compose::findings;

    #[test]
    fn message_names_the_variable_and_never_the_value() {
        let yaml = "services:\n  api:\n    image: a:1\n    environment:\n      GITHUB_TOKEN: ghp_abcdefghijklmnop\n";
        let found = findings(&NoHardcodedSecretEnv, yaml);
        assert_eq!(found.len(), 1);
        assert!(found[0].1.contains("GITHUB_TOKEN"));
        assert!(!found[0].1.contains("ghp_"));
    }

    #[test]
    fn demo_defaults_are_not_secrets() {
        let yaml = r#"
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: paperless
      POSTGRES_DB: paperless
      POSTGRES_PASSWORD: paperless
  minio:
    image: minio/minio:RELEASE.2024-01-01
    environment: [MINIO_ACCESS_KEY=tempo, MINIO_SECRET_KEY=supersecret]
  kafka:
    image: confluentinc/cp-kafka:7.6.0
    environment:
      KAFKA_SSL_KEY_CREDENTIALS: broker_sslkey_creds
  grafana:
    image: grafana/grafana:11.0.0
    environment: [GF_SECURITY_ADMIN_PASSWORD=grafana]
  app:
    image: app:1
    environment:
      SECRET_KEY_BASE: yYrECL4qbNwleYInGJYvVnSkwJuSQJ4ijPTx5tirGUXrbznF
      DB_PASSWORD: "passRT%^#234"
"#;
        let found: Vec<String> = findings(&NoHardcodedSecretEnv, yaml)
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        assert_eq!(found.len(), 2, "{found:?}");
    }

    #[test]
    fn secrets_shared_through_a_merge_key_are_found() {
        let yaml = r#"
x-env: &env
  DB_PASSWORD: hunter2
services:
  api:
    image: a:1
    environment:
      <<: *env
      LOG_LEVEL: info
"#;
        let found = findings(&NoHardcodedSecretEnv, yaml);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "hunter2");
    }
}
