//! Python: FastAPI, Django, Flask, Litestar and other WSGI/ASGI apps with pip, poetry, uv or
//! pipenv.

use super::*;

pub(super) fn python(service: &Service, inv: &Inventory, today: Day) -> Result<Generated, Skip> {
    let img = images("python", service, today)?;
    let root = root_of(service);
    let mut warnings = Vec::new();
    eol_warning(&img, &mut warnings);
    let mut version_note = default_version_note("Python", &img, &mut warnings);
    // An exact pin that rules the newer Pythons out (detection's evidence says which): alone,
    // or narrowing a declared range.
    if let Some(v) = service.runtime_version.as_ref() {
        let cap = v
            .evidence
            .iter()
            .find(|e| e.note.contains("supports no Python from"));
        if let Some(e) = cap {
            let at = e.line.map_or(e.path.clone(), |l| format!("{}:{l}", e.path));
            let alone = v.evidence.len() == 1;
            let declared = if alone {
                "No Python version is declared".to_string()
            } else {
                format!(
                    "Python `{}` is declared",
                    v.value.split(", <").next().unwrap_or(&v.value)
                )
            };
            version_note = Some(format!(
                "{declared}; {} ({at}): {} is the newest release it installs on.",
                e.note, img.version
            ));
            warnings.push(format!(
                "{} ({at}), so the image uses Python {} — upgrade the pin to move to a newer \
                 Python{}",
                e.note,
                img.version,
                if alone {
                    ", and declare the version you test with (.python-version or requires-python)"
                } else {
                    ""
                }
            ));
        }
    }
    let pm = service
        .package_manager
        .as_ref()
        .map(|p| p.value)
        .unwrap_or(PackageManager::Pip);
    let venv = format!("{WORKDIR}/.venv");
    let mut build_env = vec![
        ("PYTHONDONTWRITEBYTECODE", "1".to_string()),
        ("PIP_DISABLE_PIP_VERSION_CHECK", "1".to_string()),
    ];
    let mut tools = Vec::new();
    let mut model = json!({});
    let (manifests, cache, install, pm_setup): (Vec<String>, &str, Vec<String>, Option<String>) =
        match pm {
            PackageManager::Uv => {
                let uv = image("uv")?;
                if let Some(tag) = uv.rsplit(':').next() {
                    tools.push(("uv".to_string(), tag.to_string()));
                }
                model["uv_image"] = json!(uv);
                build_env.extend([
                    ("UV_COMPILE_BYTECODE", "1".to_string()),
                    ("UV_LINK_MODE", "copy".to_string()),
                    ("UV_PYTHON_DOWNLOADS", "never".to_string()),
                ]);
                let mut m = vec!["pyproject.toml".to_string()];
                let locked = has(inv, root, "uv.lock");
                if locked {
                    m.push("uv.lock".to_string());
                }
                let lock_flag = if locked { "--locked" } else { "" };
                (
                    m,
                    "/root/.cache/uv",
                    vec![format!("uv sync {lock_flag} --no-dev --no-install-project")
                        .replace("  ", " ")],
                    None,
                )
            }
            PackageManager::Poetry => {
                let version = base_images::tool("poetry", &img.version).ok_or_else(|| {
                    Skip(format!(
                        "no poetry release in the base-image table installs on Python {}",
                        img.version
                    ))
                })?;
                build_env.extend([
                    ("POETRY_VIRTUALENVS_IN_PROJECT", "true".to_string()),
                    ("POETRY_NO_INTERACTION", "1".to_string()),
                ]);
                let mut m = vec!["pyproject.toml".to_string()];
                if has(inv, root, "poetry.lock") {
                    m.push("poetry.lock".to_string());
                }
                (
                    m,
                    "/root/.cache/pypoetry",
                    vec!["poetry install --only main --no-root".to_string()],
                    Some(format!("pip install poetry=={version}")),
                )
            }
            PackageManager::Pipenv => {
                let version = base_images::tool("pipenv", &img.version).ok_or_else(|| {
                    Skip(format!(
                        "no pipenv release in the base-image table installs on Python {}",
                        img.version
                    ))
                })?;
                build_env.push(("PIPENV_VENV_IN_PROJECT", "1".to_string()));
                let mut m = vec!["Pipfile".to_string()];
                let locked = has(inv, root, "Pipfile.lock");
                if locked {
                    m.push("Pipfile.lock".to_string());
                }
                (
                    m,
                    "/root/.cache/pipenv",
                    vec![if locked {
                        "pipenv install --deploy".to_string()
                    } else {
                        "pipenv install".to_string()
                    }],
                    Some(format!("pip install pipenv=={version}")),
                )
            }
            _ => {
                let requirements = requirement_files(inv, root);
                if has(inv, root, "requirements.txt") {
                    (
                        requirements,
                        "/root/.cache/pip",
                        vec![
                            "python -m venv .venv".to_string(),
                            ".venv/bin/pip install -r requirements.txt".to_string(),
                        ],
                        None,
                    )
                } else if has(inv, root, "pyproject.toml") {
                    (
                        Vec::new(),
                        "/root/.cache/pip",
                        vec!["python -m venv .venv".to_string()],
                        None,
                    )
                } else {
                    return Err(Skip(
                        "no requirements.txt, pyproject.toml, Pipfile or lockfile to install from"
                            .into(),
                    ));
                }
            }
        };
    // A server the start command runs and no manifest declares goes into the virtualenv,
    // pinned to the newest release that installs on this Python.
    let mut install = install;
    let mut extra = Vec::new();
    for package in &service.start_packages {
        let name = package.value.as_str();
        let Some(version) = base_images::tool(name, &img.version) else {
            return Err(Skip(format!(
                "the start command runs {name}, which no manifest declares, and the base-image \
                 table has no {name} release for Python {}: declare it",
                img.version
            )));
        };
        extra.push(format!("{name}=={version}"));
        warnings.push(format!(
            "{name} serves the app and no manifest declares it: the image installs \
             {name}=={version}; declare it in your dependencies to choose the version"
        ));
    }
    if !extra.is_empty() {
        let installer = match pm {
            PackageManager::Uv => "uv pip install",
            _ => ".venv/bin/pip install",
        };
        install.push(format!("{installer} {}", extra.join(" ")));
    }
    if matches!(pm, PackageManager::Pip | PackageManager::Uv)
        && !manifests
            .iter()
            .any(|m| m.ends_with(".lock") || m.starts_with("requirements"))
    {
        warnings
            .push("no lockfile: commit one so image builds install the versions you tested".into());
    }
    let mut build = Vec::new();
    // The project itself, when it is a package: its dependencies are in the virtualenv already.
    let is_package = inv
        .text_of(&join(root, "pyproject.toml"))
        .is_some_and(|t| t.contains("[build-system]"));
    match pm {
        PackageManager::Uv if is_package => build.push("uv pip install --no-deps .".to_string()),
        PackageManager::Pip if !has(inv, root, "requirements.txt") => {
            build.push(".venv/bin/pip install .".to_string());
        }
        _ => {}
    }
    if let Some(b) = detected(&service.build_command) {
        // Settings may open the embedded database's folder as they load (a SQLite task queue),
        // and `manage.py collectstatic` loads them: the folders exist before it runs.
        let folders: Vec<&str> = service
            .data_dirs
            .iter()
            .map(|d| d.value.as_str())
            .filter(|d| *d != "." && !d.starts_with('/') && !d.contains(".."))
            .collect();
        if !folders.is_empty() {
            build.push(format!("mkdir -p {}", folders.join(" ")));
        }
        build.push(django_build(service, b));
    }
    let mut warnings_port = Vec::new();
    let port = port_of(service, 8000, &mut warnings_port);
    warnings.extend(warnings_port);
    let Some(start_cmd) = detected(&service.start_command) else {
        return Err(Skip(
            "no start command was found (a Procfile, or the ASGI/WSGI app to serve)".into(),
        ));
    };
    let start = bind_python_server(words(start_cmd), port);
    let health_path = health_route(service, port, &mut warnings);
    let path_env = format!("{venv}/bin:$PATH");
    build_env.push(("PATH", path_env.clone()));
    // The virtualenv is active as `activate` would leave it: on PATH, and named by
    // VIRTUAL_ENV, which servers read to find it (uWSGI's `home = $(VIRTUAL_ENV)`).
    let mut run_env = vec![
        ("VIRTUAL_ENV", venv.clone()),
        ("PATH", path_env),
        ("PYTHONUNBUFFERED", "1".to_string()),
        ("PYTHONDONTWRITEBYTECODE", "1".to_string()),
    ];
    if let Some(p) = port {
        run_env.push(("PORT", p.to_string()));
    }
    let check = port.map(|p| {
        let program = match &health_path {
            Some(path) => format!(
                "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('{}', timeout=4).status == 200 else 1)",
                health_url(p, path)
            ),
            None => format!("import socket; socket.create_connection(('127.0.0.1', {p}), 4).close()"),
        };
        vec!["python".to_string(), "-c".to_string(), program]
    });
    let mut native = super::super::native::needs(inv, root, root, "python");
    // Programs the code runs (git, to read its version at import) come with the image.
    for program in &service.run_programs {
        if !native.run.contains(&program.value) {
            native.run.push(program.value.clone());
            native.run.sort();
            native.why.push(format!(
                "the code runs {} ({})",
                program.value,
                site(program)
            ));
        }
    }
    model["build_packages"] = json!(native.build);
    model["run_packages"] = json!(native.run);
    model["native_why"] = json!(native.why);
    model["build_image"] = json!(img.build);
    model["run_image"] = json!(img.run);
    model["manifests"] = json!(manifests);
    model["cache"] = json!(cache);
    model["pm_setup"] = json!(pm_setup);
    model["assets"] = match &service.asset_build {
        Some(a) => assets_stage(a, inv, root, today, &mut warnings)?,
        None => serde_json::Value::Null,
    };
    model["health"] = health_model(check, "20s", "a worker without an HTTP port");
    let framework = service
        .framework
        .as_ref()
        .map(|f| value_name(&f.value))
        .unwrap_or_else(|| "python".to_string());
    let pm_name = value_name(&pm);
    model["title"] = json!(format!(
        "{} ({framework}, {pm_name})",
        runtime_label("Python", &img)
    ));
    let recipe = Recipe {
        service_dir: String::new(),
        build_env: env(&build_env),
        install,
        build,
        copies: Vec::new(),
        env: env(&run_env),
        start,
        port,
        health_path: port.and(health_path),
        tools,
        runtime_version: img.version.clone(),
    };
    Ok(Generated {
        template: "python",
        model,
        recipe,
        context: root.to_string(),
        summary: format!("{framework} with a {pm_name}-built virtualenv copied into python-slim"),
        run_image: img.run,
        user: APP_USER.to_string(),
        warnings,
        version_note,
    })
}

/// The stage that builds a Python app's front-end assets with Node (package.json's `build`
/// script), whose tree, less node_modules, is the source the Python build stage copies: the
/// bundles land where the app (and collectstatic) looks for them, without knowing the folders.
fn assets_stage(
    build: &shipshape_core::Located<String>,
    inv: &Inventory,
    root: &str,
    today: Day,
    warnings: &mut Vec<String>,
) -> Result<serde_json::Value, Skip> {
    let manifest = inv
        .text_of(&join(root, "package.json"))
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
    let engines = manifest
        .as_ref()
        .and_then(|m| m.get("engines")?.get("node")?.as_str().map(str::to_string));
    let img = base_images::resolve("node", engines.as_deref(), today).map_err(|e| {
        Skip(format!(
            "{} (package.json engines, for the front-end build)",
            e.0
        ))
    })?;
    let (lock, install, run) = if has(inv, root, "package-lock.json") {
        (
            "package-lock.json",
            "npm ci --no-audit --no-fund",
            "npm run build",
        )
    } else if has(inv, root, "pnpm-lock.yaml") {
        (
            "pnpm-lock.yaml",
            "corepack enable \\\n && pnpm install --frozen-lockfile",
            "pnpm run build",
        )
    } else if has(inv, root, "yarn.lock") {
        (
            "yarn.lock",
            "corepack enable \\\n && yarn install --frozen-lockfile",
            "yarn run build",
        )
    } else {
        warnings.push(
            "no lockfile for the front-end build (package.json): commit one so image builds \
             install the versions you tested"
                .to_string(),
        );
        ("", "npm install --no-audit --no-fund", "npm run build")
    };
    let cache = match lock {
        "pnpm-lock.yaml" => "/root/.local/share/pnpm/store",
        "yarn.lock" => "/usr/local/share/.cache/yarn",
        _ => "/root/.npm",
    };
    let mut manifests = vec!["package.json".to_string()];
    if !lock.is_empty() {
        manifests.push(lock.to_string());
    }
    let site = site(build);
    Ok(json!({
        "image": img.build,
        "manifests": manifests.join(" "),
        "cache": cache,
        "install": install,
        "build": run,
        "site": site,
    }))
}

/// Django imports its settings for `collectstatic`, and settings commonly demand the secret key
/// and connection strings from the environment. They are not needed to collect files: empty
/// values let the import succeed without putting any secret into the build.
pub(super) fn django_build(service: &Service, command: &str) -> String {
    if !command.contains("collectstatic") {
        return command.to_string();
    }
    let placeholders: Vec<String> = service
        .env_vars
        .iter()
        .map(|v| v.value.as_str())
        .filter(|name| crate::env_example::is_secret_name(name) || name.ends_with("_URL"))
        .map(|name| format!("{name}=''"))
        .collect();
    if placeholders.is_empty() {
        command.to_string()
    } else {
        format!("{} {command}", placeholders.join(" "))
    }
}

/// uvicorn, gunicorn, hypercorn, granian and `litestar run` listen on 127.0.0.1 unless told
/// otherwise: add the binding when the detected command has none.
pub(super) fn bind_python_server(mut argv: Vec<String>, port: Option<u16>) -> Vec<String> {
    let Some(port) = port else { return argv };
    let has = |argv: &[String], flags: &[&str]| {
        argv.iter().any(|a| {
            flags
                .iter()
                .any(|f| a == f || a.starts_with(&format!("{f}=")))
        })
    };
    let litestar_run =
        argv.first().is_some_and(|a| a == "litestar") && argv.iter().any(|a| a == "run");
    match argv.first().map(String::as_str) {
        Some("uvicorn" | "granian") => {
            if !has(&argv, &["--host"]) {
                argv.extend(["--host".to_string(), "0.0.0.0".to_string()]);
            }
            if !has(&argv, &["--port"]) {
                argv.extend(["--port".to_string(), port.to_string()]);
            }
        }
        Some("gunicorn" | "hypercorn") if !has(&argv, &["--bind", "-b"]) => {
            argv.extend(["--bind".to_string(), format!("0.0.0.0:{port}")]);
        }
        Some("litestar") if litestar_run => {
            if !has(&argv, &["--host", "-H"]) {
                argv.extend(["--host".to_string(), "0.0.0.0".to_string()]);
            }
            if !has(&argv, &["--port", "-p"]) {
                argv.extend(["--port".to_string(), port.to_string()]);
            }
        }
        _ => {}
    }
    argv
}

/// The requirements files pip reads: `requirements*.txt` in the service's folder and every file
/// they include with `-r` / `-c` (`requirements/base.txt`), so the install layer has them all.
fn requirement_files(inv: &Inventory, root: &str) -> Vec<String> {
    let mut files = files_in(inv, root, |n| {
        n.starts_with("requirements") && n.ends_with(".txt")
    });
    let mut i = 0;
    while i < files.len() {
        let current = files[i].clone();
        i += 1;
        let Some(text) = shipshape_detect::text::read(inv, &join(root, &current)) else {
            continue;
        };
        let base = crate::dir_of(&current);
        for line in text.lines() {
            let line = line.trim();
            let include = [
                "-r ",
                "-c ",
                "--requirement ",
                "--requirement=",
                "--constraint ",
                "--constraint=",
            ]
            .iter()
            .find_map(|flag| line.strip_prefix(flag));
            let Some(target) = include.map(str::trim) else {
                continue;
            };
            let joined = join(base, target);
            let mut parts: Vec<&str> = Vec::new();
            let mut outside = false;
            for part in joined.split('/') {
                match part {
                    "" | "." => {}
                    ".." => outside |= parts.pop().is_none(),
                    p => parts.push(p),
                }
            }
            let path = parts.join("/");
            if !outside
                && !path.is_empty()
                && !files.contains(&path)
                && inv.contains(&join(root, &path))
            {
                files.push(path);
            }
        }
    }
    files
}
