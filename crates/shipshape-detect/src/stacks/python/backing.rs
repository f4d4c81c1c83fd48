//! Backing services (databases, caches, brokers) from the dependencies and the settings.

use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::{ArtifactKind, Evidence};

use crate::ctx::Ctx;
use crate::model::BackingKind;

use crate::stacks::shared::{self, Backing};

use super::manifests::find;
use super::Dep;

static BROKER_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)broker\w*["']?\s*[=:,(]\s*[^\n]*?(rediss?|amqps?|pyamqp)://"#)
        .expect("built-in pattern")
});
/// A Django settings file's SQLite engine, written as a literal.
const DJANGO_SQLITE: &str = "django.db.backends.sqlite3";
/// What a settings file uses to take its database from the environment.
const DATABASE_FROM_ENV: &[&str] = &[
    "DATABASE_URL",
    "dj_database_url",
    "db_url(",
    "env.db(",
    "DB_ENGINE",
    "DATABASE_ENGINE",
];
static DJANGO_ENGINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"["']django(?:\.contrib\.gis)?\.db\.backends\.(postgresql\w*|postgis|mysql)["']"#)
        .expect("built-in pattern")
});

pub(super) fn backing_services(ctx: &Ctx, dir: &str, deps: &[Dep]) -> Backing {
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
    let mut sqlite_settings = false;
    let mut server_engine = false;
    let mut database_from_env = false;
    for (path, text) in &texts {
        if path.ends_with(".py") {
            sqlite_settings |= text.contains(DJANGO_SQLITE);
            database_from_env |= DATABASE_FROM_ENV.iter().any(|n| text.contains(n));
        }
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
            server_engine = true;
            b.add(
                kind,
                Evidence::at_offset(path, text, m.start(), "Django DATABASES > ENGINE"),
            );
        }
    }
    // Settings that name SQLite and no server engine, and take no database from the
    // environment, use SQLite whatever drivers the requirements list (a starter's PostgreSQL
    // block left commented out for later): no database server to start.
    if sqlite_settings && !server_engine && !database_from_env {
        b.0.retain(|l| !matches!(l.value, BackingKind::Postgres | BackingKind::Mysql));
    }
    b
}
