//! The manifests that declare a Python project's dependencies (PEP 621 and Poetry
//! `pyproject.toml`, Pipfile, requirements files with their includes, `setup.py`) and the
//! dependencies each declares, with the line that declares them.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::{ArtifactKind, Evidence, ManifestKind};

use crate::ctx::Ctx;

use crate::stacks::shared;

use super::{Dep, Manifests};

pub(super) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

pub(super) fn str_at(v: &toml::Table, keys: &[&str]) -> Option<String> {
    let (last, init) = keys.split_last()?;
    let mut t = v;
    for k in init {
        t = t.get(*k)?.as_table()?;
    }
    t.get(*last)?.as_str().map(str::to_string)
}

pub(super) fn table_at<'t>(v: &'t toml::Table, keys: &[&str]) -> Option<&'t toml::Table> {
    let mut t = v;
    for k in keys {
        t = t.get(*k)?.as_table()?;
    }
    Some(t)
}

pub(super) fn manifests(ctx: &Ctx, dir: &str) -> Manifests {
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
pub(super) fn line_in_section(
    text: &str,
    header: &str,
    pred: impl Fn(&str) -> bool,
) -> Option<u32> {
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
pub(super) fn assigns_key(line: &str, key: &str) -> bool {
    let Some((k, _)) = line.split_once('=') else {
        return false;
    };
    normalize(k.trim().trim_matches(['"', '\''])) == normalize(key)
}

fn quoted(line: &str, raw: &str) -> bool {
    line.contains(&format!("\"{raw}\"")) || line.contains(&format!("'{raw}'"))
}

pub(super) fn pep621_deps(path: &str, text: &str, v: &toml::Table, deps: &mut Vec<Dep>) {
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

pub(super) fn poetry_deps(path: &str, text: &str, v: &toml::Table, deps: &mut Vec<Dep>) {
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

pub(super) fn pipfile_deps(path: &str, text: &str, v: &toml::Table, deps: &mut Vec<Dep>) {
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

pub(super) fn requirements_deps(ctx: &Ctx, dir: &str, files: &[String], deps: &mut Vec<Dep>) {
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

pub(super) fn setup_py_deps(ctx: &Ctx, path: &str, deps: &mut Vec<Dep>) {
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

pub(super) fn find<'d>(deps: &'d [Dep], names: &[&str]) -> Option<&'d Dep> {
    names
        .iter()
        .find_map(|n| deps.iter().find(|d| d.name == *n))
}

#[cfg(test)]
mod tests {
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
}
