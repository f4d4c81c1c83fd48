//! SS-DOCKER-032 `undefined-var`: an instruction uses a variable nothing defines.
//!
//! ## What it does
//! Checks the variables Docker itself expands — in `COPY`/`ADD` (sources, destination,
//! `--from`, `--chown`, `--chmod`), `ENV`, `ARG` defaults, `LABEL`, `EXPOSE`, `USER`,
//! `WORKDIR`, `VOLUME` and `STOPSIGNAL`, not in shell-form `RUN`/`CMD`/`ENTRYPOINT`, where the
//! shell expands them — against what is defined at that point of the stage: its `ARG`s and
//! `ENV`s so far and the `ENV`s of the stages it builds on. Like BuildKit's `UndefinedVar`, it
//! flags a variable defined nowhere. A base image pulled from a registry may define variables
//! of its own (`PATH`, `PYTHON_VERSION`), which a Dockerfile does not show, so the rule only
//! reports what it can be sure of:
//! - a platform variable (`TARGETARCH`, `BUILDPLATFORM`, …) not declared with `ARG` in the
//!   stage: it is only predefined for `FROM` lines;
//! - a global `ARG` not declared again in the stage, unless the name is one base images
//!   commonly set (`…_VERSION`, `…_HOME`, `PATH`);
//! - in a stage built from `scratch` (directly or through earlier stages), any undefined name;
//! - anywhere, a name one or two letters away from a defined one (`$PAHT` for `$PATH`).
//!
//! A reference with a default or alternative (`${VAR:-x}`, `${VAR:+x}`) is deliberate and
//! passes; so does an escaped `\$VAR` and text in single quotes.
//!
//! ## Why is this bad?
//! An undefined variable expands to nothing without an error: `COPY app-$VERSION.jar /app/`
//! copies `app-.jar` (or fails), `WORKDIR /src/$NAME` is `/src/`. The build goes on with a value
//! nobody meant.
//!
//! ## Example
//! ```dockerfile
//! ARG VERSION=1.4.2
//! FROM eclipse-temurin:21-jre
//! COPY build/app-$VERSION.jar /app/app.jar
//! ```
//!
//! Use instead:
//! ```dockerfile
//! ARG VERSION=1.4.2
//! FROM eclipse-temurin:21-jre
//! ARG VERSION
//! COPY build/app-$VERSION.jar /app/app.jar
//! ```
//!
//! ## Fix
//! Declare the variable in the stage (`ARG NAME`, which also brings in the global default),
//! define it with `ENV`, or fix the name's spelling.

use std::collections::BTreeSet;

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::{Instruction, Keyword, Word};
use shipshape_syntax::Span;

use super::util::parent;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct UndefinedVar;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-032",
    slug: "undefined-var",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "An instruction uses a variable that is not defined",
    equivalents: &["buildkit:UndefinedVar"],
};

/// Variables BuildKit predefines for `FROM` lines only; a stage must declare them with `ARG`.
const PLATFORM_ARGS: &[&str] = &[
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
];

/// Variables every build may see without a declaration (proxies), or that BuildKit reads itself.
const ALWAYS_DEFINED: &[&str] = &[
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "FTP_PROXY",
    "NO_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "ftp_proxy",
    "no_proxy",
    "all_proxy",
    "BUILDKIT_SBOM_SCAN_CONTEXT",
    "BUILDKIT_SBOM_SCAN_STAGE",
];

/// Whether base images commonly set a variable of this name in their environment.
fn set_by_base_images(name: &str) -> bool {
    const NAMES: &[&str] = &[
        "PATH",
        "HOME",
        "LANG",
        "LC_ALL",
        "LANGUAGE",
        "TZ",
        "USER",
        "SHELL",
        "TERM",
        "HOSTNAME",
        "GOPATH",
        "GOROOT",
        "GOTOOLCHAIN",
        "PYTHONPATH",
        "PYTHONUNBUFFERED",
        "NODE_ENV",
        "GEM_HOME",
        "BUNDLE_PATH",
        "BUNDLE_APP_CONFIG",
        "PHPIZE_DEPS",
        "APP_UID",
        "DOTNET_RUNNING_IN_CONTAINER",
        "ASPNETCORE_HTTP_PORTS",
        "JAVA_OPTS",
        "GPG_KEY",
    ];
    NAMES.contains(&name)
        || ["_VERSION", "_HOME", "_PATH", "_SHA256", "_DIR", "_URL"]
            .iter()
            .any(|s| name.ends_with(s))
}

/// A variable reference in an instruction: name, span, and whether it carries a default or
/// alternative (`${NAME:-x}`).
struct Reference<'a> {
    name: &'a str,
    span: Span,
    modified: bool,
}

/// The references of `raw` (a word as written, starting at `base` in the source) that Docker
/// expands: not after the escape character, not inside single quotes.
fn references(raw: &str, base: usize, escape: char) -> Vec<Reference<'_>> {
    let bytes = raw.as_bytes();
    let mut out = Vec::new();
    let mut single = false;
    let mut i = 0;
    while i < bytes.len() {
        let c = raw[i..].chars().next().unwrap_or(' ');
        if c == escape && !single {
            i += c.len_utf8();
            i += raw[i..].chars().next().map_or(0, char::len_utf8);
            continue;
        }
        if c == '\'' {
            single = !single;
            i += 1;
            continue;
        }
        if c != '$' || single {
            i += c.len_utf8();
            continue;
        }
        let start = i;
        if bytes.get(i + 1) == Some(&b'{') {
            let name_start = i + 2;
            let name_end = name_start
                + raw[name_start..]
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                    .count();
            let Some(close) = raw[i..].find('}') else {
                break;
            };
            let end = i + close + 1;
            if name_end > name_start {
                out.push(Reference {
                    name: &raw[name_start..name_end],
                    span: Span::new(base + start, base + end),
                    modified: name_end != i + close,
                });
            }
            i = end;
        } else {
            let name_end = i
                + 1
                + raw[i + 1..]
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                    .count();
            if name_end > i + 1 && !bytes[i + 1].is_ascii_digit() {
                out.push(Reference {
                    name: &raw[i + 1..name_end],
                    span: Span::new(base + start, base + name_end),
                    modified: false,
                });
            }
            i = name_end.max(i + 1);
        }
    }
    out
}

/// The words of an instruction that Docker expands, each with the part of it to read: values
/// only for `ENV` and `ARG` (`KEY=value`), whole words elsewhere; flags of `COPY`/`ADD` too.
fn expanded<'a>(instr: &'a Instruction, src: &'a str) -> Vec<(&'a str, usize)> {
    let whole = |w: &'a Word| (w.span.text(src), w.span.start);
    match instr.keyword {
        Keyword::Env | Keyword::Arg => {
            let words = instr.words();
            let legacy = instr.keyword == Keyword::Env
                && words.first().is_some_and(|w| !w.value.contains('='));
            if legacy {
                words.iter().skip(1).map(whole).collect()
            } else {
                words
                    .iter()
                    .filter_map(|w| {
                        let raw = w.span.text(src);
                        let eq = raw.find('=')?;
                        Some((&raw[eq + 1..], w.span.start + eq + 1))
                    })
                    .collect()
            }
        }
        Keyword::Copy | Keyword::Add => {
            let mut out: Vec<(&str, usize)> = instr
                .flags
                .iter()
                .filter(|f| matches!(f.name.as_str(), "from" | "chown" | "chmod"))
                .filter_map(|f| f.value_span.map(|s| (s.text(src), s.start)))
                .collect();
            out.extend(
                instr
                    .words()
                    .iter()
                    .filter(|w| !w.value.starts_with("<<"))
                    .map(whole),
            );
            out
        }
        Keyword::Label
        | Keyword::Expose
        | Keyword::User
        | Keyword::Workdir
        | Keyword::Volume
        | Keyword::Stopsignal => instr.words().iter().map(whole).collect(),
        _ => Vec::new(),
    }
}

/// Edit distance, bounded: enough to suggest a name one or two letters away.
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// A defined name close enough to `name` to be what was meant.
fn suggestion<'a>(name: &str, defined: impl Iterator<Item = &'a String>) -> Option<&'a String> {
    if name.len() < 4 {
        return None;
    }
    let limit = if name.len() >= 6 { 2 } else { 1 };
    defined
        .filter(|d| d.as_str() != name)
        .map(|d| (distance(name, d), d))
        .filter(|(dist, _)| *dist <= limit)
        .min()
        .map(|(_, d)| d)
}

impl DockerfileRule for UndefinedVar {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let ast = doc.ast;
        let src = doc.source;
        let globals: BTreeSet<String> = ast
            .preamble()
            .iter()
            .filter(|i| i.keyword == Keyword::Arg)
            .flat_map(|i| i.key_values().into_iter().map(|kv| kv.key))
            .collect();
        let stages = ast.stages();
        // Per stage: the ENV names in effect at its end, and whether its whole environment is
        // known (built from `scratch`, directly or through stages of this file).
        let mut envs: Vec<BTreeSet<String>> = Vec::with_capacity(stages.len());
        let mut known: Vec<bool> = Vec::with_capacity(stages.len());
        for stage in &stages {
            let parent = parent(ast, &stages, stage);
            let base = ast.resolve_arg(&stage.image.value, None);
            let stage_known = match parent {
                Some(p) => known[p],
                None => base.eq_ignore_ascii_case("scratch"),
            };
            let mut env: BTreeSet<String> = parent.map(|p| envs[p].clone()).unwrap_or_default();
            let mut args: BTreeSet<String> = BTreeSet::new();
            for instr in &ast.instructions[stage.instructions.clone()] {
                for (raw, at) in expanded(instr, src) {
                    for r in references(raw, at, ast.escape) {
                        if r.modified
                            || env.contains(r.name)
                            || args.contains(r.name)
                            || ALWAYS_DEFINED.contains(&r.name)
                        {
                            continue;
                        }
                        let message = if PLATFORM_ARGS.contains(&r.name) {
                            format!(
                                "`{}` is only predefined for FROM lines: declare `ARG {}` in this stage",
                                r.name, r.name
                            )
                        } else if globals.contains(r.name)
                            && (stage_known || !set_by_base_images(r.name))
                        {
                            format!(
                                "`{}` is declared before the first FROM, which does not bring it into \
                                 this stage: declare `ARG {}` here",
                                r.name, r.name
                            )
                        } else if let Some(s) = suggestion(r.name, env.iter().chain(args.iter())) {
                            format!("`{}` is not defined (did you mean `{s}`?)", r.name)
                        } else if stage_known && !globals.contains(r.name) {
                            format!(
                                "`{}` is not defined in this stage, which starts from scratch",
                                r.name
                            )
                        } else {
                            continue;
                        };
                        out.push(Diagnostic::new(r.span, message));
                    }
                }
                match instr.keyword {
                    Keyword::Arg => args.extend(instr.key_values().into_iter().map(|kv| kv.key)),
                    Keyword::Env => env.extend(instr.key_values().into_iter().map(|kv| kv.key)),
                    _ => {}
                }
            }
            envs.push(env);
            known.push(stage_known);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::flagged;
    use super::*;

    #[test]
    fn flags_what_is_surely_undefined() {
        let src = "ARG VERSION=1.4.2\nARG NAME=app\nFROM eclipse-temurin:21-jre\n\
                   COPY build/$NAME-${VERSION}.jar /app/\nCOPY --from=x /bin/$TARGETARCH /bin/\n\
                   ENV APP_HOME=/app\nWORKDIR $APP_HOEM\nARG TARGETARCH\nCOPY x-$TARGETARCH /x\n";
        assert_eq!(
            flagged(&UndefinedVar, src),
            ["$NAME", "${VERSION}", "$TARGETARCH", "$APP_HOEM"]
        );
    }

    #[test]
    fn base_images_may_define_what_the_file_does_not_show() {
        let src =
            "FROM python:3.13\nENV PATH=/app/bin:$PATH\nLABEL v=$PYTHON_VERSION\nUSER $SOMEONE\n";
        assert!(flagged(&UndefinedVar, src).is_empty());
        let scratch = "FROM scratch AS base\nENV A=1\nFROM base\nCOPY $A/$B /x\n";
        assert_eq!(flagged(&UndefinedVar, scratch), ["$B"]);
    }

    #[test]
    fn defaults_escapes_single_quotes_and_shell_form_pass() {
        let src = "FROM scratch\nENV A=${UNSET:-x} B='$LITERAL' C=\\$ESCAPED\nRUN echo $ANYTHING\nCMD echo $X\n";
        assert!(flagged(&UndefinedVar, src).is_empty());
    }
}
