//! From matches to findings: the path allowlist, inline suppressions, redaction and the
//! fingerprint, and the scan of a working tree.
//!
//! Redaction happens here, once: a [`Finding`] made by this module never holds a whole secret —
//! its message and snippet show a short prefix and the length — so no renderer, log line or
//! error message downstream can leak one.

use std::io::Read;
use std::path::Path;
use std::sync::atomic::Ordering;

use globset::{Glob, GlobSet, GlobSetBuilder};
use rayon::prelude::*;
use regex::bytes::Regex;
use shipshape_core::inventory::is_binary;
use shipshape_core::text::Span;
use shipshape_core::{FileEntry, Inventory, SkipReason, Skipped};
use shipshape_diagnostics::suppress::{self, CommentStyle, RuleNames};
use shipshape_diagnostics::{Domain, Finding, FindingBuilder};

pub use shipshape_diagnostics::redact::redact;

use crate::config::SecretsConfig;
use crate::engine::RuleSet;
use crate::rules::{self, Rule, RuleOrigin};
use crate::{Progress, SecretsError};

/// A folder holding a file with this name is test data: the credentials below it are fake by
/// declaration and never reported.
pub const FIXTURE_MARKER: &str = ".shipshape-fixtures";

/// Paths whose content is generated or third-party: lockfiles (integrity hashes), vendored
/// code, minified bundles and source maps.
const BUILTIN_ALLOW_PATHS: &[&str] = &[
    "**/package-lock.json",
    "**/npm-shrinkwrap.json",
    "**/yarn.lock",
    "**/pnpm-lock.yaml",
    "**/bun.lock",
    "**/Cargo.lock",
    "**/poetry.lock",
    "**/Pipfile.lock",
    "**/pdm.lock",
    "**/uv.lock",
    "**/composer.lock",
    "**/Gemfile.lock",
    "**/go.sum",
    "**/gradle.lockfile",
    "**/packages.lock.json",
    "**/flake.lock",
    "**/mix.lock",
    "**/pubspec.lock",
    "**/Podfile.lock",
    "**/.terraform.lock.hcl",
    "**/*.min.js",
    "**/*.min.css",
    "**/*.js.map",
    "**/*.css.map",
    "**/*.min.map",
    "vendor/**",
    "**/vendor/**",
    "third_party/**",
    "**/third_party/**",
    "**/node_modules/**",
    "**/.git/**",
];

/// Which paths are never reported.
#[derive(Debug, Clone)]
pub struct PathAllowlist {
    /// The globs of [`BUILTIN_ALLOW_PATHS`], compiled once per process ([`builtin_allow_globs`]).
    builtin: &'static GlobSet,
    /// A repository's own `allow_paths`, if any.
    extra: Option<GlobSet>,
    patterns: Vec<Regex>,
}

/// The built-in path allowlist, compiled on first use and shared: its set of globs takes a
/// regex compilation (half a millisecond), which [`crate::warm_up`] does beside the walk.
pub(crate) fn builtin_allow_globs() -> &'static GlobSet {
    static GLOBS: std::sync::OnceLock<GlobSet> = std::sync::OnceLock::new();
    GLOBS.get_or_init(|| {
        let mut b = GlobSetBuilder::new();
        for g in BUILTIN_ALLOW_PATHS {
            // The crate's tests build this set: a failure here is a bug in this build.
            b.add(Glob::new(g).unwrap_or_else(|e| panic!("built-in allow path `{g}`: {e}")));
        }
        b.build()
            .unwrap_or_else(|e| panic!("built-in allow paths: {e}"))
    })
}

impl PathAllowlist {
    /// The built-in list plus `extra` globs and `regexes` (gitleaks-style path patterns).
    pub fn new(extra: &[String], regexes: &[String]) -> Result<PathAllowlist, SecretsError> {
        let extra = if extra.is_empty() {
            None
        } else {
            let mut b = GlobSetBuilder::new();
            for g in extra {
                let glob =
                    Glob::new(g).map_err(|e| SecretsError::Config(format!("allow_paths: {e}")))?;
                b.add(glob);
            }
            Some(
                b.build()
                    .map_err(|e| SecretsError::Config(format!("allow_paths: {e}")))?,
            )
        };
        let patterns = regexes
            .iter()
            .map(|p| {
                rules::compile_pattern(p)
                    .map_err(|e| SecretsError::Config(format!("allowlist path `{p}`: {e}")))
            })
            .collect::<Result<_, _>>()?;
        Ok(PathAllowlist {
            builtin: builtin_allow_globs(),
            extra,
            patterns,
        })
    }

    pub fn allows(&self, path: &str) -> bool {
        self.builtin.is_match(path)
            || self.extra.as_ref().is_some_and(|g| g.is_match(path))
            || self.patterns.iter().any(|p| p.is_match(path.as_bytes()))
    }
}

/// Whether `path` lies below one of the fixture folders `dirs` (`""` is the root).
pub fn in_fixture_dir(path: &str, dirs: &[String]) -> bool {
    dirs.iter().any(|d| {
        d.is_empty()
            || (path.len() > d.len()
                && path.starts_with(d.as_str())
                && path.as_bytes()[d.len()] == b'/')
    })
}

/// Rules, allowlist and options: everything needed to turn bytes into findings.
#[derive(Debug, Clone)]
pub struct Scanner {
    rules: Rules,
    allow: PathAllowlist,
    /// Report findings even where an inline comment suppresses them.
    pub no_ignores: bool,
    /// Files and blobs larger than this are skipped and reported as such.
    pub max_file_size: u64,
}

/// The rules of a scanner: the built-in set, compiled on first use (a run that scans nothing,
/// such as an audit without secret rules, never compiles it), or a set of its own.
#[derive(Debug, Clone)]
enum Rules {
    Builtin,
    Own(RuleSet),
}

/// Findings of one file or blob.
#[derive(Debug, Default, Clone)]
pub struct BlobScan {
    pub findings: Vec<Finding>,
    /// Matches silenced by an inline comment.
    pub suppressed: usize,
}

impl Scanner {
    /// The built-in rules with the built-in path allowlist.
    pub fn builtin() -> Scanner {
        Scanner {
            rules: Rules::Builtin,
            allow: PathAllowlist::new(&[], &[])
                .unwrap_or_else(|e| panic!("built-in allowlist: {e}")),
            no_ignores: false,
            max_file_size: shipshape_core::config::DEFAULT_MAX_FILE_SIZE,
        }
    }

    /// The scanner a repository asks for: built-in rules minus the disabled ones, plus the
    /// rules of `[secrets]` in its `shipshape.toml` and of a gitleaks configuration (the one
    /// named there, or `gitleaks` when given). Returns notes about rules that were not taken.
    pub fn for_repository(
        root: &Path,
        config: &shipshape_core::Config,
        gitleaks: Option<&Path>,
    ) -> Result<(Scanner, Vec<String>), SecretsError> {
        let cfg = SecretsConfig::from_config(config)?;
        let (mut scanner, notes) = Scanner::from_config(root, &cfg, gitleaks)?;
        scanner.max_file_size = config.max_file_size();
        Ok((scanner, notes))
    }

    pub fn from_config(
        root: &Path,
        cfg: &SecretsConfig,
        gitleaks: Option<&Path>,
    ) -> Result<(Scanner, Vec<String>), SecretsError> {
        let mut notes = Vec::new();
        let disabled = |r: &Rule| {
            cfg.disable
                .iter()
                .any(|d| d.eq_ignore_ascii_case(&r.id) || *d == r.slug)
        };
        // User rules go first: a repository's own, more specific, pattern should win an overlap
        // with a built-in generic rule.
        let mut user = Vec::new();
        for spec in &cfg.rules {
            let rule = Rule::compile(spec.clone(), RuleOrigin::Config).map_err(|e| {
                SecretsError::Config(format!("shipshape.toml [[secrets.rules]]: {e}"))
            })?;
            user.push(rule);
        }
        let mut path_regexes = Vec::new();
        let gitleaks_path = gitleaks
            .map(Path::to_path_buf)
            .or_else(|| cfg.gitleaks_config.as_ref().map(|p| root.join(p)));
        if let Some(p) = gitleaks_path {
            let text = std::fs::read_to_string(&p).map_err(|e| {
                SecretsError::Config(format!(
                    "could not read gitleaks config {}: {e}",
                    p.display()
                ))
            })?;
            let imp = rules::import_gitleaks(&text, &p.display().to_string())
                .map_err(|e| SecretsError::Config(e.to_string()))?;
            for s in imp.skipped {
                notes.push(format!("gitleaks rule not imported: {s}"));
            }
            user.extend(imp.rules.into_iter().filter(|r| !disabled(r)));
            path_regexes = imp.allow_path_patterns;
        }
        // Exactly the built-in rules (the usual case): their prefilter is already built.
        let rules = if user.is_empty() && cfg.disable.is_empty() {
            Rules::Builtin
        } else {
            let mut all: Vec<Rule> = rules::builtin()
                .into_iter()
                .filter(|r| !disabled(r))
                .collect();
            user.append(&mut all);
            Rules::Own(RuleSet::new(user).map_err(|e| SecretsError::Config(e.to_string()))?)
        };
        let allow = PathAllowlist::new(&cfg.allow_paths, &path_regexes)?;
        Ok((
            Scanner {
                rules,
                allow,
                no_ignores: false,
                max_file_size: shipshape_core::config::DEFAULT_MAX_FILE_SIZE,
            },
            notes,
        ))
    }

    pub fn rules(&self) -> &RuleSet {
        match &self.rules {
            Rules::Builtin => RuleSet::builtin_ref(),
            Rules::Own(set) => set,
        }
    }

    /// The catalog entries of the scanner's rules; for the built-in set, without compiling it.
    pub fn catalog_entries(&self) -> Vec<shipshape_diagnostics::RuleInfo> {
        match &self.rules {
            Rules::Builtin => rules::builtin_catalog(),
            Rules::Own(set) => set.catalog_entries(),
        }
    }

    /// Whether `path` is on the allowlist (its content is never reported).
    pub fn path_allowed(&self, path: &str) -> bool {
        self.allow.allows(path)
    }

    /// Scan the content of one file or blob found at `path`.
    pub fn scan(&self, path: &str, hay: &[u8]) -> BlobScan {
        let matches = self.rules().find_at(path, hay);
        if matches.is_empty() {
            return BlobScan::default();
        }
        let mut out = BlobScan::default();
        let builder = FindingBuilder::from_bytes(path, hay);
        let mut sups = if self.no_ignores {
            Vec::new()
        } else {
            suppress::parse(&String::from_utf8_lossy(hay), CommentStyle::AnyMarker)
        };
        for m in &matches {
            let rule = &self.rules().rules()[m.rule];
            let secret: Span = m.secret.clone().into();
            let line = builder.lines().line(secret.start);
            let names = RuleNames {
                id: &rule.id,
                slug: &rule.slug,
                domain: Domain::Secrets,
                equivalents: &[],
            };
            let mut hit = false;
            for s in sups.iter_mut() {
                if s.names(names) && s.covers(line) {
                    s.used = true;
                    hit = true;
                }
            }
            if hit {
                out.suppressed += 1;
                continue;
            }
            // Every other secret on the same line is masked too.
            let others: Vec<Span> = matches
                .iter()
                .filter(|o| !std::ptr::eq(*o, m) && builder.lines().line(o.secret.start) == line)
                .map(|o| o.secret.clone().into())
                .collect();
            let message = format!(
                "{} in plain text: {}",
                rule.description,
                redact(&hay[m.secret.clone()])
            );
            out.findings
                .push(builder.finding_masking(rule, secret, &message, &[secret], &others));
            // The identity of the value itself: a base64-encoded secret is the same secret as
            // its decoded value elsewhere.
            if let Some(f) = out.findings.last_mut() {
                f.set_secret_identity(m.identity);
            }
        }
        out
    }
}

/// The result of scanning a working tree.
#[derive(Debug, Default, Clone)]
pub struct TreeScan {
    pub findings: Vec<Finding>,
    pub files_scanned: usize,
    pub bytes_scanned: u64,
    pub suppressed: usize,
    /// Files on the path allowlist or in a fixture folder, not read.
    pub allowed: usize,
    /// Files not scanned, with why (too large, binary, unreadable).
    pub skipped: Vec<Skipped>,
}

/// Folders marked as test data in the inventory.
pub fn fixture_dirs(inv: &Inventory) -> Vec<String> {
    inv.files()
        .iter()
        .filter(|f| f.name() == FIXTURE_MARKER)
        .map(|f| f.dir().to_string())
        .collect()
}

enum FileOutcome {
    Scanned(BlobScan, u64),
    Skipped(Skipped),
    Allowed,
}

/// Scan every file of the inventory (or only the file at `only`), in parallel.
pub fn scan_tree(
    inv: &Inventory,
    scanner: &Scanner,
    only: Option<&str>,
    progress: &Progress,
) -> TreeScan {
    scan_tree_sharing(inv, scanner, only, progress, &|_| false)
}

/// [`scan_tree`], handing the bytes of each file that `share` names to the inventory's text
/// cache ([`Inventory::offer_bytes`]): a step that runs next on those files (the audit) does
/// not read them again.
pub fn scan_tree_sharing(
    inv: &Inventory,
    scanner: &Scanner,
    only: Option<&str>,
    progress: &Progress,
    share: &(dyn Fn(&FileEntry) -> bool + Sync),
) -> TreeScan {
    let fixtures = fixture_dirs(inv);
    let files: Vec<_> = inv
        .files()
        .iter()
        .filter(|f| only.is_none_or(|o| o == f.path))
        .collect();
    progress.set_stage(crate::Stage::Files);
    progress.total.store(files.len() as u64, Ordering::Relaxed);
    let outcomes: Vec<FileOutcome> = files
        .par_iter()
        .map(|f| {
            let outcome = scan_path(inv, scanner, &f.path, &fixtures, progress, |bytes| {
                if share(f) {
                    inv.offer_bytes(f, bytes);
                }
            });
            progress.done.fetch_add(1, Ordering::Relaxed);
            outcome
        })
        .collect();
    let mut out = TreeScan::default();
    for o in outcomes {
        out.add(o);
    }
    // What the walk could not look at may hold secrets too: listed as not read, not passed over.
    // A YAML file the walk could not read as UTF-8 text (to tell what it is) is still bytes the
    // scanner can read — a Latin-1 configuration holds its secrets like any other — so it is
    // scanned like every file; one that turns out binary or unreadable is listed.
    if only.is_none() {
        for s in inv.unexplored() {
            if s.reason == SkipReason::InvalidUtf8 {
                out.add(scan_path(
                    inv,
                    scanner,
                    &s.path,
                    &fixtures,
                    progress,
                    |_| {},
                ));
            } else {
                out.skipped.push(s);
            }
        }
    }
    out
}

impl TreeScan {
    fn add(&mut self, outcome: FileOutcome) {
        match outcome {
            FileOutcome::Scanned(s, n) => {
                self.files_scanned += 1;
                self.bytes_scanned += n;
                self.suppressed += s.suppressed;
                self.findings.extend(s.findings);
            }
            FileOutcome::Skipped(s) => self.skipped.push(s),
            FileOutcome::Allowed => self.allowed += 1,
        }
    }
}

/// One file of the tree at `path`: passed over when an allowlist or a fixture folder covers it,
/// else read (its bytes shown to `read` first), and scanned unless it is binary or unreadable.
fn scan_path(
    inv: &Inventory,
    scanner: &Scanner,
    path: &str,
    fixtures: &[String],
    progress: &Progress,
    read: impl FnOnce(&[u8]),
) -> FileOutcome {
    let name = path.rsplit('/').next().unwrap_or(path);
    if scanner.path_allowed(path) || in_fixture_dir(path, fixtures) || name == FIXTURE_MARKER {
        return FileOutcome::Allowed;
    }
    let skipped = |reason| {
        FileOutcome::Skipped(Skipped {
            path: path.to_string(),
            reason,
        })
    };
    match read_capped(&inv.root().join(path), scanner.max_file_size) {
        Ok(bytes) => {
            read(&bytes);
            if is_binary(&bytes) {
                return skipped(SkipReason::Binary);
            }
            progress
                .bytes
                .fetch_add(bytes.len() as u64, Ordering::Relaxed);
            FileOutcome::Scanned(scanner.scan(path, &bytes), bytes.len() as u64)
        }
        Err(reason) => skipped(reason),
    }
}

/// Read a file unless it is over `max` bytes.
fn read_capped(path: &Path, max: u64) -> Result<Vec<u8>, SkipReason> {
    let io = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::PermissionDenied => SkipReason::PermissionDenied,
        _ => SkipReason::Unreadable {
            error: e.to_string(),
        },
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > max {
        return Err(SkipReason::TooLarge { size, limit: max });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > max {
        return Err(SkipReason::TooLarge {
            size: bytes.len() as u64,
            limit: max,
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> String {
        // Built at run time so this file holds no complete token.
        format!("ghp_{}", "Z3kq9RbT2vWx8YcN4mLp7HdJ6sGf1AeQ0uVi")
    }

    #[test]
    fn the_files_a_later_step_reads_are_read_once_and_handed_on() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Dockerfile"), "FROM alpine\n").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "hello\n").unwrap();
        let inv = Inventory::open(dir.path()).unwrap();
        let shared = |f: &FileEntry| f.name() == "Dockerfile";
        let scan = scan_tree_sharing(
            &inv,
            &Scanner::builtin(),
            None,
            &Progress::default(),
            &shared,
        );
        assert_eq!(scan.files_scanned, 2);
        // Gone from disk: the Dockerfile's text is the one the scan read; the other file
        // was not handed on.
        std::fs::remove_file(dir.path().join("Dockerfile")).unwrap();
        std::fs::remove_file(dir.path().join("notes.txt")).unwrap();
        let text = |p: &str| inv.text(inv.get(p).unwrap());
        assert_eq!(text("Dockerfile").as_deref(), Some("FROM alpine\n"));
        assert_eq!(text("notes.txt"), None);
    }

    /// A YAML file that is not UTF-8 (Latin-1 here) is left out of the inventory by the walk,
    /// which reads YAML as text to classify it; the secret scan reads it as bytes and finds
    /// the token in it. A binary YAML file is listed as not read.
    #[test]
    fn a_yaml_file_that_is_not_utf8_is_still_scanned() {
        let dir = tempfile::tempdir().unwrap();
        let mut latin1 = b"# caf\xe9\ntoken: ".to_vec();
        latin1.extend(token().as_bytes());
        latin1.push(b'\n');
        std::fs::write(dir.path().join("config.yaml"), &latin1).unwrap();
        std::fs::write(dir.path().join("image.yaml"), b"\x89PNG\0\0\0").unwrap();
        let inv = Inventory::open(dir.path()).unwrap();
        assert!(inv.get("config.yaml").is_none(), "the walk left it out");
        let scan = scan_tree(&inv, &Scanner::builtin(), None, &Progress::default());
        assert_eq!(scan.files_scanned, 1);
        assert_eq!(scan.findings.len(), 1);
        let f = &scan.findings[0];
        assert_eq!(f.location.path, "config.yaml");
        assert_eq!((f.location.start.line, f.location.start.column), (2, 8));
        let skipped: Vec<_> = scan.skipped.iter().map(|s| (&*s.path, &s.reason)).collect();
        assert_eq!(skipped, [("image.yaml", &SkipReason::Binary)]);
    }

    #[test]
    fn findings_point_at_the_secret_and_never_contain_it() {
        let s = Scanner::builtin();
        let text = format!("line one\n  let t = \"{}\";\n", token());
        let r = s.scan("src/app.rs", text.as_bytes());
        assert_eq!(r.findings.len(), 1);
        let f = &r.findings[0];
        assert_eq!((f.location.start.line, f.location.start.column), (2, 12));
        assert!(!f.snippet.contains(&token()), "{}", f.snippet);
        assert!(!f.message.contains(&token()), "{}", f.message);
        assert!(f.snippet.contains("ghp_***(40 chars)"), "{}", f.snippet);
    }

    #[test]
    fn the_fingerprint_survives_moved_lines_and_holds_nothing_of_the_secret() {
        let s = Scanner::builtin();
        let a = s.scan("a", format!("x = {}\n", token()).as_bytes());
        let b = s.scan("a", format!("\n\n\nx = {}\n", token()).as_bytes());
        assert_eq!(a.findings[0].fingerprint, b.findings[0].fingerprint);
        // Computed from the redacted line: another secret of the same shape, prefix and length
        // gives the same fingerprint (a baseline cannot be used to confirm a guess).
        let other = token().replace("Z3", "Y4");
        let c = s.scan("a", format!("x = {other}\n").as_bytes());
        assert_eq!(a.findings[0].fingerprint, c.findings[0].fingerprint);
        let d = s.scan("a", format!("y = {}\n", token()).as_bytes());
        assert_ne!(a.findings[0].fingerprint, d.findings[0].fingerprint);
    }

    #[test]
    fn inline_comments_of_every_tool_suppress_a_finding() {
        let s = Scanner::builtin();
        for text in [
            format!("t = {} # gitleaks:allow\n", token()),
            format!("t = {} # pragma: allowlist secret\n", token()),
            format!("# pragma: allowlist nextline secret\nt = {}\n", token()),
            format!(
                "t = {} # shipshape:ignore[github-pat-classic] rotated\n",
                token()
            ),
            format!("# shipshape:ignore[secrets] test token\nt = {}\n", token()),
            format!("// shipshape:ignore\nt = {}\n", token()),
        ] {
            let r = s.scan("a", text.as_bytes());
            assert!(r.findings.is_empty(), "{text}");
            assert_eq!(r.suppressed, 1, "{text}");
        }
        let mut s2 = Scanner::builtin();
        s2.no_ignores = true;
        assert_eq!(
            s2.scan(
                "a",
                format!("t = {} # gitleaks:allow\n", token()).as_bytes()
            )
            .findings
            .len(),
            1
        );
    }

    #[test]
    fn a_trailing_ignore_on_the_line_above_covers_only_its_own_line() {
        let s = Scanner::builtin();
        let text = format!("a = 1 # shipshape:ignore\nt = {}\n", token());
        assert_eq!(s.scan("a", text.as_bytes()).findings.len(), 1);
    }

    #[test]
    fn an_ignore_naming_another_rule_does_not_suppress() {
        let s = Scanner::builtin();
        let text = format!("t = {} # shipshape:ignore[jwt]\n", token());
        assert_eq!(s.scan("a", text.as_bytes()).findings.len(), 1);
    }

    #[test]
    fn lockfiles_vendored_code_and_bundles_are_allowed() {
        let s = Scanner::builtin();
        for p in [
            "package-lock.json",
            "web/yarn.lock",
            "vendor/github.com/x/y.go",
            "static/app.min.js",
            "static/app.js.map",
        ] {
            assert!(s.path_allowed(p), "{p}");
        }
        assert!(!s.path_allowed("src/app.js"));
    }

    #[test]
    fn fixture_folders_cover_their_descendants_only() {
        let dirs = vec!["tests/fixtures".to_string()];
        assert!(in_fixture_dir("tests/fixtures/a/b.env", &dirs));
        assert!(!in_fixture_dir("tests/fixtures-other/b.env", &dirs));
        assert!(!in_fixture_dir("src/b.env", &dirs));
    }

    #[test]
    fn redaction_keeps_a_short_prefix_and_the_length() {
        assert_eq!(redact(b"abc"), "***(3 chars)");
        assert_eq!(redact(b"abcdefghij"), "ab***(10 chars)");
        assert_eq!(redact(token().as_bytes()), "ghp_***(40 chars)");
    }
}
