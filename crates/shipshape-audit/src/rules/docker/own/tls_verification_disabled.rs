//! SS-DOCKER-087 `tls-verification-disabled`: a download or package install skips TLS or
//! signature verification.
//!
//! ## What it does
//! Flags the options and variables that turn off certificate or signature checks during the
//! build or at run time:
//! - `curl -k`/`--insecure`, `wget --no-check-certificate`;
//! - pip `--trusted-host` (and `PIP_TRUSTED_HOST`), uv `--allow-insecure-host`;
//! - `npm`/`yarn`/`pnpm config set strict-ssl false` (and `NPM_CONFIG_STRICT_SSL=false`,
//!   `YARN_ENABLE_STRICT_SSL=false`);
//! - `git config http.sslVerify false`, `git -c http.sslVerify=false`, `GIT_SSL_NO_VERIFY`;
//! - `NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0`, `GOINSECURE`, `GOFLAGS=-insecure`;
//! - apk `--allow-untrusted` (unless every package is an `.apk` file in a folder mounted from one
//!   of the build's own stages: packages the build made, with nothing downloaded to verify); apt `--allow-unauthenticated`, `--force-yes`,
//!   `--allow-insecure-repositories`, `Acquire::https::Verify-Peer=false`;
//! - yum/dnf/microdnf/rpm `--nogpgcheck`, rpm `--nosignature`/`--nodigest`, zypper
//!   `--no-gpg-checks`, and `--setopt=sslverify=0`.
//!
//! Variables are checked in `ENV`, `ARG`, and in assignments and `export`s inside `RUN`.
//!
//! ## Why is this bad?
//! Verification is what makes a download trustworthy. Without it anyone on the network path — a
//! compromised proxy, a hostile Wi-Fi, a poisoned DNS answer — can substitute packages, scripts
//! or dependencies, and the build installs them without a warning. Set in `ENV`, the setting
//! also stays active for the application at run time.
//!
//! ## Example
//! ```dockerfile
//! RUN curl -fsSLk https://example.com/tool.tar.gz | tar xz
//! ENV NODE_TLS_REJECT_UNAUTHORIZED=0
//! ```
//!
//! Use instead:
//! ```dockerfile
//! COPY corp-root-ca.crt /usr/local/share/ca-certificates/
//! RUN update-ca-certificates
//! ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/corp-root-ca.crt
//! RUN curl -fsSL https://example.com/tool.tar.gz | tar xz
//! ```
//!
//! ## Fix
//! Remove the option. If a corporate proxy re-signs TLS traffic, install its root certificate in
//! the image (`update-ca-certificates`, `NODE_EXTRA_CA_CERTS`, `PIP_CERT`) instead of turning
//! verification off; if a package is unsigned, import the vendor's signing key.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::{Keyword, Word};
use shipshape_syntax::shell::{is_assignment, Command};
use shipshape_syntax::Span;

use super::util::{flag_word, is_falsy};
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct TlsVerificationDisabled;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-087",
    slug: "tls-verification-disabled",
    domain: Domain::Dockerfile,
    severity: Severity::Error,
    title: "TLS certificate or package signature verification is turned off",
    equivalents: &[
        "checkov:CKV2_DOCKER_2",
        "checkov:CKV2_DOCKER_3",
        "checkov:CKV2_DOCKER_4",
        "checkov:CKV2_DOCKER_5",
        "checkov:CKV2_DOCKER_6",
        "checkov:CKV2_DOCKER_7",
        "checkov:CKV2_DOCKER_8",
        "checkov:CKV2_DOCKER_9",
        "checkov:CKV2_DOCKER_10",
        "checkov:CKV2_DOCKER_11",
        "checkov:CKV2_DOCKER_12",
        "checkov:CKV2_DOCKER_13",
        "checkov:CKV2_DOCKER_14",
        "checkov:CKV2_DOCKER_15",
        "checkov:CKV2_DOCKER_16",
    ],
};

/// When setting an environment variable turns verification off.
#[derive(Clone, Copy)]
enum Trigger {
    /// Set to `0`/`false`/`no`/`off`.
    Falsy,
    /// Set at all, to any value (git reads `GIT_SSL_NO_VERIFY` by presence).
    Set,
    /// Set to a non-empty value (a list of hosts exempt from checks).
    NonEmpty,
    /// The value contains this option.
    Contains(&'static str),
}

/// Environment variables that disable verification, and what the setting does.
const VARIABLES: &[(&str, Trigger, &str)] = &[
    (
        "NODE_TLS_REJECT_UNAUTHORIZED",
        Trigger::Falsy,
        "Node.js accepts any TLS certificate",
    ),
    (
        "PYTHONHTTPSVERIFY",
        Trigger::Falsy,
        "Python's urllib stops verifying HTTPS certificates",
    ),
    (
        "GIT_SSL_NO_VERIFY",
        Trigger::Set,
        "git stops verifying HTTPS certificates",
    ),
    (
        "NPM_CONFIG_STRICT_SSL",
        Trigger::Falsy,
        "npm accepts any registry certificate",
    ),
    (
        "YARN_ENABLE_STRICT_SSL",
        Trigger::Falsy,
        "yarn accepts any registry certificate",
    ),
    (
        "PIP_TRUSTED_HOST",
        Trigger::NonEmpty,
        "pip skips certificate checks for these hosts",
    ),
    (
        "GOINSECURE",
        Trigger::NonEmpty,
        "go fetches these modules without TLS verification",
    ),
    (
        "GOFLAGS",
        Trigger::Contains("-insecure"),
        "go fetches modules without TLS verification",
    ),
];

fn variable_disables(name: &str, value: &str) -> Option<&'static str> {
    let (_, trigger, what) = VARIABLES
        .iter()
        .find(|(n, _, _)| n.eq_ignore_ascii_case(name))?;
    let on = match trigger {
        Trigger::Falsy => is_falsy(value),
        Trigger::Set => true,
        Trigger::NonEmpty => !value.trim_matches(['"', '\'']).is_empty(),
        Trigger::Contains(option) => value.split_whitespace().any(|w| w == *option),
    };
    on.then_some(*what)
}

/// Long options that turn verification off, per program.
const OPTIONS: &[(&[&str], &str, &str)] = &[
    (
        &["wget"],
        "no-check-certificate",
        "wget accepts any TLS certificate",
    ),
    (
        &["uv"],
        "allow-insecure-host",
        "uv skips certificate checks for this host",
    ),
    (
        &["apk"],
        "allow-untrusted",
        "apk installs packages with missing or untrusted signatures",
    ),
    (
        &["apt-get", "apt", "aptitude"],
        "allow-unauthenticated",
        "apt installs unsigned packages",
    ),
    (
        &["apt-get", "apt", "aptitude"],
        "force-yes",
        "apt installs unsigned packages",
    ),
    (
        &["apt-get", "apt", "aptitude"],
        "allow-insecure-repositories",
        "apt reads unsigned repositories",
    ),
    (
        &["yum", "dnf", "microdnf", "tdnf", "rpm"],
        "nogpgcheck",
        "packages are installed without checking their GPG signature",
    ),
    (
        &["rpm"],
        "nosignature",
        "rpm installs packages without checking their signature",
    ),
    (
        &["rpm"],
        "nodigest",
        "rpm installs packages without checking their digest",
    ),
    (
        &["zypper"],
        "no-gpg-checks",
        "zypper installs packages without checking their signature",
    ),
];

/// `apk add` whose every package is an `.apk` file inside a folder mounted from one of the
/// build's stages (`staged`), not a name resolved in a repository or a file downloaded earlier.
/// Whether [`OPTIONS`] lists `prog` (most commands are none of these: one `match` instead of
/// walking the table for each, which made this rule 2 % of an audit).
fn has_options(prog: &str) -> bool {
    matches!(
        prog,
        "wget"
            | "uv"
            | "apk"
            | "apt-get"
            | "apt"
            | "aptitude"
            | "yum"
            | "dnf"
            | "microdnf"
            | "tdnf"
            | "rpm"
            | "zypper"
    )
}

fn installs_only_staged_files(cmd: &Command, staged: &[String]) -> bool {
    let ops = cmd.operands();
    let Some(add) = ops.iter().position(|w| w.value == "add") else {
        return false;
    };
    let packages = &ops[add + 1..];
    !packages.is_empty()
        && packages.iter().all(|w| {
            w.value.ends_with(".apk")
                && staged
                    .iter()
                    .any(|dir| w.value.starts_with(&format!("{dir}/")))
        })
}

fn program(cmd: &Command) -> Option<&str> {
    cmd.name().map(shipshape_syntax::shell::base_name)
}

fn is_pip(cmd: &Command) -> bool {
    let Some(p) = program(cmd) else { return false };
    p.starts_with("pip")
        || (p.starts_with("python")
            && cmd
                .args()
                .windows(2)
                .any(|w| w[0].value == "-m" && w[1].value == "pip"))
}

/// `… config set strict-ssl false` / `strict-ssl=false` for npm, yarn and pnpm: the span of the
/// setting.
fn strict_ssl_off(cmd: &Command) -> Option<Span> {
    let ops = cmd.operands();
    let set = ops.iter().position(|w| w.value == "set")?;
    if !ops[..set]
        .iter()
        .all(|w| matches!(w.value.as_str(), "config" | "c"))
    {
        return None;
    }
    let key = ops.get(set + 1)?;
    let is_key = |k: &str| k == "strict-ssl" || k == "enableStrictSsl";
    if let Some((k, v)) = key.value.split_once('=') {
        return (is_key(k) && is_falsy(v)).then_some(key.span);
    }
    let value = ops.get(set + 2)?;
    (is_key(&key.value) && is_falsy(&value.value)).then(|| key.span.to(value.span))
}

/// `http.sslVerify` (or `http.<url>.sslVerify`) set to false, in `git config` or `git -c`.
fn git_ssl_verify_off(cmd: &Command) -> Option<Span> {
    let is_key = |k: &str| {
        let k = k.to_ascii_lowercase();
        k.starts_with("http.") && k.ends_with(".sslverify")
    };
    let args = cmd.args();
    for (i, w) in args.iter().enumerate() {
        if let Some((k, v)) = w.value.split_once('=') {
            if i > 0 && args[i - 1].value == "-c" && is_key(k) && is_falsy(v) {
                return Some(w.span);
            }
        }
    }
    let ops = cmd.operands();
    let config = ops.iter().position(|w| w.value == "config")?;
    let key = ops.get(config + 1)?;
    let value = ops.get(config + 2)?;
    (is_key(&key.value) && is_falsy(&value.value)).then(|| key.span.to(value.span))
}

/// `--setopt=sslverify=0` (also `--setopt=<repo>.sslverify=false`) for yum and dnf.
fn setopt_sslverify_off(cmd: &Command) -> Option<&Word> {
    cmd.args().iter().find(|w| {
        let v = w.value.to_ascii_lowercase();
        let Some(opt) = v.strip_prefix("--setopt=") else {
            return false;
        };
        let opt = opt.trim_matches(['"', '\'']);
        opt.split_once('=').is_some_and(|(k, val)| {
            (k == "sslverify" || k.ends_with(".sslverify")) && is_falsy(val)
        })
    })
}

/// apt's `-o Acquire::https::Verify-Peer=false` and friends.
fn apt_verify_off(cmd: &Command) -> Option<&Word> {
    cmd.args().iter().find(|w| {
        // Every setting looked for holds a `=`: the package names of an install need no
        // lowercase copy nor substring search.
        if !w.value.contains('=') {
            return false;
        }
        let v = w.value.to_ascii_lowercase();
        ["verify-peer=", "verify-host="]
            .iter()
            .any(|k| v.find(k).is_some_and(|at| is_falsy(&v[at + k.len()..])))
            || v.contains("allowinsecurerepositories=true")
    })
}

fn check_command(raw: &Command, staged: &[String], out: &mut Vec<Diagnostic>) {
    // Variables: `VAR=0 cmd`, `export VAR=0`, `env VAR=0 cmd`.
    let mut assignments: Vec<&Word> = raw.assignments().iter().collect();
    if matches!(raw.name(), Some("export" | "declare" | "typeset" | "env")) {
        assignments.extend(raw.args().iter().filter(|w| is_assignment(&w.value)));
    }
    for w in assignments {
        if let Some((name, value)) = w.value.split_once('=') {
            if let Some(what) = variable_disables(name, value) {
                out.push(Diagnostic::new(w.span, format!("`{name}` is set: {what}")));
            }
        }
    }

    let cmd = raw.unwrapped();
    let Some(prog) = program(&cmd) else { return };
    let mut hit = |span: Span, what: &str| {
        out.push(Diagnostic::new(
            span,
            format!("verification is turned off: {what}"),
        ));
    };
    if prog == "curl" {
        if let Some(w) = flag_word(&cmd, 'k', "insecure") {
            hit(w.span, "curl accepts any TLS certificate");
        }
    }
    if is_pip(&cmd) {
        if let Some(w) = flag_word(&cmd, '\0', "trusted-host") {
            hit(w.span, "pip skips certificate checks for this host");
        }
    }
    if has_options(prog) {
        for (programs, option, what) in OPTIONS {
            if !programs.contains(&prog) {
                continue;
            }
            if *option == "allow-untrusted" && installs_only_staged_files(&cmd, staged) {
                // `apk add --allow-untrusted /tmp/pkgs/*.apk` from a folder mounted from a build
                // stage: packages this build made, read from disk; nothing comes over the network
                // to verify.
                continue;
            }
            if let Some(w) = flag_word(&cmd, '\0', option) {
                hit(w.span, what);
            }
        }
    }
    match prog {
        "npm" | "yarn" | "pnpm" => {
            if let Some(span) = strict_ssl_off(&cmd) {
                hit(span, "the package manager accepts any registry certificate");
            } else if let Some(w) = cmd.args().iter().find(|w| w.value == "--strict-ssl=false") {
                hit(
                    w.span,
                    "the package manager accepts any registry certificate",
                );
            }
        }
        "git" => {
            if let Some(span) = git_ssl_verify_off(&cmd) {
                hit(span, "git stops verifying HTTPS certificates");
            }
        }
        "yum" | "dnf" | "microdnf" | "tdnf" | "yum-config-manager" | "dnf-3" => {
            if let Some(w) = setopt_sslverify_off(&cmd) {
                hit(
                    w.span,
                    "the package manager stops verifying repository certificates",
                );
            }
        }
        "apt-get" | "apt" | "aptitude" => {
            if let Some(w) = apt_verify_off(&cmd) {
                hit(w.span, "apt stops verifying repository certificates");
            }
        }
        _ => {}
    }
}

impl DockerfileRule for TlsVerificationDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for inst in &doc.ast.instructions {
            match inst.keyword {
                Keyword::Env | Keyword::Arg => {
                    for kv in inst.key_values() {
                        let Some(value) = kv.value.as_deref() else {
                            continue;
                        };
                        if let Some(what) = variable_disables(&kv.key, value) {
                            out.push(Diagnostic::new(
                                kv.span,
                                format!("`{}` is set: {what}", kv.key),
                            ));
                        }
                    }
                }
                Keyword::Run => {
                    // Folders mounted from a build stage (`--mount=type=bind,from=…,target=…`).
                    let staged: Vec<String> = inst
                        .flags_named("mount")
                        .filter_map(|f| f.value.as_deref())
                        .filter(|v| v.split(',').any(|kv| kv.starts_with("from=")))
                        .filter_map(|v| {
                            v.split(',').find_map(|kv| {
                                kv.strip_prefix("target=")
                                    .or_else(|| kv.strip_prefix("dst="))
                                    .or_else(|| kv.strip_prefix("destination="))
                                    .map(|t| t.trim_end_matches('/').to_string())
                            })
                        })
                        .collect();
                    for cmd in inst.run_commands_ref() {
                        check_command(cmd, &staged, out);
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::docker::own::util::testing::{check, flagged};

    #[test]
    fn finds_inline_git_config_and_yum_setopt() {
        let src = "FROM a\nRUN git -c http.sslVerify=false clone https://x/r && dnf install -y --setopt=sslverify=0 x\n";
        assert_eq!(
            flagged(&TlsVerificationDisabled, src),
            ["http.sslVerify=false", "--setopt=sslverify=0"]
        );
    }

    #[test]
    fn leaves_look_alike_options_alone() {
        let src = "FROM a\nRUN wget -k https://x && curl -o kfile https://x && grep -k x y\n";
        assert!(check(&TlsVerificationDisabled, src).is_empty());
    }

    #[test]
    fn every_program_of_the_options_table_is_looked_up() {
        for (programs, _, _) in OPTIONS {
            for p in *programs {
                assert!(has_options(p), "{p}");
            }
        }
        assert!(!has_options("curl") && !has_options("git") && !has_options("apt-get2"));
    }

    #[test]
    fn git_ssl_no_verify_counts_even_when_empty_or_zero() {
        assert!(variable_disables("GIT_SSL_NO_VERIFY", "").is_some());
        assert!(variable_disables("GIT_SSL_NO_VERIFY", "0").is_some());
        assert!(variable_disables("NODE_TLS_REJECT_UNAUTHORIZED", "1").is_none());
        assert!(variable_disables("NODE_TLS_REJECT_UNAUTHORIZED", "'0'").is_some());
        assert!(variable_disables("npm_config_strict_ssl", "false").is_some());
        assert!(variable_disables("PIP_TRUSTED_HOST", "").is_none());
        assert!(variable_disables("GOFLAGS", "-mod=vendor").is_none());
    }
}
