//! Git history and staged changes, read with gix.
//!
//! History: every commit reachable from any reference (or only those after `--since`), oldest
//! first; each tree is read once and each blob is scanned once, however many commits carry it.
//! The first commit (in time) that reaches a blob is its provenance. Only when a blob holds a
//! finding are the commits carrying it counted, in a second pass over the trees that remembers,
//! per tree, which of those blobs lie below it.
//!
//! Staged: the index against `HEAD`, for pre-commit hooks — blobs that are staged and differ
//! from what `HEAD` has at the same path.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use gix::objs::tree::EntryKind;
use gix::ObjectId;
use rayon::prelude::*;
use shipshape_core::inventory::is_binary;
use shipshape_core::{SkipReason, Skipped};
use shipshape_diagnostics::Finding;

use crate::scan::{in_fixture_dir, BlobScan, Scanner, TreeScan, FIXTURE_MARKER};
use crate::{Progress, Stage};

/// Deepest folder nesting followed; deeper trees are reported, not walked (a crafted repository
/// could otherwise exhaust the stack).
const MAX_DEPTH: usize = 512;

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("{path} is not the root of a git repository ({message}) — --history and --staged read the repository's .git")]
    Open { path: String, message: String },
    #[error("could not resolve --since `{rev}` to a commit: {message}")]
    Since { rev: String, message: String },
    #[error("could not read the git index: {message}")]
    Index { message: String },
}

/// History options.
#[derive(Debug, Clone, Default)]
pub struct HistoryOptions {
    /// Scan only commits not reachable from this revision.
    pub since: Option<String>,
}

pub use shipshape_diagnostics::Provenance;

/// A finding in history.
#[derive(Debug, Clone)]
pub struct HistoryFinding {
    pub finding: Finding,
    pub provenance: Provenance,
}

/// The result of a history scan.
#[derive(Debug, Default, Clone)]
pub struct HistoryScan {
    pub findings: Vec<HistoryFinding>,
    pub commits: usize,
    /// Distinct blobs reachable from the scanned commits.
    pub unique_blobs: usize,
    /// Times a blob was handed to the scanner: at most once per distinct blob.
    pub blobs_scanned: usize,
    pub bytes_scanned: u64,
    pub suppressed: usize,
    /// Blobs on the path allowlist or in fixture folders, not read.
    pub allowed: usize,
    pub binary_blobs: usize,
    /// Blobs over the size cap, or unreadable.
    pub skipped: Vec<Skipped>,
    /// Things the user should know (a shallow clone).
    pub notes: Vec<String>,
    /// Objects that could not be read; the scan went on without them.
    pub errors: Vec<String>,
}

struct CommitMeta {
    id: ObjectId,
    tree: ObjectId,
    author: String,
    date: String,
    time: i64,
}

struct Origin {
    id: ObjectId,
    commit: u32,
    path: String,
    allowed: bool,
}

fn open(root: &Path) -> Result<gix::Repository, HistoryError> {
    gix::open(root).map_err(|e| HistoryError::Open {
        path: root.display().to_string(),
        message: e.to_string(),
    })
}

fn join(prefix: &str, name: &[u8]) -> String {
    let name = String::from_utf8_lossy(name);
    if prefix.is_empty() {
        name.into_owned()
    } else {
        format!("{prefix}/{name}")
    }
}

fn short(id: &ObjectId) -> String {
    id.to_hex_with_len(12).to_string()
}

/// Scan the history of the repository at `root`.
pub fn scan_history(
    root: &Path,
    scanner: &Scanner,
    opts: &HistoryOptions,
    progress: &Progress,
) -> Result<HistoryScan, HistoryError> {
    let mut repo = open(root)?;
    repo.object_cache_size_if_unset(16 * 1024 * 1024);
    let mut out = HistoryScan::default();
    if repo.is_shallow().unwrap_or(false) {
        let n = repo.shallow_commits().ok().flatten().map_or(0, |c| c.len());
        out.notes.push(format!(
            "this is a shallow clone: history before its {n} boundary commit(s) is not in the \
             repository and was not scanned — run `git fetch --unshallow` to scan all of it"
        ));
    }

    // Tips: every reference, peeled to a commit, and HEAD.
    let mut tips: Vec<ObjectId> = Vec::new();
    match repo.references() {
        Ok(platform) => match platform.all() {
            Ok(iter) => {
                for r in iter {
                    let mut r = match r {
                        Ok(r) => r,
                        Err(e) => {
                            out.errors.push(format!("could not read a reference: {e}"));
                            continue;
                        }
                    };
                    let name = r.name().as_bstr().to_string();
                    match r
                        .peel_to_id()
                        .and_then(|id| id.object())
                        .and_then(|o| o.peel_to_commit())
                    {
                        Ok(c) => tips.push(c.id),
                        // Tags of trees or blobs carry no commits; anything else is damage.
                        Err(e) => {
                            if !e.to_string().contains("Expected") {
                                out.errors.push(format!("reference {name}: {e}"));
                            }
                        }
                    }
                }
            }
            Err(e) => out.errors.push(format!("could not list references: {e}")),
        },
        Err(e) => out.errors.push(format!("could not list references: {e}")),
    }
    if let Ok(id) = repo.head_id() {
        tips.push(id.detach());
    }
    tips.sort();
    tips.dedup();

    let mut hidden: Vec<ObjectId> = Vec::new();
    let mut known_trees: HashSet<ObjectId> = HashSet::new();
    let mut known_blobs: HashSet<ObjectId> = HashSet::new();
    if let Some(rev) = &opts.since {
        let since_err = |message: String| HistoryError::Since {
            rev: rev.clone(),
            message,
        };
        let id = repo
            .rev_parse_single(rev.as_str())
            .map_err(|e| since_err(e.to_string()))?;
        let commit = id
            .object()
            .and_then(|o| o.peel_to_commit())
            .map_err(|e| since_err(e.to_string()))?;
        hidden.push(commit.id);
        // What the base revision already holds is not new: its trees and blobs are known.
        let tree = commit.tree_id().map_err(|e| since_err(e.to_string()))?;
        let mut stack = vec![(tree.detach(), 0usize)];
        while let Some((tid, depth)) = stack.pop() {
            if depth > MAX_DEPTH || !known_trees.insert(tid) {
                continue;
            }
            let Ok(tree) = repo.find_tree(tid) else {
                continue;
            };
            for e in tree.iter().flatten() {
                match e.kind() {
                    EntryKind::Tree => stack.push((e.object_id(), depth + 1)),
                    EntryKind::Blob | EntryKind::BlobExecutable => {
                        known_blobs.insert(e.object_id());
                    }
                    _ => {}
                }
            }
        }
    }

    // Commits, oldest first.
    progress.set_stage(Stage::Commits);
    let mut commits: Vec<CommitMeta> = Vec::new();
    if !tips.is_empty() {
        match repo
            .rev_walk(tips.iter().copied())
            .with_hidden(hidden)
            .all()
        {
            Ok(walk) => {
                for info in walk {
                    if progress.is_cancelled() {
                        break;
                    }
                    let info = match info {
                        Ok(i) => i,
                        Err(e) => {
                            out.errors
                                .push(format!("the commit graph could not be walked further: {e}"));
                            break;
                        }
                    };
                    match commit_meta(&repo, info.id) {
                        Ok(m) => commits.push(m),
                        Err(e) => out.errors.push(format!("commit {}: {e}", short(&info.id))),
                    }
                    progress.total.fetch_add(1, Ordering::Relaxed);
                }
            }
            Err(e) => out
                .errors
                .push(format!("the commit graph could not be walked: {e}")),
        }
    }
    commits.sort_by(|a, b| a.time.cmp(&b.time).then(a.id.cmp(&b.id)));
    out.commits = commits.len();

    // Every unique blob, with the first commit and path that reach it.
    let mut seen_trees = known_trees;
    let mut seen_blobs: HashMap<ObjectId, u32> = HashMap::new();
    let mut origins: Vec<Origin> = Vec::new();
    for (ci, c) in commits.iter().enumerate() {
        if progress.is_cancelled() {
            break;
        }
        let mut stack: Vec<(ObjectId, String, bool, usize)> =
            vec![(c.tree, String::new(), false, 0)];
        while let Some((tid, prefix, fixture, depth)) = stack.pop() {
            if depth > MAX_DEPTH {
                out.errors.push(format!(
                    "{prefix}: nested deeper than {MAX_DEPTH} folders, not scanned"
                ));
                continue;
            }
            if !seen_trees.insert(tid) {
                continue;
            }
            let tree = match repo.find_tree(tid) {
                Ok(t) => t,
                Err(e) => {
                    out.errors.push(format!(
                        "tree {} ({}) in commit {}: {e}",
                        short(&tid),
                        if prefix.is_empty() { "/" } else { &prefix },
                        short(&c.id)
                    ));
                    continue;
                }
            };
            let mut entries = Vec::new();
            let mut marked = fixture;
            for e in tree.iter() {
                match e {
                    Ok(e) => {
                        if e.filename() == FIXTURE_MARKER.as_bytes() {
                            marked = true;
                        }
                        entries.push((e.kind(), e.filename().to_vec(), e.object_id()));
                    }
                    Err(err) => {
                        out.errors
                            .push(format!("tree {} could not be decoded: {err}", short(&tid)));
                        break;
                    }
                }
            }
            for (kind, name, oid) in entries {
                match kind {
                    EntryKind::Tree => stack.push((oid, join(&prefix, &name), marked, depth + 1)),
                    EntryKind::Blob | EntryKind::BlobExecutable => {
                        if known_blobs.contains(&oid) || seen_blobs.contains_key(&oid) {
                            continue;
                        }
                        let path = join(&prefix, &name);
                        let allowed = marked || scanner.path_allowed(&path);
                        seen_blobs.insert(oid, origins.len() as u32);
                        origins.push(Origin {
                            id: oid,
                            commit: ci as u32,
                            path,
                            allowed,
                        });
                    }
                    // Symbolic links hold a path, submodules a commit of another repository.
                    EntryKind::Link | EntryKind::Commit => {}
                }
            }
        }
        progress.done.fetch_add(1, Ordering::Relaxed);
    }
    out.unique_blobs = origins.len();

    // Scan each blob once, in parallel.
    progress.set_stage(Stage::Blobs);
    progress
        .total
        .store(origins.len() as u64, Ordering::Relaxed);
    let sync = repo.clone().into_sync();
    let scanned = AtomicUsize::new(0);
    let bytes = AtomicU64::new(0);
    let results: Vec<(usize, BlobOutcome)> = origins
        .par_iter()
        .enumerate()
        .map_init(
            || {
                let mut r = sync.to_thread_local();
                r.object_cache_size_if_unset(4 * 1024 * 1024);
                r
            },
            |repo, (i, o)| {
                // Once cancelled, the blobs not yet started are left.
                if progress.is_cancelled() {
                    return None;
                }
                let outcome = scan_blob(repo, o, scanner, &scanned, &bytes, progress);
                progress.done.fetch_add(1, Ordering::Relaxed);
                Some((i, outcome))
            },
        )
        .flatten()
        .collect();
    if progress.is_cancelled() {
        out.errors.push(format!(
            "the scan was cancelled: {} of {} distinct file versions scanned",
            results.len(),
            origins.len()
        ));
    }
    out.blobs_scanned = scanned.load(Ordering::Relaxed);
    out.bytes_scanned = bytes.load(Ordering::Relaxed);

    // Group by (rule, secret, path): one finding per secret per path, at its first commit.
    let mut groups: Vec<(usize, Finding, Vec<u32>)> = Vec::new();
    let mut group_of: HashMap<(String, Option<u64>, String), usize> = HashMap::new();
    let mut results = results;
    results.sort_by_key(|(i, _)| *i);
    for (i, outcome) in results {
        let o = &origins[i];
        match outcome {
            BlobOutcome::Scanned(s) => {
                out.suppressed += s.suppressed;
                for f in s.findings {
                    let key = (f.rule_id.clone(), f.secret_identity, o.path.clone());
                    match group_of.get(&key) {
                        Some(&g) => {
                            let (first, _, blobs) = &mut groups[g];
                            blobs.push(i as u32);
                            if origins[*first].commit > o.commit {
                                groups[g].0 = i;
                                groups[g].1 = f;
                            }
                        }
                        None => {
                            group_of.insert(key, groups.len());
                            groups.push((i, f, vec![i as u32]));
                        }
                    }
                }
            }
            BlobOutcome::Allowed => out.allowed += 1,
            BlobOutcome::Binary => out.binary_blobs += 1,
            BlobOutcome::Skipped(reason) => out.skipped.push(Skipped {
                path: format!(
                    "{} (blob {}, commit {})",
                    o.path,
                    short(&o.id),
                    short(&commits[o.commit as usize].id)
                ),
                reason,
            }),
            BlobOutcome::Error(e) => out.errors.push(format!(
                "blob {} ({}) could not be read: {e}",
                short(&o.id),
                o.path
            )),
        }
    }

    let counts = if groups.is_empty() {
        Vec::new()
    } else {
        count_carrying_commits(&repo, &commits, &origins, &groups)
    };
    for (g, (first, finding, _)) in groups.into_iter().enumerate() {
        let o = &origins[first];
        let c = &commits[o.commit as usize];
        out.findings.push(HistoryFinding {
            finding,
            provenance: Provenance {
                commit: c.id.to_string(),
                path: o.path.clone(),
                author: c.author.clone(),
                date: c.date.clone(),
                commits: counts.get(g).copied().unwrap_or(0),
                in_working_tree: false,
            },
        });
    }
    out.findings.sort_by(|a, b| {
        (
            &a.finding.location.path,
            a.finding.location.start,
            &a.finding.rule_id,
        )
            .cmp(&(
                &b.finding.location.path,
                b.finding.location.start,
                &b.finding.rule_id,
            ))
    });
    Ok(out)
}

enum BlobOutcome {
    Scanned(BlobScan),
    Allowed,
    Binary,
    Skipped(SkipReason),
    Error(String),
}

fn scan_blob(
    repo: &gix::Repository,
    o: &Origin,
    scanner: &Scanner,
    scanned: &AtomicUsize,
    bytes: &AtomicU64,
    progress: &Progress,
) -> BlobOutcome {
    if o.allowed {
        return BlobOutcome::Allowed;
    }
    // The header gives the size without inflating the object.
    match repo.find_header(o.id) {
        Ok(h) if h.size() > scanner.max_file_size => {
            return BlobOutcome::Skipped(SkipReason::TooLarge {
                size: h.size(),
                limit: scanner.max_file_size,
            })
        }
        Ok(_) => {}
        Err(e) => return BlobOutcome::Error(e.to_string()),
    }
    let blob = match repo.find_blob(o.id) {
        Ok(b) => b,
        Err(e) => return BlobOutcome::Error(e.to_string()),
    };
    if is_binary(&blob.data) {
        return BlobOutcome::Binary;
    }
    scanned.fetch_add(1, Ordering::Relaxed);
    bytes.fetch_add(blob.data.len() as u64, Ordering::Relaxed);
    progress
        .bytes
        .fetch_add(blob.data.len() as u64, Ordering::Relaxed);
    BlobOutcome::Scanned(scanner.scan(&o.path, &blob.data))
}

fn commit_meta(repo: &gix::Repository, id: ObjectId) -> Result<CommitMeta, gix::Error> {
    let commit = repo.find_commit(id)?;
    let tree = commit.tree_id()?.detach();
    let (author, date, time) = match commit.author() {
        Ok(sig) => {
            let t = sig.time().unwrap_or_default();
            let date = t
                .format(gix::date::time::format::ISO8601_STRICT)
                .unwrap_or_else(|_| t.seconds.to_string());
            (
                format!(
                    "{} <{}>",
                    sig.name.to_string().trim(),
                    sig.email.to_string().trim()
                ),
                date,
                t.seconds,
            )
        }
        Err(_) => (String::from("unknown"), String::new(), 0),
    };
    let time = commit.time().map(|t| t.seconds).unwrap_or(time);
    Ok(CommitMeta {
        id,
        tree,
        author,
        date,
        time,
    })
}

/// For every finding group, how many commits carry at least one of its blobs. Each tree is read
/// once; per tree we keep the sorted list of target blobs below it.
fn count_carrying_commits(
    repo: &gix::Repository,
    commits: &[CommitMeta],
    origins: &[Origin],
    groups: &[(usize, Finding, Vec<u32>)],
) -> Vec<usize> {
    // Target blob id → the groups it belongs to.
    let mut targets: HashMap<ObjectId, u32> = HashMap::new();
    let mut target_groups: Vec<Vec<usize>> = Vec::new();
    for (g, (_, _, blobs)) in groups.iter().enumerate() {
        for &b in blobs {
            let id = origins[b as usize].id;
            let t = *targets.entry(id).or_insert_with(|| {
                target_groups.push(Vec::new());
                (target_groups.len() - 1) as u32
            });
            target_groups[t as usize].push(g);
        }
    }
    let mut memo: HashMap<ObjectId, Arc<[u32]>> = HashMap::new();
    let mut counts = vec![0usize; groups.len()];
    let mut hit = vec![usize::MAX; groups.len()];
    for (ci, c) in commits.iter().enumerate() {
        let below = targets_below(repo, c.tree, &targets, &mut memo, 0);
        for &t in below.iter() {
            for &g in &target_groups[t as usize] {
                // A commit counts once per group, however many of the group's blobs it holds.
                if hit[g] != ci {
                    hit[g] = ci;
                    counts[g] += 1;
                }
            }
        }
    }
    counts
}

fn targets_below(
    repo: &gix::Repository,
    tree: ObjectId,
    targets: &HashMap<ObjectId, u32>,
    memo: &mut HashMap<ObjectId, Arc<[u32]>>,
    depth: usize,
) -> Arc<[u32]> {
    if let Some(v) = memo.get(&tree) {
        return Arc::clone(v);
    }
    let mut found: Vec<u32> = Vec::new();
    if depth <= MAX_DEPTH {
        let entries: Vec<(EntryKind, ObjectId)> = match repo.find_tree(tree) {
            Ok(t) => t
                .iter()
                .flatten()
                .map(|e| (e.kind(), e.object_id()))
                .collect(),
            Err(_) => Vec::new(),
        };
        for (kind, oid) in entries {
            match kind {
                EntryKind::Tree => {
                    found.extend(targets_below(repo, oid, targets, memo, depth + 1).iter())
                }
                EntryKind::Blob | EntryKind::BlobExecutable => {
                    if let Some(&t) = targets.get(&oid) {
                        found.push(t);
                    }
                }
                _ => {}
            }
        }
    }
    found.sort_unstable();
    found.dedup();
    let v: Arc<[u32]> = found.into();
    memo.insert(tree, Arc::clone(&v));
    v
}

/// Scan what is staged: index entries whose blob differs from `HEAD` at the same path.
pub fn scan_staged(root: &Path, scanner: &Scanner) -> Result<TreeScan, HistoryError> {
    let repo = open(root)?;
    let index = match repo.open_index() {
        Ok(i) => i,
        Err(e) => {
            // A repository without an index has nothing staged.
            if !repo.index_path().exists() {
                return Ok(TreeScan::default());
            }
            return Err(HistoryError::Index {
                message: e.to_string(),
            });
        }
    };
    let mut head: HashMap<String, ObjectId> = HashMap::new();
    if let Ok(tree) = repo.head_tree_id() {
        let mut stack = vec![(tree.detach(), String::new(), 0usize)];
        while let Some((tid, prefix, depth)) = stack.pop() {
            if depth > MAX_DEPTH {
                continue;
            }
            let Ok(t) = repo.find_tree(tid) else { continue };
            for e in t.iter().flatten() {
                let path = join(&prefix, e.filename());
                match e.kind() {
                    EntryKind::Tree => stack.push((e.object_id(), path, depth + 1)),
                    _ => {
                        head.insert(path, e.object_id());
                    }
                }
            }
        }
    }
    let staged: Vec<(String, ObjectId)> = index
        .entries()
        .iter()
        .filter(|e| !e.mode.contains(gix::index::entry::Mode::COMMIT))
        .filter(|e| e.mode != gix::index::entry::Mode::SYMLINK)
        .map(|e| (e.path(&index).to_string(), e.id))
        .filter(|(p, id)| head.get(p) != Some(id))
        .collect();
    let fixtures: Vec<String> = index
        .entries()
        .iter()
        .map(|e| e.path(&index).to_string())
        .filter(|p| p.rsplit('/').next() == Some(FIXTURE_MARKER))
        .map(|p| {
            p.rsplit_once('/')
                .map_or(String::new(), |(d, _)| d.to_string())
        })
        .collect();
    let mut out = TreeScan::default();
    for (path, id) in staged {
        if scanner.path_allowed(&path) || in_fixture_dir(&path, &fixtures) {
            out.allowed += 1;
            continue;
        }
        let blob = match repo.find_blob(id) {
            Ok(b) => b,
            Err(e) => {
                out.skipped.push(Skipped {
                    path,
                    reason: SkipReason::Unreadable {
                        error: e.to_string(),
                    },
                });
                continue;
            }
        };
        if blob.data.len() as u64 > scanner.max_file_size {
            out.skipped.push(Skipped {
                path,
                reason: SkipReason::TooLarge {
                    size: blob.data.len() as u64,
                    limit: scanner.max_file_size,
                },
            });
            continue;
        }
        if is_binary(&blob.data) {
            out.skipped.push(Skipped {
                path,
                reason: SkipReason::Binary,
            });
            continue;
        }
        let s = scanner.scan(&path, &blob.data);
        out.files_scanned += 1;
        out.bytes_scanned += blob.data.len() as u64;
        out.suppressed += s.suppressed;
        out.findings.extend(s.findings);
    }
    Ok(out)
}
