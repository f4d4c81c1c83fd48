//! Detection of PHP services (Laravel, Symfony): the Composer requirements, the PHP version
//! they allow, and the production shape — Composer install as the build, PHP-FPM (FastCGI behind
//! a web server) or Laravel Octane as the server, never `php artisan serve`.

use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::{ArtifactKind, Evidence, Located};

use crate::ctx::{json_nested_line, Ctx};
use crate::model::{BackingKind, Framework, Language, PackageManager, Service, ServiceRole};
use crate::stacks::shared::{self, Backing, Candidate};
use crate::stacks::Found;

/// A package from composer.json `require`, with the line that requires it.
#[derive(Debug, Clone)]
struct Req {
    name: String,
    constraint: String,
    ev: Evidence,
}

/// Composer names of project skeletons: a project that kept one has no name of its own.
const SKELETON_NAMES: &[&str] = &[
    "laravel/laravel",
    "symfony/skeleton",
    "symfony/website-skeleton",
];

/// Detect a PHP service in `dir`.
pub fn detect(ctx: &Ctx, dir: &str) -> Option<Found> {
    let composer = Ctx::join(dir, "composer.json");
    if !ctx.exists(&composer) {
        return None;
    }
    let parsed = ctx.json(&composer);
    let (text, json) = match &parsed {
        Some((t, v)) => (t.as_ref(), Some(v)),
        None => ("", None),
    };
    let name = json
        .and_then(|v| v.get("name"))
        .and_then(|n| n.as_str())
        .filter(|n| !SKELETON_NAMES.contains(n))
        .map(|n| n.rsplit('/').next().unwrap_or(n).to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| shared::folder_name(ctx, dir));
    let reqs = requirements(&composer, text, json);
    let req = |n: &str| reqs.iter().find(|r| r.name == n);

    let mut svc = Service::new(
        name.clone(),
        dir,
        Located::new(
            Language::Php,
            Evidence::file(&composer, "composer.json (PHP project)"),
        ),
    );
    let lock = Ctx::join(dir, "composer.lock");
    svc.package_manager = Some(if ctx.exists(&lock) {
        Located::new(
            PackageManager::Composer,
            Evidence::file(&lock, "composer.lock"),
        )
    } else {
        Located::new(
            PackageManager::Composer,
            Evidence::file(&composer, "composer.json (no lockfile yet)"),
        )
    });

    let mut versions: Vec<Candidate> = req("php")
        .and_then(|r| Candidate::constraint(&r.constraint, r.ev.clone()))
        .into_iter()
        .collect();
    versions.extend(shared::tool_version(ctx, dir, "php"));
    svc.runtime_version = shared::choose_runtime(ctx, &name, "PHP", versions);

    let framework = if let Some(r) = req("laravel/framework") {
        Some(Located::new(Framework::Laravel, r.ev.clone()))
    } else {
        req("symfony/framework-bundle")
            .or_else(|| req("symfony/symfony"))
            .map(|r| Located::new(Framework::Symfony, r.ev.clone()))
    };
    let backing = backing_services(ctx, dir, &reqs);
    let procfile = shared::procfile_web(ctx, dir);
    let is_library = json
        .and_then(|v| v.get("type"))
        .and_then(|t| t.as_str())
        .is_some_and(|t| t != "project");
    if framework.is_none() && procfile.is_none() && (is_library || dir != ".") {
        // A Composer package, not an application.
        return Some(Found::Library { name });
    }

    svc.build_command = Some(build_command(ctx, dir, &composer));
    if let Some(fw) = &framework {
        svc.role = ServiceRole::Web;
        let (default, start) = match req("laravel/octane")
            .filter(|_| fw.value == Framework::Laravel)
        {
            Some(octane) => {
                let mut ev = octane.ev.clone();
                ev.note = format!("{} (Octane default port)", ev.note);
                (Located::new(8000u16, ev), None)
            }
            None => {
                let mut ev = fw.evidence[0].clone();
                ev.note = "PHP-FPM default (FastCGI, not HTTP: serve it behind nginx)".to_string();
                let mut start_ev = fw.evidence[0].clone();
                start_ev.note = format!(
                    "{} (production runs PHP-FPM behind a web server; `{}` is a development server)",
                    start_ev.note,
                    if fw.value == Framework::Laravel { "php artisan serve" } else { "symfony serve" }
                );
                (
                    Located::new(9000u16, ev),
                    Some(Located::new("php-fpm".to_string(), start_ev)),
                )
            }
        };
        svc.port = ctx.choose_port(&name, Some(default), ctx.port_hints(dir));
        let port = svc.port.as_ref().map(|p| p.value).unwrap_or(8000);
        svc.start_command = procfile.or(start).or_else(|| {
            req("laravel/octane").map(|o| {
                Located::new(
                    format!("php artisan octane:start --host=0.0.0.0 --port={port}"),
                    o.ev.clone(),
                )
            })
        });
    } else {
        svc.port = ctx.choose_port(&name, None, ctx.port_hints(dir));
        svc.start_command = procfile;
    }
    svc.health_path = laravel_health(ctx, dir).or_else(|| ctx.health_path(dir, Language::Php));
    svc.framework = framework;
    svc.backing_services = backing.0;
    svc.env_vars = ctx.env_vars(dir, Language::Php);
    Some(Found::Service(Box::new(svc)))
}

/// Production requirements (`require`, not `require-dev`), in file order.
fn requirements(path: &str, text: &str, json: Option<&serde_json::Value>) -> Vec<Req> {
    let Some(map) = json
        .and_then(|v| v.get("require"))
        .and_then(|r| r.as_object())
    else {
        return Vec::new();
    };
    let mut reqs: Vec<Req> = map
        .iter()
        .map(|(name, c)| {
            let line = json_nested_line(text, "require", name);
            Req {
                name: name.to_ascii_lowercase(),
                constraint: c.as_str().unwrap_or("").to_string(),
                ev: Evidence::new(path, line, format!("composer.json > require > {name}")),
            }
        })
        .collect();
    reqs.sort_by_key(|r| r.ev.line);
    reqs
}

/// Composer's production install; a front-end build in package.json is pointed out beside it.
fn build_command(ctx: &Ctx, dir: &str, composer: &str) -> Located<String> {
    let mut ev = vec![Evidence::file(
        composer,
        "composer.json > require (production install)",
    )];
    let package_json = Ctx::join(dir, "package.json");
    if let Some((text, v)) = ctx.json(&package_json) {
        if v.pointer("/scripts/build")
            .and_then(|b| b.as_str())
            .is_some()
        {
            ev.push(Evidence::new(
                &package_json,
                json_nested_line(&text, "scripts", "build"),
                "package.json > scripts > build (front-end assets also need `npm ci && npm run build`)",
            ));
        }
    }
    Located {
        value: "composer install --no-dev --optimize-autoloader".to_string(),
        evidence: ev,
    }
}

static LARAVEL_HEALTH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\bhealth\s*:\s*['"](/[^'"]*)['"]"#).expect("built-in pattern"));

/// Laravel 11 declares its health route in bootstrap/app.php (`->withRouting(health: '/up')`).
fn laravel_health(ctx: &Ctx, dir: &str) -> Option<Located<String>> {
    let path = Ctx::join(dir, "bootstrap/app.php");
    // A commented-out `health: '/up'` (the skeleton ships one in some versions) is no route.
    let text = ctx.code(&path)?;
    let m = LARAVEL_HEALTH.captures(&text)?.get(1)?;
    Some(Located::new(
        m.as_str().to_string(),
        Evidence::at_offset(
            &path,
            &text,
            m.start(),
            "bootstrap/app.php > withRouting > health",
        ),
    ))
}

/// What one env-file setting says about a backing service. `REDIS_HOST` alone is not taken:
/// Laravel's stock `.env.example` lists it whether or not the app uses Redis.
fn env_backing(key: &str, value: &str) -> Option<BackingKind> {
    let v = value.to_ascii_lowercase();
    match key {
        "DB_CONNECTION" => match v.as_str() {
            "pgsql" | "postgres" | "postgresql" => Some(BackingKind::Postgres),
            "mysql" | "mariadb" => Some(BackingKind::Mysql),
            "mongodb" => Some(BackingKind::Mongodb),
            _ => None,
        },
        "DATABASE_URL" => {
            if v.starts_with("postgres") || v.starts_with("pgsql") {
                Some(BackingKind::Postgres)
            } else if v.starts_with("mysql") || v.starts_with("mariadb") {
                Some(BackingKind::Mysql)
            } else {
                None
            }
        }
        "CACHE_STORE"
        | "CACHE_DRIVER"
        | "QUEUE_CONNECTION"
        | "SESSION_DRIVER"
        | "BROADCAST_CONNECTION"
        | "BROADCAST_DRIVER" => (v == "redis").then_some(BackingKind::Redis),
        "REDIS_URL" => (!v.is_empty()).then_some(BackingKind::Redis),
        _ => None,
    }
}

fn backing_services(ctx: &Ctx, dir: &str, reqs: &[Req]) -> Backing {
    const MAP: &[(&str, &[BackingKind])] = &[
        ("predis/predis", &[BackingKind::Redis]),
        ("ext-redis", &[BackingKind::Redis]),
        (
            "laravel/horizon",
            &[BackingKind::QueueWorker, BackingKind::Redis],
        ),
        ("aws/aws-sdk-php", &[BackingKind::S3]),
        ("league/flysystem-aws-s3-v3", &[BackingKind::S3]),
        ("mongodb/laravel-mongodb", &[BackingKind::Mongodb]),
        ("jenssegers/mongodb", &[BackingKind::Mongodb]),
        ("mongodb/mongodb", &[BackingKind::Mongodb]),
        ("doctrine/mongodb-odm-bundle", &[BackingKind::Mongodb]),
        ("php-amqplib/php-amqplib", &[BackingKind::Rabbitmq]),
        ("elasticsearch/elasticsearch", &[BackingKind::Elasticsearch]),
    ];
    let mut b = Backing::default();
    for r in reqs {
        if let Some((_, kinds)) = MAP.iter().find(|(n, _)| *n == r.name) {
            for k in *kinds {
                b.add(*k, r.ev.clone());
            }
        }
    }
    for f in ctx
        .service_files(dir)
        .filter(|f| f.kind == ArtifactKind::DotEnv && shared::same_dir(f.dir(), dir))
    {
        let Some(text) = ctx.inv.text(f) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            let l = line.trim();
            if l.starts_with('#') {
                continue;
            }
            let Some((k, v)) = l.strip_prefix("export ").unwrap_or(l).split_once('=') else {
                continue;
            };
            // Only the kind of service is kept from the value, never the value itself.
            if let Some(kind) = env_backing(k.trim(), v.trim().trim_matches(['"', '\''])) {
                let note = format!("{} > {}", f.name(), k.trim());
                b.add(
                    kind,
                    Evidence::new(&f.path, u32::try_from(i + 1).ok(), note),
                );
            }
        }
    }
    // Laravel's `config/database.php` default connection, when no env file names one.
    if !b
        .0
        .iter()
        .any(|x| matches!(x.value, BackingKind::Postgres | BackingKind::Mysql))
    {
        let cfg = Ctx::join(dir, "config/database.php");
        if let Some(text) = ctx.text(&cfg) {
            if let Some(c) = DEFAULT_CONNECTION.captures(&text).and_then(|c| c.get(1)) {
                if let Some(kind) = env_backing("DB_CONNECTION", c.as_str()) {
                    b.add(
                        kind,
                        Evidence::at_offset(
                            &cfg,
                            &text,
                            c.start(),
                            "config/database.php > default",
                        ),
                    );
                }
            }
        }
    }
    b
}

static DEFAULT_CONNECTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"['"]default['"]\s*=>\s*env\(\s*['"]DB_CONNECTION['"]\s*,\s*['"](\w+)['"]"#)
        .expect("built-in pattern")
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_settings_name_backing_services_without_keeping_values() {
        assert_eq!(
            env_backing("DB_CONNECTION", "pgsql"),
            Some(BackingKind::Postgres)
        );
        assert_eq!(env_backing("DB_CONNECTION", "sqlite"), None);
        assert_eq!(
            env_backing("CACHE_STORE", "redis"),
            Some(BackingKind::Redis)
        );
        assert_eq!(env_backing("REDIS_HOST", "127.0.0.1"), None);
        assert_eq!(
            env_backing(
                "DATABASE_URL",
                "postgresql://app:!ChangeMe!@127.0.0.1:5432/app"
            ),
            Some(BackingKind::Postgres)
        );
    }

    #[test]
    fn reads_laravel_11_health_route() {
        let text = "->withRouting(\n        web: __DIR__.'/../routes/web.php',\n        health: '/up',\n    )";
        assert_eq!(&LARAVEL_HEALTH.captures(text).unwrap()[1], "/up");
    }

    use crate::stacks::python::tests::facts_in;

    #[test]
    fn octane_serves_http_and_front_end_build_is_pointed_out() {
        let facts = facts_in(&[
            ("composer.json", "{\n  \"name\": \"laravel/laravel\",\n  \"type\": \"project\",\n  \"require\": {\n    \"php\": \">=8.3\",\n    \"laravel/framework\": \"^11.0\",\n    \"laravel/octane\": \"^2.5\"\n  }\n}\n"),
            ("package.json", "{\n  \"private\": true,\n  \"scripts\": {\n    \"build\": \"vite build\"\n  }\n}\n"),
        ]);
        let s = facts
            .services
            .iter()
            .find(|s| s.language.value == Language::Php)
            .expect("php service");
        assert_ne!(
            s.name, "laravel",
            "the skeleton's package name is not the app's"
        );
        assert_eq!(
            s.runtime_version.as_ref().map(|v| v.value.as_str()),
            Some(">=8.3")
        );
        assert_eq!(
            s.start_command.as_ref().map(|c| c.value.as_str()),
            Some("php artisan octane:start --host=0.0.0.0 --port=8000")
        );
        assert_eq!(s.port.as_ref().map(|p| p.value), Some(8000));
        let build = s.build_command.as_ref().expect("build");
        assert!(build
            .evidence
            .iter()
            .any(|e| e.path == "package.json" && e.line == Some(4)));
    }

    #[test]
    fn malformed_composer_json_is_a_note_not_a_panic() {
        let facts = facts_in(&[("composer.json", "{ \"require\": { \"php\": \"^8.2\", }\n")]);
        assert!(facts.notes.iter().any(|n| n.path == "composer.json"));
        let s = &facts.services[0];
        assert_eq!(s.language.value, Language::Php);
        assert!(s.framework.is_none() && s.runtime_version.is_none());
    }
}
