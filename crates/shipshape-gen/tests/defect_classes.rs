//! One test per class of defect that building and starting generated images on real
//! applications showed (tests/containers/FINDINGS.md), each on a hand-written fixture app under
//! `tests/fixtures/apps/defect-*` modelled on what real repositories do.

use std::path::{Path, PathBuf};

use shipshape_core::Inventory;
use shipshape_gen::{plan, InitOptions, Plan};

fn apps_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/apps")
}

fn plan_for(app: &str) -> Plan {
    let inv = Inventory::open(&apps_dir().join(app)).expect("fixture app opens");
    let facts = shipshape_detect::detect(&inv);
    plan(&facts, &inv, &InitOptions::default())
}

fn content<'a>(plan: &'a Plan, path: &str) -> &'a str {
    plan.files
        .iter()
        .find(|f| f.path == path)
        .map(|f| f.content.as_str())
        .unwrap_or_else(|| {
            let paths: Vec<&str> = plan.files.iter().map(|f| f.path.as_str()).collect();
            panic!(
                "{path} is not planned; the plan has {paths:?}\n{:#?}",
                plan.warnings
            )
        })
}

fn warned(plan: &Plan, needles: &[&str]) -> bool {
    plan.warnings
        .iter()
        .any(|w| needles.iter().all(|n| w.contains(n)))
}

/// The `services:` entry of `name` in a compose file: its header and indented lines.
fn compose_service(compose: &str, name: &str) -> String {
    let header = format!("  {name}:");
    let mut lines = compose.lines().skip_while(|l| *l != header);
    let first = lines
        .next()
        .unwrap_or_else(|| panic!("no service {name} in\n{compose}"));
    let body: Vec<&str> = lines.take_while(|l| l.starts_with("    ")).collect();
    format!("{first}\n{}\n", body.join("\n"))
}

#[test]
fn version_ranges_resolve_to_published_supported_images() {
    let plan = plan_for("defect-version-ranges");
    // engines.node ">=14": node:14-bookworm-slim was never published.
    assert!(content(&plan, "api/Dockerfile").contains("FROM node:24-bookworm-slim"));
    // go 1.15 is a minimum: every later Go builds the module.
    assert!(content(&plan, "jobs/Dockerfile").contains("FROM golang:1.26-bookworm AS build"));
    // Python 3.8 is a pin the table still publishes; the pipenv is the last that installs there.
    let legacy = content(&plan, "legacy-web/Dockerfile");
    assert!(legacy.contains("FROM python:3.8-slim-bookworm"));
    assert!(legacy.contains("pip install pipenv==2024.4.1"), "{legacy}");
    assert!(warned(&plan, &["Python 3.8", "end of life"]));
}

#[test]
fn a_version_no_published_image_carries_stops_the_dockerfile_with_the_reason() {
    let plan = plan_for("defect-version-ranges");
    assert!(plan
        .files
        .iter()
        .all(|f| !f.path.starts_with("old-admin/Dockerfile")));
    assert!(warned(
        &plan,
        &[
            "old-admin",
            "Python `3.7.17`",
            "no published",
            "old-admin/.python-version"
        ]
    ));
}

#[test]
fn a_php_caret_range_gets_a_frankenphp_release() {
    let plan = plan_for("defect-version-ranges");
    // "php": "^8.0" admits FrankenPHP's 8.2–8.4 (it never shipped 8.0 or 8.1).
    let site = content(&plan, "site/Dockerfile");
    assert!(
        site.contains("FROM dunglas/frankenphp:1-php8.4-bookworm"),
        "{site}"
    );
    assert!(site.contains("`^8.0` is declared: 8.4"));
}

#[test]
fn a_procfile_release_chain_becomes_a_migration_service_and_the_server_the_cmd() {
    let plan = plan_for("defect-procfile-release");
    let dockerfile = content(&plan, "Dockerfile");
    // `$PORT` in exec form would never be expanded: a shell does it, keeping a platform's PORT.
    assert!(
        dockerfile.contains(
            r#"CMD ["sh", "-c", "exec gunicorn mysite.wsgi --bind 0.0.0.0:${PORT:-8000} --workers 2"]"#
        ),
        "{dockerfile}"
    );
    assert!(!dockerfile.contains(r#"CMD ["python", "manage.py", "migrate"]"#));
    let compose = content(&plan, "compose.yaml");
    let migrate = compose_service(compose, "defect-procfile-release-migrate");
    assert!(
        migrate.contains("command: [python, manage.py, migrate]"),
        "{migrate}"
    );
    assert!(migrate.contains("restart: \"no\""), "{migrate}");
    // collectstatic already runs in the image build; the release step does not repeat it.
    assert!(!migrate.contains("collectstatic"), "{migrate}");
    let web = compose_service(compose, "defect-procfile-release");
    assert!(
        web.contains(
            "defect-procfile-release-migrate:\n        condition: service_completed_successfully"
        ),
        "{web}"
    );
    let worker = compose_service(compose, "defect-procfile-release-worker");
    assert!(
        worker.contains("command: [celery, \"-A\", mysite, worker, \"--loglevel=info\"]"),
        "{worker}"
    );
    assert!(!worker.contains("ports:"));
    assert!(!warned(&plan, &["celery-worker", "runs your own code"]));
}

#[test]
fn an_embedded_database_gets_a_writable_folder_and_a_named_volume() {
    let plan = plan_for("defect-sqlite-volume");
    let dockerfile = content(&plan, "Dockerfile");
    let chown = dockerfile
        .find("RUN mkdir -p /app/data \\\n && chown 10001:10001 /app/data")
        .unwrap_or_else(|| panic!("{dockerfile}"));
    assert!(
        chown < dockerfile.rfind("\nUSER ").unwrap_or(0),
        "as root, before USER"
    );
    let compose = content(&plan, "compose.yaml");
    let app = compose_service(compose, "defect-sqlite-volume");
    assert!(
        app.contains("- \"defect-sqlite-volume-data:/app/data\""),
        "{app}"
    );
    assert!(
        compose.contains("volumes:\n  defect-sqlite-volume-data:\n"),
        "{compose}"
    );
    // An empty NOTES_DB= would beat the code's default path.
    let env = plan.files.iter().find(|f| f.path == ".env.example");
    assert!(env.is_none_or(|f| !f.content.contains("\nNOTES_DB=")));
}

#[test]
fn an_upload_folder_is_created_for_the_app_user_and_kept_on_a_volume() {
    let plan = plan_for("defect-upload-folder");
    let dockerfile = content(&plan, "Dockerfile");
    let chown = dockerfile
        .find("# The upload folder (src/config.js) lives here")
        .and_then(|_| dockerfile.find("RUN mkdir -p /app/uploads \\\n && chown "))
        .unwrap_or_else(|| panic!("{dockerfile}"));
    assert!(
        chown < dockerfile.rfind("\nUSER ").unwrap_or(0),
        "as root, before USER"
    );
    let compose = content(&plan, "compose.yaml");
    let app = compose_service(compose, "attachments-api");
    assert!(
        app.contains("- \"attachments-api-data:/app/uploads\""),
        "{app}"
    );
}

#[test]
fn native_libraries_bring_their_build_and_run_packages() {
    let plan = plan_for("defect-native-deps");
    let api = content(&plan, "api/Dockerfile");
    assert!(api.contains("apt-get install -y --no-install-recommends gcc libc6-dev libpq-dev"));
    assert!(api.contains("apt-get install -y --no-install-recommends libpq5"));
    let fetcher = content(&plan, "fetcher/Dockerfile");
    assert!(
        fetcher.contains("--no-install-recommends libssl-dev pkg-config"),
        "{fetcher}"
    );
    let ledger = content(&plan, "ledger/Dockerfile");
    assert!(ledger.contains("CGO_ENABLED=1 go build"), "{ledger}");
    assert!(ledger.contains("FROM gcr.io/distroless/base-debian12:nonroot"));
    assert!(!ledger.contains("CGO_ENABLED=0"));
}

#[test]
fn sqlx_macros_without_offline_data_stop_the_dockerfile_with_the_fix() {
    let plan = plan_for("defect-native-deps");
    assert!(plan.files.iter().all(|f| f.path != "reports/Dockerfile"));
    assert!(warned(&plan, &["reports", "cargo sqlx prepare", ".sqlx"]));
    // compose.yaml does not build what has no Dockerfile.
    let compose = content(&plan, "compose.yaml");
    assert!(!compose.contains("\n  reports:\n"), "{compose}");
    assert!(warned(&plan, &["compose.yaml: reports is left out"]));
}

#[test]
fn sqlx_macros_with_migrations_compile_against_a_throwaway_database_in_the_build_stage() {
    let plan = plan_for("defect-sqlx-migrations");
    let dockerfile = content(&plan, "Dockerfile");
    let build = dockerfile
        .split("\nFROM ")
        .find(|s| s.starts_with("deps AS build"))
        .unwrap_or_else(|| panic!("{dockerfile}"));
    assert!(
        build.contains("apt-get install -y --no-install-recommends postgresql"),
        "{build}"
    );
    assert!(
        build.contains("printf '%s\\n' migrations/*.sql | sort -V"),
        "{build}"
    );
    assert!(
        build.contains("DATABASE_URL=postgres://postgres@127.0.0.1:54329/postgres cargo build"),
        "{build}"
    );
    // UTF-8, as the official postgres image creates its databases: ICU collations and
    // non-ASCII text in migrations need it (minbase has no locale, so initdb would pick
    // SQL_ASCII).
    assert!(build.contains("-E UTF8 --locale=C.UTF-8"), "{build}");
    // The database is stopped whether the build passes or not, and the status is kept.
    assert!(build.contains("status=$?;"), "{build}");
    assert!(!dockerfile.contains("SQLX_OFFLINE"));
    // Nothing of the build-time database reaches the final image.
    let last = dockerfile.rsplit("\nFROM ").next().unwrap_or("");
    assert!(!last.contains("postgres"), "{last}");
    // The clap settings read from the environment: the key has no default, the port has one.
    let env = content(&plan, ".env.example");
    assert!(env.contains("\nSESSION_KEY=\n"), "{env}");
    assert!(!env.contains("\nPORT="), "{env}");
}

#[test]
fn a_utf16_requirements_file_is_read_and_its_settings_class_declares_the_env() {
    let inv = Inventory::open(&apps_dir().join("defect-utf16-requirements")).expect("opens");
    let facts = shipshape_detect::detect(&inv);
    let backend = facts
        .services
        .iter()
        .find(|s| s.root == "backend")
        .expect("the backend is found although requirements.txt is UTF-16");
    assert_eq!(
        backend.framework.as_ref().map(|f| f.value),
        Some(shipshape_detect::Framework::Fastapi)
    );
    assert!(backend.env_required.contains(&"DATABASE_URL".to_string()));
    assert!(backend.env_required.contains(&"SECRET_KEY".to_string()));
    assert!(backend.env_defaulted.contains(&"LOG_LEVEL".to_string()));
    let plan = plan(&facts, &inv, &InitOptions::default());
    let env = content(&plan, ".env.example");
    assert!(
        env.contains("# Required: read in backend/app/config.py"),
        "{env}"
    );
    assert!(env.contains("\nSECRET_KEY=\n"));
    assert!(!env.contains("LOG_LEVEL="), "{env}");
    // DATABASE_URL is the compose database's: set in compose.yaml, not asked for here.
    assert!(!env.contains("DATABASE_URL="), "{env}");
    assert!(content(&plan, "compose.yaml").contains("DATABASE_URL: "));
}

#[test]
fn health_checks_come_from_routes_in_code_never_from_comments() {
    let plan = plan_for("defect-health-routes");
    let api = content(&plan, "api/Dockerfile");
    // No route: a TCP check, never GET / (the API has no `/`).
    assert!(
        api.contains("socket.create_connection(('127.0.0.1', 8000)"),
        "{api}"
    );
    assert!(!api.contains("urlopen"));
    assert!(warned(&plan, &["no health route was found"]));
    let site = content(&plan, "site/Dockerfile");
    // `// health: '/up',` is a comment in bootstrap/app.php.
    assert!(!site.contains("/up"), "{site}");
    assert!(site.contains("fsockopen('127.0.0.1'"), "{site}");
}

#[test]
fn compose_does_not_require_an_env_file_that_may_not_exist() {
    for app in ["defect-health-routes", "defect-sqlite-volume"] {
        let plan = plan_for(app);
        let compose = content(&plan, "compose.yaml");
        assert!(!compose.contains("env_file: .env\n"), "{compose}");
        assert!(compose.contains("env_file:\n      - path: .env\n        required: false\n"));
    }
}

#[test]
fn a_dotnet_project_builds_from_its_solution_root_and_only_the_web_project_is_a_service() {
    let inv = Inventory::open(&apps_dir().join("defect-dotnet-solution")).expect("opens");
    let facts = shipshape_detect::detect(&inv);
    let names: Vec<&str> = facts.services.iter().map(|s| s.name.as_str()).collect();
    // The class library and the Aspire AppHost are not deployed.
    assert_eq!(names, ["Shop.Api"]);
    let plan = plan(&facts, &inv, &InitOptions::default());
    let dockerfile = content(&plan, "src/Shop.Api/Dockerfile");
    for line in [
        "COPY src/Shop.Domain/Shop.Domain.csproj src/Shop.Domain/",
        "COPY Directory.Build.props Directory.Packages.props ./",
        "dotnet restore src/Shop.Api/Shop.Api.csproj",
        "dotnet publish src/Shop.Api/Shop.Api.csproj -c Release -o out --no-restore",
    ] {
        assert!(dockerfile.contains(line), "missing `{line}`:\n{dockerfile}");
    }
    let compose = content(&plan, "compose.yaml");
    assert!(
        compose.contains("context: .\n      dockerfile: src/Shop.Api/Dockerfile"),
        "{compose}"
    );
}

#[test]
fn included_requirements_files_are_in_the_image_before_pip_reads_them() {
    let plan = plan_for("defect-nested-requirements");
    let dockerfile = content(&plan, "Dockerfile");
    let copy = "COPY requirements/prod.txt requirements/base.txt requirements/";
    let at = dockerfile
        .find(copy)
        .unwrap_or_else(|| panic!("{dockerfile}"));
    assert!(
        at < dockerfile
            .find("pip install -r requirements.txt")
            .unwrap_or(0)
    );
    // dev.txt is not included by the production requirements.
    assert!(!dockerfile.contains("requirements/dev.txt"));
}

#[test]
fn a_connection_url_names_the_driver_the_app_ships() {
    // python-flask-pip uses SQLAlchemy with PyMySQL: `mysql://` would load mysqlclient.
    let plan = plan_for("python-flask-pip");
    let compose = content(&plan, "compose.yaml");
    assert!(
        compose.contains("DATABASE_URL: \"mysql+pymysql://"),
        "{compose}"
    );
}

#[test]
fn a_worker_gets_a_health_check_of_its_own_and_waits_for_the_migration() {
    // The worker runs the server's image, whose HEALTHCHECK asks the server's port: inherited,
    // it would mark the worker unhealthy for ever.
    let plan = plan_for("python-django-poetry");
    let worker = compose_service(content(&plan, "compose.yaml"), "bookshelf-worker");
    assert!(
        worker.contains(
            r#"test: ["CMD-SHELL", "celery -A bookshelf inspect ping --destination celery@$$HOSTNAME --timeout 10"]"#
        ),
        "{worker}"
    );
    // It reads the tables the migration creates.
    assert!(
        worker.contains("bookshelf-migrate:\n        condition: service_completed_successfully"),
        "{worker}"
    );
    // A worker shipshape knows no check for: the image's is switched off, and the file says why.
    let plan = plan_for("ruby-rails");
    let compose = content(&plan, "compose.yaml");
    let at = compose
        .find("command: [bundle, exec, sidekiq]")
        .expect("a sidekiq service");
    let sidekiq: String = compose[at..].lines().take(4).collect::<Vec<_>>().join("\n");
    assert!(
        sidekiq.contains(
            "disable: true # shipshape:ignore[no-disabled-healthcheck] add a check of the worker's own"
        ),
        "{sidekiq}"
    );
}

#[test]
fn django_is_told_to_serve_the_names_its_health_checks_ask() {
    // settings.py reads ALLOWED_HOSTS with a default of `localhost`; the HEALTHCHECK asks
    // 127.0.0.1, which Django would answer with 400.
    let plan = plan_for("python-django-poetry");
    let app = compose_service(content(&plan, "compose.yaml"), "bookshelf");
    assert!(
        app.contains(r#"ALLOWED_HOSTS: "${ALLOWED_HOSTS:-localhost,127.0.0.1}""#),
        "{app}"
    );
    // Not for other frameworks.
    let plan = plan_for("python-fastapi-alembic");
    assert!(!content(&plan, "compose.yaml").contains("ALLOWED_HOSTS"));
}

#[test]
fn a_start_script_running_a_dependency_names_its_binary() {
    // `"start": "pm2 start …"` with pm2 a dependency (a real app, node-express-boilerplate):
    // npm would find pm2 in node_modules/.bin; the image runs the command without npm.
    let plan = plan_for("defect-dependency-bin");
    let dockerfile = content(&plan, "Dockerfile");
    assert!(
        dockerfile.contains(
            r#"CMD ["node_modules/.bin/pm2", "start", "ecosystem.config.json", "--no-daemon"]"#
        ),
        "{dockerfile}"
    );
    // pm2 writes its pid, log and socket files under PM2_HOME (`~/.pm2` by default, under the
    // read-only /app here): the app user has no writable home, so they go to /tmp.
    assert!(dockerfile.contains("PM2_HOME=/tmp/.pm2"), "{dockerfile}");
}

#[test]
fn a_listen_flag_that_defaults_to_loopback_is_given_every_interface() {
    // golang/example's helloserver: `flag.String("addr", "localhost:8080", …)`. Started as
    // written, the server answers only inside its own container.
    let plan = plan_for("defect-go-loopback-flag");
    let dockerfile = content(&plan, "Dockerfile");
    assert!(
        dockerfile.contains(r#"ENTRYPOINT ["/app/greeter", "-listen=:9000"]"#),
        "{dockerfile}"
    );
    assert!(dockerfile.contains("EXPOSE 9000"), "{dockerfile}");
}

#[test]
fn a_build_skips_browser_downloads_and_env_checks_the_app_itself_allows_skipping() {
    let plan = plan_for("defect-build-downloads");
    // Cypress and Puppeteer (dev dependencies) download a browser in postinstall: the image
    // runs neither, and the download host may not be reachable from the build.
    let web = content(&plan, "web/Dockerfile");
    let build_stage = web.split("AS build").nth(1).expect("a build stage");
    assert!(build_stage.contains("CYPRESS_INSTALL_BINARY=0"), "{web}");
    assert!(
        build_stage.contains("PUPPETEER_SKIP_DOWNLOAD=true"),
        "{web}"
    );
    // The t3 env schema next.config imports is skipped the way the app says it may be; a
    // comparison in the same expression (`npm_lifecycle_event === "lint"`) is not a switch.
    let site = content(&plan, "site/Dockerfile");
    assert!(site.contains("SKIP_ENV_VALIDATION=1"), "{site}");
    assert!(!site.contains("npm_lifecycle_event"), "{site}");
    // A settings-only .npmrc decides how the install lays out node_modules: it goes in with the
    // manifests. One holding a registry token stays out (the build secret supplies it).
    assert!(
        web.contains("COPY package.json package-lock.json .npmrc ./"),
        "{web}"
    );
    assert!(!site.contains(".npmrc ./"), "{site}");
    let runtime = site.rsplit("FROM ").next().unwrap_or_default();
    assert!(
        !runtime.contains("SKIP_ENV_VALIDATION"),
        "checked again at run time: {site}"
    );
}

#[test]
fn a_server_bound_to_a_loopback_literal_gets_no_dockerfile_and_the_line_to_change() {
    let plan = plan_for("defect-loopback-bind");
    // The Go service binds 127.0.0.1 in code: built, it would never answer a published port.
    assert!(plan.files.iter().all(|f| f.path != "api/Dockerfile"));
    assert!(warned(
        &plan,
        &["127.0.0.1:8080", "api/main.go:13", "0.0.0.0"]
    ));
    // A loopback bind in a comment is not a fact: the Node service binds 0.0.0.0.
    assert!(content(&plan, "web/Dockerfile").contains("FROM node:"));
    assert!(!warned(&plan, &["web/src/server.js"]));
    // Fastify given no `host` listens on localhost only (the fixture node-fastify passes
    // host: '0.0.0.0' and is generated).
    assert!(plan.files.iter().all(|f| f.path != "events/Dockerfile"));
    assert!(warned(
        &plan,
        &[
            "Fastify's listen() is given no `host`",
            "events/src/app.js:13"
        ]
    ));
}

#[test]
fn old_exact_pins_cap_the_python_of_a_project_that_names_none() {
    let plan = plan_for("defect-old-pins");
    // numpy 1.25 has no wheels for Python 3.12 (1.26 was the first), and its sources need
    // distutils, which 3.12 removed; greenlet 3.0.1 and psycopg2-binary 2.9.9 stop at 3.12.
    let dockerfile = content(&plan, "Dockerfile");
    assert!(
        dockerfile.contains("FROM python:3.11-slim-bookworm"),
        "{dockerfile}"
    );
    let facts = shipshape_detect::detect(
        &Inventory::open(&apps_dir().join("defect-old-pins")).expect("fixture opens"),
    );
    let version = facts.services[0]
        .runtime_version
        .as_ref()
        .expect("a version");
    assert_eq!(version.value, "<3.12");
    assert!(version.evidence[0].note.contains("numpy==1.25.2"));
    assert_eq!(version.evidence[0].line, Some(7));
}

#[test]
fn a_bun_server_that_exports_its_handler_runs_with_bun_and_installs_without_a_lockfile() {
    let inv = Inventory::open(&apps_dir().join("defect-bun-default-export")).expect("opens");
    let facts = shipshape_detect::detect(&inv);
    let s = &facts.services[0];
    // No lockfile and no packageManager field: Bun's own types say Bun runs it.
    assert_eq!(
        s.package_manager.as_ref().map(|p| format!("{:?}", p.value)),
        Some("Bun".to_string())
    );
    let start = s.start_command.as_ref().expect("a start command");
    assert_eq!(start.value, "bun run server.ts");
    assert_eq!(start.evidence[0].line, Some(10));
    assert_eq!(s.port.as_ref().map(|p| p.value), Some(3000));
    let plan = plan_for("defect-bun-default-export");
    let dockerfile = content(&plan, "Dockerfile");
    assert!(
        dockerfile.contains("bun install --production\n"),
        "{dockerfile}"
    );
    assert!(!dockerfile.contains("--frozen-lockfile"), "{dockerfile}");
    assert!(
        dockerfile.contains("CMD [\"bun\", \"run\", \"server.ts\"]"),
        "{dockerfile}"
    );
    assert!(
        dockerfile.contains("[\"bun\", \"-e\""),
        "the health check runs in Bun: {dockerfile}"
    );
}

#[test]
fn an_nx_project_starts_its_build_output_and_migrates_the_schema_package_json_names() {
    let inv = Inventory::open(&apps_dir().join("defect-nx-project")).expect("opens");
    let facts = shipshape_detect::detect(&inv);
    let s = &facts.services[0];
    // `nx serve` is the dev server; project.json's build target says what production runs.
    let start = s.start_command.as_ref().expect("a start command");
    assert_eq!(start.value, "node dist/api/main.js");
    assert_eq!(start.evidence[0].path, "project.json");
    assert_eq!(
        s.backing_services
            .iter()
            .map(|b| format!("{:?}", b.value))
            .collect::<Vec<_>>(),
        ["Postgres"]
    );
    assert!(
        s.backing_services[0]
            .evidence
            .iter()
            .any(|e| e.path == "src/db/schema.prisma"),
        "{:?}",
        s.backing_services
    );
    let migrate = s
        .processes
        .iter()
        .find(|p| p.name == "migrate")
        .expect("a migration job");
    assert_eq!(migrate.command.value, "npx prisma migrate deploy");
    let plan = plan_for("defect-nx-project");
    let dockerfile = content(&plan, "Dockerfile");
    assert!(
        dockerfile.contains("CMD [\"node\", \"dist/api/main.js\"]"),
        "{dockerfile}"
    );
    // Nx's daemon would outlive the build step.
    assert!(dockerfile.contains("NX_DAEMON=false"), "{dockerfile}");
}

#[test]
fn prisma_gets_openssl_where_its_engines_are_chosen_and_where_they_run() {
    // node's slim images carry no openssl: `prisma generate` would pick the OpenSSL 1.1
    // engines, which Debian bookworm lacks, and the client would fail at run time.
    let plan = plan_for("node-nextjs");
    let dockerfile = content(&plan, "Dockerfile");
    let stages: Vec<&str> = dockerfile.split("\nFROM ").collect();
    let with_openssl = stages
        .iter()
        .filter(|s| s.contains("apt-get install -y --no-install-recommends openssl"))
        .count();
    assert_eq!(with_openssl, 2, "build and final stage: {dockerfile}");
    // A service without Prisma installs nothing.
    let express = plan_for("node-express");
    assert!(!content(&express, "Dockerfile").contains("apt-get"));
}

#[test]
fn dev_tooling_beside_the_app_neither_replaces_its_dockerfile_nor_breaks_the_production_install() {
    let plan = plan_for("defect-dev-tooling");
    // .gitpod.Dockerfile is Gitpod's workspace image: the app still gets its own Dockerfile.
    let docker = content(&plan, "Dockerfile");
    assert!(!warned(&plan, &[".gitpod.Dockerfile", "left alone"]));
    // `"prepare": "husky"` runs a dev dependency: the production install leaves it out, the
    // build stage (with the dev dependencies) keeps it.
    let deps = docker.split("AS build").next().unwrap();
    assert!(
        deps.contains(
            "npm pkg delete scripts.prepare \\\n && npm install --no-audit --no-fund --omit=dev"
        ),
        "{docker}"
    );
    assert_eq!(docker.matches("npm pkg delete").count(), 1, "{docker}");
    // remix-serve is @remix-run/serve's program: run without npm, the CMD names its path.
    assert!(docker.contains(r#"CMD ["node_modules/.bin/remix-serve", "./build/index.js"]"#));
    assert!(
        docker.contains("http://127.0.0.1:3000/healthcheck"),
        "{docker}"
    );
}

#[test]
fn a_pnpm_workspace_without_a_root_package_json_builds_react_router_apps() {
    let plan = plan_for("defect-react-router-workspace");
    let site = content(&plan, "site/Dockerfile");
    // Nothing copies a root package.json that does not exist.
    assert!(
        site.contains("COPY pnpm-lock.yaml pnpm-workspace.yaml ./"),
        "{site}"
    );
    assert!(!site.contains("COPY package.json"), "{site}");
    // The member has no `name`: the production install selects it by its folder, so the
    // other members' install scripts do not run there.
    assert!(
        site.contains("pnpm install --frozen-lockfile --prod --filter '{site}...'"),
        "{site}"
    );
    // No root project: the members are independent apps, and the build stage installs only
    // this one too (another member's install scripts would run before its files are copied).
    assert!(
        site.contains("pnpm install --frozen-lockfile --filter '{site}...'\nCOPY . ."),
        "{site}"
    );
    assert!(site.contains("COPY --from=build /app/site/build ./site/build"));
    assert!(
        site.contains(r#"CMD ["node_modules/.bin/react-router-serve", "./build/server/index.js"]"#)
    );
    assert!(site.contains("http://127.0.0.1:3000/api/health"));
    // `ssr: false`: the prerendered single-page app in build/client, served by nginx.
    let docs = content(&plan, "docs/Dockerfile");
    assert!(docs.contains("COPY --from=build /app/docs/build/client /usr/share/nginx/html"));
    assert!(!docs.contains("COPY package.json"), "{docs}");
}

#[test]
fn nothing_in_compose_waits_for_a_service_left_out_of_it() {
    // The SPA calls the API (its .env names it), but the API gets no Dockerfile (no app object
    // to serve): compose leaves the API out, so the SPA must not depend on it.
    let dir = tempfile::tempdir().expect("temp dir");
    let files = [
        ("api/requirements.txt", "fastapi==0.115.0\n"),
        (
            "api/service.py",
            "from fastapi import APIRouter\n\nrouter = APIRouter()\n",
        ),
        (
            "web/package.json",
            r#"{"name": "web", "private": true, "scripts": {"build": "vite build"},
 "dependencies": {"react": "^18.3.1", "react-dom": "^18.3.1"},
 "devDependencies": {"vite": "^5.4.0"}}"#,
        ),
        ("web/.env", "VITE_API_URL=http://api:8000\n"),
        (
            "web/src/main.jsx",
            "fetch(import.meta.env.VITE_API_URL + '/items');\n",
        ),
    ];
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    let inv = Inventory::open(dir.path()).expect("inventory");
    let facts = shipshape_detect::detect(&inv);
    let web = facts
        .services
        .iter()
        .find(|s| s.name == "web")
        .expect("web");
    assert!(
        web.depends_on.iter().any(|d| d.value == "api"),
        "{:?}",
        web.depends_on
    );
    let plan = plan(&facts, &inv, &InitOptions::default());
    assert!(warned(&plan, &["api", "no Dockerfile generated"]));
    let compose = content(&plan, "compose.yaml");
    let web = compose_service(compose, "web");
    assert!(!web.contains("depends_on"), "{web}");
    assert!(!compose.contains("\n  api:"), "{compose}");
}

#[test]
fn node_14_builds_on_its_bullseye_image_with_the_npm_it_ships() {
    let plan = plan_for("defect-node14-npm6");
    let docker = content(&plan, "Dockerfile");
    // `14.x.x`: Node 14 was never published on bookworm; its newest image is bullseye's.
    assert!(docker.contains("FROM node:14-bullseye-slim"), "{docker}");
    assert!(!docker.contains("bookworm"), "{docker}");
    assert!(
        warned(&plan, &["Node.js 14", "2023-04-30"]),
        "{:#?}",
        plan.warnings
    );
    // npm 6 knows neither `--omit=dev` nor `npm pkg`: `--production`, and node edits the
    // manifest to drop the `prepare` script that runs a dev dependency (husky).
    assert!(!docker.contains("--omit=dev"), "{docker}");
    assert!(!docker.contains("npm pkg"), "{docker}");
    let deps = docker.split("AS build").next().unwrap();
    assert!(deps.contains("npm ci --production"), "{docker}");
    assert!(deps.contains(r#"delete p.scripts["prepare"];"#), "{docker}");
    assert!(
        docker.contains(r#"CMD ["node", "dist/server.js"]"#),
        "{docker}"
    );
    assert!(docker.contains("http://127.0.0.1:3000/health"), "{docker}");
}

#[test]
fn a_litestar_factory_named_in_litestar_app_is_served_by_the_litestar_cli() {
    let plan = plan_for("defect-litestar-factory");
    let docker = content(&plan, "Dockerfile");
    // The wheel packages src/py/ledger: the import path starts at `ledger`, and the CLI calls
    // the factory itself.
    assert!(
        docker.contains(
            r#"CMD ["litestar", "--app", "ledger.server.asgi:create_app", "run", "--host", "0.0.0.0", "--port", "8000"]"#
        ),
        "{docker}"
    );
    assert!(docker.contains("uv pip install --no-deps ."), "{docker}");
    // The health route is a controller method whose decorator spans several lines.
    assert!(docker.contains("http://127.0.0.1:8000/health"), "{docker}");
    // psycopg is what the production install takes; asyncpg only serves the tests.
    let compose = content(&plan, "compose.yaml");
    assert!(
        compose.contains("DATABASE_URL: \"postgresql+psycopg://"),
        "{compose}"
    );
    // `get_env("SAQ_REDIS_URL", …)`, the project's helper, is a read; the queue's prefixed
    // Redis URL points at the compose Redis, the test suite's does not.
    assert!(
        compose.contains("SAQ_REDIS_URL: \"redis://redis:6379/0\""),
        "{compose}"
    );
    assert!(!compose.contains("TEST_REDIS_URL"), "{compose}");
}

#[test]
fn an_nps_start_runs_the_script_package_scripts_js_names() {
    let plan = plan_for("defect-nps-scripts");
    let docker = content(&plan, "Dockerfile");
    // `start: nps` → scripts.default → `nps start` → scripts.start.script, cross-env dropped.
    assert!(
        docker.contains(r#"CMD ["node", "dist/server.js"]"#),
        "{docker}"
    );
    // The build goes through npm and nps as package.json says; its output is dist/.
    assert!(docker.contains("RUN npm run build"), "{docker}");
    assert!(
        docker.contains("COPY --from=build /app/dist ./dist"),
        "{docker}"
    );
    // The port is APP_PORT's in .env.example (read by the code after PORT).
    assert!(docker.contains("EXPOSE 4000"), "{docker}");
    assert!(docker.contains("http://127.0.0.1:4000/healthz"), "{docker}");
}

#[test]
fn typeorm_gets_the_database_its_env_file_names_not_every_driver_it_ships() {
    // pg and mysql2 are both dependencies; .env.example says TYPEORM_CONNECTION=postgres.
    let plan = plan_for("defect-nps-scripts");
    let compose = content(&plan, "compose.yaml");
    assert!(compose.contains("  postgres:"), "{compose}");
    assert!(!compose.contains("mysql"), "{compose}");
}

#[test]
fn an_angular_app_is_built_and_its_browser_folder_served() {
    // Before Angular was known no service was found in such a repository: init wrote nothing.
    let plan = plan_for("defect-angular-spa");
    let docker = content(&plan, "Dockerfile");
    assert!(docker.contains("RUN npm run build"), "{docker}");
    // The application builder writes to <outputPath.base>/browser, not to dist/.
    assert!(
        docker.contains("COPY --from=build /app/dist/orders-ui/browser /usr/share/nginx/html"),
        "{docker}"
    );
    assert!(
        docker.contains("FROM nginxinc/nginx-unprivileged"),
        "{docker}"
    );
    // Client-side routes load: unknown paths answer with index.html.
    assert!(content(&plan, "nginx.conf").contains("index.html"));
}

#[test]
fn a_server_no_manifest_declares_is_installed_pinned() {
    // requirements.txt names Django and no server: without gunicorn the image has no such
    // program and the container exits at once.
    let plan = plan_for("defect-undeclared-server");
    let docker = content(&plan, "Dockerfile");
    assert!(
        docker.contains(".venv/bin/pip install gunicorn==27.0.1"),
        "{docker}"
    );
    assert!(
        docker.contains(r#"CMD ["gunicorn", "monitor.wsgi:application""#),
        "{docker}"
    );
    assert!(warned(&plan, &["gunicorn", "no manifest declares it"]));
    // `SITE_ROOT + "/ping/"` in settings is no route: the check is the port.
    assert!(docker.contains("socket.create_connection"), "{docker}");
    // The database's folder (`BASE_DIR / "data" / "db.sqlite3"`) is the app's to write, and
    // exists before collectstatic loads the settings that may open it.
    assert!(docker.contains("/app/data"), "{docker}");
    assert!(
        docker.contains(
            "RUN mkdir -p data \\\n && SECRET_KEY='' python manage.py collectstatic --noinput"
        ),
        "{docker}"
    );
    // A script that sets MONITOR_DEBUG for what it runs does not make it a setting.
    assert!(
        plan.files
            .iter()
            .all(|f| !f.content.contains("MONITOR_DEBUG")),
        "MONITOR_DEBUG is asked for"
    );
}

#[test]
fn a_server_run_from_source_keeps_the_build_beside_it() {
    let plan = plan_for("defect-source-server");
    let docker = content(&plan, "Dockerfile");
    // server/server.js is committed: the whole built tree (source + dist/) moves on, without
    // the build's dev dependencies; copying only server/ would lose the UI it serves.
    assert!(docker.contains("COPY --from=build /app ./"), "{docker}");
    assert!(
        docker.contains("find /app -name node_modules -prune -exec rm -rf {} +"),
        "{docker}"
    );
    assert!(
        !docker.contains("COPY --from=build /app/server"),
        "{docker}"
    );
    // sqlite3 compiles with node-gyp where no prebuilt binary downloads, from the image's headers.
    assert!(docker.contains("g++ make python3"), "{docker}");
    assert!(
        docker.contains("ENV npm_config_nodedir=/usr/local"),
        "{docker}"
    );
}
