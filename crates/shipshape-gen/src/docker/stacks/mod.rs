//! One module per stack: from a service's facts to its [`Recipe`] and the details its template
//! needs (manifests to copy before the source, cache folders, health check, runtime user). This
//! file dispatches on the detected stack and holds the helpers every stack shares.

use serde_json::json;
use shipshape_core::Inventory;
use shipshape_detect::{value_name, Framework, Language, PackageManager, Service, ServiceRole};

use super::base_images::{self, BaseImages, Day};
use super::{root_of, Generated, Recipe, Skip, NGINX_SPA_CONF, WORKDIR};
use crate::{join, Artifact, Category, PlannedFile};

mod aspnet;
mod go;
mod java;
mod laravel;
mod node;
mod python;
mod rails;
mod rust;
mod static_site;

use aspnet::aspnet;
use go::go;
use java::java;
use laravel::laravel;
#[cfg(test)]
use python::bind_python_server;
use python::python;
use rails::rails;
use rust::rust;
use static_site::static_site;

/// The user created in images that have no non-root user of their own.
const APP_USER: &str = "10001:10001";

/// Port of the unprivileged nginx image.
const NGINX_PORT: u16 = 8080;

pub(super) fn generate(service: &Service, inv: &Inventory, today: Day) -> Result<Generated, Skip> {
    // A server bound to a loopback literal cannot be reached through a published port: the
    // image would build and never answer. The fix is one line in the code.
    if let Some(bind) = &service.loopback_bind {
        let at = bind
            .evidence
            .first()
            .map(|e| match e.line {
                Some(l) => format!(" ({}:{l})", e.path),
                None => format!(" ({})", e.path),
            })
            .unwrap_or_default();
        let how = if bind.evidence.iter().any(|e| e.note.starts_with("Fastify")) {
            format!(
                "Fastify's listen() is given no `host`, so it binds `{}` only",
                bind.value
            )
        } else {
            format!("the server binds `{}` in its code", bind.value)
        };
        return Err(Skip(format!(
            "{how}{at}: in a container only the container itself reaches a loopback address, so no published port or health check can — bind `0.0.0.0` (or read the address from an environment variable) and run init again"
        )));
    }
    let mut generated = generate_stack(service, inv, today)?;
    let shell = super::image_has_shell(&generated.run_image);
    generated.recipe.start = expand_port(
        std::mem::take(&mut generated.recipe.start),
        generated.recipe.port,
        shell,
    );
    Ok(generated)
}

/// An exec-form command never expands variables: `gunicorn --bind 0.0.0.0:$PORT` would bind to
/// the literal text. Where the image has a shell the command runs through it (`exec` keeps the
/// server as PID 1, and `${PORT:-8000}` keeps a platform's own `PORT` working); without one the
/// port the image sets is written in.
pub(super) fn expand_port(argv: Vec<String>, port: Option<u16>, shell: bool) -> Vec<String> {
    let Some(port) = port else { return argv };
    let defaulted = |a: &str| {
        let mut out = a.replace("${PORT}", &format!("${{PORT:-{port}}}"));
        // `$PORT` not followed by a name character.
        let mut i = 0;
        while let Some(at) = out[i..].find("$PORT").map(|p| p + i) {
            let after = out[at + 5..].chars().next();
            if after.is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_')) {
                out.replace_range(at..at + 5, &format!("${{PORT:-{port}}}"));
            }
            i = at + 1;
        }
        out
    };
    if !argv
        .iter()
        .any(|a| a.contains("${PORT") || defaulted(a) != *a)
    {
        return argv;
    }
    if shell {
        let line: Vec<String> = argv
            .iter()
            .map(|a| {
                let a = defaulted(a);
                if a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@%+${}".contains(c))
                {
                    a
                } else {
                    format!("\"{}\"", a.replace('\\', "\\\\").replace('"', "\\\""))
                }
            })
            .collect();
        return vec![
            "sh".to_string(),
            "-c".to_string(),
            format!("exec {}", line.join(" ")),
        ];
    }
    let literal = port.to_string();
    argv.into_iter()
        .map(|a| {
            let mut a = defaulted(&a);
            // `${PORT:-N}` → the image's port.
            while let Some(start) = a.find("${PORT") {
                let Some(end) = a[start..].find('}').map(|e| e + start) else {
                    break;
                };
                a.replace_range(start..=end, &literal);
            }
            a
        })
        .collect()
}

fn generate_stack(service: &Service, inv: &Inventory, today: Day) -> Result<Generated, Skip> {
    let framework = service.framework.as_ref().map(|f| f.value);
    let pm = service.package_manager.as_ref().map(|p| p.value);
    match service.language.value {
        Language::Javascript | Language::Typescript => match framework {
            Some(Framework::Nextjs) => node::nextjs(service, inv, today),
            Some(Framework::ViteSpa | Framework::CreateReactApp) => node::spa(service, inv, today),
            // Any framework's static build (React Router with `ssr: false`, an Angular app,
            // Astro's or SvelteKit's static output): files served by nginx.
            Some(
                Framework::Remix | Framework::Angular | Framework::Astro | Framework::Sveltekit,
            ) if service.role == ServiceRole::Static => node::spa(service, inv, today),
            Some(Framework::Angular) => Err(Skip(
                "Angular with server-side rendering (`ssr` in angular.json) is not generated yet: \
                 its build writes a Node server to <outputPath>/server/server.mjs"
                    .into(),
            )),
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
    base_images::resolve(runtime, detected(&service.runtime_version), today).map_err(|e| {
        let from = service
            .runtime_version
            .as_ref()
            .and_then(|v| v.evidence.first())
            .map(|e| format!(" ({})", e.path))
            .unwrap_or_default();
        Skip(format!("{}{from}", e.0))
    })
}

/// Where a fact was read, as `path:line` (or the path alone), for a comment in a Dockerfile.
fn site(fact: &shipshape_core::Located<String>) -> String {
    fact.evidence
        .first()
        .map(|e| match e.line {
            Some(l) => format!("{}:{l}", e.path),
            None => e.path.clone(),
        })
        .unwrap_or_default()
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

/// The route a health check calls: one the code defines, never a guess (an API without `/`, a
/// Laravel without `/up`). `None` means the check can only connect to the port, and a warning
/// says so.
fn health_route(
    service: &Service,
    port: Option<u16>,
    warnings: &mut Vec<String>,
) -> Option<String> {
    if let Some(path) = detected(&service.health_path) {
        return Some(path.to_string());
    }
    if let Some(p) = port {
        warnings.push(format!(
            "no health route was found in the code: the health check only checks that port {p} \
             accepts connections — add a route such as GET /healthz that answers 200 when the app \
             can serve, and run init again"
        ));
    }
    None
}

/// Why there is no HEALTHCHECK in an image without a shell or HTTP client.
fn probes_instead(image: &str, port: Option<u16>, path: Option<&str>) -> String {
    match (port, path) {
        (Some(p), Some(path)) => format!(
            "{image} has no shell and no HTTP client to run a check with; the orchestrator's probes \
             (Kubernetes liveness/readiness, a load balancer's health check) should call GET {path} \
             on port {p} instead"
        ),
        (Some(p), None) => format!(
            "{image} has no shell and no HTTP client to run a check with, and the code defines no \
             health route; the orchestrator's probes should check that port {p} accepts TCP \
             connections"
        ),
        (None, _) => {
            format!("{image} has no shell to run a check with, and a worker has no HTTP port")
        }
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
        return images.resolution.as_ref().map(|r| format!("{r}."));
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
        assert_eq!(
            bind_python_server(argv("litestar --app app.asgi:create_app run"), Some(8000)),
            [
                "litestar",
                "--app",
                "app.asgi:create_app",
                "run",
                "--host",
                "0.0.0.0",
                "--port",
                "8000"
            ]
        );
        let bound = argv("litestar run -H 0.0.0.0 -p 8000");
        assert_eq!(bind_python_server(bound.clone(), Some(8000)), bound);
        let other = argv("litestar database upgrade");
        assert_eq!(bind_python_server(other.clone(), Some(8000)), other);
    }

    #[test]
    fn a_port_variable_in_the_command_is_expanded_by_a_shell_or_written_in() {
        let argv = words("gunicorn app.wsgi --bind 0.0.0.0:$PORT");
        assert_eq!(
            expand_port(argv.clone(), Some(8000), true),
            [
                "sh",
                "-c",
                "exec gunicorn app.wsgi --bind 0.0.0.0:${PORT:-8000}"
            ]
        );
        assert_eq!(
            expand_port(argv, Some(8000), false),
            ["gunicorn", "app.wsgi", "--bind", "0.0.0.0:8000"]
        );
        let braces = words("./server -addr :${PORT:-3000}");
        assert_eq!(
            expand_port(braces, Some(3000), false),
            ["./server", "-addr", ":3000"]
        );
        let plain = words("uvicorn main:app --port 8000");
        assert_eq!(expand_port(plain.clone(), Some(8000), true), plain);
        assert_eq!(
            expand_port(words("node $PORTAL"), Some(1), true),
            ["node", "$PORTAL"]
        );
    }

    #[test]
    fn a_service_folder_is_relative_to_its_build_context() {
        assert_eq!(relative("apps/api", "."), "apps/api");
        assert_eq!(relative("apps/api", "apps/api"), "");
        assert_eq!(relative(".", "."), "");
        assert_eq!(relative("a/b/c", "a"), "b/c");
    }
}
