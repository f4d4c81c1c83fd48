//! The package manager: lockfiles and the `packageManager` field of the folder and of its
//! workspace root, with disagreements reported.

use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::model::{Ambiguity, PackageManager};

use super::manifest::Manifest;

const LOCKFILES: &[(&str, PackageManager)] = &[
    ("package-lock.json", PackageManager::Npm),
    ("npm-shrinkwrap.json", PackageManager::Npm),
    ("yarn.lock", PackageManager::Yarn),
    ("pnpm-lock.yaml", PackageManager::Pnpm),
    ("bun.lockb", PackageManager::Bun),
    ("bun.lock", PackageManager::Bun),
];

fn package_manager_from_field(field: &str) -> Option<PackageManager> {
    match field.split('@').next().unwrap_or("").trim() {
        "npm" => Some(PackageManager::Npm),
        "yarn" => Some(PackageManager::Yarn),
        "pnpm" => Some(PackageManager::Pnpm),
        "bun" => Some(PackageManager::Bun),
        _ => None,
    }
}

/// Candidates from a folder's lockfiles and its `packageManager` field, in that order.
fn pm_candidates_in(
    ctx: &Ctx,
    dir: &str,
    pkg: Option<&Manifest>,
    whose: &str,
) -> Vec<Located<PackageManager>> {
    let mut out = Vec::new();
    for (file, pm) in LOCKFILES {
        let path = Ctx::join(dir, file);
        if ctx.exists(&path) {
            out.push(Located::new(
                *pm,
                Evidence::file(path, format!("{whose}lockfile {file}")),
            ));
        }
    }
    if let Some(pkg) = pkg {
        if let Some(field) = pkg.str_at(&["packageManager"]) {
            if let Some(pm) = package_manager_from_field(field) {
                let remark = format!("{whose}corepack: {field}");
                out.push(Located::new(
                    pm,
                    pkg.key_evidence("packageManager", Some(remark.trim())),
                ));
            }
        }
    }
    out
}

pub(super) fn package_manager(
    ctx: &Ctx,
    dir: &str,
    pkg: &Manifest,
    ws_root: Option<&String>,
    service: &str,
) -> Option<Located<PackageManager>> {
    let mut candidates = pm_candidates_in(ctx, dir, Some(pkg), "");
    // No lockfile and no `packageManager`, but Bun's own types: the project is written for Bun
    // (its `Bun.*` APIs and default-export servers run nowhere else).
    if candidates.is_empty() && ws_root.is_none() {
        if let Some(mut ev) = ["@types/bun", "bun-types"]
            .iter()
            .find_map(|d| pkg.dep_evidence(d, super::manifest::BUILD_SECTIONS))
        {
            ev.note = format!("{} (Bun's types, no lockfile)", ev.note);
            candidates.push(Located::new(PackageManager::Bun, ev));
        } else if pkg.parsed {
            // Nothing names another manager: npm, which comes with Node.js, installs it.
            candidates.push(Located::new(
                PackageManager::Npm,
                Evidence::file(
                    Ctx::join(dir, "package.json"),
                    "package.json without a lockfile or packageManager (npm, Node.js's own)",
                ),
            ));
        }
    }
    if let Some(root) = ws_root {
        let root_pkg = Manifest::load(ctx, root);
        candidates.extend(pm_candidates_in(
            ctx,
            root,
            root_pkg.as_ref(),
            "workspace root ",
        ));
    }
    settle(
        ctx,
        candidates,
        &format!("services.{service}.package_manager"),
        "package_manager",
        service,
        |pm| format!("{pm:?}").to_lowercase(),
    )
}

/// Keep the first candidate, merge the evidence of those that agree, and report disagreement.
fn settle<T: PartialEq + Copy>(
    ctx: &Ctx,
    mut candidates: Vec<Located<T>>,
    subject: &str,
    key: &str,
    service: &str,
    show: impl Fn(&T) -> String,
) -> Option<Located<T>> {
    if candidates.is_empty() {
        return None;
    }
    let first = candidates[0].value;
    if candidates.iter().any(|c| c.value != first) {
        ctx.ambiguity(Ambiguity {
            subject: subject.to_string(),
            chosen: Some(show(&first)),
            candidates: candidates
                .iter()
                .map(|c| Located {
                    value: show(&c.value),
                    evidence: c.evidence.clone(),
                })
                .collect(),
            hint: format!(
                "remove the stale file, or set `{key}` under [services.{service}] in shipshape.toml"
            ),
        });
    }
    let mut chosen = candidates.remove(0);
    for c in candidates.into_iter().filter(|c| c.value == first) {
        chosen.evidence.extend(c.evidence);
    }
    Some(chosen)
}
