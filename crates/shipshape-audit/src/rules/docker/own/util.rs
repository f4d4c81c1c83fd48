//! Helpers shared by the rules of this group: which stage ends up as the image, what a secret
//! looks like (by name and by shape), which packages an install command adds, and which
//! `COPY`/`ADD` sources are the whole build context.

use shipshape_syntax::dockerfile::{Dockerfile, Instruction, Keyword, Stage, Word};
use shipshape_syntax::shell::Command;

/// The index of the earlier stage a stage builds on (`FROM builder AS app`), if any. Only earlier
/// stages can be named, so following parents always terminates. (The stage's
/// [`Stage::parent`], computed once per file.)
pub(crate) fn parent_stage(ast: &Dockerfile, _stages: &[Stage], stage: &Stage) -> Option<usize> {
    ast.model().parent(stage.index).map(|s| s.index)
}

/// The final stage followed by the stages it builds on, nearest first: everything in them ends
/// up in the image. (A copy of the model's `final_lineage`.)
/// Whether a Dockerfile builds an image for a test suite rather than one to deploy: it sits in
/// a test folder (`tests/`, `test/`, `e2e/`, `testdata/`, `__tests__/`, `fixtures/`). Rules about
/// how a deployed container runs (its user, what its context leaks) leave such images alone.
pub(crate) fn is_test_image(path: &str) -> bool {
    let mut dirs: Vec<&str> = path.split('/').collect();
    dirs.pop();
    dirs.iter().any(|d| {
        matches!(
            d.to_ascii_lowercase().as_str(),
            "test" | "tests" | "e2e" | "testdata" | "__tests__" | "fixtures" | "integration-tests"
        )
    })
}

pub(crate) fn final_lineage(ast: &Dockerfile) -> Vec<Stage> {
    ast.model().final_lineage().cloned().collect()
}

/// The instruction with this keyword that is in effect in the image: the last one of the final
/// stage, else of the stage it builds on, and so on. Returns its index in `ast.instructions`.
pub(crate) fn effective(ast: &Dockerfile, lineage: &[Stage], keyword: Keyword) -> Option<usize> {
    lineage.iter().find_map(|stage| {
        stage.instructions.clone().rev().find(|&i| {
            ast.instructions
                .get(i)
                .is_some_and(|x| x.keyword == keyword)
        })
    })
}

/// Every instruction with its index, and the instruction an `ONBUILD` triggers right after the
/// `ONBUILD` itself (same index): `ONBUILD ENV`/`ONBUILD ARG` run in every image built from this
/// one, so what holds for an `ENV` holds for them.
pub(crate) fn instructions_and_triggers(
    ast: &Dockerfile,
) -> impl Iterator<Item = (usize, &Instruction)> {
    ast.instructions.iter().enumerate().flat_map(|(i, inst)| {
        std::iter::once((i, inst)).chain(inst.onbuild.as_deref().map(|t| (i, t)))
    })
}

/// Whether the name of a stage's base image refers to an earlier stage of the same file.
pub(crate) fn is_stage_alias(stages: &[Stage], stage: &Stage, image: &str) -> bool {
    stages.iter().take(stage.index).any(|s| {
        s.alias
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case(image))
    })
}

pub(crate) use shipshape_core::secret_names::{
    has_reference, is_placeholder_value as is_placeholder, is_secret_name,
};

/// A well-known credential shape: a fixed prefix followed by at least `min` characters of a
/// token alphabet.
struct TokenShape {
    prefix: &'static str,
    min: usize,
    alphabet: fn(u8) -> bool,
    what: &'static str,
}

fn upper_alnum(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// The credential formats recognised by their shape alone, whatever the variable is called.
const TOKEN_SHAPES: &[TokenShape] = &[
    TokenShape {
        prefix: "AKIA",
        min: 16,
        alphabet: upper_alnum,
        what: "an AWS access key ID",
    },
    TokenShape {
        prefix: "ASIA",
        min: 16,
        alphabet: upper_alnum,
        what: "an AWS temporary access key ID",
    },
    TokenShape {
        prefix: "ghp_",
        min: 36,
        alphabet: alnum,
        what: "a GitHub personal access token",
    },
    TokenShape {
        prefix: "gho_",
        min: 36,
        alphabet: alnum,
        what: "a GitHub OAuth token",
    },
    TokenShape {
        prefix: "ghu_",
        min: 36,
        alphabet: alnum,
        what: "a GitHub user-to-server token",
    },
    TokenShape {
        prefix: "ghs_",
        min: 36,
        alphabet: alnum,
        what: "a GitHub server-to-server token",
    },
    TokenShape {
        prefix: "github_pat_",
        min: 22,
        alphabet: token_char,
        what: "a GitHub fine-grained token",
    },
    TokenShape {
        prefix: "glpat-",
        min: 20,
        alphabet: token_char,
        what: "a GitLab personal access token",
    },
    TokenShape {
        prefix: "npm_",
        min: 36,
        alphabet: alnum,
        what: "an npm access token",
    },
    TokenShape {
        prefix: "sk-",
        min: 20,
        alphabet: token_char,
        what: "an API secret key (OpenAI/Anthropic style)",
    },
    TokenShape {
        prefix: "sk_live_",
        min: 16,
        alphabet: alnum,
        what: "a Stripe live secret key",
    },
    TokenShape {
        prefix: "rk_live_",
        min: 16,
        alphabet: alnum,
        what: "a Stripe restricted key",
    },
    TokenShape {
        prefix: "xoxb-",
        min: 10,
        alphabet: token_char,
        what: "a Slack bot token",
    },
    TokenShape {
        prefix: "xoxp-",
        min: 10,
        alphabet: token_char,
        what: "a Slack user token",
    },
    TokenShape {
        prefix: "xoxa-",
        min: 10,
        alphabet: token_char,
        what: "a Slack app token",
    },
    TokenShape {
        prefix: "xoxr-",
        min: 10,
        alphabet: token_char,
        what: "a Slack refresh token",
    },
    TokenShape {
        prefix: "xoxs-",
        min: 10,
        alphabet: token_char,
        what: "a Slack session token",
    },
    TokenShape {
        prefix: "AIza",
        min: 35,
        alphabet: token_char,
        what: "a Google API key",
    },
    TokenShape {
        prefix: "SG.",
        min: 60,
        alphabet: |b| token_char(b) || b == b'.',
        what: "a SendGrid API key",
    },
];

/// What kind of credential a value looks like by its shape alone, if any.
pub(crate) fn token_shape(value: &str) -> Option<&'static str> {
    let v = value.trim();
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
        return Some("a PEM private key");
    }
    for shape in TOKEN_SHAPES {
        if let Some(rest) = v.strip_prefix(shape.prefix) {
            let run = rest.bytes().take_while(|&b| (shape.alphabet)(b)).count();
            if run >= shape.min && run == rest.len() {
                return Some(shape.what);
            }
        }
    }
    if is_jwt(v) {
        return Some("a JSON Web Token");
    }
    if url_password(v).is_some() {
        return Some("a URL with a password in it");
    }
    None
}

/// `eyJ…​.eyJ…​.…`: three base64url parts of which the first two are JSON objects.
fn is_jwt(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() == 3
        && parts[0].starts_with("eyJ")
        && parts[1].starts_with("eyJ")
        && parts
            .iter()
            .all(|p| p.len() >= 10 && p.bytes().all(token_char))
}

/// The password of `scheme://user:password@host…`, when it is a literal.
pub(crate) fn url_password(v: &str) -> Option<&str> {
    let (_, rest) = v.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let (userinfo, _) = authority.rsplit_once('@')?;
    let (_, password) = userinfo.split_once(':')?;
    if password.is_empty() || has_reference(password) || is_placeholder(password) {
        return None;
    }
    Some(password)
}

/// Whether a value switches something off: `0`, `false`, `no`, `off`.
pub(crate) fn is_falsy(value: &str) -> bool {
    let v = value.trim().trim_matches(['"', '\'']);
    ["0", "false", "no", "off"]
        .iter()
        .any(|f| v.eq_ignore_ascii_case(f))
}

/// Whether a `RUN` mounts a build secret (`--mount=type=secret,…`).
pub(crate) fn has_secret_mount(inst: &Instruction) -> bool {
    inst.flags_named("mount").any(|f| {
        f.value
            .as_deref()
            .is_some_and(|v| v.split(',').any(|p| p.trim() == "type=secret"))
    })
}

/// The sources of a `COPY`/`ADD` (every argument but the destination). Empty for heredoc copies
/// and for other instructions.
pub(crate) fn copy_sources(inst: &Instruction) -> &[Word] {
    if !matches!(inst.keyword, Keyword::Copy | Keyword::Add) || !inst.heredocs.is_empty() {
        return &[];
    }
    let words = inst.words();
    match words.split_last() {
        Some((_, sources)) => sources,
        None => &[],
    }
}

/// The source of a `COPY`/`ADD` from the build context that is the whole context (`.`, `./`),
/// if any. Copies from another stage or image (`--from`) do not read the context.
pub(crate) fn whole_context_source(inst: &Instruction) -> Option<&Word> {
    if inst.flag("from").is_some() {
        return None;
    }
    copy_sources(inst)
        .iter()
        .find(|w| matches!(w.value.as_str(), "." | "./" | "*" | "./*"))
}

/// The packages an install command adds, with the package manager's name: `apt-get install`,
/// `apt install`, `apk add`, `yum`/`dnf`/`microdnf install`. Versions are kept in the words
/// (`gcc=4:12.2`); use [`package_name`] to strip them.
pub(crate) fn installed_packages(cmd: &Command) -> Option<(String, Vec<Word>)> {
    let cmd = cmd.unwrapped();
    let name = cmd.name()?;
    let args = cmd.args();
    let sub_is = |wanted: &[&str]| -> Option<usize> {
        args.iter()
            .position(|w| !w.value.starts_with('-'))
            .filter(|&i| {
                args.get(i)
                    .is_some_and(|w| wanted.contains(&w.value.as_str()))
            })
    };
    let (sub, valued): (usize, &[&str]) = match name {
        "apt-get" | "apt" => (
            sub_is(&["install"])?,
            &["-o", "-t", "--target-release", "-c"],
        ),
        "apk" => (
            sub_is(&["add"])?,
            &[
                "-t",
                "--virtual",
                "-X",
                "--repository",
                "-p",
                "--root",
                "--arch",
            ],
        ),
        "yum" | "dnf" | "microdnf" | "tdnf" => (
            sub_is(&["install"])?,
            &[
                "--enablerepo",
                "--disablerepo",
                "--setopt",
                "--releasever",
                "--installroot",
            ],
        ),
        _ => return None,
    };
    let mut packages = Vec::new();
    let mut skip_next = false;
    for w in args.iter().skip(sub + 1) {
        let v = w.value.as_str();
        if skip_next {
            skip_next = false;
            continue;
        }
        if v.starts_with('-') {
            skip_next = !v.contains('=') && valued.contains(&v);
            continue;
        }
        packages.push(w.clone());
    }
    Some((name.to_string(), packages))
}

/// A package word without its version or release pin: `gcc=4:12` → `gcc`, `make~=4` → `make`.
pub(crate) fn package_name(word: &str) -> &str {
    let end = word.find(['=', '~', '<', '>']).unwrap_or(word.len());
    &word[..end]
}

/// The packages a later command of the same `RUN` removes again (`apt-get purge`, `apk del`,
/// `yum remove`), including apk's `--virtual` group names.
pub(crate) fn removed_packages(cmds: &[Command]) -> Vec<String> {
    let mut out = Vec::new();
    for cmd in cmds {
        let cmd = cmd.unwrapped();
        let Some(name) = cmd.name() else { continue };
        let removes = match name {
            "apt-get" | "apt" => &["purge", "remove", "autoremove"][..],
            "apk" => &["del"][..],
            "yum" | "dnf" | "microdnf" | "tdnf" => &["remove", "erase", "autoremove"][..],
            _ => continue,
        };
        let ops = cmd.operands();
        if ops
            .first()
            .is_some_and(|w| removes.contains(&w.value.as_str()))
        {
            out.extend(
                ops.iter()
                    .skip(1)
                    .map(|w| package_name(&w.value).to_string()),
            );
        }
    }
    out
}

/// Where the build-dependencies idiom of the official images starts, if this `RUN` uses it:
///
/// ```sh
/// savedAptMark="$(apt-mark showmanual)"; apt-get install -y gcc make libssl-dev; …build…;
/// apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark; …;
/// apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false
/// ```
///
/// `apt-mark auto` marks every package automatically installed and the later
/// `purge --auto-remove` (or `autoremove`) removes all that nothing manual depends on: the
/// packages installed before the `apt-mark auto` leave with the same `RUN`, except those marked
/// manual again by name (returned as the second element). Returns the offset of the
/// `apt-mark auto` command.
pub(crate) fn apt_auto_removal(cmds: &[Command]) -> Option<(usize, Vec<String>)> {
    // `apt-mark auto …`, also as `xargs apt-mark auto` (postgres: `apt-mark showmanual |
    // xargs apt-mark auto`).
    let wrapped: Vec<std::borrow::Cow<'_, Command>> = cmds
        .iter()
        .map(|c| {
            let w = c.unwrapped();
            match w.name() {
                Some("xargs") => {
                    let at = w.words.iter().position(|x| x.value == "apt-mark");
                    match at {
                        Some(i) => std::borrow::Cow::Owned(Command::new(
                            w.words[i..].to_vec(),
                            w.redirects.clone(),
                            w.span,
                            w.separator,
                            w.in_subshell,
                        )),
                        None => w,
                    }
                }
                _ => w,
            }
        })
        .collect();
    let auto = wrapped.iter().find(|c| {
        c.name() == Some("apt-mark") && c.operands().first().is_some_and(|w| w.value == "auto")
    })?;
    let purges = wrapped.iter().any(|c| {
        c.span.start > auto.span.start
            && matches!(c.name(), Some("apt-get" | "apt"))
            && c.operands().first().is_some_and(|w| {
                w.value == "autoremove"
                    || (matches!(w.value.as_str(), "purge" | "remove")
                        && c.args()
                            .iter()
                            .any(|a| matches!(a.value.as_str(), "--auto-remove" | "--autoremove")))
            })
    });
    if !purges {
        return None;
    }
    let kept = wrapped
        .iter()
        .filter(|c| {
            c.span.start > auto.span.start
                && c.name() == Some("apt-mark")
                && c.operands().first().is_some_and(|w| w.value == "manual")
        })
        .flat_map(|c| c.operands().into_iter().skip(1))
        .filter(|w| !w.value.contains('$'))
        .map(|w| package_name(&w.value).to_string())
        .collect();
    Some((auto.span.start, kept))
}

/// The apk `--virtual`/`-t` group a command installs into, if any.
pub(crate) fn apk_virtual_group(cmd: &Command) -> Option<String> {
    let cmd = cmd.unwrapped();
    if cmd.name() != Some("apk") {
        return None;
    }
    cmd.flag_value('t', "virtual").map(|w| {
        let v = w.value.as_str();
        v.split_once('=').map_or(v, |(_, g)| g).to_string()
    })
}

/// The argument word that is the flag `-s` (alone or inside combined short flags such as
/// `-fsSLk`) or `--long` (also `--long=value`).
pub(crate) fn flag_word<'a>(cmd: &'a Command, short: char, long: &str) -> Option<&'a Word> {
    for w in cmd.args() {
        let a = w.value.as_str();
        if a == "--" {
            break;
        }
        if let Some(rest) = a.strip_prefix("--") {
            if !long.is_empty() && rest.split('=').next() == Some(long) {
                return Some(w);
            }
        } else if let Some(rest) = a.strip_prefix('-') {
            let letters = rest.split('=').next().unwrap_or(rest);
            if short != '\0'
                && !letters.is_empty()
                && letters.chars().all(|c| c.is_ascii_alphanumeric())
                && letters.contains(short)
            {
                return Some(w);
            }
        }
    }
    None
}

/// The permission mode a command sets: the mode operand of `chmod`, or the `-m`/`--mode` value of
/// `mkdir` and `install`. Returns the program name, the word holding the mode, and the mode.
pub(crate) fn mode_argument(cmd: &Command) -> Option<(String, &Word, String)> {
    let name = cmd.name()?;
    let program = shipshape_syntax::shell::base_name(name);
    let word = match program {
        // The mode is the first operand; symbolic modes that start with `-` only remove bits.
        "chmod" => cmd.args().iter().find(|w| !w.value.starts_with('-'))?,
        "mkdir" | "install" => cmd.flag_value('m', "mode")?,
        _ => return None,
    };
    let value = word.value.strip_prefix("--mode=").unwrap_or(&word.value);
    let value = value
        .strip_prefix("-m")
        .filter(|v| !v.is_empty())
        .unwrap_or(value);
    Some((program.to_string(), word, value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_are_recognised_by_their_words() {
        for name in [
            "DB_PASSWORD",
            "NPM_TOKEN",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID",
            "STRIPE_API_KEY",
            "apiKey",
            "npmAuthToken",
            "JWT_PRIVATE_KEY",
            "GOOGLE_CREDENTIALS",
            "SECRET_KEY_BASE",
            "MYSQL_ROOT_PASSWORD",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "GPG_KEY",
            "PWD",
            "PASSWORD_FILE",
            "TOKEN_URL",
            "PASSWORD_MIN_LENGTH",
            "NODE_VERSION",
            "KEYCLOAK_URL",
            "PASSENGER_APP_ENV",
            "SECRET_NAME",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn placeholders_and_switches_are_not_secrets() {
        for v in [
            "",
            "changeme",
            "<your-token>",
            "xxxxx",
            "yes",
            "1",
            "REPLACE_ME",
            "{{ token }}",
        ] {
            assert!(is_placeholder(v), "{v}");
        }
        for v in ["hunter2", "s3cr3t-Value", "postgres"] {
            assert!(!is_placeholder(v), "{v}");
        }
    }

    #[test]
    fn token_shapes_need_the_full_length() {
        assert!(token_shape("AKIAIOSFODNN7EXAMPLE").is_some());
        assert!(token_shape("AKIA1234").is_none());
        assert!(token_shape(&format!("ghp_{}", "a1".repeat(18))).is_some());
        assert!(token_shape("sk-short").is_none());
        assert!(token_shape("postgres://app:hunter2@db:5432/app").is_some());
        assert!(token_shape("postgres://app:$DB_PASSWORD@db/app").is_none());
        assert!(token_shape("https://example.com/path").is_none());
    }

    #[test]
    fn references_are_not_literals() {
        assert!(has_reference("$NPM_TOKEN"));
        assert!(has_reference("${NPM_TOKEN:-}"));
        assert!(!has_reference("pa$$"));
        assert!(!has_reference("cost$5"));
    }
}

/// Running a rule on Dockerfile text, for the unit tests of this group.
#[cfg(test)]
pub(crate) mod testing {
    use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule};

    /// The diagnostics `rule` reports for `source` (with a `.dockerignore` present).
    pub(crate) fn check(rule: &dyn DockerfileRule, source: &str) -> Vec<Diagnostic> {
        let ast = shipshape_syntax::dockerfile::parse(source);
        let doc = DockerfileDoc::alone("Dockerfile", source, &ast, Some(""));
        let mut out = Vec::new();
        rule.check(&doc, &mut out);
        out
    }

    /// The source text each diagnostic points at.
    pub(crate) fn flagged(rule: &dyn DockerfileRule, source: &str) -> Vec<String> {
        check(rule, source)
            .iter()
            .map(|d| d.span.text(source).to_string())
            .collect()
    }
}
