//! Node.js services: a folder with a `package.json`. Reads the manifest, lockfiles, version
//! files and a budgeted slice of the code to tell the framework, the package manager, the
//! runtime version, the production build and start commands, the port, the health route, the
//! backing services and the env vars. Also recognises JS monorepo roots (npm/yarn/pnpm
//! workspaces, turbo, nx, lerna) and the shared libraries inside them.

mod backing;
mod code;
mod commands;
mod framework;
mod health;
mod manifest;
mod nps;
mod package_manager;
mod runtime;
mod workspace;

use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::model::{Language, Service, ServiceRole};
use crate::scan;
use crate::stacks::Found;

pub(crate) use backing::prisma_schema;
use backing::{backing_services, env_vars};
use code::{port, scan_code};
use commands::{build_command, start_command};
use framework::framework;
use health::health_path;
use manifest::{Manifest, BUILD_SECTIONS};
use package_manager::package_manager;
use runtime::runtime_version;
use workspace::{workspace_root_above, workspace_tools};

/// Detect what the folder `dir` holds when it has a `package.json`.
pub fn detect(ctx: &Ctx, dir: &str) -> Option<Found> {
    let pkg = Manifest::load(ctx, dir)?;
    let ws_root = workspace_root_above(ctx, dir);
    let name = service_name(ctx, dir, &pkg);

    let package_manager = package_manager(ctx, dir, &pkg, ws_root.as_ref(), &name);
    let pm = package_manager.as_ref().map(|l| l.value);
    let tools = workspace_tools(ctx, dir, &pkg, pm);
    let framework = framework(ctx, dir, &pkg, &name);

    let language = language(ctx, dir, &pkg);
    let code = scan_code(ctx, dir, language.value);
    let start = if framework
        .as_ref()
        .is_some_and(|f| f.role == ServiceRole::Static)
    {
        None
    } else {
        start_command(
            ctx,
            dir,
            &pkg,
            framework.as_ref(),
            ws_root.as_ref(),
            &code,
            pm == Some(crate::model::PackageManager::Bun),
        )
    };

    let is_app = framework.is_some() || start.is_some() || !pkg.parsed;
    if !is_app {
        if !tools.is_empty() {
            return Some(Found::WorkspaceRoot { tools });
        }
        // A root package.json that only carries tooling (linters, git hooks) is not a service
        // and not a library of a monorepo either.
        if dir == "." {
            return None;
        }
        return Some(Found::Library { name });
    }

    let mut service = Service::new(name.clone(), dir, language);
    service.loopback_bind = code.loopback.clone().or_else(|| {
        framework
            .as_ref()
            .filter(|f| f.framework == crate::model::Framework::Fastify)
            .and(code.fastify_default_host.clone())
    });
    service.role = match &framework {
        Some(f) => f.role,
        None if !code.listen_files.is_empty() || !pkg.parsed => ServiceRole::Api,
        None => ServiceRole::Worker,
    };
    service.package_manager = package_manager;
    service.runtime_version = runtime_version(ctx, dir, &pkg, &name);
    service.build_command = build_command(&pkg, pm, framework.as_ref());
    if service.role != ServiceRole::Static {
        service.port = port(ctx, dir, &name, framework.as_ref(), start.as_ref(), &code);
        service.health_path = health_path(ctx, dir, service.language.value, framework.as_ref());
    }
    service.start_command = start;
    if service.role == ServiceRole::Static {
        service.static_output = framework.as_ref().and_then(|f| {
            let (value, ev) = f.output.clone()?;
            // A folder nothing configures is the framework's own default.
            let ev = ev.unwrap_or_else(|| {
                let mut e = f.evidence.clone();
                e.note
                    .push_str(&format!("; builds into {value}/ by default"));
                e
            });
            Some(Located::new(value, ev))
        });
    }
    service.framework = framework.map(|f| Located::new(f.framework, f.evidence));
    service.backing_services = backing_services(ctx, dir, &pkg);
    service.env_vars = env_vars(ctx, dir, service.language.value);
    service.run_programs = package_manager_at_run_time(ctx, dir, pm);
    Some(Found::Service(Box::new(service)))
}

/// A command vector or command line that starts with a package manager and a subcommand:
/// `['pnpm', 'ls', …]`, `spawn('yarn', ['install'])`, `execSync('pnpm ls --json')`.
static PM_COMMAND: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r#"(?:\[\s*|(?:spawn|spawnSync|exec|execSync|execFile|execFileSync|execa|execaSync)\(\s*)["'`](pnpm|yarn)(?:["'`]\s*,\s*\[?\s*["'`]|\s+)([a-z][a-z-]*)\b"#,
    )
    .expect("built-in pattern")
});

/// pnpm or Yarn, when the service's own code runs the package manager it is installed with as a
/// subprocess at run time (a plugin manager calling `pnpm ls`): the image then carries it, ready
/// for the app user. npm comes with every Node image. Release and maintenance scripts (`bin/`,
/// `scripts/`, `tools/`, `docs/`) do not run in the image.
fn package_manager_at_run_time(
    ctx: &Ctx,
    dir: &str,
    pm: Option<crate::model::PackageManager>,
) -> Vec<Located<String>> {
    use crate::model::PackageManager;
    const NOT_SHIPPED: &[&str] = &[
        "scripts", "tools", "docs", "doc", "bin", "ci", "test", "tests",
    ];
    let wanted = match pm {
        Some(PackageManager::Pnpm) => "pnpm",
        Some(PackageManager::Yarn) => "yarn",
        _ => return Vec::new(),
    };
    let prefix = if dir == "." {
        String::new()
    } else {
        format!("{dir}/")
    };
    for (f, text) in ctx.source_texts(dir, scan::extensions(Language::Typescript)) {
        let rel = f.path.strip_prefix(&prefix).unwrap_or(&f.path);
        if crate::stacks::shared::in_folder_named(rel, NOT_SHIPPED) || !text.contains(wanted) {
            continue;
        }
        for c in PM_COMMAND.captures_iter(&text) {
            let (Some(program), Some(sub)) = (c.get(1), c.get(2)) else {
                continue;
            };
            // A list of package managers' names is not a command.
            if program.as_str() != wanted || matches!(sub.as_str(), "npm" | "pnpm" | "yarn" | "bun")
            {
                continue;
            }
            return vec![Located::new(
                wanted.to_string(),
                Evidence::at_offset(
                    &f.path,
                    &text,
                    program.start(),
                    format!("the code runs `{wanted} {}`", sub.as_str()),
                ),
            )];
        }
    }
    Vec::new()
}

/// The package's own name without its npm scope, else the folder's name.
fn service_name(ctx: &Ctx, dir: &str, pkg: &Manifest) -> String {
    if let Some(n) = pkg.str_at(&["name"]).filter(|n| !n.trim().is_empty()) {
        let bare = n.rsplit('/').next().unwrap_or(n);
        if !bare.is_empty() {
            return bare.to_string();
        }
    }
    folder_name(ctx, dir)
}

pub(crate) fn folder_name(ctx: &Ctx, dir: &str) -> String {
    if dir == "." || dir.is_empty() {
        return ctx
            .inv
            .root()
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "app".to_string());
    }
    dir.rsplit('/').next().unwrap_or(dir).to_string()
}

fn parent_dir(dir: &str) -> Option<&str> {
    if dir == "." || dir.is_empty() {
        return None;
    }
    Some(dir.rsplit_once('/').map(|(p, _)| p).unwrap_or("."))
}

// ---------------------------------------------------------------------------------------------
// Language

fn language(ctx: &Ctx, dir: &str, pkg: &Manifest) -> Located<Language> {
    let tsconfig = Ctx::join(dir, "tsconfig.json");
    if ctx.exists(&tsconfig) {
        return Located::new(
            Language::Typescript,
            Evidence::file(tsconfig, "tsconfig.json present"),
        );
    }
    if let Some(ev) = pkg.dep_evidence("typescript", BUILD_SECTIONS) {
        return Located::new(Language::Typescript, ev);
    }
    // A workspace member may rely on the root's TypeScript; its own .ts sources still tell.
    let ts_source = ctx.service_files(dir).find(|f| {
        let n = f.name();
        (n.ends_with(".ts") || n.ends_with(".tsx") || n.ends_with(".mts"))
            && !n.ends_with(".d.ts")
            && !scan::is_test_path(&f.path)
    });
    if let Some(f) = ts_source {
        return Located::new(
            Language::Typescript,
            Evidence::file(&f.path, "TypeScript source"),
        );
    }
    Located::new(
        Language::Javascript,
        Evidence::file(&pkg.path, "package.json without TypeScript"),
    )
}

#[cfg(test)]
mod tests {
    use crate::stacks::python::tests::facts_in;

    const PNPM_APP: &[(&str, &str)] = &[
        (
            "package.json",
            r#"{"name":"pad","scripts":{"start":"node server.js"},"dependencies":{"express":"4.21.0"}}"#,
        ),
        ("pnpm-lock.yaml", "lockfileVersion: '9.0'\n"),
    ];

    fn programs(extra: &[(&str, &str)]) -> Vec<String> {
        let files: Vec<(&str, &str)> = PNPM_APP.iter().chain(extra).copied().collect();
        let facts = facts_in(&files);
        facts.services[0]
            .run_programs
            .iter()
            .map(|p| p.value.clone())
            .collect()
    }

    #[test]
    fn a_package_manager_the_code_runs_comes_with_the_image() {
        let installer = "const cmd = ['pnpm', 'ls', '--long', '--json'];\nawait runCmd(cmd);\n";
        assert_eq!(programs(&[("server.js", installer)]), ["pnpm"]);
        let exec = "const { execSync } = require('child_process');\nexecSync('pnpm add ep_x');\n";
        assert_eq!(programs(&[("lib/plugins.js", exec)]), ["pnpm"]);
    }

    #[test]
    fn lists_of_names_scripts_and_other_managers_are_not_run_at_run_time() {
        // A list of package managers' names.
        assert!(
            programs(&[("server.js", "const managers = ['pnpm', 'npm', 'yarn'];\n")]).is_empty()
        );
        // A release script does not run in the image.
        assert!(programs(&[("bin/release.js", "execSync('pnpm publish');\n")]).is_empty());
        // Yarn in a pnpm project is not the manager the image installs with.
        assert!(programs(&[("server.js", "spawn('yarn', ['install']);\n")]).is_empty());
    }
}
