//! Process types of a service besides its server: what platforms declare (Procfile lines,
//! render.yaml `preDeployCommand` and worker services, fly.toml `[processes]` and
//! `release_command`), release steps chained in front of the server (`web: python manage.py
//! migrate && gunicorn app.wsgi`), and the framework's own migration command where the
//! repository has migrations (alembic, Django, Flask-Migrate, Prisma, drizzle, Rails, Laravel).
//!
//! Runs once over every detected service, after its stack set the start command, so every stack
//! gets the same reading.

use shipshape_core::{Evidence, Located};
use shipshape_syntax::shell::{self, Separator};

use crate::ctx::Ctx;
use crate::model::{BackingKind, Framework, Language, Process, ProcessKind, Service};

/// Fill `svc.processes`, and split a chained start command into its release steps and server.
pub(crate) fn attach(ctx: &Ctx, svc: &mut Service) {
    let dir = if svc.root.is_empty() {
        ".".to_string()
    } else {
        svc.root.clone()
    };
    let mut processes = Vec::new();
    procfile(ctx, &dir, &mut processes);
    fly_toml(ctx, &dir, svc, &mut processes);
    render_yaml(ctx, &dir, svc, &mut processes);

    if let Some(start) = svc.start_command.take() {
        let (release, server) = split_chain(&start.value);
        for step in release {
            processes.push(Process {
                kind: ProcessKind::Release,
                name: release_name(&step),
                command: Located {
                    value: step,
                    evidence: start.evidence.clone(),
                },
            });
        }
        svc.start_command = Some(Located {
            value: server,
            evidence: start.evidence,
        });
    }

    if !processes.iter().any(|p| p.kind == ProcessKind::Worker) {
        if let Some(worker) = framework_worker(ctx, &dir, svc) {
            processes.push(worker);
        }
    }
    if !processes.iter().any(|p| p.kind == ProcessKind::Release) {
        if let Some(migrate) = framework_migration(ctx, &dir, svc) {
            processes.push(migrate);
        }
    }
    // One process per command: a Procfile `release` that repeats the chained step is one step.
    let mut seen = Vec::new();
    processes.retain(|p| {
        let key = (p.kind, p.command.value.clone());
        let fresh = !seen.contains(&key);
        seen.push(key);
        fresh
    });
    svc.processes = processes;
}

/// `a && b && server` → (`[a, b]`, `server`); a command that is not such a chain stays whole.
/// Only `&&` and `;` chains are split, and not when a step changes the folder (`cd api && …`),
/// since the server depends on it.
pub fn split_chain(command: &str) -> (Vec<String>, String) {
    let commands: Vec<_> = shell::split(command, 0)
        .into_iter()
        .filter(|c| !c.in_subshell)
        .collect();
    let whole = (Vec::new(), command.trim().to_string());
    if commands.len() < 2 {
        return whole;
    }
    let chained = commands[..commands.len() - 1]
        .iter()
        .all(|c| matches!(c.separator, Separator::AndAnd | Separator::Semi));
    let changes_folder = commands.iter().any(|c| c.name() == Some("cd"));
    if !chained || changes_folder {
        return whole;
    }
    let text = |c: &shell::Command| command[c.span.start..c.span.end].trim().to_string();
    let mut steps: Vec<String> = commands.iter().map(text).collect();
    let server = steps.pop().unwrap_or_default();
    // `exec` in front of the server only matters to a shell.
    let server = server
        .strip_prefix("exec ")
        .map(str::trim)
        .unwrap_or(&server)
        .to_string();
    (steps, server)
}

/// What a release step does, as a service name part.
fn release_name(command: &str) -> String {
    let c = command.to_ascii_lowercase();
    if c.contains("migrate") || c.contains("upgrade") || c.contains("db:prepare") {
        "migrate".to_string()
    } else {
        "release".to_string()
    }
}

fn procfile(ctx: &Ctx, dir: &str, out: &mut Vec<Process>) {
    let path = Ctx::join(dir, "Procfile");
    let Some(text) = ctx.text(&path) else {
        return;
    };
    for (i, line) in text.lines().enumerate() {
        let Some((name, command)) = line.split_once(':') else {
            continue;
        };
        let name = name.trim();
        let command = command.trim();
        let valid_name = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid_name || line.trim_start().starts_with('#') || command.is_empty() || name == "web"
        {
            continue;
        }
        if super::shared::is_dev_server(command) {
            continue;
        }
        let kind = if name == "release" {
            ProcessKind::Release
        } else {
            ProcessKind::Worker
        };
        let evidence = Evidence::new(
            &path,
            u32::try_from(i + 1).ok(),
            format!("Procfile > {name}"),
        );
        let (steps, last) = if kind == ProcessKind::Release {
            let (mut steps, last) = split_chain(command);
            steps.push(last);
            (steps, None)
        } else {
            (Vec::new(), Some(command.to_string()))
        };
        for step in steps {
            out.push(Process {
                kind,
                name: release_name(&step),
                command: Located::new(step, evidence.clone()),
            });
        }
        if let Some(command) = last {
            out.push(Process {
                kind,
                name: name.to_string(),
                command: Located::new(command, evidence),
            });
        }
    }
}

fn fly_toml(ctx: &Ctx, dir: &str, svc: &mut Service, out: &mut Vec<Process>) {
    let path = Ctx::join(dir, "fly.toml");
    let Some((text, table)) = ctx.toml(&path) else {
        return;
    };
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.trim_start().starts_with(needle))
            .and_then(|i| u32::try_from(i + 1).ok())
    };
    if let Some(cmd) = table
        .get("deploy")
        .and_then(|d| d.get("release_command"))
        .and_then(|c| c.as_str())
    {
        out.push(Process {
            kind: ProcessKind::Release,
            name: release_name(cmd),
            command: Located::new(
                cmd.to_string(),
                Evidence::new(
                    &path,
                    line_of("release_command"),
                    "fly.toml > deploy > release_command",
                ),
            ),
        });
    }
    let Some(processes) = table.get("processes").and_then(|p| p.as_table()) else {
        return;
    };
    for (name, cmd) in processes {
        let Some(cmd) = cmd.as_str() else { continue };
        let evidence = Evidence::new(
            &path,
            line_of(name),
            format!("fly.toml > processes > {name}"),
        );
        if matches!(name.as_str(), "app" | "web") {
            if svc.start_command.is_none() {
                svc.start_command = Some(Located::new(cmd.to_string(), evidence));
            }
        } else {
            out.push(Process {
                kind: ProcessKind::Worker,
                name: name.clone(),
                command: Located::new(cmd.to_string(), evidence),
            });
        }
    }
}

fn render_yaml(ctx: &Ctx, dir: &str, svc: &mut Service, out: &mut Vec<Process>) {
    // A blueprint lives at the repository root and names each service's folder.
    let path = "render.yaml";
    let Some((text, doc)) = ctx.yaml(path) else {
        return;
    };
    let Some(services) = doc.get("services").and_then(|s| s.as_array()) else {
        return;
    };
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .and_then(|i| u32::try_from(i + 1).ok())
    };
    for s in services {
        let root = s
            .get("rootDir")
            .and_then(|r| r.as_str())
            .map(|r| r.trim_start_matches("./").trim_end_matches('/'))
            .filter(|r| !r.is_empty())
            .unwrap_or(".");
        if root != dir {
            continue;
        }
        let kind = s.get("type").and_then(|t| t.as_str()).unwrap_or("web");
        let name = s.get("name").and_then(|n| n.as_str()).unwrap_or(kind);
        let start = s.get("startCommand").and_then(|c| c.as_str());
        match (kind, start) {
            ("web" | "pserv", Some(cmd)) if svc.start_command.is_none() => {
                svc.start_command = Some(Located::new(
                    cmd.to_string(),
                    Evidence::new(
                        path,
                        line_of(cmd),
                        format!("render.yaml > {name} > startCommand"),
                    ),
                ));
            }
            ("worker" | "cron", Some(cmd)) => out.push(Process {
                kind: ProcessKind::Worker,
                name: name.to_string(),
                command: Located::new(
                    cmd.to_string(),
                    Evidence::new(
                        path,
                        line_of(cmd),
                        format!("render.yaml > {name} > startCommand"),
                    ),
                ),
            }),
            _ => {}
        }
        if let Some(cmd) = s.get("preDeployCommand").and_then(|c| c.as_str()) {
            out.push(Process {
                kind: ProcessKind::Release,
                name: release_name(cmd),
                command: Located::new(
                    cmd.to_string(),
                    Evidence::new(
                        path,
                        line_of(cmd),
                        format!("render.yaml > {name} > preDeployCommand"),
                    ),
                ),
            });
        }
    }
}

/// The queue worker a detected worker library runs, with the same code: Celery (its app module
/// found where `Celery(` is called), Sidekiq, Laravel queues.
fn framework_worker(ctx: &Ctx, dir: &str, svc: &Service) -> Option<Process> {
    let kinds: Vec<BackingKind> = svc.backing_services.iter().map(|b| b.value).collect();
    let worker = |command: String, evidence: Evidence| {
        Some(Process {
            kind: ProcessKind::Worker,
            name: "worker".to_string(),
            command: Located::new(command, evidence),
        })
    };
    if kinds.contains(&BackingKind::CeleryWorker) {
        let prefix = if dir == "." {
            String::new()
        } else {
            format!("{dir}/")
        };
        for (f, text) in ctx.source_texts(dir, &["py"]) {
            let Some(at) = text.find("Celery(") else {
                continue;
            };
            let rel = f.path.strip_prefix(&prefix).unwrap_or(&f.path);
            let module = rel.trim_end_matches(".py").replace('/', ".");
            // `celery -A pkg` finds `pkg.celery` by itself.
            let module = module
                .strip_suffix(".celery")
                .map(str::to_string)
                .unwrap_or(module);
            return worker(
                format!("celery -A {module} worker --loglevel=info"),
                Evidence::at_offset(&f.path, &text, at, "Celery app"),
            );
        }
    }
    let evidence = || {
        svc.backing_services
            .iter()
            .find(|b| b.value.is_worker())
            .and_then(|b| b.evidence.first().cloned())
    };
    if kinds.contains(&BackingKind::SidekiqWorker) {
        return worker("bundle exec sidekiq".to_string(), evidence()?);
    }
    if kinds.contains(&BackingKind::QueueWorker)
        && svc.framework.as_ref().map(|f| f.value) == Some(Framework::Laravel)
    {
        return worker("php artisan queue:work".to_string(), evidence()?);
    }
    None
}

/// The framework's migration command, when the repository holds migrations to apply.
fn framework_migration(ctx: &Ctx, dir: &str, svc: &Service) -> Option<Process> {
    let has = |name: &str| ctx.exists(&Ctx::join(dir, name));
    let has_dir = |name: &str| !ctx.inv.under(&Ctx::join(dir, name)).is_empty();
    let manifests_mention = |needles: &[&str]| {
        [
            "requirements.txt",
            "pyproject.toml",
            "Pipfile",
            "setup.py",
            "package.json",
        ]
        .iter()
        .filter_map(|m| ctx.text(&Ctx::join(dir, m)))
        .any(|t| {
            let t = t.to_ascii_lowercase();
            needles.iter().any(|n| t.contains(n))
        })
    };
    let framework = svc.framework.as_ref().map(|f| f.value);
    let make = |command: &str, file: &str, why: &str| {
        Some(Process {
            kind: ProcessKind::Release,
            name: "migrate".to_string(),
            command: Located::new(
                command.to_string(),
                Evidence::new(Ctx::join(dir, file), None, why),
            ),
        })
    };
    match svc.language.value {
        Language::Python => {
            if framework == Some(Framework::Django) && has("manage.py") {
                return make(
                    "python manage.py migrate --noinput",
                    "manage.py",
                    "Django project: migrations are applied with manage.py migrate",
                );
            }
            if manifests_mention(&["flask-migrate", "flask_migrate"]) && has_dir("migrations") {
                return make(
                    "flask db upgrade",
                    "migrations",
                    "Flask-Migrate with a migrations folder",
                );
            }
            if has("alembic.ini") {
                return make(
                    "alembic upgrade head",
                    "alembic.ini",
                    "alembic configuration: migrations are applied with alembic upgrade",
                );
            }
            None
        }
        Language::Javascript | Language::Typescript => {
            if let Some(schema) = crate::stacks::node::prisma_schema(ctx, dir) {
                let folder = schema.rsplit_once('/').map_or("", |(d, _)| d);
                if has_dir(&Ctx::join(folder, "migrations")) {
                    return make(
                        "npx prisma migrate deploy",
                        &schema,
                        "Prisma schema with committed migrations",
                    );
                }
            }
            let drizzle = [
                "drizzle.config.ts",
                "drizzle.config.js",
                "drizzle.config.mjs",
            ]
            .into_iter()
            .find(|f| has(f));
            if let Some(config) = drizzle {
                if manifests_mention(&["\"drizzle-kit\""]) {
                    return make(
                        "npx drizzle-kit migrate",
                        config,
                        "drizzle-kit configuration: migrations are applied with drizzle-kit migrate",
                    );
                }
            }
            None
        }
        Language::Ruby if framework == Some(Framework::Rails) && has("bin/rails") => make(
            "bin/rails db:prepare",
            "bin/rails",
            "Rails: db:prepare creates the database and applies pending migrations",
        ),
        Language::Php
            if framework == Some(Framework::Laravel)
                && has("artisan")
                && has_dir("database/migrations") =>
        {
            make(
                "php artisan migrate --force",
                "database/migrations",
                "Laravel migrations",
            )
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_migrate_chain_splits_into_release_steps_and_the_server() {
        let (steps, server) = split_chain(
            "python manage.py migrate && python manage.py collectstatic --noinput && gunicorn app.wsgi --bind 0.0.0.0:$PORT",
        );
        assert_eq!(
            steps,
            [
                "python manage.py migrate",
                "python manage.py collectstatic --noinput"
            ]
        );
        assert_eq!(server, "gunicorn app.wsgi --bind 0.0.0.0:$PORT");
    }

    #[test]
    fn a_single_command_or_a_folder_change_is_not_split() {
        assert_eq!(split_chain("gunicorn app:app").0.len(), 0);
        let (steps, server) = split_chain("cd backend && gunicorn app:app");
        assert!(steps.is_empty());
        assert_eq!(server, "cd backend && gunicorn app:app");
        assert!(split_chain("a || b").0.is_empty());
    }

    #[test]
    fn exec_in_front_of_the_server_is_dropped() {
        assert_eq!(
            split_chain("bin/rails db:migrate; exec bin/rails server").1,
            "bin/rails server"
        );
    }
}
