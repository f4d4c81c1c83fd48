//! How the service is served in production: the app object or WSGI/ASGI module the server
//! imports, the server command built around it, and the ports the code binds.

use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::model::Framework;

use super::litestar;
use super::manifests::find;
use super::{Dep, Manifests};

/// What the production server must import.
#[derive(Debug, Clone)]
pub(super) enum AppTarget {
    /// An ASGI app object or, with `factory`, the function that makes one: `module:attr`
    /// (FastAPI, Starlette, Litestar).
    Asgi {
        target: String,
        factory: bool,
        ev: Evidence,
    },
    /// A WSGI app object or factory call: `module:app` or `module:create_app()` (Flask).
    Wsgi { target: String, ev: Evidence },
    /// Django's `project.wsgi:application` or `project.asgi:application`.
    Django {
        module: String,
        asgi: bool,
        ev: Vec<Evidence>,
    },
}

/// A module-level app of an ASGI framework: `app = FastAPI(`, `app: Litestar = Litestar(`.
fn asgi_app_regex(class: &str, module: &str) -> Regex {
    Regex::new(&format!(
        r"(?m)^([A-Za-z_]\w*)\s*(?::\s*[\w.\[\]]+\s*)?=\s*(?:{module}\.)?{class}\("
    ))
    .expect("built-in pattern")
}
static FASTAPI_APP: LazyLock<Regex> = LazyLock::new(|| asgi_app_regex("FastAPI", "fastapi"));
static STARLETTE_APP: LazyLock<Regex> =
    LazyLock::new(|| asgi_app_regex("Starlette", "starlette\\.applications"));
static LITESTAR_APP: LazyLock<Regex> = LazyLock::new(|| asgi_app_regex("Litestar", "litestar"));
/// A module-level app made by a factory of the same file: `app = get_application()`.
static FACTORY_ASSIGN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^([A-Za-z_]\w*)\s*(?::\s*[\w.\[\]]+\s*)?=\s*([A-Za-z_]\w*)\(\s*\)\s*$")
        .expect("built-in pattern")
});
/// A top-level function that takes no required argument: `def create_app() -> Litestar:`.
static FACTORY_DEF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(\s*\)\s*(?:->\s*([\w.\[\]\x22']+)\s*)?:",
    )
    .expect("built-in pattern")
});
static FLASK_APP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^([A-Za-z_]\w*)\s*(?::\s*[\w.]+\s*)?=\s*(?:flask\.)?Flask\(")
        .expect("built-in pattern")
});
static APP_FACTORY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^def\s+(create_app|make_app)\s*\(").expect("built-in pattern")
});
static SETTINGS_MODULE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']"#).expect("built-in pattern")
});

/// Import path of a Python file relative to the service folder (`app/main.py` → `app.main`).
/// A `src/` layout is installed into the environment, so `src/` is not part of the name.
fn module_of(dir: &str, path: &str) -> String {
    let rel = if dir == "." || dir.is_empty() {
        path
    } else {
        path.strip_prefix(&format!("{dir}/")).unwrap_or(path)
    };
    let rel = rel.strip_prefix("src/").unwrap_or(rel);
    let rel = rel.strip_suffix(".py").unwrap_or(rel);
    let rel = rel.strip_suffix("/__init__").unwrap_or(rel);
    rel.replace('/', ".")
}

fn parent_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Import path of a Python file, from the folder its outermost package (the highest folder of
/// an unbroken chain of `__init__.py`) sits in when that folder is deeper than the service or
/// its `src/`: `src/py/app/server/asgi.py` of a project that packages `src/py/app` is
/// `app.server.asgi`, not `py.app.server.asgi`.
fn import_path(ctx: &Ctx, dir: &str, path: &str) -> String {
    let mut top: Option<&str> = None;
    let mut folder = parent_of(path);
    while !folder.is_empty() && ctx.exists(&format!("{folder}/__init__.py")) {
        top = Some(folder);
        folder = parent_of(folder);
    }
    let root = if dir == "." { "" } else { dir };
    let src = Ctx::join(dir, "src");
    match top {
        Some(_) if folder != root && folder != src && folder.starts_with(root) => {
            module_of(folder, path)
        }
        _ => module_of(dir, path),
    }
}

/// The app object or factory of an ASGI framework whose application class is `class`: a
/// module-level `app = Class(…)`, else `app = make()` where `make` builds one, else a
/// top-level factory (`def create_app() -> Class:`, or one of the usual names building it),
/// which the server calls.
fn asgi_target(
    ctx: &Ctx,
    dir: &str,
    sources: &[(&shipshape_core::FileEntry, std::sync::Arc<str>)],
    rx: &Regex,
    class: &str,
) -> Option<AppTarget> {
    let direct = sources.iter().find_map(|(f, text)| {
        let c = rx.captures(text)?;
        let var = c.get(1)?;
        let target = format!("{}:{}", import_path(ctx, dir, &f.path), var.as_str());
        let ev = Evidence::at_offset(
            &f.path,
            text,
            var.start(),
            format!("{class} app `{target}` created here"),
        );
        Some(AppTarget::Asgi {
            target,
            factory: false,
            ev,
        })
    });
    let call = format!("{class}(");
    // `app = get_application()`, the factory defined in the same file and building the app
    // (`def get_application() -> FastAPI:`).
    let assigned = || {
        sources.iter().find_map(|(f, text)| {
            if !text.contains(&call) {
                return None;
            }
            FACTORY_ASSIGN.captures_iter(text).find_map(|c| {
                let (var, func) = (c.get(1)?, c.get(2)?);
                let def = format!("def {}(", func.as_str());
                let at = text.find(&def)?;
                let signature_end = text[at..].find(':').map_or(text.len(), |e| at + e);
                let builds = text[at..]
                    .lines()
                    .take_while(|l| !l.starts_with("def ") || l.starts_with(&def))
                    .any(|l| l.contains(&call));
                let annotated = text[at..signature_end.min(text.len())].contains(class)
                    || text[at..].lines().next().is_some_and(|l| l.contains(class));
                (builds || annotated).then(|| {
                    let target = format!("{}:{}", import_path(ctx, dir, &f.path), var.as_str());
                    let ev = Evidence::at_offset(
                        &f.path,
                        text,
                        var.start(),
                        format!("{class} app `{target}` built by {}() here", func.as_str()),
                    );
                    AppTarget::Asgi {
                        target,
                        factory: false,
                        ev,
                    }
                })
            })
        })
    };
    // A factory nothing at module level calls: the server calls it (`--factory`).
    let factory = || {
        sources.iter().find_map(|(f, text)| {
            if !text.contains(class) {
                return None;
            }
            FACTORY_DEF.captures_iter(text).find_map(|c| {
                let func = c.get(1)?;
                let returns = c.get(2).is_some_and(|r| {
                    r.as_str().trim_matches(['"', '\'']).rsplit('.').next() == Some(class)
                });
                let named = matches!(
                    func.as_str(),
                    "create_app" | "make_app" | "get_app" | "app_factory" | "get_application"
                );
                let body = &text[c.get(0)?.end()..];
                let body_end = body
                    .lines()
                    .skip(1)
                    .position(|l| !l.is_empty() && !l.starts_with([' ', '\t']))
                    .map_or(body.len(), |n| {
                        body.split_inclusive('\n').take(n + 1).map(str::len).sum()
                    });
                let builds = body[..body_end].contains(&call);
                (returns || (named && builds)).then(|| {
                    let target = format!("{}:{}", import_path(ctx, dir, &f.path), func.as_str());
                    let ev = Evidence::at_offset(
                        &f.path,
                        text,
                        func.start(),
                        format!("{class} app factory `{target}`"),
                    );
                    AppTarget::Asgi {
                        target,
                        factory: true,
                        ev,
                    }
                })
            })
        })
    };
    direct.or_else(assigned).or_else(factory)
}

pub(super) fn app_target(
    ctx: &Ctx,
    dir: &str,
    fw: Framework,
    deps: &[Dep],
    m: &Manifests,
) -> Option<AppTarget> {
    let sources = ctx.source_texts(dir, &["py"]);
    match fw {
        Framework::Fastapi => asgi_target(ctx, dir, &sources, &FASTAPI_APP, "FastAPI"),
        Framework::Starlette => asgi_target(ctx, dir, &sources, &STARLETTE_APP, "Starlette"),
        // The `litestar` CLI serves what `LITESTAR_APP` names, which projects set in their own
        // entry point; else the app or factory in the code.
        Framework::Litestar => litestar::app_from_env(ctx, dir)
            .map(|(target, ev)| {
                let factory = target.split_once(':').is_some_and(|(module, attr)| {
                    sources.iter().any(|(f, text)| {
                        import_path(ctx, dir, &f.path) == module
                            && text.contains(&format!("def {attr}("))
                    })
                });
                AppTarget::Asgi {
                    target,
                    factory,
                    ev,
                }
            })
            .or_else(|| asgi_target(ctx, dir, &sources, &LITESTAR_APP, "Litestar")),
        Framework::Flask => {
            let assigned = sources.iter().find_map(|(f, text)| {
                let var = FLASK_APP.captures(text)?.get(1)?;
                let target = format!("{}:{}", import_path(ctx, dir, &f.path), var.as_str());
                let ev = Evidence::at_offset(
                    &f.path,
                    text,
                    var.start(),
                    format!("Flask app `{target}` created here"),
                );
                Some(AppTarget::Wsgi { target, ev })
            });
            assigned.or_else(|| {
                sources.iter().find_map(|(f, text)| {
                    if !text.contains("Flask(") {
                        return None;
                    }
                    let func = APP_FACTORY.captures(text)?.get(1)?;
                    let target = format!("{}:{}()", import_path(ctx, dir, &f.path), func.as_str());
                    let ev = Evidence::at_offset(
                        &f.path,
                        text,
                        func.start(),
                        format!("Flask app factory `{target}`"),
                    );
                    Some(AppTarget::Wsgi { target, ev })
                })
            })
        }
        Framework::Django => {
            let mut ev = Vec::new();
            let mut project: Option<String> = None;
            if let Some(p) = &m.manage_py {
                if let Some(text) = ctx.text(p) {
                    if let Some(c) = SETTINGS_MODULE.captures(&text).and_then(|c| c.get(1)) {
                        project = c.as_str().split('.').next().map(str::to_string);
                        ev.push(Evidence::at_offset(
                            p,
                            &text,
                            c.start(),
                            "manage.py > DJANGO_SETTINGS_MODULE",
                        ));
                    }
                }
            }
            let wants_asgi = find(deps, &["channels", "daphne", "uvicorn"]).is_some();
            let kind = |asgi: bool| if asgi { "asgi" } else { "wsgi" };
            let file_for = |asgi: bool| -> Option<String> {
                let name = format!("{}.py", kind(asgi));
                if let Some(proj) = &project {
                    let p = Ctx::join(dir, &format!("{proj}/{name}"));
                    if ctx.exists(&p) {
                        return Some(p);
                    }
                }
                ctx.service_files(dir)
                    .filter(|f| f.name() == name && !crate::scan::is_test_path(&f.path))
                    .min_by_key(|f| f.path.matches('/').count())
                    .map(|f| f.path.clone())
            };
            let asgi = wants_asgi && file_for(true).is_some();
            let module = match file_for(asgi) {
                Some(p) => {
                    ev.push(Evidence::file(
                        &p,
                        format!("Django {} entry point", kind(asgi).to_uppercase()),
                    ));
                    module_of(dir, &p)
                }
                None => format!("{}.{}", project?, kind(asgi)),
            };
            Some(AppTarget::Django { module, asgi, ev })
        }
        _ => None,
    }
}

/// Evidence that a server package is a dependency, or a note on the app evidence that it is not.
fn server_evidence(deps: &[Dep], names: &[&str], server: &str, ev: &mut Vec<Evidence>) {
    match find(deps, names) {
        Some(d) => {
            let mut e = d.ev.clone();
            e.note = format!("{} ({server} serves the app)", e.note);
            ev.push(e);
        }
        None => {
            if let Some(first) = ev.first_mut() {
                first.note = format!(
                    "{}; {server} is not a declared dependency — add it",
                    first.note
                );
            }
        }
    }
}

/// The `litestar` CLI serves the app it is given (calling a factory itself) with uvicorn, or
/// with granian when litestar-granian's plugin replaces its `run`.
fn litestar_run(target: &str, ev: &Evidence, port: u16, deps: &[Dep]) -> Located<String> {
    let mut ev = vec![ev.clone()];
    let uvicorn = deps.iter().find(|d| {
        d.name == "uvicorn"
            || (d.name == "litestar" && d.extras.iter().any(|e| e == "standard" || e == "full"))
    });
    match find(deps, &["litestar-granian"]).or(uvicorn) {
        Some(d) => {
            let server = if d.name == "litestar-granian" {
                "granian"
            } else {
                "uvicorn"
            };
            let mut e = d.ev.clone();
            e.note = format!("{} ({server} serves the app under `litestar run`)", e.note);
            ev.push(e);
        }
        None => {
            ev[0].note = format!(
                "{}; `litestar run` needs uvicorn (`litestar[standard]`) or litestar-granian, \
                 and neither is a declared dependency — add one",
                ev[0].note
            );
        }
    }
    Located {
        value: format!("litestar --app {target} run --host 0.0.0.0 --port {port}"),
        evidence: ev,
    }
}

pub(super) fn start_command(
    fw: Framework,
    app: &AppTarget,
    port: u16,
    deps: &[Dep],
) -> Located<String> {
    let gunicorn = find(deps, &["gunicorn"]).is_some();
    if let (Framework::Litestar, false, AppTarget::Asgi { target, ev, .. }) = (fw, gunicorn, app) {
        return litestar_run(target, ev, port, deps);
    }
    // `fastapi[standard]` pulls uvicorn in.
    let uvicorn_via_fastapi = deps
        .iter()
        .find(|d| d.name == "fastapi" && d.extras.iter().any(|e| e == "standard" || e == "all"));
    let uvicorn_names: &[&str] = if uvicorn_via_fastapi.is_some() {
        &["uvicorn", "fastapi"]
    } else {
        &["uvicorn"]
    };
    let (cmd, mut ev) = match app {
        // gunicorn calls a factory written as a call: `"module:create_app()"`.
        AppTarget::Asgi {
            target,
            factory: true,
            ev,
        } if gunicorn => (
            format!(
                "gunicorn \"{target}()\" -k uvicorn.workers.UvicornWorker --bind 0.0.0.0:{port}"
            ),
            vec![ev.clone()],
        ),
        AppTarget::Asgi { target, ev, .. } if gunicorn => (
            format!("gunicorn {target} -k uvicorn.workers.UvicornWorker --bind 0.0.0.0:{port}"),
            vec![ev.clone()],
        ),
        AppTarget::Asgi {
            target,
            factory,
            ev,
        } => (
            format!(
                "uvicorn {target}{} --host 0.0.0.0 --port {port}",
                if *factory { " --factory" } else { "" }
            ),
            vec![ev.clone()],
        ),
        AppTarget::Wsgi { target, ev } => {
            let t = if target.ends_with(')') {
                format!("\"{target}\"")
            } else {
                target.clone()
            };
            (
                format!("gunicorn {t} --bind 0.0.0.0:{port}"),
                vec![ev.clone()],
            )
        }
        AppTarget::Django {
            module,
            asgi: true,
            ev,
        } => {
            let cmd = if gunicorn && find(deps, uvicorn_names).is_some() {
                format!("gunicorn {module}:application -k uvicorn.workers.UvicornWorker --bind 0.0.0.0:{port}")
            } else if find(deps, &["daphne"]).is_some() && find(deps, &["uvicorn"]).is_none() {
                format!("daphne -b 0.0.0.0 -p {port} {module}:application")
            } else {
                format!("uvicorn {module}:application --host 0.0.0.0 --port {port}")
            };
            (cmd, ev.clone())
        }
        AppTarget::Django {
            module,
            asgi: false,
            ev,
        } => (
            format!("gunicorn {module}:application --bind 0.0.0.0:{port}"),
            ev.clone(),
        ),
    };
    match app {
        AppTarget::Asgi { .. } if gunicorn => {
            server_evidence(deps, &["gunicorn"], "gunicorn", &mut ev)
        }
        AppTarget::Asgi { .. } => server_evidence(deps, uvicorn_names, "uvicorn", &mut ev),
        AppTarget::Wsgi { .. } | AppTarget::Django { asgi: false, .. } => {
            server_evidence(deps, &["gunicorn"], "gunicorn", &mut ev)
        }
        AppTarget::Django { asgi: true, .. } => {
            if cmd.starts_with("daphne") {
                server_evidence(deps, &["daphne"], "daphne", &mut ev)
            } else if cmd.starts_with("gunicorn") {
                server_evidence(deps, &["gunicorn"], "gunicorn", &mut ev)
            } else {
                server_evidence(deps, &["uvicorn"], "uvicorn", &mut ev)
            }
        }
    }
    Located {
        value: cmd,
        evidence: ev,
    }
}

/// The top-level function a line sits in: the last `def name(` at the start of a line before it.
static TOP_DEF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^(?:async\s+)?def\s+(\w+)\s*\(").expect("built-in pattern"));

/// A script's `if __name__ == "__main__":` guard.
static MAIN_GUARD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)^if\s+__name__\s*==\s*["']__main__["']\s*:"#).expect("built-in pattern")
});

/// A Flask-SocketIO app is served by its own `socketio.run(app, …)` (which picks eventlet,
/// gevent or Werkzeug and speaks the WebSocket protocol): gunicorn on the module's `app` would
/// skip the socket server and, when the routes are registered in the function that calls
/// `run`, every route. The start is the script whose `__main__` guard reaches that call: the
/// file of the call itself, or a script at the service's root that calls the function holding
/// it (`changedetection.py` calling `changedetectionio.main()`).
pub(super) fn socketio_launcher(ctx: &Ctx, dir: &str, deps: &[Dep]) -> Option<Located<String>> {
    let dep = find(deps, &["flask-socketio"])?;
    let texts = ctx.source_texts(dir, &["py"]);
    let prefix = if dir == "." {
        String::new()
    } else {
        format!("{dir}/")
    };
    let rel = |p: &str| p.strip_prefix(&prefix).unwrap_or(p).to_string();
    for (f, text) in &texts {
        if crate::scan::is_test_path(&f.path) {
            continue;
        }
        let Some(call) = text.find("socketio.run(") else {
            continue;
        };
        let call_ev =
            Evidence::at_offset(&f.path, text, call, "socketio.run(app, …) serves the app");
        let with = |script: &str, ev: Evidence| {
            let mut dep_ev = dep.ev.clone();
            dep_ev.note = format!("{} (Flask-SocketIO serves the app itself)", dep_ev.note);
            Located {
                value: format!("python {script}"),
                evidence: vec![ev, call_ev.clone(), dep_ev],
            }
        };
        if let Some(guard) = MAIN_GUARD.find(text) {
            if guard.start() < call {
                let ev = Evidence::at_offset(
                    &f.path,
                    text,
                    guard.start(),
                    "the script's __main__ guard",
                );
                return Some(with(&rel(&f.path), ev));
            }
        }
        let Some(func) = TOP_DEF
            .captures_iter(&text[..call])
            .last()
            .and_then(|c| c.get(1))
            .map(|m| m.as_str().to_string())
        else {
            continue;
        };
        let module = module_of(dir, &f.path);
        let root_module = module.split('.').next().unwrap_or(&module).to_string();
        for (s, script) in &texts {
            let name = rel(&s.path);
            if name.contains('/') || crate::scan::is_test_path(&s.path) {
                continue;
            }
            let Some(guard) = MAIN_GUARD.find(script) else {
                continue;
            };
            let body = &script[guard.end()..];
            let calls = body.contains(&format!("{module}.{func}("))
                || (body.contains(&format!("{func}("))
                    && script.contains(&format!("import {func}"))
                    && script.contains(&root_module))
                || (module == root_module && body.contains(&format!("{root_module}.{func}(")));
            if calls {
                let ev = Evidence::at_offset(
                    &s.path,
                    script,
                    guard.start(),
                    format!("the script's __main__ guard calls {module}.{func}()"),
                );
                return Some(with(&name, ev));
            }
        }
    }
    None
}

static RUN_CALL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\.run\(([^)]*)").expect("built-in pattern"));
static PORT_ARG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\bport\s*=\s*(?:int\(\s*)?(?:(\d{2,5})\b|os\.(?:environ\.get|getenv)\(\s*["']PORT["']\s*,\s*["']?(\d{2,5}))"#,
    )
    .expect("built-in pattern")
});
static GUNICORN_BIND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)^bind\s*=\s*\[?\s*["'][^"']*:(\d{2,5})["']"#).expect("built-in pattern")
});

/// Ports the code states: `uvicorn.run(app, port=8080)`, `app.run(port=5000)`, gunicorn's `bind`.
pub(super) fn code_ports(ctx: &Ctx, dir: &str) -> Vec<Located<u16>> {
    let mut out = Vec::new();
    for (f, text) in ctx.source_texts(dir, &["py"]) {
        if f.name().starts_with("gunicorn") {
            for c in GUNICORN_BIND.captures_iter(&text) {
                if let Some((m, p)) = c
                    .get(1)
                    .and_then(|m| m.as_str().parse::<u16>().ok().map(|p| (m, p)))
                {
                    out.push(Located::new(
                        p,
                        Evidence::at_offset(&f.path, &text, m.start(), "gunicorn config > bind"),
                    ));
                }
            }
            continue;
        }
        for call in RUN_CALL.captures_iter(&text) {
            let Some(args) = call.get(1) else { continue };
            if let Some(c) = PORT_ARG.captures(args.as_str()) {
                if let Some(m) = c.get(1).or_else(|| c.get(2)) {
                    if let Ok(p) = m.as_str().parse::<u16>() {
                        let ev = Evidence::at_offset(
                            &f.path,
                            &text,
                            args.start() + m.start(),
                            "run(port=…) in code",
                        );
                        out.push(Located::new(p, ev));
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_path_drops_src_layout_and_init() {
        assert_eq!(module_of(".", "app/main.py"), "app.main");
        assert_eq!(
            module_of("services/api", "services/api/src/api/__init__.py"),
            "api"
        );
        assert_eq!(module_of(".", "main.py"), "main");
    }

    #[test]
    fn finds_explicit_ports_in_run_calls() {
        let text = "if __name__ == '__main__':\n    uvicorn.run(app, host='0.0.0.0', port=int(os.environ.get('PORT', '8080')))\n";
        let c = RUN_CALL.captures(text).unwrap();
        let p = PORT_ARG.captures(c.get(1).unwrap().as_str()).unwrap();
        assert_eq!(p.get(2).unwrap().as_str(), "8080");
    }
}
