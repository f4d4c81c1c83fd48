//! JS monorepos: workspace tools (npm/yarn/pnpm workspaces, turbo, nx, lerna), member globs, and
//! the workspace root above a member.

use shipshape_core::{Evidence, Located};

use crate::ctx::{line_of, Ctx};
use crate::model::PackageManager;

use super::manifest::Manifest;
use super::parent_dir;

/// Workspace tools configured in `dir` (for a monorepo root).
pub(super) fn workspace_tools(
    ctx: &Ctx,
    dir: &str,
    pkg: &Manifest,
    pm: Option<PackageManager>,
) -> Vec<Located<String>> {
    let mut tools = Vec::new();
    if pkg.workspace_globs().is_some() {
        let tool = match pm {
            Some(PackageManager::Npm) => "npm-workspaces",
            Some(PackageManager::Yarn) => "yarn-workspaces",
            Some(PackageManager::Pnpm) => "pnpm-workspaces",
            Some(PackageManager::Bun) => "bun-workspaces",
            _ => "workspaces",
        };
        tools.push(Located::new(
            tool.to_string(),
            pkg.key_evidence("workspaces", None),
        ));
    }
    let pnpm_ws = Ctx::join(dir, "pnpm-workspace.yaml");
    if let Some(text) = ctx.text(&pnpm_ws) {
        tools.push(Located::new(
            "pnpm-workspaces".to_string(),
            Evidence::new(
                &pnpm_ws,
                line_of(&text, "packages"),
                "pnpm-workspace.yaml > packages",
            ),
        ));
    }
    for (file, tool) in [
        ("turbo.json", "turbo"),
        ("nx.json", "nx"),
        ("lerna.json", "lerna"),
    ] {
        let path = Ctx::join(dir, file);
        if ctx.exists(&path) {
            tools.push(Located::new(
                tool.to_string(),
                Evidence::file(path, format!("{file} present")),
            ));
        }
    }
    tools
}

/// Member globs of a workspace root, from package.json, pnpm-workspace.yaml or lerna.json.
fn member_globs(ctx: &Ctx, dir: &str) -> Option<Vec<String>> {
    let mut globs: Option<Vec<String>> = None;
    let mut add = |list: Vec<String>| globs.get_or_insert_with(Vec::new).extend(list);
    if let Some(pkg) = Manifest::load(ctx, dir) {
        if let Some(list) = pkg.workspace_globs() {
            add(list);
        }
    }
    let pnpm_ws = Ctx::join(dir, "pnpm-workspace.yaml");
    if ctx.exists(&pnpm_ws) {
        let list = ctx
            .yaml(&pnpm_ws)
            .and_then(|(_, v)| v.get("packages")?.as_array().cloned())
            .unwrap_or_default();
        add(list
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect());
    }
    let lerna = Ctx::join(dir, "lerna.json");
    if ctx.exists(&lerna) {
        let list = ctx
            .json(&lerna)
            .and_then(|(_, v)| v.get("packages")?.as_array().cloned())
            .unwrap_or_default();
        add(list
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect());
    }
    globs
}

/// The nearest folder above `dir` that is a JS workspace root listing `dir` as a member.
pub(super) fn workspace_root_above(ctx: &Ctx, dir: &str) -> Option<String> {
    let mut cur = parent_dir(dir);
    while let Some(root) = cur {
        if let Some(globs) = member_globs(ctx, root) {
            let rel = if root == "." {
                dir.to_string()
            } else {
                dir.strip_prefix(&format!("{root}/"))
                    .unwrap_or(dir)
                    .to_string()
            };
            // An empty or unreadable member list is not held against the member.
            let positive: Vec<&String> = globs.iter().filter(|g| !g.starts_with('!')).collect();
            if positive.is_empty() || positive.iter().any(|g| glob_match(g, &rel)) {
                return Some(root.to_string());
            }
        }
        cur = parent_dir(root);
    }
    None
}

/// Workspace globs: `*` matches within one path segment, `**` any number of segments.
fn glob_match(pattern: &str, path: &str) -> bool {
    let pattern = pattern.trim_start_matches("./").trim_end_matches('/');
    let pat: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match_segments(&pat, &segs)
}

fn match_segments(pat: &[&str], segs: &[&str]) -> bool {
    match pat.split_first() {
        None => segs.is_empty(),
        Some((&"**", rest)) => (0..=segs.len()).any(|i| match_segments(rest, &segs[i..])),
        Some((p, rest)) => match segs.split_first() {
            Some((s, srest)) => segment_match(p, s) && match_segments(rest, srest),
            None => false,
        },
    }
}

fn segment_match(pattern: &str, seg: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == seg;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !seg.starts_with(first) || seg.len() < first.len() + last.len() || !seg.ends_with(last) {
        return false;
    }
    let mut rest = &seg[first.len()..seg.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_globs_match_member_folders() {
        assert!(glob_match("apps/*", "apps/web"));
        assert!(glob_match("./packages/*", "packages/ui"));
        assert!(glob_match("packages/**", "packages/a/b"));
        assert!(glob_match("apps/web", "apps/web"));
        assert!(glob_match("services/api-*", "services/api-users"));
        assert!(!glob_match("apps/*", "apps/web/nested"));
        assert!(!glob_match("apps/*", "packages/ui"));
    }
}
