//! Detection of Python services: which manifest declares the dependencies (PEP 621, Poetry,
//! Pipfile, requirements files, setup.py), which package manager and interpreter version the
//! project pins, which web framework it uses and the production command that serves it.
//!
//! The helpers in [`shared`] (runtime version precedence, `.tool-versions`, Procfile web
//! process, backing-service collection) are also used by the Ruby and PHP detectors.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::{ArtifactKind, Evidence, Located, ManifestKind};

use crate::ctx::Ctx;
use crate::model::{
    Ambiguity, BackingKind, Framework, Language, PackageManager, Service, ServiceRole,
};
use crate::stacks::Found;

use crate::stacks::shared::{self, Backing, Candidate};

/// A dependency as declared, with the line that declares it.
#[derive(Debug, Clone)]
struct Dep {
    /// Normalised name (PEP 503: lower case, runs of `-_.` as one `-`).
    name: String,
    extras: Vec<String>,
    ev: Evidence,
}

/// The Python manifests present in a service folder.
struct Manifests {
    pyproject: Option<String>,
    pipfile: Option<String>,
    requirements: Vec<String>,
    setup_py: Option<String>,
    manage_py: Option<String>,
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
    svc.runtime_version = runtime_version(ctx, dir, &name, pyproject.as_ref(), pipfile.as_ref());

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
    svc.start_command = procfile.or_else(|| app.as_ref().map(|a| start_command(a, port, &deps)));
    if framework
        .as_ref()
        .is_some_and(|f| f.value == Framework::Django)
    {
        svc.build_command = collectstatic(ctx, dir);
    }
    svc.health_path = django_health(ctx, dir).or_else(|| ctx.health_path(dir, Language::Python));
    svc.framework = framework;
    svc.backing_services = backing.0;
    svc.env_vars = ctx.env_vars(dir, Language::Python);
    Some(Found::Service(Box::new(svc)))
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn str_at(v: &toml::Table, keys: &[&str]) -> Option<String> {
    let (last, init) = keys.split_last()?;
    let mut t = v;
    for k in init {
        t = t.get(*k)?.as_table()?;
    }
    t.get(*last)?.as_str().map(str::to_string)
}

fn table_at<'t>(v: &'t toml::Table, keys: &[&str]) -> Option<&'t toml::Table> {
    let mut t = v;
    for k in keys {
        t = t.get(*k)?.as_table()?;
    }
    Some(t)
}

fn manifests(ctx: &Ctx, dir: &str) -> Manifests {
    let has = |name: &str| {
        let p = Ctx::join(dir, name);
        ctx.exists(&p).then_some(p)
    };
    let req_dir = Ctx::join(dir, "requirements");
    let mut requirements: Vec<String> = ctx
        .service_files(dir)
        .filter(|f| f.kind == ArtifactKind::PackageManifest(ManifestKind::RequirementsTxt))
        .filter(|f| shared::same_dir(f.dir(), dir) || f.dir() == req_dir)
        .map(|f| f.path.clone())
        .collect();
    // `requirements.txt` itself names the project; includes and variants come after it.
    requirements.sort_by_key(|p| {
        (
            p.matches('/').count(),
            file_name(p) != "requirements.txt",
            p.clone(),
        )
    });
    Manifests {
        pyproject: has("pyproject.toml"),
        pipfile: has("Pipfile"),
        requirements,
        setup_py: has("setup.py"),
        manage_py: has("manage.py"),
    }
}

/// PEP 503 name normalisation, so `Flask_SQLAlchemy` and `flask-sqlalchemy` are one package.
fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// Name and extras of a PEP 508 requirement (`uvicorn[standard]>=0.29; python_version>"3.8"`).
fn parse_requirement(s: &str) -> Option<(String, Vec<String>)> {
    let s = s.trim();
    // Local paths (`./libs/x`, `.`) are not named packages.
    if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        .unwrap_or(s.len());
    if end == 0 {
        return None;
    }
    let name = normalize(&s[..end]);
    let rest = s[end..].trim_start();
    let extras = match rest.strip_prefix('[') {
        Some(r) => r
            .split(']')
            .next()
            .unwrap_or("")
            .split(',')
            .map(normalize)
            .filter(|e| !e.is_empty())
            .collect(),
        None => Vec::new(),
    };
    Some((name, extras))
}

fn push_dep(deps: &mut Vec<Dep>, name: String, extras: Vec<String>, ev: Evidence) {
    if name == "python" || deps.iter().any(|d| d.name == name) {
        return;
    }
    deps.push(Dep { name, extras, ev });
}

/// 1-based line of the first line inside TOML table `[header]` for which `pred` holds.
fn line_in_section(text: &str, header: &str, pred: impl Fn(&str) -> bool) -> Option<u32> {
    let mut inside = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') && !t.starts_with("[\"") && !t.starts_with("['") && t.ends_with(']') {
            inside = t.trim_matches(['[', ']']).trim() == header;
            continue;
        }
        if inside && pred(t) {
            return u32::try_from(i + 1).ok();
        }
    }
    None
}

/// Whether a TOML line assigns `key` (bare or quoted, compared by normalised package name).
fn assigns_key(line: &str, key: &str) -> bool {
    let Some((k, _)) = line.split_once('=') else {
        return false;
    };
    normalize(k.trim().trim_matches(['"', '\''])) == normalize(key)
}

fn quoted(line: &str, raw: &str) -> bool {
    line.contains(&format!("\"{raw}\"")) || line.contains(&format!("'{raw}'"))
}

fn pep621_deps(path: &str, text: &str, v: &toml::Table, deps: &mut Vec<Dep>) {
    let Some(list) = table_at(v, &["project"])
        .and_then(|p| p.get("dependencies"))
        .and_then(|d| d.as_array())
    else {
        return;
    };
    for raw in list.iter().filter_map(|d| d.as_str()) {
        if let Some((name, extras)) = parse_requirement(raw) {
            let line = line_in_section(text, "project", |l| quoted(l, raw));
            let note = format!("pyproject.toml > project > dependencies > {name}");
            push_dep(deps, name, extras, Evidence::new(path, line, note));
        }
    }
}

fn poetry_deps(path: &str, text: &str, v: &toml::Table, deps: &mut Vec<Dep>) {
    let Some(table) = table_at(v, &["tool", "poetry", "dependencies"]) else {
        return;
    };
    for (key, val) in table {
        let extras = val
            .get("extras")
            .and_then(|e| e.as_array())
            .map(|a| a.iter().filter_map(|x| x.as_str()).map(normalize).collect())
            .unwrap_or_default();
        let line = line_in_section(text, "tool.poetry.dependencies", |l| assigns_key(l, key));
        let name = normalize(key);
        let note = format!("pyproject.toml > tool > poetry > dependencies > {name}");
        push_dep(deps, name, extras, Evidence::new(path, line, note));
    }
}

fn pipfile_deps(path: &str, text: &str, v: &toml::Table, deps: &mut Vec<Dep>) {
    let Some(table) = table_at(v, &["packages"]) else {
        return;
    };
    for (key, val) in table {
        let extras = val
            .get("extras")
            .and_then(|e| e.as_array())
            .map(|a| a.iter().filter_map(|x| x.as_str()).map(normalize).collect())
            .unwrap_or_default();
        let line = line_in_section(text, "packages", |l| assigns_key(l, key));
        let name = normalize(key);
        let note = format!("Pipfile > packages > {name}");
        push_dep(deps, name, extras, Evidence::new(path, line, note));
    }
}

/// The requirements files that describe production: `requirements.txt`, else a production or
/// base file under `requirements/`, else every requirements file not meant for dev or tests.
fn production_requirement_files(dir: &str, files: &[String]) -> Vec<String> {
    const PREFERRED: &[&str] = &[
        "requirements.txt",
        "requirements/production.txt",
        "requirements/prod.txt",
        "requirements/base.txt",
        "requirements/common.txt",
        "requirements/main.txt",
        "requirements-prod.txt",
        "requirements_prod.txt",
    ];
    for p in PREFERRED {
        let path = Ctx::join(dir, p);
        if files.contains(&path) {
            return vec![path];
        }
    }
    files
        .iter()
        .filter(|p| {
            let n = file_name(p).to_ascii_lowercase();
            !["dev", "test", "lint", "doc", "ci", "local"]
                .iter()
                .any(|w| n.contains(w))
        })
        .cloned()
        .collect()
}

/// `a/b/../c.txt` → `a/c.txt`; `None` when the path leaves the repository.
fn normalize_path(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            c => parts.push(c),
        }
    }
    Some(parts.join("/"))
}

/// One line of a requirements file, read for what it declares.
#[derive(Debug, PartialEq)]
enum ReqLine {
    Include(String),
    Requirement(String, Vec<String>),
    Nothing,
}

fn parse_requirements_line(line: &str) -> ReqLine {
    // Comments start at `#` at the line start or after whitespace (URLs keep their `#egg=`).
    let l = match line.find(" #") {
        Some(i) => &line[..i],
        None => line,
    }
    .trim();
    if l.is_empty() || l.starts_with('#') {
        return ReqLine::Nothing;
    }
    for opt in ["-r", "--requirement"] {
        if let Some(rest) = l.strip_prefix(opt) {
            if rest.starts_with([' ', '=', '\t']) {
                return ReqLine::Include(
                    rest.trim_start_matches(['=', ' ', '\t']).trim().to_string(),
                );
            }
        }
    }
    let egg = |s: &str| {
        s.split("#egg=")
            .nth(1)
            .and_then(|e| parse_requirement(e.split('&').next().unwrap_or("")))
    };
    if let Some(rest) = l
        .strip_prefix("-e")
        .or_else(|| l.strip_prefix("--editable"))
    {
        return match egg(rest) {
            Some((n, e)) => ReqLine::Requirement(n, e),
            None => ReqLine::Nothing,
        };
    }
    if l.starts_with('-') {
        return ReqLine::Nothing;
    }
    // A bare URL (`git+https://…#egg=name`), as opposed to `name @ https://…`.
    let bare_url = l.split_once("://").is_some_and(|(scheme, _)| {
        scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+')
    });
    if bare_url {
        return match egg(l) {
            Some((n, e)) => ReqLine::Requirement(n, e),
            None => ReqLine::Nothing,
        };
    }
    match parse_requirement(l) {
        Some((n, e)) => ReqLine::Requirement(n, e),
        None => ReqLine::Nothing,
    }
}

fn requirements_deps(ctx: &Ctx, dir: &str, files: &[String], deps: &mut Vec<Dep>) {
    let mut queue = production_requirement_files(dir, files);
    let mut seen: BTreeSet<String> = BTreeSet::new();
    while let Some(path) = (!queue.is_empty()).then(|| queue.remove(0)) {
        if !seen.insert(path.clone()) {
            continue;
        }
        let Some(text) = ctx.text(&path) else {
            continue;
        };
        let rel = path
            .strip_prefix(&format!("{dir}/"))
            .unwrap_or(&path)
            .to_string();
        let base = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        for (i, line) in text.lines().enumerate() {
            let lineno = u32::try_from(i + 1).ok();
            match parse_requirements_line(line) {
                ReqLine::Include(inc) => {
                    let target = normalize_path(&Ctx::join(base, &inc));
                    match target.filter(|t| ctx.exists(t)) {
                        Some(t) => queue.push(t),
                        None => ctx.note(
                            &path,
                            lineno,
                            format!("included requirements file `{inc}` is not in the repository — its dependencies were not read"),
                        ),
                    }
                }
                ReqLine::Requirement(name, extras) => {
                    let note = format!("{rel} > {name}");
                    push_dep(deps, name, extras, Evidence::new(&path, lineno, note));
                }
                ReqLine::Nothing => {}
            }
        }
    }
}

static INSTALL_REQUIRES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)install_requires\s*=\s*\[(.*?)\]").expect("built-in pattern")
});
static QUOTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"["']([^"']+)["']"#).expect("built-in pattern"));

fn setup_py_deps(ctx: &Ctx, path: &str, deps: &mut Vec<Dep>) {
    let Some(text) = ctx.text(path) else {
        return;
    };
    let Some(list) = INSTALL_REQUIRES.captures(&text).and_then(|c| c.get(1)) else {
        return;
    };
    for q in QUOTED.captures_iter(list.as_str()) {
        let Some(m) = q.get(1) else { continue };
        if let Some((name, extras)) = parse_requirement(m.as_str()) {
            let note = format!("setup.py > install_requires > {name}");
            let ev = Evidence::at_offset(path, &text, list.start() + m.start(), note);
            push_dep(deps, name, extras, ev);
        }
    }
}

fn find<'d>(deps: &'d [Dep], names: &[&str]) -> Option<&'d Dep> {
    names
        .iter()
        .find_map(|n| deps.iter().find(|d| d.name == *n))
}

fn package_manager(
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

fn runtime_version(
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
    shared::choose_runtime(ctx, service, "python", c)
}

/// The framework, from the dependencies (or a Django `manage.py` when nothing declares Django).
fn framework(ctx: &Ctx, service: &str, deps: &[Dep], m: &Manifests) -> Option<Located<Framework>> {
    let mut found: Vec<Located<Framework>> = Vec::new();
    for (dep, fw) in [
        ("fastapi", Framework::Fastapi),
        ("django", Framework::Django),
        ("flask", Framework::Flask),
        ("starlette", Framework::Starlette),
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

fn default_port_note(fw: Framework) -> &'static str {
    match fw {
        Framework::Fastapi => "FastAPI default (uvicorn)",
        Framework::Starlette => "Starlette default (uvicorn)",
        Framework::Django => "Django default (gunicorn)",
        _ => "Flask default (gunicorn)",
    }
}

/// What the production server must import.
#[derive(Debug, Clone)]
enum AppTarget {
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

fn app_target(
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
            sources.iter().find_map(|(f, text)| {
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

fn start_command(app: &AppTarget, port: u16, deps: &[Dep]) -> Located<String> {
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
fn code_ports(ctx: &Ctx, dir: &str) -> Vec<Located<u16>> {
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

static STATIC_ROOT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^STATIC_ROOT\s*=").expect("built-in pattern"));

/// Django collects static files at build time only when it has somewhere to put them.
fn collectstatic(ctx: &Ctx, dir: &str) -> Option<Located<String>> {
    ctx.source_texts(dir, &["py"])
        .into_iter()
        .find_map(|(f, text)| {
            let m = STATIC_ROOT.find(&text)?;
            Some(Located::new(
                "python manage.py collectstatic --noinput".to_string(),
                Evidence::at_offset(&f.path, &text, m.start(), "settings > STATIC_ROOT"),
            ))
        })
}

static DJANGO_HEALTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\b(?:path|re_path|url)\(\s*r?["']\^?/?((?:api/)?(?:healthz|health|livez|readyz|ready|up|ping|_health))(/?)\$?["']"#,
    )
    .expect("built-in pattern")
});

/// Django routes are written without the leading slash (`path("health/", …)`), which the shared
/// scanner does not see; the served path is `/health/`.
fn django_health(ctx: &Ctx, dir: &str) -> Option<Located<String>> {
    const ORDER: &[&str] = &[
        "healthz",
        "health",
        "livez",
        "readyz",
        "ready",
        "up",
        "api/health",
        "api/healthz",
        "_health",
        "ping",
    ];
    let mut best: Option<(usize, Located<String>)> = None;
    for (f, text) in ctx.source_texts(dir, &["py"]) {
        for c in DJANGO_HEALTH.captures_iter(&text) {
            let (Some(route), slash) = (c.get(1), c.get(2).map(|m| m.as_str()).unwrap_or(""))
            else {
                continue;
            };
            let rank = ORDER
                .iter()
                .position(|r| *r == route.as_str())
                .unwrap_or(ORDER.len());
            if best.as_ref().is_none_or(|(r, _)| rank < *r) {
                let value = format!("/{}{slash}", route.as_str());
                let ev = Evidence::at_offset(&f.path, &text, route.start(), "Django URL pattern");
                best = Some((rank, Located::new(value, ev)));
            }
        }
    }
    best.map(|(_, l)| l)
}

static BROKER_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)broker\w*["']?\s*[=:,(]\s*[^\n]*?(rediss?|amqps?|pyamqp)://"#)
        .expect("built-in pattern")
});
static DJANGO_ENGINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"["']django(?:\.contrib\.gis)?\.db\.backends\.(postgresql\w*|postgis|mysql)["']"#)
        .expect("built-in pattern")
});

fn backing_services(ctx: &Ctx, dir: &str, deps: &[Dep]) -> Backing {
    const MAP: &[(&[&str], BackingKind)] = &[
        (
            &[
                "psycopg",
                "psycopg2",
                "psycopg2-binary",
                "psycopg-binary",
                "asyncpg",
            ],
            BackingKind::Postgres,
        ),
        (
            &[
                "mysqlclient",
                "pymysql",
                "aiomysql",
                "mysql-connector-python",
            ],
            BackingKind::Mysql,
        ),
        (&["redis", "aioredis", "django-redis"], BackingKind::Redis),
        (
            &["pymongo", "motor", "beanie", "mongoengine"],
            BackingKind::Mongodb,
        ),
        (&["pika", "aio-pika", "aiormq"], BackingKind::Rabbitmq),
        (
            &["kafka-python", "confluent-kafka", "aiokafka"],
            BackingKind::Kafka,
        ),
        (
            &["boto3", "aioboto3", "minio", "django-storages"],
            BackingKind::S3,
        ),
        (
            &["elasticsearch", "elasticsearch-dsl", "opensearch-py"],
            BackingKind::Elasticsearch,
        ),
        (
            &["pymemcache", "python-memcached", "pylibmc"],
            BackingKind::Memcached,
        ),
        (&["celery"], BackingKind::CeleryWorker),
        (&["rq", "dramatiq"], BackingKind::QueueWorker),
    ];
    let mut b = Backing::default();
    for (names, kind) in MAP {
        for d in deps.iter().filter(|d| names.contains(&d.name.as_str())) {
            b.add(*kind, d.ev.clone());
        }
    }
    // kombu talks AMQP only when the amqp transport is there too.
    if let (Some(_), Some(a)) = (find(deps, &["kombu"]), find(deps, &["amqp", "librabbitmq"])) {
        b.add(BackingKind::Rabbitmq, a.ev.clone());
    }
    if let Some(c) = find(deps, &["celery"]) {
        for e in &c.extras {
            let kind = match e.as_str() {
                "redis" => Some(BackingKind::Redis),
                "librabbitmq" | "amqp" | "pyamqp" => Some(BackingKind::Rabbitmq),
                "sqs" => None,
                _ => None,
            };
            if let Some(k) = kind {
                let mut ev = c.ev.clone();
                ev.note = format!("{}[{e}] (Celery broker)", ev.note);
                b.add(k, ev);
            }
        }
    }
    let celery_or_kombu = find(deps, &["celery", "kombu", "dramatiq"]).is_some();
    let mut texts: Vec<(String, std::sync::Arc<str>)> = ctx
        .source_texts(dir, &["py"])
        .into_iter()
        .map(|(f, t)| (f.path.clone(), t))
        .collect();
    texts.extend(
        ctx.service_files(dir)
            .filter(|f| f.kind == ArtifactKind::DotEnv && shared::same_dir(f.dir(), dir))
            .filter_map(|f| ctx.inv.text(f).map(|t| (f.path.clone(), t))),
    );
    for (path, text) in &texts {
        if celery_or_kombu {
            for c in BROKER_URL.captures_iter(text) {
                let Some(m) = c.get(1) else { continue };
                let kind = if m.as_str().starts_with("redis") {
                    BackingKind::Redis
                } else {
                    BackingKind::Rabbitmq
                };
                b.add(
                    kind,
                    Evidence::at_offset(path, text, m.start(), "broker URL scheme"),
                );
            }
        }
        for c in DJANGO_ENGINE.captures_iter(text) {
            let Some(m) = c.get(1) else { continue };
            let kind = if m.as_str() == "mysql" {
                BackingKind::Mysql
            } else {
                BackingKind::Postgres
            };
            b.add(
                kind,
                Evidence::at_offset(path, text, m.start(), "Django DATABASES > ENGINE"),
            );
        }
    }
    b
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn parses_pep508_names_and_extras() {
        assert_eq!(
            parse_requirement("uvicorn[standard]>=0.29; python_version > '3.8'"),
            Some(("uvicorn".to_string(), vec!["standard".to_string()]))
        );
        assert_eq!(
            parse_requirement("Flask_SQLAlchemy==3.1"),
            Some(("flask-sqlalchemy".to_string(), vec![]))
        );
        assert_eq!(
            parse_requirement("celery[redis, msgpack]").map(|r| r.1),
            Some(vec!["redis".into(), "msgpack".into()])
        );
        assert_eq!(parse_requirement(">=1"), None);
        assert_eq!(parse_requirement("./libs/shared"), None);
    }

    #[test]
    fn reads_requirements_lines_with_includes_comments_and_urls() {
        assert_eq!(
            parse_requirements_line("-r base.txt"),
            ReqLine::Include("base.txt".into())
        );
        assert_eq!(
            parse_requirements_line("--requirement=common.txt"),
            ReqLine::Include("common.txt".into())
        );
        assert_eq!(parse_requirements_line("# comment"), ReqLine::Nothing);
        assert_eq!(
            parse_requirements_line("--index-url https://x"),
            ReqLine::Nothing
        );
        assert_eq!(
            parse_requirements_line("gunicorn==22.0  # server"),
            ReqLine::Requirement("gunicorn".into(), vec![])
        );
        assert_eq!(
            parse_requirements_line("-e git+https://github.com/x/y.git#egg=my_lib"),
            ReqLine::Requirement("my-lib".into(), vec![])
        );
        assert_eq!(
            parse_requirements_line("requests @ https://example.com/requests.whl"),
            ReqLine::Requirement("requests".into(), vec![])
        );
        assert_eq!(
            parse_requirements_line("git+ssh://git@github.com/acme/tools.git#egg=acme-tools"),
            ReqLine::Requirement("acme-tools".into(), vec![])
        );
    }

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
    fn finds_toml_keys_inside_their_table_only() {
        let text = "[tool.poetry]\nname = \"x\"\n[tool.poetry.dependencies]\npython = \"^3.12\"\nDjango = \"^5\"\n[tool.poetry.group.dev.dependencies]\npytest = \"*\"\n";
        assert_eq!(
            line_in_section(text, "tool.poetry.dependencies", |l| assigns_key(
                l, "django"
            )),
            Some(5)
        );
        assert_eq!(
            line_in_section(text, "tool.poetry.dependencies", |l| assigns_key(
                l, "pytest"
            )),
            None
        );
    }

    #[test]
    fn finds_explicit_ports_in_run_calls() {
        let text = "if __name__ == '__main__':\n    uvicorn.run(app, host='0.0.0.0', port=int(os.environ.get('PORT', '8080')))\n";
        let c = RUN_CALL.captures(text).unwrap();
        let p = PORT_ARG.captures(c.get(1).unwrap().as_str()).unwrap();
        assert_eq!(p.get(2).unwrap().as_str(), "8080");
    }

    #[test]
    fn django_routes_without_leading_slash_are_health_routes() {
        let text = "urlpatterns = [\n    path('admin/', admin.site.urls),\n    path(\"health/\", views.health),\n]";
        let c = DJANGO_HEALTH.captures(text).unwrap();
        assert_eq!(&c[1], "health");
        assert_eq!(&c[2], "/");
    }

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
