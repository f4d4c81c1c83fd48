//! One function per stack: from a service's facts to its [`Recipe`] and the details its template
//! needs (manifests to copy before the source, cache folders, health check, runtime user).

use serde_json::json;
use shipshape_core::Inventory;
use shipshape_detect::{value_name, Framework, Language, PackageManager, Service};

use super::base_images::{self, BaseImages, Day};
use super::{root_of, Generated, Recipe, Skip, NGINX_SPA_CONF, WORKDIR};
use crate::{join, Artifact, Category, PlannedFile};

/// The user created in images that have no non-root user of their own.
const APP_USER: &str = "10001:10001";

/// Port of the unprivileged nginx image.
const NGINX_PORT: u16 = 8080;

pub(super) fn generate(service: &Service, inv: &Inventory, today: Day) -> Result<Generated, Skip> {
    let framework = service.framework.as_ref().map(|f| f.value);
    let pm = service.package_manager.as_ref().map(|p| p.value);
    match service.language.value {
        Language::Javascript | Language::Typescript => match framework {
            Some(Framework::Nextjs) => node::nextjs(service, inv, today),
            Some(Framework::ViteSpa | Framework::CreateReactApp) => node::spa(service, inv, today),
            Some(Framework::StaticSiteGenerator) => Err(Skip(
                "static-site generators are not generated yet: build the site and serve its output \
                 folder with nginxinc/nginx-unprivileged"
                    .into(),
            )),
            _ => node::server(service, inv, today),
        },
        Language::Html => static_site(service),
        Language::Python => python(service, inv, today),
        Language::Go => go(service, inv, today),
        Language::Rust => rust(service, inv, today),
        Language::Java | Language::Kotlin => match framework {
            Some(Framework::SpringBoot) => java(service, inv, today, pm),
            _ => Err(Skip(
                "only Spring Boot is generated for the JVM so far (Quarkus and Micronaut are not)"
                    .into(),
            )),
        },
        Language::Ruby => match framework {
            Some(Framework::Rails) => rails(service, inv, today),
            _ => Err(Skip("only Rails is generated for Ruby so far".into())),
        },
        Language::Php => match framework {
            Some(Framework::Laravel) => laravel(service, inv, today),
            _ => Err(Skip("only Laravel is generated for PHP so far".into())),
        },
        Language::Csharp => aspnet(service, inv, today),
    }
}

/// Files planned beside a Dockerfile (the SPA's nginx configuration).
pub(super) fn extra_files(service: &Service, g: &Generated) -> Vec<PlannedFile> {
    let Some(conf) = g.model.get("nginx_conf_planned").and_then(|v| v.as_str()) else {
        return Vec::new();
    };
    vec![PlannedFile {
        path: conf.to_string(),
        content: NGINX_SPA_CONF.to_string(),
        reason: format!(
            "nginx configuration for {}: serves the built single-page app on port {NGINX_PORT} and \
             answers unknown paths with index.html so client-side routes load",
            service.name
        ),
        category: Category::Docker,
        artifact: Artifact::Docker,
    }]
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

/// Words of a detected command line (`node src/server.js` → `["node", "src/server.js"]`),
/// leading `VAR=value` assignments included.
fn words(command: &str) -> Vec<String> {
    let Some(cmd) = shipshape_syntax::shell::split(command, 0)
        .into_iter()
        .next()
    else {
        return Vec::new();
    };
    cmd.assignments()
        .iter()
        .chain(cmd.name_word())
        .chain(cmd.args())
        .map(|w| w.value.clone())
        .collect()
}

fn detected(field: &Option<shipshape_core::Located<String>>) -> Option<&str> {
    field.as_ref().map(|l| l.value.as_str())
}

fn images(runtime: &str, service: &Service, today: Day) -> Result<BaseImages, Skip> {
    base_images::resolve(runtime, detected(&service.runtime_version), today).ok_or_else(|| {
        Skip(format!(
            "the base-image table has no `{runtime}` entry — this is a bug in shipshape"
        ))
    })
}

fn image(key: &str) -> Result<String, Skip> {
    base_images::image(key)
        .map(str::to_string)
        .ok_or_else(|| Skip(format!("the base-image table has no `{key}` image")))
}

/// Whether the folder `dir` holds a file `name`.
fn has(inv: &Inventory, dir: &str, name: &str) -> bool {
    inv.contains(&join(dir, name))
}

/// Whether the folder `dir` has a sub-folder `name` with at least one file.
fn has_dir(inv: &Inventory, dir: &str, name: &str) -> bool {
    !inv.under(&join(dir, name)).is_empty()
}

/// Names of the files in `dir` (not below it) for which `keep` holds, sorted.
fn files_in(inv: &Inventory, dir: &str, keep: impl Fn(&str) -> bool) -> Vec<String> {
    let prefix = if dir == "." || dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    inv.under(dir)
        .iter()
        .filter_map(|f| f.path.strip_prefix(&prefix))
        .filter(|rest| !rest.contains('/') && keep(rest))
        .map(str::to_string)
        .collect()
}

/// The service's folder relative to `context`.
fn relative(root: &str, context: &str) -> String {
    if context == "." || context == root {
        if context == root {
            return String::new();
        }
        return root.to_string();
    }
    root.strip_prefix(&format!("{context}/"))
        .unwrap_or(root)
        .to_string()
}

/// Health check in exec form, `None` where the image has no program to run one.
fn health_url(port: u16, path: &str) -> String {
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    format!("http://127.0.0.1:{port}{path}")
}

fn health_model(
    check: Option<Vec<String>>,
    start_period: &str,
    why_none: &str,
) -> serde_json::Value {
    match check {
        Some(argv) => json!({ "cmd": super::exec_form(&argv), "start_period": start_period }),
        None => json!({ "none_reason": why_none }),
    }
}

fn env(pairs: &[(&str, String)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// Port of a serving service; `None` for workers. A server whose port was not detected gets the
/// framework's conventional one, with a warning.
fn port_of(service: &Service, fallback: u16, warnings: &mut Vec<String>) -> Option<u16> {
    if let Some(p) = &service.port {
        return Some(p.value);
    }
    if service.role == shipshape_detect::ServiceRole::Worker {
        return None;
    }
    warnings.push(format!(
        "no port was detected: the Dockerfile exposes {fallback}, the framework's default — set \
         the real one in shipshape.toml if it differs"
    ));
    Some(fallback)
}

fn eol_warning(images: &BaseImages, warnings: &mut Vec<String>) {
    if let Some(w) = &images.warning {
        warnings.push(w.clone());
    }
}

/// Why there is no HEALTHCHECK in an image without a shell or HTTP client.
fn probes_instead(image: &str, port: Option<u16>, path: &str) -> String {
    match port {
        Some(p) => format!(
            "{image} has no shell and no HTTP client to run a check with; the orchestrator's probes \
             (Kubernetes liveness/readiness, a load balancer's health check) should call GET {path} \
             on port {p} instead"
        ),
        None => format!("{image} has no shell to run a check with, and a worker has no HTTP port"),
    }
}

/// "Node.js 20".
fn runtime_label(name: &str, images: &BaseImages) -> String {
    format!("{name} {}", images.version)
}

/// The header line and warning for a runtime version the repository does not declare.
fn default_version_note(
    name: &str,
    images: &BaseImages,
    warnings: &mut Vec<String>,
) -> Option<String> {
    if images.detected {
        return None;
    }
    warnings.push(format!(
        "no {name} version is declared: the image uses {name} {}, shipshape's current default — \
         declare the version you test with so builds stay reproducible",
        images.version
    ));
    Some(format!(
        "No {name} version is declared in the repository: {} is shipshape's default.",
        images.version
    ))
}

// ---------------------------------------------------------------------------------------------
// Node.js

mod node {
    use super::*;

    /// How one package manager installs and runs scripts.
    pub(super) struct Manager {
        pub name: &'static str,
        /// Lockfiles, any of which marks the project (the first present is copied).
        pub lockfiles: &'static [&'static str],
        pub cache: &'static str,
        pub prod_install: &'static str,
        pub full_install: &'static str,
        /// Needs `corepack enable` first (pnpm, and Yarn 2+).
        pub corepack: bool,
        pub runtime: &'static str,
        pub run_script: &'static str,
    }

    pub(super) fn manager(service: &Service, inv: &Inventory, lock_dir: &str) -> Manager {
        let pm = service
            .package_manager
            .as_ref()
            .map(|p| p.value)
            .unwrap_or(PackageManager::Npm);
        match pm {
            PackageManager::Pnpm => Manager {
                name: "pnpm",
                lockfiles: &["pnpm-lock.yaml"],
                cache: "/root/.local/share/pnpm/store",
                prod_install: "pnpm install --frozen-lockfile --prod",
                full_install: "pnpm install --frozen-lockfile",
                corepack: true,
                runtime: "node",
                run_script: "pnpm run",
            },
            PackageManager::Yarn if has(inv, lock_dir, ".yarnrc.yml") => Manager {
                name: "yarn",
                lockfiles: &["yarn.lock"],
                cache: "/root/.yarn/berry/cache",
                prod_install: "yarn workspaces focus --all --production",
                full_install: "yarn install --immutable",
                corepack: true,
                runtime: "node",
                run_script: "yarn run",
            },
            PackageManager::Yarn => Manager {
                name: "yarn",
                lockfiles: &["yarn.lock"],
                cache: "/usr/local/share/.cache/yarn",
                prod_install: "yarn install --frozen-lockfile --production",
                full_install: "yarn install --frozen-lockfile",
                corepack: false,
                runtime: "node",
                run_script: "yarn run",
            },
            PackageManager::Bun => Manager {
                name: "bun",
                lockfiles: &["bun.lock", "bun.lockb"],
                cache: "/root/.bun/install/cache",
                prod_install: "bun install --frozen-lockfile --production",
                full_install: "bun install --frozen-lockfile",
                corepack: false,
                runtime: "bun",
                run_script: "bun run",
            },
            _ => Manager {
                name: "npm",
                lockfiles: &["package-lock.json", "npm-shrinkwrap.json"],
                cache: "/root/.npm",
                prod_install: "npm ci --omit=dev",
                full_install: "npm ci",
                corepack: false,
                runtime: "node",
                run_script: "npm run",
            },
        }
    }

    /// Where the lockfile is: the service's folder, or the workspace root above it.
    struct Layout {
        context: String,
        /// Manifests to copy before the source, relative to the context.
        manifests: Vec<String>,
        lockfile: Option<String>,
        manager: Manager,
    }

    fn layout(service: &Service, inv: &Inventory) -> Layout {
        let root = root_of(service);
        let probe = manager(service, inv, root);
        let in_root = probe.lockfiles.iter().find(|l| has(inv, root, l));
        if let Some(lock) = in_root {
            let mut manifests = vec!["package.json".to_string(), lock.to_string()];
            extra_manifests(inv, root, &mut manifests);
            return Layout {
                context: root.to_string(),
                manifests,
                lockfile: Some(lock.to_string()),
                manager: probe,
            };
        }
        // A workspace member: the lockfile and the other members' manifests are at the root.
        let workspace_lock = probe.lockfiles.iter().find(|l| has(inv, ".", l));
        match workspace_lock {
            Some(lock) if root != "." => {
                let manager = manager(service, inv, ".");
                let mut manifests = vec!["package.json".to_string(), lock.to_string()];
                extra_manifests(inv, ".", &mut manifests);
                manifests.extend(
                    inv.files()
                        .iter()
                        .filter(|f| {
                            f.name() == "package.json"
                                && f.path != "package.json"
                                && !f.path.contains("node_modules/")
                        })
                        .map(|f| f.path.clone()),
                );
                Layout {
                    context: ".".to_string(),
                    manifests,
                    lockfile: Some(lock.to_string()),
                    manager,
                }
            }
            _ => Layout {
                context: root.to_string(),
                manifests: vec!["package.json".to_string()],
                lockfile: None,
                manager: probe,
            },
        }
    }

    fn extra_manifests(inv: &Inventory, dir: &str, out: &mut Vec<String>) {
        for extra in [".npmrc", ".yarnrc.yml", "pnpm-workspace.yaml"] {
            if has(inv, dir, extra) && extra != ".npmrc" {
                out.push(extra.to_string());
            }
        }
    }

    fn install_commands(m: &Manager, full: bool) -> Vec<String> {
        let mut cmds = Vec::new();
        if m.corepack {
            cmds.push("corepack enable".to_string());
        }
        cmds.push(if full { m.full_install } else { m.prod_install }.to_string());
        cmds
    }

    fn health(m: &Manager, port: Option<u16>, path: &str) -> serde_json::Value {
        let check = port.map(|p| {
            vec![
                m.runtime.to_string(),
                "-e".to_string(),
                format!(
                    "fetch('{}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",
                    health_url(p, path)
                ),
            ]
        });
        health_model(
            check,
            "15s",
            "a worker without an HTTP port: the process itself is its health",
        )
    }

    fn runtime_images(m: &Manager, service: &Service, today: Day) -> Result<BaseImages, Skip> {
        images(
            if m.runtime == "bun" { "bun" } else { "node" },
            service,
            today,
        )
    }

    fn lock_warning(layout: &Layout, warnings: &mut Vec<String>) {
        if layout.lockfile.is_none() {
            warnings.push(format!(
                "no lockfile for {}: commit one so image builds install the versions you tested",
                layout.manager.name
            ));
        }
    }

    /// Express, NestJS, Fastify, Koa, Hono and other Node servers.
    pub(super) fn server(
        service: &Service,
        inv: &Inventory,
        today: Day,
    ) -> Result<Generated, Skip> {
        let layout = layout(service, inv);
        let m = &layout.manager;
        let img = runtime_images(m, service, today)?;
        let mut warnings = Vec::new();
        eol_warning(&img, &mut warnings);
        let version_note = default_version_note(
            if m.runtime == "bun" { "Bun" } else { "Node.js" },
            &img,
            &mut warnings,
        );
        lock_warning(&layout, &mut warnings);
        let root = root_of(service);
        let service_dir = relative(root, &layout.context);
        let Some(start_cmd) = detected(&service.start_command) else {
            return Err(Skip(
                "no start command was found (package.json `start` or `main`)".into(),
            ));
        };
        let start = words(start_cmd);
        let runs_package_manager = start
            .first()
            .is_some_and(|p| matches!(p.as_str(), "npm" | "yarn" | "pnpm" | "npx"));
        if start.is_empty() || runs_package_manager {
            return Err(Skip(format!(
                "the start command `{start_cmd}` goes through a package manager; name the server \
                 script (`node dist/main.js`) in package.json `start` so it can run as PID 1"
            )));
        }
        let build: Vec<String> = detected(&service.build_command)
            .map(|b| vec![b.to_string()])
            .unwrap_or_default();
        // What the build produces is what the start command runs: its top folder is copied.
        let output_dir = if build.is_empty() {
            None
        } else {
            let script = start.iter().skip(1).find(|a| !a.starts_with('-'));
            match script.and_then(|s| s.trim_start_matches("./").split_once('/')) {
                Some((dir, _)) => Some(dir.to_string()),
                None => {
                    return Err(Skip(format!(
                        "the build output folder could not be told from the start command \
                         `{start_cmd}`"
                    )))
                }
            }
        };
        let port = port_of(service, 3000, &mut warnings);
        let mut env_vars = vec![("NODE_ENV", "production".to_string())];
        if let Some(p) = port {
            env_vars.push(("PORT", p.to_string()));
            env_vars.push(("HOST", "0.0.0.0".to_string()));
        }
        let health_path = detected(&service.health_path).unwrap_or("/");
        let mut install = install_commands(m, false);
        if m.name == "npm" && !service_dir.is_empty() {
            // Only this member's production dependencies, not every workspace's.
            if let Some(last) = install.last_mut() {
                last.push_str(&format!(" --workspace {service_dir}"));
            }
        }
        let recipe = Recipe {
            service_dir,
            build_env: Vec::new(),
            install,
            build,
            copies: Vec::new(),
            env: env(&env_vars),
            start,
            port,
            health_path: port.map(|_| health_path.to_string()),
            tools: Vec::new(),
            runtime_version: img.version.clone(),
        };
        let framework = service
            .framework
            .as_ref()
            .map(|f| value_name(&f.value))
            .unwrap_or_else(|| "node".to_string());
        let model = json!({
            "build_image": img.build,
            "run_image": img.run,
            "manifests": layout.manifests,
            "cache": m.cache,
            "full_install": install_commands(m, true).join(" \\\n && "),
            "output_dir": output_dir,
            "health": health(m, port, health_path),
            "title": format!("{} ({framework})", runtime_label(if m.runtime == "bun" { "Bun" } else { "Node.js" }, &img)),
        });
        Ok(Generated {
            template: "node",
            model,
            recipe,
            context: layout.context,
            summary: format!(
                "{framework} server with production dependencies only ({} {})",
                m.name,
                if output_dir.is_some() {
                    "build, then install --prod"
                } else {
                    "install --prod"
                }
            ),
            run_image: img.run,
            user: APP_USER.to_string(),
            warnings,
            version_note,
        })
    }

    /// Next.js with `output: 'standalone'`: the traced server and its modules, nothing else.
    pub(super) fn nextjs(
        service: &Service,
        inv: &Inventory,
        today: Day,
    ) -> Result<Generated, Skip> {
        let layout = layout(service, inv);
        let m = &layout.manager;
        let img = runtime_images(m, service, today)?;
        let mut warnings = Vec::new();
        eol_warning(&img, &mut warnings);
        let version_note = default_version_note(
            if m.runtime == "bun" { "Bun" } else { "Node.js" },
            &img,
            &mut warnings,
        );
        lock_warning(&layout, &mut warnings);
        let root = root_of(service);
        let standalone = ["next.config.js", "next.config.mjs", "next.config.ts"]
            .iter()
            .filter_map(|c| inv.text_of(&join(root, c)))
            .any(|t| t.contains("standalone"));
        if !standalone {
            warnings.push(
                "next.config does not set `output: 'standalone'`: add it, the Dockerfile copies \
                 .next/standalone"
                    .to_string(),
            );
        }
        let service_dir = relative(root, &layout.context);
        let port = port_of(service, 3000, &mut warnings);
        let port_value = port.unwrap_or(3000);
        let build = detected(&service.build_command)
            .map(str::to_string)
            .unwrap_or_else(|| format!("{} build", m.run_script));
        let server = if service_dir.is_empty() {
            "server.js".to_string()
        } else {
            format!("{service_dir}/server.js")
        };
        let health_path = detected(&service.health_path).unwrap_or("/");
        let recipe = Recipe {
            service_dir: service_dir.clone(),
            build_env: env(&[("NEXT_TELEMETRY_DISABLED", "1".to_string())]),
            install: install_commands(m, true),
            build: vec![build],
            copies: vec![(".next/standalone".to_string(), ".".to_string())],
            env: env(&[
                ("NODE_ENV", "production".to_string()),
                ("NEXT_TELEMETRY_DISABLED", "1".to_string()),
                ("PORT", port_value.to_string()),
                ("HOSTNAME", "0.0.0.0".to_string()),
            ]),
            start: vec!["node".to_string(), server],
            port: Some(port_value),
            health_path: Some(health_path.to_string()),
            tools: Vec::new(),
            runtime_version: img.version.clone(),
        };
        let model = json!({
            "build_image": img.build,
            "run_image": img.run,
            "manifests": layout.manifests,
            "cache": m.cache,
            "has_public": has_dir(inv, root, "public"),
            "health": health(m, Some(port_value), health_path),
            "title": format!("{} (Next.js, standalone output)", runtime_label("Node.js", &img)),
        });
        Ok(Generated {
            template: "nextjs",
            model,
            recipe,
            context: layout.context,
            summary: "Next.js standalone output".to_string(),
            run_image: img.run,
            user: APP_USER.to_string(),
            warnings,
            version_note,
        })
    }

    /// Vite or Create React App: built in Node, served as static files by unprivileged nginx.
    pub(super) fn spa(service: &Service, inv: &Inventory, today: Day) -> Result<Generated, Skip> {
        let layout = layout(service, inv);
        let m = &layout.manager;
        let img = runtime_images(m, service, today)?;
        let nginx = image("nginx")?;
        let nginx_user = image("nginx_user")?;
        let mut warnings = Vec::new();
        eol_warning(&img, &mut warnings);
        let version_note = default_version_note("Node.js", &img, &mut warnings);
        lock_warning(&layout, &mut warnings);
        let root = root_of(service);
        let service_dir = relative(root, &layout.context);
        let build = detected(&service.build_command)
            .map(str::to_string)
            .unwrap_or_else(|| format!("{} build", m.run_script));
        let out = match service.framework.as_ref().map(|f| f.value) {
            Some(Framework::CreateReactApp) => "build",
            _ => "dist",
        };
        let conf = join(root, "nginx.conf");
        let planned_conf = (!inv.contains(&conf)).then(|| conf.clone());
        let recipe = Recipe {
            service_dir,
            build_env: Vec::new(),
            install: install_commands(m, true),
            build: vec![build],
            copies: vec![(out.to_string(), "/usr/share/nginx/html".to_string())],
            env: Vec::new(),
            start: vec![
                "nginx".to_string(),
                "-g".to_string(),
                "daemon off;".to_string(),
            ],
            port: Some(NGINX_PORT),
            health_path: Some("/".to_string()),
            tools: Vec::new(),
            runtime_version: img.version.clone(),
        };
        let check = vec![
            "wget".to_string(),
            "-q".to_string(),
            "--spider".to_string(),
            health_url(NGINX_PORT, "/"),
        ];
        let model = json!({
            "build_image": img.build,
            "run_image": nginx,
            "manifests": layout.manifests,
            "cache": m.cache,
            "output_dir": out,
            "nginx_conf_planned": planned_conf,
            "health": health_model(Some(check), "5s", ""),
            "title": format!("Single-page app built with {} and served by nginx", runtime_label("Node.js", &img)),
        });
        Ok(Generated {
            template: "spa",
            model,
            recipe,
            context: layout.context,
            summary: format!(
                "static build ({out}/) served by unprivileged nginx on port {NGINX_PORT}"
            ),
            run_image: nginx,
            user: nginx_user,
            warnings,
            version_note,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Static HTML

fn static_site(service: &Service) -> Result<Generated, Skip> {
    let nginx = image("nginx")?;
    let user = image("nginx_user")?;
    let recipe = Recipe {
        service_dir: String::new(),
        build_env: Vec::new(),
        install: Vec::new(),
        build: Vec::new(),
        copies: Vec::new(),
        env: Vec::new(),
        start: vec![
            "nginx".to_string(),
            "-g".to_string(),
            "daemon off;".to_string(),
        ],
        port: Some(NGINX_PORT),
        health_path: Some("/".to_string()),
        tools: Vec::new(),
        runtime_version: String::new(),
    };
    let check = vec![
        "wget".to_string(),
        "-q".to_string(),
        "--spider".to_string(),
        health_url(NGINX_PORT, "/"),
    ];
    Ok(Generated {
        template: "static",
        model: json!({
            "run_image": nginx,
            "health": health_model(Some(check), "5s", ""),
            "title": "Static site served by nginx",
        }),
        recipe,
        context: root_of(service).to_string(),
        summary: format!("static files served by unprivileged nginx on port {NGINX_PORT}"),
        run_image: nginx,
        user,
        warnings: Vec::new(),
        version_note: None,
    })
}

// ---------------------------------------------------------------------------------------------
// Python

fn python(service: &Service, inv: &Inventory, today: Day) -> Result<Generated, Skip> {
    let img = images("python", service, today)?;
    let root = root_of(service);
    let mut warnings = Vec::new();
    eol_warning(&img, &mut warnings);
    let version_note = default_version_note("Python", &img, &mut warnings);
    let pm = service
        .package_manager
        .as_ref()
        .map(|p| p.value)
        .unwrap_or(PackageManager::Pip);
    let venv = format!("{WORKDIR}/.venv");
    let mut build_env = vec![
        ("PYTHONDONTWRITEBYTECODE", "1".to_string()),
        ("PIP_DISABLE_PIP_VERSION_CHECK", "1".to_string()),
    ];
    let mut tools = Vec::new();
    let mut model = json!({});
    let (manifests, cache, install, pm_setup): (Vec<String>, &str, Vec<String>, Option<String>) =
        match pm {
            PackageManager::Uv => {
                let uv = image("uv")?;
                if let Some(tag) = uv.rsplit(':').next() {
                    tools.push(("uv".to_string(), tag.to_string()));
                }
                model["uv_image"] = json!(uv);
                build_env.extend([
                    ("UV_COMPILE_BYTECODE", "1".to_string()),
                    ("UV_LINK_MODE", "copy".to_string()),
                    ("UV_PYTHON_DOWNLOADS", "never".to_string()),
                ]);
                let mut m = vec!["pyproject.toml".to_string()];
                let locked = has(inv, root, "uv.lock");
                if locked {
                    m.push("uv.lock".to_string());
                }
                let lock_flag = if locked { "--locked" } else { "" };
                (
                    m,
                    "/root/.cache/uv",
                    vec![format!("uv sync {lock_flag} --no-dev --no-install-project")
                        .replace("  ", " ")],
                    None,
                )
            }
            PackageManager::Poetry => {
                let version = base_images::tool("poetry")
                    .ok_or_else(|| Skip("the base-image table pins no poetry version".into()))?;
                build_env.extend([
                    ("POETRY_VIRTUALENVS_IN_PROJECT", "true".to_string()),
                    ("POETRY_NO_INTERACTION", "1".to_string()),
                ]);
                let mut m = vec!["pyproject.toml".to_string()];
                if has(inv, root, "poetry.lock") {
                    m.push("poetry.lock".to_string());
                }
                (
                    m,
                    "/root/.cache/pypoetry",
                    vec!["poetry install --only main --no-root".to_string()],
                    Some(format!("pip install poetry=={version}")),
                )
            }
            PackageManager::Pipenv => {
                let version = base_images::tool("pipenv")
                    .ok_or_else(|| Skip("the base-image table pins no pipenv version".into()))?;
                build_env.push(("PIPENV_VENV_IN_PROJECT", "1".to_string()));
                let mut m = vec!["Pipfile".to_string()];
                let locked = has(inv, root, "Pipfile.lock");
                if locked {
                    m.push("Pipfile.lock".to_string());
                }
                (
                    m,
                    "/root/.cache/pipenv",
                    vec![if locked {
                        "pipenv install --deploy".to_string()
                    } else {
                        "pipenv install".to_string()
                    }],
                    Some(format!("pip install pipenv=={version}")),
                )
            }
            _ => {
                let requirements = files_in(inv, root, |n| {
                    n.starts_with("requirements") && n.ends_with(".txt")
                });
                if has(inv, root, "requirements.txt") {
                    (
                        requirements,
                        "/root/.cache/pip",
                        vec![
                            "python -m venv .venv".to_string(),
                            ".venv/bin/pip install -r requirements.txt".to_string(),
                        ],
                        None,
                    )
                } else if has(inv, root, "pyproject.toml") {
                    (
                        Vec::new(),
                        "/root/.cache/pip",
                        vec!["python -m venv .venv".to_string()],
                        None,
                    )
                } else {
                    return Err(Skip(
                        "no requirements.txt, pyproject.toml, Pipfile or lockfile to install from"
                            .into(),
                    ));
                }
            }
        };
    if matches!(pm, PackageManager::Pip | PackageManager::Uv)
        && !manifests
            .iter()
            .any(|m| m.ends_with(".lock") || m.starts_with("requirements"))
    {
        warnings
            .push("no lockfile: commit one so image builds install the versions you tested".into());
    }
    let mut build = Vec::new();
    // The project itself, when it is a package: its dependencies are in the virtualenv already.
    let is_package = inv
        .text_of(&join(root, "pyproject.toml"))
        .is_some_and(|t| t.contains("[build-system]"));
    match pm {
        PackageManager::Uv if is_package => build.push("uv pip install --no-deps .".to_string()),
        PackageManager::Pip if !has(inv, root, "requirements.txt") => {
            build.push(".venv/bin/pip install .".to_string());
        }
        _ => {}
    }
    if let Some(b) = detected(&service.build_command) {
        build.push(django_build(service, b));
    }
    let mut warnings_port = Vec::new();
    let port = port_of(service, 8000, &mut warnings_port);
    warnings.extend(warnings_port);
    let Some(start_cmd) = detected(&service.start_command) else {
        return Err(Skip(
            "no start command was found (a Procfile, or the ASGI/WSGI app to serve)".into(),
        ));
    };
    let start = bind_python_server(words(start_cmd), port);
    let health_path = detected(&service.health_path).unwrap_or("/");
    let path_env = format!("{venv}/bin:$PATH");
    build_env.push(("PATH", path_env.clone()));
    let mut run_env = vec![
        ("PATH", path_env),
        ("PYTHONUNBUFFERED", "1".to_string()),
        ("PYTHONDONTWRITEBYTECODE", "1".to_string()),
    ];
    if let Some(p) = port {
        run_env.push(("PORT", p.to_string()));
    }
    let check = port.map(|p| {
        vec![
            "python".to_string(),
            "-c".to_string(),
            format!(
                "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('{}', timeout=4).status == 200 else 1)",
                health_url(p, health_path)
            ),
        ]
    });
    model["build_image"] = json!(img.build);
    model["run_image"] = json!(img.run);
    model["manifests"] = json!(manifests);
    model["cache"] = json!(cache);
    model["pm_setup"] = json!(pm_setup);
    model["health"] = health_model(check, "20s", "a worker without an HTTP port");
    let framework = service
        .framework
        .as_ref()
        .map(|f| value_name(&f.value))
        .unwrap_or_else(|| "python".to_string());
    let pm_name = value_name(&pm);
    model["title"] = json!(format!(
        "{} ({framework}, {pm_name})",
        runtime_label("Python", &img)
    ));
    let recipe = Recipe {
        service_dir: String::new(),
        build_env: env(&build_env),
        install,
        build,
        copies: Vec::new(),
        env: env(&run_env),
        start,
        port,
        health_path: port.map(|_| health_path.to_string()),
        tools,
        runtime_version: img.version.clone(),
    };
    Ok(Generated {
        template: "python",
        model,
        recipe,
        context: root.to_string(),
        summary: format!("{framework} with a {pm_name}-built virtualenv copied into python-slim"),
        run_image: img.run,
        user: APP_USER.to_string(),
        warnings,
        version_note,
    })
}

/// Django imports its settings for `collectstatic`, and settings commonly demand the secret key
/// and connection strings from the environment. They are not needed to collect files: empty
/// values let the import succeed without putting any secret into the build.
fn django_build(service: &Service, command: &str) -> String {
    if !command.contains("collectstatic") {
        return command.to_string();
    }
    let placeholders: Vec<String> = service
        .env_vars
        .iter()
        .map(|v| v.value.as_str())
        .filter(|name| crate::env_example::is_secret_name(name) || name.ends_with("_URL"))
        .map(|name| format!("{name}=''"))
        .collect();
    if placeholders.is_empty() {
        command.to_string()
    } else {
        format!("{} {command}", placeholders.join(" "))
    }
}

/// uvicorn, gunicorn and hypercorn listen on 127.0.0.1 unless told otherwise: add the binding
/// when the detected command has none.
fn bind_python_server(mut argv: Vec<String>, port: Option<u16>) -> Vec<String> {
    let Some(port) = port else { return argv };
    let has = |argv: &[String], flags: &[&str]| {
        argv.iter().any(|a| {
            flags
                .iter()
                .any(|f| a == f || a.starts_with(&format!("{f}=")))
        })
    };
    match argv.first().map(String::as_str) {
        Some("uvicorn") => {
            if !has(&argv, &["--host"]) {
                argv.extend(["--host".to_string(), "0.0.0.0".to_string()]);
            }
            if !has(&argv, &["--port"]) {
                argv.extend(["--port".to_string(), port.to_string()]);
            }
        }
        Some("gunicorn" | "hypercorn") if !has(&argv, &["--bind", "-b"]) => {
            argv.extend(["--bind".to_string(), format!("0.0.0.0:{port}")]);
        }
        _ => {}
    }
    argv
}

// ---------------------------------------------------------------------------------------------
// Go

fn go(service: &Service, inv: &Inventory, today: Day) -> Result<Generated, Skip> {
    let img = images("go", service, today)?;
    let root = root_of(service);
    let mut warnings = Vec::new();
    eol_warning(&img, &mut warnings);
    let version_note = default_version_note("Go", &img, &mut warnings);
    // A go.work at the root ties the modules together: build from there.
    let context = if root != "." && has(inv, ".", "go.work") {
        ".".to_string()
    } else {
        root.to_string()
    };
    let service_dir = relative(root, &context);
    let mut manifests = Vec::new();
    if context == "." && root != "." {
        for f in ["go.work", "go.work.sum"] {
            if has(inv, ".", f) {
                manifests.push(f.to_string());
            }
        }
        manifests.extend(
            inv.files()
                .iter()
                .filter(|f| matches!(f.name(), "go.mod" | "go.sum"))
                .map(|f| f.path.clone()),
        );
    } else {
        for f in ["go.mod", "go.sum"] {
            if has(inv, root, f) {
                manifests.push(f.to_string());
            }
        }
    }
    // The package and binary name from the detected build, else the module root.
    let detected_build = detected(&service.build_command)
        .map(words)
        .unwrap_or_default();
    let binary = detected_build
        .iter()
        .position(|w| w == "-o")
        .and_then(|i| detected_build.get(i + 1))
        .and_then(|o| o.rsplit('/').next())
        .filter(|b| !b.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| service.name.clone());
    let package = go_package(&detected_build).unwrap_or_else(|| ".".to_string());
    let output = format!("bin/{binary}");
    let build =
        format!("CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o {output} {package}");
    let port = port_of(service, 8080, &mut warnings);
    let health_path = detected(&service.health_path).unwrap_or("/");
    let user = img.user.clone().unwrap_or_else(|| APP_USER.to_string());
    let mut run_env = Vec::new();
    if let Some(p) = port {
        run_env.push(("PORT", p.to_string()));
    }
    let recipe = Recipe {
        service_dir,
        build_env: Vec::new(),
        install: vec!["go mod download".to_string()],
        build: vec![build],
        copies: vec![(output, binary.clone())],
        env: env(&run_env),
        start: vec![format!("{WORKDIR}/{binary}")],
        port,
        health_path: port.map(|_| health_path.to_string()),
        tools: Vec::new(),
        runtime_version: img.version.clone(),
    };
    let framework = service
        .framework
        .as_ref()
        .map(|f| value_name(&f.value))
        .unwrap_or_else(|| "go".to_string());
    Ok(Generated {
        template: "go",
        model: json!({
            "build_image": img.build,
            "run_image": img.run,
            "manifests": manifests,
            "binary": binary,
            "health": health_model(None, "", &probes_instead("distroless/static", port, health_path)),
            "health_path": health_path,
            "title": format!("{} ({framework}), static binary", runtime_label("Go", &img)),
        }),
        recipe,
        context,
        summary: format!("{framework} static binary (CGO off)"),
        run_image: img.run,
        user,
        warnings,
        version_note,
    })
}

/// The package a `go build` command line builds: its last operand (`./cmd/server`).
fn go_package(argv: &[String]) -> Option<String> {
    let build = argv.iter().position(|w| w == "build")?;
    let mut operands = Vec::new();
    let mut rest = argv[build + 1..].iter();
    while let Some(w) = rest.next() {
        if matches!(w.as_str(), "-o" | "-ldflags" | "-tags" | "-gcflags") {
            rest.next();
        } else if !w.starts_with('-') {
            operands.push(w.clone());
        }
    }
    operands.pop()
}

// ---------------------------------------------------------------------------------------------
// Rust

fn rust(service: &Service, inv: &Inventory, today: Day) -> Result<Generated, Skip> {
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
        if rel.ends_with("src/main.rs") || rel.ends_with("src/lib.rs") {
            let crate_dir = rel
                .trim_end_matches("src/main.rs")
                .trim_end_matches("src/lib.rs");
            if manifests
                .iter()
                .any(|m| *m == format!("{crate_dir}Cargo.toml"))
                || inv.contains(&format!("{prefix}{crate_dir}Cargo.toml"))
            {
                stubs.push(json!({
                    "path": rel,
                    "dir": rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("."),
                    "main": rel.ends_with("main.rs"),
                }));
            }
        }
    }
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
    let health_path = detected(&service.health_path).unwrap_or("/");
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
        health_path: port.map(|_| health_path.to_string()),
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
            "health": health_model(None, "", &probes_instead("distroless/cc", port, health_path)),
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

// ---------------------------------------------------------------------------------------------
// Java (Spring Boot)

fn java(
    service: &Service,
    inv: &Inventory,
    today: Day,
    pm: Option<PackageManager>,
) -> Result<Generated, Skip> {
    let img = images("java", service, today)?;
    let root = root_of(service);
    let mut warnings = Vec::new();
    eol_warning(&img, &mut warnings);
    let version_note = default_version_note("Java", &img, &mut warnings);
    let gradle = pm == Some(PackageManager::Gradle);
    let (wrapper, manifests, wrapper_dir, deps, package, cache, jar_dir) = if gradle {
        let build_files = files_in(inv, root, |n| {
            n.starts_with("build.gradle")
                || n.starts_with("settings.gradle")
                || n == "gradle.properties"
        });
        (
            "gradlew",
            build_files,
            "gradle",
            "./gradlew --no-daemon dependencies",
            "./gradlew --no-daemon bootJar -x test",
            "/root/.gradle",
            "build/libs",
        )
    } else {
        (
            "mvnw",
            vec!["pom.xml".to_string()],
            ".mvn",
            "./mvnw -B dependency:go-offline",
            "./mvnw -B package -DskipTests",
            "/root/.m2",
            "target",
        )
    };
    if !has(inv, root, wrapper) {
        return Err(Skip(format!(
            "no {wrapper} wrapper: add one (`{}`) so the build uses the project's own build-tool version",
            if gradle { "gradle wrapper" } else { "mvn wrapper:wrapper" }
        )));
    }
    if !has_dir(inv, root, wrapper_dir) {
        warnings.push(format!(
            "{wrapper} is there but not its {wrapper_dir}/ folder: the wrapper cannot run without \
             it — regenerate the wrapper (`{}`) and commit {wrapper_dir}/",
            if gradle {
                "gradle wrapper"
            } else {
                "mvn wrapper:wrapper"
            }
        ));
    }
    let jar = detected(&service.start_command)
        .map(words)
        .and_then(|w| {
            w.iter()
                .position(|a| a == "-jar")
                .and_then(|i| w.get(i + 1).cloned())
        })
        .unwrap_or_else(|| format!("{jar_dir}/*.jar"));
    let port = port_of(service, 8080, &mut warnings);
    let health_path = detected(&service.health_path).unwrap_or("/actuator/health");
    let mut run_env = vec![("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75.0".to_string())];
    if let Some(p) = port {
        run_env.push(("SERVER_PORT", p.to_string()));
    }
    let check = port.map(|p| {
        vec![
            "curl".to_string(),
            "-fsS".to_string(),
            "-o".to_string(),
            "/dev/null".to_string(),
            health_url(p, health_path),
        ]
    });
    let extract = format!(
        "java -Djarmode=tools -jar {jar} extract --layers --launcher --destination extracted"
    );
    let recipe = Recipe {
        service_dir: String::new(),
        build_env: Vec::new(),
        install: vec![deps.to_string()],
        build: vec![package.to_string(), extract],
        copies: vec![("extracted".to_string(), ".".to_string())],
        env: env(&run_env),
        start: vec![
            "java".to_string(),
            "org.springframework.boot.loader.launch.JarLauncher".to_string(),
        ],
        port,
        health_path: port.map(|_| health_path.to_string()),
        tools: Vec::new(),
        runtime_version: img.version.clone(),
    };
    let tool = if gradle { "Gradle" } else { "Maven" };
    Ok(Generated {
        template: "java",
        model: json!({
            "build_image": img.build,
            "run_image": img.run,
            "wrapper": wrapper,
            "wrapper_dir": has_dir(inv, root, wrapper_dir).then_some(wrapper_dir),
            "manifests": manifests,
            "cache": cache,
            "has_src": has_dir(inv, root, "src"),
            "health": health_model(check, "60s", "a worker without an HTTP port"),
            "title": format!("{} (Spring Boot, {tool})", runtime_label("Java", &img)),
        }),
        recipe,
        context: root.to_string(),
        summary: format!("Spring Boot layered jar built with the {tool} wrapper"),
        run_image: img.run,
        user: APP_USER.to_string(),
        warnings,
        version_note,
    })
}

// ---------------------------------------------------------------------------------------------
// Ruby on Rails

fn rails(service: &Service, inv: &Inventory, today: Day) -> Result<Generated, Skip> {
    let img = images("ruby", service, today)?;
    let root = root_of(service);
    let mut warnings = Vec::new();
    eol_warning(&img, &mut warnings);
    let version_note = default_version_note("Ruby", &img, &mut warnings);
    let gemfile = inv.text_of(&join(root, "Gemfile")).unwrap_or_default();
    let lock = inv.text_of(&join(root, "Gemfile.lock")).unwrap_or_default();
    let uses = |gem: &str| {
        gemfile.contains(&format!("\"{gem}\""))
            || gemfile.contains(&format!("'{gem}'"))
            || lock.contains(&format!("\n    {gem} ("))
    };
    // Shared libraries native gems link against, present in the full build image but not in
    // the slim one.
    let mut runtime_packages = Vec::new();
    if uses("pg") {
        runtime_packages.push("libpq5");
    }
    if uses("mysql2") {
        runtime_packages.push("libmariadb3");
    }
    if uses("ruby-vips") || uses("image_processing") {
        runtime_packages.push("libvips42");
    }
    let mut manifests = vec!["Gemfile".to_string()];
    for f in ["Gemfile.lock", ".ruby-version"] {
        if has(inv, root, f) {
            manifests.push(f.to_string());
        }
    }
    let build = detected(&service.build_command)
        .map(|b| format!("SECRET_KEY_BASE_DUMMY=1 {b}"))
        .into_iter()
        .collect::<Vec<_>>();
    let port = port_of(service, 3000, &mut warnings);
    let health_path = detected(&service.health_path).unwrap_or("/up");
    let start = detected(&service.start_command)
        .map(words)
        .filter(|w| !w.is_empty())
        .unwrap_or_else(|| {
            ["bundle", "exec", "puma", "-C", "config/puma.rb"]
                .map(str::to_string)
                .to_vec()
        });
    let bundle_env = [
        ("RAILS_ENV", "production".to_string()),
        ("BUNDLE_DEPLOYMENT", "1".to_string()),
        ("BUNDLE_PATH", "/usr/local/bundle".to_string()),
        ("BUNDLE_WITHOUT", "development:test".to_string()),
    ];
    let mut run_env = bundle_env.to_vec();
    run_env.push(("RAILS_LOG_TO_STDOUT", "1".to_string()));
    run_env.push(("RAILS_SERVE_STATIC_FILES", "1".to_string()));
    if let Some(p) = port {
        run_env.push(("PORT", p.to_string()));
        run_env.push(("BINDING", "0.0.0.0".to_string()));
    }
    let check = port.map(|p| {
        vec![
            "ruby".to_string(),
            "-rnet/http".to_string(),
            "-e".to_string(),
            format!(
                "exit Net::HTTP.get_response(URI('{}')).is_a?(Net::HTTPSuccess)",
                health_url(p, health_path)
            ),
        ]
    });
    let recipe = Recipe {
        service_dir: String::new(),
        build_env: env(&bundle_env),
        install: vec!["bundle install".to_string()],
        build,
        copies: Vec::new(),
        env: env(&run_env),
        start,
        port,
        health_path: port.map(|_| health_path.to_string()),
        tools: Vec::new(),
        runtime_version: img.version.clone(),
    };
    Ok(Generated {
        template: "rails",
        model: json!({
            "build_image": img.build,
            "run_image": img.run,
            "manifests": manifests,
            "runtime_packages": runtime_packages,
            "health": health_model(check, "30s", "a worker without an HTTP port"),
            "title": format!("{} (Rails)", runtime_label("Ruby", &img)),
        }),
        recipe,
        context: root.to_string(),
        summary: "Rails with gems built in the full Ruby image and assets precompiled".to_string(),
        run_image: img.run,
        user: APP_USER.to_string(),
        warnings,
        version_note,
    })
}

// ---------------------------------------------------------------------------------------------
// PHP (Laravel)

fn laravel(service: &Service, inv: &Inventory, today: Day) -> Result<Generated, Skip> {
    let img = images("php", service, today)?;
    let root = root_of(service);
    let mut warnings = Vec::new();
    eol_warning(&img, &mut warnings);
    let version_note = default_version_note("PHP", &img, &mut warnings);
    let mut manifests = vec!["composer.json".to_string()];
    if has(inv, root, "composer.lock") {
        manifests.push("composer.lock".to_string());
    }
    // PHP extensions the database drivers need (the image has the common ones built in).
    let mut extensions: Vec<&str> = Vec::new();
    for b in &service.backing_services {
        match b.value {
            shipshape_detect::BackingKind::Postgres => extensions.push("pdo_pgsql"),
            shipshape_detect::BackingKind::Mysql => extensions.push("pdo_mysql"),
            _ => {}
        }
    }
    extensions.sort_unstable();
    extensions.dedup();
    let port = port_of(service, 8080, &mut warnings);
    let port_value = port.unwrap_or(8080);
    if detected(&service.start_command) == Some("php-fpm") {
        warnings.push(format!(
            "the image serves HTTP itself with FrankenPHP on port {port_value} instead of php-fpm's \
             FastCGI: no separate web server is needed in front of it"
        ));
    }
    let health_path = detected(&service.health_path).unwrap_or("/up");
    let check = vec![
        "php".to_string(),
        "-r".to_string(),
        format!(
            "exit(@file_get_contents('{}') === false ? 1 : 0);",
            health_url(port_value, health_path)
        ),
    ];
    let recipe = Recipe {
        service_dir: String::new(),
        build_env: Vec::new(),
        install: vec![
            "composer install --no-dev --no-scripts --no-autoloader --prefer-dist --no-interaction"
                .to_string(),
        ],
        build: vec![
            "composer dump-autoload --no-dev --optimize --classmap-authoritative --no-interaction"
                .to_string(),
        ],
        copies: Vec::new(),
        env: env(&[
            ("SERVER_NAME", format!(":{port_value}")),
            ("APP_ENV", "production".to_string()),
            ("LOG_CHANNEL", "stderr".to_string()),
        ]),
        start: vec![
            "frankenphp".to_string(),
            "run".to_string(),
            "--config".to_string(),
            "/etc/frankenphp/Caddyfile".to_string(),
        ],
        port: Some(port_value),
        health_path: Some(health_path.to_string()),
        tools: Vec::new(),
        runtime_version: img.version.clone(),
    };
    Ok(Generated {
        template: "laravel",
        model: json!({
            "build_image": img.build,
            "run_image": img.run,
            "manifests": manifests,
            "extensions": extensions,
            "health": health_model(Some(check), "20s", ""),
            "title": format!("{} (Laravel on FrankenPHP)", runtime_label("PHP", &img)),
        }),
        recipe,
        context: root.to_string(),
        summary: "Laravel served by FrankenPHP, composer install --no-dev".to_string(),
        run_image: img.run,
        user: APP_USER.to_string(),
        warnings,
        version_note,
    })
}

// ---------------------------------------------------------------------------------------------
// ASP.NET Core

fn aspnet(service: &Service, inv: &Inventory, today: Day) -> Result<Generated, Skip> {
    let img = images("dotnet", service, today)?;
    let root = root_of(service);
    let mut warnings = Vec::new();
    eol_warning(&img, &mut warnings);
    let version_note = default_version_note(".NET", &img, &mut warnings);
    let projects = files_in(inv, root, |n| {
        n.ends_with(".csproj") || n.ends_with(".fsproj")
    });
    let Some(project) = projects.first().cloned() else {
        return Err(Skip("no .csproj in the service's folder".into()));
    };
    let mut manifests = projects.clone();
    for f in [
        "global.json",
        "nuget.config",
        "NuGet.Config",
        "Directory.Build.props",
        "Directory.Packages.props",
    ] {
        if has(inv, root, f) {
            manifests.push(f.to_string());
        }
    }
    let assembly = detected(&service.start_command)
        .map(words)
        .and_then(|w| w.into_iter().find(|a| a.ends_with(".dll")))
        .and_then(|d| d.rsplit('/').next().map(str::to_string))
        .unwrap_or_else(|| {
            format!(
                "{}.dll",
                project
                    .trim_end_matches(".csproj")
                    .trim_end_matches(".fsproj")
            )
        });
    let port = port_of(service, 8080, &mut warnings);
    let user = img.user.clone().unwrap_or_else(|| APP_USER.to_string());
    let mut run_env = Vec::new();
    if let Some(p) = port {
        run_env.push(("ASPNETCORE_HTTP_PORTS", p.to_string()));
    }
    let health_path = detected(&service.health_path).unwrap_or("/");
    let recipe = Recipe {
        service_dir: String::new(),
        build_env: Vec::new(),
        install: vec![format!("dotnet restore {project}")],
        build: vec![format!(
            "dotnet publish {project} -c Release -o out --no-restore"
        )],
        copies: vec![("out".to_string(), ".".to_string())],
        env: env(&run_env),
        start: vec!["dotnet".to_string(), assembly],
        port,
        health_path: port.map(|_| health_path.to_string()),
        tools: Vec::new(),
        runtime_version: img.version.clone(),
    };
    Ok(Generated {
        template: "aspnet",
        model: json!({
            "build_image": img.build,
            "run_image": img.run,
            "manifests": manifests,
            "health": health_model(None, "", &probes_instead("the chiseled ASP.NET image", port, health_path)),
            "health_path": health_path,
            "title": format!("{} (ASP.NET Core)", runtime_label(".NET", &img)),
        }),
        recipe,
        context: root.to_string(),
        summary: "ASP.NET Core published with the SDK, run on the chiseled aspnet runtime"
            .to_string(),
        run_image: img.run,
        user,
        warnings,
        version_note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_a_command_line_and_keep_assignments() {
        assert_eq!(
            words("CGO_ENABLED=0 go build -o bin/x ."),
            ["CGO_ENABLED=0", "go", "build", "-o", "bin/x", "."]
        );
    }

    #[test]
    fn python_servers_are_bound_to_all_interfaces() {
        let argv = |s: &str| words(s);
        assert_eq!(
            bind_python_server(argv("uvicorn main:app"), Some(8000)),
            ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]
        );
        assert_eq!(
            bind_python_server(argv("gunicorn app:app"), Some(5000)),
            ["gunicorn", "app:app", "--bind", "0.0.0.0:5000"]
        );
        let bound = argv("gunicorn app:app --bind 0.0.0.0:5000");
        assert_eq!(bind_python_server(bound.clone(), Some(5000)), bound);
    }

    #[test]
    fn a_service_folder_is_relative_to_its_build_context() {
        assert_eq!(relative("apps/api", "."), "apps/api");
        assert_eq!(relative("apps/api", "apps/api"), "");
        assert_eq!(relative(".", "."), "");
        assert_eq!(relative("a/b/c", "a"), "b/c");
    }
}
