//! Container artifacts that already exist: what each Dockerfile's semantic model says about the
//! image it builds (stages, base images, final user, exposed ports, healthcheck) and the paths of
//! Compose files and `.dockerignore`s. The Dockerfile is parsed once per run and shared with
//! every other reader.

use shipshape_core::{ArtifactKind, Evidence, FileEntry, LineIndex, Located};
use shipshape_syntax::dockerfile::{Dockerfile, Keyword};
use shipshape_syntax::documents;

use crate::ctx::Ctx;
use crate::model::{Containers, DockerfileFacts};

pub(crate) fn detect(ctx: &Ctx, files: &[&FileEntry]) -> Containers {
    let mut out = Containers::default();
    for f in files {
        match f.kind {
            ArtifactKind::Dockerfile => {
                let (Some(text), Some(dockerfile)) =
                    (ctx.inv.text(f), documents::dockerfile(ctx.inv, f))
                else {
                    continue;
                };
                let facts = read(&f.path, &text, &dockerfile);
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

/// The facts of one parsed Dockerfile. The image that runs is the final stage together with the
/// stages it is built `FROM`: its user, ports and healthcheck are the facts.
pub(crate) fn read(path: &str, text: &str, dockerfile: &Dockerfile) -> DockerfileFacts {
    let lines = LineIndex::new(text);
    let model = dockerfile.model();
    let ev = |offset: usize, what: &str| {
        Evidence::new(path, Some(lines.line(offset)), format!("{path} > {what}"))
    };
    let mut facts = DockerfileFacts {
        path: path.to_string(),
        ..DockerfileFacts::default()
    };
    // A `FROM` without an image (only flags) starts no stage anyone can use.
    for stage in model.stages().iter().filter(|s| !s.image.value.is_empty()) {
        facts.stages += 1;
        let from = &dockerfile.instructions[stage.from];
        facts.base_images.push(Located::new(
            stage.image.value.clone(),
            ev(from.span.start, &format!("FROM (stage {})", facts.stages)),
        ));
    }
    facts.final_user = model.effective(Keyword::User).and_then(|(_, user)| {
        let name = user.words().first()?;
        Some(Located::new(
            name.value.clone(),
            ev(user.span.start, "USER"),
        ))
    });
    if let Some(last) = model.final_stage() {
        for (_, expose) in model
            .lineage_instructions(last.index)
            .into_iter()
            .filter(|(_, i)| i.keyword == Keyword::Expose)
        {
            for word in expose.words() {
                let port = word.value.split('/').next().unwrap_or(&word.value);
                // `EXPOSE $PORT` is decided at build time; only literal ports are facts.
                if let Ok(p) = port.parse::<u16>() {
                    facts
                        .exposed_ports
                        .push(Located::new(p, ev(expose.span.start, "EXPOSE")));
                }
            }
        }
    }
    facts.has_healthcheck = model
        .effective(Keyword::Healthcheck)
        .is_some_and(|(_, h)| h.healthcheck_cmd().is_some());
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &str, text: &str) -> DockerfileFacts {
        super::read(path, text, &shipshape_syntax::dockerfile::parse(text))
    }

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
    fn a_stage_named_through_a_global_arg_is_built_on() {
        let d = read(
            "Dockerfile",
            "ARG RUNTIME=base\nFROM python:3.12 AS base\nUSER app\nHEALTHCHECK CMD x\nFROM ${RUNTIME}\n",
        );
        assert_eq!(d.final_user.unwrap().value, "app");
        assert!(d.has_healthcheck);
        assert_eq!(
            d.base_images[1].value, "${RUNTIME}",
            "images are kept as written"
        );
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
