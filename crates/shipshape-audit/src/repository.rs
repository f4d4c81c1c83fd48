//! What the audit knows about the repository as a whole, worked out once per run before any file
//! is audited: which compose files form one project (and are therefore audited together), how
//! each Dockerfile is built (its build contexts, from compose services and bake targets) and
//! which stage names are built as targets somewhere (compose `build.target`, bake, CI
//! workflows, Makefiles and scripts calling `docker build --target`).

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use shipshape_core::{ArtifactKind, Inventory};
use shipshape_syntax::compose::{self, FileRole, Project};

/// One way a Dockerfile is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildUse {
    /// The build context, repository-relative (`""` for the root).
    pub context: String,
    /// The stage built, if one is named.
    pub target: Option<String>,
    /// The file that says so (`compose.yaml`, `docker-bake.hcl`).
    pub declared_in: String,
}

/// What one script, CI or bake file says about builds.
struct FileUses {
    targets: Vec<String>,
    images: Vec<String>,
    builds: Vec<(String, BuildUse)>,
}

/// The repository seen as a whole.
#[derive(Default)]
pub struct Repository {
    /// Compose projects by the path of the file that leads them.
    projects: BTreeMap<String, Project>,
    /// For each compose file, the leads of the projects it belongs to.
    member_of: BTreeMap<String, Vec<String>>,
    /// Dockerfile path → the ways it is built.
    builds: BTreeMap<String, Vec<BuildUse>>,
    /// Stage names built as targets anywhere.
    targets: BTreeSet<String>,
    /// Image names (without tag) the repository builds itself: a compose service's `image` next
    /// to its `build`, a `-t` on a scripted build.
    built_images: BTreeSet<String>,
}

impl Repository {
    /// Nothing known: for text audited outside a repository (generated files).
    pub fn empty() -> Repository {
        Repository::default()
    }

    /// A shared empty repository.
    pub fn none() -> &'static Repository {
        static NONE: std::sync::OnceLock<Repository> = std::sync::OnceLock::new();
        NONE.get_or_init(Repository::default)
    }

    /// Reads the compose files, bake files, CI configurations and scripts of `inv`.
    pub fn of(inv: &Inventory) -> Repository {
        let read = |p: &str| inv.text_of(p).map(|t| t.to_string());
        let composes: Vec<String> = inv
            .of_kind(ArtifactKind::Compose)
            .map(|f| f.path.clone())
            .collect();
        let mut repo = Repository::default();
        for (lead, files) in partition_compose(&composes, &read) {
            let project = compose::load(&files, &read);
            repo.add_project(lead, project);
        }
        // Each script and CI file is read on its own (in parallel), then merged in path order.
        let found: Vec<FileUses> = inv
            .files()
            .par_iter()
            .filter_map(|file| {
                let name = file.name();
                let scripted = matches!(
                    file.kind,
                    ArtifactKind::GithubWorkflow | ArtifactKind::GitlabCi | ArtifactKind::CiConfig
                ) || name == "Makefile"
                    || name.ends_with(".mk")
                    || name.ends_with(".sh")
                    || name.eq_ignore_ascii_case("justfile")
                    || name.starts_with("Taskfile");
                let bake = name.starts_with("docker-bake") || name.ends_with(".bake.hcl");
                if !(scripted || bake) {
                    return None;
                }
                let text = inv.text(file)?;
                let workflow = matches!(
                    file.kind,
                    ArtifactKind::GithubWorkflow | ArtifactKind::GithubAction
                );
                let mut uses = FileUses {
                    targets: command_line_targets(&text),
                    images: tagged_images(&text),
                    builds: scripted_builds(&file.path, &text, workflow),
                };
                if workflow && text.contains("docker/build-push-action") {
                    let docs = shipshape_syntax::documents::yaml(inv, file).ok();
                    if let Some(docs) = docs {
                        uses.builds
                            .extend(build_push_action_inputs(&file.path, &docs));
                    }
                }
                if bake {
                    uses.builds.extend(bake_targets(&file.path, &text));
                }
                Some(uses)
            })
            .collect();
        for uses in found {
            repo.targets.extend(uses.targets);
            repo.built_images.extend(uses.images);
            for (dockerfile, build) in uses.builds {
                if let Some(t) = &build.target {
                    repo.targets.insert(t.clone());
                }
                repo.builds.entry(dockerfile).or_default().push(build);
            }
        }
        repo
    }

    fn add_project(&mut self, lead: String, project: Project) {
        for f in &project.files {
            self.member_of
                .entry(f.path.clone())
                .or_default()
                .push(lead.clone());
        }
        for (_, service) in project.services() {
            let Some(build) = service.get("build") else {
                continue;
            };
            let (context, dockerfile, target) = match build.as_str() {
                Some(_) => (Some(build), None, None),
                None => (
                    build.get("context"),
                    build.get("dockerfile"),
                    build.get("target"),
                ),
            };
            let context_path = match context {
                Some(c) if c.is_unresolved() => continue,
                Some(c) => project.resolve_path(c, c.as_str().unwrap_or(".")),
                // No context: the project folder.
                None => project.resolve_path(build, "."),
            };
            if context_path.contains("://") || context_path.starts_with("..") {
                continue;
            }
            let dockerfile_path = match dockerfile.and_then(|d| d.as_str()) {
                Some(d) if dockerfile.is_some_and(|n| n.is_unresolved()) => {
                    let _ = d;
                    continue;
                }
                Some(d) => compose::join(&context_path, d),
                None => compose::join(&context_path, "Dockerfile"),
            };
            let target = target
                .filter(|t| !t.is_unresolved())
                .and_then(|t| t.as_str())
                .map(str::to_string);
            if let Some(t) = &target {
                self.targets.insert(t.clone());
            }
            if let Some(image) = service.get("image").filter(|i| !i.is_unresolved()) {
                if let Some(name) = image.as_str() {
                    self.built_images.insert(without_tag(name));
                }
            }
            self.builds
                .entry(dockerfile_path)
                .or_default()
                .push(BuildUse {
                    context: context_path,
                    target,
                    declared_in: project.file_of(build).to_string(),
                });
        }
        self.projects.insert(lead, project);
    }

    /// The project `path` leads, if it leads one.
    pub fn project_led_by(&self, path: &str) -> Option<&Project> {
        self.projects.get(path)
    }

    /// The leads of the projects a compose file belongs to.
    pub fn projects_of(&self, path: &str) -> &[String] {
        self.member_of.get(path).map_or(&[], Vec::as_slice)
    }

    /// How a Dockerfile is built according to compose and bake files (empty: as usual, with
    /// its own folder as context).
    pub fn builds_of(&self, dockerfile: &str) -> &[BuildUse] {
        self.builds.get(dockerfile).map_or(&[], Vec::as_slice)
    }

    /// Whether an image (by name, any tag) is built by the repository itself.
    pub fn builds_image(&self, image: &str) -> bool {
        // A build a compose file tags `alpine` (Compose's own test fixtures do) does not make
        // every `FROM alpine` of the repository a local image: official names stay pulled.
        !is_official_image(&without_tag(image)) && self.built_images.contains(&without_tag(image))
    }

    /// Whether a stage name is built as a target somewhere in the repository.
    pub fn is_target(&self, stage: &str) -> bool {
        self.targets.iter().any(|t| t.eq_ignore_ascii_case(stage))
    }
}

/// Groups compose files into projects: `(lead, files in merge order)`.
///
/// - In each folder, the files `docker compose` reads with no `-f` (`COMPOSE_FILE` of the
///   folder's `.env`, else the main file and its override) are one project, led by the first.
/// - Another compose file that only adds to the services of such a project — it names services
///   the project defines without giving them an image or a build, or it points at services,
///   networks or volumes only the project defines — is an overlay used as `-f main -f overlay`:
///   it leads a project of the nearest such main file (its folder's, else an ancestor's) and
///   itself.
/// - Any other compose file stands alone, unless a project already reads it (through `include`
///   or `extends`).
fn partition_compose(
    composes: &[String],
    read: &dyn Fn(&str) -> Option<String>,
) -> Vec<(String, Vec<String>)> {
    let dirs: BTreeSet<&str> = composes.iter().map(|p| compose::parent(p)).collect();
    let mut defaults: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for dir in dirs {
        let files = compose::default_files(dir, read);
        if !files.is_empty() {
            defaults.insert(dir.to_string(), files);
        }
    }
    let in_default: BTreeSet<&str> = defaults.values().flatten().map(String::as_str).collect();
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for (dir, files) in &defaults {
        // A folder's own default files may still be an overlay of an ancestor's project
        // (`ci/basic/compose.yaml` used as `-f compose.yaml -f ci/basic/compose.yaml`).
        let base = (!dir.is_empty())
            .then(|| {
                let alone = compose::load(files, read);
                ancestors(compose::parent(dir)).find_map(|up| {
                    let main = defaults.get(up)?.first()?;
                    let base = compose::load(std::slice::from_ref(main), read);
                    adds_to(&alone, &base).then(|| main.clone())
                })
            })
            .flatten();
        let mut merged = Vec::new();
        merged.extend(base);
        merged.extend(files.iter().cloned());
        out.push((files[0].clone(), merged));
    }
    // Files a default project reads through include or extends.
    let mut referenced: BTreeSet<String> = BTreeSet::new();
    for (_, files) in &out {
        let p = compose::load(files, read);
        referenced.extend(
            p.files
                .iter()
                .filter(|f| matches!(f.role, FileRole::Extended | FileRole::Included))
                .map(|f| f.path.clone()),
        );
    }
    for path in composes {
        if in_default.contains(path.as_str()) || referenced.contains(path) {
            continue;
        }
        let alone = compose::load(std::slice::from_ref(path), read);
        let base = ancestors(compose::parent(path)).find_map(|dir| {
            let main = defaults.get(dir)?.first()?;
            let base = compose::load(std::slice::from_ref(main), read);
            adds_to(&alone, &base).then(|| main.clone())
        });
        match base {
            Some(main) => out.push((path.clone(), vec![main, path.clone()])),
            None => out.push((path.clone(), vec![path.clone()])),
        }
    }
    out
}

/// `dir`, its parent, …, the root.
fn ancestors(dir: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(dir);
    std::iter::from_fn(move || {
        let cur = next?;
        next = if cur.is_empty() {
            None
        } else {
            Some(compose::parent(cur))
        };
        Some(cur)
    })
}

/// Whether `overlay` is written to be merged onto `base`: it names a service of `base` without
/// defining it, or refers to services, networks or volumes that only `base` defines.
fn adds_to(overlay: &Project, base: &Project) -> bool {
    let defined = |p: &Project, section: &str, name: &str| {
        p.model.get(section).is_some_and(|s| s.get(name).is_some())
    };
    for (key, service) in overlay.services() {
        let Some(name) = key.as_str() else { continue };
        let complete = ["image", "build", "extends"]
            .iter()
            .any(|k| service.get(k).is_some());
        if !complete && defined(base, "services", name) {
            return true;
        }
        let depends: Vec<&str> = match service.get("depends_on") {
            Some(d) if d.is_map() => d.entries().iter().filter_map(|e| e.key.as_str()).collect(),
            Some(d) => d.items().iter().filter_map(|n| n.as_str()).collect(),
            None => Vec::new(),
        };
        if depends
            .iter()
            .any(|d| !defined(overlay, "services", d) && defined(base, "services", d))
        {
            return true;
        }
        let networks: Vec<&str> = match service.get("networks") {
            Some(n) if n.is_map() => n.entries().iter().filter_map(|e| e.key.as_str()).collect(),
            Some(n) => n.items().iter().filter_map(|n| n.as_str()).collect(),
            None => Vec::new(),
        };
        if networks
            .iter()
            .any(|n| !defined(overlay, "networks", n) && defined(base, "networks", n))
        {
            return true;
        }
    }
    false
}

/// Builds a script, Makefile or CI configuration runs: `docker build -f <Dockerfile> … <context>`
/// (any builder spelled with `build` and `-f`/`--file`), and the `file`/`context` inputs of
/// GitHub's `docker/build-push-action`. Paths are relative to the file's folder, for workflows
/// to the repository root. A context given by a variable is left out.
fn scripted_builds(path: &str, text: &str, workflow: bool) -> Vec<(String, BuildUse)> {
    let base = if workflow { "" } else { compose::parent(path) };
    let mut out = Vec::new();
    let joined = text.replace("\\\n", " ");
    for line in joined.lines() {
        if !line.to_ascii_lowercase().contains("build") {
            continue;
        }
        // The command the `-f` belongs to: up to the next `&&`, `;` or `|`.
        let command = line
            .split("&&")
            .flat_map(|c| c.split(';'))
            .flat_map(|c| c.split('|'))
            .find(|c| c.contains(" -f ") || c.contains("--file"));
        let Some(command) = command else { continue };
        let words: Vec<&str> = command
            .split_whitespace()
            .map(|w| w.trim_matches(['"', '\'']))
            .collect();
        let Some(at) = words.iter().position(|w| *w == "-f" || *w == "--file") else {
            continue;
        };
        let Some(dockerfile) = words.get(at + 1) else {
            continue;
        };
        let Some(context) = words.last().filter(|w| {
            at + 1 < words.len() - 1 && !w.starts_with('-') && !w.contains(['$', '=', '`', '{'])
        }) else {
            continue;
        };
        if dockerfile.contains(['$', '`', '{']) {
            continue;
        }
        let context = compose::join(base, context);
        out.push((
            compose::join(base, dockerfile),
            BuildUse {
                context,
                target: None,
                declared_in: path.to_string(),
            },
        ));
    }
    out
}

/// The build a Dockerfile documents in its own comments (`# docker build -t app -f
/// cmd/app/Dockerfile .`, "call this from the repository root"), for a Dockerfile no script,
/// compose or bake file builds. The `-f` path is read from some folder above the Dockerfile:
/// the one where it names this file's folder (the name may be this file's without a suffix,
/// `Dockerfile` for `Dockerfile.cross`). The context is resolved from that folder;
/// `declared_in` is the comment's `path:line`.
pub fn documented_build(path: &str, source: &str) -> Option<BuildUse> {
    let own_dir = compose::parent(path);
    let own_name = compose::name(path);
    // A build command names its file with `-f` or `--file`: a file without one has no such
    // comment, and most comments hold neither.
    // Only the lines holding `-f` are read (found with a SIMD search, not line by line).
    let bytes = source.as_bytes();
    let mut last_start = None;
    memchr::memmem::find_iter(bytes, b"-f").find_map(|at| {
        let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |n| n + 1);
        if last_start.replace(start) == Some(start) {
            return None;
        }
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |n| at + n);
        let line = source.get(start..end)?;
        let line = line.strip_suffix('\r').unwrap_or(line);
        let comment = line.trim_start().strip_prefix('#')?;
        let i = memchr::memchr_iter(b'\n', &bytes[..start]).count();
        let (dockerfile, build) = scripted_builds(path, comment, true).into_iter().next()?;
        let (doc_dir, doc_name) = (compose::parent(&dockerfile), compose::name(&dockerfile));
        if !own_name.starts_with(doc_name) {
            return None;
        }
        let root = if doc_dir.is_empty() {
            own_dir
        } else if own_dir == doc_dir {
            ""
        } else {
            own_dir.strip_suffix(doc_dir)?.strip_suffix('/')?
        };
        Some(BuildUse {
            context: compose::join(root, &build.context),
            target: None,
            declared_in: format!("{path}:{}", i + 1),
        })
    })
}

/// The `context` and `file` inputs of `docker/build-push-action` steps of a workflow's
/// documents.
fn build_push_action_inputs(
    path: &str,
    docs: &[shipshape_syntax::yaml::Node],
) -> Vec<(String, BuildUse)> {
    let mut out = Vec::new();
    for doc in docs {
        let Some(jobs) = doc.get("jobs") else {
            continue;
        };
        for job in jobs.entries() {
            for step in job.value.get("steps").map_or(&[][..], |s| s.items()) {
                let uses = step.get("uses").and_then(|u| u.as_str()).unwrap_or("");
                if !uses.starts_with("docker/build-push-action") {
                    continue;
                }
                let with = step.get("with");
                let input = |k: &str| {
                    with.and_then(|w| w.get(k))
                        .and_then(|v| v.as_str())
                        .filter(|v| !v.contains("${{"))
                        .map(str::to_string)
                };
                let Some(context) = input("context") else {
                    continue;
                };
                let context = compose::join("", &context);
                let dockerfile = input("file").map_or_else(
                    || compose::join(&context, "Dockerfile"),
                    |f| compose::join("", &f),
                );
                out.push((
                    dockerfile,
                    BuildUse {
                        context,
                        target: input("target"),
                        declared_in: path.to_string(),
                    },
                ));
            }
        }
    }
    out
}

/// An image reference without its tag or digest, lower-cased.
fn without_tag(image: &str) -> String {
    let name = image.split('@').next().unwrap_or(image);
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    let name = match name[last_slash..].rfind(':') {
        Some(i) => &name[..last_slash + i],
        None => name,
    };
    name.to_ascii_lowercase()
}

/// Image names given to `-t`/`--tag` of a build on a command line.
fn tagged_images(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        if !line.to_ascii_lowercase().contains("build") {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        for (i, w) in words.iter().enumerate() {
            let value = match *w {
                "-t" | "--tag" => words.get(i + 1).copied(),
                _ => w.strip_prefix("--tag="),
            };
            if let Some(v) = value.map(|v| v.trim_matches(['"', '\''])) {
                if !v.is_empty() && !v.contains(['$', '`', '{']) {
                    out.push(without_tag(v));
                }
            }
        }
    }
    out
}

/// Stage names given to `--target` on a command line (`docker build --target test .`,
/// `--target=prod`) or as a `target:` input (GitHub's build-push-action).
fn command_line_targets(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut rest = line;
        while let Some(i) = rest.find("--target") {
            let after = rest[i + "--target".len()..].trim_start_matches(['=', ' ', '\t']);
            if let Some(name) = stage_name(after) {
                out.push(name);
            }
            rest = &rest[i + "--target".len()..];
        }
        let trimmed = line.trim_start().trim_start_matches("- ");
        if let Some(value) = trimmed.strip_prefix("target:") {
            if let Some(name) = stage_name(value.trim()) {
                out.push(name);
            }
        }
    }
    out
}

/// A stage name at the start of `text`, without quotes; `None` for a variable or nothing.
fn stage_name(text: &str) -> Option<String> {
    let text = text.trim_start_matches(['"', '\'']);
    let name: String = text
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    (!name.is_empty()).then_some(name)
}

/// The targets of a bake file (HCL or JSON, read loosely): `(Dockerfile path, build)` for each
/// `target "name" { … }` block with its `context`, `dockerfile` and `target` attributes.
fn bake_targets(path: &str, text: &str) -> Vec<(String, BuildUse)> {
    let dir = compose::parent(path);
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("target \"") {
        let block = &rest[i..];
        let Some(open) = block.find('{') else { break };
        let mut depth = 0usize;
        let mut end = block.len();
        for (j, c) in block[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + j;
                        break;
                    }
                }
                _ => {}
            }
        }
        let body = &block[open..end];
        let attr = |name: &str| {
            body.lines().find_map(|l| {
                let l = l.trim();
                let v = l.strip_prefix(name)?.trim_start().strip_prefix('=')?.trim();
                let v = v.strip_prefix('"')?;
                let v = &v[..v.find('"')?];
                (!v.contains("${")).then(|| v.to_string())
            })
        };
        let context = compose::join(dir, &attr("context").unwrap_or_else(|| ".".into()));
        let dockerfile = compose::join(
            &context,
            &attr("dockerfile").unwrap_or_else(|| "Dockerfile".into()),
        );
        out.push((
            dockerfile,
            BuildUse {
                context,
                target: attr("target"),
                declared_in: path.to_string(),
            },
        ));
        rest = &block[end.min(block.len())..];
        if end == block.len() {
            break;
        }
    }
    out
}

/// Whether `name` (one component, no tag) is one of Docker Hub's official images, which
/// `FROM name` pulls as `docker.io/library/name` (`data/official_images.txt`, from
/// docker-library/official-images, deprecated names included).
pub fn is_official_image(name: &str) -> bool {
    static OFFICIAL: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
        std::sync::LazyLock::new(|| {
            include_str!("../data/official_images.txt")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .collect()
        });
    OFFICIAL.contains(name.to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_targets_from_command_lines_and_workflow_inputs() {
        let text = "docker build --target test .\nrun: docker buildx build --target=release -t x .\n  target: e2e\n--target \"$STAGE\"\n";
        assert_eq!(command_line_targets(text), ["test", "release", "e2e"]);
    }

    #[test]
    fn reads_the_context_of_scripted_builds() {
        let make = "image:\n\t$(OCI_BUILD) -t $(IMAGE) -f cmd/logcli/Dockerfile .\n\
                    other:\n\tcd x && docker build --file Dockerfile.prod -t y ../ctx && echo ok\n\
                    skip:\n\tdocker build -f $(DOCKERFILE) .\n";
        let found = scripted_builds("Makefile", make, false);
        let pairs: Vec<(String, String)> = found.into_iter().map(|(d, b)| (d, b.context)).collect();
        assert_eq!(
            pairs,
            [
                ("cmd/logcli/Dockerfile".to_string(), "".to_string()),
                ("Dockerfile.prod".to_string(), "../ctx".to_string()),
            ]
        );
        let workflow = "jobs:\n  build:\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          context: ./app\n          file: ./app/docker/Dockerfile\n          target: runtime\n";
        let docs = shipshape_syntax::yaml::parse(workflow).expect("yaml");
        assert!(scripted_builds(".github/workflows/ci.yml", workflow, true).is_empty());
        let found = build_push_action_inputs(".github/workflows/ci.yml", &docs);
        assert_eq!(found[0].0, "app/docker/Dockerfile");
        assert_eq!(found[0].1.context, "app");
        assert_eq!(found[0].1.target.as_deref(), Some("runtime"));
    }

    #[test]
    fn reads_the_build_a_dockerfile_documents_in_a_comment() {
        let text = "ARG GO=1\n# Build it from the repository root:\n# docker build -t acme/api -f cmd/api/Dockerfile .\nFROM golang:1.23\n";
        let found = documented_build("svc/cmd/api/Dockerfile.cross", text).expect("documented");
        assert_eq!(found.context, "svc");
        assert_eq!(found.declared_in, "svc/cmd/api/Dockerfile.cross:3");
        // Another folder's Dockerfile, or no comment: nothing.
        assert!(documented_build("svc/cmd/web/Dockerfile", text).is_none());
        assert!(documented_build("Dockerfile", "FROM x\n# just a note\n").is_none());
        // A Dockerfile at the root of the documented command: its own folder is that root.
        // `-f` in commands and CRLF line ends: only the comment line counts, at its own line.
        let crlf = "FROM x\r\nRUN rm -rf /tmp/a && curl -fsSL u\r\n  # docker build -f cmd/api/Dockerfile -f x .\r\n";
        let found = documented_build("svc/cmd/api/Dockerfile", crlf).expect("documented");
        assert_eq!(found.declared_in, "svc/cmd/api/Dockerfile:3");
        assert_eq!(found.context, "svc");
        let here = "# docker build -f Dockerfile ..\n";
        assert_eq!(
            documented_build("a/b/Dockerfile", here).unwrap().context,
            "a"
        );
    }

    #[test]
    fn reads_bake_targets() {
        let hcl = "target \"image\" {\n  context = \"./app\"\n  dockerfile = \"build/Dockerfile\"\n  target = \"runtime\"\n}\ntarget \"lint\" {\n  target = \"lint\"\n}\n";
        let found = bake_targets("docker-bake.hcl", hcl);
        assert_eq!(found[0].0, "app/build/Dockerfile");
        assert_eq!(found[0].1.target.as_deref(), Some("runtime"));
        assert_eq!(found[1].0, "Dockerfile");
        assert_eq!(found[1].1.target.as_deref(), Some("lint"));
    }

    #[test]
    fn groups_overlays_with_the_project_they_add_to() {
        let files: BTreeMap<&str, &str> = [
            (
                "compose.yaml",
                "services:\n  app:\n    image: a:1\nnetworks:\n  elk: {}\n",
            ),
            (
                "compose.override.yaml",
                "services:\n  app:\n    ports: [\"80:80\"]\n",
            ),
            (
                "ci/basic/compose.yaml",
                "services:\n  app:\n    environment: {X: 1}\n",
            ),
            (
                "extensions/x/x-compose.yml",
                "services:\n  x:\n    image: x:1\n    networks: [elk]\n",
            ),
            (
                "other/docker-compose-alt.yml",
                "services:\n  y:\n    image: y:1\n",
            ),
        ]
        .into_iter()
        .collect();
        let read = |p: &str| files.get(p).map(|s| s.to_string());
        let composes: Vec<String> = files.keys().map(|s| s.to_string()).collect();
        let mut groups = partition_compose(&composes, &read);
        groups.sort();
        assert_eq!(
            groups,
            [
                (
                    "ci/basic/compose.yaml".to_string(),
                    vec![
                        "compose.yaml".to_string(),
                        "ci/basic/compose.yaml".to_string()
                    ]
                ),
                (
                    "compose.yaml".to_string(),
                    vec![
                        "compose.yaml".to_string(),
                        "compose.override.yaml".to_string()
                    ]
                ),
                (
                    "extensions/x/x-compose.yml".to_string(),
                    vec![
                        "compose.yaml".to_string(),
                        "extensions/x/x-compose.yml".to_string()
                    ]
                ),
                (
                    "other/docker-compose-alt.yml".to_string(),
                    vec!["other/docker-compose-alt.yml".to_string()]
                ),
            ]
        );
    }
}
