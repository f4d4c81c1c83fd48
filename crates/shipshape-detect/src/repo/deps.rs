//! Declared dependencies of every package manifest, each with the line that declares it. The
//! repository-level tables (observability libraries, IaC SDKs) are matched against these.

use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::evidence::line_of_offset;
use shipshape_core::{ArtifactKind, Evidence, FileEntry, ManifestKind};

use crate::ctx::Ctx;

/// Package ecosystems, as the tables name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Eco {
    Node,
    Python,
    Go,
    Rust,
    Jvm,
    Ruby,
    Php,
    Dotnet,
}

/// One declared dependency.
#[derive(Debug, Clone)]
pub(crate) struct Dep {
    pub eco: Eco,
    /// Lower-cased; Python names normalised (`_`/`.` → `-`); JVM: the artifactId.
    pub name: String,
    /// The name as written, for the evidence note.
    pub written: String,
    pub path: String,
    pub line: Option<u32>,
    /// The section it sits in (`dependencies`, `require`, …).
    pub section: String,
    /// Development or test only.
    pub dev: bool,
    /// Cargo features turned on where it is declared.
    pub features: Vec<String>,
}

impl Dep {
    pub fn evidence(&self) -> Evidence {
        Evidence::new(
            &self.path,
            self.line,
            format!("{} > {} > {}", self.path, self.section, self.written),
        )
    }

    /// The folder of the manifest that declares it.
    pub fn dir(&self) -> &str {
        self.path.rsplit_once('/').map(|(d, _)| d).unwrap_or(".")
    }
}

/// Dependencies of every (non-lock) package manifest among `files`.
pub(crate) fn all(ctx: &Ctx, files: &[&FileEntry]) -> Vec<Dep> {
    let mut out = Vec::new();
    for f in files {
        let ArtifactKind::PackageManifest(kind) = f.kind else {
            continue;
        };
        match kind {
            ManifestKind::PackageJson => json_sections(ctx, f, Eco::Node, &NODE_SECTIONS, &mut out),
            ManifestKind::ComposerJson => {
                json_sections(ctx, f, Eco::Php, &COMPOSER_SECTIONS, &mut out)
            }
            ManifestKind::RequirementsTxt => requirements(ctx, f, &mut out),
            ManifestKind::Pyproject => pyproject(ctx, f, &mut out),
            ManifestKind::Pipfile => pipfile(ctx, f, &mut out),
            ManifestKind::GoMod => go_mod(ctx, f, &mut out),
            ManifestKind::CargoToml => cargo(ctx, f, &mut out),
            ManifestKind::PomXml => pom(ctx, f, &mut out),
            ManifestKind::Gradle => gradle(ctx, f, &mut out),
            ManifestKind::Gemfile => gemfile(ctx, f, &mut out),
            ManifestKind::Csproj => csproj(ctx, f, &mut out),
            _ => {}
        }
    }
    out
}

const NODE_SECTIONS: [(&str, bool); 4] = [
    ("dependencies", false),
    ("optionalDependencies", false),
    ("peerDependencies", false),
    ("devDependencies", true),
];
const COMPOSER_SECTIONS: [(&str, bool); 2] = [("require", false), ("require-dev", true)];

fn json_sections(
    ctx: &Ctx,
    f: &FileEntry,
    eco: Eco,
    sections: &[(&str, bool)],
    out: &mut Vec<Dep>,
) {
    let Some((text, json)) = ctx.json(&f.path) else {
        return;
    };
    for (section, dev) in sections {
        let Some(map) = json.get(*section).and_then(|v| v.as_object()) else {
            continue;
        };
        for name in map.keys() {
            out.push(Dep {
                eco,
                name: name.to_ascii_lowercase(),
                written: name.clone(),
                path: f.path.clone(),
                line: crate::ctx::json_nested_line(&text, section, name),
                section: section.to_string(),
                dev: *dev,
                features: Vec::new(),
            });
        }
    }
}

static PY_NAME_RX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)").expect("built-in pattern"));

pub(crate) fn normalise_python(name: &str) -> String {
    name.to_ascii_lowercase().replace(['_', '.'], "-")
}

fn python_dep(f: &FileEntry, written: &str, line: Option<u32>, section: &str, dev: bool) -> Dep {
    Dep {
        eco: Eco::Python,
        name: normalise_python(written),
        written: written.to_string(),
        path: f.path.clone(),
        line,
        section: section.to_string(),
        dev,
        features: Vec::new(),
    }
}

/// Names of dev/test requirement files (`requirements-dev.txt`, `requirements/test.txt`).
fn is_dev_requirements(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    ["dev", "test", "lint", "docs", "ci"]
        .iter()
        .any(|w| name.contains(w))
}

fn requirements(ctx: &Ctx, f: &FileEntry, out: &mut Vec<Dep>) {
    let Some(text) = ctx.inv.text(f) else { return };
    let dev = is_dev_requirements(&f.path);
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with('-') || t.contains("://") {
            continue;
        }
        if let Some(m) = PY_NAME_RX.captures(t).and_then(|c| c.get(1)) {
            let line_no = u32::try_from(i + 1).ok();
            out.push(python_dep(f, m.as_str(), line_no, "requirements", dev));
        }
    }
}

/// A dependency-group name that is for development, not for running.
fn is_dev_group(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "dev" | "test" | "tests" | "testing" | "lint" | "docs" | "typing" | "develop"
    )
}

fn pyproject(ctx: &Ctx, f: &FileEntry, out: &mut Vec<Dep>) {
    let Some((text, doc)) = ctx.toml(&f.path) else {
        return;
    };
    let mut push = |written: &str, section: &str, dev: bool| {
        if written.eq_ignore_ascii_case("python") {
            return;
        }
        let line = token_line(&text, written);
        out.push(python_dep(f, written, line, section, dev));
    };
    let spec_name = |spec: &str| {
        PY_NAME_RX
            .captures(spec)
            .and_then(|c| c.get(1))
            .map(|m| m.as_str().to_string())
    };
    if let Some(project) = doc.get("project").and_then(|v| v.as_table()) {
        for spec in project
            .get("dependencies")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            if let Some(n) = spec.as_str().and_then(spec_name) {
                push(&n, "project.dependencies", false);
            }
        }
        if let Some(groups) = project
            .get("optional-dependencies")
            .and_then(|v| v.as_table())
        {
            for (group, specs) in groups {
                for spec in specs.as_array().into_iter().flatten() {
                    if let Some(n) = spec.as_str().and_then(spec_name) {
                        push(&n, "project.optional-dependencies", is_dev_group(group));
                    }
                }
            }
        }
    }
    if let Some(groups) = doc.get("dependency-groups").and_then(|v| v.as_table()) {
        for specs in groups.values() {
            for spec in specs.as_array().into_iter().flatten() {
                if let Some(n) = spec.as_str().and_then(spec_name) {
                    push(&n, "dependency-groups", true);
                }
            }
        }
    }
    let poetry = doc
        .get("tool")
        .and_then(|t| t.get("poetry"))
        .and_then(|p| p.as_table());
    if let Some(poetry) = poetry {
        for name in poetry
            .get("dependencies")
            .and_then(|v| v.as_table())
            .into_iter()
            .flat_map(|t| t.keys())
        {
            push(name, "tool.poetry.dependencies", false);
        }
        for name in poetry
            .get("dev-dependencies")
            .and_then(|v| v.as_table())
            .into_iter()
            .flat_map(|t| t.keys())
        {
            push(name, "tool.poetry.dev-dependencies", true);
        }
        if let Some(groups) = poetry.get("group").and_then(|v| v.as_table()) {
            for (group, g) in groups {
                for name in g
                    .get("dependencies")
                    .and_then(|v| v.as_table())
                    .into_iter()
                    .flat_map(|t| t.keys())
                {
                    push(
                        name,
                        "tool.poetry.group",
                        group != "main" && is_dev_group(group),
                    );
                }
            }
        }
    }
}

fn pipfile(ctx: &Ctx, f: &FileEntry, out: &mut Vec<Dep>) {
    let Some((text, doc)) = ctx.toml(&f.path) else {
        return;
    };
    for (section, dev) in [("packages", false), ("dev-packages", true)] {
        for name in doc
            .get(section)
            .and_then(|v| v.as_table())
            .into_iter()
            .flat_map(|t| t.keys())
        {
            let line = token_line(&text, name);
            out.push(python_dep(f, name, line, section, dev));
        }
    }
}

fn go_mod(ctx: &Ctx, f: &FileEntry, out: &mut Vec<Dep>) {
    let Some(text) = ctx.inv.text(f) else { return };
    let mut in_require = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        let spec = if in_require {
            if t.starts_with(')') {
                in_require = false;
                continue;
            }
            t
        } else if let Some(rest) = t.strip_prefix("require") {
            let rest = rest.trim();
            if rest.starts_with('(') {
                in_require = true;
                continue;
            }
            rest
        } else {
            continue;
        };
        // Indirect requirements are pulled in by other modules, not used by this one.
        if spec.is_empty() || spec.starts_with("//") || spec.contains("// indirect") {
            continue;
        }
        let Some(module) = spec.split_whitespace().next() else {
            continue;
        };
        out.push(Dep {
            eco: Eco::Go,
            name: module.to_ascii_lowercase(),
            written: module.to_string(),
            path: f.path.clone(),
            line: u32::try_from(i + 1).ok(),
            section: "require".to_string(),
            dev: false,
            features: Vec::new(),
        });
    }
}

fn cargo(ctx: &Ctx, f: &FileEntry, out: &mut Vec<Dep>) {
    let Some((text, doc)) = ctx.toml(&f.path) else {
        return;
    };
    let mut tables: Vec<(String, &toml::Table, bool)> = Vec::new();
    for (section, dev) in [
        ("dependencies", false),
        ("build-dependencies", true),
        ("dev-dependencies", true),
    ] {
        if let Some(t) = doc.get(section).and_then(|v| v.as_table()) {
            tables.push((section.to_string(), t, dev));
        }
    }
    if let Some(t) = doc
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(|v| v.as_table())
    {
        tables.push(("workspace.dependencies".to_string(), t, false));
    }
    if let Some(targets) = doc.get("target").and_then(|v| v.as_table()) {
        for target in targets.values() {
            if let Some(t) = target.get("dependencies").and_then(|v| v.as_table()) {
                tables.push(("target.dependencies".to_string(), t, false));
            }
        }
    }
    for (section, table, dev) in tables {
        for (name, spec) in table {
            let features = spec
                .get("features")
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            out.push(Dep {
                eco: Eco::Rust,
                name: name.to_ascii_lowercase().replace('_', "-"),
                written: name.clone(),
                path: f.path.clone(),
                line: token_line(&text, name),
                section: section.clone(),
                dev,
                features,
            });
        }
    }
}

fn pom(ctx: &Ctx, f: &FileEntry, out: &mut Vec<Dep>) {
    let Some(text) = ctx.inv.text(f) else { return };
    let doc = match roxmltree::Document::parse(&text) {
        Ok(d) => d,
        Err(e) => {
            ctx.note(
                &f.path,
                Some(e.pos().row),
                format!("could not parse XML: {e} — values from this file were not used"),
            );
            return;
        }
    };
    for dep in doc.descendants().filter(|n| n.has_tag_name("dependency")) {
        // dependencyManagement only pins versions; it does not add a dependency.
        if dep
            .ancestors()
            .any(|a| a.has_tag_name("dependencyManagement"))
        {
            continue;
        }
        let child = |tag: &str| {
            dep.children()
                .find(|c| c.has_tag_name(tag))
                .and_then(|c| c.text())
                .map(str::trim)
                .map(str::to_string)
        };
        let Some(artifact) = child("artifactId") else {
            continue;
        };
        let group = child("groupId").unwrap_or_default();
        let scope = child("scope").unwrap_or_default();
        out.push(Dep {
            eco: Eco::Jvm,
            name: artifact.to_ascii_lowercase(),
            written: format!("{group}:{artifact}"),
            path: f.path.clone(),
            line: Some(doc.text_pos_at(dep.range().start).row),
            section: "dependencies".to_string(),
            dev: scope == "test",
            features: Vec::new(),
        });
    }
}

static GRADLE_RX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*(\w+)\s*\(?\s*["']([^:"'\s]+):([^:"'\s]+)(?::[^"']*)?["']"#)
        .expect("built-in pattern")
});

fn gradle(ctx: &Ctx, f: &FileEntry, out: &mut Vec<Dep>) {
    let Some(text) = ctx.inv.text(f) else { return };
    for (i, line) in text.lines().enumerate() {
        let Some(c) = GRADLE_RX.captures(line) else {
            continue;
        };
        let (Some(conf), Some(group), Some(artifact)) = (c.get(1), c.get(2), c.get(3)) else {
            continue;
        };
        out.push(Dep {
            eco: Eco::Jvm,
            name: artifact.as_str().to_ascii_lowercase(),
            written: format!("{}:{}", group.as_str(), artifact.as_str()),
            path: f.path.clone(),
            line: u32::try_from(i + 1).ok(),
            section: conf.as_str().to_string(),
            dev: conf.as_str().starts_with("test"),
            features: Vec::new(),
        });
    }
}

static GEM_RX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^\s*gem\s+["']([^"']+)["']"#).expect("built-in pattern"));
static GEM_GROUP_RX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\s*)group\s+(.*?)\s+do\b").expect("built-in pattern"));

fn gemfile(ctx: &Ctx, f: &FileEntry, out: &mut Vec<Dep>) {
    let Some(text) = ctx.inv.text(f) else { return };
    // The indentation of the open dev/test `group … do`, if any.
    let mut dev_group: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        if let Some(c) = GEM_GROUP_RX.captures(line) {
            let groups = c.get(2).map(|m| m.as_str()).unwrap_or("");
            let dev = !groups.contains("production")
                && (groups.contains("development") || groups.contains("test"));
            if dev {
                dev_group = Some(c.get(1).map(|m| m.as_str().len()).unwrap_or(0));
            }
            continue;
        }
        if let Some(indent) = dev_group {
            if line.trim() == "end" && line.len() - line.trim_start().len() == indent {
                dev_group = None;
                continue;
            }
        }
        if let Some(m) = GEM_RX.captures(line).and_then(|c| c.get(1)) {
            out.push(Dep {
                eco: Eco::Ruby,
                name: m.as_str().to_ascii_lowercase(),
                written: m.as_str().to_string(),
                path: f.path.clone(),
                line: u32::try_from(i + 1).ok(),
                section: "gem".to_string(),
                dev: dev_group.is_some(),
                features: Vec::new(),
            });
        }
    }
}

static PACKAGE_REF_RX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)<PackageReference\s+Include\s*=\s*"([^"]+)""#).expect("built-in pattern")
});

fn csproj(ctx: &Ctx, f: &FileEntry, out: &mut Vec<Dep>) {
    let Some(text) = ctx.inv.text(f) else { return };
    for c in PACKAGE_REF_RX.captures_iter(&text) {
        let Some(m) = c.get(1) else { continue };
        out.push(Dep {
            eco: Eco::Dotnet,
            name: m.as_str().to_ascii_lowercase(),
            written: m.as_str().to_string(),
            path: f.path.clone(),
            line: Some(line_of_offset(&text, m.start())),
            section: "PackageReference".to_string(),
            dev: false,
            features: Vec::new(),
        });
    }
}

/// Whether a table pattern matches a (lower-cased) dependency name: exact, or a prefix when the
/// pattern ends with `*`.
pub(crate) fn name_matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == pattern,
    }
}

/// The first line where `name` appears as a whole token (a TOML key, a quoted requirement
/// spec): preceded by the start, a quote, a bracket or a space; followed by something that
/// cannot continue a package name. Case-insensitive.
pub(crate) fn token_line(text: &str, name: &str) -> Option<u32> {
    let needle = name.to_ascii_lowercase();
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    for (i, line) in text.lines().enumerate() {
        let lower = line.to_ascii_lowercase();
        let mut from = 0;
        while let Some(pos) = lower[from..].find(&needle) {
            let start = from + pos;
            let end = start + needle.len();
            let before_ok = lower[..start]
                .chars()
                .next_back()
                .is_none_or(|c| matches!(c, '"' | '\'' | '[' | ' ' | '\t'));
            let after_ok = lower[end..].chars().next().is_none_or(|c| !is_name_char(c));
            if before_ok && after_ok {
                return u32::try_from(i + 1).ok();
            }
            from = end;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_line_matches_whole_names_only() {
        let text = "[tool.poetry.dependencies]\npython = \"^3.12\"\nstructlog-extra = \"1\"\nstructlog = \"24\"\n";
        assert_eq!(token_line(text, "structlog"), Some(4));
        assert_eq!(
            token_line("deps = [\"Sentry-SDK>=2\"]", "sentry-sdk"),
            Some(1)
        );
        assert_eq!(token_line("x = 1", "sentry-sdk"), None);
    }

    #[test]
    fn python_names_are_normalised() {
        assert_eq!(normalise_python("Prometheus_Client"), "prometheus-client");
        assert_eq!(normalise_python("python.json.logger"), "python-json-logger");
    }
}
