//! One parallel walk of a repository into an [`Inventory`]: every file classified once, every
//! file that could not be taken recorded as [`Skipped`] with its reason. Nothing here is fatal
//! except a root that does not exist or is not a folder.
//!
//! File contents are read lazily and at most once: YAML is read during the walk (its kind depends
//! on its content); everything else is read the first time a caller asks for it. The guards (size
//! cap, binary sniffing, UTF-8) apply at that read, so a file shipshape never needs costs nothing
//! (the walk does not even stat it) and is never reported as skipped.

use std::any::{Any, TypeId};
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::artifact::{classify_path, classify_yaml, ArtifactKind, Classification};
use crate::config::{Config, ConfigError, DEFAULT_MAX_FILE_SIZE};

/// Folders that hold dependencies, caches or build output, never the repository's own code.
/// They are left out even when no `.gitignore` says so.
pub const ALWAYS_EXCLUDED_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    "bower_components",
    ".venv",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".tox",
    ".terraform",
    ".terragrunt-cache",
    ".next",
    ".nuxt",
    ".svelte-kit",
    ".turbo",
    ".gradle",
    ".idea",
    ".vs",
];

/// How many leading bytes are looked at to decide a file is binary.
const SNIFF_LEN: usize = 8192;

#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error("{path}: no such file or folder — check the path and try again")]
    NotFound { path: String },
    #[error("{path} is a file, not a folder — pass the repository's folder")]
    NotADirectory { path: String },
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// Walk settings; `Default` gives the documented defaults.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    pub max_file_size: u64,
    /// Worker threads for the walk; 0 = one per core.
    pub threads: usize,
    /// Extra gitignore-style patterns to leave out.
    pub exclude: Vec<String>,
    /// Keep the text of the YAML files read to classify them (a run that reads them again —
    /// the audit, the secret scan — wants it). Detection alone needs only what the walk takes
    /// from them (their kind, a manifest's top-level `kind:` values), so `context` leaves the
    /// text to be read again should anything ask, instead of copying tens of MiB of manifests
    /// into memory held to the end.
    pub keep_sniffed_text: bool,
    /// With `keep_sniffed_text` off, a sniffed file's text is still kept when this says it
    /// holds something a later step reads it for; the others are marked as read and found
    /// without it ([`FileEntry::sniffed_unmarked`]), so nothing reads them a second time.
    pub keep_marked: Option<fn(&str) -> bool>,
}

/// Which sniffed text the walk keeps.
#[derive(Clone, Copy)]
struct Keep {
    all: bool,
    marked: Option<fn(&str) -> bool>,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            threads: 0,
            exclude: Vec::new(),
            keep_sniffed_text: true,
            keep_marked: None,
        }
    }
}

/// Why a path was not taken into the inventory, or why its content could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "reason")]
pub enum SkipReason {
    TooLarge {
        size: u64,
        limit: u64,
    },
    Binary,
    InvalidUtf8,
    SymlinkLoop,
    /// Symbolic links are not followed: what they point at may lie outside the repository.
    Symlink,
    PermissionDenied,
    Unreadable {
        error: String,
    },
    /// Read, but its content is not what its name or the caller says it is (a template named
    /// `Dockerfile.template`, a Go file named `dockerfile.go`): not audited, with why.
    NotAudited {
        why: String,
    },
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::TooLarge { size, limit } => write!(
                f,
                "file is {} MiB, over the {} MiB limit (raise [inventory] max_file_size in shipshape.toml to read it)",
                mib(*size),
                mib(*limit)
            ),
            SkipReason::Binary => write!(f, "binary content"),
            SkipReason::InvalidUtf8 => write!(f, "not valid UTF-8 text"),
            SkipReason::SymlinkLoop => write!(f, "symbolic link loop"),
            SkipReason::Symlink => write!(f, "symbolic link, not followed"),
            SkipReason::PermissionDenied => write!(f, "permission denied"),
            SkipReason::Unreadable { error } => write!(f, "could not read: {error}"),
            SkipReason::NotAudited { why } => f.write_str(why),
        }
    }
}

fn mib(bytes: u64) -> String {
    let v = bytes as f64 / (1024.0 * 1024.0);
    if v >= 10.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// A path left out, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Skipped {
    pub path: String,
    #[serde(flatten)]
    pub reason: SkipReason,
}

/// One file of the repository.
#[derive(Debug)]
pub struct FileEntry {
    /// Repository-relative path with `/` separators.
    pub path: String,
    pub kind: ArtifactKind,
    /// Byte offset of the file name in `path` (name and folder are asked for constantly).
    name_start: usize,
    content: OnceLock<Result<Arc<str>, SkipReason>>,
    /// For a YAML file classified by its content as a Kubernetes manifest: the top-level
    /// `kind:` values of its documents with their lines, taken while the walk had the text.
    top_kinds: Option<Box<[KindLine]>>,
    /// Read by the walk, whose [`WalkOptions::keep_marked`] found nothing in it.
    unmarked: bool,
}

impl FileEntry {
    /// The file name (last path component).
    pub fn name(&self) -> &str {
        &self.path[self.name_start..]
    }

    /// The folder the file is in, relative to the root (`""` for the root).
    pub fn dir(&self) -> &str {
        &self.path[..self.name_start.saturating_sub(1)]
    }

    /// For a Kubernetes manifest recognised by its content, the top-level `kind:` values of
    /// its documents and their 1-based lines ([`crate::artifact::top_level_kinds`]), found when
    /// the walk read it. `None` for every other file.
    pub fn top_level_kinds(&self) -> Option<&[KindLine]> {
        self.top_kinds.as_deref()
    }

    /// Whether the walk read this file to classify it and the inventory's
    /// [`WalkOptions::keep_marked`] test found nothing in it: a step that reads files only for
    /// what that test looks for can pass it over without reading it again.
    pub fn sniffed_unmarked(&self) -> bool {
        self.unmarked
    }
}

/// A top-level `kind:` value of a YAML document and its 1-based line.
pub type KindLine = (String, Option<u32>);

/// What reading a YAML file to classify it gives: its kind, a manifest's top-level kinds, and
/// the text when it is kept.
struct Sniffed {
    kind: ArtifactKind,
    top_kinds: Option<Box<[KindLine]>>,
    text: Option<Arc<str>>,
    unmarked: bool,
}

fn sniff_yaml(root: &Path, path: &str, max: u64, keep: Keep) -> Result<Sniffed, SkipReason> {
    read_guarded_with(root, path, max, |text| {
        let kind = classify_yaml(path, text);
        let top_kinds = (kind == ArtifactKind::KubernetesManifest)
            .then(|| crate::artifact::top_level_kinds(text).into_boxed_slice());
        let marked = !keep.all && keep.marked.is_some_and(|marked| marked(text));
        Sniffed {
            kind,
            top_kinds,
            text: (keep.all || marked).then(|| Arc::from(text)),
            unmarked: !keep.all && keep.marked.is_some() && !marked,
        }
    })
}

/// Models derived from the files' texts (a parsed Dockerfile, YAML documents), at most one per
/// file and type: the first caller to ask builds it, every later caller (on any thread) shares
/// it. Each cell is created under a short lock and built outside it, so building one model may
/// ask for another, and files are parsed in parallel. Kept beside the files rather than in each
/// [`FileEntry`], so the hundred thousand files nobody parses cost nothing.
#[derive(Default)]
struct Models(Mutex<HashMap<(usize, TypeId), ModelCell>>);

type ModelCell = Arc<OnceLock<Arc<dyn Any + Send + Sync>>>;

impl Models {
    fn get_or_build<T: Any + Send + Sync>(
        &self,
        file: usize,
        build: impl FnOnce() -> T,
    ) -> Option<Arc<T>> {
        let cell = {
            let mut cells = self.0.lock().unwrap_or_else(|p| p.into_inner());
            Arc::clone(cells.entry((file, TypeId::of::<T>())).or_default())
        };
        let model = cell.get_or_init(|| Arc::new(build()) as Arc<dyn Any + Send + Sync>);
        // The cell was found by `T`'s type id, so it always holds a `T`.
        Arc::clone(model).downcast::<T>().ok()
    }
}

impl std::fmt::Debug for Models {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.0.lock().map_or(0, |cells| cells.len());
        write!(f, "Models({count})")
    }
}

/// Every file of a repository, classified.
#[derive(Debug)]
pub struct Inventory {
    root: PathBuf,
    files: Vec<FileEntry>,
    skipped: Mutex<Vec<Skipped>>,
    options: WalkOptions,
    config: Config,
    models: Models,
}

impl Inventory {
    /// Walk `root` with the options from its `shipshape.toml` (if any). A `shipshape.toml` that
    /// does not parse, or names an unknown section or key, is an error: silently running with
    /// defaults would drop the user's excludes and overrides.
    pub fn open(root: &Path) -> Result<Inventory, WorkspaceError> {
        Inventory::open_keeping(root, true, None)
    }

    /// [`Inventory::open`] for detection alone (`context`): the YAML read to classify it is not
    /// kept (see [`WalkOptions::keep_sniffed_text`]) unless `keep_marked` finds in it what
    /// detection reads such files for.
    pub fn open_for_detection(
        root: &Path,
        keep_marked: Option<fn(&str) -> bool>,
    ) -> Result<Inventory, WorkspaceError> {
        Inventory::open_keeping(root, false, keep_marked)
    }

    fn open_keeping(
        root: &Path,
        keep_sniffed_text: bool,
        keep_marked: Option<fn(&str) -> bool>,
    ) -> Result<Inventory, WorkspaceError> {
        check_root(root)?;
        let config = Config::load(root)?;
        let options = WalkOptions {
            max_file_size: config.max_file_size(),
            threads: 0,
            exclude: config.inventory.exclude.clone(),
            keep_sniffed_text,
            keep_marked,
        };
        let mut inv = Inventory::open_with(root, options)?;
        inv.config = config;
        Ok(inv)
    }

    /// Walk `root` with explicit options and no configuration file.
    pub fn open_with(root: &Path, options: WalkOptions) -> Result<Inventory, WorkspaceError> {
        check_root(root)?;
        let root = root.to_path_buf();
        let (mut files, mut skipped, deferred) = walk(&root, &options);
        files.extend(tracked_but_ignored(&root, &options, &files, &skipped));
        // Paths are unique: an unstable sort gives the one order, on every core.
        files.par_sort_unstable_by(|a, b| a.path.cmp(&b.path));
        reclassify_helm_templates(&mut files);
        sniff_deferred(
            &root,
            &mut files,
            &mut skipped,
            deferred,
            options.max_file_size,
            Keep {
                all: options.keep_sniffed_text,
                marked: options.keep_marked,
            },
        );
        skipped.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(Inventory {
            root,
            files,
            skipped: Mutex::new(skipped),
            options,
            config: Config::default(),
            models: Models::default(),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// All files, sorted by path.
    pub fn files(&self) -> &[FileEntry] {
        &self.files
    }

    /// Files below folder `dir` (`""` or `.` for all), in path order. Paths are sorted, so the
    /// files of one folder are one contiguous run: found by binary search, not a scan.
    pub fn under(&self, dir: &str) -> &[FileEntry] {
        if dir.is_empty() || dir == "." {
            return &self.files;
        }
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        let start = self
            .files
            .partition_point(|f| f.path.as_str() < prefix.as_str());
        let len = self.files[start..].partition_point(|f| f.path.starts_with(&prefix));
        &self.files[start..start + len]
    }

    /// Files of one kind, in path order.
    pub fn of_kind(&self, kind: ArtifactKind) -> impl Iterator<Item = &FileEntry> {
        self.files.iter().filter(move |f| f.kind == kind)
    }

    pub fn get(&self, path: &str) -> Option<&FileEntry> {
        // Paths are sorted: binary search instead of a second copy of every path in a map.
        self.files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.files[i])
    }

    pub fn contains(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    /// The text of a file, read once and cached. `None` when the file could not be taken (it is
    /// then listed in [`Inventory::skipped`]).
    pub fn text(&self, entry: &FileEntry) -> Option<Arc<str>> {
        let result = entry
            .content
            .get_or_init(|| read_guarded(&self.root, &entry.path, self.options.max_file_size));
        match result {
            Ok(text) => Some(Arc::clone(text)),
            Err(reason) => {
                let mut skipped = self.skipped.lock().unwrap_or_else(|p| p.into_inner());
                if !skipped.iter().any(|s| s.path == entry.path) {
                    skipped.push(Skipped {
                        path: entry.path.clone(),
                        reason: reason.clone(),
                    });
                }
                None
            }
        }
    }

    /// Cache the text of `entry` from bytes another reader took from the file, so that it is
    /// not read a second time: the secret scan reads every file, and the audit then needs the
    /// Dockerfiles, workflows and manifests among them. The bytes pass the guards of a read of
    /// the inventory's own (size cap, binary, UTF-8, byte-order mark), so the cache holds what
    /// [`Inventory::text`] would have read. A file read already keeps its text.
    pub fn offer_bytes(&self, entry: &FileEntry, bytes: &[u8]) {
        if entry.content.get().is_none() {
            let text = checked_text(bytes, self.options.max_file_size).map(Arc::from);
            let _ = entry.content.set(text);
        }
    }

    /// The text of a file only if it is at most `limit` bytes: for optional reads (scanning
    /// source for env vars) where a large file is passed over, not reported as skipped.
    pub fn text_limited(&self, entry: &FileEntry, limit: u64) -> Option<Arc<str>> {
        if entry.content.get().is_none() && limit < self.options.max_file_size {
            match read_guarded(&self.root, &entry.path, limit) {
                // Too large for this caller only: leave the file unread for others.
                Err(SkipReason::TooLarge { .. }) => return None,
                result => {
                    let _ = entry.content.set(result);
                }
            }
        }
        self.text(entry)
    }

    /// Like [`Inventory::text_limited`], for a caller that keeps what it derives from the text
    /// (source scanned once for facts): the text is returned but not cached, so the memory of a
    /// large tree's sources is not held to the end of the run. A text cached already is shared;
    /// a read that fails is recorded as for [`Inventory::text`].
    pub fn text_limited_uncached(&self, entry: &FileEntry, limit: u64) -> Option<Arc<str>> {
        if entry.content.get().is_none() && limit < self.options.max_file_size {
            return match read_guarded(&self.root, &entry.path, limit) {
                Ok(text) => Some(text),
                Err(SkipReason::TooLarge { .. }) => None,
                Err(reason) => {
                    let _ = entry.content.set(Err(reason));
                    self.text(entry)
                }
            };
        }
        self.text(entry)
    }

    /// The model of type `T` of a file, built from its text by `build` the first time anyone
    /// asks and shared by every later caller, so each file is parsed at most once per run.
    /// `None` when the text cannot be read (the file is then listed in [`Inventory::skipped`]).
    ///
    /// The cache is keyed by `T` alone: every caller asking for one type must build it the same
    /// way from the text. Parsers own a type per model (`shipshape_syntax::documents`) for that.
    pub fn model<T: Any + Send + Sync>(
        &self,
        entry: &FileEntry,
        build: impl FnOnce(&str) -> T,
    ) -> Option<Arc<T>> {
        let text = self.text(entry)?;
        match self
            .files
            .binary_search_by(|f| f.path.as_str().cmp(&entry.path))
        {
            Ok(file) => self.models.get_or_build(file, || build(&text)),
            // An entry of another inventory: built, but not kept here.
            Err(_) => Some(Arc::new(build(&text))),
        }
    }

    /// The text of the file at `path`, if it is in the inventory and readable.
    pub fn text_of(&self, path: &str) -> Option<Arc<str>> {
        self.get(path).and_then(|e| self.text(e))
    }

    /// Everything skipped so far (the walk's guards plus reads that failed), sorted by path.
    pub fn skipped(&self) -> Vec<Skipped> {
        let mut v = self
            .skipped
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        v.sort_by(|a, b| a.path.cmp(&b.path));
        v
    }

    /// What the walk itself could not look at, sorted by path: a folder it could not open, a
    /// YAML file it could not read to tell what it is. Symbolic links are not among them (they
    /// are never followed, by design). Nobody knows what these hold, so a command that reads
    /// the repository's files lists them as not read instead of passing over them in silence.
    pub fn unexplored(&self) -> Vec<Skipped> {
        self.skipped()
            .into_iter()
            .filter(|s| {
                !matches!(s.reason, SkipReason::Symlink | SkipReason::SymlinkLoop)
                    && !self.contains(&s.path)
            })
            .collect()
    }
}

fn check_root(root: &Path) -> Result<(), WorkspaceError> {
    let display = root.display().to_string();
    match std::fs::metadata(root) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(WorkspaceError::NotADirectory { path: display }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(WorkspaceError::NotFound { path: display })
        }
        Err(e) => Err(WorkspaceError::Io {
            path: display,
            source: e,
        }),
    }
}

enum WalkItem {
    File(FileEntry),
    /// YAML in a `templates/` folder or named `values*`, listed unread: almost always a Helm
    /// template or values file, which is known by its place once the charts are known, and is
    /// not a manifest to sniff (a tree of Helm charts holds thousands). The few that no chart
    /// claims are sniffed after the walk.
    Deferred(FileEntry),
    Skip(Skipped),
}

/// Whether the walk lists the YAML file at `path` unread (see [`WalkItem::Deferred`]): in a
/// `templates/` folder, or named `values*.yaml` (a chart's values, often the largest YAML of
/// a chart repository).
fn sniff_deferred_at_walk(path: &str) -> bool {
    let (parent, name) = path.rsplit_once('/').unwrap_or(("", path));
    parent == "templates" || parent.ends_with("/templates") || name.starts_with("values")
}

/// Sniff the deferred files that no Helm chart claimed as templates, as the walk sniffs YAML:
/// a file that cannot be read as text leaves the list for `skipped`, with the reason.
fn sniff_deferred(
    root: &Path,
    files: &mut Vec<FileEntry>,
    skipped: &mut Vec<Skipped>,
    deferred: Vec<String>,
    max: u64,
    keep: Keep,
) {
    // `files` is sorted by path: each deferred file is found by binary search.
    let unclaimed: Vec<usize> = deferred
        .iter()
        .filter_map(|p| files.binary_search_by(|f| f.path.as_str().cmp(p)).ok())
        .filter(|&i| {
            !matches!(
                files[i].kind,
                ArtifactKind::HelmTemplate | ArtifactKind::HelmValues
            )
        })
        .collect();
    if unclaimed.is_empty() {
        return;
    }
    let sniffed: Vec<(usize, Result<Sniffed, SkipReason>)> = unclaimed
        .into_par_iter()
        .map(|i| (i, sniff_yaml(root, &files[i].path, max, keep)))
        .collect();
    let mut unreadable = HashSet::new();
    for (i, result) in sniffed {
        let f = &mut files[i];
        match result {
            Ok(sniffed) => {
                f.kind = sniffed.kind;
                f.top_kinds = sniffed.top_kinds;
                f.unmarked = sniffed.unmarked;
                if let Some(text) = sniffed.text {
                    let _ = f.content.set(Ok(text));
                }
            }
            Err(reason) => {
                unreadable.insert(i);
                skipped.push(Skipped {
                    path: f.path.clone(),
                    reason,
                });
            }
        }
    }
    if !unreadable.is_empty() {
        let mut i = 0;
        files.retain(|_| {
            i += 1;
            !unreadable.contains(&(i - 1))
        });
    }
}

fn walk(root: &Path, options: &WalkOptions) -> (Vec<FileEntry>, Vec<Skipped>, Vec<String>) {
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .hidden(false)
        .parents(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .ignore(false)
        .follow_links(false)
        .add_custom_ignore_filename(".shipshapeignore")
        .threads(options.threads)
        .filter_entry(|e| {
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            !(is_dir
                && e.file_name()
                    .to_str()
                    .is_some_and(|n| ALWAYS_EXCLUDED_DIRS.contains(&n)))
        });
    if !options.exclude.is_empty() {
        let mut ob = ignore::overrides::OverrideBuilder::new(root);
        for pattern in &options.exclude {
            // Overrides are whitelists; a leading `!` turns a pattern into an exclusion.
            let _ = ob.add(&format!("!{pattern}"));
        }
        if let Ok(ov) = ob.build() {
            builder.overrides(ov);
        }
    }

    let (tx, rx) = std::sync::mpsc::channel::<WalkItem>();
    let max = options.max_file_size;
    let keep = Keep {
        all: options.keep_sniffed_text,
        marked: options.keep_marked,
    };
    builder.build_parallel().run(|| {
        let tx = tx.clone();
        Box::new(move |result| {
            if let Some(item) = visit(root, result, max, keep) {
                let _ = tx.send(item);
            }
            ignore::WalkState::Continue
        })
    });
    drop(tx);

    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let mut deferred = Vec::new();
    for item in rx {
        match item {
            WalkItem::File(f) => files.push(f),
            WalkItem::Deferred(f) => {
                deferred.push(f.path.clone());
                files.push(f);
            }
            WalkItem::Skip(s) => skipped.push(s),
        }
    }
    (files, skipped, deferred)
}

/// Files git tracks that a `.gitignore` pattern matches: git does not ignore a tracked file, so
/// neither does the inventory (a committed `Dockerfile.prod` under an ignored `docker/` folder is
/// part of the repository). Files left out for any other reason — `.shipshapeignore`, the
/// `exclude` setting, dependency folders, symbolic links — stay out.
fn tracked_but_ignored(
    root: &Path,
    options: &WalkOptions,
    files: &[FileEntry],
    skipped: &[Skipped],
) -> Vec<FileEntry> {
    let Some(tracked) = git_index::tracked_files(root) else {
        return Vec::new();
    };
    let seen: std::collections::HashSet<&str> = files
        .iter()
        .map(|f| f.path.as_str())
        .chain(skipped.iter().map(|s| s.path.as_str()))
        .collect();
    let excluded = if options.exclude.is_empty() {
        None
    } else {
        let mut ob = ignore::overrides::OverrideBuilder::new(root);
        for pattern in &options.exclude {
            let _ = ob.add(&format!("!{pattern}"));
        }
        ob.build().ok()
    };
    let mut own_ignores: std::collections::HashMap<String, Option<ignore::gitignore::Gitignore>> =
        std::collections::HashMap::new();
    let mut out = Vec::new();
    for path in tracked {
        if seen.contains(path.as_str())
            || path
                .split('/')
                .any(|part| ALWAYS_EXCLUDED_DIRS.contains(&part))
        {
            continue;
        }
        if excluded
            .as_ref()
            .is_some_and(|o| o.matched(&path, false).is_ignore())
        {
            continue;
        }
        // `.shipshapeignore` in the file's folder or any folder above it.
        let mut dir = path.as_str();
        let mut shipshape_ignored = false;
        loop {
            let parent = dir.rsplit_once('/').map_or("", |(p, _)| p);
            let gi = own_ignores.entry(parent.to_string()).or_insert_with(|| {
                let file = root.join(parent).join(".shipshapeignore");
                file.is_file()
                    .then(|| ignore::gitignore::Gitignore::new(&file).0)
            });
            if let Some(gi) = gi {
                let rel = path[parent.len()..].trim_start_matches('/');
                if gi.matched_path_or_any_parents(rel, false).is_ignore() {
                    shipshape_ignored = true;
                    break;
                }
            }
            if parent.is_empty() {
                break;
            }
            dir = parent;
        }
        if shipshape_ignored {
            continue;
        }
        let full = root.join(&path);
        match std::fs::symlink_metadata(&full) {
            Ok(m) if m.file_type().is_file() => {}
            _ => continue,
        }
        let content = OnceLock::new();
        let mut top_kinds = None;
        let mut unmarked = false;
        let kind = match classify_path(&path) {
            Classification::Known(k) => k,
            Classification::SniffYaml => {
                let keep = Keep {
                    all: options.keep_sniffed_text,
                    marked: options.keep_marked,
                };
                match sniff_yaml(root, &path, options.max_file_size, keep) {
                    Ok(sniffed) => {
                        if let Some(text) = sniffed.text {
                            let _ = content.set(Ok(text));
                        }
                        top_kinds = sniffed.top_kinds;
                        unmarked = sniffed.unmarked;
                        sniffed.kind
                    }
                    Err(reason) => {
                        let _ = content.set(Err(reason));
                        ArtifactKind::Yaml
                    }
                }
            }
        };
        let name_start = path.rfind('/').map_or(0, |i| i + 1);
        out.push(FileEntry {
            name_start,
            path,
            kind,
            content,
            top_kinds,
            unmarked,
        });
    }
    out
}

/// The paths git's index tracks, read from the index file itself (no git process, no library):
/// enough of the format (versions 2 to 4) to list the paths.
mod git_index {
    use std::path::{Path, PathBuf};

    /// The tracked files under `root`, relative to it, if `root` is inside a git work tree.
    pub(super) fn tracked_files(root: &Path) -> Option<Vec<String>> {
        let root = root.canonicalize().ok()?;
        let (work_tree, git_dir) = find_git_dir(&root)?;
        let index = std::fs::read(git_dir.join("index")).ok()?;
        let prefix = root.strip_prefix(&work_tree).ok()?;
        let prefix = prefix
            .to_string_lossy()
            .replace(std::path::MAIN_SEPARATOR, "/");
        let prefix = if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix}/")
        };
        let paths = parse(&index)?;
        Some(
            paths
                .into_iter()
                .filter_map(|p| p.strip_prefix(prefix.as_str()).map(str::to_string))
                .collect(),
        )
    }

    /// The work tree and the git directory of the repository holding `dir`: a `.git` folder, or
    /// a `.git` file pointing at one (worktrees, submodules).
    fn find_git_dir(dir: &Path) -> Option<(PathBuf, PathBuf)> {
        let mut cur = Some(dir);
        while let Some(d) = cur {
            let dot_git = d.join(".git");
            if dot_git.is_dir() {
                return Some((d.to_path_buf(), dot_git));
            }
            if dot_git.is_file() {
                let text = std::fs::read_to_string(&dot_git).ok()?;
                let target = text.trim().strip_prefix("gitdir:")?.trim();
                let git_dir = d.join(target);
                return Some((d.to_path_buf(), git_dir));
            }
            cur = d.parent();
        }
        None
    }

    fn be32(b: &[u8], at: usize) -> Option<u32> {
        Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
    }

    /// The paths of an index file's entries (regular files only: no symbolic links or
    /// submodules).
    pub(super) fn parse(b: &[u8]) -> Option<Vec<String>> {
        if b.get(..4)? != b"DIRC" {
            return None;
        }
        let version = be32(b, 4)?;
        if !(2..=4).contains(&version) {
            return None;
        }
        let count = be32(b, 8)? as usize;
        let mut at = 12;
        let mut out = Vec::with_capacity(count.min(1 << 20));
        let mut previous: Vec<u8> = Vec::new();
        for _ in 0..count {
            let start = at;
            let mode = be32(b, at + 24)?;
            // ctime, mtime, dev, ino, mode, uid, gid, size: 40 bytes; then the SHA-1 and flags.
            at += 40 + 20;
            let flags = u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?);
            at += 2;
            if version >= 3 && flags & 0x4000 != 0 {
                at += 2;
            }
            let path = if version == 4 {
                // A varint: how many bytes of the previous path to drop.
                let mut strip: usize = 0;
                loop {
                    let byte = *b.get(at)?;
                    at += 1;
                    strip = (strip << 7) | usize::from(byte & 0x7f);
                    if byte & 0x80 == 0 {
                        break;
                    }
                    strip += 1;
                }
                let end = at + b.get(at..)?.iter().position(|&c| c == 0)?;
                let keep = previous.len().checked_sub(strip)?;
                let mut path = previous[..keep].to_vec();
                path.extend_from_slice(&b[at..end]);
                at = end + 1;
                path
            } else {
                let end = at + b.get(at..)?.iter().position(|&c| c == 0)?;
                let path = b[at..end].to_vec();
                // Entries are padded with NULs to a multiple of eight bytes.
                let len = end - start + 1;
                at = start + len.div_ceil(8) * 8;
                path
            };
            previous.clone_from(&path);
            let kind = mode >> 12;
            // 0b1000: a regular file; symbolic links (0b1010) and submodules (0b1110) are not.
            if kind == 0b1000 {
                out.push(String::from_utf8(path).ok()?);
            }
        }
        Some(out)
    }
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let s = rel.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

fn visit(
    root: &Path,
    result: Result<ignore::DirEntry, ignore::Error>,
    max: u64,
    keep: Keep,
) -> Option<WalkItem> {
    let entry = match result {
        Ok(e) => e,
        Err(err) => return Some(WalkItem::Skip(skip_from_walk_error(root, &err))),
    };
    let ft = entry.file_type()?;
    if ft.is_dir() {
        return None;
    }
    let path = relative(root, entry.path());
    if path.is_empty() {
        return None;
    }
    if ft.is_symlink() {
        let reason = match std::fs::metadata(entry.path()) {
            Err(e) if e.raw_os_error() == Some(40) => SkipReason::SymlinkLoop,
            _ => SkipReason::Symlink,
        };
        return Some(WalkItem::Skip(Skipped { path, reason }));
    }
    if !ft.is_file() {
        return None;
    }
    let content = OnceLock::new();
    let kind = match classify_path(&path) {
        Classification::Known(k) => k,
        Classification::SniffYaml if sniff_deferred_at_walk(&path) => {
            let name_start = path.rfind('/').map_or(0, |i| i + 1);
            return Some(WalkItem::Deferred(FileEntry {
                name_start,
                path,
                kind: ArtifactKind::Yaml,
                content,
                top_kinds: None,
                unmarked: false,
            }));
        }
        Classification::SniffYaml => match sniff_yaml(root, &path, max, keep) {
            Ok(sniffed) => {
                if let Some(text) = sniffed.text {
                    let _ = content.set(Ok(text));
                }
                let name_start = path.rfind('/').map_or(0, |i| i + 1);
                return Some(WalkItem::File(FileEntry {
                    name_start,
                    path,
                    kind: sniffed.kind,
                    content,
                    top_kinds: sniffed.top_kinds,
                    unmarked: sniffed.unmarked,
                }));
            }
            Err(reason) => return Some(WalkItem::Skip(Skipped { path, reason })),
        },
    };
    let name_start = path.rfind('/').map_or(0, |i| i + 1);
    Some(WalkItem::File(FileEntry {
        name_start,
        path,
        kind,
        content,
        top_kinds: None,
        unmarked: false,
    }))
}

fn skip_from_walk_error(root: &Path, err: &ignore::Error) -> Skipped {
    let mut path = String::new();
    let mut reason = SkipReason::Unreadable {
        error: err.to_string(),
    };
    let mut cur = err;
    loop {
        match cur {
            ignore::Error::WithPath { path: p, err } => {
                path = relative(root, p);
                cur = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                cur = err
            }
            ignore::Error::Loop { child, .. } => {
                path = relative(root, child);
                reason = SkipReason::SymlinkLoop;
                break;
            }
            ignore::Error::Io(io) => {
                reason = reason_from_io(io);
                break;
            }
            _ => break,
        }
    }
    if path.is_empty() {
        path = ".".to_string();
    }
    Skipped { path, reason }
}

fn reason_from_io(err: &std::io::Error) -> SkipReason {
    match err.kind() {
        std::io::ErrorKind::PermissionDenied => SkipReason::PermissionDenied,
        _ if err.raw_os_error() == Some(40) => SkipReason::SymlinkLoop,
        _ => SkipReason::Unreadable {
            error: err.to_string(),
        },
    }
}

/// Read a file with every guard applied: size cap, binary sniffing, UTF-8.
fn read_guarded(root: &Path, rel: &str, max: u64) -> Result<Arc<str>, SkipReason> {
    read_guarded_with(root, rel, max, |text| Arc::from(text))
}

/// [`read_guarded`] handing the checked text to `f` while it is still in the read buffer (a
/// caller that keeps only what it derives from the text copies nothing).
fn read_guarded_with<R>(
    root: &Path,
    rel: &str,
    max: u64,
    f: impl FnOnce(&str) -> R,
) -> Result<R, SkipReason> {
    thread_local! {
        /// One read buffer per thread, reused: a file is read into memory that is already
        /// mapped, and only its text, once checked, is copied into the shared allocation (a
        /// fresh, growing buffer per file cost more in page faults than the reads themselves).
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    /// A buffer grown past this by one large file is given back after it.
    const KEEP: usize = 1 << 20;
    let full = root.join(rel);
    let file = std::fs::File::open(&full).map_err(|e| reason_from_io(&e))?;
    let size = file.metadata().map_err(|e| reason_from_io(&e))?.len();
    if size > max {
        return Err(SkipReason::TooLarge { size, limit: max });
    }
    BUFFER.with(|cell| {
        let mut owned = Vec::new();
        let mut guard = cell.try_borrow_mut().ok();
        let bytes = guard.as_deref_mut().unwrap_or(&mut owned);
        bytes.clear();
        bytes.reserve(size as usize + 1);
        // Read one byte past the cap so a file that grew since the walk is still caught.
        let result = (&file)
            .take(max.saturating_add(1))
            .read_to_end(bytes)
            .map_err(|e| reason_from_io(&e))
            .and_then(|_| checked_text(bytes, max))
            .map(f);
        if bytes.capacity() > KEEP {
            *bytes = Vec::new();
        }
        result
    })
}

/// The text of a file's bytes once every guard holds: size cap, binary sniffing, UTF-8 (a
/// leading byte-order mark removed).
fn checked_text(bytes: &[u8], max: u64) -> Result<&str, SkipReason> {
    if bytes.len() as u64 > max {
        return Err(SkipReason::TooLarge {
            size: bytes.len() as u64,
            limit: max,
        });
    }
    if is_binary(bytes) {
        return Err(SkipReason::Binary);
    }
    // A leading UTF-8 byte-order mark is not content.
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(s) => Ok(s),
        Err(_) => Err(SkipReason::InvalidUtf8),
    }
}

/// A NUL byte in the first 8 KiB marks binary content (the rule git and ripgrep use).
pub fn is_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(SNIFF_LEN)]).is_some()
}

/// YAML under a Helm chart's `templates/` is Go-templated, not a manifest to parse.
///
/// Each file looks its own folders up among the chart folders (a set), outermost first: the work
/// is the files times their depth, not the files times the charts (a repository of Helm charts
/// has hundreds).
fn reclassify_helm_templates(files: &mut [FileEntry]) {
    let chart_dirs: HashSet<String> = files
        .iter()
        .filter(|f| f.kind == ArtifactKind::HelmChart)
        .map(|f| f.dir().to_string())
        .collect();
    if chart_dirs.is_empty() {
        return;
    }
    files.par_iter_mut().for_each(|f| {
        if let Some(kind) = helm_kind(&f.path, &chart_dirs) {
            f.kind = kind;
        }
    });
}

/// What `path` is to the outermost chart folder that holds it as a template or values file.
fn helm_kind(path: &str, chart_dirs: &HashSet<String>) -> Option<ArtifactKind> {
    // The root folder, then every folder of the path from the outside in.
    let folders = std::iter::once(0).chain(path.match_indices('/').map(|(i, _)| i));
    for end in folders {
        let (dir, rest) = if end == 0 {
            ("", path)
        } else {
            (&path[..end], &path[end + 1..])
        };
        if !chart_dirs.contains(dir) {
            continue;
        }
        if rest.starts_with("templates/") {
            return Some(ArtifactKind::HelmTemplate);
        }
        if rest.starts_with("values") && rest.ends_with("ml") {
            return Some(ArtifactKind::HelmValues);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn tree(files: &[(&str, &[u8])]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (p, c) in files {
            let full = dir.path().join(p);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, c).unwrap();
        }
        dir
    }

    /// A git index (version 2) listing `paths` as regular files, as git writes it.
    fn index_v2(paths: &[&str]) -> Vec<u8> {
        let mut b = b"DIRC".to_vec();
        b.extend(2u32.to_be_bytes());
        b.extend((paths.len() as u32).to_be_bytes());
        for p in paths {
            let start = b.len();
            b.extend([0u8; 24]);
            b.extend(0o100644u32.to_be_bytes());
            b.extend([0u8; 12]);
            b.extend([0u8; 20]);
            b.extend((p.len() as u16).to_be_bytes());
            b.extend(p.as_bytes());
            let len = b.len() - start + 1;
            b.extend(std::iter::repeat_n(0u8, len.div_ceil(8) * 8 - (len - 1)));
        }
        b
    }

    #[test]
    fn tracked_files_are_taken_even_when_a_gitignore_matches_them() {
        let dir = tree(&[
            (".gitignore", b"docker/\nbuild/\n"),
            ("docker/Dockerfile.prod", b"FROM alpine:3.20\n"),
            ("build/output.log", b"untracked, ignored\n"),
            (".shipshapeignore", b"legacy/\n"),
            ("legacy/Dockerfile", b"FROM alpine:3.20\n"),
            ("node_modules/x/Dockerfile", b"FROM alpine:3.20\n"),
        ]);
        fs::create_dir_all(dir.path().join(".git")).unwrap();
        fs::write(
            dir.path().join(".git/index"),
            index_v2(&[
                ".gitignore",
                ".shipshapeignore",
                "docker/Dockerfile.prod",
                "legacy/Dockerfile",
                "node_modules/x/Dockerfile",
            ]),
        )
        .unwrap();
        let inv = Inventory::open(dir.path()).unwrap();
        assert!(inv.contains("docker/Dockerfile.prod"), "{:?}", inv.files());
        assert_eq!(
            inv.get("docker/Dockerfile.prod").unwrap().kind,
            ArtifactKind::Dockerfile
        );
        // Untracked and ignored; or left out by shipshape's own ignore file or folder list.
        assert!(!inv.contains("build/output.log"));
        assert!(!inv.contains("legacy/Dockerfile"));
        assert!(!inv.contains("node_modules/x/Dockerfile"));
    }

    #[test]
    fn reads_index_versions_2_and_4() {
        assert_eq!(
            git_index::parse(&index_v2(&["a/b.txt", "a/c.txt"])).unwrap(),
            ["a/b.txt", "a/c.txt"]
        );
        // Version 4: each path drops bytes of the previous one and adds a suffix.
        let mut v4 = b"DIRC".to_vec();
        v4.extend(4u32.to_be_bytes());
        v4.extend(2u32.to_be_bytes());
        for (strip, suffix) in [(0u8, "src/main.rs"), (7u8, "lib.rs")] {
            v4.extend([0u8; 24]);
            v4.extend(0o100644u32.to_be_bytes());
            v4.extend([0u8; 32]);
            v4.extend((suffix.len() as u16).to_be_bytes());
            v4.push(strip);
            v4.extend(suffix.as_bytes());
            v4.push(0);
        }
        assert_eq!(
            git_index::parse(&v4).unwrap(),
            ["src/main.rs", "src/lib.rs"]
        );
        assert!(git_index::parse(b"not an index").is_none());
    }

    #[test]
    fn classifies_every_file_once_in_path_order() {
        let dir = tree(&[
            ("Dockerfile", b"FROM alpine:3.20\n"),
            (
                "k8s/deploy.yaml",
                b"apiVersion: apps/v1\nkind: Deployment\n",
            ),
            ("chart/Chart.yaml", b"apiVersion: v2\nname: x\n"),
            (
                "chart/templates/deploy.yaml",
                b"apiVersion: apps/v1\nkind: {{ .Values.kind }}\n",
            ),
            ("chart/values.yaml", b"replicas: 1\n"),
            ("src/main.rs", b"fn main() {}\n"),
            (".github/workflows/ci.yml", b"on: push\n"),
        ]);
        let inv = Inventory::open(dir.path()).unwrap();
        let kinds: Vec<(&str, ArtifactKind)> = inv
            .files()
            .iter()
            .map(|f| (f.path.as_str(), f.kind))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (".github/workflows/ci.yml", ArtifactKind::GithubWorkflow),
                ("Dockerfile", ArtifactKind::Dockerfile),
                ("chart/Chart.yaml", ArtifactKind::HelmChart),
                ("chart/templates/deploy.yaml", ArtifactKind::HelmTemplate),
                ("chart/values.yaml", ArtifactKind::HelmValues),
                ("k8s/deploy.yaml", ArtifactKind::KubernetesManifest),
                ("src/main.rs", ArtifactKind::Source),
            ]
        );
    }

    #[test]
    fn bytes_offered_by_another_reader_are_the_text_and_pass_the_same_guards() {
        let dir = tree(&[
            ("Dockerfile", b"FROM scratch\n"),
            ("a/Dockerfile", b"FROM scratch\n"),
            ("b/Dockerfile", b"FROM scratch\n"),
            ("c/Dockerfile", b"FROM scratch\n"),
        ]);
        let inv = Inventory::open(dir.path()).unwrap();
        let entry = |p: &str| inv.get(p).unwrap();
        // The offered bytes are what the inventory serves: the file is not read again.
        inv.offer_bytes(entry("Dockerfile"), b"FROM alpine\n");
        assert_eq!(
            inv.text(entry("Dockerfile")).as_deref(),
            Some("FROM alpine\n")
        );
        // A text cached already stays.
        inv.offer_bytes(entry("Dockerfile"), b"FROM busybox\n");
        assert_eq!(
            inv.text(entry("Dockerfile")).as_deref(),
            Some("FROM alpine\n")
        );
        // The guards of the inventory's own read: byte-order mark, binary, UTF-8.
        inv.offer_bytes(entry("a/Dockerfile"), b"\xEF\xBB\xBFFROM alpine\n");
        assert_eq!(
            inv.text(entry("a/Dockerfile")).as_deref(),
            Some("FROM alpine\n")
        );
        inv.offer_bytes(entry("b/Dockerfile"), b"FROM\x00");
        assert_eq!(inv.text(entry("b/Dockerfile")), None);
        inv.offer_bytes(entry("c/Dockerfile"), b"FROM \xFF\n");
        assert_eq!(inv.text(entry("c/Dockerfile")), None);
        let reasons: Vec<_> = inv
            .skipped()
            .into_iter()
            .map(|s| (s.path, s.reason))
            .collect();
        assert!(reasons.contains(&("b/Dockerfile".into(), SkipReason::Binary)));
        assert!(reasons.contains(&("c/Dockerfile".into(), SkipReason::InvalidUtf8)));
    }

    #[test]
    fn chart_templates_and_values_are_known_by_place_and_not_read_by_the_walk() {
        let dir = tree(&[
            ("chart/Chart.yaml", b"apiVersion: v2\nname: web\n"),
            ("chart/values.yaml", b"replicas: 3\n"),
            ("chart/templates/deploy.yaml", b"kind: {{ .Values.kind }}\n"),
            // Not a chart's: sniffed after the walk, and held to the walk's rules.
            (
                "deploy/templates/job.yaml",
                b"apiVersion: batch/v1\nkind: Job\n",
            ),
            ("deploy/templates/blob.yaml", b"\x00\x01binary"),
            ("ops/values.yaml", b"apiVersion: v1\nkind: ConfigMap\n"),
        ]);
        let inv = Inventory::open(dir.path()).unwrap();
        let unread = |p: &str| inv.get(p).unwrap().content.get().is_none();
        assert!(unread("chart/values.yaml"));
        assert!(unread("chart/templates/deploy.yaml"));
        assert!(!unread("deploy/templates/job.yaml"));
        assert_eq!(
            inv.get("ops/values.yaml").unwrap().kind,
            ArtifactKind::KubernetesManifest
        );
        // An unclaimed file that is no text leaves the list for `skipped`, as in the walk.
        assert!(inv.get("deploy/templates/blob.yaml").is_none());
        let skipped = inv.skipped();
        assert!(skipped
            .iter()
            .any(|s| s.path == "deploy/templates/blob.yaml" && s.reason == SkipReason::Binary));
        // Read when asked, once.
        let text = inv.text(inv.get("chart/values.yaml").unwrap()).unwrap();
        assert_eq!(&*text, "replicas: 3\n");
    }

    #[test]
    fn detection_keeps_a_manifests_kinds_not_its_text() {
        let manifest: &[u8] =
            b"apiVersion: apps/v1\nkind: Deployment\n---\napiVersion: v1\nkind: Service\n";
        let dir = tree(&[
            ("k8s/app.yaml", manifest),
            ("config.yaml", b"name: x\n"),
            // Sniffed after the walk (not a chart's template): the same holds there.
            (
                "deploy/templates/job.yaml",
                b"apiVersion: batch/v1\nkind: Job\n",
            ),
        ]);
        let kinds = |inv: &Inventory, p: &str| -> Option<Vec<(String, Option<u32>)>> {
            inv.get(p).unwrap().top_level_kinds().map(<[_]>::to_vec)
        };
        let expected = Some(vec![
            ("Deployment".to_string(), Some(2)),
            ("Service".to_string(), Some(5)),
        ]);
        for keep in [true, false] {
            let inv = if keep {
                Inventory::open(dir.path()).unwrap()
            } else {
                Inventory::open_for_detection(dir.path(), None).unwrap()
            };
            assert_eq!(kinds(&inv, "k8s/app.yaml"), expected, "keep {keep}");
            assert_eq!(
                kinds(&inv, "deploy/templates/job.yaml"),
                Some(vec![("Job".to_string(), Some(2))])
            );
            assert_eq!(kinds(&inv, "config.yaml"), None);
            let cached = inv.get("k8s/app.yaml").unwrap().content.get().is_some();
            assert_eq!(cached, keep, "the text is kept only when asked for");
            // Not kept, it is still there to read.
            let text = inv.text(inv.get("k8s/app.yaml").unwrap()).unwrap();
            assert_eq!(text.as_bytes(), manifest);
        }
    }

    #[test]
    fn detection_keeps_the_text_its_test_marks_and_flags_the_rest_as_read() {
        let dir = tree(&[
            (
                "k8s/ecr.yaml",
                b"apiVersion: v1
kind: Pod
spec:
  image: 1.dkr.ecr.x/app
" as &[u8],
            ),
            (
                "k8s/plain.yaml",
                b"apiVersion: v1
kind: Pod
",
            ),
            // Deferred to after the walk (beside a chart): the same holds there.
            (
                "deploy/templates/job.yaml",
                b"apiVersion: batch/v1
kind: Job
",
            ),
            (
                "deploy/templates/ecr.yaml",
                b"kind: Job
apiVersion: v1
# ecr
",
            ),
        ]);
        fn marked(text: &str) -> bool {
            text.contains("ecr")
        }
        let inv = Inventory::open_for_detection(dir.path(), Some(marked)).unwrap();
        for (path, kept) in [
            ("k8s/ecr.yaml", true),
            ("k8s/plain.yaml", false),
            ("deploy/templates/job.yaml", false),
            ("deploy/templates/ecr.yaml", true),
        ] {
            let f = inv.get(path).unwrap();
            assert_eq!(f.content.get().is_some(), kept, "{path}");
            assert_eq!(f.sniffed_unmarked(), !kept, "{path}");
        }
        // Kept whole, or opened without a test: nothing is flagged.
        let all = Inventory::open(dir.path()).unwrap();
        assert!(all.files().iter().all(|f| !f.sniffed_unmarked()));
        let none = Inventory::open_for_detection(dir.path(), None).unwrap();
        assert!(none.files().iter().all(|f| !f.sniffed_unmarked()));
    }

    #[test]
    fn templates_and_values_of_nested_charts_belong_to_their_chart() {
        let dir = tree(&[
            ("charts/web/Chart.yaml", b"apiVersion: v2\nname: web\n"),
            ("charts/web/values-prod.yaml", b"replicas: 3\n"),
            ("charts/web/ci/values.yaml", b"replicas: 1\n"),
            (
                "charts/web/charts/db/Chart.yaml",
                b"apiVersion: v2\nname: db\n",
            ),
            ("charts/web/charts/db/values.yaml", b"size: 1Gi\n"),
            (
                "charts/web/charts/db/templates/sts.yaml",
                b"kind: {{ .Values.kind }}\n",
            ),
            (
                "deploy/templates/job.yaml",
                b"apiVersion: batch/v1\nkind: Job\n",
            ),
        ]);
        let inv = Inventory::open(dir.path()).unwrap();
        let kind = |p: &str| inv.get(p).unwrap().kind;
        assert_eq!(
            kind("charts/web/values-prod.yaml"),
            ArtifactKind::HelmValues
        );
        assert_ne!(kind("charts/web/ci/values.yaml"), ArtifactKind::HelmValues);
        assert_eq!(
            kind("charts/web/charts/db/values.yaml"),
            ArtifactKind::HelmValues
        );
        assert_eq!(
            kind("charts/web/charts/db/templates/sts.yaml"),
            ArtifactKind::HelmTemplate
        );
        // A `templates/` folder outside any chart is not a chart's.
        assert_eq!(
            kind("deploy/templates/job.yaml"),
            ArtifactKind::KubernetesManifest
        );
    }

    #[test]
    fn honours_gitignore_and_shipshapeignore_and_skips_dependency_folders() {
        let dir = tree(&[
            (".gitignore", b"dist/\n"),
            (".shipshapeignore", b"legacy/\n"),
            ("dist/app.js", b"x"),
            ("legacy/old.py", b"x"),
            ("node_modules/left-pad/index.js", b"x"),
            ("app.py", b"x"),
        ]);
        let inv = Inventory::open(dir.path()).unwrap();
        let paths: Vec<&str> = inv.files().iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, vec![".gitignore", ".shipshapeignore", "app.py"]);
    }

    /// The inventory of `dir` with a 1 KiB file-size limit.
    fn open_capped_at_1k(dir: &tempfile::TempDir) -> Inventory {
        let options = WalkOptions {
            max_file_size: 1024,
            ..Default::default()
        };
        Inventory::open_with(dir.path(), options).unwrap()
    }

    #[test]
    fn guards_record_a_reason_and_never_fail_the_walk() {
        let dir = tree(&[
            ("big.yaml", &[b'a'; 2048]),
            ("image.yaml", b"\x89PNG\0\0\0"),
            ("latin1.yaml", b"name: caf\xe9\n"),
            ("ok.yaml", b"a: 1\n"),
        ]);
        let inv = open_capped_at_1k(&dir);
        let reasons: Vec<(String, SkipReason)> = inv
            .skipped()
            .into_iter()
            .map(|s| (s.path, s.reason))
            .collect();
        assert_eq!(
            reasons,
            vec![
                (
                    "big.yaml".into(),
                    SkipReason::TooLarge {
                        size: 2048,
                        limit: 1024
                    }
                ),
                ("image.yaml".into(), SkipReason::Binary),
                ("latin1.yaml".into(), SkipReason::InvalidUtf8),
            ]
        );
        assert_eq!(inv.files().len(), 1);
        // None of the three is a file of the inventory: every reader has to list them.
        assert_eq!(inv.unexplored(), inv.skipped());
    }

    /// What the walk could not look at is "unexplored"; a file it listed whose read failed
    /// later, and a symbolic link (never followed), are not.
    #[cfg(unix)]
    #[test]
    fn unexplored_is_what_the_walk_could_not_look_at() {
        let dir = tree(&[
            ("big.yaml", &[b'a'; 2048]),
            ("Dockerfile", &[b'a'; 2048]),
            ("ok.yaml", b"a: 1\n"),
        ]);
        std::os::unix::fs::symlink("ok.yaml", dir.path().join("link.yaml")).unwrap();
        let inv = open_capped_at_1k(&dir);
        assert_eq!(inv.text_of("Dockerfile"), None);
        let paths = |v: Vec<Skipped>| v.into_iter().map(|s| s.path).collect::<Vec<_>>();
        assert_eq!(
            paths(inv.skipped()),
            ["Dockerfile", "big.yaml", "link.yaml"]
        );
        assert_eq!(paths(inv.unexplored()), ["big.yaml"]);
    }

    #[test]
    fn a_model_is_built_once_however_many_callers_ask() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        struct Lines(usize);
        struct Words(usize);
        let dir = tree(&[("Dockerfile", b"FROM alpine:3.20\nUSER app\n")]);
        let inv = Inventory::open(dir.path()).unwrap();
        let entry = inv.get("Dockerfile").unwrap();
        let builds = AtomicUsize::new(0);
        let lines = |text: &str| {
            builds.fetch_add(1, Ordering::SeqCst);
            Lines(text.lines().count())
        };
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(|| inv.model(entry, lines).unwrap());
            let b = s.spawn(|| inv.model(entry, lines).unwrap());
            (a.join().unwrap(), b.join().unwrap())
        });
        assert_eq!(builds.load(Ordering::SeqCst), 1);
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(a.0, 2);
        // Another type is another model of the same file.
        let words = inv
            .model(entry, |t| Words(t.split_whitespace().count()))
            .unwrap();
        assert_eq!(words.0, 4);
        assert_eq!(builds.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn an_unreadable_file_has_no_model() {
        let dir = tree(&[("notes.txt", b"\xff\xfe bad")]);
        let inv = Inventory::open(dir.path()).unwrap();
        let entry = inv.get("notes.txt").unwrap();
        assert!(inv.model(entry, |t| t.len()).is_none());
    }

    #[test]
    fn lazy_reads_record_failures_once() {
        let dir = tree(&[("notes.txt", b"\xff\xfe bad")]);
        let inv = Inventory::open(dir.path()).unwrap();
        let entry = inv.get("notes.txt").unwrap();
        assert!(inv.text(entry).is_none());
        assert!(inv.text(entry).is_none());
        assert_eq!(inv.skipped().len(), 1);
        assert_eq!(inv.skipped()[0].reason, SkipReason::InvalidUtf8);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_skipped_not_followed() {
        let dir = tree(&[("a/file.txt", b"x")]);
        std::os::unix::fs::symlink("../a", dir.path().join("a/loop")).unwrap();
        std::os::unix::fs::symlink("self", dir.path().join("self")).unwrap();
        let inv = Inventory::open(dir.path()).unwrap();
        let skipped = inv.skipped();
        assert!(skipped
            .iter()
            .any(|s| s.path == "self" && s.reason == SkipReason::SymlinkLoop));
        assert!(skipped
            .iter()
            .any(|s| s.path == "a/loop" && s.reason == SkipReason::Symlink));
    }

    #[test]
    fn rejects_missing_root_and_file_root() {
        let dir = tree(&[("f.txt", b"x")]);
        assert!(matches!(
            Inventory::open(&dir.path().join("nope")),
            Err(WorkspaceError::NotFound { .. })
        ));
        assert!(matches!(
            Inventory::open(&dir.path().join("f.txt")),
            Err(WorkspaceError::NotADirectory { .. })
        ));
    }
}
