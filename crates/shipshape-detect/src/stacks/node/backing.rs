//! Backing services (databases, caches, queues) from dependencies and Prisma schemas, and the
//! environment variables the code reads.

use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::model::{BackingKind, Language};

use super::manifest::{Manifest, RUNTIME_SECTIONS};

const BACKING_DEPS: &[(&str, &[BackingKind])] = &[
    ("pg", &[BackingKind::Postgres]),
    ("postgres", &[BackingKind::Postgres]),
    ("pg-promise", &[BackingKind::Postgres]),
    ("@neondatabase/serverless", &[BackingKind::Postgres]),
    ("@vercel/postgres", &[BackingKind::Postgres]),
    ("mysql", &[BackingKind::Mysql]),
    ("mysql2", &[BackingKind::Mysql]),
    ("redis", &[BackingKind::Redis]),
    ("ioredis", &[BackingKind::Redis]),
    ("@redis/client", &[BackingKind::Redis]),
    ("mongodb", &[BackingKind::Mongodb]),
    ("mongoose", &[BackingKind::Mongodb]),
    ("amqplib", &[BackingKind::Rabbitmq]),
    ("amqp-connection-manager", &[BackingKind::Rabbitmq]),
    ("kafkajs", &[BackingKind::Kafka]),
    ("@aws-sdk/client-s3", &[BackingKind::S3]),
    ("aws-sdk", &[BackingKind::S3]),
    ("@elastic/elasticsearch", &[BackingKind::Elasticsearch]),
    ("memjs", &[BackingKind::Memcached]),
    ("memcached", &[BackingKind::Memcached]),
    ("bullmq", &[BackingKind::Redis, BackingKind::BullmqWorker]),
    ("bull", &[BackingKind::Redis, BackingKind::BullmqWorker]),
];

static PRISMA_PROVIDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?s)datasource\s+\w+\s*\{[^}]*?\bprovider\s*=\s*"(\w+)""#)
        .expect("built-in pattern")
});

/// The Prisma schema of the package in `dir`, relative to `dir`: the one package.json's
/// `prisma.schema` names (the CLI reads it there too), else Prisma's default places.
pub(crate) fn prisma_schema(ctx: &Ctx, dir: &str) -> Option<String> {
    let named = ctx
        .json(&Ctx::join(dir, "package.json"))
        .and_then(|(_, v)| {
            v.get("prisma")?
                .get("schema")?
                .as_str()
                .map(|s| s.trim_start_matches("./").to_string())
        })
        .filter(|s| !s.contains("..") && !s.starts_with('/'));
    named
        .into_iter()
        .chain([
            "prisma/schema.prisma".to_string(),
            "schema.prisma".to_string(),
        ])
        .find(|p| ctx.exists(&Ctx::join(dir, p)))
}

/// The database a Prisma schema connects to, from its `datasource` block.
fn prisma_backing(ctx: &Ctx, dir: &str) -> Option<Located<BackingKind>> {
    prisma_schema(ctx, dir).iter().find_map(|p| {
        let path = Ctx::join(dir, p);
        let text = ctx.text(&path)?;
        let c = PRISMA_PROVIDER.captures(&text)?;
        let m = c.get(1)?;
        let kind = match m.as_str() {
            "postgresql" | "postgres" | "cockroachdb" => BackingKind::Postgres,
            "mysql" => BackingKind::Mysql,
            "mongodb" => BackingKind::Mongodb,
            _ => return None,
        };
        let note = format!("schema.prisma > datasource > provider = \"{}\"", m.as_str());
        Some(Located::new(
            kind,
            Evidence::at_offset(&path, &text, m.start(), note),
        ))
    })
}

/// The database TypeORM's environment configuration connects to (`TYPEORM_CONNECTION=postgres`
/// in the folder's env file), with where it is set.
fn typeorm_connection(ctx: &Ctx, dir: &str, pkg: &Manifest) -> Option<(BackingKind, Evidence)> {
    pkg.dep_evidence("typeorm", RUNTIME_SECTIONS)?;
    let (value, mut ev) = ctx.dotenv_setting(dir, "TYPEORM_CONNECTION")?;
    let kind = match value.as_str() {
        "postgres" | "cockroachdb" => BackingKind::Postgres,
        "mysql" | "mariadb" => BackingKind::Mysql,
        "mongodb" => BackingKind::Mongodb,
        _ => return None,
    };
    ev.note = format!("TYPEORM_CONNECTION={value} in env file (TypeORM connects to it)");
    Some((kind, ev))
}

pub(super) fn backing_services(ctx: &Ctx, dir: &str, pkg: &Manifest) -> Vec<Located<BackingKind>> {
    let mut out: Vec<Located<BackingKind>> = Vec::new();
    let mut add = |kind: BackingKind, ev: Evidence| match out.iter_mut().find(|l| l.value == kind) {
        Some(l) => {
            if !l.evidence.contains(&ev) {
                l.evidence.push(ev)
            }
        }
        None => out.push(Located::new(kind, ev)),
    };
    for (dep, kinds) in BACKING_DEPS {
        if let Some(ev) = pkg.dep_evidence(dep, RUNTIME_SECTIONS) {
            for kind in *kinds {
                add(*kind, ev.clone());
            }
        }
    }
    if let Some(client) = pkg.dep_evidence("@prisma/client", RUNTIME_SECTIONS) {
        if let Some(l) = prisma_backing(ctx, dir) {
            for ev in l.evidence {
                add(l.value, ev);
            }
            add(l.value, client);
        }
    }
    // Drivers for several databases with TypeORM: the project supports each, and connects to
    // the one its configuration names.
    if let Some((kind, ev)) = typeorm_connection(ctx, dir, pkg) {
        let databases = [
            BackingKind::Postgres,
            BackingKind::Mysql,
            BackingKind::Mongodb,
        ];
        if out.iter().any(|l| l.value == kind) {
            out.retain(|l| l.value == kind || !databases.contains(&l.value));
            if let Some(l) = out.iter_mut().find(|l| l.value == kind) {
                l.evidence.push(ev);
            }
        }
    }
    out.sort_by_key(|l| l.value);
    out
}

/// Variables Vite defines itself on `import.meta.env`; reading them is not configuration.
const VITE_BUILTINS: &[&str] = &["MODE", "DEV", "PROD", "SSR", "BASE_URL"];

pub(super) fn env_vars(ctx: &Ctx, dir: &str, lang: Language) -> Vec<Located<String>> {
    ctx.env_vars(dir, lang)
        .into_iter()
        .filter(|v| {
            if !VITE_BUILTINS.contains(&v.value.as_str()) {
                return true;
            }
            let ev = &v.evidence[0];
            let line_text = ctx.text(&ev.path).and_then(|t| {
                let n = ev.line? as usize;
                t.lines().nth(n.saturating_sub(1)).map(str::to_string)
            });
            !line_text.is_some_and(|l| l.contains(&format!("import.meta.env.{}", v.value)))
        })
        .collect()
}
