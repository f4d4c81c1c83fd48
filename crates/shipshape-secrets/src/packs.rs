//! Every object of a repository's pack files decoded exactly once, in parallel: git stores most
//! objects as deltas against other objects, and reading objects one by one inflates a delta's
//! chain of bases again for every object on it. Walking each pack's delta tree instead
//! (gix-pack's `traverse_with_index`) inflates every entry once and hands each decoded object
//! over as it is made.
//!
//! Commits and trees are kept raw (they are small and the history walk needs them all); text
//! blobs are scanned as they are decoded, on scanner threads fed through a bounded queue, with
//! the rules that need no path, and only the few that hold a match are kept, to be scanned again
//! at their path once the history walk has given them one.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::mpsc;

use gix::odb::pack;
use gix::ObjectId;
use shipshape_core::inventory::is_binary;

use crate::scan::Scanner;
use crate::Progress;

/// What reading a blob in the pack found.
pub(crate) enum BlobSeen {
    Binary,
    TooLarge {
        size: u64,
    },
    /// Scanned without a path; nothing found.
    Clean {
        size: u64,
    },
    /// Something was found: the content, to be scanned again at its path.
    Matched {
        content: Vec<u8>,
    },
}

/// Everything the packs hold, decoded once.
#[derive(Default)]
pub(crate) struct PackContents {
    pub commits: HashMap<ObjectId, Box<[u8]>>,
    pub trees: HashMap<ObjectId, Box<[u8]>>,
    pub blobs: HashMap<ObjectId, BlobSeen>,
    /// Packs that could not be read in full; their objects are read one by one instead.
    pub errors: Vec<String>,
}

enum Decoded {
    Commit(ObjectId, Box<[u8]>),
    Tree(ObjectId, Box<[u8]>),
    Blob(ObjectId, BlobSeen),
}

/// Largest object the traversal decodes; bigger ones are skipped by it and read (or reported
/// as too large) one by one.
fn alloc_limit(scanner: &Scanner) -> usize {
    usize::try_from(scanner.max_file_size)
        .unwrap_or(usize::MAX)
        .max(64 * 1024 * 1024)
}

/// Decode every object of every pack in `objects_dir/pack`, counting each in `progress` as it is
/// decoded. A cancelled `progress` stops the traversal; what was decoded so far is returned.
pub(crate) fn read_packs(
    objects_dir: &Path,
    scanner: &Scanner,
    progress: &Progress,
) -> PackContents {
    let mut out = PackContents::default();
    let Ok(dir) = std::fs::read_dir(objects_dir.join("pack")) else {
        return out;
    };
    let mut indices: Vec<_> = dir
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "idx"))
        .collect();
    indices.sort();
    for idx in indices {
        if progress.is_cancelled() {
            break;
        }
        let bundle = match pack::Bundle::at(&idx, gix::hash::Kind::Sha1) {
            Ok(b) => b,
            Err(e) => {
                out.errors.push(format!("{}: {e}", idx.display()));
                continue;
            }
        };
        progress
            .total
            .fetch_add(u64::from(bundle.index.num_objects()), Ordering::Relaxed);
        let (tx, rx) = mpsc::channel::<Decoded>();
        // Text blobs are scanned on threads of their own: the traversal hands out work by delta
        // tree, and a pack whose history is one long chain would otherwise be scanned on one
        // core. The queue is bounded, so a slow scan holds the decoding back instead of piling
        // up copies of blobs.
        let (work, queue) = mpsc::sync_channel::<(ObjectId, Vec<u8>)>(64);
        let queue = std::sync::Mutex::new(queue);
        let max = scanner.max_file_size;
        let result = std::thread::scope(|s| {
            let scanners = std::thread::available_parallelism().map_or(1, |n| n.get());
            for _ in 0..scanners {
                let tx = tx.clone();
                let queue = &queue;
                s.spawn(move || loop {
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok((id, content)) = next else {
                        break;
                    };
                    let _ = tx.send(Decoded::Blob(id, scanned(scanner, content)));
                });
            }
            let tx = tx.clone();
            let processor = move |kind: gix::objs::Kind,
                                  data: &[u8],
                                  entry: &pack::index::Entry,
                                  _: &dyn gix::progress::Progress|
                  -> gix::Result {
                progress.done.fetch_add(1, Ordering::Relaxed);
                let item = match kind {
                    gix::objs::Kind::Commit => Decoded::Commit(entry.oid, data.into()),
                    gix::objs::Kind::Tree => Decoded::Tree(entry.oid, data.into()),
                    gix::objs::Kind::Blob => match seen(max, data) {
                        Some(seen) => Decoded::Blob(entry.oid, seen),
                        None => {
                            // The scanners live until the traversal returns.
                            let _ = work.send((entry.oid, data.to_vec()));
                            return Ok(());
                        }
                    },
                    gix::objs::Kind::Tag => return Ok(()),
                };
                // The receiver lives until the traversal returns.
                let _ = tx.send(item);
                Ok(())
            };
            // The processor (and with it the queue's sender) is dropped when the traversal
            // returns, which lets the scanners finish the queue and stop.
            bundle.index.traverse_with_index(
                &bundle.pack,
                processor,
                &mut gix::progress::Discard,
                progress.cancel_flag(),
                pack::index::traverse::with_index::Options {
                    check: pack::index::traverse::SafetyCheck::SkipFileAndObjectChecksumVerificationAndNoAbortOnDecodeError,
                    thread_limit: None,
                    alloc_limit_bytes: Some(alloc_limit(scanner)),
                },
            )
        });
        drop(tx);
        // A cancelled traversal is not a broken pack.
        match result {
            Err(e) if !progress.is_cancelled() => {
                out.errors.push(format!("{}: {e}", idx.display()));
            }
            _ => {}
        }
        for item in rx.try_iter() {
            match item {
                Decoded::Commit(id, data) => {
                    out.commits.insert(id, data);
                }
                Decoded::Tree(id, data) => {
                    out.trees.insert(id, data);
                }
                Decoded::Blob(id, s) => {
                    out.blobs.insert(id, s);
                }
            }
        }
    }
    out
}

/// What a blob is without scanning it (too large, binary), or `None` for text to scan.
fn seen(max: u64, data: &[u8]) -> Option<BlobSeen> {
    let size = data.len() as u64;
    if size > max {
        return Some(BlobSeen::TooLarge { size });
    }
    is_binary(data).then_some(BlobSeen::Binary)
}

/// A text blob scanned with the rules that need no path.
fn scanned(scanner: &Scanner, content: Vec<u8>) -> BlobSeen {
    if scanner.rules().find(&content).is_empty() {
        BlobSeen::Clean {
            size: content.len() as u64,
        }
    } else {
        BlobSeen::Matched { content }
    }
}
