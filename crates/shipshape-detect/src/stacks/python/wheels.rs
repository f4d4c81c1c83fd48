//! The newest Python a project's exact pins install on, when the project names no Python.
//!
//! Some packages are compiled against CPython's C API and publish wheels per Python release;
//! a release made before a Python came out has no wheel for it, and its sources often no longer
//! compile there (internal APIs removed). A `requirements.txt` of 2023 pinning
//! `psycopg2-binary==2.9.9` fails to install on Python 3.13. With nothing else to go on, the
//! image's Python is capped below the first Python such a pin does not support.

use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;

use super::Dep;

/// Per package (PEP 503 name): the first release that supports each Python line, for the
/// lines from 3.11 on (older lines are below every default shipshape picks). Taken from the
/// packages' release notes and the wheels they published; a package is listed only where its
/// older releases are known not to build on the newer Python.
const FIRST_SUPPORTING: &[(&str, &[(&str, &str)])] = &[
    (
        "psycopg2-binary",
        &[("3.11", "2.9.5"), ("3.12", "2.9.9"), ("3.13", "2.9.10")],
    ),
    (
        "psycopg2",
        &[("3.11", "2.9.5"), ("3.12", "2.9.9"), ("3.13", "2.9.10")],
    ),
    (
        "greenlet",
        &[("3.11", "2.0.0"), ("3.12", "3.0.0"), ("3.13", "3.1.0")],
    ),
    (
        "numpy",
        &[("3.11", "1.23.2"), ("3.12", "1.26.0"), ("3.13", "2.1.0")],
    ),
    (
        "pandas",
        &[("3.11", "1.5.0"), ("3.12", "2.1.1"), ("3.13", "2.2.3")],
    ),
    ("cffi", &[("3.12", "1.16.0"), ("3.13", "1.17.0")]),
    ("aiohttp", &[("3.12", "3.9.0")]),
    (
        "asyncpg",
        &[("3.11", "0.27.0"), ("3.12", "0.29.0"), ("3.13", "0.30.0")],
    ),
    ("uvloop", &[("3.13", "0.21.0")]),
];

/// Whether version `a` is below `b` (`2.9.9` < `2.9.10`).
fn older(a: &str, b: &str) -> bool {
    crate::stacks::shared::version_below(a, b)
}

/// The exact version a requirement line pins (`name==1.2.3`, `name = "==1.2.3"`).
fn pinned(line: &str) -> Option<&str> {
    let at = line.find("==")?;
    let rest = line[at + 2..].trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .unwrap_or(rest.len());
    let v = &rest[..end];
    (!v.is_empty() && v.starts_with(|c: char| c.is_ascii_digit())).then_some(v)
}

/// The note of the evidence [`python_cap`] gives: the generator tells a cap from a declared
/// version by it.
pub const CAP_NOTE: &str = "supports no Python from";

/// `<3.N`, where 3.N is the first Python line one of the exact pins does not support, with the
/// pin as evidence; `None` when no listed package is pinned below a line. The pins are read from
/// the lockfile when there is one (`poetry.lock`, `uv.lock`: the application's packages), else
/// from the requirement lines of `deps`.
pub(super) fn python_cap(ctx: &Ctx, dir: &str, deps: &[Dep]) -> Option<Located<String>> {
    let mut pins: Vec<(String, String, Evidence)> = Vec::new();
    for lock in ["poetry.lock", "uv.lock"] {
        let path = Ctx::join(dir, lock);
        if let Some(text) = ctx.text(&path) {
            pins.extend(lock_pins(&path, &text));
        }
    }
    if pins.is_empty() {
        for dep in deps {
            let Some(line_no) = dep.ev.line else { continue };
            let Some(text) = ctx.text(&dep.ev.path) else {
                continue;
            };
            let Some(line) = text.lines().nth(line_no as usize - 1) else {
                continue;
            };
            if let Some(version) = pinned(line) {
                pins.push((dep.name.clone(), version.to_string(), dep.ev.clone()));
            }
        }
    }
    let mut cap: Option<(&str, Evidence)> = None;
    for (name, version, ev) in &pins {
        let Some((_, lines)) = FIRST_SUPPORTING.iter().find(|(n, _)| n == name) else {
            continue;
        };
        let Some((python, _)) = lines.iter().find(|(_, first)| older(version, first)) else {
            continue;
        };
        if cap.as_ref().is_none_or(|(c, _)| older(python, c)) {
            let note = format!(
                "{name}=={version} {CAP_NOTE} {python} on (no wheels, and its sources do not \
                 build there)"
            );
            cap = Some((python, Evidence::new(&ev.path, ev.line, note)));
        }
    }
    cap.map(|(python, ev)| Located::new(format!("<{python}"), ev))
}

/// The packages a `poetry.lock` or `uv.lock` pins for the application (not those only in a
/// development group, where the lockfile says so), with the line of each `name =`.
fn lock_pins(path: &str, text: &str) -> Vec<(String, String, Evidence)> {
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return Vec::new();
    };
    let Some(packages) = table.get("package").and_then(toml::Value::as_array) else {
        return Vec::new();
    };
    let file = path.rsplit('/').next().unwrap_or(path);
    packages
        .iter()
        .filter_map(|p| {
            let name = p.get("name")?.as_str()?;
            let version = p.get("version")?.as_str()?;
            // Poetry 1.x: `category = "dev"`; Poetry 2: `groups = ["dev"]`.
            if p.get("category").and_then(toml::Value::as_str) == Some("dev") {
                return None;
            }
            if let Some(groups) = p.get("groups").and_then(toml::Value::as_array) {
                if !groups.iter().any(|g| g.as_str() == Some("main")) {
                    return None;
                }
            }
            let norm = name.to_ascii_lowercase().replace(['_', '.'], "-");
            let line = crate::ctx::line_of(text, &format!("name = \"{name}\""));
            Some((
                norm,
                version.to_string(),
                Evidence::new(path, line, format!("{file} > {name}")),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lockfile_gives_the_application_pins_and_leaves_development_groups_out() {
        let lock = "[[package]]\nname = \"asyncpg\"\nversion = \"0.26.0\"\ncategory = \"main\"\n\n[[package]]\nname = \"numpy\"\nversion = \"1.21.0\"\ncategory = \"dev\"\n\n[[package]]\nname = \"Greenlet\"\nversion = \"1.1.2\"\ngroups = [\"main\"]\n";
        let pins = lock_pins("poetry.lock", lock);
        let names: Vec<(&str, &str, Option<u32>)> = pins
            .iter()
            .map(|(n, v, e)| (n.as_str(), v.as_str(), e.line))
            .collect();
        assert_eq!(
            names,
            [
                ("asyncpg", "0.26.0", Some(2)),
                ("greenlet", "1.1.2", Some(12))
            ]
        );
        assert!(lock_pins("poetry.lock", "not toml [").is_empty());
    }

    #[test]
    fn reads_exact_pins_and_orders_versions() {
        assert_eq!(pinned("psycopg2-binary==2.9.9"), Some("2.9.9"));
        assert_eq!(
            pinned("greenlet == 3.0.1 ; python_version < '4'"),
            Some("3.0.1")
        );
        assert_eq!(pinned("greenlet = \"==3.0.1\""), Some("3.0.1"));
        assert_eq!(pinned("greenlet>=3.0"), None);
        assert!(older("2.9.9", "2.9.10"));
        assert!(!older("2.9.10", "2.9.10"));
        assert!(older("3.0.1", "3.1.0"));
        assert!(older("3.12", "3.13"));
        assert!(!older("3.13", "3.12"));
    }
}
