//! Detection of Python services: which manifest declares the dependencies (PEP 621, Poetry,
//! Pipfile, requirements files, setup.py), which package manager and interpreter version the
//! project pins, which web framework it uses and the production command that serves it.
//!
//! The helpers in [`shared`] (runtime version precedence, `.tool-versions`, Procfile web
//! process, backing-service collection) are also used by the Ruby and PHP detectors.

mod backing;
mod django;
mod framework;
mod litestar;
mod manifests;
mod serving;
mod toolchain;
mod wheels;

use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::model::{Framework, Language, Service, ServiceRole};
use crate::stacks::Found;

use crate::stacks::shared;

use backing::backing_services;
use django::{collectstatic, django_health};
use framework::{default_port_note, framework};
use manifests::{
    file_name, manifests, pep621_deps, pipfile_deps, poetry_deps, requirements_deps, setup_py_deps,
    str_at,
};
use serving::{app_target, code_ports, start_command};
use toolchain::{package_manager, runtime_version};

/// A dependency as declared, with the line that declares it.
#[derive(Debug, Clone)]
struct Dep {
    /// Normalised name (PEP 503: lower case, runs of `-_.` as one `-`).
    name: String,
    extras: Vec<String>,
    ev: Evidence,
}

/// Whether `range` is a range (not a pinned version) whose lowest allowed version is below
/// `cap`'s bound (`<3.11`), so that the two meet.
fn meets_below(range: &str, cap: &str) -> bool {
    if range.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return false;
    }
    shared::Candidate::constraint(range, Evidence::file("", ""))
        .is_some_and(|low| shared::version_below(&low.value, cap.trim_start_matches('<')))
}

/// The Python manifests present in a service folder.
struct Manifests {
    pyproject: Option<String>,
    pipfile: Option<String>,
    requirements: Vec<String>,
    setup_py: Option<String>,
    manage_py: Option<String>,
}

/// The server package a start command runs (`gunicorn …`, `uvicorn …`) when no manifest
/// declares it: without it the image has no such program. Servers that gunicorn loads as a
/// worker class (`-k uvicorn.workers.UvicornWorker`) count too.
fn undeclared_server(dir: &str, start: &Located<String>, deps: &[Dep]) -> Vec<Located<String>> {
    const SERVERS: &[(&str, &str)] = &[
        ("gunicorn", "gunicorn"),
        ("uvicorn", "uvicorn"),
        ("hypercorn", "hypercorn"),
        ("granian", "granian"),
        ("daphne", "daphne"),
        ("waitress-serve", "waitress"),
    ];
    let words: Vec<&str> = start.value.split_whitespace().collect();
    let mut needed: Vec<&str> = Vec::new();
    if let Some(program) = words.first() {
        if let Some((_, package)) = SERVERS.iter().find(|(p, _)| p == program) {
            needed.push(package);
        }
    }
    if words.iter().any(|w| w.starts_with("uvicorn.workers.")) {
        needed.push("uvicorn");
    }
    // `fastapi[standard]` brings uvicorn with it.
    let fastapi_standard = deps
        .iter()
        .any(|d| d.name == "fastapi" && d.extras.iter().any(|e| e == "standard" || e == "all"));
    needed
        .into_iter()
        .filter(|p| manifests::find(deps, &[p]).is_none())
        .filter(|p| !(*p == "uvicorn" && fastapi_standard))
        .map(|p| {
            let mut ev = start
                .evidence
                .first()
                .cloned()
                .unwrap_or_else(|| Evidence::file(dir.to_string(), String::new()));
            ev.note = format!("the start command runs {p}, which no manifest declares");
            Located::new(p.to_string(), ev)
        })
        .collect()
}

/// A git command in a subprocess call (`subprocess.run(["git", …])`, a helper given
/// `"git show …"`).
static GIT_COMMAND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:\(\s*r?["']git\s+[a-z-]+|\[\s*["']git["']\s*,)"#).expect("built-in pattern")
});

/// `git`, when the service's own code runs it in a subprocess (reading its version from git at
/// import). Release and maintenance scripts (`scripts/`, `utils/`, `tools/`, `docs/`) do not run
/// in the image.
fn git_at_run_time(ctx: &Ctx, dir: &str) -> Vec<Located<String>> {
    const NOT_SHIPPED: &[&str] = &["scripts", "utils", "tools", "docs", "bin", "ci", "devtools"];
    for (f, text) in ctx.source_texts(dir, &["py"]) {
        let rel = f.path.strip_prefix(&format!("{dir}/")).unwrap_or(&f.path);
        if shared::in_folder_named(rel, NOT_SHIPPED) || !text.contains("subprocess") {
            continue;
        }
        if let Some(m) = GIT_COMMAND.find(&text) {
            return vec![Located::new(
                "git".to_string(),
                Evidence::at_offset(&f.path, &text, m.start(), "the code runs git"),
            )];
        }
    }
    Vec::new()
}

/// package.json's `build` script beside a Python app: its front-end bundles (Rollup, Vite,
/// webpack, PostCSS, Tailwind) are built into the app's folders, where the app (and Django's
/// collectstatic) serves them from.
fn asset_build(ctx: &Ctx, dir: &str) -> Option<Located<String>> {
    let path = Ctx::join(dir, "package.json");
    let (text, json) = ctx.json(&path)?;
    let script = json.get("scripts")?.get("build")?.as_str()?.trim();
    if script.is_empty() {
        return None;
    }
    let line = crate::ctx::json_nested_line(&text, "scripts", "build");
    let mut ev = Evidence::file(path, "package.json > scripts > build (front-end assets)");
    ev.line = line;
    Some(Located::new(script.to_string(), ev))
}

/// Detect a Python service in `dir`.
pub fn detect(ctx: &Ctx, dir: &str) -> Option<Found> {
    let m = manifests(ctx, dir);
    let language_ev = [
        &m.pyproject,
        &m.pipfile,
        &m.requirements.first().cloned(),
        &m.setup_py,
        &m.manage_py,
    ]
    .into_iter()
    .flatten()
    .next()
    .map(|p| Evidence::file(p.clone(), format!("{} (Python project)", file_name(p))))?;

    let pyproject = m
        .pyproject
        .as_deref()
        .and_then(|p| ctx.toml(p).map(|(t, v)| (p.to_string(), t, v)));
    let pipfile = m
        .pipfile
        .as_deref()
        .and_then(|p| ctx.toml(p).map(|(t, v)| (p.to_string(), t, v)));

    // A uv workspace root with no `[project]` of its own (only members and dev tools) is the
    // workspace, not a service.
    if let Some((path, text, v)) = &pyproject {
        let virtual_root = v.get("project").is_none()
            && v.get("tool").and_then(|t| t.get("poetry")).is_none()
            && v.get("tool")
                .and_then(|t| t.get("uv"))
                .and_then(|u| u.get("workspace"))
                .is_some();
        if virtual_root && m.requirements.is_empty() && m.manage_py.is_none() {
            let at = text.find("[tool.uv.workspace]").unwrap_or(0);
            return Some(Found::WorkspaceRoot {
                tools: vec![Located::new(
                    "uv workspace".to_string(),
                    Evidence::at_offset(path, text, at, "[tool.uv.workspace] without [project]"),
                )],
            });
        }
    }

    let name = pyproject
        .as_ref()
        .and_then(|(_, _, v)| {
            str_at(v, &["project", "name"]).or_else(|| str_at(v, &["tool", "poetry", "name"]))
        })
        .unwrap_or_else(|| shared::folder_name(ctx, dir));

    let mut deps: Vec<Dep> = Vec::new();
    if let Some((path, text, v)) = &pyproject {
        pep621_deps(path, text, v, &mut deps);
        poetry_deps(path, text, v, &mut deps);
    }
    if let Some((path, text, v)) = &pipfile {
        pipfile_deps(path, text, v, &mut deps);
    }
    requirements_deps(ctx, dir, &m.requirements, &mut deps);
    if let Some(p) = &m.setup_py {
        setup_py_deps(ctx, p, &mut deps);
    }

    let mut svc = Service::new(
        name.clone(),
        dir,
        Located::new(Language::Python, language_ev),
    );
    svc.package_manager = package_manager(ctx, dir, &name, &m, pyproject.as_ref());
    let declared = runtime_version(ctx, dir, &name, pyproject.as_ref(), pipfile.as_ref());
    svc.runtime_version = match (declared, wheels::python_cap(ctx, dir, &deps)) {
        (None, cap) => cap,
        // A range (`^3.9`) the pins narrow, where the two meet (`^3.9, <3.11`): the newest
        // Python the range allows may be one the pinned packages do not install on.
        (Some(range), Some(cap)) if meets_below(&range.value, &cap.value) => Some(Located {
            value: format!("{}, {}", range.value, cap.value),
            evidence: range.evidence.into_iter().chain(cap.evidence).collect(),
        }),
        (declared, _) => declared,
    };

    let framework = framework(ctx, &name, &deps, &m);
    let app = framework
        .as_ref()
        .and_then(|f| app_target(ctx, dir, f.value, &deps, &m));

    let backing = backing_services(ctx, dir, &deps);
    let has_worker = backing.0.iter().any(|b| b.value.is_worker());
    svc.role = match framework.as_ref().map(|f| f.value) {
        Some(Framework::Django | Framework::Flask) => ServiceRole::Web,
        Some(_) => ServiceRole::Api,
        None if has_worker => ServiceRole::Worker,
        None => ServiceRole::Api,
    };
    let procfile = shared::procfile_web(ctx, dir);
    if framework.is_none() && dir != "." && !has_worker && procfile.is_none() {
        // A package with no server and nothing to run is a library of a larger repository.
        return Some(Found::Library { name });
    }

    if let Some(f) = &framework {
        let default = Located::new(8000, {
            let mut ev = f.evidence[0].clone();
            ev.note = default_port_note(f.value).to_string();
            ev
        });
        let mut explicit = code_ports(ctx, dir);
        explicit.extend(ctx.port_hints(dir));
        svc.port = ctx.choose_port(&name, Some(default), explicit);
    } else {
        svc.port = ctx.choose_port(&name, None, ctx.port_hints(dir));
    }

    let port = svc.port.as_ref().map(|p| p.value).unwrap_or(8000);
    svc.start_command = procfile
        .or_else(|| serving::socketio_launcher(ctx, dir, &deps))
        .or_else(|| {
            let fw = framework.as_ref().map(|f| f.value)?;
            app.as_ref().map(|a| start_command(fw, a, port, &deps))
        });
    svc.start_packages = svc
        .start_command
        .as_ref()
        .map(|start| undeclared_server(dir, start, &deps))
        .unwrap_or_default();
    if framework
        .as_ref()
        .is_some_and(|f| f.value == Framework::Django)
    {
        svc.build_command = collectstatic(ctx, dir);
    }
    let litestar = framework
        .as_ref()
        .is_some_and(|f| f.value == Framework::Litestar);
    let django = framework
        .as_ref()
        .is_some_and(|f| f.value == Framework::Django);
    // Django routes exist only as URL patterns: a health-like string elsewhere in its code
    // (`PING_ENDPOINT = SITE_ROOT + "/ping/"` in settings) is no route.
    svc.health_path = if django {
        django_health(ctx, dir)
    } else {
        litestar
            .then(|| litestar::litestar_health(ctx, dir))
            .flatten()
            .or_else(|| ctx.health_path(dir, Language::Python))
    };
    svc.run_programs = git_at_run_time(ctx, dir);
    svc.asset_build = asset_build(ctx, dir);
    svc.framework = framework;
    svc.backing_services = backing.0;
    svc.env_vars = ctx.env_vars(dir, Language::Python);
    Some(Found::Service(Box::new(svc)))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Detect the facts of a throwaway repository made of `files`.
    pub(crate) fn facts_in(files: &[(&str, &str)]) -> crate::model::Facts {
        let dir = tempfile::tempdir().expect("temp dir");
        for (path, text) in files {
            let p = dir.path().join(path);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent).expect("create dir");
            }
            std::fs::write(p, text).expect("write file");
        }
        let inv = shipshape_core::Inventory::open(dir.path()).expect("inventory");
        crate::detect(&inv)
    }

    #[test]
    fn a_virtual_uv_workspace_root_is_the_workspace_not_a_service() {
        let facts = facts_in(&[
            (
                "pyproject.toml",
                "[dependency-groups]\ndev = [\"ruff\"]\n\n[tool.uv.workspace]\nmembers = [\"api\"]\n",
            ),
            ("uv.lock", "version = 1\n"),
            (
                "api/pyproject.toml",
                "[project]\nname = \"api\"\nversion = \"0.1.0\"\ndependencies = [\"fastapi>=0.115\"]\n",
            ),
            ("api/app/main.py", "from fastapi import FastAPI\n\napp = FastAPI()\n"),
        ]);
        let roots: Vec<&str> = facts.services.iter().map(|s| s.root.as_str()).collect();
        assert_eq!(roots, ["api"]);
        assert!(facts
            .monorepo
            .as_ref()
            .is_some_and(|m| m.tools.iter().any(|t| t.value == "uv workspace")));
    }

    #[test]
    fn a_default_server_no_manifest_declares_is_a_package_the_image_installs() {
        let django = |requirements: &str| {
            let facts = facts_in(&[
                ("requirements.txt", requirements),
                ("manage.py", "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings')\n"),
                ("site/__init__.py", ""),
                ("site/wsgi.py", "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n"),
                // A health-like URL built in settings is no route of a Django app.
                ("site/settings.py", "PING_URL = os.getenv('SITE', 'http://localhost') + \"/ping/\"\n"),
                ("site/urls.py", "urlpatterns = [path('admin/', admin.site.urls)]\n"),
            ]);
            facts.services.into_iter().next().expect("a service")
        };
        let bare = django("Django==5.2\n");
        assert!(bare
            .start_command
            .as_ref()
            .is_some_and(|s| s.value.starts_with("gunicorn ")));
        let packages: Vec<&str> = bare
            .start_packages
            .iter()
            .map(|p| p.value.as_str())
            .collect();
        assert_eq!(packages, ["gunicorn"]);
        assert_eq!(bare.health_path, None);
        let declared = django("Django==5.2\ngunicorn==23.0.0\n");
        assert!(declared.start_packages.is_empty());
    }

    #[test]
    fn setup_py_python_requires_git_at_import_and_envvar_settings_are_read() {
        let facts = facts_in(&[
            ("requirements.txt", "flask==3.1.0\n"),
            ("setup.py", "from setuptools import setup\n# python_requires='>=2.7'\nsetup(name='finder', python_requires=\">=3.10\")\n"),
            ("finder/__init__.py", ""),
            (
                "finder/version.py",
                "import subprocess\n\ndef run(cmd):\n    return subprocess.run(cmd, check=True)\n\nVERSION = run(r\"git describe --tags\")\n",
            ),
            (
                "finder/settings.py",
                "SECRET = Setting(str, environ_name='FINDER_SECRET')\nPORT = click.option('--port', envvar=\"FINDER_PORT\")\n",
            ),
            ("finder/webapp.py", "from flask import Flask\napp = Flask(__name__)\n"),
            // A release script's git is not the app's.
            ("scripts/release.py", "import subprocess\nsubprocess.run([\"git\", \"tag\", \"v1\"])\n"),
        ]);
        let s = &facts.services[0];
        assert_eq!(
            s.runtime_version.as_ref().map(|v| v.value.as_str()),
            Some(">=3.10")
        );
        let programs: Vec<&str> = s.run_programs.iter().map(|p| p.value.as_str()).collect();
        assert_eq!(programs, ["git"]);
        assert_eq!(s.run_programs[0].evidence[0].path, "finder/version.py");
        let vars: Vec<&str> = s.env_vars.iter().map(|v| v.value.as_str()).collect();
        assert!(
            vars.contains(&"FINDER_SECRET") && vars.contains(&"FINDER_PORT"),
            "{vars:?}"
        );
        // Without the package's own git call, release scripts alone bring no git.
        let facts = facts_in(&[
            ("requirements.txt", "flask==3.1.0\n"),
            ("app.py", "from flask import Flask\napp = Flask(__name__)\n"),
            (
                "scripts/release.py",
                "import subprocess\nsubprocess.run([\"git\", \"tag\", \"v1\"])\n",
            ),
        ]);
        assert!(facts.services[0].run_programs.is_empty());
        // A deployment's pin (runtime.txt) speaks before a package's minimum.
        let facts = facts_in(&[
            ("requirements.txt", "flask==3.1.0\n"),
            ("runtime.txt", "python-3.11.5\n"),
            ("setup.py", "setup(name='w', python_requires='>=3.10')\n"),
            ("app.py", "from flask import Flask\napp = Flask(__name__)\n"),
        ]);
        let version = facts.services[0]
            .runtime_version
            .as_ref()
            .map(|v| v.value.as_str());
        assert_eq!(version, Some("3.11.5"));
    }

    #[test]
    fn malformed_pyproject_becomes_a_note_and_requirements_still_count() {
        let facts = facts_in(&[
            ("pyproject.toml", "[project\nname = \"x\"\n"),
            ("requirements.txt", "flask==3.0\n"),
            ("app/__init__.py", "from flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n    return app\n"),
        ]);
        assert!(facts.notes.iter().any(|n| n.path == "pyproject.toml"));
        let s = &facts.services[0];
        assert_eq!(
            s.framework.as_ref().map(|f| f.value),
            Some(Framework::Flask)
        );
        let start = s.start_command.as_ref().expect("start command");
        assert_eq!(
            start.value,
            "gunicorn \"app:create_app()\" --bind 0.0.0.0:8000"
        );
        assert!(start.evidence[0]
            .note
            .contains("gunicorn is not a declared dependency"));
    }

    const SOCKETIO_PACKAGE: &str = "import os\nfrom flask import Flask\nfrom flask_socketio import SocketIO\n\napp = Flask(__name__)\nsocketio = SocketIO(app)\n\ndef main():\n    @app.route('/')\n    def index():\n        return 'ok'\n    data = os.path.join(os.getcwd(), '../store')\n    settings = {'data': data}\n    os.makedirs(settings['data'], exist_ok=True)\n    socketio.run(app, host='0.0.0.0', port=int(os.environ.get('PORT', 5000)))\n";

    #[test]
    fn a_build_script_beside_a_python_app_is_its_asset_build() {
        let app = ("app.py", "from flask import Flask\napp = Flask(__name__)\n");
        let facts = facts_in(&[
            ("requirements.txt", "flask==3.1.0\n"),
            app,
            (
                "package.json",
                "{\n  \"name\": \"ui\",\n  \"scripts\": {\n    \"dev\": \"rollup -c -w\",\n    \"build\": \"rollup -c\"\n  }\n}\n",
            ),
        ]);
        let a = facts.services[0]
            .asset_build
            .as_ref()
            .expect("an asset build");
        assert_eq!(a.value, "rollup -c");
        assert_eq!(a.evidence[0].line, Some(5));
        // Without a build script (tooling only), there is none.
        let facts = facts_in(&[
            ("requirements.txt", "flask==3.1.0\n"),
            app,
            (
                "package.json",
                "{\"name\": \"ui\", \"scripts\": {\"lint\": \"eslint .\"}}\n",
            ),
        ]);
        assert!(facts.services[0].asset_build.is_none());
    }

    #[test]
    fn a_flask_socketio_app_starts_with_the_script_that_reaches_socketio_run() {
        let facts = facts_in(&[
            ("requirements.txt", "flask==3.1.0\nflask-socketio==5.6.1\n"),
            ("watcher/__init__.py", SOCKETIO_PACKAGE),
            (
                "run.py",
                "import watcher\n\nif __name__ == '__main__':\n    watcher.main()\n",
            ),
            (
                "tests/test_app.py",
                "if __name__ == '__main__':\n    watcher.main()\n",
            ),
        ]);
        let s = &facts.services[0];
        let start = s.start_command.as_ref().expect("a start command");
        assert_eq!(start.value, "python run.py");
        assert!(
            start.evidence[0].note.contains("watcher.main()"),
            "{:?}",
            start.evidence
        );
        assert!(
            s.start_packages.is_empty(),
            "no server to install: {:?}",
            s.start_packages
        );
        // The folder it creates from the working directory is its data folder.
        let dirs: Vec<&str> = s.data_dirs.iter().map(|d| d.value.as_str()).collect();
        assert_eq!(dirs, ["../store"]);
    }

    #[test]
    fn without_flask_socketio_a_flask_app_is_served_by_gunicorn() {
        let facts = facts_in(&[
            ("requirements.txt", "flask==3.1.0\n"),
            (
                "watcher/__init__.py",
                &SOCKETIO_PACKAGE.replace("flask_socketio", "other"),
            ),
            (
                "run.py",
                "import watcher\n\nif __name__ == '__main__':\n    watcher.main()\n",
            ),
        ]);
        let start = facts.services[0]
            .start_command
            .as_ref()
            .expect("a start command");
        assert!(start.value.starts_with("gunicorn "), "{}", start.value);
        // A script whose own guard calls socketio.run is the start.
        let facts = facts_in(&[
            ("requirements.txt", "flask==3.1.0\nFlask-SocketIO==5.6.1\n"),
            ("app.py", "from flask import Flask\nfrom flask_socketio import SocketIO\napp = Flask(__name__)\nsocketio = SocketIO(app)\n\nif __name__ == '__main__':\n    socketio.run(app, host='0.0.0.0')\n"),
        ]);
        let start = facts.services[0]
            .start_command
            .as_ref()
            .expect("a start command");
        assert_eq!(start.value, "python app.py");
    }

    #[test]
    fn a_fastapi_app_built_by_a_factory_of_its_module_is_the_start_target() {
        let facts = facts_in(&[
            ("requirements.txt", "fastapi==0.110.0\nuvicorn==0.29.0\n"),
            (
                "app/main.py",
                "from fastapi import FastAPI\n\n\ndef get_application() -> FastAPI:\n    application = FastAPI(title=\"x\")\n    return application\n\n\napp = get_application()\n",
            ),
            // A module-level call of a function that builds no app is not a target.
            ("app/worker.py", "def connect():\n    return 1\n\n\nclient = connect()\n"),
        ]);
        let start = facts.services[0]
            .start_command
            .as_ref()
            .expect("a start command");
        assert!(
            start.value.starts_with("uvicorn app.main:app "),
            "{}",
            start.value
        );
        assert!(
            start.evidence[0].note.contains("get_application()"),
            "{:?}",
            start.evidence
        );
        assert_eq!(start.evidence[0].line, Some(9));
    }

    #[test]
    fn a_factory_nothing_calls_is_served_with_factory_and_a_packaged_folder_keeps_its_name() {
        let facts = facts_in(&[
            ("requirements.txt", "fastapi==0.115.0\nuvicorn==0.30.0\n"),
            // `lib/` is not a package; `catalog/` is, so the import path starts there.
            ("lib/catalog/__init__.py", ""),
            ("lib/catalog/web.py", "from fastapi import FastAPI\n\n\ndef create_app() -> FastAPI:\n    return FastAPI()\n"),
        ]);
        let start = facts.services[0]
            .start_command
            .as_ref()
            .expect("a start command");
        assert_eq!(
            start.value,
            "uvicorn catalog.web:create_app --factory --host 0.0.0.0 --port 8000"
        );
        assert!(
            start.evidence[0].note.contains("app factory"),
            "{:?}",
            start.evidence
        );
    }

    #[test]
    fn a_litestar_app_is_served_by_litestar_run_and_named_by_its_module() {
        let facts = facts_in(&[
            ("pyproject.toml", "[project]\nname = \"notes\"\ndependencies = [\"litestar[standard]\"]\n"),
            ("notes/app.py", "from litestar import Litestar, get\n\n\n@get(\"/healthz\")\nasync def healthz() -> str:\n    return \"ok\"\n\n\napp = Litestar([healthz])\n"),
        ]);
        let s = &facts.services[0];
        assert_eq!(
            s.framework.as_ref().map(|f| f.value),
            Some(Framework::Litestar)
        );
        let start = s.start_command.as_ref().expect("a start command");
        assert_eq!(
            start.value,
            "litestar --app notes.app:app run --host 0.0.0.0 --port 8000"
        );
        assert!(
            start.evidence[1].note.contains("uvicorn serves the app"),
            "{:?}",
            start.evidence
        );
        assert_eq!(
            s.health_path.as_ref().map(|h| h.value.as_str()),
            Some("/healthz")
        );
        assert_eq!(s.port.as_ref().map(|p| p.value), Some(8000));
    }

    #[test]
    fn litestar_without_a_server_says_what_to_add() {
        let facts = facts_in(&[
            ("requirements.txt", "litestar==2.12.1\n"),
            (
                "main.py",
                "from litestar import Litestar\n\napp = Litestar([])\n",
            ),
        ]);
        let start = facts.services[0]
            .start_command
            .as_ref()
            .expect("a start command");
        assert!(
            start.evidence[0]
                .note
                .contains("needs uvicorn (`litestar[standard]`) or litestar-granian"),
            "{:?}",
            start.evidence
        );
    }

    #[test]
    fn a_declared_range_is_narrowed_by_the_pins_where_they_meet() {
        assert!(meets_below("^3.9", "<3.11"));
        assert!(meets_below(">=3.8,<4", "<3.12"));
        assert!(
            !meets_below(">=3.12", "<3.12"),
            "no version in both: the declaration wins"
        );
        assert!(
            !meets_below("3.9.18", "<3.11"),
            "a pinned version is not narrowed"
        );
        let facts = facts_in(&[
            ("pyproject.toml", "[tool.poetry]\nname = \"svc\"\n[tool.poetry.dependencies]\npython = \"^3.9\"\nfastapi = \"*\"\nuvicorn = \"*\"\n"),
            ("poetry.lock", "[[package]]\nname = \"greenlet\"\nversion = \"1.1.2\"\n"),
            ("main.py", "from fastapi import FastAPI\napp = FastAPI()\n"),
        ]);
        let v = facts.services[0]
            .runtime_version
            .as_ref()
            .expect("a version");
        assert_eq!(v.value, "^3.9, <3.11");
        assert_eq!(v.evidence.len(), 2);
    }

    #[test]
    fn disagreeing_python_versions_are_an_ambiguity() {
        let facts = facts_in(&[
            (".python-version", "3.11\n"),
            ("pyproject.toml", "[project]\nname = \"svc\"\nrequires-python = \">=3.12\"\ndependencies = [\"fastapi\", \"gunicorn\", \"uvicorn\"]\n"),
            ("main.py", "from fastapi import FastAPI\napi = FastAPI()\n"),
        ]);
        let s = &facts.services[0];
        assert_eq!(
            s.runtime_version.as_ref().map(|v| v.value.as_str()),
            Some("3.11")
        );
        let a = facts
            .ambiguities
            .iter()
            .find(|a| a.subject == "services.svc.runtime_version")
            .expect("runtime ambiguity");
        assert_eq!(a.candidates.len(), 2);
        assert_eq!(
            s.start_command.as_ref().map(|c| c.value.as_str()),
            Some("gunicorn main:api -k uvicorn.workers.UvicornWorker --bind 0.0.0.0:8000")
        );
    }

    #[test]
    fn django_with_uvicorn_serves_asgi_and_dev_procfile_is_ignored() {
        let facts = facts_in(&[
            ("requirements.txt", "Django>=5\nuvicorn\n"),
            ("Procfile", "web: python manage.py runserver 0.0.0.0:8000\n"),
            ("manage.py", "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site_cfg.settings')\n"),
            ("site_cfg/asgi.py", "from django.core.asgi import get_asgi_application\napplication = get_asgi_application()\n"),
            ("site_cfg/wsgi.py", "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n"),
        ]);
        let s = &facts.services[0];
        assert_eq!(
            s.start_command.as_ref().map(|c| c.value.as_str()),
            Some("uvicorn site_cfg.asgi:application --host 0.0.0.0 --port 8000")
        );
        assert_eq!(s.build_command, None, "no STATIC_ROOT, nothing to collect");
        assert!(facts.notes.iter().any(|n| n.path == "Procfile"));
    }
}
