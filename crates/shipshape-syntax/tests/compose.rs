//! Specification of the compose project model: the effective model `docker compose config`
//! would print, with every value remembering the file and span that set it.

use std::collections::BTreeMap;

use shipshape_syntax::compose::{default_files, load, FileRole, Node, Project};

/// A repository as a map of path → text.
fn repo(files: &[(&str, &str)]) -> BTreeMap<String, String> {
    files
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
}

fn project(files: &BTreeMap<String, String>, paths: &[&str]) -> Project {
    let read = |p: &str| files.get(p).cloned();
    let paths: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
    load(&paths, &read)
}

fn service<'a>(p: &'a Project, name: &str) -> &'a Node {
    p.model
        .get("services")
        .and_then(|s| s.get(name))
        .unwrap_or_else(|| panic!("no service {name}: {:#?}", p.model))
}

/// Where a value was set: `file:text`.
fn origin(p: &Project, files: &BTreeMap<String, String>, node: &Node) -> String {
    let file = p.file_of(node);
    format!("{file}:{}", node.span.text(&files[file]))
}

#[test]
fn the_default_files_are_the_main_file_and_its_override() {
    let files = repo(&[
        ("app/docker-compose.yml", "services: {}\n"),
        ("app/docker-compose.override.yml", "services: {}\n"),
        ("app/compose.prod.yaml", "services: {}\n"),
    ]);
    let read = |p: &str| files.get(p).cloned();
    assert_eq!(
        default_files("app", &read),
        ["app/docker-compose.yml", "app/docker-compose.override.yml"]
    );
    assert!(default_files("other", &read).is_empty());
}

#[test]
fn compose_file_in_dotenv_chooses_the_files() {
    let files = repo(&[
        ("compose.yaml", "services: {}\n"),
        (".env", "COMPOSE_FILE=compose.yaml:ops/compose.prod.yaml\n"),
        ("ops/compose.prod.yaml", "services: {}\n"),
    ]);
    let read = |p: &str| files.get(p).cloned();
    assert_eq!(
        default_files("", &read),
        ["compose.yaml", "ops/compose.prod.yaml"]
    );
}

#[test]
fn override_files_merge_onto_the_main_file_and_keep_their_origin() {
    let files = repo(&[
        (
            "compose.yaml",
            "services:\n  db:\n    image: postgres:16\n    ports: [\"5432:5432\"]\n    environment:\n      POSTGRES_USER: app\n",
        ),
        (
            "compose.override.yaml",
            "services:\n  db:\n    ports: [\"127.0.0.1:5433:5432\"]\n    environment:\n      - POSTGRES_DB=app\n    restart: always\n",
        ),
    ]);
    let p = project(&files, &["compose.yaml", "compose.override.yaml"]);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.files[1].role, FileRole::Override);
    let db = service(&p, "db");
    assert_eq!(
        origin(&p, &files, db.get("image").unwrap()),
        "compose.yaml:postgres:16"
    );
    assert_eq!(
        origin(&p, &files, db.get("restart").unwrap()),
        "compose.override.yaml:always"
    );
    // Ports are appended; both files' entries are there, each pointing at its own line.
    let ports: Vec<String> = db
        .get("ports")
        .unwrap()
        .items()
        .iter()
        .map(|n| origin(&p, &files, n))
        .collect();
    assert_eq!(
        ports,
        [
            "compose.yaml:\"5432:5432\"",
            "compose.override.yaml:\"127.0.0.1:5433:5432\""
        ]
    );
    // The list spelling of the override merges by name into the mapping of the main file.
    let env = db.get("environment").unwrap();
    let names: Vec<&str> = env
        .entries()
        .iter()
        .filter_map(|e| e.key.as_str())
        .collect();
    assert_eq!(names, ["POSTGRES_USER", "POSTGRES_DB"]);
}

#[test]
fn later_files_replace_commands_and_merge_volumes_by_target() {
    let files = repo(&[
        (
            "compose.yaml",
            "services:\n  web:\n    image: nginx:1.27\n    command: [nginx, -g, daemon off;]\n    volumes: [\"./html:/usr/share/nginx/html\", \"logs:/var/log/nginx\"]\n",
        ),
        (
            "compose.dev.yaml",
            "services:\n  web:\n    command: [nginx-debug]\n    volumes: [\"./dev-html:/usr/share/nginx/html:ro\"]\n",
        ),
    ]);
    let p = project(&files, &["compose.yaml", "compose.dev.yaml"]);
    let web = service(&p, "web");
    let command: Vec<&str> = web
        .get("command")
        .unwrap()
        .items()
        .iter()
        .filter_map(Node::as_str)
        .collect();
    assert_eq!(command, ["nginx-debug"]);
    let volumes: Vec<&str> = web
        .get("volumes")
        .unwrap()
        .items()
        .iter()
        .filter_map(Node::as_str)
        .collect();
    assert_eq!(
        volumes,
        ["./dev-html:/usr/share/nginx/html:ro", "logs:/var/log/nginx"]
    );
}

#[test]
fn interpolation_uses_dotenv_and_defaults_and_keeps_what_was_written() {
    let files = repo(&[
        (
            "compose.yaml",
            "services:\n  db:\n    image: postgres:${PG_VERSION}\n    ports:\n      - \"${PORT:-127.0.0.1:5432}:5432\"\n    environment:\n      TAG: ${UNSET_TAG}\n",
        ),
        (".env", "PG_VERSION=16.4\n"),
    ]);
    let p = project(&files, &["compose.yaml"]);
    let db = service(&p, "db");
    let image = db.get("image").unwrap();
    assert_eq!(image.as_str(), Some("postgres:16.4"));
    assert_eq!(image.written(), Some("postgres:${PG_VERSION}"));
    assert!(!image.is_unresolved());
    let port = &db.get("ports").unwrap().items()[0];
    assert_eq!(port.as_str(), Some("127.0.0.1:5432:5432"));
    let tag = db.path(&["environment", "TAG"]).unwrap();
    assert!(tag.is_unresolved());
}

#[test]
fn extends_in_the_same_file_and_in_another_file() {
    let files = repo(&[
        (
            "deploy/compose.yaml",
            "services:\n  base:\n    image: app:1.0\n    read_only: true\n  worker:\n    extends: base\n    command: work\n  web:\n    extends:\n      file: ../common/services.yml\n      service: hardened\n    ports: [\"8080:8080\"]\n",
        ),
        (
            "common/services.yml",
            "services:\n  hardened:\n    image: web:2.0\n    security_opt: [\"no-new-privileges:true\"]\n    build:\n      context: ./web\n",
        ),
    ]);
    let p = project(&files, &["deploy/compose.yaml"]);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let worker = service(&p, "worker");
    assert_eq!(worker.get("image").and_then(Node::as_str), Some("app:1.0"));
    assert_eq!(worker.get("command").and_then(Node::as_str), Some("work"));
    assert!(worker.get("extends").is_none());
    let web = service(&p, "web");
    let opt = &web.get("security_opt").unwrap().items()[0];
    assert_eq!(
        origin(&p, &files, opt),
        "common/services.yml:\"no-new-privileges:true\""
    );
    assert_eq!(p.files[1].role, FileRole::Extended);
    // A path written in the extended file resolves against that file's folder.
    let context = web.path(&["build", "context"]).unwrap();
    assert_eq!(
        p.resolve_path(context, context.as_str().unwrap()),
        "common/web"
    );
    assert_eq!(p.resolve_path(opt, "."), "common");
}

#[test]
fn include_adds_the_services_of_another_project() {
    let files = repo(&[
        (
            "compose.yaml",
            "include:\n  - infra/db.yaml\nservices:\n  app:\n    image: app:1\n    depends_on: [db]\n",
        ),
        (
            "infra/db.yaml",
            "services:\n  db:\n    image: postgres:${PG:-16}\n    volumes: [\"./init:/docker-entrypoint-initdb.d\"]\n",
        ),
    ]);
    let p = project(&files, &["compose.yaml"]);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let db = service(&p, "db");
    assert_eq!(db.get("image").and_then(Node::as_str), Some("postgres:16"));
    assert_eq!(p.file_of(db), "infra/db.yaml");
    assert_eq!(p.files[1].role, FileRole::Included);
    let volume = &db.get("volumes").unwrap().items()[0];
    assert_eq!(p.resolve_path(volume, "./init"), "infra/init");
}

#[test]
fn cycles_and_missing_files_are_errors_not_hangs() {
    let files = repo(&[
        (
            "compose.yaml",
            "include: [compose.yaml]\nservices:\n  a:\n    extends: b\n  b:\n    extends: a\n  c:\n    extends: {file: missing.yml, service: x}\n",
        ),
    ]);
    let p = project(&files, &["compose.yaml"]);
    assert!(!p.errors.is_empty());
    assert!(
        p.errors.iter().any(|e| e.message.contains("cycle")),
        "{:?}",
        p.errors
    );
    assert!(p
        .errors
        .iter()
        .any(|e| e.message.contains("cannot be read")));
}

#[test]
fn invalid_yaml_is_reported_with_its_file() {
    let files = repo(&[("compose.yaml", "services:\n  a: [\n")]);
    let p = project(&files, &["compose.yaml"]);
    assert_eq!(p.errors.len(), 1);
    assert!(p.errors[0].message.starts_with("YAML syntax"));
    assert!(p.model.entries().is_empty());
}
