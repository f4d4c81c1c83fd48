//! ## What it does
//! Flags a build stage that nothing uses: it is not the final stage, no `COPY --from` or
//! `RUN --mount=…,from=…` reads from it (by name or index), no later `FROM` builds on it, and
//! nothing in the repository builds it as a target (a compose service's `build.target`, a bake
//! target, `--target` in a CI workflow, Makefile or script). A `FROM` or `--from` whose value
//! is only known at build time (`FROM build-$TARGETOS`, `COPY --from=$SRC`) uses every stage its
//! pattern could name (`build-*`).
//!
//! ## Why is this bad?
//! BuildKit skips stages the target does not need, so an unused stage is dead code: it looks
//! like part of the build, is kept up to date by hand, and often hides a mistake (a
//! `COPY --from` that names the wrong stage). The legacy builder still builds it, for nothing.
//! A stage built only from a command line the repository does not hold (`docker build
//! --target test` typed by hand) cannot be seen; suppress the finding for it.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22 AS deps
//! RUN npm ci
//! FROM node:22 AS build
//! RUN npm ci && npm run build
//! FROM nginx:1.27
//! COPY --from=build /app/dist /usr/share/nginx/html
//! ```
//!
//! Use instead:
//! ```dockerfile
//! FROM node:22 AS build
//! RUN npm ci && npm run build
//! FROM nginx:1.27
//! COPY --from=build /app/dist /usr/share/nginx/html
//! ```
//!
//! ## Fix
//! Delete the stage, or use it (`COPY --from=<stage>`, `FROM <stage>`) where it was meant to be.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use super::util::{from_target, mount_froms, parent, FromTarget};
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct UnusedStage;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-025",
    slug: "unused-stage",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "Build stage is never used",
    equivalents: &[],
};

impl DockerfileRule for UnusedStage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let ast = doc.ast;
        let stages = ast.stages();
        let mut used = vec![false; stages.len()];
        if let Some(last) = used.last_mut() {
            *last = true;
        }
        // A stage chosen at build time: every stage its pattern could name is used.
        let mark_pattern = |used: &mut Vec<bool>, value: &str| {
            let pattern = variable_pattern(value);
            for s in &stages {
                if s.alias
                    .as_deref()
                    .is_some_and(|a| glob(&pattern, &a.to_ascii_lowercase()))
                {
                    used[s.index] = true;
                }
            }
        };
        for stage in &stages {
            if let Some(p) = parent(ast, &stages, stage) {
                used[p] = true;
            }
            // The default of the variable is only one of the values a build may pass.
            if stage.image.value.contains('$') {
                mark_pattern(&mut used, &stage.image.value);
            }
            if stage
                .alias
                .as_deref()
                .is_some_and(|a| doc.repo.is_target(a))
            {
                used[stage.index] = true;
            }
        }
        for (index, instr) in ast.instructions.iter().enumerate() {
            let values: Vec<String> = match instr.keyword {
                Keyword::Copy => instr
                    .flag("from")
                    .and_then(|f| f.value.clone())
                    .into_iter()
                    .collect(),
                Keyword::Run => mount_froms(instr, doc.source)
                    .into_iter()
                    .map(|(v, _)| v)
                    .collect(),
                _ => continue,
            };
            for value in values {
                match from_target(ast, &stages, index, &value) {
                    FromTarget::Stage(s) => {
                        if let Some(u) = used.get_mut(s) {
                            *u = true;
                        }
                    }
                    FromTarget::Unresolved => mark_pattern(&mut used, &value),
                    _ => {}
                }
                if value.contains('$') {
                    mark_pattern(&mut used, &value);
                }
            }
        }
        // With duplicate names (reported by `duplicate-stage-name`) a reference may mean any of
        // the stages of that name: count them all as used rather than guess.
        for stage in &stages {
            let Some(alias) = &stage.alias else { continue };
            let shared = stages.iter().any(|s| {
                used[s.index]
                    && s.alias
                        .as_deref()
                        .is_some_and(|a| a.eq_ignore_ascii_case(alias))
            });
            if shared {
                used[stage.index] = true;
            }
        }
        for stage in stages.iter().filter(|s| !used[s.index]) {
            let Some(from) = ast.instructions.get(stage.from).and_then(|i| i.from()) else {
                continue;
            };
            let (span, name) = match &from.alias {
                Some(alias) => (alias.span, format!("stage `{}`", alias.value)),
                None => (
                    from.image.span,
                    format!("stage {} (`{}`)", stage.index, from.image.value),
                ),
            };
            out.push(Diagnostic::new(
                span,
                format!("{name} is never used: no COPY --from, RUN --mount or FROM refers to it and it is not the final stage"),
            ));
        }
    }
}

/// A value with its variables turned into `*`, lower-cased: `build-${TARGETOS}` → `build-*`.
fn variable_pattern(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        out.push('*');
        let after = &rest[i + 1..];
        rest = match after.strip_prefix('{') {
            Some(inner) => inner.find('}').map_or("", |end| &inner[end + 1..]),
            None => {
                let len = after
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                    .count();
                &after[len..]
            }
        };
    }
    out.push_str(rest);
    out.to_ascii_lowercase()
}

/// `*` matches any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            text.starts_with(head)
                && (0..=text.len() - head.len()).any(|i| {
                    text.is_char_boundary(head.len() + i) && glob(tail, &text[head.len() + i..])
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::flagged;
    use super::*;

    #[test]
    fn flags_stages_nothing_refers_to() {
        let src = "FROM a:1 AS deps\nFROM a:1 AS base\nFROM b:1\nFROM base AS app\nCOPY --from=2 /x /x\nFROM c:1 AS cache\nFROM app\nRUN --mount=type=cache,from=cache,target=/c true\n";
        assert_eq!(flagged(&UnusedStage, src), ["deps"]);
    }

    #[test]
    fn a_reference_known_at_build_time_uses_every_stage_it_could_name() {
        let src = "FROM a:1 AS one\nFROM a:1 AS two\nFROM b:1\nARG SRC\nCOPY --from=$SRC /x /x\n";
        assert!(flagged(&UnusedStage, src).is_empty());
        // BuildKit's own Dockerfile picks a stage by platform.
        let src = "ARG TARGETOS=linux\nFROM a:1 AS binaries-linux\nFROM a:1 AS binaries-windows\n\
                   FROM a:1 AS unrelated\nFROM binaries-$TARGETOS AS binaries\nFROM b:1\nCOPY --from=binaries /x /x\n";
        assert_eq!(flagged(&UnusedStage, src), ["unrelated"]);
    }

    #[test]
    fn globs_match_variable_patterns() {
        assert_eq!(variable_pattern("build-${TARGETOS}-$ARCH"), "build-*-*");
        assert!(glob("build-*", "build-linux"));
        assert!(glob("*", "anything"));
        assert!(!glob("build-*", "test"));
    }

    #[test]
    fn counts_every_stage_of_a_duplicated_name_as_used() {
        let src = "FROM a:1 AS build\nFROM build AS build\nFROM b:1\nCOPY --from=build /x /x\n";
        assert!(flagged(&UnusedStage, src).is_empty());
    }
}
