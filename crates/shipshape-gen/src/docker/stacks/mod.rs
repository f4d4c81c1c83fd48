//! One module per stack: from a service's facts to its [`Recipe`] and the details its template
//! needs (manifests to copy before the source, cache folders, health check, runtime user). This
//! file dispatches on the detected stack and holds the helpers every stack shares.

use serde_json::json;
use shipshape_core::Inventory;
use shipshape_detect::{value_name, Framework, Language, PackageManager, Service};

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
