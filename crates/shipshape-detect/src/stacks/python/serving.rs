//! How the service is served in production: the app object or WSGI/ASGI module the server
//! imports, the server command built around it, and the ports the code binds.

use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::model::Framework;

use super::manifests::find;
use super::{Dep, Manifests};

/// What the production server must import.
#[derive(Debug, Clone)]
pub(super) enum AppTarget {
    /// An ASGI app object: `module:attr` (FastAPI, Starlette).
    Asgi { target: String, ev: Evidence },
    /// A WSGI app object or factory call: `module:app` or `module:create_app()` (Flask).
    Wsgi { target: String, ev: Evidence },
    /// Django's `project.wsgi:application` or `project.asgi:application`.
    Django {
        module: String,
        asgi: bool,
        ev: Vec<Evidence>,
    },
}

static FASTAPI_APP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^([A-Za-z_]\w*)\s*(?::\s*[\w.\[\]]+\s*)?=\s*(?:fastapi\.)?FastAPI\(")
        .expect("built-in pattern")
});
static STARLETTE_APP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^([A-Za-z_]\w*)\s*(?::\s*[\w.\[\]]+\s*)?=\s*(?:starlette\.applications\.)?Starlette\(")
        .expect("built-in pattern")
});
/// A module-level app made by a factory of the same file: `app = get_application()`.
static FACTORY_ASSIGN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^([A-Za-z_]\w*)\s*(?::\s*[\w.\[\]]+\s*)?=\s*([A-Za-z_]\w*)\(\s*\)\s*$")
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

pub(super) fn app_target(
    ctx: &Ctx,
    dir: &str,
    fw: Framework,
    deps: &[Dep],
    m: &Manifests,
) -> Option<AppTarget> {
    let sources = ctx.source_texts(dir, &["py"]);
    match fw {
        Framework::Fastapi | Framework::Starlette => {
            let (rx, label) = if fw == Framework::Fastapi {
                (&*FASTAPI_APP, "FastAPI")
            } else {
                (&*STARLETTE_APP, "Starlette")
            };
            let direct = sources.iter().find_map(|(f, text)| {
                let c = rx.captures(text)?;
                let var = c.get(1)?;
                let target = format!("{}:{}", module_of(dir, &f.path), var.as_str());
                let ev = Evidence::at_offset(
                    &f.path,
                    text,
                    var.start(),
                    format!("{label} app `{target}` created here"),
                );
                Some(AppTarget::Asgi { target, ev })
            });
            // `app = get_application()`, the factory defined in the same file and building
            // the app (`def get_application() -> FastAPI:`).
            let class = if fw == Framework::Fastapi {
                "FastAPI"
            } else {
                "Starlette"
            };
            direct.or_else(|| {
                sources.iter().find_map(|(f, text)| {
                    if !text.contains(&format!("{class}(")) {
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
                            .any(|l| l.contains(&format!("{class}(")));
                        let annotated = text[at..signature_end.min(text.len())].contains(class)
                            || text[at..].lines().next().is_some_and(|l| l.contains(class));
                        (builds || annotated).then(|| {
                            let target = format!("{}:{}", module_of(dir, &f.path), var.as_str());
                            let ev = Evidence::at_offset(
                                &f.path,
                                text,
                                var.start(),
                                format!("{label} app `{target}` built by {}() here", func.as_str()),
                            );
                            AppTarget::Asgi { target, ev }
                        })
                    })
                })
            })
        }
        Framework::Flask => {
            let assigned = sources.iter().find_map(|(f, text)| {
                let var = FLASK_APP.captures(text)?.get(1)?;
                let target = format!("{}:{}", module_of(dir, &f.path), var.as_str());
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
                    let target = format!("{}:{}()", module_of(dir, &f.path), func.as_str());
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

pub(super) fn start_command(app: &AppTarget, port: u16, deps: &[Dep]) -> Located<String> {
    let gunicorn = find(deps, &["gunicorn"]).is_some();
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
        AppTarget::Asgi { target, ev } if gunicorn => (
            format!("gunicorn {target} -k uvicorn.workers.UvicornWorker --bind 0.0.0.0:{port}"),
            vec![ev.clone()],
        ),
        AppTarget::Asgi { target, ev } => (
            format!("uvicorn {target} --host 0.0.0.0 --port {port}"),
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
