//! Data a service writes to its own disk at run time — an embedded database (SQLite, libsql) or
//! an upload folder — so the container gets a writable folder and a volume there instead of a
//! read-only root file system (or a root-owned `/app`) that stops the first write.
//!
//! A path counts when a source or configuration file that mentions SQLite (or libsql) names a
//! database file in a string: `sqlite:///data/app.db`, `sqlite3.connect("app.db")`,
//! `file:./local.db`, `BASE_DIR / "db.sqlite3"`, Prisma's `url = "file:./dev.db"`. In-memory
//! databases (`:memory:`) do not.
//!
//! An upload folder counts when a file that configures uploads (`mkdir`, multer's `dest:` or
//! `diskStorage`, an `UPLOAD_DIR`/`uploadDir`/`UPLOAD_FOLDER` setting) names a relative folder
//! whose last part is `upload` or `uploads` in a string: `dest: 'uploads/'`,
//! `UPLOAD_FOLDER = "static/uploads"`, an env schema's `default: 'uploads'`. A route such as
//! `'/uploads'` does not (it is absolute), and neither does a path that leaves the service.

use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::model::Service;
use crate::scan;

/// A quoted string that ends in a database file name.
static DB_FILE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"["'`]([^"'`\s]*?[A-Za-z0-9_\-]+\.(?:db|sqlite3?|sqlite|db3))["'`]"#)
        .unwrap_or_else(|e| panic!("embedded database pattern: {e}"))
});

/// A quoted relative path whose last part is `upload` or `uploads`.
static UPLOAD_DIR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"["'`]((?:\./)?(?:[A-Za-z0-9_\-]+/)*uploads?)/?["'`]"#)
        .unwrap_or_else(|e| panic!("upload folder pattern: {e}"))
});

/// Django's upload folder: `MEDIA_ROOT = os.path.join(BASE, "media")`, `BASE / "media"`, or any
/// other value (the base in group 1 or 2 and the folder in group 3, when written as a join).
static MEDIA_ROOT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?m)^MEDIA_ROOT\s*=\s*(?:(?:os\.path\.join\(\s*(\w+)\s*,\s*|(\w+)\s*/\s*)["']([\w./-]+)["'])?"#,
    )
    .unwrap_or_else(|e| panic!("MEDIA_ROOT pattern: {e}"))
});

/// A folder joined to the working directory: `datastore = os.path.join(os.getcwd(), "../data")`
/// (the variable in group 1, the folder in group 2).
static CWD_JOIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?m)^\s*(\w+)\s*=\s*os\.path\.join\(\s*os\.getcwd\(\)\s*,\s*["']([\w./-]+)["']\s*\)"#,
    )
    .unwrap_or_else(|e| panic!("working-directory folder pattern: {e}"))
});

/// The argument of a call that creates a folder: `os.makedirs(x`, `os.mkdir(x`.
static MAKEDIRS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"os\.(?:makedirs|mkdir)\(([^,)]*)")
        .unwrap_or_else(|e| panic!("makedirs pattern: {e}"))
});

/// What a file that sets up an upload folder says besides the folder's name.
const UPLOAD_SETUP: &[&str] = &[
    "mkdir",
    "diskstorage",
    "dest:",
    "upload_dir",
    "uploaddir",
    "upload_folder",
    "uploadfolder",
    "upload_path",
    "uploadpath",
    "upload_root",
];

/// Folders whose files do not run in the service's image.
const NOT_SHIPPED: &[&str] = &["scripts", "docs", "doc", "examples", "ci", "devtools"];

/// Whether the text before a quoted file name ends in a join call whose base is a temporary
/// folder: `os.path.join(temp_dir, `, `path.join(os.tmpdir(), `, `tmp_path / `.
fn joined_to_temporary(before: &str) -> bool {
    let tail = before.trim_end();
    let tail = tail
        .strip_suffix(',')
        .or_else(|| tail.strip_suffix('/'))
        .map(str::trim_end);
    let Some(tail) = tail else {
        return false;
    };
    let tail = tail.strip_suffix("()").unwrap_or(tail);
    let base: String = tail
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.'))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let base = base.to_ascii_lowercase();
    let word = base.rsplit('.').next().unwrap_or(&base);
    matches!(
        word,
        "temp_dir" | "tempdir" | "tmp_dir" | "tmpdir" | "tmp_path" | "temp_path" | "tmp" | "temp"
    ) || word.starts_with("mkdtemp")
        || word == "gettempdir"
}

/// Fill `svc.data_dirs` with the folders that hold an embedded database file or uploads.
pub(crate) fn attach(ctx: &Ctx, svc: &mut Service) {
    let dir = if svc.root.is_empty() {
        ".".to_string()
    } else {
        svc.root.clone()
    };
    let mut extensions: Vec<&str> = scan::extensions(svc.language.value).to_vec();
    extensions.extend(["prisma", "yml", "yaml", "toml", "json", "properties", "env"]);
    let prefix = if dir == "." {
        String::new()
    } else {
        format!("{dir}/")
    };
    let mut found: Vec<Located<String>> = Vec::new();
    for (f, text) in ctx.source_texts(&dir, &extensions) {
        // Maintenance scripts, their test set-ups and the docs do not run in the image: a
        // database they open (a test identity provider's `/config/db.sqlite3`) is not the
        // app's.
        let rel = f.path.strip_prefix(&prefix).unwrap_or(&f.path);
        if crate::stacks::shared::in_folder_named(rel, NOT_SHIPPED) {
            continue;
        }
        let lower = text.to_ascii_lowercase();
        if lower.contains("upload") && UPLOAD_SETUP.iter().any(|w| lower.contains(w)) {
            for cap in UPLOAD_DIR.captures_iter(&text) {
                let Some(m) = cap.get(1) else { continue };
                let folder = m.as_str().trim_start_matches("./").to_string();
                if found.iter().any(|l| l.value == folder) {
                    continue;
                }
                found.push(Located::new(
                    folder,
                    Evidence::at_offset(&f.path, &text, m.start(), "upload folder"),
                ));
            }
        }
        // Django stores uploaded files under MEDIA_ROOT. The folder is known when it is joined
        // to BASE_DIR (the project's folder, the service's); under any other base the app's
        // whole folder stays writable.
        if let Some(c) = MEDIA_ROOT.captures(&text) {
            let folder = match (c.get(1).or_else(|| c.get(2)), c.get(3)) {
                (Some(base), Some(dir)) if base.as_str() == "BASE_DIR" => {
                    dir.as_str().trim_matches('/').to_string()
                }
                _ => ".".to_string(),
            };
            let at = c.get(0).map_or(0, |m| m.start());
            if !found.iter().any(|l| l.value == folder) {
                found.push(Located::new(
                    folder,
                    Evidence::at_offset(&f.path, &text, at, "Django MEDIA_ROOT (uploaded files)"),
                ));
            }
        }
        // A data folder the code creates under the working directory (the service's folder
        // in the image), wherever it points: `../datastore` from /app is /datastore.
        if f.path.ends_with(".py") && text.contains("getcwd") {
            for c in CWD_JOIN.captures_iter(&text) {
                let (Some(var), Some(m)) = (c.get(1), c.get(2)) else {
                    continue;
                };
                let created = MAKEDIRS
                    .captures_iter(&text)
                    .filter_map(|d| d.get(1))
                    .any(|arg| arg.as_str().contains(var.as_str()));
                let folder = m.as_str().trim_start_matches("./").trim_end_matches('/');
                if !created || folder.is_empty() || found.iter().any(|l| l.value == folder) {
                    continue;
                }
                found.push(Located::new(
                    folder.to_string(),
                    Evidence::at_offset(&f.path, &text, m.start(), "data folder the app creates"),
                ));
            }
        }
        if !(lower.contains("sqlite") || lower.contains("libsql")) {
            continue;
        }
        for cap in DB_FILE.captures_iter(&text) {
            let Some(m) = cap.get(1) else { continue };
            // Django's SQLite engine is a module path, not a file.
            if m.as_str().starts_with("django.db.backends.") {
                continue;
            }
            let before = &text[..m.start().saturating_sub(1)];
            // A file joined to a temporary folder (`os.path.join(temp_dir, "db.sqlite3")` in a
            // backup command) is not kept.
            if joined_to_temporary(before) {
                continue;
            }
            let path = joined_path(before, m.as_str());
            let Some(folder) = folder_of(&path, f.dir(), &prefix) else {
                continue;
            };
            let file = path.rsplit('/').next().unwrap_or(&path);
            let (folder, kept) = match kept_above(ctx, &dir, &folder, file) {
                Some((up, keep)) => (up, Some(keep)),
                None => (folder, None),
            };
            if found.iter().any(|l| l.value == folder) {
                continue;
            }
            let mut ev = Evidence::at_offset(&f.path, &text, m.start(), "embedded database file");
            if let Some(keep) = kept {
                ev.note = format!(
                    "embedded database file, in the folder the repository keeps for it ({keep} \
                     names {file})"
                );
            }
            found.push(Located::new(folder, ev));
        }
    }
    found.sort_by(|a, b| a.value.cmp(&b.value));
    svc.data_dirs = found;
}

/// Where a database folder the service's code names relative to a base it computes at run time
/// (`path.join(settings.root, 'var/app.db')`) really is, when the service's own folder has no
/// such folder but a folder above it, up to the repository's root, keeps one for the data: its
/// `.gitignore` names the database file, or a `.gitkeep`/`.keep` holds it in git. The folder is
/// returned relative to the service (`../var`), with the keep file that proves it.
fn kept_above(ctx: &Ctx, dir: &str, folder: &str, file: &str) -> Option<(String, String)> {
    if dir == "." || folder == "." || folder.starts_with('/') {
        return None;
    }
    let keeps = |base: &str| -> Option<String> {
        let at = |name: &str| Ctx::join(&Ctx::join(base, folder), name);
        let ignore = at(".gitignore");
        let names_file = ctx.text(&ignore).is_some_and(|t| {
            t.lines()
                .map(|l| l.trim().trim_start_matches('/'))
                .any(|l| l == file || l == "*" || l == "*.db")
        });
        if names_file {
            return Some(ignore);
        }
        [".gitkeep", ".keep"]
            .iter()
            .map(|k| at(k))
            .find(|p| ctx.exists(p))
    };
    if keeps(dir).is_some() {
        return None;
    }
    let mut up = String::new();
    let mut base = dir;
    while base != "." && !base.is_empty() {
        base = base.rsplit_once('/').map_or(".", |(parent, _)| parent);
        up.push_str("../");
        if let Some(keep) = keeps(base) {
            return Some((format!("{up}{folder}"), keep));
        }
    }
    None
}

/// A file name with the quoted folder names joined before it, as `os.path.join(BASE_DIR,
/// "data", "db.sqlite3")` or `BASE_DIR / "data" / "db.sqlite3"` write a path: `data/db.sqlite3`.
/// `before` is the text up to the file name's opening quote.
fn joined_path(before: &str, file: &str) -> String {
    let mut parts: Vec<&str> = vec![file];
    let mut rest = before;
    let mut commas = false;
    loop {
        let t = rest.trim_end();
        let (t, comma) = match (t.strip_suffix(','), t.strip_suffix('/')) {
            (Some(t), _) => (t, true),
            (None, Some(t)) => (t, false),
            (None, None) => break,
        };
        commas |= comma;
        let t = t.trim_end();
        let Some(quote) = t.chars().last().filter(|c| matches!(c, '"' | '\'')) else {
            break;
        };
        let inner = &t[..t.len() - 1];
        let Some(open) = inner.rfind(quote) else {
            break;
        };
        let segment = &inner[open + 1..];
        let plain = !segment.is_empty()
            && segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !plain || segment == ".." {
            break;
        }
        parts.insert(0, segment);
        rest = &inner[..open];
    }
    // Commas join only as arguments of a join call (`os.path.join(BASE_DIR, "data", …)`), not
    // as any argument list (`os.environ.get("DB", "data/app.db")`).
    if commas && !inside_join_call(rest) {
        return file.to_string();
    }
    parts.join("/")
}

/// Whether `before` ends inside the argument list of a `join(` call (`os.path.join(`,
/// `path.join(`): the last `join(` whose parenthesis is still open.
fn inside_join_call(before: &str) -> bool {
    let Some(at) = before.rfind("join(") else {
        return false;
    };
    let mut depth = 0i32;
    for c in before[at + "join(".len()..].chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

/// The folder of a database path as the app opens it, relative to the service's folder (`.` for
/// the folder itself), or absolute. A Prisma `file:` URL is relative to the schema's folder.
fn folder_of(path: &str, file_dir: &str, service_prefix: &str) -> Option<String> {
    let mut p = path;
    for scheme in [
        "sqlite+aiosqlite://",
        "sqlite+pysqlite://",
        "sqlite://",
        "file://",
        "file:",
    ] {
        if let Some(rest) = p.strip_prefix(scheme) {
            p = rest;
            break;
        }
    }
    if p.is_empty() || p.contains(":memory:") || p.contains("://") {
        return None;
    }
    // `sqlite:///rel` leaves `/rel`, `sqlite:////abs` leaves `//abs`.
    let absolute = if let Some(abs) = p.strip_prefix("//") {
        Some(format!("/{abs}"))
    } else if path.starts_with("sqlite") {
        p = p.trim_start_matches('/');
        None
    } else if p.starts_with('/') {
        Some(p.to_string())
    } else {
        None
    };
    if let Some(abs) = absolute {
        let dir = abs.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        return (!dir.is_empty() && dir != "/tmp").then(|| dir.to_string());
    }
    let p = p.trim_start_matches("./");
    let dir = p.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    // Only Prisma resolves file: URLs against the schema's folder; code opens paths from the
    // folder the process starts in (the service's).
    let base = if path.starts_with("file:") && file_dir.ends_with("prisma") {
        file_dir
            .strip_prefix(service_prefix)
            .unwrap_or(if service_prefix.is_empty() {
                file_dir
            } else {
                ""
            })
            .to_string()
    } else {
        String::new()
    };
    let joined = match (base.is_empty(), dir.is_empty()) {
        (true, true) => ".".to_string(),
        (true, false) => dir.to_string(),
        (false, true) => base,
        (false, false) => format!("{base}/{dir}"),
    };
    (!joined.contains("..") && !joined.starts_with("tmp")).then_some(joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_joined_path_keeps_the_folders_before_the_file() {
        let joined = |code: &str| {
            let m = DB_FILE
                .captures(code)
                .and_then(|c| c.get(1))
                .expect("a file");
            joined_path(&code[..m.start() - 1], m.as_str())
        };
        assert_eq!(
            joined(r#"os.path.join(BASE_DIR, "data", "db.sqlite3")"#),
            "data/db.sqlite3"
        );
        assert_eq!(
            joined(r#"BASE_DIR / 'var' / 'state' / 'app.db'"#),
            "var/state/app.db"
        );
        assert_eq!(joined(r#"BASE_DIR / "db.sqlite3""#), "db.sqlite3");
        assert_eq!(joined(r#"NAME = "db.sqlite3""#), "db.sqlite3");
        assert_eq!(
            joined(r#"path.join(__dirname, "..", "data", "board.db")"#),
            "data/board.db"
        );
        // An argument list that is not a join keeps the file as it is written.
        assert_eq!(
            joined(r#"os.environ.get("NOTES_DB", "data/notes.db")"#),
            "data/notes.db"
        );
        assert_eq!(joined(r#"connect("cache", "state.db")"#), "state.db");
        // A path that climbs out is left as the file alone (then judged as before).
        assert_eq!(joined(r#"join(HERE, "..", "db.sqlite3")"#), "db.sqlite3");
    }

    #[test]
    fn django_media_root_is_an_upload_folder() {
        let folder = |code: &str| {
            let c = MEDIA_ROOT.captures(code).expect("MEDIA_ROOT");
            match (c.get(1).or_else(|| c.get(2)), c.get(3)) {
                (Some(b), Some(d)) => format!("{}:{}", b.as_str(), d.as_str()),
                _ => "other".to_string(),
            }
        };
        assert_eq!(
            folder("MEDIA_ROOT = os.path.join(BASE_DIR, \"media\")\n"),
            "BASE_DIR:media"
        );
        assert_eq!(
            folder("MEDIA_ROOT = BASE_DIR / 'uploads'\n"),
            "BASE_DIR:uploads"
        );
        assert_eq!(
            folder("MEDIA_ROOT = os.path.join(PROJECT_DIR, \"media\")\n"),
            "PROJECT_DIR:media"
        );
        assert_eq!(folder("MEDIA_ROOT = env('MEDIA_ROOT')\n"), "other");
        assert!(MEDIA_ROOT
            .captures("    MEDIA_ROOT_NAME = 'media'\n")
            .is_none());
    }

    #[test]
    fn upload_folders_are_relative_names_ending_in_upload() {
        let names = |s: &str| -> Vec<String> {
            UPLOAD_DIR
                .captures_iter(s)
                .filter_map(|c| c.get(1))
                .map(|m| m.as_str().trim_start_matches("./").to_string())
                .collect()
        };
        assert_eq!(names("multer({ dest: 'uploads/' })"), ["uploads"]);
        assert_eq!(
            names("UPLOAD_FOLDER = \"static/uploads\""),
            ["static/uploads"]
        );
        assert_eq!(names("default: './upload'"), ["upload"]);
        assert!(names("prefix: '/uploads'").is_empty());
        assert!(names("'../uploads'").is_empty());
        assert!(names("'uploads.ts'").is_empty());
    }

    #[test]
    fn database_urls_and_paths_give_their_folder() {
        assert_eq!(
            folder_of("sqlite:///data/app.db", "", "").as_deref(),
            Some("data")
        );
        assert_eq!(
            folder_of("sqlite:///./app.db", "", "").as_deref(),
            Some(".")
        );
        assert_eq!(
            folder_of("sqlite:////var/lib/app/app.db", "", "").as_deref(),
            Some("/var/lib/app")
        );
        assert_eq!(folder_of("db.sqlite3", "mysite", "").as_deref(), Some("."));
        assert_eq!(
            folder_of("file:./local.db", "src", "").as_deref(),
            Some(".")
        );
        assert_eq!(
            folder_of("file:./dev.db", "prisma", "").as_deref(),
            Some("prisma")
        );
        assert_eq!(
            folder_of("file:./dev.db", "api/prisma", "api/").as_deref(),
            Some("prisma")
        );
        assert_eq!(folder_of("sqlite:///:memory:", "", ""), None);
        assert_eq!(folder_of("/tmp/test.db", "", ""), None);
    }
}

#[cfg(test)]
mod kept_folder_tests {
    use crate::stacks::python::tests::facts_in;

    fn data_dirs(files: &[(&str, &str)]) -> Vec<(String, String)> {
        let facts = facts_in(files);
        let svc = facts
            .services
            .iter()
            .find(|s| s.root == "server")
            .expect("the server service");
        svc.data_dirs
            .iter()
            .map(|d| (d.value.clone(), d.evidence[0].note.clone()))
            .collect()
    }

    const WORKSPACE: &[(&str, &str)] = &[
        ("package.json", r#"{"name":"ws","private":true}"#),
        ("pnpm-workspace.yaml", "packages:\n  - server\n"),
        ("pnpm-lock.yaml", "lockfileVersion: '9.0'\n"),
        (
            "server/package.json",
            r#"{"name":"srv","scripts":{"start":"node index.js"},"dependencies":{"express":"4.21.0"}}"#,
        ),
        (
            "server/index.js",
            "const path = require('path');\nconst settings = require('./settings');\nconst { DatabaseSync } = require('node:sqlite');\nconst file = path.join(settings.root, 'var/notes.db');\nrequire('express')().listen(3000, '0.0.0.0');\n",
        ),
    ];

    #[test]
    fn a_folder_the_workspace_keeps_for_the_database_is_where_it_lives() {
        let mut files = WORKSPACE.to_vec();
        files.push(("var/.gitignore", "notes.db\n"));
        let dirs = data_dirs(&files);
        assert_eq!(dirs.len(), 1, "{dirs:?}");
        assert_eq!(dirs[0].0, "../var");
        assert!(
            dirs[0].1.contains("var/.gitignore names notes.db"),
            "{dirs:?}"
        );
        // A `.gitkeep` keeps it too.
        let mut files = WORKSPACE.to_vec();
        files.push(("var/.gitkeep", ""));
        assert_eq!(data_dirs(&files)[0].0, "../var");
    }

    #[test]
    fn without_a_kept_folder_above_the_database_stays_in_the_service() {
        assert_eq!(data_dirs(WORKSPACE)[0].0, "var");
        // A .gitignore that names other files does not claim the folder.
        let mut files = WORKSPACE.to_vec();
        files.push(("var/.gitignore", "*.log\n"));
        assert_eq!(data_dirs(&files)[0].0, "var");
        // The service's own kept folder wins over the workspace's.
        let mut files = WORKSPACE.to_vec();
        files.push(("var/.gitignore", "notes.db\n"));
        files.push(("server/var/.gitkeep", ""));
        assert_eq!(data_dirs(&files)[0].0, "var");
    }
}

#[cfg(test)]
mod not_kept_tests {
    use super::joined_to_temporary;

    #[test]
    fn files_joined_to_a_temporary_folder_are_not_data() {
        assert!(joined_to_temporary("backup = os.path.join(temp_dir, "));
        assert!(joined_to_temporary("f = path.join(os.tmpdir(), "));
        assert!(joined_to_temporary("db = tmp_path / "));
        assert!(joined_to_temporary(
            "x = os.path.join(tempfile.gettempdir(), "
        ));
        assert!(!joined_to_temporary("db = os.path.join(BASE_DIR, "));
        assert!(!joined_to_temporary("DATABASE = "));
        assert!(!joined_to_temporary("path.join(settings.root, "));
    }
}
