//! The package manager (uv, Poetry, Pipenv, pip) and the Python version the project pins.

use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::model::{Ambiguity, PackageManager};

use crate::stacks::shared::{self, Candidate};

use super::manifests::{assigns_key, file_name, line_in_section, str_at, table_at};
use super::Manifests;

pub(super) fn package_manager(
    ctx: &Ctx,
    dir: &str,
    service: &str,
    m: &Manifests,
    pyproject: Option<&(String, std::sync::Arc<str>, toml::Table)>,
) -> Option<Located<PackageManager>> {
    // Lockfiles are the strongest sign; two different ones are a question for the user.
    let locks: Vec<Located<PackageManager>> = [
        ("uv.lock", PackageManager::Uv),
        ("poetry.lock", PackageManager::Poetry),
        ("Pipfile.lock", PackageManager::Pipenv),
    ]
    .into_iter()
    .filter_map(|(f, pm)| {
        let p = Ctx::join(dir, f);
        ctx.exists(&p)
            .then(|| Located::new(pm, Evidence::file(p, f)))
    })
    .collect();
    if locks.len() > 1 {
        ctx.ambiguity(Ambiguity {
            subject: format!("services.{service}.package_manager"),
            chosen: Some(format!("{:?}", locks[0].value).to_lowercase()),
            candidates: locks
                .iter()
                .map(|l| Located {
                    value: format!("{:?}", l.value).to_lowercase(),
                    evidence: l.evidence.clone(),
                })
                .collect(),
            hint: format!(
                "delete the stale lockfile, or set `package_manager` under [services.{service}] in shipshape.toml"
            ),
        });
    }
    if let Some(l) = locks.into_iter().next() {
        return Some(l);
    }
    if let Some((path, text, v)) = pyproject {
        for (section, pm) in [
            ("tool.uv", PackageManager::Uv),
            ("tool.poetry", PackageManager::Poetry),
        ] {
            let keys: Vec<&str> = section.split('.').collect();
            if table_at(v, &keys).is_some() {
                let line = crate::ctx::line_of(text, &format!("[{section}"));
                let note = format!("pyproject.toml > {}", section.replace('.', " > "));
                return Some(Located::new(pm, Evidence::new(path, line, note)));
            }
        }
    }
    if let Some(p) = &m.pipfile {
        return Some(Located::new(
            PackageManager::Pipenv,
            Evidence::file(p, "Pipfile"),
        ));
    }
    if let Some(p) = m.requirements.first() {
        let note = format!("{} (pip)", file_name(p));
        return Some(Located::new(PackageManager::Pip, Evidence::file(p, note)));
    }
    if let Some((path, text, v)) = pyproject {
        if v.get("project").is_some() {
            let line = crate::ctx::line_of(text, "[project]");
            let note = "pyproject.toml > project (PEP 621, no lockfile: pip)";
            return Some(Located::new(
                PackageManager::Pip,
                Evidence::new(path, line, note),
            ));
        }
    }
    m.setup_py
        .as_ref()
        .map(|p| Located::new(PackageManager::Pip, Evidence::file(p, "setup.py (pip)")))
}

static SETUP_PY_REQUIRES: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#"(?m)^[^#\n]*\bpython_requires\s*=\s*['"]([^'"]+)['"]"#)
        .expect("built-in pattern")
});
static SETUP_CFG_REQUIRES: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?m)^python_requires\s*=\s*([^\n#;]+)").expect("built-in pattern")
});

pub(super) fn runtime_version(
    ctx: &Ctx,
    dir: &str,
    service: &str,
    pyproject: Option<&(String, std::sync::Arc<str>, toml::Table)>,
    pipfile: Option<&(String, std::sync::Arc<str>, toml::Table)>,
) -> Option<Located<String>> {
    let mut c: Vec<Candidate> = Vec::new();
    if let Some(p) = shared::find_upwards(ctx, dir, ".python-version") {
        if let Some(text) = ctx.text(&p) {
            if let Some((i, l)) = text
                .lines()
                .enumerate()
                .find(|(_, l)| !l.trim().is_empty() && !l.trim().starts_with('#'))
            {
                c.extend(Candidate::exact(
                    l.trim(),
                    Evidence::new(&p, u32::try_from(i + 1).ok(), ".python-version"),
                ));
            }
        }
    }
    if let Some((path, text, v)) = pyproject {
        if let Some(req) = str_at(v, &["project", "requires-python"]) {
            let line = line_in_section(text, "project", |l| l.starts_with("requires-python"));
            c.extend(Candidate::constraint(
                &req,
                Evidence::new(path, line, "pyproject.toml > project > requires-python"),
            ));
        }
        if let Some(req) = str_at(v, &["tool", "poetry", "dependencies", "python"]) {
            let line = line_in_section(text, "tool.poetry.dependencies", |l| {
                assigns_key(l, "python")
            });
            c.extend(Candidate::constraint(
                &req,
                Evidence::new(
                    path,
                    line,
                    "pyproject.toml > tool > poetry > dependencies > python",
                ),
            ));
        }
    }
    if let Some((path, text, v)) = pipfile {
        for key in ["python_full_version", "python_version"] {
            if let Some(ver) = str_at(v, &["requires", key]) {
                let line = line_in_section(text, "requires", |l| assigns_key(l, key));
                c.extend(Candidate::exact(
                    &ver,
                    Evidence::new(path, line, format!("Pipfile > requires > {key}")),
                ));
                break;
            }
        }
    }
    let runtime_txt = Ctx::join(dir, "runtime.txt");
    if let Some(text) = ctx.text(&runtime_txt) {
        if let Some((i, l)) = text
            .lines()
            .enumerate()
            .find(|(_, l)| l.trim().starts_with("python-"))
        {
            let ver = l.trim().trim_start_matches("python-");
            c.extend(Candidate::exact(
                ver,
                Evidence::new(&runtime_txt, u32::try_from(i + 1).ok(), "runtime.txt"),
            ));
        }
    }
    c.extend(shared::tool_version(ctx, dir, "python"));
    // setuptools' python_requires, in setup.py (as a keyword) or setup.cfg ([options]): a
    // package's minimum, so it speaks last — after the pins a deployment reads (runtime.txt).
    for (file, rx) in [
        ("setup.py", &*SETUP_PY_REQUIRES),
        ("setup.cfg", &*SETUP_CFG_REQUIRES),
    ] {
        let path = Ctx::join(dir, file);
        if let Some(text) = ctx.text(&path) {
            if let Some(m) = rx.captures(&text).and_then(|c| c.get(1)) {
                c.extend(Candidate::constraint(
                    m.as_str().trim(),
                    Evidence::at_offset(
                        &path,
                        &text,
                        m.start(),
                        format!("{file} > python_requires"),
                    ),
                ));
            }
        }
    }
    shared::choose_runtime(ctx, service, "python", c)
}
