//! Git history and staged changes, read with gix.
//!
//! History: every commit reachable from any reference (or only those after `--since`), and
//! every tree or blob a reference names directly, oldest commit first. The work is split so that
//! every object is inflated once and every phase but the ordering runs on all cores:
//!
//! 1. the commit graph is walked, and the commits read in parallel;
//! 2. every reachable tree is read once, level by level in parallel, and kept raw in memory;
//! 3. one pass over the commits, oldest first, gives each blob its first commit and path (its
//!    provenance) — in memory, nothing inflated;
//! 4. each blob is scanned once, in parallel, versions of a file one after another on one thread
//!    so their delta bases stay in that thread's cache;
//! 5. only when a blob holds a finding are the commits carrying it counted, over the trees in
//!    memory.
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
use shipshape_diagnostics::{Finding, SharedStr};

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
    /// The reference naming a tree or a blob through which alone the secret is reachable
    /// (`git tag keys HEAD^{tree}`): then `provenance.commit` is the object it names.
    pub reference: Option<String>,
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

/// A commit, or a reference that names a tree or a blob (then `reference` is set and `root`
/// is that tree or blob).
struct CommitMeta {
    id: ObjectId,
    root: ObjectId,
    author: String,
    date: String,
    time: i64,
    reference: Option<String>,
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

/// Every reference peeled through its tags: the commits to walk from, and the references that
/// name a tree or a blob (`git tag keys HEAD^{tree}`, `refs/replace/…`), whose blobs are
/// reachable too.
struct Tips {
    commits: Vec<ObjectId>,
    /// (reference name, the object it names, the tree or blob that object peels to, its kind)
    others: Vec<(String, ObjectId, ObjectId, gix::objs::Kind)>,
}

fn collect_tips(repo: &gix::Repository, errors: &mut Vec<String>, notes: &mut Vec<String>) -> Tips {
    let mut tips = Tips {
        commits: Vec::new(),
        others: Vec::new(),
    };
    let platform = match repo.references() {
        Ok(p) => p,
        Err(e) => {
            errors.push(format!("could not list references: {e}"));
            return tips;
        }
    };
    let iter = match platform.all() {
        Ok(i) => i,
        Err(e) => {
            errors.push(format!("could not list references: {e}"));
            return tips;
        }
    };
    for r in iter {
        let mut r = match r {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("could not read a reference: {e}"));
                continue;
            }
        };
        let name = r.name().as_bstr().to_string();
        let named = r.target().try_id().map(|id| id.to_owned());
        // A symbolic reference to a reference that is gone (`origin/HEAD` after the remote
        // was removed) names no object: nothing is left unread, so git skips it with a
        // warning, and so does the scan.
        if let Some(target) = r.target().try_name().map(|n| n.to_owned()) {
            if matches!(repo.try_find_reference(target.as_ref()), Ok(None)) {
                notes.push(format!(
                    "reference {name} points to {}, which does not exist: skipped, as git does",
                    target.as_bstr()
                ));
                continue;
            }
        }
        let peeled = match r.peel_to_id() {
            Ok(id) => id.detach(),
            Err(e) => {
                errors.push(format!("reference {name}: {e}"));
                continue;
            }
        };
        match repo.find_header(peeled) {
            Ok(h) => match h.kind() {
                gix::objs::Kind::Commit => tips.commits.push(peeled),
                kind @ (gix::objs::Kind::Tree | gix::objs::Kind::Blob) => {
                    tips.others
                        .push((name, named.unwrap_or(peeled), peeled, kind));
                }
                gix::objs::Kind::Tag => {
                    errors.push(format!("reference {name}: a tag that never ends"))
                }
            },
            Err(e) => errors.push(format!(
                "reference {name} names {}, which could not be read: {e}",
                short(&peeled)
            )),
        }
    }
    if let Ok(id) = repo.head_id() {
        tips.commits.push(id.detach());
    }
    tips.commits.sort();
    tips.commits.dedup();
    tips.others.sort_by(|a, b| a.0.cmp(&b.0));
    tips
}

/// A repository handle for a worker thread, with a cache of inflated delta bases so a chain of
/// deltas is inflated once, not once per object that needs it.
fn worker_repo(sync: &gix::ThreadSafeRepository) -> gix::Repository {
    let mut repo = sync.to_thread_local();
    repo.objects.set_pack_cache(|| {
        Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
            PACK_CACHE_BYTES,
        ))
    });
    repo
}

/// Bytes of inflated delta bases each worker keeps.
const PACK_CACHE_BYTES: usize = 32 * 1024 * 1024;

/// Objects a worker takes from the shared queue at a time: consecutive items (versions of one
/// file, trees of one level) stay on one thread and share its delta-base cache.
const BATCH: usize = 16;

/// Run `work` over `items` on every rayon thread, each with its own repository handle, taking
/// batches of consecutive items from a shared queue. Results come back in no particular order.
fn par_with_repo<T: Sync, R: Send>(
    sync: &gix::ThreadSafeRepository,
    items: &[T],
    work: impl Fn(&gix::Repository, &T) -> R + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let workers = rayon::current_num_threads().clamp(1, items.len().div_ceil(BATCH).max(1));
    (0..workers)
        .into_par_iter()
        .map(|_| {
            let repo = worker_repo(sync);
            let mut done = Vec::new();
            loop {
                let from = next.fetch_add(BATCH, Ordering::Relaxed);
                if from >= items.len() {
                    break;
                }
                for item in &items[from..(from + BATCH).min(items.len())] {
                    done.push(work(&repo, item));
                }
            }
            done
        })
        .flatten()
        .collect()
}

/// Every commit reachable from `tips` and not from `hidden`, read in parallel, oldest first.
fn walk_commits(
    repo: &gix::Repository,
    sync: &gix::ThreadSafeRepository,
    tips: &[ObjectId],
    hidden: Vec<ObjectId>,
    preloaded: &HashMap<ObjectId, Box<[u8]>>,
    errors: &mut Vec<String>,
    progress: &Progress,
) -> Vec<CommitMeta> {
    let mut ids: Vec<ObjectId> = Vec::new();
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
                    match info {
                        Ok(i) => ids.push(i.id),
                        Err(e) => {
                            errors
                                .push(format!("the commit graph could not be walked further: {e}"));
                            break;
                        }
                    }
                }
            }
            Err(e) => errors.push(format!("the commit graph could not be walked: {e}")),
        }
    }
    progress.total.store(ids.len() as u64, Ordering::Relaxed);
    let metas = par_with_repo(sync, &ids, |repo, id| {
        let read = preloaded
            .get(id)
            .and_then(|data| commit_meta_from_bytes(*id, data))
            .map_or_else(|| commit_meta(repo, *id), Ok);
        (*id, read)
    });
    let mut commits = Vec::with_capacity(metas.len());
    for (id, m) in metas {
        match m {
            Ok(m) => commits.push(m),
            Err(e) => errors.push(format!("commit {}: {e}", short(&id))),
        }
    }
    commits.sort_by(|a, b| a.time.cmp(&b.time).then(a.id.cmp(&b.id)));
    commits
}

/// The raw bytes of every tree reachable from the roots, read once each, level by level in
/// parallel; trees that could not be read, with why. Raw trees are compact (about what they
/// take in the pack, inflated) and parse without allocation.
struct TreeStore {
    trees: HashMap<ObjectId, Box<[u8]>>,
    failed: HashMap<ObjectId, String>,
}

/// A tree's raw bytes, or why it could not be read.
type TreeRead = Result<Box<[u8]>, String>;

impl TreeStore {
    fn load(
        sync: &gix::ThreadSafeRepository,
        roots: impl IntoIterator<Item = ObjectId>,
        known: &HashSet<ObjectId>,
        mut preloaded: HashMap<ObjectId, Box<[u8]>>,
    ) -> TreeStore {
        let mut store = TreeStore {
            trees: HashMap::new(),
            failed: HashMap::new(),
        };
        let mut frontier: Vec<ObjectId> =
            roots.into_iter().filter(|t| !known.contains(t)).collect();
        frontier.sort();
        frontier.dedup();
        let mut depth = 0;
        while !frontier.is_empty() && depth <= MAX_DEPTH {
            // Trees the packs already gave are taken as they are; the rest (loose objects,
            // alternates) are read one by one.
            let mut read: Vec<(ObjectId, TreeRead)> = Vec::new();
            let mut missing = Vec::new();
            for id in frontier {
                match preloaded.remove(&id) {
                    Some(data) => read.push((id, Ok(data))),
                    None => missing.push(id),
                }
            }
            read.extend(par_with_repo(sync, &missing, |repo, id| {
                (
                    *id,
                    repo.find_tree(*id)
                        .map(|t| t.detach().data.into_boxed_slice())
                        .map_err(|e| e.to_string()),
                )
            }));
            let mut next = Vec::new();
            for (id, tree) in read {
                match tree {
                    Ok(data) => {
                        for e in gix::objs::TreeRefIter::from_bytes(&data, gix::hash::Kind::Sha1)
                            .flatten()
                        {
                            if e.mode.is_tree() {
                                let sub = e.oid.to_owned();
                                if !known.contains(&sub) && !store.trees.contains_key(&sub) {
                                    next.push(sub);
                                }
                            }
                        }
                        store.trees.insert(id, data);
                    }
                    Err(e) => {
                        store.failed.insert(id, e);
                    }
                }
            }
            next.sort();
            next.dedup();
            next.retain(|t| !store.trees.contains_key(t) && !store.failed.contains_key(t));
            frontier = next;
            depth += 1;
        }
        store
    }
}

/// Entries of a raw tree: kind, name, object.
fn entries(data: &[u8]) -> impl Iterator<Item = Result<(EntryKind, &[u8], ObjectId), String>> {
    gix::objs::TreeRefIter::from_bytes(data, gix::hash::Kind::Sha1).map(|e| {
        e.map(|e| {
            let name: &[u8] = e.filename;
            (e.mode.kind(), name, e.oid.to_owned())
        })
        .map_err(|err| err.to_string())
    })
}

/// When the scan was cancelled, say where it stopped (the counters of the stage it was in are left
/// as they are, for the caller's "stopped early" line) and return true: the later stages are not
/// started.
fn stopped(out: &mut HistoryScan, progress: &Progress, what: &str) -> bool {
    if !progress.is_cancelled() {
        return false;
    }
    out.errors.push(format!(
        "the scan was cancelled: {} of {} {what}",
        progress.done.load(Ordering::Relaxed),
        progress.total.load(Ordering::Relaxed)
    ));
    true
}

/// Scan the history of the repository at `root`.
pub fn scan_history(
    root: &Path,
    scanner: &Scanner,
    opts: &HistoryOptions,
    progress: &Progress,
) -> Result<HistoryScan, HistoryError> {
    let mut repo = open(root)?;
    repo.objects.set_pack_cache(|| {
        Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
            PACK_CACHE_BYTES,
        ))
    });
    let sync = repo.clone().into_sync();
    let mut out = HistoryScan::default();
    if repo.is_shallow().unwrap_or(false) {
        let n = repo.shallow_commits().ok().flatten().map_or(0, |c| c.len());
        out.notes.push(format!(
            "this is a shallow clone: history before its {n} boundary commit(s) is not in the \
             repository and was not scanned — run `git fetch --unshallow` to scan all of it"
        ));
    }
    let tips = collect_tips(&repo, &mut out.errors, &mut out.notes);

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
        let base = TreeStore::load(&sync, [tree.detach()], &HashSet::new(), HashMap::new());
        for (id, data) in &base.trees {
            known_trees.insert(*id);
            for (kind, _, oid) in entries(data).flatten() {
                if matches!(kind, EntryKind::Blob | EntryKind::BlobExecutable) {
                    known_blobs.insert(oid);
                }
            }
        }
    }

    // A whole-history scan reads every object anyway: decode each pack once, in parallel. A scan
    // since a revision reads few objects, one by one.
    let mut packed = if opts.since.is_none() {
        progress.set_stage(Stage::Objects);
        let p = crate::packs::read_packs(repo.objects.store_ref().path(), scanner, progress);
        for e in &p.errors {
            out.notes.push(format!(
                "pack {e}; its objects were read one by one instead"
            ));
        }
        p
    } else {
        crate::packs::PackContents::default()
    };
    if stopped(&mut out, progress, "pack objects decoded") {
        return Ok(out);
    }

    progress.set_stage(Stage::Commits);
    let packed_commits = std::mem::take(&mut packed.commits);
    let mut commits = walk_commits(
        &repo,
        &sync,
        &tips.commits,
        hidden,
        &packed_commits,
        &mut out.errors,
        progress,
    );
    drop(packed_commits);
    out.commits = commits.len();
    if stopped(&mut out, progress, "commits read") {
        return Ok(out);
    }
    // References to trees and blobs come after every commit: a blob a commit also carries is
    // attributed to that commit.
    let real_commits = commits.len();
    if opts.since.is_none() {
        for (name, named, root, _) in &tips.others {
            let (author, date, time) = tagger(&repo, *named);
            commits.push(CommitMeta {
                id: *named,
                root: *root,
                author,
                date,
                time,
                reference: Some(name.clone()),
            });
        }
    }
    let blob_roots: HashSet<ObjectId> = tips
        .others
        .iter()
        .filter(|r| r.3 == gix::objs::Kind::Blob)
        .map(|r| r.2)
        .collect();

    let store = TreeStore::load(
        &sync,
        commits
            .iter()
            .filter(|c| !blob_roots.contains(&c.root))
            .map(|c| c.root),
        &known_trees,
        std::mem::take(&mut packed.trees),
    );

    // Every unique blob, with the first commit and path that reach it: commits oldest first,
    // each tree walked once.
    let mut seen_trees = known_trees;
    let mut seen_blobs: HashSet<ObjectId> = HashSet::new();
    let mut origins: Vec<Origin> = Vec::new();
    for (ci, c) in commits.iter().enumerate() {
        if progress.is_cancelled() {
            break;
        }
        if c.reference.is_some() && blob_roots.contains(&c.root) {
            // A reference naming a blob: the blob has no path; the reference stands for it.
            if !known_blobs.contains(&c.root) && seen_blobs.insert(c.root) {
                origins.push(Origin {
                    id: c.root,
                    commit: ci as u32,
                    path: c.reference.clone().unwrap_or_default(),
                    allowed: false,
                });
            }
            continue;
        }
        let mut stack: Vec<(ObjectId, String, bool, usize)> =
            vec![(c.root, String::new(), false, 0)];
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
            let Some(data) = store.trees.get(&tid) else {
                let why = store.failed.get(&tid).map_or("not read", String::as_str);
                out.errors.push(format!(
                    "tree {} ({}) in commit {}: {why}",
                    short(&tid),
                    if prefix.is_empty() { "/" } else { &prefix },
                    short(&c.id)
                ));
                continue;
            };
            let mut marked = fixture;
            let mut listed = Vec::new();
            for e in entries(data) {
                match e {
                    Ok(e) => {
                        if e.1 == FIXTURE_MARKER.as_bytes() {
                            marked = true;
                        }
                        listed.push(e);
                    }
                    Err(err) => {
                        out.errors
                            .push(format!("tree {} could not be decoded: {err}", short(&tid)));
                        break;
                    }
                }
            }
            for (kind, name, oid) in listed {
                match kind {
                    EntryKind::Tree => stack.push((oid, join(&prefix, name), marked, depth + 1)),
                    EntryKind::Blob | EntryKind::BlobExecutable => {
                        if known_blobs.contains(&oid) || !seen_blobs.insert(oid) {
                            continue;
                        }
                        let path = join(&prefix, name);
                        let allowed = marked || scanner.path_allowed(&path);
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
        if c.reference.is_none() {
            progress.done.fetch_add(1, Ordering::Relaxed);
        }
    }
    out.unique_blobs = origins.len();
    if stopped(&mut out, progress, "commits walked") {
        return Ok(out);
    }

    // Scan each blob once, in parallel. Versions of one file are delta-compressed against each
    // other, newest as the base: taking them one after another, newest first, on one thread lets
    // each delta base be inflated once and found in that thread's cache for the next version.
    progress.set_stage(Stage::Blobs);
    progress
        .total
        .store(origins.len() as u64, Ordering::Relaxed);
    let mut order: Vec<usize> = (0..origins.len()).collect();
    order.sort_by(|&a, &b| {
        (&origins[a].path, std::cmp::Reverse(origins[a].commit))
            .cmp(&(&origins[b].path, std::cmp::Reverse(origins[b].commit)))
    });
    let scanned = AtomicUsize::new(0);
    let bytes = AtomicU64::new(0);
    let mut results: Vec<(usize, BlobOutcome)> = par_with_repo(&sync, &order, |repo, &i| {
        // Once cancelled, the blobs not yet started are left.
        if progress.is_cancelled() {
            return None;
        }
        let o = &origins[i];
        let outcome = match packed.blobs.get(&o.id) {
            _ if o.allowed => BlobOutcome::Allowed,
            Some(seen) => from_pack(repo, o, seen, scanner, &scanned, &bytes, progress),
            None => scan_blob(repo, o, scanner, &scanned, &bytes, progress),
        };
        progress.done.fetch_add(1, Ordering::Relaxed);
        Some((i, outcome))
    })
    .into_iter()
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
    let mut group_of: HashMap<(SharedStr, Option<u64>, String), usize> = HashMap::new();
    results.sort_by_key(|(i, _)| *i);
    for (i, outcome) in results {
        let o = &origins[i];
        match outcome {
            BlobOutcome::Scanned(s) => {
                out.suppressed += s.suppressed;
                for f in s.findings {
                    let key = (f.rule_id.clone(), f.secret_identity(), o.path.clone());
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
        count_carrying_commits(&store, &commits[..real_commits], &origins, &groups)
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
            reference: c.reference.clone(),
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

/// The outcome for a blob the pack traversal has already read: its scan without a path is
/// redone at the blob's path when it found something, or when a rule limited to that path
/// applies (then the blob is read again).
fn from_pack(
    repo: &gix::Repository,
    o: &Origin,
    seen: &crate::packs::BlobSeen,
    scanner: &Scanner,
    scanned: &AtomicUsize,
    bytes: &AtomicU64,
    progress: &Progress,
) -> BlobOutcome {
    use crate::packs::BlobSeen;
    let count = |size: u64| {
        scanned.fetch_add(1, Ordering::Relaxed);
        bytes.fetch_add(size, Ordering::Relaxed);
        progress.bytes.fetch_add(size, Ordering::Relaxed);
    };
    match seen {
        BlobSeen::Binary => BlobOutcome::Binary,
        BlobSeen::TooLarge { size } => BlobOutcome::Skipped(SkipReason::TooLarge {
            size: *size,
            limit: scanner.max_file_size,
        }),
        BlobSeen::Matched { content } => {
            count(content.len() as u64);
            BlobOutcome::Scanned(scanner.scan(&o.path, content))
        }
        BlobSeen::Clean { .. } if scanner.rules().has_path_rules_for(&o.path) => {
            scan_blob(repo, o, scanner, scanned, bytes, progress)
        }
        BlobSeen::Clean { size } => {
            count(*size);
            BlobOutcome::Scanned(BlobScan::default())
        }
    }
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

fn signature_text(sig: &gix::actor::SignatureRef<'_>) -> (String, String, i64) {
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

/// A commit's metadata from its raw bytes (read from a pack).
fn commit_meta_from_bytes(id: ObjectId, data: &[u8]) -> Option<CommitMeta> {
    let commit = gix::objs::CommitRef::from_bytes(data, gix::hash::Kind::Sha1).ok()?;
    let author = commit
        .author()
        .map_or_else(|_| String::from("unknown"), |sig| signature_text(&sig).0);
    let (date, time) = match commit.committer() {
        Ok(sig) => {
            let (_, date, time) = signature_text(&sig);
            (date, time)
        }
        Err(_) => (String::new(), 0),
    };
    Some(CommitMeta {
        id,
        root: commit.tree(),
        author,
        date,
        time,
        reference: None,
    })
}

fn commit_meta(repo: &gix::Repository, id: ObjectId) -> Result<CommitMeta, gix::Error> {
    let commit = repo.find_commit(id)?;
    let tree = commit.tree_id()?.detach();
    let author = match commit.author() {
        Ok(sig) => signature_text(&sig).0,
        Err(_) => String::from("unknown"),
    };
    // The commit date orders history and dates the provenance: it is when the commit entered
    // the history, whatever date its author wrote it on.
    let (date, time) = match commit.committer() {
        Ok(sig) => {
            let (_, date, time) = signature_text(&sig);
            (date, time)
        }
        Err(_) => (String::new(), 0),
    };
    Ok(CommitMeta {
        id,
        root: tree,
        author,
        date,
        time,
        reference: None,
    })
}

/// Who tagged, and when, for an annotated tag; nothing for a lightweight one.
fn tagger(repo: &gix::Repository, named: ObjectId) -> (String, String, i64) {
    let Ok(obj) = repo.find_object(named) else {
        return (String::new(), String::new(), 0);
    };
    if obj.kind != gix::objs::Kind::Tag {
        return (String::new(), String::new(), 0);
    }
    match obj.into_tag().tagger() {
        Ok(Some(sig)) => signature_text(&sig),
        _ => (String::new(), String::new(), 0),
    }
}

/// For every finding group, how many commits carry at least one of its blobs. Trees come from
/// the store; per tree we remember the sorted list of target blobs below it.
fn count_carrying_commits(
    store: &TreeStore,
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
        let below = targets_below(store, c.root, &targets, &mut memo, 0);
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
    store: &TreeStore,
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
        if let Some(data) = store.trees.get(&tree) {
            for (kind, _, oid) in entries(data).flatten() {
                match kind {
                    EntryKind::Tree => {
                        found.extend(targets_below(store, oid, targets, memo, depth + 1).iter())
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
