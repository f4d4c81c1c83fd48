//! The web framework, from the dependencies, and the port it serves on by default.

use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::model::{Ambiguity, Framework};

use super::manifests::find;
use super::{Dep, Manifests};

/// The framework, from the dependencies (or a Django `manage.py` when nothing declares Django).
pub(super) fn framework(
    ctx: &Ctx,
    service: &str,
    deps: &[Dep],
    m: &Manifests,
) -> Option<Located<Framework>> {
    let mut found: Vec<Located<Framework>> = Vec::new();
    for (dep, fw) in [
        ("fastapi", Framework::Fastapi),
        ("django", Framework::Django),
        ("flask", Framework::Flask),
        ("starlette", Framework::Starlette),
        ("litestar", Framework::Litestar),
    ] {
        if let Some(d) = find(deps, &[dep]) {
            found.push(Located::new(fw, d.ev.clone()));
        }
    }
    // FastAPI is built on Starlette; listing both does not make two frameworks.
    if found.iter().any(|f| f.value == Framework::Fastapi) {
        found.retain(|f| f.value != Framework::Starlette);
    }
    if found.is_empty() {
        if let Some(p) = &m.manage_py {
            let text = ctx.text(p)?;
            let line = crate::ctx::line_of(&text, "DJANGO_SETTINGS_MODULE");
            if line.is_some() || text.contains("django") {
                return Some(Located::new(
                    Framework::Django,
                    Evidence::new(p, line, "manage.py > DJANGO_SETTINGS_MODULE"),
                ));
            }
        }
        return None;
    }
    if found.len() > 1 {
        ctx.ambiguity(Ambiguity {
            subject: format!("services.{service}.framework"),
            chosen: Some(format!("{:?}", found[0].value).to_lowercase()),
            candidates: found
                .iter()
                .map(|f| Located {
                    value: format!("{:?}", f.value).to_lowercase(),
                    evidence: f.evidence.clone(),
                })
                .collect(),
            hint: format!("set `framework` under [services.{service}] in shipshape.toml"),
        });
    }
    found.into_iter().next()
}

pub(super) fn default_port_note(fw: Framework) -> &'static str {
    match fw {
        Framework::Fastapi => "FastAPI default (uvicorn)",
        Framework::Starlette => "Starlette default (uvicorn)",
        Framework::Litestar => "Litestar default (litestar run)",
        Framework::Django => "Django default (gunicorn)",
        _ => "Flask default (gunicorn)",
    }
}
