//! Generator: a production Dockerfile per service that has none, from the detected facts.
//!
//! Each stack turns a [`Service`] into a [`Recipe`] — the commands that install, build and start
//! it — plus the stack's own details, and a template under `templates/docker/` (compiled in)
//! lays them out as a multi-stage Dockerfile. The recipe is the one source of truth for those
//! commands: the smoke test (`tests/smoke/run.sh`) runs the same recipe natively, so the
//! Dockerfile and the proof that its commands work cannot drift apart.
//!
//! Templates use minijinja with `{= … =}` for values (`{{ }}` would collide with GitHub's `${{ }}`
//! in the workflow generators that share the convention, and `{# #}` with the shell's `${#var}`).
//! Base images come from `data/base_images.toml` only.

pub(crate) mod base_images;
pub(crate) mod native;
mod requirement;
mod stacks;

use std::sync::OnceLock;

use minijinja::{Environment, Value};
use serde::Serialize;
use shipshape_core::{ArtifactKind, Inventory};
use shipshape_detect::{Facts, Service};

use crate::{join, show_dir, Artifact, BuildContext, Category, Plan, PlannedFile};

pub use base_images::{is_published, Day};

/// Where the application lives inside every image the generator writes.
pub const WORKDIR: &str = "/app";

/// The commands a generated Dockerfile runs for a service, in the order it runs them, relative
/// to [`WORKDIR`] (the folder of the service inside the build context). A native run of the same
/// recipe in a copy of the service's folder is what the smoke test does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recipe {
    /// The service's folder inside the build context (`""` when the context is the service's
    /// own folder, `apps/api` in a workspace built from its root).
    pub service_dir: String,
    /// Environment of the build stage (also exported for the native run).
    pub build_env: Vec<(String, String)>,
    /// Install the dependencies the image needs (from the build context's root; Go modules from
    /// the service's folder).
    pub install: Vec<String>,
    /// Build the application (run from the service's folder).
    pub build: Vec<String>,
    /// Files the final stage takes from the build stage under another name: `(from, to)`,
    /// relative to the service's folder.
    pub copies: Vec<(String, String)>,
    /// Environment of the running application (`ENV` of the final stage).
    pub env: Vec<(String, String)>,
    /// The server's command line (exec form: the runtime is PID 1).
    pub start: Vec<String>,
    pub port: Option<u16>,
    pub health_path: Option<String>,
    /// Build tools the recipe needs at pinned versions (`uv` → `0.13`).
    pub tools: Vec<(String, String)>,
    /// The runtime version the images carry (`20`, `3.12`, `1.78`).
    pub runtime_version: String,
}

/// One Dockerfile, ready to render.
struct Generated {
    template: &'static str,
    /// Values the template reads, besides the common ones.
    model: serde_json::Value,
    recipe: Recipe,
    /// Build context, repository-relative (`.` for the root).
    context: String,
    /// What the image is, for the plan's reason ("Next.js standalone output on node:20-…").
    summary: String,
    /// Images of the final stage and of the stages before it, for the reason line.
    run_image: String,
    user: String,
    warnings: Vec<String>,
    /// A header line saying the runtime version is the table's default, not the repository's.
    version_note: Option<String>,
}

/// Why a service gets no Dockerfile.
struct Skip(String);

/// Add a Dockerfile for every service that has none to `plan`.
pub fn plan(facts: &Facts, inv: &Inventory, plan: &mut Plan) {
    plan_on(facts, inv, plan, Day::today());
}

/// [`plan`] as of `today` (end-of-life warnings depend on the date).
pub fn plan_on(facts: &Facts, inv: &Inventory, plan: &mut Plan, today: Day) {
    plan_with(facts, inv, plan, today, false);
}

/// [`plan_on`]; with `replace_existing` (`init --force`) a service's own Dockerfile does not
/// stop a generated one, which the write then puts in its place.
pub fn plan_with(
    facts: &Facts,
    inv: &Inventory,
    plan: &mut Plan,
    today: Day,
    replace_existing: bool,
) {
    for service in &facts.services {
        let root = root_of(service);
        let existing = existing_dockerfile(inv, root).filter(|_| !replace_existing);
        if let Some(existing) = existing {
            plan.warnings.push(format!(
                "{}: {existing} already exists and was left alone — run `shipshape audit {existing}` \
                 to see how it compares with a generated one",
                service.name
            ));
            continue;
        }
        match stacks::generate(service, inv, today) {
            Ok(generated) => add(service, generated, plan),
            Err(Skip(why)) => plan.warnings.push(format!(
                "{}: no Dockerfile generated for {} — {why}",
                service.name,
                show_dir(root)
            )),
        }
    }
}

/// The recipe the Dockerfile of `service_name` runs, for running it natively (`None` when the
/// service is unknown or gets no Dockerfile).
pub fn recipe(facts: &Facts, inv: &Inventory, service_name: &str) -> Option<Recipe> {
    let service = facts.services.iter().find(|s| s.name == service_name)?;
    stacks::generate(service, inv, Day::today())
        .ok()
        .map(|g| g.recipe)
}

fn add(service: &Service, generated: Generated, plan: &mut Plan) {
    let root = root_of(service);
    let path = join(root, "Dockerfile");
    let content = match render(service, &generated, &path) {
        Ok(content) => writable_data_dirs(service, &generated, content, &mut plan.warnings),
        Err(e) => {
            plan.warnings.push(format!(
                "{}: the Dockerfile template failed to render ({e}) — this is a bug in shipshape",
                service.name
            ));
            return;
        }
    };
    plan.warnings.extend(
        generated
            .warnings
            .iter()
            .map(|w| format!("{}: {w}", service.name)),
    );
    if generated.context != root {
        plan.build_contexts.push(BuildContext {
            dockerfile: path.clone(),
            context: generated.context.clone(),
        });
    }
    for extra in stacks::extra_files(service, &generated) {
        plan.files.push(extra);
    }
    plan.files.push(PlannedFile {
        path,
        content,
        reason: format!(
            "Multi-stage Dockerfile for {}: {} on {}, runs as UID {}",
            show_dir(root),
            generated.summary,
            generated.run_image,
            generated
                .user
                .split(':')
                .next()
                .unwrap_or(generated.user.as_str())
        ),
        category: Category::Docker,
        artifact: Artifact::Docker,
    });
}

/// The folders the app writes at run time (`Service::data_dirs`: an embedded database, uploads)
/// belong to the app user in the image, so it can write there, and a named volume mounted on them starts with that
/// ownership. Inserted before the final `USER`, where the image still runs as root.
fn writable_data_dirs(
    service: &Service,
    g: &Generated,
    dockerfile: String,
    warnings: &mut Vec<String>,
) -> String {
    if service.data_dirs.is_empty() {
        return dockerfile;
    }
    let folders: Vec<String> = service
        .data_dirs
        .iter()
        .map(|d| container_path(&g.recipe.service_dir, &d.value))
        .collect();
    if !image_has_shell(&g.run_image) {
        warnings.push(format!(
            "{}: {} in {} needs a folder the app user can write, and {} has no shell to create \
             one — create it in the build stage and COPY --chown it, or move the data to a \
             server",
            service.name,
            data_kinds(service),
            folders.join(", "),
            g.run_image
        ));
        return dockerfile;
    }
    let Some(at) = dockerfile.rfind("\nUSER ") else {
        return dockerfile;
    };
    let user = &g.user;
    let run = format!(
        "\n# {} ({}) lives here: the app user owns the folder, so it can write there,\n# and a \
         named volume mounted on it starts with this ownership.\nRUN mkdir -p {list} \\\n && chown \
         {user} {list}",
        upper_first(&data_kinds(service)),
        service
            .data_dirs
            .iter()
            .filter_map(|d| d.evidence.first())
            .map(|e| e.path.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        list = folders.join(" ")
    );
    let mut out = dockerfile;
    out.insert_str(at, &run);
    out
}

/// What the service keeps in its data folders, in words: `the embedded database`, `the upload
/// folder`, or both.
pub(crate) fn data_kinds(service: &Service) -> String {
    let mut kinds: Vec<&str> = Vec::new();
    for d in &service.data_dirs {
        let kind = if d.evidence.iter().any(|e| e.note == "upload folder") {
            "the upload folder"
        } else if d
            .evidence
            .iter()
            .any(|e| e.note == "data folder the app creates")
        {
            "the data folder"
        } else {
            "the embedded database"
        };
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    kinds.join(" and ")
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A service folder's path inside the image: `data` of a service at `apps/api` in a workspace
/// build → `/app/apps/api/data`; absolute paths stay.
pub(crate) fn container_path(service_dir: &str, folder: &str) -> String {
    if folder.starts_with('/') {
        return folder.to_string();
    }
    // `..` climbs out of the service's folder: to a data folder the repository keeps at the
    // workspace's root (`../var` → /app/var), or out of /app (`../datastore` from the app's
    // folder → /datastore).
    let mut parts: Vec<&str> = WORKDIR.split('/').filter(|p| !p.is_empty()).collect();
    for part in [service_dir, folder]
        .iter()
        .flat_map(|p| p.split('/'))
        .filter(|p| !p.is_empty() && *p != ".")
    {
        if part == ".." {
            parts.pop();
        } else {
            parts.push(part);
        }
    }
    if parts.is_empty() {
        return "/".to_string();
    }
    parts.iter().map(|p| format!("/{p}")).collect()
}

fn root_of(service: &Service) -> &str {
    if service.root.is_empty() {
        "."
    } else {
        service.root.as_str()
    }
}

/// A Dockerfile directly in the service's folder (`Dockerfile`, `Dockerfile.prod`, …).
fn existing_dockerfile(inv: &Inventory, root: &str) -> Option<String> {
    inv.of_kind(ArtifactKind::Dockerfile)
        .find(|f| crate::dir_of(&f.path) == root && crate::builds_the_service(&f.path))
        .map(|f| f.path.clone())
}

/// Template values shared by every stack.
#[derive(Serialize)]
struct Common<'a> {
    service: &'a str,
    dockerfile: &'a str,
    context: &'a str,
    /// `docker build` arguments: `-f web/Dockerfile .` when the context is not the folder.
    build_args: String,
    port: Option<u16>,
    user: &'a str,
    workdir: &'a str,
    /// The service's folder inside the image (`/app` or `/app/apps/api`).
    app_dir: String,
    /// The service's folder inside the build context, with a trailing `/` (or empty).
    src: String,
    recipe: &'a Recipe,
    /// Exec-form JSON of the start command.
    start: String,
    install: String,
    build: String,
    /// `docker build -t` name: the service name, lower case, with other characters as `-`.
    tag: String,
    uid: &'a str,
    gid: &'a str,
    /// `ENV` instruction of the build stage and of the final stage (empty when none).
    build_env: String,
    run_env: String,
    /// `COPY` instructions for the manifests and lockfiles, grouped by folder.
    manifest_copy: String,
    version_note: Option<&'a str>,
}

fn render(service: &Service, g: &Generated, path: &str) -> Result<String, String> {
    let env = environment()?;
    let template = env.get_template(g.template).map_err(|e| e.to_string())?;
    let build_args = if crate::dir_of(path) == g.context {
        g.context.clone()
    } else {
        format!("-f {path} {}", g.context)
    };
    let src = if g.recipe.service_dir.is_empty() {
        String::new()
    } else {
        format!("{}/", g.recipe.service_dir)
    };
    let manifests: Vec<String> = g
        .model
        .get("manifests")
        .and_then(|m| m.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let (uid, gid) = g.user.split_once(':').unwrap_or((&g.user, &g.user));
    let common = Common {
        service: &service.name,
        dockerfile: path,
        context: &g.context,
        build_args,
        port: g.recipe.port,
        user: &g.user,
        workdir: WORKDIR,
        app_dir: format!("{WORKDIR}/{src}").trim_end_matches('/').to_string(),
        src,
        recipe: &g.recipe,
        start: exec_form(&start_argv(&g.recipe.start)),
        install: g.recipe.install.join(" \\\n && "),
        build: g.recipe.build.join(" \\\n && "),
        tag: image_tag(&service.name),
        uid,
        gid,
        build_env: env_instruction(&g.recipe.build_env),
        run_env: env_instruction(&g.recipe.env),
        manifest_copy: copy_instructions(&manifests),
        version_note: g.version_note.as_deref(),
    };
    let text = template
        .render(minijinja::context! {
            c => Value::from(minijinja::value::Serde(&common)),
            m => Value::from(minijinja::value::Serde(&g.model)),
        })
        .map_err(|e| format!("{e:#}"))?;
    Ok(tidy(&text))
}

/// Whether an image has a shell to run a command line with (distroless and chiseled ones do not).
pub fn image_has_shell(image: &str) -> bool {
    !(image.contains("distroless") || image.contains("chiseled"))
}

/// JSON array of `argv`, the exec form of CMD, ENTRYPOINT and HEALTHCHECK.
pub fn exec_form(argv: &[String]) -> String {
    let quoted: Vec<String> = argv
        .iter()
        .map(|a| serde_json::to_string(a).unwrap_or_else(|_| format!("\"{a}\"")))
        .collect();
    format!("[{}]", quoted.join(", "))
}

/// The argv of `CMD`. Exec form passes `$PORT` to the program as the five characters `$PORT`
/// (no shell expands it), so a start command that names a variable (a Procfile's
/// `--bind 0.0.0.0:$PORT`) runs through `sh -c 'exec …'`: the shell expands it and `exec` keeps
/// the server as PID 1, receiving SIGTERM.
pub fn start_argv(argv: &[String]) -> Vec<String> {
    let names_variable = |a: &String| {
        a.match_indices('$').any(|(i, _)| {
            a[i + 1..]
                .chars()
                .next()
                .is_some_and(|c| c == '{' || c == '_' || c.is_ascii_alphabetic())
        })
    };
    // Already run by a shell (`sh -c "…"`, as a stack writes a command naming `$PORT`): the
    // shell expands it; wrapping it again would only add a second shell.
    let shell_already = argv.len() == 3
        && matches!(argv[0].as_str(), "sh" | "/bin/sh" | "bash" | "/bin/bash")
        && argv[1] == "-c";
    if shell_already || !argv.iter().any(names_variable) {
        return argv.to_vec();
    }
    let words: Vec<String> = argv
        .iter()
        .map(|a| {
            if a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./:=${}@%+,".contains(c))
            {
                a.clone()
            } else {
                // Double quotes: the variable still expands, spaces stay one word.
                format!("\"{}\"", a.replace('\\', "\\\\").replace('"', "\\\""))
            }
        })
        .collect();
    vec![
        "/bin/sh".to_string(),
        "-c".to_string(),
        format!("exec {}", words.join(" ")),
    ]
}

/// A valid image name for `docker build -t`.
fn image_tag(name: &str) -> String {
    let tag: String = name
        .trim_start_matches('@')
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '.' | '_' | '-' => c,
            'A'..='Z' => c.to_ascii_lowercase(),
            _ => '-',
        })
        .collect();
    let tag = tag
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_string();
    if tag.is_empty() {
        "app".to_string()
    } else {
        tag
    }
}

/// One `ENV` instruction in the `KEY=value` form, a pair per line; values with spaces or
/// variables are quoted.
fn env_instruction(pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let lines: Vec<String> = pairs
        .iter()
        .map(|(k, v)| {
            let plain = !v.is_empty()
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./:=,".contains(c));
            if plain {
                format!("{k}={v}")
            } else {
                format!("{k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
            }
        })
        .collect();
    format!("ENV {}", lines.join(" \\\n    "))
}

/// `COPY` instructions for files given relative to the build context: one per folder, so the
/// files keep their place (`COPY package.json package-lock.json ./`,
/// `COPY apps/api/package.json apps/api/`).
fn copy_instructions(files: &[String]) -> String {
    let mut by_dir: Vec<(String, Vec<&str>)> = Vec::new();
    for f in files {
        let dir = match f.rsplit_once('/') {
            Some((d, _)) => format!("{d}/"),
            None => "./".to_string(),
        };
        match by_dir.iter_mut().find(|(d, _)| *d == dir) {
            Some((_, list)) => list.push(f),
            None => by_dir.push((dir, vec![f])),
        }
    }
    by_dir
        .iter()
        .map(|(dir, list)| format!("COPY {} {dir}", list.join(" ")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// At most one blank line in a row, none at the end: templates stay readable with their
/// conditionals, and the output stays tidy.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            if blank > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

const TEMPLATES: &[(&str, &str)] = &[
    (
        "common",
        include_str!("../../templates/docker/common.Dockerfile.j2"),
    ),
    (
        "node",
        include_str!("../../templates/docker/node.Dockerfile.j2"),
    ),
    (
        "nextjs",
        include_str!("../../templates/docker/nextjs.Dockerfile.j2"),
    ),
    (
        "spa",
        include_str!("../../templates/docker/spa.Dockerfile.j2"),
    ),
    (
        "static",
        include_str!("../../templates/docker/static.Dockerfile.j2"),
    ),
    (
        "python",
        include_str!("../../templates/docker/python.Dockerfile.j2"),
    ),
    (
        "go",
        include_str!("../../templates/docker/go.Dockerfile.j2"),
    ),
    (
        "rust",
        include_str!("../../templates/docker/rust.Dockerfile.j2"),
    ),
    (
        "java",
        include_str!("../../templates/docker/java.Dockerfile.j2"),
    ),
    (
        "rails",
        include_str!("../../templates/docker/rails.Dockerfile.j2"),
    ),
    (
        "laravel",
        include_str!("../../templates/docker/laravel.Dockerfile.j2"),
    ),
    (
        "aspnet",
        include_str!("../../templates/docker/aspnet.Dockerfile.j2"),
    ),
];

/// nginx configuration for single-page apps, planned beside their Dockerfile.
pub(crate) const NGINX_SPA_CONF: &str = include_str!("../../templates/docker/nginx-spa.conf");

fn environment() -> Result<&'static Environment<'static>, String> {
    static ENV: OnceLock<Result<Environment<'static>, String>> = OnceLock::new();
    ENV.get_or_init(|| build_environment().map_err(|e| format!("{e:#}")))
        .as_ref()
        .map_err(String::clone)
}

fn build_environment() -> Result<Environment<'static>, minijinja::Error> {
    let mut env = Environment::new();
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .block_delimiters("{%", "%}")
            .variable_delimiters("{=", "=}")
            .comment_delimiters("{##", "##}")
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()?,
    );
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)?;
    }
    Ok(env)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_paths_climb_out_of_the_service_but_not_the_context() {
        assert_eq!(container_path("apps/api", "data"), "/app/apps/api/data");
        assert_eq!(container_path("server", "../var"), "/app/var");
        assert_eq!(container_path("", "./data/"), "/app/data");
        assert_eq!(container_path(".", "."), "/app");
        assert_eq!(container_path("", "../datastore"), "/datastore");
        assert_eq!(container_path("api", "/var/lib/app"), "/var/lib/app");
    }

    #[test]
    fn every_template_compiles() {
        let env = environment().expect("templates compile");
        for (name, _) in TEMPLATES {
            assert!(env.get_template(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn exec_form_quotes_every_argument_as_json() {
        let argv = vec!["node".to_string(), "-e".to_string(), "a \"b\"".to_string()];
        assert_eq!(exec_form(&argv), r#"["node", "-e", "a \"b\""]"#);
    }

    #[test]
    fn a_start_command_naming_a_variable_runs_through_a_shell_that_execs_it() {
        let argv: Vec<String> = ["gunicorn", "--bind", "0.0.0.0:$PORT", "wsgi:app"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            start_argv(&argv),
            vec![
                "/bin/sh",
                "-c",
                "exec gunicorn --bind 0.0.0.0:$PORT wsgi:app"
            ]
        );
        let plain: Vec<String> = vec!["node".into(), "server.js".into()];
        assert_eq!(
            start_argv(&plain),
            plain,
            "nothing to expand: exec form as it is"
        );
        let price: Vec<String> = vec!["echo".into(), "costs $5".into()];
        assert_eq!(start_argv(&price), price, "`$5` is no variable name");
    }

    #[test]
    fn tidy_keeps_one_blank_line_between_blocks() {
        assert_eq!(tidy("\nA\n\n\n\nB  \n\n"), "A\n\nB\n");
    }
}
