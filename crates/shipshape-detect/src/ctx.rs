//! The detection context: the inventory plus what detectors share — parsed manifests with notes
//! on failure, budgeted source scanning, and the common evidence finders (env var names, health
//! routes, port hints) every stack uses.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use shipshape_core::evidence::line_of_offset;
use shipshape_core::{ArtifactKind, Evidence, FileEntry, Inventory, LineIndex, Located};
use shipshape_syntax::dockerfile::{Dockerfile, Keyword};
use shipshape_syntax::documents::{self, DocumentError};
use shipshape_syntax::yaml;

use crate::model::{Ambiguity, Language, Note};
use crate::scan;

/// How many source files of one service are read for env vars, routes and ports. Files are taken
/// shallowest first and entry-point names first, so a huge service costs a bounded amount.
pub const SOURCE_SCAN_BUDGET: usize = 400;
/// Source files larger than this are not scanned (generated or vendored code).
pub const SOURCE_SCAN_MAX_BYTES: u64 = 256 * 1024;

pub struct Ctx<'a> {
    pub inv: &'a Inventory,
    /// Every folder that holds a service candidate, so a service's scan stops at nested ones.
    roots: Vec<String>,
    notes: Mutex<Vec<Note>>,
    ambiguities: Mutex<Vec<Ambiguity>>,
    /// Source files with their comments blanked, by path: every detector reads the same few
    /// hundred files, and stripping them once instead of per question is most of `init`'s time.
    code: Mutex<std::collections::HashMap<String, Arc<str>>>,
    /// What [`Ctx::source_texts`] answered, by folder and extensions: half a dozen detectors ask
    /// the same question of a service, and choosing its files walks all of the service's files.
    sources: Mutex<SourceCache<'a>>,
}

type SourceCache<'a> = std::collections::HashMap<(String, String), SourceTexts<'a>>;
type SourceTexts<'a> = Arc<Vec<(&'a FileEntry, Arc<str>)>>;

impl<'a> Ctx<'a> {
    pub fn new(inv: &'a Inventory, roots: Vec<String>) -> Self {
        Ctx {
            inv,
            roots,
            notes: Mutex::new(Vec::new()),
            ambiguities: Mutex::new(Vec::new()),
            code: Mutex::new(std::collections::HashMap::new()),
            sources: Mutex::new(std::collections::HashMap::new()),
        }
    }

    pub fn roots(&self) -> &[String] {
        &self.roots
    }

    /// Join a folder (`""` or `.` for the root) and a relative path.
    pub fn join(dir: &str, name: &str) -> String {
        if dir.is_empty() || dir == "." {
            name.to_string()
        } else {
            format!("{dir}/{name}")
        }
    }

    pub fn exists(&self, path: &str) -> bool {
        self.inv.contains(path)
    }

    /// The text of a source file with its comments blanked out (offsets unchanged): what the
    /// code does, not what a commented-out line once did.
    pub fn code(&self, path: &str) -> Option<Arc<str>> {
        let text = self.text(path)?;
        Some(match scan::without_comments(path, &text) {
            std::borrow::Cow::Borrowed(_) => text,
            std::borrow::Cow::Owned(s) => Arc::from(s),
        })
    }

    /// The text of a file; a manifest in UTF-16 or Latin-1 is decoded (see [`crate::text`]).
    pub fn text(&self, path: &str) -> Option<Arc<str>> {
        crate::text::read(self.inv, path)
    }

    /// Record that a file could not be used.
    pub fn note(&self, path: &str, line: Option<u32>, message: impl Into<String>) {
        self.notes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Note {
                path: path.to_string(),
                line,
                message: message.into(),
            });
    }

    pub fn ambiguity(&self, a: Ambiguity) {
        self.ambiguities
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(a);
    }

    pub fn take_notes(&self) -> Vec<Note> {
        let mut v = std::mem::take(&mut *self.notes.lock().unwrap_or_else(|p| p.into_inner()));
        v.sort();
        v.dedup();
        v
    }

    pub fn take_ambiguities(&self) -> Vec<Ambiguity> {
        let mut v =
            std::mem::take(&mut *self.ambiguities.lock().unwrap_or_else(|p| p.into_inner()));
        // A total order: detectors run on several threads, so the order they were raised in is
        // not the same from run to run.
        let key = |a: &Ambiguity| {
            (
                a.subject.clone(),
                serde_json::to_string(a).unwrap_or_default(),
            )
        };
        v.sort_by_cached_key(key);
        v
    }

    /// Parse a JSON file; a parse failure becomes a note (with line) and `None`.
    pub fn json(&self, path: &str) -> Option<(Arc<str>, serde_json::Value)> {
        let text = self.text(path)?;
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(v) => Some((text, v)),
            Err(e) => {
                self.note(
                    path,
                    Some(e.line() as u32),
                    format!("could not parse JSON: {e} — values from this file were not used"),
                );
                None
            }
        }
    }

    /// Parse a TOML file; a parse failure becomes a note (with line) and `None`.
    pub fn toml(&self, path: &str) -> Option<(Arc<str>, toml::Table)> {
        let text = self.text(path)?;
        match text.parse::<toml::Table>() {
            Ok(v) => Some((text, v)),
            Err(e) => {
                let line = e.span().map(|s| line_of_offset(&text, s.start));
                self.note(
                    path,
                    line,
                    format!(
                        "could not parse TOML: {} — values from this file were not used",
                        e.message().trim()
                    ),
                );
                None
            }
        }
    }

    /// The YAML documents of a file, with spans, parsed once per run for every reader; a parse
    /// failure becomes a note (with its line) and `None`.
    pub fn yaml_nodes(&self, path: &str) -> Option<(Arc<str>, Arc<Vec<yaml::Node>>)> {
        let entry = self.inv.get(path)?;
        let text = self.inv.text(entry)?;
        match documents::yaml(self.inv, entry) {
            Ok(docs) => Some((text, docs)),
            Err(DocumentError::Unreadable) => None,
            Err(DocumentError::Yaml(e)) => {
                let at = LineIndex::new(&text).position(e.span.start);
                self.note(
                    path,
                    Some(at.line),
                    format!(
                        "could not parse YAML: error: line {} column {}: {} — values from this \
                         file were not used",
                        at.line, at.column, e.message
                    ),
                );
                None
            }
        }
    }

    /// A YAML file's first document as a JSON value (`null` for an empty file); a parse failure
    /// becomes a note and `None`.
    pub fn yaml(&self, path: &str) -> Option<(Arc<str>, serde_json::Value)> {
        let (text, docs) = self.yaml_nodes(path)?;
        let first = docs
            .first()
            .map_or(serde_json::Value::Null, yaml::Node::to_json);
        Some((text, first))
    }

    /// Every document of a multi-document YAML file (Kubernetes manifests) as JSON values.
    pub fn yaml_documents(&self, path: &str) -> Option<(Arc<str>, Vec<serde_json::Value>)> {
        let (text, docs) = self.yaml_nodes(path)?;
        Some((text, docs.iter().map(yaml::Node::to_json).collect()))
    }

    /// Files under `dir` that belong to that service: not inside a nested service root.
    pub fn service_files(&self, dir: &str) -> impl Iterator<Item = &'a FileEntry> + '_ {
        let prefix = if dir.is_empty() || dir == "." {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut nested: Vec<String> = self
            .roots
            .iter()
            .filter(|r| r.as_str() != dir && r.as_str() != "." && r.starts_with(prefix.as_str()))
            .map(|r| format!("{r}/"))
            .collect();
        // Sorted and prefix-free (a root inside another nested root adds nothing), so the only
        // nested root a path can be under is the greatest one not after it: one binary search
        // per file instead of a comparison with every nested root.
        nested.sort();
        nested.dedup();
        let mut outermost: Vec<String> = Vec::with_capacity(nested.len());
        for n in nested {
            if !outermost.last().is_some_and(|o| n.starts_with(o.as_str())) {
                outermost.push(n);
            }
        }
        self.inv.under(dir).iter().filter(move |f| {
            let i = outermost.partition_point(|n| n.as_str() <= f.path.as_str());
            !(i > 0 && f.path.starts_with(outermost[i - 1].as_str()))
        })
    }

    /// Source files of a service with one of `extensions`, read, within [`SOURCE_SCAN_BUDGET`].
    /// Test files are left out: what tests read says nothing about production.
    pub fn source_texts(&self, dir: &str, extensions: &[&str]) -> Vec<(&'a FileEntry, Arc<str>)> {
        let key = (dir.to_string(), extensions.join("\0"));
        let cache = || self.sources.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = cache().get(&key) {
            return found.as_ref().clone();
        }
        let found = Arc::new(self.read_source_texts(dir, extensions));
        cache().insert(key, Arc::clone(&found));
        found.as_ref().clone()
    }

    fn read_source_texts(&self, dir: &str, extensions: &[&str]) -> Vec<(&'a FileEntry, Arc<str>)> {
        // Vendored code is judged below the service's own folder (a service may itself live
        // under a folder named `vendor`).
        let dir_len = if dir.is_empty() || dir == "." {
            0
        } else {
            dir.len()
        };
        let mut candidates: Vec<&FileEntry> = self
            .service_files(dir)
            .filter(|f| {
                matches!(
                    f.kind,
                    ArtifactKind::Source | ArtifactKind::Text | ArtifactKind::Yaml
                ) && f
                    .name()
                    .rsplit_once('.')
                    .is_some_and(|(_, e)| extensions.contains(&e))
                    && !scan::is_test_path(&f.path)
                    && !scan::is_vendored_path(&f.path[dir_len..])
            })
            .collect();
        // Only the first SOURCE_SCAN_BUDGET are read: pick them, then order just those. Keys are
        // worked out once per file (a service can have tens of thousands of files).
        let key = |f: &&'a FileEntry| {
            let f: &'a FileEntry = f;
            (
                scan::entry_point_rank(f.name()),
                f.path.bytes().filter(|&b| b == b'/').count(),
                f.path.as_str(),
            )
        };
        if candidates.len() > SOURCE_SCAN_BUDGET {
            let mut keyed: Vec<_> = candidates.iter().map(|f| (key(f), *f)).collect();
            keyed.select_nth_unstable_by(SOURCE_SCAN_BUDGET - 1, |a, b| a.0.cmp(&b.0));
            keyed.truncate(SOURCE_SCAN_BUDGET);
            candidates = keyed.into_iter().map(|(_, f)| f).collect();
        }
        candidates.sort_by_cached_key(key);
        candidates.truncate(SOURCE_SCAN_BUDGET);
        // Read and blank on every core; the order stays the candidates' order.
        candidates
            .par_iter()
            .filter_map(|f| self.code_text(f).map(|t| (*f, t)))
            .collect()
    }

    /// The text of a source file with its comments blanked: facts come from code, never from
    /// comments (a commented-out route is no route). Made once per file.
    fn code_text(&self, f: &FileEntry) -> Option<Arc<str>> {
        let cache = || self.code.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = cache().get(f.path.as_str()) {
            return Some(t.clone());
        }
        let text = self.inv.text_limited_uncached(f, SOURCE_SCAN_MAX_BYTES)?;
        let code = match scan::without_comments(&f.path, &text) {
            std::borrow::Cow::Borrowed(_) => text.clone(),
            std::borrow::Cow::Owned(s) => Arc::from(s),
        };
        cache().insert(f.path.clone(), code.clone());
        Some(code)
    }

    /// Names of environment variables the service's code reads, plus those listed in its
    /// `.env.example`-style files; one entry per name, at its first sighting.
    pub fn env_vars(&self, dir: &str, lang: Language) -> Vec<Located<String>> {
        let mut found: BTreeMap<String, Evidence> = BTreeMap::new();
        for (f, text) in self.source_texts(dir, scan::extensions(lang)) {
            for (name, offset) in scan::env_var_reads(lang, &text) {
                let ev = Evidence::at_offset(&f.path, &text, offset, "read in code");
                found.entry(name).or_insert(ev);
            }
        }
        for f in self
            .service_files(dir)
            .filter(|f| f.kind == ArtifactKind::DotEnv)
        {
            if f.dir() != dir.trim_start_matches('.') && !(dir == "." && f.dir().is_empty()) {
                continue;
            }
            if let Some(text) = self.inv.text(f) {
                for (name, line) in scan::dotenv_names(&text) {
                    found.entry(name).or_insert_with(|| {
                        Evidence::new(&f.path, Some(line), "listed in env file")
                    });
                }
            }
        }
        found
            .into_iter()
            .map(|(name, ev)| Located::new(name, ev))
            .collect()
    }

    /// The first health endpoint the service's code defines.
    pub fn health_path(&self, dir: &str, lang: Language) -> Option<Located<String>> {
        let mut best: Option<(usize, Located<String>)> = None;
        for (f, text) in self.source_texts(dir, scan::extensions(lang)) {
            if let Some((rank, route, offset)) = scan::health_route(&text) {
                if best.as_ref().is_none_or(|(r, _)| rank < *r) {
                    best = Some((
                        rank,
                        Located::new(
                            route.to_string(),
                            Evidence::at_offset(&f.path, &text, offset, "route defined in code"),
                        ),
                    ));
                }
            }
        }
        best.map(|(_, l)| l)
    }

    /// Ports stated outside the code: Procfile, Dockerfile `EXPOSE`, `PORT=` in env files.
    pub fn port_hints(&self, dir: &str) -> Vec<Located<u16>> {
        let mut hints = Vec::new();
        let procfile = Self::join(dir, "Procfile");
        if let Some(text) = self.text(&procfile) {
            for (port, offset) in scan::ports_in_command(&text) {
                hints.push(Located::new(
                    port,
                    Evidence::at_offset(&procfile, &text, offset, "Procfile web process"),
                ));
            }
        }
        for f in self.service_files(dir) {
            let same_dir = f.dir() == dir || (dir == "." && f.dir().is_empty());
            if !same_dir {
                continue;
            }
            match f.kind {
                ArtifactKind::Dockerfile => {
                    if let (Some(text), Some(dockerfile)) =
                        (self.inv.text(f), documents::dockerfile(self.inv, f))
                    {
                        for (port, offset) in expose_ports(&dockerfile) {
                            hints.push(Located::new(
                                port,
                                Evidence::at_offset(&f.path, &text, offset, "EXPOSE"),
                            ));
                        }
                    }
                }
                ArtifactKind::DotEnv => {
                    if let Some(text) = self.inv.text(f) {
                        if let Some((port, line)) = scan::dotenv_port(&text) {
                            hints.push(Located::new(
                                port,
                                Evidence::new(&f.path, Some(line), "PORT in env file"),
                            ));
                        }
                    }
                }
                _ => {}
            }
        }
        hints
    }

    /// The value an env file of the service's own folder (`.env.example`, `.env`, …) gives
    /// `key`, with where: settings the code reads from the environment, as the project
    /// documents them for local runs.
    pub fn dotenv_setting(&self, dir: &str, key: &str) -> Option<(String, Evidence)> {
        self.service_files(dir)
            .filter(|f| f.kind == ArtifactKind::DotEnv)
            .filter(|f| {
                f.dir() == dir.trim_start_matches('.') || (dir == "." && f.dir().is_empty())
            })
            .find_map(|f| {
                let text = self.inv.text(f)?;
                let (value, line) = scan::dotenv_value(&text, key)?;
                (!value.is_empty()).then(|| {
                    (
                        value.to_string(),
                        Evidence::new(&f.path, Some(line), format!("{key} in env file")),
                    )
                })
            })
    }

    /// Settle a service's port: explicit evidence (code, config, Procfile, EXPOSE, env) wins
    /// over the framework default; disagreeing explicit values are reported as an ambiguity and
    /// the first (code before hints) is used.
    pub fn choose_port(
        &self,
        service: &str,
        default: Option<Located<u16>>,
        mut explicit: Vec<Located<u16>>,
    ) -> Option<Located<u16>> {
        if explicit.is_empty() {
            return default;
        }
        let first = explicit[0].value;
        let mut distinct: Vec<u16> = explicit.iter().map(|l| l.value).collect();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() > 1 {
            self.ambiguity(Ambiguity {
                subject: format!("services.{service}.port"),
                chosen: Some(first.to_string()),
                candidates: explicit
                    .iter()
                    .map(|l| Located {
                        value: l.value.to_string(),
                        evidence: l.evidence.clone(),
                    })
                    .collect(),
                hint: format!("set `port` under [services.{service}] in shipshape.toml"),
            });
        }
        // Merge the evidence of every candidate that agrees with the chosen value.
        let mut chosen = explicit.remove(0);
        for other in explicit.into_iter().filter(|l| l.value == first) {
            chosen.evidence.extend(other.evidence);
        }
        Some(chosen)
    }
}

/// The first literal port of every `EXPOSE` of a Dockerfile, any stage, with its offset.
fn expose_ports(dockerfile: &Dockerfile) -> Vec<(u16, usize)> {
    dockerfile
        .instructions_of(Keyword::Expose)
        .filter_map(|(_, expose)| {
            let word = expose.words().first()?;
            let port = word.value.split('/').next().unwrap_or(&word.value);
            port.parse().ok().map(|p| (p, word.span.start))
        })
        .collect()
}

/// Line of the first `"key"` in a JSON text (good enough for evidence in hand-written manifests).
pub fn json_key_line(text: &str, key: &str) -> Option<u32> {
    let needle = format!("\"{key}\"");
    text.find(&needle).map(|o| line_of_offset(text, o))
}

/// Line of the first `"outer"` followed later by `"inner"` (a nested key such as engines > node).
pub fn json_nested_line(text: &str, outer: &str, inner: &str) -> Option<u32> {
    let start = text.find(&format!("\"{outer}\""))?;
    let rel = text[start..].find(&format!("\"{inner}\""))?;
    Some(line_of_offset(text, start + rel))
}

/// Line of the first line that contains `needle`.
pub use shipshape_core::evidence::line_containing as line_of;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_literal_port_of_every_expose_is_a_hint() {
        let src = "FROM x AS build\nEXPOSE 9229\nFROM y\n# EXPOSE 1\nEXPOSE 3000/tcp 9464\nEXPOSE $PORT\n";
        let dockerfile = shipshape_syntax::dockerfile::parse(src);
        let found: Vec<(u16, u32)> = expose_ports(&dockerfile)
            .into_iter()
            .map(|(port, offset)| (port, line_of_offset(src, offset)))
            .collect();
        assert_eq!(found, [(9229, 2), (3000, 5)]);
    }
}
