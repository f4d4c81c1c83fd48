//! What kind of artifact a file is. Every file in the inventory is classified exactly once, by its
//! path first and by a look at its content only where the path cannot tell (a YAML file may be a
//! Kubernetes manifest or not).

use serde::{Deserialize, Serialize};

/// The kind of a file, as far as operations tooling cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "manifest")]
pub enum ArtifactKind {
    Dockerfile,
    Dockerignore,
    Compose,
    KubernetesManifest,
    /// `Chart.yaml` of a Helm chart.
    HelmChart,
    /// A file under a chart's `templates/` folder (Go templates, not plain YAML).
    HelmTemplate,
    /// `values*.yaml` beside a `Chart.yaml`.
    HelmValues,
    Kustomization,
    GithubWorkflow,
    /// A composite (or JavaScript/Docker) action: `action.yml` with a `runs:` key.
    GithubAction,
    GitlabCi,
    /// Another CI system's configuration (CircleCI, Jenkins, Azure Pipelines, Bitbucket, …).
    CiConfig,
    Terraform,
    TerraformVars,
    PackageManifest(ManifestKind),
    DotEnv,
    /// Other YAML (configuration, docs data, …).
    Yaml,
    /// Program source code.
    Source,
    /// Any other text file.
    Text,
    Binary,
}

impl ArtifactKind {
    /// Short stable name, as used in JSON output and `--select`.
    pub fn name(&self) -> &'static str {
        match self {
            ArtifactKind::Dockerfile => "dockerfile",
            ArtifactKind::Dockerignore => "dockerignore",
            ArtifactKind::Compose => "compose",
            ArtifactKind::KubernetesManifest => "kubernetes",
            ArtifactKind::HelmChart => "helm-chart",
            ArtifactKind::HelmTemplate => "helm-template",
            ArtifactKind::HelmValues => "helm-values",
            ArtifactKind::Kustomization => "kustomization",
            ArtifactKind::GithubWorkflow => "github-workflow",
            ArtifactKind::GithubAction => "github-action",
            ArtifactKind::GitlabCi => "gitlab-ci",
            ArtifactKind::CiConfig => "ci-config",
            ArtifactKind::Terraform => "terraform",
            ArtifactKind::TerraformVars => "terraform-vars",
            ArtifactKind::PackageManifest(_) => "package-manifest",
            ArtifactKind::DotEnv => "dotenv",
            ArtifactKind::Yaml => "yaml",
            ArtifactKind::Source => "source",
            ArtifactKind::Text => "text",
            ArtifactKind::Binary => "binary",
        }
    }
}

/// Package manifests and lockfiles of the ecosystems shipshape detects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ManifestKind {
    PackageJson,
    PackageLock,
    YarnLock,
    PnpmLock,
    PnpmWorkspace,
    BunLock,
    RequirementsTxt,
    Pyproject,
    PoetryLock,
    UvLock,
    Pipfile,
    PipfileLock,
    SetupPy,
    GoMod,
    GoSum,
    GoWork,
    CargoToml,
    CargoLock,
    PomXml,
    Gradle,
    GradleSettings,
    Gemfile,
    GemfileLock,
    ComposerJson,
    ComposerLock,
    Csproj,
    GlobalJson,
}

impl ManifestKind {
    pub fn is_lockfile(&self) -> bool {
        matches!(
            self,
            ManifestKind::PackageLock
                | ManifestKind::YarnLock
                | ManifestKind::PnpmLock
                | ManifestKind::BunLock
                | ManifestKind::PoetryLock
                | ManifestKind::UvLock
                | ManifestKind::PipfileLock
                | ManifestKind::GoSum
                | ManifestKind::CargoLock
                | ManifestKind::GemfileLock
                | ManifestKind::ComposerLock
        )
    }
}

/// Whether classifying a file needs a look at its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Classification {
    Known(ArtifactKind),
    /// YAML whose kind depends on its content (Kubernetes manifest, composite action, or plain).
    SniffYaml,
}

const BINARY_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "ico", "webp", "bmp", "tif", "tiff", "psd", "pdf", "zip", "gz",
    "tgz", "bz2", "xz", "zst", "7z", "rar", "jar", "war", "ear", "class", "so", "dylib", "dll",
    "exe", "o", "a", "lib", "wasm", "woff", "woff2", "ttf", "otf", "eot", "mp3", "mp4", "m4a",
    "mov", "avi", "mkv", "webm", "ogg", "wav", "flac", "sqlite", "sqlite3", "db", "bin", "pyc",
    "pyo", "dat", "iso", "img", "dmg", "deb", "rpm", "apk", "keystore", "jks", "p12", "pfx",
];

const SOURCE_EXTENSIONS: &[&str] = &[
    "js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx", "vue", "svelte", "astro", "py", "go",
    "rs", "java", "kt", "kts", "scala", "groovy", "rb", "erb", "php", "cs", "fs", "vb", "ex",
    "exs", "c", "h", "cc", "cpp", "hpp", "swift", "m", "sh", "bash", "zsh", "ps1", "lua", "pl",
    "dart", "clj", "hs", "ml", "r", "jl", "cshtml", "razor",
];

/// Classify a repository-relative, `/`-separated path by its name alone.
pub fn classify_path(path: &str) -> Classification {
    use ArtifactKind as K;
    use Classification::Known;
    use ManifestKind as M;

    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    let parent = path.rsplit_once('/').map(|(p, _)| p).unwrap_or("");

    // `Dockerfile.dockerignore` is the ignore file BuildKit reads for that Dockerfile.
    if lower == ".dockerignore" || lower.ends_with(".dockerignore") {
        return Known(K::Dockerignore);
    }
    if is_dockerfile_name(&lower) {
        return Known(K::Dockerfile);
    }

    let manifest = match lower.as_str() {
        "package.json" => Some(M::PackageJson),
        "package-lock.json" | "npm-shrinkwrap.json" => Some(M::PackageLock),
        "yarn.lock" => Some(M::YarnLock),
        "pnpm-lock.yaml" => Some(M::PnpmLock),
        "pnpm-workspace.yaml" => Some(M::PnpmWorkspace),
        "bun.lockb" | "bun.lock" => Some(M::BunLock),
        "pyproject.toml" => Some(M::Pyproject),
        "poetry.lock" => Some(M::PoetryLock),
        "uv.lock" => Some(M::UvLock),
        "pipfile" => Some(M::Pipfile),
        "pipfile.lock" => Some(M::PipfileLock),
        "setup.py" => Some(M::SetupPy),
        "go.mod" => Some(M::GoMod),
        "go.sum" => Some(M::GoSum),
        "go.work" => Some(M::GoWork),
        "cargo.toml" => Some(M::CargoToml),
        "cargo.lock" => Some(M::CargoLock),
        "pom.xml" => Some(M::PomXml),
        "build.gradle" | "build.gradle.kts" => Some(M::Gradle),
        "settings.gradle" | "settings.gradle.kts" => Some(M::GradleSettings),
        "gemfile" => Some(M::Gemfile),
        "gemfile.lock" => Some(M::GemfileLock),
        "composer.json" => Some(M::ComposerJson),
        "composer.lock" => Some(M::ComposerLock),
        "global.json" => Some(M::GlobalJson),
        _ if lower.ends_with(".csproj") || lower.ends_with(".fsproj") => Some(M::Csproj),
        _ if is_requirements_file(&lower, parent) => Some(M::RequirementsTxt),
        _ => None,
    };
    if let Some(m) = manifest {
        return Known(K::PackageManifest(m));
    }

    if lower == ".env" || lower.starts_with(".env.") || lower.ends_with(".env") {
        return Known(K::DotEnv);
    }
    if lower.ends_with(".tf") || lower.ends_with(".tf.json") || lower.ends_with(".tofu") {
        return Known(K::Terraform);
    }
    if lower.ends_with(".tfvars") || lower.ends_with(".tfvars.json") {
        return Known(K::TerraformVars);
    }

    let is_yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");

    // CI systems.
    if is_yaml && (parent == ".github/workflows" || parent.ends_with("/.github/workflows")) {
        return Known(K::GithubWorkflow);
    }
    if lower == ".gitlab-ci.yml" || lower == ".gitlab-ci.yaml" {
        return Known(K::GitlabCi);
    }
    if is_yaml && (parent == ".gitlab" || parent.starts_with(".gitlab/ci")) {
        return Known(K::GitlabCi);
    }
    if lower == "jenkinsfile"
        || lower.starts_with("jenkinsfile.")
        || lower == "azure-pipelines.yml"
        || lower == "azure-pipelines.yaml"
        || lower == "bitbucket-pipelines.yml"
        || (parent.ends_with(".circleci") && lower == "config.yml")
        || lower == ".travis.yml"
        || (parent.ends_with(".buildkite") && is_yaml)
        || (parent.ends_with(".azure-pipelines") && is_yaml)
        || lower == "cloudbuild.yaml"
        || lower == "cloudbuild.yml"
        || lower == "cloudbuild.json"
        || (lower.starts_with("buildspec") && is_yaml)
        || lower == ".drone.yml"
        || lower == ".woodpecker.yml"
        || lower == ".woodpecker.yaml"
        || (parent.ends_with(".woodpecker") && is_yaml)
    {
        return Known(K::CiConfig);
    }

    if is_yaml {
        if lower.starts_with("docker-compose")
            || lower.starts_with("compose.")
            || lower == "compose.yaml"
            || lower == "compose.yml"
        {
            return Known(K::Compose);
        }
        if lower == "kustomization.yaml" || lower == "kustomization.yml" {
            return Known(K::Kustomization);
        }
        if lower == "chart.yaml" || lower == "chart.yml" {
            return Known(K::HelmChart);
        }
        if parent == "templates" || parent.ends_with("/templates") {
            // Helm templates are decided against the inventory (a Chart.yaml next to templates/);
            // here they are sniffed like other YAML and corrected afterwards.
            return Classification::SniffYaml;
        }
        return Classification::SniffYaml;
    }
    if lower.ends_with(".tpl") && (parent == "templates" || parent.ends_with("/templates")) {
        return Known(K::HelmTemplate);
    }

    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if BINARY_EXTENSIONS.contains(&ext) {
        return Known(K::Binary);
    }
    if SOURCE_EXTENSIONS.contains(&ext) {
        return Known(K::Source);
    }
    Known(K::Text)
}

/// Extensions that make a `Dockerfile.<ext>` name a file of another kind: documentation about
/// Dockerfiles (`dockerfile.md`), code that writes them (`dockerfile.go`), data and templates
/// for other tools, and templates a generator turns into Dockerfiles (`Dockerfile.template`,
/// whose `FROM {{ … }}` is not yet an image). Any other suffix names a variant
/// (`Dockerfile.prod`, `Dockerfile.alpine`).
const NOT_DOCKERFILE_EXTENSIONS: &[&str] = &[
    "md", "markdown", "mdx", "txt", "rst", "adoc", "asciidoc", "html", "htm", "json", "yaml",
    "yml", "toml", "xml", "ini", "cfg", "csv", "lock", "log", "diff", "patch", "orig", "bak",
    "snap", "template", "tpl", "j2", "jinja", "jinja2", "tmpl", "erb", "hbs", "mustache",
];

/// Whether a lower-cased file name is a Dockerfile: `Dockerfile`, `Containerfile`, a variant
/// (`Dockerfile.prod`, `Dockerfile-dev`, `Dockerfile_prod`, `Containerfile.x`) or a prefixed one
/// (`prod.Dockerfile`, `api.Containerfile`). A variant whose suffix is a known source,
/// documentation, data or binary extension is that kind of file instead.
fn is_dockerfile_name(lower: &str) -> bool {
    for base in ["dockerfile", "containerfile"] {
        if lower == base || lower.strip_suffix(base).is_some_and(|p| p.ends_with('.')) {
            return true;
        }
        let Some(rest) = lower.strip_prefix(base) else {
            continue;
        };
        let Some(variant) = rest.strip_prefix(['.', '-', '_']) else {
            continue;
        };
        if variant.is_empty() {
            return false;
        }
        let ext = variant.rsplit_once('.').map_or(
            // `Dockerfile.md`: the whole suffix is the extension.
            if rest.starts_with('.') { variant } else { "" },
            |(_, e)| e,
        );
        return !(NOT_DOCKERFILE_EXTENSIONS.contains(&ext)
            || SOURCE_EXTENSIONS.contains(&ext)
            || BINARY_EXTENSIONS.contains(&ext));
    }
    false
}

fn is_requirements_file(lower: &str, parent: &str) -> bool {
    (lower.starts_with("requirements") && lower.ends_with(".txt"))
        || ((parent == "requirements" || parent.ends_with("/requirements"))
            && lower.ends_with(".txt"))
}

/// Decide the kind of a YAML file from its content. Only the top-level keys are looked at, so
/// this is cheap and works on files that would not parse.
pub fn classify_yaml(path: &str, text: &str) -> ArtifactKind {
    let lower = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let mut api_version = false;
    let mut kind = false;
    let mut runs = false;
    let mut services = false;
    for line in text.lines() {
        let l = line.trim_end();
        if l.starts_with("apiVersion:") {
            api_version = true;
        } else if l.starts_with("kind:") {
            kind = true;
        } else if l.starts_with("runs:") {
            runs = true;
        } else if l.starts_with("services:") {
            services = true;
        }
        if api_version && kind {
            // Nothing further can change the answer.
            break;
        }
    }
    if api_version && kind {
        return ArtifactKind::KubernetesManifest;
    }
    if (lower == "action.yml" || lower == "action.yaml") && runs {
        return ArtifactKind::GithubAction;
    }
    if services && (lower.contains("compose")) {
        return ArtifactKind::Compose;
    }
    ArtifactKind::Yaml
}

/// The `kind:` keys at column 0 of a YAML stream, with their 1-based lines: the value unquoted,
/// without a trailing comment; at most one per document (`---` starts the next). Lines inside a
/// block scalar (`|`/`>`) are never at column 0 with a `kind:` key unless the scalar ends there.
pub fn top_level_kinds(text: &str) -> Vec<(String, Option<u32>)> {
    // Only `kind:` at the start of a line matters, and `---` between two of them: both are
    // found with SIMD searches rather than by reading a manifest of tens of thousands of lines
    // line by line.
    let bytes = text.as_bytes();
    let mut kinds = Vec::new();
    let mut seen_in_doc = false;
    // The line of `counted` (1-based), and where the last `kind:` line started.
    let (mut line, mut counted, mut last) = (1usize, 0usize, 0usize);
    for at in memchr::memmem::find_iter(bytes, b"kind:") {
        if at != 0 && bytes[at - 1] != b'\n' {
            continue;
        }
        if seen_in_doc && memchr::memmem::find(&bytes[last..at], b"\n---").is_some() {
            seen_in_doc = false;
        }
        last = at;
        if seen_in_doc {
            continue;
        }
        line += memchr::memchr_iter(b'\n', &bytes[counted..at]).count();
        counted = at;
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |n| at + n);
        let rest = text.get(at + "kind:".len()..end).unwrap_or("");
        if let Some(value) = kind_value(rest) {
            seen_in_doc = true;
            kinds.push((value.to_string(), u32::try_from(line).ok()));
        }
    }
    kinds
}

/// The value of a `kind:` key from the rest of its line: unquoted, without a trailing comment;
/// `None` when it is empty or not a plain scalar (a flow collection, an anchor, a tag, a block).
fn kind_value(rest: &str) -> Option<&str> {
    let value = rest.split(" #").next().unwrap_or("").trim();
    let value = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
        .unwrap_or(value);
    (!value.is_empty() && !value.starts_with(['{', '[', '&', '*', '!', '|', '>'])).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ArtifactKind as K;
    use Classification::Known;

    /// `top_level_kinds` as first written, line by line: the oracle of the search above.
    fn kinds_line_by_line(text: &str) -> Vec<(String, Option<u32>)> {
        let mut kinds = Vec::new();
        let mut seen_in_doc = false;
        for (i, line) in text.lines().enumerate() {
            if line.starts_with("---") {
                seen_in_doc = false;
                continue;
            }
            let Some(rest) = line.strip_prefix("kind:") else {
                continue;
            };
            if seen_in_doc {
                continue;
            }
            if let Some(value) = kind_value(rest) {
                seen_in_doc = true;
                kinds.push((value.to_string(), u32::try_from(i + 1).ok()));
            }
        }
        kinds
    }

    proptest::proptest! {
        #[test]
        fn top_level_kinds_equal_reading_line_by_line(
            lines in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("---".to_string()),
                    proptest::strategy::Just("--- # next".to_string()),
                    proptest::strategy::Just("kind: Service".to_string()),
                    proptest::strategy::Just("kind: \"Deployment\" # app".to_string()),
                    proptest::strategy::Just("kind: {".to_string()),
                    proptest::strategy::Just("kind:".to_string()),
                    proptest::strategy::Just("  kind: Pod".to_string()),
                    proptest::strategy::Just("apiVersion: v1".to_string()),
                    proptest::strategy::Just("xkind: A".to_string()),
                    "[a-z:\\- \r]{0,12}",
                ],
                0..40,
            ),
            crlf in proptest::bool::ANY,
            trailing in proptest::bool::ANY,
        ) {
            let mut text = lines.join(if crlf { "\r\n" } else { "\n" });
            if trailing {
                text.push('\n');
            }
            proptest::prop_assert_eq!(top_level_kinds(&text), kinds_line_by_line(&text));
        }
    }

    #[test]
    fn classifies_dockerfiles_and_their_variants_by_name() {
        for p in [
            "Dockerfile",
            "api/Dockerfile.prod",
            "Dockerfile.dev",
            "Dockerfile.alpine",
            "Dockerfile-dev",
            "Dockerfile_prod",
            "build/prod.Dockerfile",
            "Containerfile",
            "Containerfile.x",
            "api.Containerfile",
            "dockerfile",
        ] {
            assert_eq!(classify_path(p), Known(K::Dockerfile), "{p}");
        }
    }

    #[test]
    fn files_about_dockerfiles_are_not_dockerfiles() {
        assert_eq!(classify_path("docs/dockerfile.md"), Known(K::Text));
        assert_eq!(classify_path("Dockerfile.txt"), Known(K::Text));
        assert_eq!(classify_path("pkg/build/dockerfile.go"), Known(K::Source));
        assert_eq!(classify_path("gen/dockerfile_test.py"), Known(K::Source));
        assert_eq!(classify_path("dockerfile-lint.json"), Known(K::Text));
        assert_eq!(classify_path("dockerfile.yaml"), Classification::SniffYaml);
        assert_eq!(classify_path("mydockerfile"), Known(K::Text));
        assert_eq!(classify_path("Dockerfile."), Known(K::Text));
        assert_eq!(classify_path("Dockerfile-linux.template"), Known(K::Text));
        assert_eq!(classify_path("Dockerfile.j2"), Known(K::Text));
    }

    #[test]
    fn a_dockerfiles_own_ignore_file_is_a_dockerignore() {
        assert_eq!(
            classify_path("Dockerfile.dockerignore"),
            Known(K::Dockerignore)
        );
        assert_eq!(
            classify_path("api/prod.Dockerfile.dockerignore"),
            Known(K::Dockerignore)
        );
        assert_eq!(classify_path(".dockerignore"), Known(K::Dockerignore));
    }

    #[test]
    fn classifies_ci_files() {
        assert_eq!(
            classify_path(".github/workflows/ci.yml"),
            Known(K::GithubWorkflow)
        );
        assert_eq!(classify_path(".gitlab-ci.yml"), Known(K::GitlabCi));
        assert_eq!(classify_path(".circleci/config.yml"), Known(K::CiConfig));
        assert_eq!(classify_path("Jenkinsfile"), Known(K::CiConfig));
    }

    #[test]
    fn classifies_manifests_and_lockfiles() {
        assert_eq!(
            classify_path("web/package.json"),
            Known(K::PackageManifest(ManifestKind::PackageJson))
        );
        assert_eq!(
            classify_path("requirements/prod.txt"),
            Known(K::PackageManifest(ManifestKind::RequirementsTxt))
        );
        assert!(ManifestKind::CargoLock.is_lockfile());
        assert!(!ManifestKind::CargoToml.is_lockfile());
    }

    #[test]
    fn sniffs_kubernetes_yaml_by_api_version_and_kind() {
        assert_eq!(classify_path("k8s/deploy.yaml"), Classification::SniffYaml);
        let k8s = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n";
        assert_eq!(classify_yaml("k8s/deploy.yaml", k8s), K::KubernetesManifest);
        assert_eq!(classify_yaml("config/app.yaml", "port: 8080\n"), K::Yaml);
        assert_eq!(
            classify_yaml("action.yml", "name: x\nruns:\n  using: composite\n"),
            K::GithubAction
        );
    }
}
