//! The compose project as Compose reads it: the files of one project (the default
//! `compose.yaml` with its `compose.override.yaml`, a `-f` list, `COMPOSE_FILE` in the project's
//! `.env`), each interpolated with the project's variables, merged in order, with `include`d
//! projects added and `extends` resolved (same file and `file:`) — the model
//! `docker compose config` prints. Unlike that output, every value keeps the file and the span
//! that set it, so a finding about the effective model points at the line to change.
//!
//! Reading files is the caller's business ([`load`] takes a reader of repository-relative
//! paths); nothing here touches the file system or the process environment.

pub mod interpolate;
mod merge;

use std::collections::BTreeSet;

pub use interpolate::{dotenv, interpolate, Interpolated, Variables};

use crate::yaml;
use crate::Span;

/// One node of the effective model.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    /// The file that set this node: an index into [`Project::files`].
    pub file: usize,
    /// Its span in that file.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Scalar(Scalar),
    Seq(Vec<Node>),
    /// Entries in the order Compose would print them: the first definition's order, keys added
    /// by later files after it.
    Map(Vec<Entry>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    /// The value after interpolation.
    pub text: String,
    /// The value as written in the file (quotes removed), before interpolation.
    pub written: String,
    /// Quoted or block scalars are always strings; plain ones may be numbers or booleans.
    pub quoted: bool,
    /// Whether interpolation met a variable with neither a value nor a default: `text` is then
    /// not the value Compose will use.
    pub unresolved: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries().iter().find(|e| e.key.as_str() == Some(key))
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(e) => e,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(v) => v,
            _ => &[],
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    pub fn is_seq(&self) -> bool {
        matches!(self.value, Value::Seq(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The interpolated text of a scalar.
    pub fn as_str(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.text.as_str())
    }

    /// The text of a scalar as written, before interpolation.
    pub fn written(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.written.as_str())
    }

    /// Whether the scalar's value depends on a variable this project does not set.
    pub fn is_unresolved(&self) -> bool {
        self.as_scalar().is_some_and(|s| s.unresolved)
    }

    /// A plain `true`/`false`, or the string `"true"`/`"false"` Compose also accepts.
    pub fn as_bool(&self) -> Option<bool> {
        let s = self.as_scalar()?;
        match s.text.to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        self.as_scalar()?.text.trim().parse().ok()
    }

    /// `key` under a path of mapping keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }
}

/// How a file takes part in a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    /// Named by the project (`compose.yaml`, a `-f` file, a `COMPOSE_FILE` entry).
    Main,
    /// `compose.override.yaml` beside the main file, merged after it.
    Override,
    /// Read for `extends: {file: …}`.
    Extended,
    /// Read for `include:`.
    Included,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectFile {
    /// Repository-relative path with `/` separators.
    pub path: String,
    pub role: FileRole,
    /// The folder relative paths written in this file resolve against: the project folder for
    /// main and override files, the file's own folder for extended and included ones.
    pub base_dir: String,
}

/// A problem with the project: a file that is missing or not valid YAML, an `extends` that
/// names nothing, a cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectError {
    /// The file the problem is in (index into [`Project::files`]).
    pub file: usize,
    pub span: Span,
    pub message: String,
}

/// A compose project after loading.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    /// The project folder: the folder of the first main file.
    pub dir: String,
    /// Every file read, in the order read. The first ones are the main and override files.
    pub files: Vec<ProjectFile>,
    /// The effective model: a mapping with `services`, `volumes`, `networks`, … (an empty
    /// mapping when nothing could be read).
    pub model: Node,
    pub errors: Vec<ProjectError>,
}

impl Project {
    /// The services of the effective model whose definition is a mapping, with their names.
    pub fn services(&self) -> impl Iterator<Item = (&Node, &Node)> {
        self.model
            .get("services")
            .into_iter()
            .flat_map(|s| s.entries())
            .filter(|e| e.value.is_map())
            .map(|e| (&e.key, &e.value))
    }

    /// The repository-relative path a relative path written in `node`'s file means.
    pub fn resolve_path(&self, node: &Node, path: &str) -> String {
        let base = self
            .files
            .get(node.file)
            .map_or(self.dir.as_str(), |f| f.base_dir.as_str());
        join(base, path)
    }

    /// The path of the file that set `node`.
    pub fn file_of(&self, node: &Node) -> &str {
        self.files.get(node.file).map_or("", |f| f.path.as_str())
    }
}

/// The file names Compose looks for in a folder when no `-f` is given, in its order of
/// preference, and the override files it merges after them.
pub const DEFAULT_FILES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];
pub const OVERRIDE_FILES: &[&str] = &[
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yaml",
    "docker-compose.override.yml",
];

/// The files `docker compose` reads in `dir` with no `-f`: `COMPOSE_FILE` from the folder's
/// `.env` if it sets one, else the first default file and the first override file present.
/// Empty when the folder has no compose file.
pub fn default_files(dir: &str, read: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
    if let Some(listed) = compose_file_variable(dir, read) {
        return listed;
    }
    let present = |name: &&&str| read(&join(dir, name)).is_some();
    let mut out = Vec::new();
    if let Some(main) = DEFAULT_FILES.iter().find(present) {
        out.push(join(dir, main));
        if let Some(over) = OVERRIDE_FILES.iter().find(present) {
            out.push(join(dir, over));
        }
    }
    out
}

/// `COMPOSE_FILE` of the folder's `.env`: its paths (separated by `COMPOSE_PATH_SEPARATOR`, or
/// `:`), relative to the folder.
pub fn compose_file_variable(
    dir: &str,
    read: &dyn Fn(&str) -> Option<String>,
) -> Option<Vec<String>> {
    let env = read(&join(dir, ".env"))?;
    let vars = dotenv(&env);
    let value = vars
        .iter()
        .rev()
        .find(|(k, _)| k == "COMPOSE_FILE")?
        .1
        .clone();
    let separator = vars
        .iter()
        .rev()
        .find(|(k, _)| k == "COMPOSE_PATH_SEPARATOR")
        .map_or(":".to_string(), |(_, v)| v.clone());
    let files: Vec<String> = value
        .split(separator.as_str())
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| join(dir, p))
        .collect();
    (!files.is_empty()).then_some(files)
}

/// Loads the project made of `paths` (main files, in `-f` order; an override file among them is
/// merged like any other). Variables come from the `.env` of the first file's folder.
pub fn load(paths: &[String], read: &dyn Fn(&str) -> Option<String>) -> Project {
    let dir = parent(paths.first().map_or("", String::as_str)).to_string();
    let mut vars = Variables::new();
    if let Some(env) = read(&join(&dir, ".env")) {
        vars.add_dotenv(&env);
    }
    let mut loader = Loader {
        read,
        files: Vec::new(),
        errors: Vec::new(),
        stack: Vec::new(),
    };
    let model = loader.project(paths, &dir, &vars, 0);
    let mut project = Project {
        dir,
        files: loader.files,
        model: model.unwrap_or_else(empty_map),
        errors: loader.errors,
    };
    mark_roles(&mut project, paths);
    project
}

/// The files of `paths` after the first that are default override files are `Override`.
fn mark_roles(project: &mut Project, paths: &[String]) {
    for f in project
        .files
        .iter_mut()
        .filter(|f| f.role == FileRole::Main)
    {
        if paths.iter().skip(1).any(|p| *p == f.path)
            && OVERRIDE_FILES.iter().any(|o| name(&f.path) == *o)
        {
            f.role = FileRole::Override;
        }
    }
}

fn empty_map() -> Node {
    Node {
        value: Value::Map(Vec::new()),
        file: 0,
        span: Span::new(0, 0),
    }
}

/// `include` and `extends` may nest; deeper than this is reported, not followed.
const MAX_DEPTH: usize = 16;

struct Loader<'r> {
    read: &'r dyn Fn(&str) -> Option<String>,
    files: Vec<ProjectFile>,
    errors: Vec<ProjectError>,
    /// Files being loaded, to stop `include`/`extends` cycles.
    stack: Vec<String>,
}

impl Loader<'_> {
    /// Reads, interpolates and merges `paths` (in order), then adds includes and resolves
    /// `extends`. `base_dir` is where relative paths of these files resolve.
    fn project(
        &mut self,
        paths: &[String],
        base_dir: &str,
        vars: &Variables,
        depth: usize,
    ) -> Option<Node> {
        let mut model: Option<Node> = None;
        for path in paths {
            let Some((file, docs)) = self.file(path, FileRole::Main, base_dir, vars) else {
                continue;
            };
            for doc in docs {
                model = Some(match model {
                    None => doc,
                    Some(m) => merge::merge(m, doc),
                });
            }
            let _ = file;
        }
        let mut model = model?;
        if depth < MAX_DEPTH {
            self.includes(&mut model, vars, depth);
            self.resolve_extends(&mut model, vars, depth);
        }
        Some(model)
    }

    /// Reads one file: its documents converted to model nodes (mappings only).
    fn file(
        &mut self,
        path: &str,
        role: FileRole,
        base_dir: &str,
        vars: &Variables,
    ) -> Option<(usize, Vec<Node>)> {
        let id = match self.files.iter().position(|f| f.path == path) {
            Some(id) => id,
            None => {
                self.files.push(ProjectFile {
                    path: path.to_string(),
                    role,
                    base_dir: base_dir.to_string(),
                });
                self.files.len() - 1
            }
        };
        let Some(text) = (self.read)(path) else {
            self.errors.push(ProjectError {
                file: id,
                span: Span::new(0, 0),
                message: format!("`{path}` cannot be read"),
            });
            return None;
        };
        let docs = match yaml::parse(&text) {
            Ok(docs) => docs,
            Err(e) => {
                self.errors.push(ProjectError {
                    file: id,
                    span: e.span,
                    message: format!("YAML syntax: {}", e.message),
                });
                return None;
            }
        };
        let nodes = docs
            .iter()
            .filter(|d| d.is_map())
            .map(|d| convert(d, id, vars))
            .collect();
        Some((id, nodes))
    }

    /// Adds the resources of every `include`d project to `model`; what `model` defines itself
    /// wins.
    fn includes(&mut self, model: &mut Node, vars: &Variables, depth: usize) {
        let Some(include) = model.get("include").cloned() else {
            return;
        };
        let items: Vec<Node> = match &include.value {
            Value::Seq(items) => items.clone(),
            _ => vec![include.clone()],
        };
        for item in items {
            let base_dir = self.files[item.file].base_dir.clone();
            let (paths, env_files, project_dir): (Vec<&Node>, Vec<&Node>, Option<&Node>) =
                match &item.value {
                    Value::Scalar(_) => (vec![&item], Vec::new(), None),
                    Value::Map(_) => (
                        list_or_one(item.get("path")),
                        list_or_one(item.get("env_file")),
                        item.get("project_directory"),
                    ),
                    _ => continue,
                };
            let paths: Vec<String> = paths
                .iter()
                .filter_map(|p| p.as_str())
                .map(|p| join(&base_dir, p))
                .collect();
            let Some(first) = paths.first() else { continue };
            if self.stack.contains(first) || depth + 1 >= MAX_DEPTH {
                self.errors.push(ProjectError {
                    file: item.file,
                    span: item.span,
                    message: format!("`include` of `{first}` forms a cycle; not followed"),
                });
                continue;
            }
            let sub_dir = project_dir
                .and_then(Node::as_str)
                .map_or_else(|| parent(first).to_string(), |d| join(&base_dir, d));
            let mut sub_vars = Variables::new();
            let env_paths: Vec<String> = if env_files.is_empty() {
                vec![join(&sub_dir, ".env")]
            } else {
                env_files
                    .iter()
                    .filter_map(|e| e.as_str())
                    .map(|e| join(&base_dir, e))
                    .collect()
            };
            for e in env_paths {
                if let Some(text) = (self.read)(&e) {
                    sub_vars.add_dotenv(&text);
                }
            }
            // Variables the including project sets are seen too, after the included files'.
            for (k, v) in vars.values_iter() {
                if sub_vars.get(k).is_none() {
                    sub_vars.set(k, v);
                }
            }
            self.stack.push(first.clone());
            let first_new = self.files.len();
            let sub = self.project(&paths, &sub_dir, &sub_vars, depth + 1);
            for f in &mut self.files[first_new..] {
                if f.role == FileRole::Main {
                    f.role = FileRole::Included;
                }
            }
            self.stack.pop();
            if let Some(sub) = sub {
                merge::add_missing_resources(model, sub);
            }
        }
    }

    /// Replaces every service that `extends` another by the merge of the two.
    fn resolve_extends(&mut self, model: &mut Node, vars: &Variables, depth: usize) {
        let names: Vec<String> = model
            .get("services")
            .into_iter()
            .flat_map(|s| s.entries())
            .filter_map(|e| e.key.as_str().map(str::to_string))
            .collect();
        for name in names {
            let mut seen = BTreeSet::new();
            if let Some(resolved) = self.extended_service(model, &name, vars, depth, &mut seen) {
                set_service(model, &name, resolved);
            }
        }
    }

    /// The service `name` of `model` with its `extends` chain merged in, or `None` if it extends
    /// nothing.
    fn extended_service(
        &mut self,
        model: &Node,
        name: &str,
        vars: &Variables,
        depth: usize,
        seen: &mut BTreeSet<String>,
    ) -> Option<Node> {
        let service = model.get("services")?.get(name)?;
        let extends = service.get("extends")?;
        let (base_name, file) = match &extends.value {
            Value::Scalar(s) => (s.text.clone(), None),
            Value::Map(_) => (
                extends.get("service")?.as_str()?.to_string(),
                extends
                    .get("file")
                    .and_then(Node::as_str)
                    .map(str::to_string),
            ),
            _ => return None,
        };
        let key = format!("{}#{base_name}", file.as_deref().unwrap_or(""));
        if !seen.insert(key) || depth >= MAX_DEPTH {
            self.errors.push(ProjectError {
                file: extends.file,
                span: extends.span,
                message: format!("`extends` of service `{name}` forms a cycle; not followed"),
            });
            return None;
        }
        let base = match file {
            None => self
                .extended_service(model, &base_name, vars, depth + 1, seen)
                .or_else(|| model.get("services")?.get(&base_name).cloned()),
            Some(file) => {
                let path = join(&self.files[extends.file].base_dir, &file);
                let (_, docs) = self.file(&path, FileRole::Extended, parent(&path), vars)?;
                let mut other: Option<Node> = None;
                for d in docs {
                    other = Some(match other {
                        None => d,
                        Some(m) => merge::merge(m, d),
                    });
                }
                let other = other?;
                self.extended_service(&other, &base_name, vars, depth + 1, seen)
                    .or_else(|| other.get("services")?.get(&base_name).cloned())
            }
        };
        let Some(base) = base else {
            self.errors.push(ProjectError {
                file: extends.file,
                span: extends.span,
                message: format!(
                    "service `{name}` extends `{base_name}`, which is not defined there"
                ),
            });
            return None;
        };
        let mut local = service.clone();
        if let Value::Map(entries) = &mut local.value {
            entries.retain(|e| e.key.as_str() != Some("extends"));
        }
        let base = without_key(base, "extends");
        Some(merge::merge_service(base, local))
    }
}

fn without_key(mut node: Node, key: &str) -> Node {
    if let Value::Map(entries) = &mut node.value {
        entries.retain(|e| e.key.as_str() != Some(key));
    }
    node
}

fn set_service(model: &mut Node, name: &str, service: Node) {
    let Value::Map(entries) = &mut model.value else {
        return;
    };
    let Some(services) = entries
        .iter_mut()
        .find(|e| e.key.as_str() == Some("services"))
    else {
        return;
    };
    if let Value::Map(svcs) = &mut services.value.value {
        if let Some(e) = svcs.iter_mut().find(|e| e.key.as_str() == Some(name)) {
            e.value = service;
        }
    }
}

fn list_or_one(node: Option<&Node>) -> Vec<&Node> {
    match node {
        None => Vec::new(),
        Some(n) => match &n.value {
            Value::Seq(items) => items.iter().collect(),
            _ => vec![n],
        },
    }
}

/// Converts a parsed YAML node, interpolating every scalar value (not keys).
fn convert(node: &yaml::Node, file: usize, vars: &Variables) -> Node {
    let value = match &node.value {
        yaml::Value::Null => Value::Null,
        yaml::Value::Scalar(s) => {
            let i = interpolate(&s.text, vars);
            Value::Scalar(Scalar {
                text: i.text,
                written: s.text.clone(),
                quoted: s.quoted,
                unresolved: i.unresolved,
            })
        }
        yaml::Value::Seq(items) => {
            Value::Seq(items.iter().map(|n| convert(n, file, vars)).collect())
        }
        yaml::Value::Map(entries) => Value::Map(
            entries
                .iter()
                .map(|e| Entry {
                    key: convert_key(&e.key, file),
                    value: convert(&e.value, file, vars),
                })
                .collect(),
        ),
    };
    Node {
        value,
        file,
        span: node.span,
    }
}

fn convert_key(node: &yaml::Node, file: usize) -> Node {
    let value = match node.as_scalar() {
        Some(s) => Value::Scalar(Scalar {
            text: s.text.clone(),
            written: s.text.clone(),
            quoted: s.quoted,
            unresolved: false,
        }),
        None => Value::Null,
    };
    Node {
        value,
        file,
        span: node.span,
    }
}

/// The folder of a repository-relative path (`""` for the root).
pub fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// The file name of a repository-relative path.
pub fn name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, n)| n)
}

/// `dir` joined with a relative path, normalised (`.`, `..`, doubled and trailing slashes); an
/// absolute path is returned normalised as is. Paths above the repository root keep their
/// leading `..`.
pub fn join(dir: &str, path: &str) -> String {
    let path = path.trim();
    let combined = if path.starts_with('/') || dir.is_empty() {
        path.to_string()
    } else {
        format!("{dir}/{path}")
    };
    let absolute = combined.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in combined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_and_normalises_paths() {
        assert_eq!(join("", "compose.yaml"), "compose.yaml");
        assert_eq!(join("a/b", "../c/./d.yml"), "a/c/d.yml");
        assert_eq!(join("a", "./"), "a");
        assert_eq!(join("", "../x"), "../x");
        assert_eq!(join("a", "/etc/x"), "/etc/x");
        assert_eq!(parent("a/b/compose.yaml"), "a/b");
        assert_eq!(parent("compose.yaml"), "");
    }
}
