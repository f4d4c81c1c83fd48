//! The Java version: the build file, `.java-version`, `.sdkmanrc` and `.tool-versions`, in
//! precedence order.

use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::evidence::line_of_offset;
use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::model::Ambiguity;

use super::maven::normalise_java;

static VERSION_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d+(?:\.\d+)*").expect("built-in pattern"));

/// The Java version: the build file's, else a version file (`.java-version`, `.sdkmanrc`,
/// `.tool-versions`, in the service folder or the repository root). When both exist and the
/// majors differ, the build file is used and the conflict reported.
pub(super) fn runtime_version(
    ctx: &Ctx,
    dir: &str,
    name: &str,
    from_build: Option<Located<String>>,
) -> Option<Located<String>> {
    let from_file = version_file(ctx, dir);
    match (from_build, from_file) {
        (Some(b), Some(f)) => {
            if major(&b.value) != major(&f.value) {
                ctx.ambiguity(Ambiguity {
                    subject: format!("services.{name}.runtime_version"),
                    chosen: Some(b.value.clone()),
                    candidates: vec![
                        Located {
                            value: b.value.clone(),
                            evidence: b.evidence.clone(),
                        },
                        f,
                    ],
                    hint: format!(
                        "align the build file and the version file, or set `runtime_version` under [services.{name}] in shipshape.toml"
                    ),
                });
            }
            Some(b)
        }
        (b, f) => b.or(f),
    }
}

fn major(v: &str) -> &str {
    v.split('.').next().unwrap_or(v)
}

fn version_file(ctx: &Ctx, dir: &str) -> Option<Located<String>> {
    let mut dirs = vec![dir.to_string()];
    if dir != "." {
        dirs.push(".".to_string());
    }
    for d in dirs {
        let p = Ctx::join(&d, ".java-version");
        if let Some(t) = ctx.text(&p) {
            if let Some(m) = VERSION_NUMBER.find(&t) {
                return Some(Located::new(
                    normalise_java(m.as_str()),
                    Evidence::new(&p, Some(line_of_offset(&t, m.start())), ".java-version"),
                ));
            }
        }
        let p = Ctx::join(&d, ".sdkmanrc");
        if let Some(t) = ctx.text(&p) {
            if let Some((i, v)) = t
                .lines()
                .enumerate()
                .find_map(|(i, l)| l.trim().strip_prefix("java=").map(|v| (i, v.to_string())))
            {
                if let Some(m) = VERSION_NUMBER.find(&v) {
                    return Some(Located::new(
                        m.as_str().to_string(),
                        Evidence::new(&p, Some((i + 1) as u32), ".sdkmanrc > java"),
                    ));
                }
            }
        }
        let p = Ctx::join(&d, ".tool-versions");
        if let Some(t) = ctx.text(&p) {
            for (i, l) in t.lines().enumerate() {
                let mut w = l.split_whitespace();
                if w.next() == Some("java") {
                    if let Some(m) = w.next().and_then(|v| VERSION_NUMBER.find(v)) {
                        return Some(Located::new(
                            m.as_str().to_string(),
                            Evidence::new(&p, Some((i + 1) as u32), ".tool-versions > java"),
                        ));
                    }
                }
            }
        }
    }
    None
}
