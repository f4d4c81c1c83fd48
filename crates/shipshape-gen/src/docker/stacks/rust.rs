//! Rust: a dependency-caching build on distroless cc.

use super::*;
use shipshape_detect::BackingKind;

pub(super) fn rust(service: &Service, inv: &Inventory, today: Day) -> Result<Generated, Skip> {
    let img = images("rust", service, today)?;
    let root = root_of(service);
    let mut warnings = Vec::new();
    eol_warning(&img, &mut warnings);
    let version_note = default_version_note("Rust", &img, &mut warnings);
    // A workspace member builds from the workspace root, where Cargo.lock is.
    let context = if has(inv, root, "Cargo.lock") || root == "." {
        root.to_string()
    } else {
        let mut dir = root;
        let mut found = None;
        while let Some((parent, _)) = dir.rsplit_once('/') {
            if has(inv, parent, "Cargo.lock") {
                found = Some(parent.to_string());
                break;
            }
            dir = parent;
        }
        found.unwrap_or_else(|| {
            if has(inv, ".", "Cargo.lock") {
                ".".to_string()
            } else {
                root.to_string()
            }
        })
    };
    let locked = has(inv, &context, "Cargo.lock");
    if !locked {
        warnings.push(
            "no Cargo.lock: commit it (an application's lockfile belongs in the repository) so \
             the image builds with `--locked`"
                .to_string(),
        );
    }
    // Manifests of every crate in the context, and the entry files to stub out so the
    // dependency layer builds without the source.
    let prefix = if context == "." {
        String::new()
    } else {
        format!("{context}/")
    };
    let mut manifests = Vec::new();
    let mut stubs = Vec::new();
    for f in inv.under(&context) {
        let Some(rel) = f.path.strip_prefix(&prefix) else {
            continue;
        };
        if rel.starts_with("target/") {
            continue;
        }
        let name = f.name();
        if matches!(name, "Cargo.toml" | "Cargo.lock")
            || (rel == name && matches!(name, "rust-toolchain.toml" | "rust-toolchain"))
        {
            manifests.push(rel.to_string());
        }
    }
    // Every source file a manifest names or cargo discovers as a binary must exist for the
    // dependency layer to build (`can't find bin … at path`): each is stubbed.
    for manifest in manifests.iter().filter(|m| m.ends_with("Cargo.toml")) {
        let crate_dir = manifest.trim_end_matches("Cargo.toml");
        let Some(text) = inv.text_of(&format!("{prefix}{manifest}")) else {
            continue;
        };
        for (path, main) in target_sources(
            &text,
            |p| inv.contains(&format!("{prefix}{crate_dir}{p}")),
            |d| {
                inv.under(&format!("{prefix}{crate_dir}{d}"))
                    .iter()
                    .filter(|f| f.dir() == format!("{prefix}{crate_dir}{d}"))
                    .map(|f| f.name().to_string())
                    .collect()
            },
        ) {
            let rel = format!("{crate_dir}{path}");
            if stubs.iter().any(|s: &serde_json::Value| s["path"] == rel) {
                continue;
            }
            stubs.push(json!({
                "dir": rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("."),
                "path": rel,
                "main": main,
            }));
        }
    }
    let native = super::super::native::needs(inv, root, &context, "rust");
    if !native.run.is_empty() {
        return Err(Skip(format!(
            "{} — the final image (distroless/cc) cannot install {}; write this Dockerfile on a \
             Debian slim final stage by hand",
            native.why.join("; "),
            native.run.join(", ")
        )));
    }
    let sqlx = sqlx_build(inv, service, root, &context)?;
    let detected_build = detected(&service.build_command)
        .map(words)
        .unwrap_or_default();
    let package = detected_build
        .iter()
        .position(|w| w == "-p" || w == "--package")
        .and_then(|i| detected_build.get(i + 1))
        .cloned();
    let binary = detected(&service.start_command)
        .and_then(|s| words(s).into_iter().next())
        .and_then(|p| p.rsplit('/').next().map(str::to_string))
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| service.name.clone());
    let mut build = "cargo build --release".to_string();
    if locked {
        build.push_str(" --locked");
    }
    if let Some(p) = &package {
        build.push_str(&format!(" -p {p}"));
    }
    let port = port_of(service, 8080, &mut warnings);
    let health_path = health_route(service, port, &mut warnings);
    let user = img.user.clone().unwrap_or_else(|| APP_USER.to_string());
    let mut run_env = Vec::new();
    if let Some(p) = port {
        run_env.push(("PORT", p.to_string()));
    }
    let mut copies = vec![(format!("target/release/{binary}"), binary.clone())];
    if service.framework.as_ref().map(|f| f.value) == Some(Framework::Rocket) {
        // Rocket listens on 127.0.0.1:8000 unless told otherwise, and reads Rocket.toml from
        // its working folder.
        run_env.push(("ROCKET_ADDRESS", "0.0.0.0".to_string()));
        if let Some(p) = port {
            run_env.push(("ROCKET_PORT", p.to_string()));
        }
        let service_dir = relative(root, &context);
        let config = if service_dir.is_empty() {
            "Rocket.toml".to_string()
        } else {
            format!("{service_dir}/Rocket.toml")
        };
        if has(inv, root, "Rocket.toml") {
            copies.push((config, "Rocket.toml".to_string()));
        }
    }
    let recipe = Recipe {
        // Cargo puts `target/` at the workspace root: commands run there.
        service_dir: String::new(),
        build_env: Vec::new(),
        install: Vec::new(),
        build: vec![build],
        copies,
        env: env(&run_env),
        start: vec![format!("{WORKDIR}/{binary}")],
        port,
        health_path: port.and(health_path.clone()),
        tools: Vec::new(),
        runtime_version: img.version.clone(),
    };
    let framework = service
        .framework
        .as_ref()
        .map(|f| value_name(&f.value))
        .unwrap_or_else(|| "rust".to_string());
    Ok(Generated {
        template: "rust",
        model: json!({
            "build_image": img.build,
            "run_image": img.run,
            "manifests": manifests,
            "stubs": stubs,
            "binary": binary,
            "build_packages": native.build,
            "native_why": native.why,
            "sqlx_offline": sqlx == SqlxBuild::Offline,
            "sqlx_live": match &sqlx {
                SqlxBuild::Live { database, migrations } => json!({
                    "database": database,
                    "package": if *database == "postgres" { "postgresql" } else { "sqlite3" },
                    "migrations": migrations,
                }),
                _ => serde_json::Value::Null,
            },
            "health": health_model(None, "", &probes_instead("distroless/cc", port, health_path.as_deref())),
            "health_path": health_path,
            "title": format!("{} ({framework}), release build", runtime_label("Rust", &img)),
        }),
        recipe,
        context,
        summary: format!("{framework} release binary with a cached dependency layer"),
        run_image: img.run,
        user,
        warnings,
        version_note,
    })
}

/// How sqlx's compile-time checked macros (`query!`) get the schema they check queries
/// against while the image builds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum SqlxBuild {
    /// No such macro: nothing to do.
    None,
    /// The committed `.sqlx/` data: `SQLX_OFFLINE=true`.
    Offline,
    /// A throwaway database in the build stage, given the schema by the migrations in this
    /// folder (relative to the build context): `postgres` or `sqlite`.
    Live {
        database: &'static str,
        migrations: String,
    },
}

/// sqlx's `query!` macros connect to a database while compiling unless `.sqlx/` holds the
/// prepared query data. With it the build is offline. Without it, a throwaway PostgreSQL (or
/// SQLite file) in the build stage gets the schema from the migrations `sqlx::migrate!` applies
/// and the macros check against that. With neither data nor migrations (or on MySQL) the image
/// cannot build, and no Dockerfile is written.
fn sqlx_build(
    inv: &Inventory,
    service: &Service,
    root: &str,
    context: &str,
) -> Result<SqlxBuild, Skip> {
    let prefix = if root == "." {
        String::new()
    } else {
        format!("{root}/")
    };
    let sources: Vec<_> = inv
        .under(root)
        .iter()
        .filter(|f| {
            f.path.ends_with(".rs")
                && !f.path[prefix.len().min(f.path.len())..].starts_with("target/")
        })
        .collect();
    let macro_file = sources
        .iter()
        .find(|f| {
            inv.text_of(&f.path).is_some_and(|t| {
                [
                    "query!(",
                    "query_as!(",
                    "query_scalar!(",
                    "query_file!(",
                    "query_file_as!(",
                ]
                .iter()
                .any(|m| t.contains(m))
                    && t.contains("sqlx")
            })
        })
        .map(|f| f.path.clone());
    let Some(file) = macro_file else {
        return Ok(SqlxBuild::None);
    };
    if has_dir(inv, root, ".sqlx") || has_dir(inv, context, ".sqlx") {
        return Ok(SqlxBuild::Offline);
    }
    let prepare = "run `cargo sqlx prepare` (or `cargo sqlx prepare --workspace`) and commit the \
                   .sqlx/ folder; the Dockerfile then builds with SQLX_OFFLINE=true";
    let backing = |k: BackingKind| service.backing_services.iter().any(|b| b.value == k);
    let manifest = inv
        .text_of(&format!("{prefix}Cargo.toml"))
        .unwrap_or_default();
    let database = if backing(BackingKind::Postgres) {
        "postgres"
    } else if backing(BackingKind::Mysql) {
        return Err(Skip(format!(
            "{file} uses sqlx's compile-time checked macros (query!) on MySQL, which need a live \
             database while the image builds — {prepare}"
        )));
    } else if manifest.contains("sqlite") {
        "sqlite"
    } else {
        "postgres"
    };
    // `sqlx::migrate!()` reads `migrations/` beside Cargo.toml; `migrate!("db/migrations")`
    // names another folder, relative to the same place.
    let named = sources.iter().find_map(|f| {
        let text = inv.text_of(&f.path)?;
        let at = text.find("migrate!(")?;
        let rest = &text[at + "migrate!(".len()..];
        let arg = rest.trim_start();
        if arg.starts_with(')') {
            return Some("migrations".to_string());
        }
        let arg = arg.strip_prefix('"')?;
        Some(arg[..arg.find('"')?].trim_start_matches("./").to_string())
    });
    let folder = named.unwrap_or_else(|| "migrations".to_string());
    let has_migrations = !folder.contains("..")
        && inv
            .under(&format!("{prefix}{folder}"))
            .iter()
            .any(|f| f.path.ends_with(".sql"));
    if !has_migrations {
        return Err(Skip(format!(
            "{file} uses sqlx's compile-time checked macros (query!), which need a database with \
             the schema while the image builds, and no migrations/ folder gives it — {prepare}"
        )));
    }
    let in_context = relative(root, context);
    let migrations = if in_context.is_empty() {
        folder
    } else {
        format!("{in_context}/{folder}")
    };
    Ok(SqlxBuild::Live {
        database,
        migrations,
    })
}

/// The source files of a crate's targets that `cargo build` needs to exist, as paths relative
/// to the crate, each with whether it is a binary (`fn main`) or a library: `src/lib.rs`,
/// `src/main.rs`, the auto-discovered `src/bin/*.rs`, and every `path` of `[lib]`, `[[bin]]`,
/// `[[example]]`, `[[test]]` and `[[bench]]` (cargo refuses a manifest whose target path is
/// missing). `exists` says whether a crate-relative file exists; `files_in` lists a folder.
fn target_sources(
    manifest: &str,
    exists: impl Fn(&str) -> bool,
    files_in: impl Fn(&str) -> Vec<String>,
) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut add = |p: &str, main: bool| {
        let p = p.trim_start_matches("./").to_string();
        if !p.is_empty() && !p.contains("..") && !out.iter().any(|(q, _)| *q == p) {
            out.push((p, main));
        }
    };
    if exists("src/lib.rs") {
        add("src/lib.rs", false);
    }
    if exists("src/main.rs") {
        add("src/main.rs", true);
    }
    for name in files_in("src/bin") {
        if name.ends_with(".rs") {
            add(&format!("src/bin/{name}"), true);
        }
    }
    let Ok(table) = toml::from_str::<toml::Table>(manifest) else {
        return out;
    };
    if let Some(p) = table
        .get("lib")
        .and_then(|l| l.get("path"))
        .and_then(toml::Value::as_str)
    {
        add(p, false);
    }
    for kind in ["bin", "example", "test", "bench"] {
        let Some(targets) = table.get(kind).and_then(toml::Value::as_array) else {
            continue;
        };
        for t in targets {
            if let Some(p) = t.get("path").and_then(toml::Value::as_str) {
                add(p, true);
            }
        }
    }
    out
}
