//! How the repository deploys today, as commands a person would run: deploy scripts, Makefile
//! (and Taskfile, justfile) targets, package.json scripts, Capistrano, Skaffold and Tilt.

use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::{ArtifactKind, Evidence, FileEntry, Located, ManifestKind};

use super::{enum_name, Found};
use crate::ctx::{json_nested_line, Ctx};
use crate::model::{Language, Service};

/// Target and script names that deploy (`deploy`, `deploy-prod`, `release`, `publish:docker`).
const DEPLOY_WORDS: &[&str] = &["deploy", "release", "publish"];
/// Script extensions a deploy script may have (or none, in `bin/` and `script(s)/`).
const SCRIPT_EXTENSIONS: &[&str] = &[".sh", ".bash", ".zsh", ".ps1"];
const SCRIPT_DIRS: &[&str] = &["bin", "script", "scripts"];

static MAKE_TARGET_RX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([A-Za-z0-9_.%/ -]+?)\s*::?(?:[^=]|$)").expect("built-in pattern")
});
static TASKFILE_KEY_RX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^  ([A-Za-z0-9_:.-]+):").expect("built-in pattern"));
static JUST_RECIPE_RX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^@?([A-Za-z0-9_-]+)(?:\s[^:]*)?:(?:[^=]|$)").expect("built-in pattern")
});

fn is_deploy_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    DEPLOY_WORDS.iter().any(|w| lower.starts_with(w))
}

/// `make deploy` at the root, `make -C infra deploy` elsewhere.
fn in_dir(dir: &str, tool: &str, dir_flag: &str, target: &str) -> String {
    if dir.is_empty() {
        format!("{tool} {target}")
    } else {
        format!("{tool} {dir_flag} {dir} {target}")
    }
}

pub(crate) fn detect(
    ctx: &Ctx,
    files: &[&FileEntry],
    services: &[Service],
) -> Vec<Located<String>> {
    let mut found: Found<String> = Found::default();
    for f in files {
        let name = f.name();
        let lower = name.to_ascii_lowercase();
        if lower.starts_with("deploy")
            && (SCRIPT_EXTENSIONS.iter().any(|e| lower.ends_with(e))
                || (!lower.contains('.')
                    && SCRIPT_DIRS.contains(&f.dir().rsplit('/').next().unwrap_or(""))))
        {
            found.add(
                f.path.clone(),
                Evidence::file(&f.path, format!("{} (deploy script)", f.path)),
            );
        }
        match name {
            "Makefile" | "makefile" | "GNUmakefile" => makefile(ctx, f, &mut found),
            _ if lower.ends_with(".mk") => makefile(ctx, f, &mut found),
            "Taskfile.yml" | "Taskfile.yaml" | "taskfile.yml" | "taskfile.yaml" => {
                taskfile(ctx, f, &mut found)
            }
            "justfile" | "Justfile" | ".justfile" => justfile(ctx, f, &mut found),
            "Capfile" => capistrano(files, f, &mut found),
            "skaffold.yaml" | "skaffold.yml" => {
                let cmd = if f.dir().is_empty() {
                    "skaffold run".to_string()
                } else {
                    format!("skaffold run -f {}", f.path)
                };
                found.add(
                    cmd,
                    Evidence::file(&f.path, format!("{} (Skaffold pipeline)", f.path)),
                );
            }
            "Tiltfile" => {
                let cmd = if f.dir().is_empty() {
                    "tilt up".to_string()
                } else {
                    format!("tilt up -f {}", f.path)
                };
                found.add(
                    cmd,
                    Evidence::file(&f.path, format!("{} (Tilt dev loop)", f.path)),
                );
            }
            _ => {}
        }
        if f.kind == ArtifactKind::PackageManifest(ManifestKind::PackageJson) {
            package_scripts(ctx, f, services, &mut found);
        }
    }
    found.into_located()
}

fn makefile(ctx: &Ctx, f: &FileEntry, found: &mut Found<String>) {
    let Some(text) = ctx.inv.text(f) else { return };
    for (i, line) in text.lines().enumerate() {
        // Recipe lines start with a tab; variable assignments have `=` after the colon.
        if line.starts_with('\t') || line.starts_with('#') {
            continue;
        }
        let Some(targets) = MAKE_TARGET_RX.captures(line).and_then(|c| c.get(1)) else {
            continue;
        };
        for target in targets.as_str().split_whitespace() {
            if target.starts_with('.') || target.contains('%') || !is_deploy_name(target) {
                continue;
            }
            let cmd = in_dir(f.dir(), "make", "-C", target);
            let ev = Evidence::new(
                &f.path,
                u32::try_from(i + 1).ok(),
                format!("{} > target {target}", f.path),
            );
            found.add(cmd, ev);
        }
    }
}

fn taskfile(ctx: &Ctx, f: &FileEntry, found: &mut Found<String>) {
    let Some(text) = ctx.inv.text(f) else { return };
    let mut in_tasks = false;
    for (i, line) in text.lines().enumerate() {
        if !line.starts_with([' ', '\t']) && !line.trim().is_empty() {
            in_tasks = line.trim_end() == "tasks:";
            continue;
        }
        if !in_tasks {
            continue;
        }
        if let Some(task) = TASKFILE_KEY_RX.captures(line).and_then(|c| c.get(1)) {
            if is_deploy_name(task.as_str()) {
                let cmd = in_dir(f.dir(), "task", "-d", task.as_str());
                let ev = Evidence::new(
                    &f.path,
                    u32::try_from(i + 1).ok(),
                    format!("{} > tasks.{}", f.path, task.as_str()),
                );
                found.add(cmd, ev);
            }
        }
    }
}

fn justfile(ctx: &Ctx, f: &FileEntry, found: &mut Found<String>) {
    let Some(text) = ctx.inv.text(f) else { return };
    for (i, line) in text.lines().enumerate() {
        if line.starts_with([' ', '\t', '#']) {
            continue;
        }
        if let Some(recipe) = JUST_RECIPE_RX.captures(line).and_then(|c| c.get(1)) {
            if is_deploy_name(recipe.as_str()) {
                let cmd = in_dir(f.dir(), "just", "-d", recipe.as_str());
                let ev = Evidence::new(
                    &f.path,
                    u32::try_from(i + 1).ok(),
                    format!("{} > recipe {}", f.path, recipe.as_str()),
                );
                found.add(cmd, ev);
            }
        }
    }
}

/// `cap <stage> deploy` for each stage in `config/deploy/<stage>.rb`.
fn capistrano(files: &[&FileEntry], capfile: &FileEntry, found: &mut Found<String>) {
    let stages_dir = Ctx::join(capfile.dir(), "config/deploy");
    let capfile_ev = Evidence::file(&capfile.path, format!("{} (Capistrano)", capfile.path));
    let mut any = false;
    for f in files
        .iter()
        .filter(|f| f.dir() == stages_dir && f.name().ends_with(".rb"))
    {
        let stage = f.name().trim_end_matches(".rb");
        let cmd = format!("cap {stage} deploy");
        found.add(cmd.clone(), capfile_ev.clone());
        found.add(
            cmd,
            Evidence::file(&f.path, format!("{} (Capistrano stage {stage})", f.path)),
        );
        any = true;
    }
    if !any {
        found.add("cap deploy".to_string(), capfile_ev);
    }
}

fn package_scripts(ctx: &Ctx, f: &FileEntry, services: &[Service], found: &mut Found<String>) {
    let Some((text, json)) = ctx.json(&f.path) else {
        return;
    };
    let Some(scripts) = json.get("scripts").and_then(|s| s.as_object()) else {
        return;
    };
    let dir = f.dir();
    let root = if dir.is_empty() { "." } else { dir };
    // Run with the package manager the service uses, when detection knows it.
    let pm = services
        .iter()
        .find(|s| {
            s.root == root
                && matches!(
                    s.language.value,
                    Language::Javascript | Language::Typescript
                )
        })
        .and_then(|s| s.package_manager.as_ref())
        .map(|p| enum_name(&p.value))
        .unwrap_or_else(|| "npm".to_string());
    for name in scripts.keys().filter(|n| is_deploy_name(n)) {
        let run = format!("{pm} run {name}");
        let cmd = if dir.is_empty() {
            run
        } else {
            format!("cd {dir} && {run}")
        };
        let ev = Evidence::new(
            &f.path,
            json_nested_line(&text, "scripts", name),
            format!("{} > scripts.{name}", f.path),
        );
        found.add(cmd, ev);
    }
}

#[cfg(test)]
mod tests {
    use crate::repo::testing::facts;

    fn deploys(files: &[(&str, &str)]) -> Vec<(String, Option<u32>)> {
        facts(files)
            .deploy_scripts
            .into_iter()
            .map(|l| (l.value, l.evidence[0].line))
            .collect()
    }

    #[test]
    fn makefile_deploy_release_and_publish_targets_with_their_lines() {
        let mk = "IMAGE := app\n.PHONY: build deploy\nbuild:\n\tdocker build .\n\ndeploy: build\n\tkubectl apply -k k8s\nrelease-notes publish:\n\techo\nDEPLOY_ENV = x\n";
        assert_eq!(
            deploys(&[("Makefile", mk)]),
            [
                ("make deploy".to_string(), Some(6)),
                ("make publish".to_string(), Some(8)),
                ("make release-notes".to_string(), Some(8)),
            ]
        );
        assert_eq!(
            deploys(&[("infra/Makefile", "deploy:\n\tx\n")])[0].0,
            "make -C infra deploy"
        );
    }

    #[test]
    fn deploy_scripts_by_name_and_folder() {
        let got: Vec<String> = deploys(&[
            ("deploy.sh", "#!/bin/sh\n"),
            ("scripts/deploy-prod.sh", "#!/bin/sh\n"),
            ("bin/deploy", "#!/bin/sh\n"),
            ("docs/deployment.md", "# how\n"),
        ])
        .into_iter()
        .map(|(v, _)| v)
        .collect();
        assert_eq!(got, ["bin/deploy", "deploy.sh", "scripts/deploy-prod.sh"]);
    }

    #[test]
    fn package_json_deploy_scripts_are_commands() {
        let pkg = "{\n  \"name\": \"web\",\n  \"scripts\": {\n    \"build\": \"vite build\",\n    \"deploy\": \"vercel --prod\"\n  }\n}\n";
        assert_eq!(
            deploys(&[("web/package.json", pkg)]),
            [("cd web && npm run deploy".to_string(), Some(5))]
        );
    }

    #[test]
    fn capistrano_skaffold_tilt_taskfile_and_just() {
        let got: Vec<String> = deploys(&[
            ("Capfile", "require 'capistrano/setup'\n"),
            ("config/deploy/production.rb", "server 'x'\n"),
            (
                "skaffold.yaml",
                "apiVersion: skaffold/v4beta11\nkind: Config\n",
            ),
            ("Tiltfile", "k8s_yaml('k8s.yaml')\n"),
            (
                "Taskfile.yml",
                "version: '3'\ntasks:\n  build:\n    cmds: [x]\n  deploy:\n    cmds: [y]\n",
            ),
            (
                "justfile",
                "build:\n    cargo build\ndeploy env='prod': build\n    ./deploy\n",
            ),
        ])
        .into_iter()
        .map(|(v, _)| v)
        .collect();
        assert_eq!(
            got,
            [
                "cap production deploy",
                "just deploy",
                "skaffold run",
                "task deploy",
                "tilt up"
            ]
        );
    }
}
