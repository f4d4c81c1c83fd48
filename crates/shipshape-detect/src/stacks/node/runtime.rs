//! The Node version: `engines`, `.nvmrc`, `.node-version`, `.tool-versions` and Volta, in
//! precedence order, with conflicting pins reported.

use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::model::Ambiguity;

use super::manifest::Manifest;
use super::parent_dir;

/// Node version candidates of one folder, in precedence order.
fn runtime_candidates_in(ctx: &Ctx, dir: &str, pkg: Option<&Manifest>) -> Vec<Located<String>> {
    let mut out = Vec::new();
    if let Some(pkg) = pkg {
        if let Some(v) = pkg.str_at(&["engines", "node"]) {
            out.push(Located::new(
                clean_version(v),
                pkg.nested_evidence("engines", "node", None),
            ));
        }
    }
    for file in [".nvmrc", ".node-version"] {
        let path = Ctx::join(dir, file);
        if let Some(text) = ctx.text(&path) {
            let found = text
                .lines()
                .enumerate()
                .map(|(i, l)| (i, l.trim()))
                .find(|(_, l)| !l.is_empty() && !l.starts_with('#'));
            if let Some((i, v)) = found {
                out.push(Located::new(
                    clean_version(v),
                    Evidence::new(&path, Some(i as u32 + 1), file),
                ));
            }
        }
    }
    if let Some(pkg) = pkg {
        if let Some(v) = pkg.str_at(&["volta", "node"]) {
            out.push(Located::new(
                clean_version(v),
                pkg.nested_evidence("volta", "node", None),
            ));
        }
    }
    let tool_versions = Ctx::join(dir, ".tool-versions");
    if let Some(text) = ctx.text(&tool_versions) {
        for (i, line) in text.lines().enumerate() {
            let mut words = line.split_whitespace();
            if matches!(words.next(), Some("nodejs") | Some("node")) {
                if let Some(v) = words.next() {
                    out.push(Located::new(
                        clean_version(v),
                        Evidence::new(
                            &tool_versions,
                            Some(i as u32 + 1),
                            ".tool-versions > nodejs",
                        ),
                    ));
                    break;
                }
            }
        }
    }
    out
}

fn clean_version(v: &str) -> String {
    let v = v.trim();
    match v.strip_prefix('v') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest.to_string(),
        _ => v.to_string(),
    }
}

/// The major version a value pins, if it pins one (`20`, `20.11.0`, `^20.1`, `~20`, `20.x`);
/// open ranges (`>=18`, `18 || 20`, `lts/*`) pin nothing and so conflict with nothing.
fn pinned_major(v: &str) -> Option<u64> {
    let v = v
        .trim()
        .trim_start_matches(['^', '~', '='])
        .trim_start_matches('v');
    if v.is_empty() || v.contains(['>', '<', '|', ' ', '*']) {
        return None;
    }
    let digits: String = v.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

pub(super) fn runtime_version(
    ctx: &Ctx,
    dir: &str,
    pkg: &Manifest,
    service: &str,
) -> Option<Located<String>> {
    // The folder's own files first, then each folder above it (a repository-wide .nvmrc).
    let mut candidates = runtime_candidates_in(ctx, dir, Some(pkg));
    let mut cur = parent_dir(dir);
    while let Some(up) = cur {
        let up_pkg = Manifest::load(ctx, up);
        candidates.extend(runtime_candidates_in(ctx, up, up_pkg.as_ref()));
        cur = parent_dir(up);
    }
    if candidates.is_empty() {
        return None;
    }
    let mut majors: Vec<u64> = candidates
        .iter()
        .filter_map(|c| pinned_major(&c.value))
        .collect();
    majors.sort_unstable();
    majors.dedup();
    if majors.len() > 1 {
        ctx.ambiguity(Ambiguity {
            subject: format!("services.{service}.runtime_version"),
            chosen: Some(candidates[0].value.clone()),
            candidates: candidates.clone(),
            hint: format!(
                "make the Node versions agree, or set `runtime_version` under [services.{service}] in shipshape.toml"
            ),
        });
    }
    let mut chosen = candidates.remove(0);
    for c in candidates.into_iter().filter(|c| c.value == chosen.value) {
        chosen.evidence.extend(c.evidence);
    }
    Some(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pinned_majors_conflict() {
        assert_eq!(pinned_major("20.11.1"), Some(20));
        assert_eq!(pinned_major("^18.2"), Some(18));
        assert_eq!(pinned_major("20.x"), Some(20));
        assert_eq!(pinned_major(">=18"), None);
        assert_eq!(pinned_major("lts/iron"), None);
        assert_eq!(pinned_major("18 || 20"), None);
        assert_eq!(clean_version("v20.11.0\n"), "20.11.0");
    }
}
