//! SS-DOCKER-096 `secret-without-mount`: a `RUN` uses a credential from `ARG`/`ENV` instead of a
//! secret mount.
//!
//! ## What it does
//! Flags references such as `$NPM_TOKEN` or `${GITHUB_TOKEN}` inside a `RUN` when the variable is
//! named like a credential, is declared by an `ARG` or `ENV` of the stage (or an `ENV` of the
//! stage it builds on), and the `RUN` has no `--mount=type=secret`.
//!
//! ## Why is this bad?
//! A build argument or environment variable is not a secret store: BuildKit records the build
//! arguments a `RUN` sees in the image history and provenance, `ENV` values are stored in the
//! image configuration, and whatever the command writes with the value (`.npmrc`, `.netrc`,
//! `pip.conf`) stays in the layer. A secret mount exists only while the one command runs.
//!
//! ## Example
//! ```dockerfile
//! ARG NPM_TOKEN
//! RUN npm config set //registry.npmjs.org/:_authToken=$NPM_TOKEN && npm ci
//! ```
//!
//! Use instead:
//! ```dockerfile
//! # syntax=docker/dockerfile:1
//! RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN \
//!     npm config set //registry.npmjs.org/:_authToken=$NPM_TOKEN && npm ci
//! ```
//! built with `docker build --secret id=npm_token,env=NPM_TOKEN .`
//!
//! ## Fix
//! Drop the `ARG`/`ENV`, add `--mount=type=secret,id=NAME,env=VAR` (or `target=/path`) to the
//! `RUN` that needs the credential, and pass it with `docker build --secret id=NAME,…`.

use std::collections::BTreeSet;

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::{Dockerfile, Keyword};
use shipshape_syntax::Span;

use super::util::{has_secret_mount, is_secret_name, parent_stage};
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct SecretWithoutMount;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-096",
    slug: "secret-without-mount",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "A RUN uses a credential from ARG/ENV instead of `--mount=type=secret`",
    equivalents: &["trivy:DS-0031"],
};

/// `$NAME` and `${NAME…}` references in a raw word: (byte offset, length, name).
fn references(raw: &str) -> Vec<(usize, usize, &str)> {
    let b = raw.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        let braced = b.get(i + 1) == Some(&b'{');
        let start = i + 1 + usize::from(braced);
        let len = b[start.min(b.len())..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count();
        if len == 0 || b.get(start).is_some_and(u8::is_ascii_digit) {
            i += 1;
            continue;
        }
        let name = &raw[start..start + len];
        let end = if braced {
            raw[start..]
                .find('}')
                .map_or(start + len, |c| start + c + 1)
        } else {
            start + len
        };
        out.push((i, end - i, name));
        i = end;
    }
    out
}

/// Secret-named variables declared by `ENV` in the stages a stage builds on.
fn inherited_secrets(ast: &Dockerfile, stage_index: usize) -> BTreeSet<String> {
    let stages = ast.stages();
    let mut names = BTreeSet::new();
    let mut cur = stages
        .get(stage_index)
        .and_then(|s| parent_stage(ast, &stages, s));
    while let Some(p) = cur.and_then(|p| stages.get(p)) {
        for inst in &ast.instructions[p.instructions.clone()] {
            if inst.keyword == Keyword::Env {
                names.extend(
                    inst.key_values()
                        .into_iter()
                        .map(|kv| kv.key)
                        .filter(|k| is_secret_name(k)),
                );
            }
        }
        cur = parent_stage(ast, &stages, p);
    }
    names
}

impl DockerfileRule for SecretWithoutMount {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let ast = doc.ast;
        for stage in ast.stages() {
            let mut declared = inherited_secrets(ast, stage.index);
            for inst in &ast.instructions[stage.instructions.clone()] {
                match inst.keyword {
                    Keyword::Arg | Keyword::Env => {
                        declared.extend(
                            inst.key_values()
                                .into_iter()
                                .map(|kv| kv.key)
                                .filter(|k| is_secret_name(k)),
                        );
                    }
                    Keyword::Run if !declared.is_empty() && !has_secret_mount(inst) => {
                        let mut reported = BTreeSet::new();
                        for cmd in inst.run_commands_ref() {
                            for word in &cmd.words {
                                let raw = word.span.text(doc.source);
                                for (offset, len, name) in references(raw) {
                                    if declared.contains(name) && reported.insert(name.to_string())
                                    {
                                        let start = word.span.start + offset;
                                        out.push(Diagnostic::new(
                                            Span::new(start, start + len),
                                            format!(
                                                "`{name}` reaches this RUN as a build argument or \
                                                 environment variable and is recorded with the image — \
                                                 pass it with `--mount=type=secret,id=…,env={name}`"
                                            ),
                                        ));
                                    }
                                }
                            }
                        }
                    }
                    _ => {}
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
    fn follows_env_from_the_parent_stage() {
        let src = "FROM a AS base\nENV GITHUB_TOKEN=${GH}\nFROM base\nRUN git clone https://$GITHUB_TOKEN@github.com/o/r\n";
        assert_eq!(flagged(&SecretWithoutMount, src), ["$GITHUB_TOKEN"]);
    }

    #[test]
    fn a_secret_mount_or_an_undeclared_variable_is_fine() {
        let src = "FROM a\nARG NPM_TOKEN\nRUN --mount=type=secret,id=t,env=NPM_TOKEN npm ci $NPM_TOKEN\nRUN echo $OTHER_TOKEN\n";
        assert!(check(&SecretWithoutMount, src).is_empty());
    }

    #[test]
    fn finds_plain_and_braced_references() {
        let refs = references("//r/:_authToken=${NPM_TOKEN}x$HOME\\$NOPE");
        let names: Vec<&str> = refs.iter().map(|r| r.2).collect();
        assert_eq!(names, ["NPM_TOKEN", "HOME"]);
        assert_eq!(refs[0].1, "${NPM_TOKEN}".len());
        assert!(references("cost $5").is_empty());
    }
}
