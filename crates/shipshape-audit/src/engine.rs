//! The audit run: every audit domain over the files it accepts, each file parsed once and every
//! selected rule run over it, diagnostics turned into findings by the shared diagnostics model
//! (line and column, redacted snippet, fingerprint), then inline suppressions applied. One file
//! that does not parse yields one parse-error finding; the rest of the repository is still
//! audited. Baselines are applied by the caller, after every checker has reported.

use std::collections::BTreeMap;

use rayon::prelude::*;
use shipshape_core::{ArtifactKind, FileEntry, Inventory, Skipped};
use shipshape_diagnostics::suppress::{self, CommentStyle, Scope, Suppression};
use shipshape_diagnostics::{Catalog, Finding, FindingBuilder, Report, Selection};

use crate::repository::Repository;
use crate::rule::{AuditDomain, AuditFile, Diagnostic, RuleMeta, Sink};
use crate::rules;

/// How to run.
#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    /// Turn every inline suppression off.
    pub no_ignores: bool,
    /// Report suppressions that matched nothing.
    pub report_unused_ignores: bool,
    /// Audit only the file with this repository-relative path.
    pub only: Option<String>,
}

/// The catalog of the audit rules alone (the CLI adds the secret rules).
pub fn catalog() -> Catalog {
    Catalog::new(rules::catalog_entries()).expect("audit rule IDs are unique (tested)")
}

fn domains_for(kind: ArtifactKind, selection: &Selection) -> Vec<&'static dyn AuditDomain> {
    rules::DOMAINS
        .iter()
        .copied()
        .filter(|d| d.accepts(kind) && selection.any_in(d.domain()))
        .collect()
}

/// Audit every artifact of the inventory that a selected domain reads.
pub fn audit(inv: &Inventory, selection: &Selection, opts: &AuditOptions) -> Report {
    let repo = Repository::of(inv);
    let exists = |p: &str| inv.contains(p);
    let read = |p: &str| inv.text_of(p).map(|t| t.to_string());
    // With `only`, the file itself, and the compose projects it belongs to (led by another
    // file): the project is audited and the findings in the file kept.
    let targets: Vec<&FileEntry> = inv
        .files()
        .iter()
        .filter(|f| !domains_for(f.kind, selection).is_empty())
        .filter(|f| match &opts.only {
            None => true,
            Some(o) => *o == f.path || repo.projects_of(o).contains(&f.path),
        })
        .collect();
    let units: Vec<Option<Unit>> = targets
        .par_iter()
        .map(|f| {
            let source = inv.text(f)?;
            let file = AuditFile {
                path: &f.path,
                source: &source,
                kind: f.kind,
                inventory: Some(inv),
                exists: &exists,
                read: &read,
                repo: &repo,
            };
            Some(check_file(&file, selection, source.to_string()))
        })
        .collect();
    let audited = units.iter().flatten().count();
    let texts = |p: &str| inv.text_of(p).map(|t| t.to_string());
    let (mut findings, suppressed) = finish(units.into_iter().flatten().collect(), &texts, opts);
    if let Some(only) = &opts.only {
        findings.retain(|f| f.location.path == *only);
    }
    let mut report = Report {
        rules_run: selection.count_in_audit(),
        ..Report::default()
    };
    report.findings = findings;
    report.suppressed = suppressed;
    report.files_audited = audited;
    // Files a domain would have read but could not: listed, never silently passed over.
    let unreadable: Vec<Skipped> = inv
        .skipped()
        .into_iter()
        .filter(|s| targets.iter().any(|t| t.path == s.path))
        .collect();
    report.skipped = unreadable;
    report.sort();
    report
}

/// Audit text that is not (yet) a file of a repository — a generated Dockerfile or compose file
/// before it is written. `exists` says which neighbouring paths will exist (a `.dockerignore`).
pub fn audit_text(
    path: &str,
    kind: ArtifactKind,
    source: &str,
    exists: &(dyn Fn(&str) -> bool + Sync),
    selection: &Selection,
    opts: &AuditOptions,
) -> Vec<Finding> {
    let repo = Repository::empty();
    let own = |p: &str| (p == path).then(|| source.to_string());
    let file = AuditFile {
        path,
        source,
        kind,
        inventory: None,
        exists,
        read: &own,
        repo: &repo,
    };
    let unit = check_file(&file, selection, source.to_string());
    finish(vec![unit], &own, opts).0
}

/// What the domains reported for one audited file (and, for a compose project, its other
/// files).
struct Unit {
    path: String,
    source: String,
    sink: Sink,
}

fn check_file(file: &AuditFile<'_>, selection: &Selection, source: String) -> Unit {
    let mut sink = Sink::default();
    for d in domains_for(file.kind, selection) {
        d.check(file, selection, &mut sink);
    }
    Unit {
        path: file.path.to_string(),
        source,
        sink,
    }
}

/// Turns every unit's diagnostics into findings, file by file: line and column, redacted
/// snippet, inline suppressions of the file the finding is in. A problem reported by two units
/// (a base compose file in two projects) is reported once. Returns the findings and how many
/// were suppressed.
fn finish(
    units: Vec<Unit>,
    texts: &(dyn Fn(&str) -> Option<String> + Sync),
    opts: &AuditOptions,
) -> (Vec<Finding>, usize) {
    struct FileWork {
        source: Option<String>,
        raw: Vec<(&'static RuleMeta, Diagnostic)>,
        statements: Vec<(u32, u32)>,
    }
    let mut files: BTreeMap<String, FileWork> = BTreeMap::new();
    for unit in units {
        let Sink { raw, statements } = unit.sink;
        let own = files.entry(unit.path.clone()).or_insert_with(|| FileWork {
            source: None,
            raw: Vec::new(),
            statements: Vec::new(),
        });
        own.source = Some(unit.source);
        if !statements.is_empty() {
            own.statements = statements;
        }
        for (meta, d) in raw {
            let path = d.path.clone().unwrap_or_else(|| unit.path.clone());
            files
                .entry(path)
                .or_insert_with(|| FileWork {
                    source: None,
                    raw: Vec::new(),
                    statements: Vec::new(),
                })
                .raw
                .push((meta, d));
        }
    }
    let work: Vec<(String, FileWork)> = files.into_iter().collect();
    let done: Vec<(Vec<Finding>, usize)> = work
        .into_par_iter()
        .map(|(path, mut w)| {
            let Some(source) = w.source.take().or_else(|| texts(&path)) else {
                return (Vec::new(), 0);
            };
            finish_file(&path, &source, w.raw, &w.statements, opts)
        })
        .collect();
    let mut findings = Vec::new();
    let mut suppressed = 0;
    for (f, s) in done {
        findings.extend(f);
        suppressed += s;
    }
    (findings, suppressed)
}

/// The findings of one file after its inline suppressions.
fn finish_file(
    path: &str,
    source: &str,
    mut raw: Vec<(&'static RuleMeta, Diagnostic)>,
    statements: &[(u32, u32)],
    opts: &AuditOptions,
) -> (Vec<Finding>, usize) {
    let mut sups = if opts.no_ignores {
        Vec::new()
    } else {
        suppress::parse(source, CommentStyle::Hash)
    };
    // A comment alone on its line covers the whole statement that starts after it.
    if !statements.is_empty() {
        for s in sups.iter_mut().filter(|s| s.own_line) {
            if let Scope::Lines(next, _) = s.scope {
                let at = statements.partition_point(|(a, _)| *a < next);
                if let Some(&(a, b)) = statements.get(at) {
                    s.scope = Scope::Lines(a, b);
                }
            }
        }
    }

    // A problem inside a shared YAML anchor is reported by every service that merges it, and a
    // compose file in two projects by both, at the same span: report it once.
    raw.sort_by(|(ma, a), (mb, b)| (ma.id, a.span, &a.message).cmp(&(mb.id, b.span, &b.message)));
    raw.dedup_by(|(ma, a), (mb, b)| ma.id == mb.id && a.span == b.span);
    let builder = FindingBuilder::new(path, source);
    let mut findings = Vec::new();
    let mut suppressed = 0;
    for (meta, d) in raw {
        let finding = builder.finding(meta, d.span, &d.message, &d.redact);
        let line = finding.location.start.line;
        let mut hit = false;
        for s in sups.iter_mut() {
            if s.names(meta.into()) && s.covers(line) {
                s.used = true;
                hit = true;
            }
        }
        if hit && meta.domain != shipshape_diagnostics::Domain::Engine {
            suppressed += 1;
        } else {
            findings.push(finding);
        }
    }
    if opts.report_unused_ignores {
        for s in sups.iter().filter(|s| !s.used) {
            findings.push(unused_ignore(&builder, s));
        }
    }
    (findings, suppressed)
}

fn unused_ignore(builder: &FindingBuilder<'_>, s: &Suppression) -> Finding {
    let span = shipshape_core::text::Span::new(s.offset, s.offset + s.text.len());
    let meta: &RuleMeta = &rules::unused_ignore::META;
    builder.finding(meta, span, &format!("`{}` suppresses nothing", s.text), &[])
}

/// Counting helpers the engine needs from a selection.
trait AuditCount {
    fn count_in_audit(&self) -> usize;
}

impl AuditCount for Selection {
    fn count_in_audit(&self) -> usize {
        rules::DOMAINS
            .iter()
            .map(|d| self.count_in(d.domain()))
            .sum()
    }
}
