//! The Dockerfile as a build, worked out once per file and shared by every reader: the stages
//! with the image each starts from (global `ARG`s substituted) and the earlier stage it builds
//! on, the lineage of the image the file builds by default, which stage each instruction belongs
//! to, the variables each stage sees, and every `RUN` with its commands.
//!
//! Detection and dozens of audit rules ask the same questions of one file; [`Dockerfile::model`]
//! answers them from one computation instead of one per question.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::resolve::{self, Vars};
use super::{Dockerfile, Instruction, Keyword, Stage};
use crate::image::{self, ImageRef};
use crate::shell::Command;

/// The memo of a file's [`Semantic`]. Like the command caches it is not part of a Dockerfile's
/// identity.
#[derive(Debug, Clone, Default)]
pub(crate) struct SemanticCache(OnceLock<Semantic>);

impl SemanticCache {
    pub(crate) fn get_or_init(&self, f: impl FnOnce() -> Semantic) -> &Semantic {
        self.0.get_or_init(f)
    }
}

impl PartialEq for SemanticCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for SemanticCache {}

/// What [`Model`] answers from, computed once per file.
#[derive(Debug, Clone)]
pub(crate) struct Semantic {
    stages: Vec<Stage>,
    /// The final stage, then the stage it builds on, and so on.
    final_lineage: Vec<usize>,
    /// Per stage: whether its filesystem is part of the image the file builds by default.
    in_final_image: Vec<bool>,
    /// Per instruction: the stage it belongs to (`None` before the first `FROM`).
    stage_of: Vec<Option<usize>>,
    /// `RUN`s and `ONBUILD RUN`s: instruction index and whether it is an `ONBUILD`.
    runs: Vec<(usize, bool)>,
    /// The global `ARG`s (what `FROM` lines see).
    globals: Vars,
    /// Per stage: the variables its instructions see.
    scopes: Vec<Vars>,
}

impl Semantic {
    pub(crate) fn build(df: &Dockerfile) -> Semantic {
        let globals = resolve::global_args(df);
        let stages = resolve::stages(df, &globals);
        let scopes = resolve::stage_scopes(df, &stages, &globals);

        let mut final_lineage = Vec::new();
        let mut in_final_image = vec![false; stages.len()];
        let mut current = stages.len().checked_sub(1);
        while let Some(i) = current {
            // A parent is always an earlier stage, so the walk ends; the check is belt and braces.
            if in_final_image[i] {
                break;
            }
            in_final_image[i] = true;
            final_lineage.push(i);
            current = stages[i].parent.filter(|&p| p < i);
        }

        let mut stage_of = vec![None; df.instructions.len()];
        for stage in &stages {
            for slot in stage_of
                .iter_mut()
                .take(stage.instructions.end)
                .skip(stage.instructions.start)
            {
                *slot = Some(stage.index);
            }
        }

        let runs = df
            .instructions
            .iter()
            .enumerate()
            .filter_map(|(index, instr)| match (&instr.keyword, &instr.onbuild) {
                (Keyword::Run, _) => Some((index, false)),
                (Keyword::Onbuild, Some(inner)) if inner.keyword == Keyword::Run => {
                    Some((index, true))
                }
                _ => None,
            })
            .collect();

        Semantic {
            stages,
            final_lineage,
            in_final_image,
            stage_of,
            runs,
            globals,
            scopes,
        }
    }

    pub(crate) fn stage_of(&self, instruction: usize) -> Option<usize> {
        self.stage_of.get(instruction).copied().flatten()
    }

    /// The variables visible with `stage: None` (global `ARG`s) or in a stage. A stage past the
    /// last sees what the last one sees.
    pub(crate) fn scope(&self, stage: Option<usize>) -> &HashMap<String, Option<String>> {
        match stage {
            None => &self.globals,
            Some(i) => self
                .scopes
                .get(i)
                .or(self.scopes.last())
                .unwrap_or(&self.globals),
        }
    }
}

/// The semantic view of a parsed Dockerfile: stages and how they relate, the final image's
/// lineage, and the `RUN` commands. Get it with [`Dockerfile::model`]; it is computed on the
/// first call and shared by every later one.
#[derive(Debug, Clone, Copy)]
pub struct Model<'a> {
    dockerfile: &'a Dockerfile,
    semantic: &'a Semantic,
}

/// One `RUN` (or the `RUN` of an `ONBUILD`) and the commands it executes.
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    /// Index in [`Dockerfile::instructions`] (of the `ONBUILD` for `ONBUILD RUN`).
    pub index: usize,
    /// The `RUN` instruction itself (the inner one for `ONBUILD RUN`).
    pub instruction: &'a Instruction,
    /// The `RUN` of an `ONBUILD`: it runs in images built from this one.
    pub onbuild: bool,
    /// The stage it belongs to (`None` before the first `FROM`).
    pub stage: Option<usize>,
    /// The commands of the shell form, the script heredocs and the exec form, in source order,
    /// each seen through wrappers (`sudo -E apt-get` is named `apt-get`).
    pub commands: &'a [Command],
    /// The same commands as written, wrappers and `NAME=value` prefixes included.
    pub raw: &'a [Command],
}

impl<'a> Model<'a> {
    pub(crate) fn new(dockerfile: &'a Dockerfile, semantic: &'a Semantic) -> Model<'a> {
        Model {
            dockerfile,
            semantic,
        }
    }

    pub fn dockerfile(&self) -> &'a Dockerfile {
        self.dockerfile
    }

    /// The build stages, in order.
    pub fn stages(&self) -> &'a [Stage] {
        &self.semantic.stages
    }

    pub fn stage(&self, index: usize) -> Option<&'a Stage> {
        self.semantic.stages.get(index)
    }

    /// The stage the file builds by default: the last one.
    pub fn final_stage(&self) -> Option<&'a Stage> {
        self.semantic.stages.last()
    }

    /// The earlier stage `stage` builds on (`FROM builder`), if any.
    pub fn parent(&self, stage: usize) -> Option<&'a Stage> {
        self.stage(stage)?.parent.and_then(|p| self.stage(p))
    }

    /// The stage named `name` (Docker compares stage names case-insensitively); the first one if
    /// the name is (wrongly) declared twice.
    pub fn stage_named(&self, name: &str) -> Option<&'a Stage> {
        self.semantic.stages.iter().find(|s| {
            s.alias
                .as_deref()
                .is_some_and(|a| a.eq_ignore_ascii_case(name))
        })
    }

    /// The final stage followed by the stages it builds on, nearest first: everything in them
    /// ends up in the image.
    pub fn final_lineage(&self) -> impl Iterator<Item = &'a Stage> + 'a {
        let stages = &self.semantic.stages;
        self.semantic
            .final_lineage
            .iter()
            .filter_map(move |&i| stages.get(i))
    }

    /// `stage` followed by the stages it builds on, nearest first.
    pub fn lineage(&self, stage: usize) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut current = self.stage(stage).map(|s| s.index);
        while let Some(i) = current {
            if chain.contains(&i) {
                break;
            }
            chain.push(i);
            current = self.stage(i).and_then(|s| s.parent).filter(|&p| p < i);
        }
        chain
    }

    /// The instructions of `stage` and of the stages it builds on, in build order (the
    /// root-most stage first): the order in which they shape the stage's filesystem.
    pub fn lineage_instructions(&self, stage: usize) -> Vec<(usize, &'a Instruction)> {
        let instructions = &self.dockerfile.instructions;
        self.lineage(stage)
            .into_iter()
            .rev()
            .filter_map(|s| self.stage(s))
            .flat_map(|s| s.instructions.clone())
            .filter_map(|i| instructions.get(i).map(|instr| (i, instr)))
            .collect()
    }

    /// Whether a stage's filesystem is part of the image the file builds by default: the final
    /// stage and every stage it is built `FROM`, transitively. A stage only copied from
    /// (`COPY --from=`) does not ship its layers.
    pub fn in_final_image(&self, stage: usize) -> bool {
        self.semantic
            .in_final_image
            .get(stage)
            .copied()
            .unwrap_or(false)
    }

    /// [`Model::in_final_image`] of every stage, by index.
    pub fn stages_in_final_image(&self) -> &'a [bool] {
        &self.semantic.in_final_image
    }

    /// The index of the stage an instruction belongs to (`None` before the first `FROM`).
    pub fn stage_of(&self, instruction: usize) -> Option<usize> {
        self.semantic.stage_of(instruction)
    }

    /// The instruction with `keyword` in effect in the final image: the last one of the final
    /// stage, else of the stage it builds on, and so on. `USER`, `WORKDIR`, `CMD`,
    /// `ENTRYPOINT`, `HEALTHCHECK` and `STOPSIGNAL` carry over this way.
    pub fn effective(&self, keyword: Keyword) -> Option<(usize, &'a Instruction)> {
        let instructions = &self.dockerfile.instructions;
        self.final_lineage().find_map(|stage| {
            stage
                .instructions
                .clone()
                .rev()
                .filter_map(|i| instructions.get(i).map(|instr| (i, instr)))
                .find(|(_, instr)| instr.keyword == keyword)
        })
    }

    /// The registry image a stage starts from, with the global `ARG`s substituted. `None` when
    /// the stage builds on an earlier stage, on `scratch`, or on nothing. The reference may
    /// still hold a variable nobody declared ([`ImageRef::is_interpolated`]).
    pub fn base_image(&self, stage: usize) -> Option<ImageRef<'a>> {
        let stage = self.stage(stage)?;
        if stage.parent.is_some() || stage.base.is_empty() {
            return None;
        }
        let reference = image::parse(&stage.base);
        (!reference.is_scratch()).then_some(reference)
    }

    /// Every `RUN`, `ONBUILD RUN` included, in order, with its commands split once.
    pub fn runs(&self) -> impl Iterator<Item = Run<'a>> + 'a {
        let dockerfile = self.dockerfile;
        let semantic = self.semantic;
        semantic.runs.iter().filter_map(move |&(index, onbuild)| {
            let outer = dockerfile.instructions.get(index)?;
            let instruction = if onbuild {
                outer.onbuild.as_deref()?
            } else {
                outer
            };
            Some(Run {
                index,
                instruction,
                onbuild,
                stage: semantic.stage_of(index),
                commands: instruction.run_commands_wrapped(),
                raw: instruction.run_commands_ref(),
            })
        })
    }

    /// Whether what a `RUN` leaves in its layer reaches the final image. `ONBUILD RUN` runs in
    /// images built from this one, so it always counts; so does anything before the first `FROM`.
    pub fn ships(&self, run: &Run) -> bool {
        run.onbuild || run.stage.is_none_or(|s| self.in_final_image(s))
    }

    /// [`Dockerfile::resolve_arg`], from the variables computed once per stage.
    pub fn resolve(&self, value: &str, stage: Option<usize>) -> String {
        resolve::substitute(value, self.semantic.scope(stage), 0)
    }
}
