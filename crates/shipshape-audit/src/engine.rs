//! The audit run: every audit domain over the files it accepts, each file parsed once and every
//! selected rule run over it, diagnostics turned into findings by the shared diagnostics model
//! (line and column, redacted snippet, fingerprint), then inline suppressions applied. One file
//! that does not parse yields one parse-error finding; the rest of the repository is still
//! audited. Baselines are applied by the caller, after every checker has reported.

use rayon::prelude::*;
use shipshape_core::{ArtifactKind, FileEntry, Inventory, Skipped};
use shipshape_diagnostics::suppress::{self, CommentStyle, Scope, Suppression};
use shipshape_diagnostics::{Catalog, Finding, FindingBuilder, Report, Selection};

use crate::rule::{AuditDomain, AuditFile, RuleMeta, Sink};
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
    let targets: Vec<&FileEntry> = inv
        .files()
        .iter()
        .filter(|f| opts.only.as_ref().is_none_or(|o| *o == f.path))
        .filter(|f| !domains_for(f.kind, selection).is_empty())
        .collect();
    let exists = |p: &str| inv.contains(p);
    let per_file: Vec<Option<(Vec<Finding>, usize)>> = targets
        .par_iter()
        .map(|f| {
            let source = inv.text(f)?;
            let file = AuditFile {
                path: &f.path,
                source: &source,
                kind: f.kind,
                inventory: Some(inv),
                exists: &exists,
            };
            Some(audit_file(&file, selection, opts))
        })
        .collect();
    let mut report = Report {
        rules_run: selection.count_in_audit(),
        ..Report::default()
    };
    for (f, s) in per_file.into_iter().flatten() {
        report.findings.extend(f);
        report.suppressed += s;
        report.files_audited += 1;
    }
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
    let file = AuditFile {
        path,
        source,
        kind,
        inventory: None,
        exists,
    };
    audit_file(&file, selection, opts).0
}

/// Audit one file: `(findings after suppression, number suppressed)`.
fn audit_file(
    file: &AuditFile<'_>,
    selection: &Selection,
    opts: &AuditOptions,
) -> (Vec<Finding>, usize) {
    let mut sink = Sink::default();
    for d in domains_for(file.kind, selection) {
        d.check(file, selection, &mut sink);
    }
    let Sink {
        mut raw,
        statements,
    } = sink;

    let mut sups = if opts.no_ignores {
        Vec::new()
    } else {
        suppress::parse(file.source, CommentStyle::Hash)
    };
    // A comment alone on its line covers the whole statement that starts after it.
    if !statements.is_empty() {
        for s in sups.iter_mut().filter(|s| s.own_line) {
            if let Scope::Lines(next, _) = s.scope {
                if let Some(&(a, b)) = statements.iter().find(|(a, _)| *a >= next) {
                    s.scope = Scope::Lines(a, b);
                }
            }
        }
    }

    // A problem inside a shared YAML anchor is reported by every service that merges it, at the
    // same span: report it once.
    raw.sort_by(|(ma, a), (mb, b)| (ma.id, a.span, &a.message).cmp(&(mb.id, b.span, &b.message)));
    raw.dedup_by(|(ma, a), (mb, b)| ma.id == mb.id && a.span == b.span);
    let builder = FindingBuilder::new(file.path, file.source);
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
