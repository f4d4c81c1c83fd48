//! Container artifacts that already exist: a quick line-based read of each Dockerfile (stages,
//! base images, final user, exposed ports, healthcheck) and the paths of Compose files and
//! `.dockerignore`s. The audit parses Dockerfiles in depth; this read only has to be right about
//! the few facts detection reports, and must never fail.

use std::collections::HashMap;

use shipshape_core::{ArtifactKind, Evidence, FileEntry, Located};

use crate::ctx::Ctx;
use crate::model::{Containers, DockerfileFacts};

/// Files named like Dockerfiles that are documentation about them (`docs/dockerfile.md`).
const NOT_DOCKERFILE_EXTENSIONS: &[&str] = &[".md", ".txt", ".rst", ".adoc", ".html"];

pub(crate) fn detect(ctx: &Ctx, files: &[&FileEntry]) -> Containers {
    let mut out = Containers::default();
    for f in files {
        match f.kind {
            ArtifactKind::Dockerfile => {
                let lower = f.name().to_ascii_lowercase();
                if NOT_DOCKERFILE_EXTENSIONS.iter().any(|e| lower.ends_with(e)) {
                    continue;
                }
                let Some(text) = ctx.inv.text(f) else {
                    continue;
                };
                let facts = read(&f.path, &text);
                if facts.stages == 0 {
                    ctx.note(
                        &f.path,
                        None,
                        "no FROM instruction — not read as a Dockerfile",
                    );
                    continue;
                }
                out.dockerfiles.push(facts);
            }
            ArtifactKind::Compose => out.compose_files.push(f.path.clone()),
            ArtifactKind::Dockerignore => out.dockerignores.push(f.path.clone()),
            _ => {}
        }
    }
    out
}

/// One instruction: its keyword (upper-cased), arguments (continuations joined), first line.
struct Instruction {
    keyword: String,
    args: String,
    line: u32,
}

/// Split a Dockerfile into instructions: comments and blank lines dropped, lines ending with the
/// escape character joined to the next (comment lines inside a continuation are skipped, as
/// Docker does), and heredoc bodies (`RUN <<EOF … EOF`) skipped.
fn instructions(text: &str) -> Vec<Instruction> {
    let escape = escape_char(text);
    let mut out = Vec::new();
    let mut current: Option<Instruction> = None;
    let mut heredoc: Option<(String, bool)> = None;
    for (i, raw) in text.lines().enumerate() {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if let Some((tag, strip)) = &heredoc {
            let candidate = if *strip {
                raw.trim_start_matches('\t')
            } else {
                raw
            };
            if candidate.trim_end() == tag {
                heredoc = None;
            }
            continue;
        }
        let trimmed = raw.trim();
        if current.is_none() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        if current.is_some() && trimmed.starts_with('#') {
            continue;
        }
        let (body, continues) = match trimmed.strip_suffix(escape) {
            Some(b) => (b, true),
            None => (trimmed, false),
        };
        match &mut current {
            Some(ins) => {
                ins.args.push(' ');
                ins.args.push_str(body.trim());
            }
            None => {
                let (keyword, args) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
                current = Some(Instruction {
                    keyword: keyword.to_ascii_uppercase(),
                    args: args.trim().to_string(),
                    line: line_no,
                });
            }
        }
        if !continues {
            if let Some(ins) = current.take() {
                heredoc = heredoc_tag(&ins.args);
                out.push(ins);
            }
        }
    }
    if let Some(ins) = current {
        out.push(ins);
    }
    out
}

/// The `# escape=` parser directive, if the file sets one (only leading comments can).
fn escape_char(text: &str) -> char {
    for line in text.lines() {
        let t = line.trim();
        let Some(directive) = t.strip_prefix('#') else {
            break;
        };
        let directive = directive.trim().to_ascii_lowercase();
        if let Some(v) = directive.strip_prefix("escape=") {
            if let Some(c) = v.trim().chars().next() {
                return c;
            }
        }
    }
    '\\'
}

/// The terminator of a heredoc an instruction opens (`<<EOF`, `<<-EOF`, `<<"EOF"`).
fn heredoc_tag(args: &str) -> Option<(String, bool)> {
    let at = args.find("<<")?;
    let rest = &args[at + 2..];
    let strip = rest.starts_with('-');
    let rest = rest.trim_start_matches('-').trim_start_matches(['"', '\'']);
    let tag: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!tag.is_empty()).then_some((tag, strip))
}

/// What a stage sets that a later `FROM <stage>` inherits.
#[derive(Clone, Default)]
struct StageState {
    user: Option<Located<String>>,
    ports: Vec<Located<u16>>,
    healthcheck: bool,
}

pub(crate) fn read(path: &str, text: &str) -> DockerfileFacts {
    let mut facts = DockerfileFacts {
        path: path.to_string(),
        ..DockerfileFacts::default()
    };
    let mut named: HashMap<String, StageState> = HashMap::new();
    let mut state = StageState::default();
    // The `AS` name of the stage being read, so what it sets is kept for stages built on it.
    let mut stage_name: Option<String> = None;
    for ins in instructions(text) {
        let ev = |what: &str| Evidence::new(path, Some(ins.line), format!("{path} > {what}"));
        match ins.keyword.as_str() {
            "FROM" => {
                let words: Vec<&str> = ins
                    .args
                    .split_whitespace()
                    .filter(|w| !w.starts_with("--"))
                    .collect();
                let Some(image) = words.first() else { continue };
                facts.stages += 1;
                facts.base_images.push(Located::new(
                    image.to_string(),
                    ev(&format!("FROM (stage {})", facts.stages)),
                ));
                // A stage built on an earlier one starts with what that one set.
                state = named
                    .get(&image.to_ascii_lowercase())
                    .cloned()
                    .unwrap_or_default();
                stage_name = match (words.get(1), words.get(2)) {
                    (Some(kw), Some(name)) if kw.eq_ignore_ascii_case("as") => {
                        Some(name.to_ascii_lowercase())
                    }
                    _ => None,
                };
            }
            "USER" => {
                if let Some(user) = ins.args.split_whitespace().next() {
                    state.user = Some(Located::new(user.to_string(), ev("USER")));
                }
            }
            "EXPOSE" => {
                for word in ins.args.split_whitespace() {
                    let port = word.split('/').next().unwrap_or(word);
                    // `EXPOSE $PORT` is decided at build time; only literal ports are facts.
                    if let Ok(p) = port.parse::<u16>() {
                        state.ports.push(Located::new(p, ev("EXPOSE")));
                    }
                }
            }
            "HEALTHCHECK" => {
                let first = ins.args.split_whitespace().next().unwrap_or("");
                state.healthcheck = !first.eq_ignore_ascii_case("NONE");
            }
            _ => {}
        }
        if let Some(name) = &stage_name {
            named.insert(name.clone(), state.clone());
        }
    }
    // The image that runs is the final stage: its user, ports and healthcheck are the facts.
    facts.final_user = state.user;
    facts.exposed_ports = state.ports;
    facts.has_healthcheck = state.healthcheck;
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    const MULTI: &str = "# syntax=docker/dockerfile:1\nFROM --platform=$BUILDPLATFORM node:20-alpine AS build\nWORKDIR /app\nEXPOSE 9999\nRUN npm ci && \\\n    # a comment inside a continuation\n    npm run build\n\nfrom gcr.io/distroless/nodejs20 as runtime\nCOPY --from=build /app /app\nuser 10001:10001\nExpose 3000/tcp 9464\nHEALTHCHECK --interval=30s CMD [\"node\", \"hc.js\"]\n";

    #[test]
    fn reads_stages_base_images_final_user_ports_and_healthcheck() {
        let d = read("Dockerfile", MULTI);
        assert_eq!(d.stages, 2);
        let images: Vec<(&str, Option<u32>)> = d
            .base_images
            .iter()
            .map(|l| (l.value.as_str(), l.evidence[0].line))
            .collect();
        assert_eq!(
            images,
            [
                ("node:20-alpine", Some(2)),
                ("gcr.io/distroless/nodejs20", Some(9))
            ]
        );
        let user = d.final_user.unwrap();
        assert_eq!(
            (user.value.as_str(), user.evidence[0].line),
            ("10001:10001", Some(11))
        );
        let ports: Vec<u16> = d.exposed_ports.iter().map(|p| p.value).collect();
        assert_eq!(
            ports,
            [3000, 9464],
            "the build stage's EXPOSE is not the image's"
        );
        assert!(d.has_healthcheck);
    }

    #[test]
    fn healthcheck_none_and_a_build_stage_user_do_not_count() {
        let d = read(
            "Dockerfile",
            "FROM a AS b\nUSER app\nHEALTHCHECK CMD x\nFROM c\nHEALTHCHECK NONE\n",
        );
        assert!(d.final_user.is_none());
        assert!(!d.has_healthcheck);
    }

    #[test]
    fn a_stage_built_on_an_earlier_one_inherits_its_user() {
        let d = read(
            "Dockerfile",
            "FROM python:3.12 AS base\nUSER app\nEXPOSE 8000\nFROM base\nCMD x\n",
        );
        assert_eq!(d.final_user.unwrap().value, "app");
        assert_eq!(d.exposed_ports[0].value, 8000);
    }

    #[test]
    fn heredoc_bodies_are_not_instructions() {
        let d = read(
            "Dockerfile",
            "FROM alpine\nRUN <<EOF\nUSER root\nFROM nope\nEOF\nUSER 1000\n",
        );
        assert_eq!(d.stages, 1);
        assert_eq!(d.final_user.unwrap().value, "1000");
    }

    #[test]
    fn the_escape_directive_changes_the_continuation_character() {
        let d = read("Dockerfile", "# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN dir `\n  c:\\\nUSER ContainerUser\n");
        assert_eq!(d.final_user.unwrap().value, "ContainerUser");
    }

    #[test]
    fn a_dockerfile_without_from_is_noted_and_docs_are_ignored() {
        let f = crate::repo::testing::facts(&[
            ("Dockerfile", "# nothing here\n"),
            ("docs/dockerfile.md", "FROM x\n"),
            (".dockerignore", "node_modules\n"),
            ("compose.yaml", "services:\n  a:\n    image: x\n"),
        ]);
        assert!(f.containers.dockerfiles.is_empty());
        assert!(f.notes.iter().any(|n| n.path == "Dockerfile"));
        assert_eq!(f.containers.dockerignores, [".dockerignore"]);
        assert_eq!(f.containers.compose_files, ["compose.yaml"]);
    }
}
