//! Secret scanning: provider rules kept as data ([`rules`], `data/rules.toml`), a matching
//! engine that runs a rule's regex only where one of its keywords occurs and decodes base64
//! around encoded token prefixes ([`engine`]), credential files read as their formats
//! ([`formats`]), structural checks of keys and tokens ([`checks`]), the filters that keep
//! placeholders out ([`filter`]), findings built by the shared diagnostics model so they never
//! carry a whole secret ([`scan`]), scans of the working tree, the staged changes and the whole
//! git history, whose packs are decoded once ([`history`]), and one report of them ([`report`]).

pub mod base64;
pub mod checks;
pub mod config;
pub mod engine;
pub mod filter;
pub mod formats;
mod gate;
pub mod history;
mod packs;
mod par;
pub mod report;
pub mod rules;
pub mod scan;

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};

pub use config::SecretsConfig;

/// Start building the built-in rule set (the rules file parsed, the keyword automaton), the
/// built-in path allowlist and the rules' catalog on a thread of its own, so that they are ready
/// when the command asks for them, then compile the regexes nearly every repository needs ([`rules::COMPILED_AHEAD`]): a
/// command calls this before it walks the repository, and the two overlap. Returns at once;
/// calling it twice, or after the set is built, costs nothing.
pub fn warm_up() {
    warm_up_after(|| {});
}

/// [`warm_up`], with `first` run on the same thread before the rest (what else the command
/// needs soon: one thread, not one per crate, each with its own stack and allocator pages).
/// `first` is dropped unrun if the warm-up had started already.
pub fn warm_up_after(first: impl FnOnce() + Send + 'static) {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        let _ = std::thread::Builder::new()
            .name("secret-rules".into())
            .spawn(|| {
                first();
                // In the order a command asks for them: the allowlist and the catalog when it
                // sets up, the rules when it scans.
                scan::builtin_allow_globs();
                rules::builtin_catalog();
                RuleSet::builtin_ref().compile_ahead();
            });
    });
}
pub use engine::{RawMatch, RuleSet};
pub use history::{
    scan_history, scan_staged, HistoryFinding, HistoryOptions, HistoryScan, Provenance,
};
pub use report::{add_history, tree_report};
pub use rules::{Rule, RuleOrigin};
pub use scan::{redact, scan_tree, scan_tree_sharing, BlobScan, Scanner, TreeScan, FIXTURE_MARKER};

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("{0}")]
    Config(String),
    #[error(transparent)]
    Settings(#[from] shipshape_core::ConfigError),
    #[error(transparent)]
    History(#[from] history::HistoryError),
}

/// What a scan is doing, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Stage {
    Files = 0,
    Commits = 1,
    Blobs = 2,
    /// A whole-history scan decoding the repository's pack files, each object once.
    Objects = 3,
}

impl Stage {
    /// What the stage counts, for a progress line: "files", "commits", "blobs", "objects".
    pub fn noun(self) -> &'static str {
        match self {
            Stage::Files => "files",
            Stage::Commits => "commits",
            Stage::Blobs => "blobs",
            Stage::Objects => "objects",
        }
    }
}

/// Counters a scan updates as it goes; a caller may read them from another thread to draw a
/// progress bar. The library never draws anything itself. [`Progress::cancel`] asks a history
/// scan to stop early (an MCP client cancelled the call, or its time ran out).
#[derive(Debug, Default)]
pub struct Progress {
    stage: AtomicU8,
    /// Items (files, commits, blobs or pack objects) to do in the current stage, when known.
    pub total: AtomicU64,
    pub done: AtomicU64,
    /// Bytes scanned so far, all stages.
    pub bytes: AtomicU64,
    cancelled: AtomicBool,
}

impl Progress {
    pub fn stage(&self) -> Stage {
        match self.stage.load(Ordering::Relaxed) {
            1 => Stage::Commits,
            2 => Stage::Blobs,
            3 => Stage::Objects,
            _ => Stage::Files,
        }
    }

    /// Ask the scan to stop: a history scan then returns what it has, with an error saying it was
    /// cancelled.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// The flag [`Progress::cancel`] sets, for a library loop that polls one.
    pub(crate) fn cancel_flag(&self) -> &AtomicBool {
        &self.cancelled
    }

    pub(crate) fn set_stage(&self, stage: Stage) {
        self.stage.store(stage as u8, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
        self.total.store(0, Ordering::Relaxed);
    }
}
