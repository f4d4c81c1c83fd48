//! The facts model: what shipshape knows about a repository, each value with the evidence it
//! came from. It is serialised as-is into `shipshape context --format json` (under `facts`), so
//! field names here are a public contract.

use serde::{Deserialize, Serialize};
use shipshape_core::{Evidence, Located, Skipped};

/// Everything detected about one repository.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Facts {
    /// Deployable services (apps, APIs, workers, static sites), in root-path order.
    pub services: Vec<Service>,
    /// Databases, caches, brokers and storage the services need, each once, with who uses it.
    pub backing_services: Vec<BackingService>,
    /// Monorepo tooling, when the repository holds several packages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monorepo: Option<Monorepo>,
    pub ci: Vec<Located<CiSystem>>,
    pub cloud: Vec<Located<CloudProvider>>,
    pub orchestrators: Vec<Located<Orchestrator>>,
    pub iac: Vec<Located<IacTool>>,
    pub environments: Environments,
    pub observability: Observability,
    pub containers: Containers,
    /// Scripts and Makefile targets that deploy (`deploy.sh`, `make deploy`).
    pub deploy_scripts: Vec<Located<String>>,
    /// Values with several conflicting candidates: what was chosen and what else was seen.
    pub ambiguities: Vec<Ambiguity>,
    /// Files that could not be understood (malformed manifests, …): detection went on without them.
    pub notes: Vec<Note>,
    /// Files the inventory left out, with why.
    pub skipped: Vec<Skipped>,
}

/// A deployable unit: one folder with its own build and start.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Service {
    /// Unique name: the package's own name when it has one, else the folder name.
    #[schemars(length(min = 1))]
    pub name: String,
    /// Folder relative to the repository root (`.` for the root).
    #[schemars(length(min = 1))]
    pub root: String,
    pub role: ServiceRole,
    pub language: Located<Language>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub framework: Option<Located<Framework>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package_manager: Option<Located<PackageManager>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_version: Option<Located<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build_command: Option<Located<String>>,
    /// The production start command (never a dev server).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_command: Option<Located<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<Located<u16>>,
    /// A health endpoint the code defines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_path: Option<Located<String>>,
    /// Backing services implied by dependencies (and workers such as Celery).
    pub backing_services: Vec<Located<BackingKind>>,
    /// Names (never values) of environment variables the service reads.
    pub env_vars: Vec<Located<String>>,
    /// Of `env_vars`, those the code cannot start without (`os.environ["X"]`, a settings field
    /// with no default, a Spring `${X}` placeholder).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env_required: Vec<String>,
    /// Of `env_vars`, those every read gives a default (`os.getenv("X", "d")`, `env('X', 'd')`):
    /// setting them empty would override that default.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env_defaulted: Vec<String>,
    /// Other services (by name) and backing services (by id) this one talks to.
    pub depends_on: Vec<Located<String>>,
    /// Processes of the same code besides the server: release steps (migrations) that run once
    /// before it starts, and workers (Procfile, render.yaml, fly.toml, the framework's own
    /// migration command).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub processes: Vec<Process>,
    /// Folders where the service writes data at run time — an embedded database file (SQLite,
    /// libsql) or uploaded files: relative to its folder (`.` for the folder itself) or
    /// absolute. They must be writable and persist.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_dirs: Vec<Located<String>>,
    /// A loopback address the server's code binds as a literal (`127.0.0.1:8080`,
    /// `SocketAddr::from(([127, 0, 0, 1], 3000))`): in a container only the container itself
    /// reaches it, so no published port and no health check can.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loopback_bind: Option<Located<String>>,
    /// For a static site: the folder its build writes (relative to the service's folder), the
    /// files the image serves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub static_output: Option<Located<String>>,
    /// Packages the start command runs that no manifest of the service declares (a Python
    /// server chosen by default, such as gunicorn for a Django app): the image installs them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub start_packages: Vec<Located<String>>,
    /// Programs the service's code runs as subprocesses (`git` to read its version): the image
    /// carries them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub run_programs: Vec<Located<String>>,
    /// A front-end build of a server in another language: package.json's `build` script beside
    /// a Python app (its bundles and stylesheets land in the app's static folders), run with
    /// Node in the image build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset_build: Option<Located<String>>,
}

/// A process of a service other than its server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Process {
    pub kind: ProcessKind,
    /// Its name where a file gives one (`worker`, `release`), else what it does (`migrate`).
    pub name: String,
    /// The command line, as the file writes it.
    pub command: Located<String>,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    schemars::JsonSchema,
    Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum ProcessKind {
    /// Runs to completion before the server starts (database migrations, a Procfile `release`).
    Release,
    /// Runs beside the server with no HTTP port (queue consumers, schedulers).
    Worker,
}

impl Service {
    /// A service with only its identity filled in; detectors fill the rest.
    pub fn new(
        name: impl Into<String>,
        root: impl Into<String>,
        language: Located<Language>,
    ) -> Self {
        Service {
            name: name.into(),
            root: root.into(),
            role: ServiceRole::Api,
            language,
            framework: None,
            package_manager: None,
            runtime_version: None,
            build_command: None,
            start_command: None,
            port: None,
            health_path: None,
            backing_services: Vec::new(),
            env_vars: Vec::new(),
            env_required: Vec::new(),
            env_defaulted: Vec::new(),
            depends_on: Vec::new(),
            processes: Vec::new(),
            data_dirs: Vec::new(),
            loopback_bind: None,
            static_output: None,
            start_packages: Vec::new(),
            run_programs: Vec::new(),
            asset_build: None,
        }
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    schemars::JsonSchema,
    Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum ServiceRole {
    /// Serves pages to browsers from a server process (Next.js, Rails views, …).
    Web,
    /// Serves an HTTP API.
    Api,
    /// Static files only (an SPA build or a plain site) — served by a web server.
    Static,
    /// Background worker or consumer with no HTTP port.
    Worker,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    schemars::JsonSchema,
    Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Language {
    Javascript,
    Typescript,
    Python,
    Go,
    Rust,
    Java,
    Kotlin,
    Ruby,
    Php,
    Csharp,
    Html,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    schemars::JsonSchema,
    Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Framework {
    // Node
    Nextjs,
    Express,
    Nestjs,
    Fastify,
    Koa,
    Hono,
    Remix,
    Nuxt,
    Sveltekit,
    Astro,
    /// Angular CLI: static files from `ng build`, or a Node server with `ssr`.
    Angular,
    /// TanStack Start: a Vite app rendered on the server (a Node server, not static files).
    TanstackStart,
    /// A Vite (or similar bundler) single-page app: built to static files.
    ViteSpa,
    CreateReactApp,
    // Python
    Fastapi,
    Django,
    Flask,
    Starlette,
    Litestar,
    // Go
    NetHttp,
    Gin,
    Echo,
    Chi,
    Fiber,
    GorillaMux,
    // Rust
    Axum,
    ActixWeb,
    Rocket,
    // JVM
    SpringBoot,
    Quarkus,
    Micronaut,
    // Ruby
    Rails,
    Sinatra,
    // PHP
    Laravel,
    Symfony,
    // .NET
    AspnetCore,
    /// Plain HTML/CSS/JS, no build.
    StaticHtml,
    /// A static-site generator (Hugo, Jekyll, Eleventy, MkDocs, …); the value names it.
    StaticSiteGenerator,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    schemars::JsonSchema,
    Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum PackageManager {
    Npm,
    Yarn,
    Pnpm,
    Bun,
    Pip,
    Poetry,
    Uv,
    Pipenv,
    GoModules,
    Cargo,
    Maven,
    Gradle,
    Bundler,
    Composer,
    Dotnet,
}

/// A kind of backing service a dependency implies.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    schemars::JsonSchema,
    Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum BackingKind {
    Postgres,
    Mysql,
    Redis,
    Mongodb,
    Rabbitmq,
    Kafka,
    /// S3 or an S3-compatible object store.
    S3,
    Elasticsearch,
    Memcached,
    /// Celery workers (Python).
    CeleryWorker,
    /// Sidekiq workers (Ruby).
    SidekiqWorker,
    /// BullMQ workers (Node).
    BullmqWorker,
    /// Another queue-backed worker (RQ, Dramatiq, Laravel queues, …).
    QueueWorker,
}

impl BackingKind {
    /// Stable id used in `depends_on` and `backing_services[].id`.
    pub fn id(&self) -> &'static str {
        match self {
            BackingKind::Postgres => "postgres",
            BackingKind::Mysql => "mysql",
            BackingKind::Redis => "redis",
            BackingKind::Mongodb => "mongodb",
            BackingKind::Rabbitmq => "rabbitmq",
            BackingKind::Kafka => "kafka",
            BackingKind::S3 => "s3",
            BackingKind::Elasticsearch => "elasticsearch",
            BackingKind::Memcached => "memcached",
            BackingKind::CeleryWorker => "celery-worker",
            BackingKind::SidekiqWorker => "sidekiq-worker",
            BackingKind::BullmqWorker => "bullmq-worker",
            BackingKind::QueueWorker => "queue-worker",
        }
    }

    /// Workers are processes of the service's own code, not separate products.
    pub fn is_worker(&self) -> bool {
        matches!(
            self,
            BackingKind::CeleryWorker
                | BackingKind::SidekiqWorker
                | BackingKind::BullmqWorker
                | BackingKind::QueueWorker
        )
    }
}

/// One backing service of the repository, shared by the services that use it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema, Deserialize)]
pub struct BackingService {
    pub id: String,
    pub kind: BackingKind,
    /// Names of the services that need it.
    pub used_by: Vec<String>,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Monorepo {
    /// Workspace tools found (npm/yarn/pnpm workspaces, turbo, nx, cargo workspace, go.work, …).
    pub tools: Vec<Located<String>>,
    /// Packages that are not deployable on their own (shared libraries).
    pub packages: Vec<String>,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    schemars::JsonSchema,
    Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum CiSystem {
    GithubActions,
    GitlabCi,
    Circleci,
    Jenkins,
    AzurePipelines,
    BitbucketPipelines,
    TravisCi,
    Buildkite,
    GoogleCloudBuild,
    AwsCodebuild,
    Drone,
    Woodpecker,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    schemars::JsonSchema,
    Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum CloudProvider {
    Aws,
    Gcp,
    Azure,
    Digitalocean,
    Cloudflare,
    Hetzner,
    Linode,
    Fly,
    Vercel,
    Netlify,
    Railway,
    Render,
    Heroku,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    schemars::JsonSchema,
    Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Orchestrator {
    Kubernetes,
    Helm,
    Kustomize,
    Compose,
    Ecs,
    Nomad,
    /// Functions-as-a-service (Serverless Framework, SAM, …).
    Serverless,
    /// A platform that runs the app from its own config (fly.toml, render.yaml, app.yaml, …).
    Paas,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    schemars::JsonSchema,
    Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum IacTool {
    Terraform,
    Opentofu,
    Terragrunt,
    Pulumi,
    AwsCdk,
    Cloudformation,
    AwsSam,
    ServerlessFramework,
    Ansible,
    Bicep,
}

/// How the repository separates dev, staging and production.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Environments {
    /// Environment names found (`dev`, `staging`, `prod`, …), each with where.
    pub names: Vec<Located<String>>,
    /// The mechanisms used: `kustomize-overlays`, `helm-values`, `terraform-tfvars`,
    /// `terraform-directories`, `terraform-workspaces`, `ci-environments`, `dotenv-files`,
    /// `compose-overrides`.
    pub strategies: Vec<Located<String>>,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Observability {
    /// Metrics clients (`prometheus`, `opentelemetry-metrics`, `statsd`, `datadog`, …).
    pub metrics: Vec<Located<String>>,
    /// Tracing SDKs (`opentelemetry`, …).
    pub tracing: Vec<Located<String>>,
    /// Structured (JSON) logging libraries (`pino`, `structlog`, `zap`, `tracing-subscriber-json`, …).
    pub structured_logging: Vec<Located<String>>,
    /// Error tracking (`sentry`, `rollbar`, `bugsnag`, …).
    pub error_tracking: Vec<Located<String>>,
}

/// Container artifacts that already exist.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Containers {
    pub dockerfiles: Vec<DockerfileFacts>,
    pub compose_files: Vec<String>,
    pub dockerignores: Vec<String>,
}

/// What a quick read of an existing Dockerfile tells (the audit reads it in depth).
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema, Deserialize)]
pub struct DockerfileFacts {
    pub path: String,
    /// Number of `FROM` stages.
    pub stages: usize,
    /// Base image of each stage, in order.
    pub base_images: Vec<Located<String>>,
    /// The last `USER` of the final stage, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub final_user: Option<Located<String>>,
    pub exposed_ports: Vec<Located<u16>>,
    pub has_healthcheck: bool,
}

/// A value detection could not settle on its own.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Ambiguity {
    /// What is ambiguous: `services.api.port`, `repository.cloud`, …
    pub subject: String,
    /// The value used, if one was chosen by precedence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chosen: Option<String>,
    /// Every candidate with its evidence.
    pub candidates: Vec<Located<String>>,
    /// What the user can do to settle it.
    pub hint: String,
}

/// A file detection could not use, and why.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema, Deserialize,
)]
pub struct Note {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub line: Option<u32>,
    pub message: String,
}

/// The kebab-case name a model value serialises to (`github-actions`, `spring-boot`).
pub fn value_name<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}
