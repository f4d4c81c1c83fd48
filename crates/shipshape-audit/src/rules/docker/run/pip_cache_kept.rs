//! ## What it does
//! Flags a `pip install` without `--no-cache-dir` whose cache would stay in the image.
//!
//! ## Why is this bad?
//! pip keeps every downloaded wheel in `~/.cache/pip`. In an image nobody installs the same
//! packages again, so the cache is dead weight — often as large as the installed packages
//! themselves.
//!
//! Not reported when the cache cannot reach the layer: the `RUN` mounts `~/.cache/pip` (or
//! `~/.cache`) with `--mount=type=cache` or `type=tmpfs` — then `--no-cache-dir` would only
//! throw away the speed-up of the mount, which hadolint (DL3042) nevertheless asks for — or
//! `PIP_NO_CACHE_DIR` is set (with `ENV` in the stage, on the command, or by `export`). As for
//! the other cache rules, a stage that is only copied from (`COPY --from=`) is not checked.
//! `pipx`, `pipenv` and `uv` manage their caches differently and are not checked.
//!
//! ## Example
//! ```dockerfile
//! RUN pip install -r requirements.txt
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN pip install --no-cache-dir -r requirements.txt
//! ```
//!
//! or, with BuildKit:
//! ```dockerfile
//! RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
//! ```
//!
//! ## Fix
//! Add `--no-cache-dir`, set `ENV PIP_NO_CACHE_DIR=1`, or mount the cache directory.

use shipshape_core::Severity;
use shipshape_syntax::shell::Word;

use super::util;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct PipCacheKept;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-049",
    slug: "pip-cache-kept",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "pip install keeps its download cache in the image",
    equivalents: &["hadolint:DL3042"],
};

const TRUTHY: &[&str] = &["1", "true", "on", "yes"];

impl DockerfileRule for PipCacheKept {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let shipped = util::stages_in_final_image(doc.ast);
        for run in util::runs_of(&util::commands_running_prefixed(doc, util::PIP_PROGRAMS)) {
            if !util::ships(doc, &shipped, run)
                || mounts_pip_cache(run)
                || env_disables_cache(doc, run)
            {
                continue;
            }
            for script in run.scripts() {
                for cmd in &script {
                    if util::runs_program(cmd, &["uv"]) {
                        continue;
                    }
                    let Some(pip) = util::pip_install(cmd) else {
                        continue;
                    };
                    // `PIP_NO_CACHE_DIR=1 pip …` or `env PIP_NO_CACHE_DIR=1 pip …`: the prefix
                    // only shows in the command as written.
                    let prefix: Vec<Word> = run
                        .raw_of(cmd)
                        .map(|r| {
                            r.words
                                .iter()
                                .filter(|w| w.span.start < pip.pip.span.start)
                                .cloned()
                                .collect()
                        })
                        .unwrap_or_default();
                    if util::has_option(pip.args, &["--no-cache-dir"]) || assigns_no_cache(&prefix)
                    {
                        continue;
                    }
                    let exported = util::before(&script, cmd.span.start, |c| {
                        util::runs_program(c, &["export"]) && assigns_no_cache(c.args())
                    });
                    if !exported {
                        out.push(Diagnostic::new(
                            pip.pip.span,
                            "pip keeps downloaded packages in ~/.cache/pip inside the image: add `--no-cache-dir`",
                        ));
                    }
                }
            }
        }
    }
}

/// A cache or tmpfs mount on pip's cache directory (or `.cache` above it), for any user.
fn mounts_pip_cache(run: &util::Run) -> bool {
    util::cache_mount_targets(run.instruction).iter().any(|t| {
        let t = t.trim_end_matches('/');
        t.ends_with("/.cache/pip") || t.ends_with("/.cache") || t.contains("PIP_CACHE_DIR")
    })
}

/// `ENV PIP_NO_CACHE_DIR=1` visible in the stage of the `RUN`.
fn env_disables_cache(doc: &DockerfileDoc, run: &util::Run) -> bool {
    let stage = doc.ast.stage_of(run.index);
    let value = doc.ast.resolve_arg("${PIP_NO_CACHE_DIR}", stage);
    TRUTHY.contains(&value.to_ascii_lowercase().as_str())
}

fn assigns_no_cache(words: &[Word]) -> bool {
    words.iter().any(|w| {
        w.value
            .strip_prefix("PIP_NO_CACHE_DIR=")
            .is_some_and(|v| TRUTHY.contains(&v.to_ascii_lowercase().as_str()))
    })
}
