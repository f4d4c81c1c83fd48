//! Native build dependencies (`data/native_deps.toml`): which Debian packages a service's
//! libraries need to build and to run, read from its manifests and lockfiles. psycopg2 from source
//! needs gcc and libpq-dev, openssl-sys needs pkg-config and libssl-dev, go-sqlite3 needs cgo.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde::Deserialize;
use shipshape_core::Inventory;

use crate::join;

const TABLE: &str = include_str!("../../data/native_deps.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    library: Vec<Library>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Library {
    ecosystem: String,
    names: Vec<String>,
    why: String,
    build: Vec<String>,
    run: Vec<String>,
    #[serde(default)]
    cgo: bool,
    /// Environment of the build stage (`npm_config_nodedir=/usr/local`), `KEY=value`.
    #[serde(default)]
    env: Vec<String>,
}

fn table() -> Option<&'static Table> {
    static PARSED: OnceLock<Option<Table>> = OnceLock::new();
    PARSED.get_or_init(|| toml::from_str(TABLE).ok()).as_ref()
}

/// What a service's libraries need beyond its package manager.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct NativeNeeds {
    /// Debian packages of the build stage, sorted.
    pub build: Vec<String>,
    /// Debian packages of the final image, sorted.
    pub run: Vec<String>,
    /// A Go cgo package is used.
    pub cgo: bool,
    /// One line per library found, for the Dockerfile comment.
    pub why: Vec<String>,
    /// `KEY=value` settings of the build stage, sorted.
    pub env: Vec<String>,
}

/// The needs of the libraries the service in `root` uses, for `ecosystem` (`python`, `rust`,
/// `go`). `lock_dir` is where the lockfile is when it is not in `root` (a Cargo workspace).
pub(crate) fn needs(inv: &Inventory, root: &str, lock_dir: &str, ecosystem: &str) -> NativeNeeds {
    let Some(table) = table() else {
        return NativeNeeds::default();
    };
    let texts = manifest_texts(inv, root, lock_dir, ecosystem);
    let mut build = BTreeSet::new();
    let mut run = BTreeSet::new();
    let mut env = BTreeSet::new();
    let mut out = NativeNeeds::default();
    for lib in table.library.iter().filter(|l| l.ecosystem == ecosystem) {
        let used = lib
            .names
            .iter()
            .any(|name| texts.iter().any(|t| mentions(t, name)));
        if !used {
            continue;
        }
        build.extend(lib.build.iter().cloned());
        run.extend(lib.run.iter().cloned());
        env.extend(lib.env.iter().cloned());
        out.cgo |= lib.cgo;
        out.why.push(lib.why.clone());
    }
    // Without a lockfile the crates a Rust dependency pulls in are unknown: native TLS is the
    // default of the common HTTP and database clients.
    if ecosystem == "rust" && !inv.contains(&join(lock_dir, "Cargo.lock")) {
        let manifest = texts.first().map(String::as_str).unwrap_or("");
        let native_tls = mentions(manifest, "openssl")
            || mentions(manifest, "native-tls")
            || (mentions(manifest, "reqwest") && !manifest.contains("rustls"));
        if native_tls && !build.contains("libssl-dev") {
            build.extend(["pkg-config".to_string(), "libssl-dev".to_string()]);
            out.why
                .push("OpenSSL through native-tls (no Cargo.lock to tell for sure)".to_string());
        }
    }
    out.build = build.into_iter().collect();
    out.run = run.into_iter().collect();
    out.env = env.into_iter().collect();
    out
}

/// Whether the service in `root` declares the package `name` (`pymysql`) in its manifests or
/// lockfiles.
pub(crate) fn declares(inv: &Inventory, root: &str, ecosystem: &str, name: &str) -> bool {
    manifest_texts(inv, root, root, ecosystem)
        .iter()
        .any(|t| mentions(t, name))
}

/// Whether a Python service in `root` declares `name` among the dependencies its production
/// install takes: `[project] dependencies`, Poetry's main dependencies, Pipfile `[packages]`,
/// requirements.txt — not development groups or extras, which lockfiles list beside them.
pub(crate) fn declares_for_production(inv: &Inventory, root: &str, name: &str) -> bool {
    let mut declared: Vec<String> = Vec::new();
    let table = |path: &str| {
        shipshape_detect::text::read(inv, &join(root, path))
            .and_then(|t| t.parse::<toml::Table>().ok())
    };
    if let Some(pyproject) = table("pyproject.toml") {
        let at = |keys: &[&str]| {
            keys.iter()
                .try_fold(&toml::Value::Table(pyproject.clone()), |v, k| v.get(k))
                .cloned()
        };
        if let Some(toml::Value::Array(deps)) = at(&["project", "dependencies"]) {
            declared.extend(deps.iter().filter_map(|d| d.as_str().map(str::to_string)));
        }
        if let Some(toml::Value::Table(deps)) = at(&["tool", "poetry", "dependencies"]) {
            declared.extend(deps.keys().cloned());
        }
    }
    if let Some(toml::Value::Table(deps)) =
        table("Pipfile").and_then(|t| t.get("packages").cloned())
    {
        declared.extend(deps.keys().cloned());
    }
    if let Some(text) = shipshape_detect::text::read(inv, &join(root, "requirements.txt")) {
        declared.extend(text.lines().map(str::to_string));
    }
    let text = declared.join("\n").to_ascii_lowercase().replace('_', "-");
    mentions(&text, &name.replace('_', "-"))
}

/// The manifests and lockfiles that name the service's dependencies, comment lines removed.
fn manifest_texts(inv: &Inventory, root: &str, lock_dir: &str, ecosystem: &str) -> Vec<String> {
    let mut paths: Vec<String> = Vec::new();
    match ecosystem {
        "python" => {
            for name in [
                "pyproject.toml",
                "Pipfile",
                "Pipfile.lock",
                "poetry.lock",
                "uv.lock",
                "setup.py",
                "setup.cfg",
            ] {
                paths.push(join(root, name));
            }
            // requirements*.txt here and in a requirements/ folder below.
            let prefix = if root == "." {
                String::new()
            } else {
                format!("{root}/")
            };
            for f in inv.under(root) {
                let Some(rel) = f.path.strip_prefix(&prefix) else {
                    continue;
                };
                if rel.split('/').count() <= 2
                    && f.name().ends_with(".txt")
                    && rel.contains("requirements")
                {
                    paths.push(f.path.clone());
                }
            }
        }
        "rust" => {
            paths.push(join(root, "Cargo.toml"));
            paths.push(join(lock_dir, "Cargo.lock"));
        }
        "go" => {
            paths.push(join(root, "go.mod"));
        }
        "node" => {
            paths.push(join(root, "package.json"));
        }
        _ => {}
    }
    paths
        .iter()
        .filter_map(|p| shipshape_detect::text::read(inv, p))
        .map(|t| {
            t.lines()
                .filter(|l| !l.trim_start().starts_with('#') && !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n")
                .to_ascii_lowercase()
        })
        .collect()
}

/// Whether `text` names `name` as a whole package name (`psycopg2>=2.9` yes,
/// `psycopg2-binary` no).
fn mentions(text: &str, name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let part = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/');
    let mut from = 0;
    while let Some(at) = text[from..].find(&name).map(|i| i + from) {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        if before.is_none_or(|c| !part(c)) && after.is_none_or(|c| !part(c)) {
            return true;
        }
        from = at + name.len();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses() {
        assert!(table().is_some_and(|t| !t.library.is_empty()));
    }

    #[test]
    fn a_package_is_named_whole() {
        assert!(mentions("psycopg2>=2.9\nflask", "psycopg2"));
        assert!(!mentions("psycopg2-binary==2.9.9", "psycopg2"));
        assert!(mentions("name = \"openssl-sys\"", "openssl-sys"));
        assert!(mentions(
            "require github.com/mattn/go-sqlite3 v1.14.22",
            "github.com/mattn/go-sqlite3"
        ));
        assert!(!mentions(
            "github.com/mattn/go-sqlite3x v1",
            "github.com/mattn/go-sqlite3"
        ));
    }
}
