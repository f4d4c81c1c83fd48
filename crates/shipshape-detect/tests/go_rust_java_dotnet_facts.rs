//! Facts detected for the Go, Rust, Java/Kotlin and .NET fixture apps: a snapshot of every
//! fixture's facts plus explicit checks of the values generators rely on.

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
            let names: Vec<&str> = facts.services.iter().map(|s| s.name.as_str()).collect();
            panic!("no service {name}; found {names:?}")
        })
}

fn only_service(facts: &Facts) -> &Service {
    assert_eq!(facts.services.len(), 1, "services: {:#?}", facts.services);
    &facts.services[0]
}

fn env_names(s: &Service) -> Vec<&str> {
    s.env_vars.iter().map(|v| v.value.as_str()).collect()
}

fn backing(s: &Service) -> Vec<BackingKind> {
    s.backing_services.iter().map(|b| b.value).collect()
}

fn build(s: &Service) -> &str {
    s.build_command
        .as_ref()
        .map(|c| c.value.as_str())
        .unwrap_or("")
}

fn start(s: &Service) -> &str {
    s.start_command
        .as_ref()
        .map(|c| c.value.as_str())
        .unwrap_or("")
}

fn port(s: &Service) -> Option<u16> {
    s.port.as_ref().map(|p| p.value)
}

fn health(s: &Service) -> Option<&str> {
    s.health_path.as_ref().map(|h| h.value.as_str())
}

/// Write `text` at `rel` under `root`, making the folders.
fn write_file(root: &std::path::Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

fn runtime(s: &Service) -> Option<&str> {
    s.runtime_version.as_ref().map(|v| v.value.as_str())
}

fn framework(s: &Service) -> Option<Framework> {
    s.framework.as_ref().map(|f| f.value)
}

fn package_manager(s: &Service) -> Option<PackageManager> {
    s.package_manager.as_ref().map(|p| p.value)
}

/// Evidence of `value` lies on `line` of `path`.
fn assert_evidence_at(what: &str, ev: &[shipshape_core::Evidence], path: &str, line: u32) {
    assert!(
        ev.iter().any(|e| e.path == path && e.line == Some(line)),
        "{what}: expected evidence at {path}:{line}, got {ev:#?}"
    );
}

// ------------------------------------------------------------------------------------------
// Go

#[test]
fn detects_net_http_service_with_port_fallback_and_postgres() {
    let name = "go-nethttp";
    let facts = facts_of(name);
    insta::assert_yaml_snapshot!(name, facts);
    let s = only_service(&facts);
    assert_eq!(s.name, "orders-api");
    assert_eq!(s.role, ServiceRole::Api);
    assert_eq!(s.language.value, Language::Go);
    assert_eq!(framework(s), Some(Framework::NetHttp));
    assert_eq!(package_manager(s), Some(PackageManager::GoModules));
    assert_eq!(runtime(s), Some("1.22"));
    assert_evidence_at(
        "runtime",
        &s.runtime_version.as_ref().unwrap().evidence,
        "go.mod",
        3,
    );
    assert_eq!(
        build(s),
        "CGO_ENABLED=0 go build -trimpath -o bin/orders-api ."
    );
    assert_eq!(start(s), "./bin/orders-api");
    assert_eq!(port(s), Some(8080));
    assert_evidence_at("port", &s.port.as_ref().unwrap().evidence, "main.go", 35);
    assert_eq!(health(s), Some("/healthz"));
    assert_eq!(backing(s), [BackingKind::Postgres]);
    assert_evidence_at("postgres", &s.backing_services[0].evidence, "go.mod", 5);
    assert_eq!(env_names(s), ["DATABASE_URL", "PORT"]);
    assert!(facts.ambiguities.is_empty(), "{:#?}", facts.ambiguities);
    assert_evidence_present(name, &facts);
}

#[test]
fn detects_gin_service_with_toolchain_version_and_redis() {
    let name = "go-gin";
    let facts = facts_of(name);
    insta::assert_yaml_snapshot!(name, facts);
    let s = only_service(&facts);
    assert_eq!(s.name, "catalog");
    assert_eq!(framework(s), Some(Framework::Gin));
    assert_evidence_at(
        "framework",
        &s.framework.as_ref().unwrap().evidence,
        "go.mod",
        8,
    );
    assert_eq!(package_manager(s), Some(PackageManager::GoModules));
    // The toolchain line pins the exact release and wins over `go 1.22`.
    assert_eq!(runtime(s), Some("1.22.3"));
    assert_evidence_at(
        "runtime",
        &s.runtime_version.as_ref().unwrap().evidence,
        "go.mod",
        5,
    );
    assert_eq!(
        build(s),
        "CGO_ENABLED=0 go build -trimpath -o bin/catalog ."
    );
    assert_eq!(start(s), "./bin/catalog");
    assert_eq!(port(s), Some(9090));
    assert_evidence_at("port", &s.port.as_ref().unwrap().evidence, "main.go", 26);
    assert_eq!(health(s), Some("/health"));
    // Indirect requirements are not the service's own choices.
    assert_eq!(backing(s), [BackingKind::Redis]);
    assert_eq!(env_names(s), ["REDIS_ADDR"]);
    assert_evidence_present(name, &facts);
}

#[test]
fn detects_echo_service_started_on_its_literal_port() {
    let name = "go-echo";
    let facts = facts_of(name);
    insta::assert_yaml_snapshot!(name, facts);
    let s = only_service(&facts);
    assert_eq!(s.name, "greeter");
    assert_eq!(framework(s), Some(Framework::Echo));
    // go.mod's language version is used; .tool-versions agrees on the minor release.
    assert_eq!(runtime(s), Some("1.21"));
    assert!(facts.ambiguities.is_empty(), "{:#?}", facts.ambiguities);
    assert_eq!(
        build(s),
        "CGO_ENABLED=0 go build -trimpath -o bin/greeter ."
    );
    assert_eq!(start(s), "./bin/greeter");
    assert_eq!(port(s), Some(1323));
    assert_evidence_at("port", &s.port.as_ref().unwrap().evidence, "server.go", 19);
    assert_eq!(health(s), Some("/healthz"));
    assert!(backing(s).is_empty());
    assert_eq!(env_names(s), ["GREETING"]);
    assert_evidence_present(name, &facts);
}

#[test]
fn detects_chi_service_built_from_cmd_server() {
    let name = "go-chi";
    let facts = facts_of(name);
    insta::assert_yaml_snapshot!(name, facts);
    let s = only_service(&facts);
    assert_eq!(s.name, "inventory");
    assert_eq!(framework(s), Some(Framework::Chi));
    assert_eq!(runtime(s), Some("1.22"));
    assert_eq!(
        build(s),
        "CGO_ENABLED=0 go build -trimpath -o bin/inventory ./cmd/server"
    );
    assert_evidence_at(
        "build",
        &s.build_command.as_ref().unwrap().evidence,
        "cmd/server/main.go",
        12,
    );
    assert_eq!(start(s), "./bin/inventory");
    assert_eq!(port(s), Some(3000));
    assert_evidence_at(
        "port",
        &s.port.as_ref().unwrap().evidence,
        "cmd/server/main.go",
        17,
    );
    assert_eq!(health(s), Some("/health"));
    assert!(backing(s).is_empty());
    assert_eq!(env_names(s), ["WAREHOUSE_ID"]);
    assert_evidence_present(name, &facts);
}

#[test]
fn detects_fiber_service_with_mongodb() {
    let name = "go-fiber";
    let facts = facts_of(name);
    insta::assert_yaml_snapshot!(name, facts);
    let s = only_service(&facts);
    assert_eq!(s.name, "profiles");
    assert_eq!(framework(s), Some(Framework::Fiber));
    assert_eq!(runtime(s), Some("1.22"));
    assert_eq!(
        build(s),
        "CGO_ENABLED=0 go build -trimpath -o bin/profiles ."
    );
    assert_eq!(port(s), Some(3000));
    assert_eq!(health(s), Some("/healthz"));
    assert_eq!(backing(s), [BackingKind::Mongodb]);
    assert_evidence_at("mongodb", &s.backing_services[0].evidence, "go.mod", 7);
    assert_eq!(env_names(s), ["MONGO_URI"]);
    assert_evidence_present(name, &facts);
}

#[test]
fn detects_go_work_members_as_service_and_library() {
    let name = "go-work-monorepo";
    let facts = facts_of(name);
    insta::assert_yaml_snapshot!(name, facts);
    let s = only_service(&facts);
    assert_eq!(s.name, "api");
    assert_eq!(s.root, "services/api");
    assert_eq!(framework(s), Some(Framework::NetHttp));
    assert_eq!(runtime(s), Some("1.22"));
    assert_eq!(build(s), "CGO_ENABLED=0 go build -trimpath -o bin/api .");
    assert_eq!(port(s), Some(8081));
    assert_evidence_at(
        "port",
        &s.port.as_ref().unwrap().evidence,
        "services/api/main.go",
        18,
    );
    assert_eq!(health(s), Some("/health"));
    assert_eq!(env_names(s), ["TLS_CERT_FILE", "TLS_KEY_FILE"]);
    let mono = facts.monorepo.as_ref().expect("a monorepo");
    let tools: Vec<&str> = mono.tools.iter().map(|t| t.value.as_str()).collect();
    assert_eq!(tools, ["go-work"]);
    assert_eq!(mono.tools[0].evidence[0].path, "go.work");
    assert_eq!(mono.packages, ["shared"]);
    assert!(facts.notes.is_empty(), "{:#?}", facts.notes);
    assert_evidence_present(name, &facts);
}

// ------------------------------------------------------------------------------------------
// Rust

#[test]
fn detects_axum_service_with_pinned_toolchain_and_postgres() {
    let name = "rust-axum";
    let facts = facts_of(name);
    insta::assert_yaml_snapshot!(name, facts);
    let s = only_service(&facts);
    assert_eq!(s.name, "todo-api");
    assert_eq!(s.role, ServiceRole::Api);
    assert_eq!(s.language.value, Language::Rust);
    assert_eq!(framework(s), Some(Framework::Axum));
    assert_evidence_at(
        "framework",
        &s.framework.as_ref().unwrap().evidence,
        "Cargo.toml",
        7,
    );
    assert_eq!(package_manager(s), Some(PackageManager::Cargo));
    assert_eq!(
        s.package_manager.as_ref().unwrap().evidence[0].path,
        "Cargo.lock"
    );
    assert_eq!(runtime(s), Some("1.78.0"));
    assert_evidence_at(
        "runtime",
        &s.runtime_version.as_ref().unwrap().evidence,
        "rust-toolchain.toml",
        2,
    );
    assert_eq!(build(s), "cargo build --release --locked");
    assert_eq!(start(s), "./target/release/todo-api");
    assert_eq!(port(s), Some(3000));
    assert_evidence_at(
        "port",
        &s.port.as_ref().unwrap().evidence,
        "src/main.rs",
        15,
    );
    assert_eq!(health(s), Some("/health"));
    assert_eq!(backing(s), [BackingKind::Postgres]);
    assert_evidence_at("postgres", &s.backing_services[0].evidence, "Cargo.toml", 9);
    assert_eq!(env_names(s), ["DATABASE_URL"]);
    assert_evidence_present(name, &facts);
}

#[test]
fn detects_actix_service_with_msrv_and_redis() {
    let name = "rust-actix";
    let facts = facts_of(name);
    insta::assert_yaml_snapshot!(name, facts);
    let s = only_service(&facts);
    assert_eq!(s.name, "visits");
    assert_eq!(framework(s), Some(Framework::ActixWeb));
    // Without a toolchain file, the MSRV is the only version stated.
    assert_eq!(runtime(s), Some("1.75"));
    let rt = &s.runtime_version.as_ref().unwrap().evidence[0];
    assert!(rt.note.contains("minimum supported"), "{rt:?}");
    assert_eq!(build(s), "cargo build --release --locked");
    assert_eq!(start(s), "./target/release/visits");
    assert_eq!(port(s), Some(8080));
    assert_evidence_at(
        "port",
        &s.port.as_ref().unwrap().evidence,
        "src/main.rs",
        28,
    );
    assert_eq!(health(s), Some("/healthz"));
    assert_eq!(backing(s), [BackingKind::Redis]);
    assert_eq!(env_names(s), ["REDIS_URL"]);
    assert_evidence_present(name, &facts);
}

#[test]
fn detects_rocket_service_with_port_from_rocket_toml() {
    let name = "rust-rocket";
    let facts = facts_of(name);
    insta::assert_yaml_snapshot!(name, facts);
    let s = only_service(&facts);
    assert_eq!(s.name, "quotes");
    assert_eq!(framework(s), Some(Framework::Rocket));
    assert_eq!(runtime(s), None);
    // No Cargo.lock: the build cannot be --locked.
    assert_eq!(build(s), "cargo build --release");
    assert_eq!(start(s), "./target/release/quotes");
    assert_eq!(port(s), Some(8000));
    assert_evidence_at("port", &s.port.as_ref().unwrap().evidence, "Rocket.toml", 3);
    assert_eq!(health(s), Some("/health"));
    assert!(backing(s).is_empty());
    assert_eq!(env_names(s), ["QUOTE_OF_THE_DAY"]);
    assert_evidence_present(name, &facts);
}

#[test]
fn detects_cargo_workspace_member_binary_and_library() {
    let name = "rust-cargo-workspace";
    let facts = facts_of(name);
    insta::assert_yaml_snapshot!(name, facts);
    let s = service(&facts, "ledger-api");
    assert_eq!(facts.services.len(), 1);
    assert_eq!(s.root, "crates/api");
    assert_eq!(framework(s), Some(Framework::Axum));
    // The lockfile and the MSRV live at the workspace root.
    assert_eq!(
        s.package_manager.as_ref().unwrap().evidence[0].path,
        "Cargo.lock"
    );
    assert_eq!(runtime(s), Some("1.80"));
    assert_evidence_at(
        "runtime",
        &s.runtime_version.as_ref().unwrap().evidence,
        "Cargo.toml",
        7,
    );
    assert_eq!(build(s), "cargo build --release --locked -p ledger-api");
    assert_eq!(start(s), "./target/release/ledger");
    assert_eq!(port(s), Some(8080));
    assert_eq!(health(s), Some("/healthz"));
    // sqlx's features come from [workspace.dependencies].
    assert_eq!(backing(s), [BackingKind::Mysql]);
    assert_evidence_at(
        "mysql",
        &s.backing_services[0].evidence,
        "crates/api/Cargo.toml",
        14,
    );
    assert_eq!(env_names(s), ["DATABASE_URL"]);
    let mono = facts.monorepo.as_ref().expect("a monorepo");
    let tools: Vec<&str> = mono.tools.iter().map(|t| t.value.as_str()).collect();
    assert_eq!(tools, ["cargo-workspace"]);
    assert_eq!(mono.packages, ["ledger-core"]);
    assert_evidence_present(name, &facts);
}

// ------------------------------------------------------------------------------------------
// Java

#[test]
fn detects_spring_boot_maven_service_with_actuator_and_postgres() {
    let name = "java-spring-maven";
    let facts = facts_of(name);
    insta::assert_yaml_snapshot!(name, facts);
    let s = only_service(&facts);
    assert_eq!(s.name, "orders");
    assert_eq!(s.role, ServiceRole::Api);
    assert_eq!(s.language.value, Language::Java);
    assert_eq!(framework(s), Some(Framework::SpringBoot));
    assert_evidence_at(
        "framework",
        &s.framework.as_ref().unwrap().evidence,
        "pom.xml",
        5,
    );
    assert_eq!(package_manager(s), Some(PackageManager::Maven));
    assert_eq!(runtime(s), Some("21"));
    assert_evidence_at(
        "runtime",
        &s.runtime_version.as_ref().unwrap().evidence,
        "pom.xml",
        17,
    );
    assert_eq!(build(s), "./mvnw -B package -DskipTests");
    assert_eq!(start(s), "java -jar target/orders-0.0.1-SNAPSHOT.jar");
    assert_eq!(port(s), Some(8081));
    assert_evidence_at(
        "port",
        &s.port.as_ref().unwrap().evidence,
        "src/main/resources/application.properties",
        2,
    );
    assert_eq!(health(s), Some("/actuator/health"));
    assert_evidence_at(
        "health",
        &s.health_path.as_ref().unwrap().evidence,
        "pom.xml",
        27,
    );
    assert_eq!(backing(s), [BackingKind::Postgres]);
    assert_eq!(
        env_names(s),
        [
            "DATABASE_PASSWORD",
            "DATABASE_URL",
            "DATABASE_USER",
            "ORDERS_REGION",
            "PORT"
        ]
    );
    assert_evidence_present(name, &facts);
}

#[test]
fn detects_spring_boot_gradle_service_with_toolchain_and_redis() {
    let name = "java-spring-gradle";
    let facts = facts_of(name);
    insta::assert_yaml_snapshot!(name, facts);
    let s = only_service(&facts);
    assert_eq!(s.name, "catalog");
    assert_eq!(s.language.value, Language::Java);
    assert_eq!(framework(s), Some(Framework::SpringBoot));
    assert_evidence_at(
        "framework",
        &s.framework.as_ref().unwrap().evidence,
        "build.gradle.kts",
        3,
    );
    assert_eq!(package_manager(s), Some(PackageManager::Gradle));
    assert_eq!(runtime(s), Some("17"));
    assert_evidence_at(
        "runtime",
        &s.runtime_version.as_ref().unwrap().evidence,
        "build.gradle.kts",
        12,
    );
    assert_eq!(build(s), "./gradlew bootJar");
    assert_eq!(start(s), "java -jar build/libs/catalog-1.0.0.jar");
    assert_eq!(port(s), Some(9000));
    assert_evidence_at(
        "port",
        &s.port.as_ref().unwrap().evidence,
        "src/main/resources/application.yml",
        9,
    );
    // No actuator: the health route comes from the code.
    assert_eq!(health(s), Some("/health"));
    assert_eq!(backing(s), [BackingKind::Redis]);
    assert_eq!(env_names(s), ["REDIS_HOST", "REDIS_PORT"]);
    assert_evidence_present(name, &facts);
}

// ------------------------------------------------------------------------------------------
// .NET

#[test]
fn detects_aspnet_core_minimal_api_with_container_default_port() {
    let name = "dotnet-aspnet";
    let facts = facts_of(name);
    insta::assert_yaml_snapshot!(name, facts);
    let s = only_service(&facts);
    assert_eq!(s.name, "Api");
    assert_eq!(s.role, ServiceRole::Api);
    assert_eq!(s.language.value, Language::Csharp);
    assert_eq!(framework(s), Some(Framework::AspnetCore));
    assert_eq!(package_manager(s), Some(PackageManager::Dotnet));
    assert_eq!(runtime(s), Some("8.0"));
    let rt = &s.runtime_version.as_ref().unwrap().evidence;
    assert_evidence_at("runtime", rt, "Api.csproj", 4);
    // global.json's SDK agrees on the major and is kept as further evidence.
    assert_evidence_at("runtime", rt, "global.json", 3);
    assert_eq!(build(s), "dotnet publish Api.csproj -c Release -o out");
    assert_eq!(start(s), "dotnet out/Api.dll");
    // launchSettings.json's localhost:5123 is a development setting, not the container port.
    assert_eq!(port(s), Some(8080));
    assert!(s.port.as_ref().unwrap().evidence[0]
        .note
        .contains("launchSettings.json"));
    assert_eq!(health(s), Some("/healthz"));
    assert_evidence_at(
        "health",
        &s.health_path.as_ref().unwrap().evidence,
        "Program.cs",
        12,
    );
    assert_eq!(backing(s), [BackingKind::Postgres]);
    assert_evidence_at(
        "postgres",
        &s.backing_services[0].evidence,
        "Api.csproj",
        10,
    );
    assert_eq!(env_names(s), ["APP_VERSION", "ConnectionStrings__Default"]);
    assert!(facts.ambiguities.is_empty(), "{:#?}", facts.ambiguities);
    assert_evidence_present(name, &facts);
}

// ------------------------------------------------------------------------------------------
// Malformed manifests

#[test]
fn malformed_manifests_become_notes_and_detection_goes_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |rel: &str, text: &str| write_file(dir.path(), rel, text);
    write("rs/Cargo.toml", "[package\nname = \"broken\"\n");
    write(
        "rs/src/main.rs",
        "fn main() { let _ = std::env::var(\"TOKEN\"); }\n",
    );
    write(
        "jv/pom.xml",
        "<project>\n  <artifactId>broken</artifactId>\n</projec>\n",
    );
    write(
        "cs/Api.csproj",
        "<Project Sdk=\"Microsoft.NET.Sdk.Web\">\n<PropertyGroup>\n</Project>\n",
    );
    write(
        "cs/Program.cs",
        "var app = WebApplication.Create(args);\napp.Run();\n",
    );
    write("go/go.mod", "go 1.22\n");
    write("go/main.go", "package main\n\nfunc main() {}\n");

    let inv = shipshape_core::Inventory::open(dir.path()).expect("inventory");
    let facts = shipshape_detect::detect(&inv);
    let noted: Vec<&str> = facts.notes.iter().map(|n| n.path.as_str()).collect();
    for path in ["rs/Cargo.toml", "jv/pom.xml", "cs/Api.csproj", "go/go.mod"] {
        assert!(
            noted.contains(&path),
            "no note for {path}: {:#?}",
            facts.notes
        );
    }
    // What the folders still show is kept: the Rust binary and the Go program.
    let rs = service(&facts, "rs");
    assert_eq!(rs.language.value, Language::Rust);
    assert_eq!(env_names(rs), ["TOKEN"]);
    let go = service(&facts, "go");
    assert_eq!(go.role, ServiceRole::Worker);
    assert_eq!(runtime(go), Some("1.22"));
}

// ------------------------------------------------------------------------------------------
// Vendored code (`go mod vendor`, as large Go services commit it)

#[test]
fn vendored_go_modules_are_neither_services_nor_the_apps_code() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |rel: &str, text: &str| write_file(dir.path(), rel, text);
    write("go.mod", "module example.com/api\n\ngo 1.22\n");
    write(
        "main.go",
        "package main\n\nimport (\n\t\"net/http\"\n\t\"os\"\n)\n\nfunc main() {\n\t_ = os.Getenv(\"API_TOKEN\")\n\thttp.ListenAndServe(\":8080\", nil)\n}\n",
    );
    write(
        "vendor/modules.txt",
        "# example.com/cloudsdk v1.0.0\nexample.com/cloudsdk\n",
    );
    // A vendored library that reads its own settings and needs cgo on one platform.
    write(
        "vendor/example.com/cloudsdk/env.go",
        "package cloudsdk\n\nimport \"os\"\n\nvar key = os.Getenv(\"CLOUDSDK_ACCESS_KEY\")\n",
    );
    write(
        "vendor/example.com/cloudsdk/stat.go",
        "package cloudsdk\n\nimport \"C\"\n",
    );
    // A vendored module with its own go.mod and main package.
    write(
        "vendor/example.com/tool/go.mod",
        "module example.com/tool\n\ngo 1.22\n",
    );
    write(
        "vendor/example.com/tool/main.go",
        "package main\n\nfunc main() {}\n",
    );
    let inv = shipshape_core::Inventory::open(dir.path()).expect("inventory");
    let facts = shipshape_detect::detect(&inv);
    let s = only_service(&facts);
    assert_eq!(env_names(s), ["API_TOKEN"]);
    assert!(
        build(s).starts_with("CGO_ENABLED=0 "),
        "a vendored cgo import does not turn cgo on: {}",
        build(s)
    );
    assert_eq!(port(s), Some(8080));
}
