//! What a service's lint-and-test job runs: the runtime and its version (from the same table as
//! the generated Dockerfiles), how GitHub Actions installs it with a dependency cache, the image
//! GitLab runs the job in, and the repository's own install, lint and test commands — its
//! `package.json` scripts, pytest and ruff when the project uses them, `go vet` and `go test`,
//! `cargo clippy` and `cargo test`, the Maven or Gradle wrapper, `dotnet test`, RSpec or
//! `rails test`, PHPUnit.

use shipshape_core::Inventory;
use shipshape_detect::{Language, PackageManager, Service};

use crate::docker::base_images::{self, Day};
use crate::join;

/// One `uses:` step that sets the runtime up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ActionStep {
    pub action: &'static str,
    pub with: Vec<(&'static str, String)>,
}

/// A command with the name its step shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Command {
    pub name: String,
    pub run: String,
}

/// How GitLab caches dependencies between pipelines: paths below the service's folder, keyed by
/// its lockfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GitlabCache {
    pub key_file: String,
    pub paths: Vec<String>,
    /// Variables that point the package manager at the cached folder.
    pub variables: Vec<(&'static str, String)>,
}

/// Everything a lint-and-test job of one service needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Toolchain {
    /// `Node.js 24`, for the reason line and job names.
    pub label: String,
    pub setup: Vec<ActionStep>,
    /// Commands before the install in GitLab's image (`corepack enable`).
    pub gitlab_setup: Vec<String>,
    pub gitlab_image: String,
    pub gitlab_cache: Option<GitlabCache>,
    /// Commands before the install on GitHub's runner (tools the setup action does not bring).
    pub github_setup: Vec<String>,
    pub install: Vec<Command>,
    /// Lint and test commands, in the order they run: the job fails at the first that fails.
    pub checks: Vec<Command>,
}

fn cmd(name: &str, run: impl Into<String>) -> Command {
    Command {
        name: name.to_string(),
        run: run.into(),
    }
}

/// The package.json scripts of a folder: names with their commands.
fn npm_scripts(inv: &Inventory, dir: &str) -> Vec<(String, String)> {
    let Some(text) = inv.text_of(&join(dir, "package.json")) else {
        return Vec::new();
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Vec::new();
    };
    json.get("scripts")
        .and_then(|s| s.as_object())
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether any of the folder's dependency files mentions `word` (a test runner, a linter).
fn mentions(inv: &Inventory, dir: &str, word: &str) -> bool {
    [
        "requirements.txt",
        "requirements-dev.txt",
        "requirements_dev.txt",
        "dev-requirements.txt",
        "requirements/dev.txt",
        "requirements/test.txt",
        "pyproject.toml",
        "Pipfile",
        "setup.cfg",
    ]
    .iter()
    .filter_map(|f| inv.text_of(&join(dir, f)))
    .any(|t| t.contains(word))
}

/// Whether the project below `dir` has a file pytest collects (`test_*.py`, `*_test.py`).
fn has_python_tests(inv: &Inventory, dir: &str) -> bool {
    let prefix = if dir == "." {
        String::new()
    } else {
        format!("{}/", dir.trim_end_matches('/'))
    };
    inv.files().iter().any(|f| {
        let name = f.name();
        f.path.starts_with(&prefix)
            && name.ends_with(".py")
            && (name.starts_with("test_") || name.ends_with("_test.py"))
    })
}

fn has(inv: &Inventory, dir: &str, name: &str) -> bool {
    inv.contains(&join(dir, name))
}

fn version(runtime: &str, service: &Service) -> (String, String) {
    let detected = service.runtime_version.as_ref().map(|v| v.value.as_str());
    match base_images::resolve(runtime, detected, Day::today()) {
        Ok(images) => (images.version, images.build),
        // No published image carries the declared version (init says so for the Dockerfile):
        // CI runs on the table's default rather than on an image that does not exist.
        Err(_) => base_images::resolve(runtime, None, Day::today())
            .map(|i| (i.version, i.build))
            .unwrap_or_default(),
    }
}

/// The toolchain of a service, or `None` for a stack without one (a static site, an unknown
/// language): such a service gets no lint-and-test job.
pub(crate) fn toolchain(service: &Service, inv: &Inventory) -> Option<Toolchain> {
    let dir = service.root.as_str();
    let pm = service.package_manager.as_ref().map(|p| p.value);
    match service.language.value {
        Language::Javascript | Language::Typescript => Some(node(service, inv, dir, pm)),
        Language::Python => Some(python(service, inv, dir, pm)),
        Language::Go => Some(go(service, inv, dir)),
        Language::Rust => Some(rust(service, inv, dir)),
        Language::Java | Language::Kotlin => Some(jvm(service, inv, dir, pm)),
        Language::Ruby => Some(ruby(service, inv, dir)),
        Language::Php => Some(php(service, inv, dir)),
        Language::Csharp => Some(dotnet(service)),
        Language::Html => None,
    }
}

fn node(service: &Service, inv: &Inventory, dir: &str, pm: Option<PackageManager>) -> Toolchain {
    let (v, image) = version("node", service);
    let scripts = npm_scripts(inv, dir);
    let script = |name: &str| {
        scripts
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, c)| c.clone())
    };
    let (runner, install, lockfile, cache_dir, cache_var) = match pm {
        Some(PackageManager::Pnpm) => (
            "pnpm",
            "pnpm install --frozen-lockfile",
            "pnpm-lock.yaml",
            ".pnpm-store",
            ("npm_config_store_dir", ".pnpm-store"),
        ),
        Some(PackageManager::Yarn) => {
            let berry = has(inv, dir, ".yarnrc.yml");
            (
                "yarn",
                if berry {
                    "yarn install --immutable"
                } else {
                    "yarn install --frozen-lockfile"
                },
                "yarn.lock",
                ".yarn-cache",
                ("YARN_CACHE_FOLDER", ".yarn-cache"),
            )
        }
        _ => (
            "npm",
            "npm ci",
            "package-lock.json",
            ".npm",
            ("npm_config_cache", ".npm"),
        ),
    };
    let has_lock = has(inv, dir, lockfile);
    let install = if has_lock {
        install.to_string()
    } else {
        // Without a lockfile there is nothing to install reproducibly from.
        format!("{runner} install")
    };
    let corepack = runner != "npm";
    let mut checks = Vec::new();
    if script("lint").is_some() {
        checks.push(cmd("Lint", format!("{runner} run lint")));
    }
    if script("typecheck").is_some() {
        checks.push(cmd("Type-check", format!("{runner} run typecheck")));
    }
    if script("test").is_some_and(|t| !t.contains("no test specified")) {
        checks.push(cmd("Test", format!("{runner} test")));
    }
    if script("build").is_some() {
        checks.push(cmd("Build", format!("{runner} run build")));
    }
    let mut with = vec![("node-version", v.clone())];
    // The setup action caches through the package manager, which must exist before it runs:
    // with corepack that is after setup-node, so only npm is cached by the action.
    if !corepack && has_lock {
        with.push(("cache", "npm".to_string()));
        with.push(("cache-dependency-path", join(dir, lockfile)));
    }
    Toolchain {
        label: format!("Node.js {v}"),
        setup: vec![ActionStep {
            action: "actions/setup-node",
            with,
        }],
        gitlab_setup: if corepack {
            vec!["corepack enable".to_string()]
        } else {
            Vec::new()
        },
        github_setup: if corepack {
            vec!["corepack enable".to_string()]
        } else {
            Vec::new()
        },
        gitlab_image: image,
        gitlab_cache: Some(GitlabCache {
            key_file: join(dir, if has_lock { lockfile } else { "package.json" }),
            paths: vec![join(dir, cache_dir)],
            variables: vec![(cache_var.0, cache_var.1.to_string())],
        }),
        install: vec![cmd("Install dependencies", install)],
        checks,
    }
}

fn python(service: &Service, inv: &Inventory, dir: &str, pm: Option<PackageManager>) -> Toolchain {
    let (v, image) = version("python", service);
    let (bootstrap, install, prefix): (Option<String>, String, &str) = match pm {
        Some(PackageManager::Poetry) => (
            Some(format!(
                "python -m pip install poetry=={}",
                base_images::tool("poetry", &v).unwrap_or("2.1.3")
            )),
            "poetry install --no-interaction".to_string(),
            "poetry run ",
        ),
        Some(PackageManager::Pipenv) => (
            Some(format!(
                "python -m pip install pipenv=={}",
                base_images::tool("pipenv", &v).unwrap_or("2025.0.4")
            )),
            "pipenv install --dev --deploy".to_string(),
            "pipenv run ",
        ),
        Some(PackageManager::Uv) => (
            Some(format!("python -m pip install uv=={}", uv_version())),
            "uv sync --frozen".to_string(),
            "uv run ",
        ),
        _ => {
            let mut files = Vec::new();
            for f in [
                "requirements.txt",
                "requirements-dev.txt",
                "requirements/dev.txt",
            ] {
                if has(inv, dir, f) {
                    files.push(format!("-r {f}"));
                }
            }
            let install = if files.is_empty() && has(inv, dir, "pyproject.toml") {
                "python -m pip install .".to_string()
            } else if files.is_empty() {
                "python -m pip install --upgrade pip".to_string()
            } else {
                format!("python -m pip install {}", files.join(" "))
            };
            (None, install, "python -m ")
        }
    };
    let mut checks = Vec::new();
    if mentions(inv, dir, "ruff") || has(inv, dir, "ruff.toml") || has(inv, dir, ".ruff.toml") {
        checks.push(cmd("Lint", format!("{prefix}ruff check .")));
    }
    // pytest exits 5 when it collects nothing: a project that declares it but has no test
    // file yet gets no Test step, rather than a pipeline that fails on its first push.
    if mentions(inv, dir, "pytest") && has_python_tests(inv, dir) {
        checks.push(cmd("Test", format!("{prefix}pytest")));
    } else if has(inv, dir, "manage.py") {
        checks.push(cmd("Test", "python manage.py test"));
    }
    let mut install_steps = Vec::new();
    if let Some(b) = bootstrap {
        install_steps.push(cmd("Install the package manager", b));
    }
    install_steps.push(cmd("Install dependencies", install));
    let pip_cache = matches!(pm, None | Some(PackageManager::Pip));
    let mut with = vec![("python-version", v.clone())];
    if pip_cache
        && inv.files().iter().any(|f| {
            f.path.starts_with(&join(dir, "requirements"))
                || dir == "." && f.path.starts_with("requirements")
        })
    {
        with.push(("cache", "pip".to_string()));
        with.push(("cache-dependency-path", join(dir, "requirements*.txt")));
    }
    Toolchain {
        label: format!("Python {v}"),
        setup: vec![ActionStep {
            action: "actions/setup-python",
            with,
        }],
        gitlab_setup: Vec::new(),
        github_setup: Vec::new(),
        gitlab_image: image,
        gitlab_cache: Some(GitlabCache {
            key_file: join(
                dir,
                match pm {
                    Some(PackageManager::Poetry) => "poetry.lock",
                    Some(PackageManager::Pipenv) => "Pipfile.lock",
                    Some(PackageManager::Uv) => "uv.lock",
                    _ if has(inv, dir, "requirements.txt") => "requirements.txt",
                    _ => "pyproject.toml",
                },
            ),
            paths: vec![join(dir, ".cache/pip")],
            variables: vec![("PIP_CACHE_DIR", "$CI_PROJECT_DIR/.cache/pip".to_string())],
        }),
        install: install_steps,
        checks,
    }
}

/// The uv release the generated Dockerfiles use, from its image tag.
fn uv_version() -> String {
    let image = base_images::image("uv").unwrap_or("ghcr.io/astral-sh/uv:0.8");
    let tag = image.rsplit(':').next().unwrap_or("0.8");
    // A minor line (`0.13`) installs its newest patch release.
    format!("{tag}.*")
}

fn go(service: &Service, inv: &Inventory, dir: &str) -> Toolchain {
    let (v, image) = version("go", service);
    let with = if has(inv, dir, "go.mod") {
        vec![
            ("go-version-file", join(dir, "go.mod")),
            ("cache-dependency-path", join(dir, "go.sum")),
        ]
    } else {
        vec![("go-version", v.clone())]
    };
    Toolchain {
        label: format!("Go {v}"),
        setup: vec![ActionStep {
            action: "actions/setup-go",
            with,
        }],
        gitlab_setup: Vec::new(),
        github_setup: Vec::new(),
        gitlab_image: image,
        gitlab_cache: Some(GitlabCache {
            key_file: join(dir, "go.sum"),
            paths: vec![".go/pkg/mod".to_string()],
            variables: vec![("GOMODCACHE", "$CI_PROJECT_DIR/.go/pkg/mod".to_string())],
        }),
        install: vec![cmd("Download modules", "go mod download")],
        checks: vec![cmd("Vet", "go vet ./..."), cmd("Test", "go test ./...")],
    }
}

fn rust(service: &Service, inv: &Inventory, dir: &str) -> Toolchain {
    let (v, image) = version("rust", service);
    let locked = if has(inv, dir, "Cargo.lock") || has(inv, ".", "Cargo.lock") {
        " --locked"
    } else {
        ""
    };
    Toolchain {
        label: format!("Rust {v}"),
        setup: vec![ActionStep {
            action: "actions/cache",
            with: vec![
                ("path", "~/.cargo/registry\n~/.cargo/git\ntarget".to_string()),
                (
                    "key",
                    format!(
                        "cargo-${{{{ runner.os }}}}-${{{{ hashFiles('{}') }}}}",
                        join(dir, "Cargo.lock").replace("./", "")
                    ),
                ),
            ],
        }],
        gitlab_setup: vec!["rustup component add clippy".to_string()],
        github_setup: vec![format!(
            "rustup toolchain install {v} --profile minimal --component clippy && rustup default {v}"
        )],
        gitlab_image: image,
        gitlab_cache: Some(GitlabCache {
            key_file: join(dir, "Cargo.lock"),
            paths: vec![".cargo/registry".to_string(), join(dir, "target")],
            variables: vec![("CARGO_HOME", "$CI_PROJECT_DIR/.cargo".to_string())],
        }),
        install: vec![cmd("Fetch crates", format!("cargo fetch{locked}"))],
        checks: vec![
            cmd("Lint", format!("cargo clippy{locked} --all-targets")),
            cmd("Test", format!("cargo test{locked}")),
        ],
    }
}

fn jvm(service: &Service, inv: &Inventory, dir: &str, pm: Option<PackageManager>) -> Toolchain {
    let (v, image) = version("java", service);
    let gradle = matches!(pm, Some(PackageManager::Gradle))
        || has(inv, dir, "build.gradle")
        || has(inv, dir, "build.gradle.kts");
    let (tool, run, gl_image, cache_paths, cache_var) = if gradle {
        let run = if has(inv, dir, "gradlew") {
            "./gradlew build --no-daemon"
        } else {
            "gradle build --no-daemon"
        };
        (
            "gradle",
            run,
            format!("gradle:8-jdk{v}"),
            vec![join(dir, ".gradle-home")],
            (
                "GRADLE_USER_HOME",
                "$CI_PROJECT_DIR/.gradle-home".to_string(),
            ),
        )
    } else {
        let run = if has(inv, dir, "mvnw") {
            "./mvnw -B -ntp verify"
        } else {
            "mvn -B -ntp verify"
        };
        (
            "maven",
            run,
            format!("maven:3.9-eclipse-temurin-{v}"),
            vec![".m2/repository".to_string()],
            (
                "MAVEN_OPTS",
                "-Dmaven.repo.local=$CI_PROJECT_DIR/.m2/repository".to_string(),
            ),
        )
    };
    let _ = image;
    Toolchain {
        label: format!("Java {v}"),
        setup: vec![ActionStep {
            action: "actions/setup-java",
            with: vec![
                ("distribution", "temurin".to_string()),
                ("java-version", v.clone()),
                ("cache", tool.to_string()),
            ],
        }],
        gitlab_setup: Vec::new(),
        github_setup: Vec::new(),
        gitlab_image: gl_image,
        gitlab_cache: Some(GitlabCache {
            key_file: join(dir, if gradle { "build.gradle" } else { "pom.xml" }),
            paths: cache_paths,
            variables: vec![(cache_var.0, cache_var.1)],
        }),
        install: Vec::new(),
        checks: vec![cmd("Build and test", run)],
    }
}

fn ruby(service: &Service, inv: &Inventory, dir: &str) -> Toolchain {
    let (v, image) = version("ruby", service);
    let mut checks = Vec::new();
    if has(inv, dir, ".rubocop.yml") {
        checks.push(cmd("Lint", "bundle exec rubocop"));
    }
    if !inv.under(&join(dir, "spec")).is_empty() {
        checks.push(cmd("Test", "bundle exec rspec"));
    } else if has(inv, dir, "bin/rails") {
        checks.push(cmd("Test", "bin/rails test"));
    }
    Toolchain {
        label: format!("Ruby {v}"),
        setup: vec![ActionStep {
            action: "ruby/setup-ruby",
            with: vec![
                ("ruby-version", v.clone()),
                ("bundler-cache", "true".to_string()),
                ("working-directory", dir.to_string()),
            ],
        }],
        gitlab_setup: Vec::new(),
        github_setup: Vec::new(),
        gitlab_image: image,
        gitlab_cache: Some(GitlabCache {
            key_file: join(dir, "Gemfile.lock"),
            paths: vec![join(dir, "vendor/bundle")],
            variables: vec![("BUNDLE_PATH", "vendor/bundle".to_string())],
        }),
        // setup-ruby installs the bundle itself (and caches it); GitLab's image needs it done.
        install: Vec::new(),
        checks,
    }
}

fn php(service: &Service, inv: &Inventory, dir: &str) -> Toolchain {
    let (v, _) = version("php", service);
    let mut checks = Vec::new();
    if has(inv, dir, "phpunit.xml") || has(inv, dir, "phpunit.xml.dist") {
        checks.push(cmd("Test", "vendor/bin/phpunit"));
    }
    Toolchain {
        label: format!("PHP {v}"),
        setup: vec![ActionStep {
            action: "shivammathur/setup-php",
            with: vec![
                ("php-version", v.clone()),
                ("tools", "composer:v2".to_string()),
            ],
        }],
        gitlab_setup: Vec::new(),
        github_setup: Vec::new(),
        gitlab_image: base_images::resolve("php", None, Day::today())
            .map(|i| i.build)
            .unwrap_or_else(|_| "composer:2".to_string()),
        gitlab_cache: Some(GitlabCache {
            key_file: join(dir, "composer.lock"),
            paths: vec![join(dir, "vendor")],
            variables: Vec::new(),
        }),
        install: vec![cmd(
            "Install dependencies",
            "composer install --no-interaction --prefer-dist --no-progress",
        )],
        checks,
    }
}

fn dotnet(service: &Service) -> Toolchain {
    let (v, image) = version("dotnet", service);
    Toolchain {
        label: format!(".NET {v}"),
        setup: vec![ActionStep {
            action: "actions/setup-dotnet",
            with: vec![("dotnet-version", format!("{v}.x"))],
        }],
        gitlab_setup: Vec::new(),
        github_setup: Vec::new(),
        gitlab_image: image,
        gitlab_cache: None,
        install: vec![cmd("Restore", "dotnet restore")],
        checks: vec![
            cmd("Build", "dotnet build --no-restore"),
            cmd("Test", "dotnet test --no-build"),
        ],
    }
}

/// Whether the Bundler install must be run as a command (GitLab: no setup action does it).
pub(crate) fn needs_bundle_install(t: &Toolchain) -> bool {
    t.setup.iter().any(|s| s.action == "ruby/setup-ruby")
}
