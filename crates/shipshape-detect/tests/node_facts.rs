//! Node.js and static-site detection on the fixture apps: every key value, its evidence, and a
//! snapshot of the whole facts. Edge cases (malformed manifests, conflicting lockfiles or
//! versions) run on throwaway repositories.

mod common;

use common::{assert_evidence_present, facts_of};
use shipshape_detect::{
    BackingKind, Facts, Framework, Language, PackageManager, Service, ServiceRole,
};

fn service<'a>(facts: &'a Facts, name: &str) -> &'a Service {
    facts
        .services
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no service {name} in {:?}",
                facts.services.iter().map(|s| &s.name).collect::<Vec<_>>()
            )
        })
}

fn env_names(s: &Service) -> Vec<&str> {
    s.env_vars.iter().map(|v| v.value.as_str()).collect()
}

fn backing(s: &Service) -> Vec<BackingKind> {
    s.backing_services.iter().map(|b| b.value).collect()
}

fn value<T: Clone>(l: &Option<shipshape_core::Located<T>>) -> Option<T> {
    l.as_ref().map(|l| l.value.clone())
}

#[test]
fn detects_express_api_with_postgres_and_port_fallback() {
    let facts = facts_of("node-express");
    insta::assert_yaml_snapshot!("node-express", facts);
    assert_evidence_present("node-express", &facts);

    assert_eq!(facts.services.len(), 1);
    let s = service(&facts, "orders-api");
    assert_eq!(s.root, ".");
    assert_eq!(s.role, ServiceRole::Api);
    assert_eq!(s.language.value, Language::Javascript);
    assert_eq!(value(&s.framework), Some(Framework::Express));
    assert_eq!(value(&s.package_manager), Some(PackageManager::Npm));
    assert_eq!(value(&s.runtime_version).as_deref(), Some("20.x"));
    let rv = s.runtime_version.as_ref().unwrap();
    assert_eq!(rv.evidence[0].note, "package.json > engines > node");
    assert_eq!(rv.evidence[0].line, Some(12));
    // No build script: plain JavaScript runs as written.
    assert_eq!(s.build_command, None);
    assert_eq!(
        value(&s.start_command).as_deref(),
        Some("node src/server.js")
    );
    assert_eq!(s.start_command.as_ref().unwrap().evidence[0].line, Some(7));
    // `PORT || 8080` in code, and PORT=8080 in .env.example agrees.
    let port = s.port.as_ref().unwrap();
    assert_eq!(port.value, 8080);
    assert_eq!(port.evidence[0].path, "src/server.js");
    assert_eq!(port.evidence[0].line, Some(16));
    assert!(port.evidence.iter().any(|e| e.path == ".env.example"));
    assert_eq!(value(&s.health_path).as_deref(), Some("/healthz"));
    assert_eq!(backing(s), [BackingKind::Postgres]);
    assert_eq!(
        s.backing_services[0].evidence[0].note,
        "package.json > dependencies > pg"
    );
    assert_eq!(env_names(s), ["DATABASE_URL", "PORT"]);
    assert!(facts.ambiguities.is_empty(), "{:?}", facts.ambiguities);
    assert!(facts.monorepo.is_none());
}

#[test]
fn detects_next_standalone_start_command() {
    let facts = facts_of("node-nextjs");
    insta::assert_yaml_snapshot!("node-nextjs", facts);
    assert_evidence_present("node-nextjs", &facts);

    assert_eq!(facts.services.len(), 1);
    // The npm scope is not part of the service name.
    let s = service(&facts, "storefront");
    assert_eq!(s.role, ServiceRole::Web);
    assert_eq!(s.language.value, Language::Typescript);
    assert_eq!(value(&s.framework), Some(Framework::Nextjs));
    assert_eq!(value(&s.package_manager), Some(PackageManager::Pnpm));
    assert_eq!(
        s.package_manager.as_ref().unwrap().evidence[0].path,
        "pnpm-lock.yaml"
    );
    assert_eq!(value(&s.runtime_version).as_deref(), Some(">=20.11"));
    assert_eq!(value(&s.build_command).as_deref(), Some("pnpm run build"));
    let start = s.start_command.as_ref().unwrap();
    assert_eq!(start.value, "node .next/standalone/server.js");
    assert_eq!(start.evidence[0].path, "next.config.mjs");
    assert_eq!(start.evidence[0].line, Some(4));
    assert!(
        start.evidence[0].note.contains("standalone"),
        "{}",
        start.evidence[0].note
    );
    let port = s.port.as_ref().unwrap();
    assert_eq!(port.value, 3000);
    assert!(port.evidence[0].note.contains("Next.js default"));
    // The route handler's file path is the URL.
    let health = s.health_path.as_ref().unwrap();
    assert_eq!(health.value, "/api/health");
    assert_eq!(health.evidence[0].path, "app/api/health/route.ts");
    assert_eq!(health.evidence[0].line, Some(4));
    // @prisma/client with a postgresql datasource.
    assert_eq!(backing(s), [BackingKind::Postgres]);
    assert!(s.backing_services[0]
        .evidence
        .iter()
        .any(|e| e.path == "prisma/schema.prisma" && e.line == Some(6)));
    assert_eq!(env_names(s), ["NEXT_PUBLIC_STORE_NAME", "NODE_ENV"]);
}

#[test]
fn detects_nestjs_dist_main_and_health_controller() {
    let facts = facts_of("node-nestjs");
    insta::assert_yaml_snapshot!("node-nestjs", facts);
    assert_evidence_present("node-nestjs", &facts);

    let s = service(&facts, "inventory-service");
    assert_eq!(s.role, ServiceRole::Api);
    assert_eq!(s.language.value, Language::Typescript);
    assert_eq!(value(&s.framework), Some(Framework::Nestjs));
    assert_eq!(value(&s.package_manager), Some(PackageManager::Yarn));
    assert_eq!(value(&s.runtime_version).as_deref(), Some("20.12.2"));
    assert_eq!(
        s.runtime_version.as_ref().unwrap().evidence[0].path,
        ".tool-versions"
    );
    assert_eq!(value(&s.build_command).as_deref(), Some("yarn run build"));
    // Never `nest start`: the compiled entry under tsconfig's outDir.
    let start = s.start_command.as_ref().unwrap();
    assert_eq!(start.value, "node dist/main.js");
    assert_eq!(start.evidence[0].path, "tsconfig.json");
    assert_eq!(start.evidence[0].line, Some(9));
    assert_eq!(value(&s.port), Some(3000));
    assert_eq!(s.port.as_ref().unwrap().evidence[0].path, "src/main.ts");
    let health = s.health_path.as_ref().unwrap();
    assert_eq!(health.value, "/health");
    assert_eq!(health.evidence[0].path, "src/health.controller.ts");
    assert_eq!(health.evidence[0].line, Some(8));
    assert_eq!(backing(s), [BackingKind::Redis]);
    assert_eq!(env_names(s), ["PORT", "REDIS_URL"]);
}

#[test]
fn detects_fastify_on_bun_with_explicit_port_and_mongodb() {
    let facts = facts_of("node-fastify");
    insta::assert_yaml_snapshot!("node-fastify", facts);
    assert_evidence_present("node-fastify", &facts);

    let s = service(&facts, "catalog");
    assert_eq!(s.role, ServiceRole::Api);
    assert_eq!(s.language.value, Language::Javascript);
    assert_eq!(value(&s.framework), Some(Framework::Fastify));
    assert_eq!(value(&s.package_manager), Some(PackageManager::Bun));
    assert_eq!(
        s.package_manager.as_ref().unwrap().evidence[0].path,
        "bun.lockb"
    );
    assert_eq!(s.runtime_version, None);
    assert_eq!(s.build_command, None);
    assert_eq!(
        value(&s.start_command).as_deref(),
        Some("bun src/server.js")
    );
    // The port in code wins over Fastify's default.
    let port = s.port.as_ref().unwrap();
    assert_eq!(port.value, 4000);
    assert_eq!(port.evidence[0].line, Some(13));
    assert_eq!(value(&s.health_path).as_deref(), Some("/health"));
    assert_eq!(backing(s), [BackingKind::Mongodb]);
    assert_eq!(env_names(s), ["MONGODB_URI"]);
    assert!(facts.ambiguities.is_empty(), "{:?}", facts.ambiguities);
}

#[test]
fn detects_vite_spa_as_static_build_without_start_or_port() {
    let facts = facts_of("node-vite-spa");
    insta::assert_yaml_snapshot!("node-vite-spa", facts);
    assert_evidence_present("node-vite-spa", &facts);

    // index.html of a Vite app is the SPA's shell, not a static site of its own.
    assert_eq!(facts.services.len(), 1);
    let s = service(&facts, "dashboard");
    assert_eq!(s.role, ServiceRole::Static);
    assert_eq!(s.language.value, Language::Javascript);
    assert_eq!(value(&s.framework), Some(Framework::ViteSpa));
    assert_eq!(value(&s.package_manager), Some(PackageManager::Npm));
    assert_eq!(value(&s.runtime_version).as_deref(), Some("20.14.0"));
    assert_eq!(
        s.runtime_version.as_ref().unwrap().evidence[0].path,
        ".nvmrc"
    );
    let build = s.build_command.as_ref().unwrap();
    assert_eq!(build.value, "npm run build");
    assert!(
        build.evidence[0].note.contains("static output in dist/"),
        "{}",
        build.evidence[0].note
    );
    assert_eq!(s.start_command, None);
    assert_eq!(s.port, None);
    assert_eq!(s.health_path, None);
    assert!(s.backing_services.is_empty());
    // import.meta.env.DEV is Vite's own flag, not configuration.
    assert_eq!(env_names(s), ["VITE_API_URL"]);
}

#[test]
fn detects_turbo_monorepo_apps_and_shared_library() {
    let facts = facts_of("node-turbo-monorepo");
    insta::assert_yaml_snapshot!("node-turbo-monorepo", facts);
    assert_evidence_present("node-turbo-monorepo", &facts);

    let roots: Vec<&str> = facts.services.iter().map(|s| s.root.as_str()).collect();
    assert_eq!(roots, ["apps/api", "apps/web"]);
    let mono = facts.monorepo.as_ref().expect("monorepo");
    let tools: Vec<&str> = mono.tools.iter().map(|t| t.value.as_str()).collect();
    assert_eq!(tools, ["npm-workspaces", "turbo"]);
    assert_eq!(mono.packages, ["ui"]);

    let api = service(&facts, "api");
    assert_eq!(api.role, ServiceRole::Api);
    assert_eq!(value(&api.framework), Some(Framework::Express));
    // The workspace root's lockfile and packageManager field count for its members.
    let pm = api.package_manager.as_ref().unwrap();
    assert_eq!(pm.value, PackageManager::Npm);
    assert_eq!(pm.evidence[0].path, "package-lock.json");
    assert!(pm
        .evidence
        .iter()
        .any(|e| e.path == "package.json" && e.line == Some(16)));
    // The repository's .nvmrc applies to every member.
    assert_eq!(value(&api.runtime_version).as_deref(), Some("20"));
    assert_eq!(api.build_command, None);
    assert_eq!(
        value(&api.start_command).as_deref(),
        Some("node src/index.js")
    );
    assert_eq!(value(&api.port), Some(3001));
    assert_eq!(value(&api.health_path).as_deref(), Some("/health"));
    assert_eq!(backing(api), [BackingKind::Redis]);
    assert_eq!(env_names(api), ["PORT", "REDIS_URL"]);

    let web = service(&facts, "web");
    assert_eq!(web.role, ServiceRole::Static);
    assert_eq!(value(&web.framework), Some(Framework::ViteSpa));
    assert_eq!(value(&web.package_manager), Some(PackageManager::Npm));
    let build = web.build_command.as_ref().unwrap();
    assert_eq!(build.value, "npm run build");
    // vite.config.js sets build.outDir.
    assert!(
        build.evidence[0].note.contains("static output in build/"),
        "{}",
        build.evidence[0].note
    );
    assert!(build
        .evidence
        .iter()
        .any(|e| e.path == "apps/web/vite.config.js" && e.line == Some(4)));
    assert_eq!(web.start_command, None);
    assert_eq!(web.port, None);
    assert_eq!(env_names(web), ["VITE_API_URL"]);
    // The only API is what VITE_API_URL points at.
    assert!(web.depends_on.iter().any(|d| d.value == "api"));
}

#[test]
fn detects_plain_static_site() {
    let facts = facts_of("static-site");
    insta::assert_yaml_snapshot!("static-site", facts);
    assert_evidence_present("static-site", &facts);

    assert_eq!(facts.services.len(), 1);
    let s = service(&facts, "static-site");
    assert_eq!(s.root, ".");
    assert_eq!(s.role, ServiceRole::Static);
    assert_eq!(s.language.value, Language::Html);
    assert_eq!(value(&s.framework), Some(Framework::StaticHtml));
    assert_eq!(s.framework.as_ref().unwrap().evidence[0].path, "index.html");
    assert_eq!(s.package_manager, None);
    assert_eq!(s.runtime_version, None);
    assert_eq!(s.build_command, None);
    assert_eq!(s.start_command, None);
    assert_eq!(s.port, None);
    assert_eq!(s.health_path, None);
    assert!(s.backing_services.is_empty());
    assert!(s.env_vars.is_empty());
}

/// A throwaway repository with the given files.
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let full = dir.path().join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(full, text).expect("write");
    }
    dir
}

fn facts_in(dir: &tempfile::TempDir) -> Facts {
    let inv = shipshape_core::Inventory::open(dir.path()).expect("inventory");
    shipshape_detect::detect(&inv)
}

#[test]
fn malformed_package_json_becomes_a_note_not_a_panic() {
    let dir = repo(&[
        (
            "package.json",
            "{\n  \"name\": \"broken\",\n  \"scripts\": {\n",
        ),
        ("package-lock.json", "{\"lockfileVersion\": 3}\n"),
        (
            "server.js",
            "require('http').createServer(() => {}).listen(process.env.PORT || 5000);\n",
        ),
    ]);
    let facts = facts_in(&dir);
    assert!(facts
        .notes
        .iter()
        .any(|n| n.path == "package.json" && n.message.contains("JSON")));
    let s = &facts.services[0];
    assert_eq!(s.framework, None);
    assert_eq!(value(&s.package_manager), Some(PackageManager::Npm));
    assert_eq!(value(&s.port), Some(5000));
    assert_eq!(value(&s.start_command).as_deref(), Some("node server.js"));
}

#[test]
fn conflicting_lockfiles_are_reported_as_ambiguity() {
    let dir = repo(&[
        ("package.json", "{\n  \"name\": \"svc\",\n  \"scripts\": { \"start\": \"node index.js\" },\n  \"packageManager\": \"pnpm@9.1.0\"\n}\n"),
        ("package-lock.json", "{}\n"),
        ("yarn.lock", "# yarn lockfile v1\n"),
        ("index.js", "require('http').createServer(() => {}).listen(3000);\n"),
    ]);
    let facts = facts_in(&dir);
    let s = service(&facts, "svc");
    assert_eq!(value(&s.package_manager), Some(PackageManager::Npm));
    let a = facts
        .ambiguities
        .iter()
        .find(|a| a.subject == "services.svc.package_manager")
        .expect("ambiguity");
    let values: Vec<&str> = a.candidates.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(values, ["npm", "yarn", "pnpm"]);
}

#[test]
fn conflicting_node_versions_are_reported_and_precedence_kept() {
    let dir = repo(&[
        ("package.json", "{\n  \"name\": \"svc\",\n  \"engines\": { \"node\": \"18.x\" },\n  \"scripts\": { \"start\": \"node index.js\" }\n}\n"),
        (".nvmrc", "20\n"),
        (".node-version", "18.19.0\n"),
        ("index.js", "require('http').createServer(() => {}).listen(3000);\n"),
    ]);
    let facts = facts_in(&dir);
    let s = service(&facts, "svc");
    assert_eq!(value(&s.runtime_version).as_deref(), Some("18.x"));
    assert!(facts
        .ambiguities
        .iter()
        .any(|a| a.subject == "services.svc.runtime_version" && a.candidates.len() == 3));
}

#[test]
fn open_version_ranges_do_not_conflict() {
    let dir = repo(&[
        ("package.json", "{\n  \"name\": \"svc\",\n  \"engines\": { \"node\": \">=18\" },\n  \"scripts\": { \"start\": \"node index.js\" }\n}\n"),
        (".nvmrc", "20\n"),
        ("index.js", "require('http').createServer(() => {}).listen(3000);\n"),
    ]);
    let facts = facts_in(&dir);
    assert_eq!(
        value(&service(&facts, "svc").runtime_version).as_deref(),
        Some(">=18")
    );
    assert!(facts.ambiguities.is_empty(), "{:?}", facts.ambiguities);
}

#[test]
fn tooling_only_root_package_json_is_not_a_service() {
    let dir = repo(&[(
        "package.json",
        "{\n  \"name\": \"tools\",\n  \"devDependencies\": { \"prettier\": \"^3.0.0\" }\n}\n",
    )]);
    let facts = facts_in(&dir);
    assert!(facts.services.is_empty());
    assert!(facts.monorepo.is_none());
}

#[test]
fn dev_only_start_script_falls_back_to_main() {
    let dir = repo(&[
        ("package.json", "{\n  \"name\": \"svc\",\n  \"main\": \"app.js\",\n  \"scripts\": { \"start\": \"nodemon app.js\" },\n  \"dependencies\": { \"koa\": \"^2.15.0\" }\n}\n"),
        ("app.js", "const Koa = require('koa');\nnew Koa().listen(3000);\n"),
    ]);
    let facts = facts_in(&dir);
    let s = service(&facts, "svc");
    assert_eq!(value(&s.framework), Some(Framework::Koa));
    assert_eq!(value(&s.start_command).as_deref(), Some("node app.js"));
    assert_eq!(
        s.start_command.as_ref().unwrap().evidence[0].note,
        "package.json > main"
    );
    assert_eq!(value(&s.port), Some(3000));
}

#[test]
fn html_inside_an_app_or_template_folder_is_not_a_static_site() {
    let dir = repo(&[
        ("manage.py", "import django\n"),
        ("templates/index.html", "<html></html>\n"),
        ("site/index.html", "<html></html>\n"),
        ("site/blog/index.html", "<html></html>\n"),
    ]);
    let facts = facts_in(&dir);
    let statics: Vec<&str> = facts
        .services
        .iter()
        .filter(|s| s.language.value == Language::Html)
        .map(|s| s.root.as_str())
        .collect();
    // The Django project's templates are not a site; site/ is under the Django project too.
    assert!(statics.is_empty(), "{statics:?}");

    let dir = repo(&[
        ("docs/index.html", "<html></html>\n"),
        ("docs/blog/index.html", "<html></html>\n"),
    ]);
    let facts = facts_in(&dir);
    let roots: Vec<&str> = facts.services.iter().map(|s| s.root.as_str()).collect();
    assert_eq!(roots, ["docs"]);
}

#[test]
fn detects_static_site_generators_by_config() {
    let dir = repo(&[
        (
            "hugo.toml",
            "baseURL = 'https://example.org/'\ntitle = 'Notes'\n",
        ),
        ("content/_index.md", "# Notes\n"),
        ("layouts/index.html", "<html>{{ .Content }}</html>\n"),
    ]);
    let facts = facts_in(&dir);
    assert_eq!(facts.services.len(), 1);
    let s = &facts.services[0];
    assert_eq!(value(&s.framework), Some(Framework::StaticSiteGenerator));
    assert!(s.framework.as_ref().unwrap().evidence[0]
        .note
        .contains("Hugo"));
    assert_eq!(value(&s.build_command).as_deref(), Some("hugo --minify"));
    assert_eq!(s.start_command, None);
    assert_eq!(s.port, None);

    let dir = repo(&[
        ("mkdocs.yml", "site_name: Handbook\nnav:\n  - index.md\n"),
        ("docs/index.md", "# Hi\n"),
    ]);
    let facts = facts_in(&dir);
    let s = &facts.services[0];
    assert!(s.framework.as_ref().unwrap().evidence[0]
        .note
        .contains("MkDocs"));
    assert_eq!(value(&s.build_command).as_deref(), Some("mkdocs build"));
}

#[test]
fn tanstack_start_is_a_server_rendered_web_app_not_a_static_spa() {
    // react + vite would make it a Vite SPA; @tanstack/react-start renders on the server.
    let facts = facts_of("node-tanstack-start");
    let s = service(&facts, "recipes");
    assert_eq!(value(&s.framework), Some(Framework::TanstackStart));
    assert_eq!(s.role, ServiceRole::Web);
    assert_eq!(
        value(&s.start_command).as_deref(),
        Some("node .output/server/index.mjs")
    );
    assert_eq!(value(&s.port), Some(3000));
    assert_eq!(value(&s.health_path), None, "no health route is invented");
}

#[test]
fn react_router_framework_mode_is_remix_on_the_server_or_a_spa_without_ssr() {
    // A pnpm workspace with no package.json at its root: pnpm-workspace.yaml is the workspace.
    let facts = facts_of("defect-react-router-workspace");
    let site = service(&facts, "site");
    assert_eq!(value(&site.framework), Some(Framework::Remix));
    assert_eq!(site.role, ServiceRole::Web);
    assert_eq!(value(&site.package_manager), Some(PackageManager::Pnpm));
    assert_eq!(value(&site.runtime_version).as_deref(), Some("22"));
    assert_eq!(
        value(&site.start_command).as_deref(),
        Some("react-router-serve ./build/server/index.js")
    );
    assert_eq!(value(&site.port), Some(3000));
    // app/routes/api.health.ts: a file route with a loader.
    assert_eq!(value(&site.health_path).as_deref(), Some("/api/health"));
    // `ssr: false`: static files, no server.
    let docs = service(&facts, "docs");
    assert_eq!(value(&docs.framework), Some(Framework::Remix));
    assert_eq!(docs.role, ServiceRole::Static);
    assert_eq!(value(&docs.start_command), None);
}

#[test]
fn a_remix_resource_route_file_is_the_health_route() {
    let facts = facts_of("defect-dev-tooling");
    let s = service(&facts, "notes-remix");
    assert_eq!(value(&s.framework), Some(Framework::Remix));
    let health = s.health_path.as_ref().expect("health route");
    assert_eq!(health.value, "/healthcheck");
    assert_eq!(health.evidence[0].path, "app/routes/healthcheck.tsx");
    assert_eq!(health.evidence[0].line, Some(2));
}
