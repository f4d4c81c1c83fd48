//! Specification of the semantic Dockerfile model: what each stage builds on, which stages make
//! up the final image, which instruction is in effect there, and the `RUN` commands — computed
//! once per file.

use shipshape_syntax::dockerfile::{parse, Keyword};

const MULTI: &str = "\
ARG BASE=python:3.12-slim
ARG BUILDER=deps
FROM ${BASE} AS deps
USER app
RUN pip install -r requirements.txt
FROM deps AS Build
RUN sudo -E apt-get install -y gcc && make
FROM node:22 AS assets
RUN npm ci
FROM ${BUILDER}
COPY --from=assets /app/dist /static
ONBUILD RUN echo child
";

#[test]
fn stages_know_their_resolved_base_and_the_stage_they_build_on() {
    let df = parse(MULTI);
    let model = df.model();
    let stages = model.stages();
    assert_eq!(stages.len(), 4);
    assert_eq!(stages[0].image.value, "${BASE}");
    assert_eq!(stages[0].base, "python:3.12-slim");
    assert_eq!(stages[0].parent, None);
    assert_eq!(stages[1].parent, Some(0));
    assert_eq!(stages[2].parent, None);
    // `FROM ${BUILDER}` names the `deps` stage through a global ARG.
    assert_eq!(stages[3].parent, Some(0));
    assert_eq!(model.parent(1).map(|s| s.index), Some(0));
    assert_eq!(model.stage_named("build").map(|s| s.index), Some(1));
}

#[test]
fn the_final_image_is_the_last_stage_and_what_it_builds_on() {
    let df = parse(MULTI);
    let model = df.model();
    let lineage: Vec<usize> = model.final_lineage().map(|s| s.index).collect();
    assert_eq!(lineage, [3, 0]);
    assert_eq!(model.stages_in_final_image(), [true, false, false, true]);
    assert!(
        !model.in_final_image(2),
        "a stage only copied from ships nothing"
    );
    assert_eq!(model.lineage(1), [1, 0]);
    let build_order: Vec<usize> = model
        .lineage_instructions(1)
        .iter()
        .map(|(i, _)| *i)
        .collect();
    assert_eq!(build_order, [2, 3, 4, 5, 6]);
}

#[test]
fn the_effective_instruction_comes_from_the_nearest_stage_that_sets_it() {
    let df = parse(MULTI);
    let model = df.model();
    let (index, user) = model.effective(Keyword::User).expect("USER in deps");
    assert_eq!((index, user.words()[0].value.as_str()), (3, "app"));
    assert!(model.effective(Keyword::Healthcheck).is_none());
    assert_eq!(model.stage_of(3), Some(0));
    assert_eq!(model.stage_of(0), None);
}

#[test]
fn base_images_are_the_registry_images_pulled() {
    let df =
        parse("FROM scratch AS empty\nFROM ghcr.io/team/app:1.2 AS app\nFROM app\nFROM $UNSET\n");
    let model = df.model();
    assert!(model.base_image(0).is_none(), "scratch pulls nothing");
    let app = model.base_image(1).expect("a registry image");
    assert_eq!((app.registry(), app.tag()), (Some("ghcr.io"), Some("1.2")));
    assert!(
        model.base_image(2).is_none(),
        "an earlier stage is not pulled"
    );
    assert!(model.base_image(3).is_some_and(|r| r.is_interpolated()));
}

#[test]
fn runs_carry_their_commands_their_stage_and_whether_they_ship() {
    let df = parse(MULTI);
    let model = df.model();
    let runs: Vec<_> = model.runs().collect();
    let summary: Vec<(usize, Option<usize>, bool, bool)> = runs
        .iter()
        .map(|r| (r.index, r.stage, r.onbuild, model.ships(r)))
        .collect();
    assert_eq!(
        summary,
        [
            (4, Some(0), false, true),
            (6, Some(1), false, false),
            (8, Some(2), false, false),
            (11, Some(3), true, true),
        ]
    );
    let names: Vec<&str> = runs[1].commands.iter().filter_map(|c| c.name()).collect();
    assert_eq!(names, ["apt-get", "make"]);
    let raw: Vec<&str> = runs[1].raw.iter().filter_map(|c| c.name()).collect();
    assert_eq!(raw, ["sudo", "make"]);
    assert_eq!(runs[3].instruction.keyword, Keyword::Run);
}

#[test]
fn the_model_is_computed_once_per_file() {
    let df = parse(MULTI);
    let first = df.model().stages().as_ptr();
    let second = df.model().stages().as_ptr();
    assert_eq!(first, second);
    // A copy of the parsed file is still equal to it, whether or not its model was computed.
    assert_eq!(df.clone(), parse(MULTI));
}

#[test]
fn resolution_sees_the_stage_and_the_env_of_its_parent() {
    let df = parse("ARG V=1\nFROM a AS one\nENV HOME_DIR=/srv\nARG V\nFROM one\nRUN x\n");
    let model = df.model();
    assert_eq!(model.resolve("$HOME_DIR/$V", Some(1)), "/srv/$V");
    assert_eq!(model.resolve("$HOME_DIR/$V", Some(0)), "/srv/1");
    assert_eq!(model.resolve("$V", None), "1");
    assert_eq!(df.resolve_arg("$HOME_DIR", Some(1)), "/srv");
}
