//! The audit run: every audit domain over the files it accepts, each file parsed once and every
//! selected rule run over it, diagnostics turned into findings by the shared diagnostics model
//! (line and column, redacted snippet, fingerprint), then inline suppressions applied. One file
//! that does not parse yields one parse-error finding; the rest of the repository is still
//! audited. Baselines are applied by the caller, after every checker has reported.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use shipshape_core::text::Span;
use shipshape_core::{ArtifactKind, Inventory, SkipReason, Skipped};
use shipshape_diagnostics::suppress::{self, CommentStyle, Scope, Suppression};
use shipshape_diagnostics::{Catalog, Domain, Finding, FindingBuilder, Report, Selection};

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

/// The domains a run uses, each with which of its rules run (by index in its registry): worked
/// out once per run. Asked of the selection for every rule of every file, by ID, it was 2 % of
/// an audit.
struct Selected {
    domains: Vec<(&'static dyn AuditDomain, Vec<bool>)>,
}

impl Selected {
    fn new(selection: &Selection) -> Selected {
        Selected {
            domains: rules::DOMAINS
                .iter()
                .copied()
                .filter(|d| selection.any_in(d.domain()))
                .map(|d| {
                    let enabled = d.rules().iter().map(|m| selection.enabled(m.id)).collect();
                    (d, enabled)
                })
                .collect(),
        }
    }

    /// The domains that read files of this kind, with their rules' switches.
    fn for_kind(
        &self,
        kind: ArtifactKind,
    ) -> impl Iterator<Item = (&'static dyn AuditDomain, &[bool])> {
        self.domains
            .iter()
            .filter(move |(d, _)| d.accepts(kind))
            .map(|(d, enabled)| (*d, enabled.as_slice()))
    }

    /// Whether any domain reads files of this kind.
    fn audits(&self, kind: ArtifactKind) -> bool {
        self.for_kind(kind).next().is_some()
    }
}

/// Whether the audit, with this selection, reads files of `kind` (a step that reads files
/// before it can hand their text on).
pub fn reads(selection: &Selection) -> impl Fn(ArtifactKind) -> bool + Sync {
    let selected = Selected::new(selection);
    move |kind| selected.audits(kind)
}

/// One file to audit: its path, the kind it is read as, and its text when it is not the
/// inventory's to read (a file passed by name that the walk left out).
struct Job<'a> {
    path: &'a str,
    kind: ArtifactKind,
    text: Option<String>,
}

/// Audit every artifact of the inventory that a selected domain reads; with
/// [`AuditOptions::only`], the one file the user named (see [`explicit_jobs`]).
pub fn audit(inv: &Inventory, selection: &Selection, opts: &AuditOptions) -> Report {
    // The repository model (compose projects, how each Dockerfile is built) serves the
    // Dockerfile and compose rules alone.
    let needs_repo = [Domain::Dockerfile, Domain::Compose]
        .iter()
        .any(|d| selection.any_in(*d));
    let repo = if needs_repo {
        Repository::of(inv)
    } else {
        Repository::empty()
    };
    let exists = |p: &str| inv.contains(p);
    let read = |p: &str| inv.text_of(p).map(|t| t.to_string());
    let selected = Selected::new(selection);
    let mut skipped: Vec<Skipped> = Vec::new();
    let jobs: Vec<Job> = match &opts.only {
        None => inv
            .files()
            .iter()
            .filter(|f| selected.audits(f.kind))
            .map(|f| Job {
                path: &f.path,
                kind: f.kind,
                text: None,
            })
            .collect(),
        Some(only) => explicit_jobs(inv, &repo, only, &selected, &mut skipped),
    };
    let units: Vec<Option<Unit>> = jobs
        .par_iter()
        .map(|job| {
            // The inventory's own text, shared: not a copy per file held until the end.
            let source: Arc<str> = match &job.text {
                Some(t) => Arc::from(t.as_str()),
                None => inv.text_of(job.path)?,
            };
            let file = AuditFile {
                path: job.path,
                source: &source,
                kind: job.kind,
                inventory: Some(inv),
                exists: &exists,
                read: &read,
                repo: &repo,
            };
            Some(check_file(&file, &selected, Arc::clone(&source)))
        })
        .collect();
    let units: Vec<Unit> = units.into_iter().flatten().collect();
    for u in &units {
        if let Some(why) = &u.skipped {
            skipped.push(Skipped {
                path: u.path.clone(),
                reason: SkipReason::NotAudited { why: why.clone() },
            });
        }
    }
    let audited = units.iter().filter(|u| u.skipped.is_none()).count();
    let texts = |p: &str| inv.text_of(p);
    let (mut findings, suppressed) = finish(units, &texts, opts);
    if let Some(only) = &opts.only {
        findings.retain(|f| f.location.path == *only);
    }
    // Files a domain would have read but could not: listed, never silently passed over.
    skipped.extend(
        inv.skipped()
            .into_iter()
            .filter(|s| jobs.iter().any(|j| j.path == s.path)),
    );
    // And what the walk could not look at (a folder it could not open, a YAML file it could
    // not read to tell what it is): it may hold files the audit would have read.
    if opts.only.is_none() {
        skipped.extend(inv.unexplored());
    }
    let mut report = Report {
        rules_run: selection.count_in_audit(),
        findings,
        suppressed,
        files_audited: audited,
        skipped,
        ..Report::default()
    };
    report.sort();
    report
}

/// The jobs for a file the user named. It is audited whatever the ignore files say (naming a
/// file is asking for it), as the kind its name says or, when the name says nothing an audit
/// reads, as the kind its content shows; a compose file is audited with the projects it belongs
/// to. A file that cannot be read (binary, over the size cap, not UTF-8) or whose content is no
/// Dockerfile or compose file is added to `skipped` with the reason.
fn explicit_jobs<'a>(
    inv: &'a Inventory,
    repo: &'a Repository,
    only: &'a str,
    selected: &Selected,
    skipped: &mut Vec<Skipped>,
) -> Vec<Job<'a>> {
    let audited_kind = |k: ArtifactKind| selected.audits(k);
    let (name_kind, text) = match inv.get(only) {
        Some(entry) => {
            if audited_kind(entry.kind) {
                let mut jobs = vec![Job {
                    path: only,
                    kind: entry.kind,
                    text: None,
                }];
                // The projects that read this compose file, led by another one.
                jobs.extend(
                    repo.projects_of(only)
                        .iter()
                        .filter(|l| *l != only)
                        .filter_map(|lead| {
                            inv.get(lead).map(|e| Job {
                                path: &e.path,
                                kind: e.kind,
                                text: None,
                            })
                        }),
                );
                return jobs;
            }
            match inv.text(entry) {
                Some(t) => (None, t.to_string()),
                None => {
                    skipped.extend(inv.skipped().into_iter().filter(|s| s.path == only));
                    return Vec::new();
                }
            }
        }
        // Left out by the walk (an ignore file, a dependency folder): read it directly.
        None => match read_guarded(inv, only) {
            Ok(t) => {
                let kind = match shipshape_core::artifact::classify_path(only) {
                    shipshape_core::artifact::Classification::Known(k) if audited_kind(k) => {
                        Some(k)
                    }
                    _ => None,
                };
                (kind, t)
            }
            Err(reason) => {
                skipped.push(Skipped {
                    path: only.to_string(),
                    reason,
                });
                return Vec::new();
            }
        },
    };
    let kind = match name_kind.map_or_else(|| crate::sniff::kind_of_content(&text), Ok) {
        Ok(k) if audited_kind(k) => k,
        Ok(_) => return Vec::new(),
        Err(why) => {
            skipped.push(Skipped {
                path: only.to_string(),
                reason: SkipReason::NotAudited { why },
            });
            return Vec::new();
        }
    };
    vec![Job {
        path: only,
        kind,
        text: Some(text),
    }]
}

/// Reads a repository file the walk did not take, with the walk's guards: the size cap, binary
/// content, UTF-8.
fn read_guarded(inv: &Inventory, rel: &str) -> Result<String, SkipReason> {
    use std::io::Read;
    let max = inv.config().max_file_size();
    let unreadable = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::PermissionDenied => SkipReason::PermissionDenied,
        _ => SkipReason::Unreadable {
            error: e.to_string(),
        },
    };
    let file = std::fs::File::open(inv.root().join(rel)).map_err(unreadable)?;
    let mut bytes = Vec::new();
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > max {
        return Err(SkipReason::TooLarge {
            size: bytes.len() as u64,
            limit: max,
        });
    }
    if shipshape_core::inventory::is_binary(&bytes) {
        return Err(SkipReason::Binary);
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    String::from_utf8(body.to_vec()).map_err(|_| SkipReason::InvalidUtf8)
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
    audit_text_beside(path, kind, source, exists, &|_| None, selection, opts)
}

/// [`audit_text`] for a text that will sit among other files (a Dockerfile `init` is about to
/// write into a repository): `read` gives their text, so a rule can look at a file the text
/// copies (a settings-only `.npmrc`).
pub fn audit_text_beside(
    path: &str,
    kind: ArtifactKind,
    source: &str,
    exists: &(dyn Fn(&str) -> bool + Sync),
    read: &(dyn Fn(&str) -> Option<String> + Sync),
    selection: &Selection,
    opts: &AuditOptions,
) -> Vec<Finding> {
    let repo = Repository::empty();
    let own = |p: &str| {
        if p == path {
            Some(source.to_string())
        } else {
            read(p)
        }
    };
    let file = AuditFile {
        path,
        source,
        kind,
        inventory: None,
        exists,
        read: &own,
        repo: &repo,
    };
    let unit = check_file(&file, &Selected::new(selection), Arc::from(source));
    finish(vec![unit], &|p: &str| own(p).map(Arc::from), opts).0
}

/// What the domains reported for one audited file (and, for a compose project, its other
/// files).
struct Unit {
    path: String,
    source: Arc<str>,
    raw: Vec<Raw>,
    statements: Vec<(u32, u32)>,
    skipped: Option<String>,
    /// A domain found no suppression marker in `source`.
    no_suppressions: bool,
}

/// A diagnostic as it waits for its finding, every file's at once: what most have (a span and
/// a message) inline, the rest boxed. 56 bytes instead of 120 for a [`Diagnostic`] and its rule.
struct Raw {
    meta: &'static RuleMeta,
    span: Span,
    message: String,
    extra: Option<Box<Extra>>,
}

struct Extra {
    redact: Vec<Span>,
    path: Option<String>,
    feature: Option<Span>,
}

impl Raw {
    fn new(meta: &'static RuleMeta, d: Diagnostic) -> Raw {
        let Diagnostic {
            span,
            message,
            redact,
            path,
            feature,
        } = d;
        let extra = (!redact.is_empty() || path.is_some() || feature.is_some()).then(|| {
            Box::new(Extra {
                redact,
                path,
                feature,
            })
        });
        Raw {
            meta,
            span,
            message,
            extra,
        }
    }

    fn path(&self) -> Option<&String> {
        self.extra.as_ref().and_then(|e| e.path.as_ref())
    }

    fn feature(&self) -> Option<Span> {
        self.extra.as_ref().and_then(|e| e.feature)
    }
}

fn check_file(file: &AuditFile<'_>, selected: &Selected, source: Arc<str>) -> Unit {
    let mut sink = Sink::default();
    for (d, enabled) in selected.for_kind(file.kind) {
        d.check(file, enabled, &mut sink);
    }
    let Sink {
        raw: diagnostics,
        statements,
        skipped,
        no_suppressions,
    } = sink;
    // Exactly as many as there are (collected in place, they would keep the larger room).
    let mut raw = Vec::with_capacity(diagnostics.len());
    raw.extend(diagnostics.into_iter().map(|(m, d)| Raw::new(m, d)));
    Unit {
        path: file.path.to_string(),
        source,
        raw,
        statements,
        skipped,
        no_suppressions,
    }
}

/// Turns every unit's diagnostics into findings, file by file: line and column, redacted
/// snippet, inline suppressions of the file the finding is in. A problem reported by two units
/// (a base compose file in two projects) is reported once. Returns the findings and how many
/// were suppressed.
fn finish(
    units: Vec<Unit>,
    texts: &(dyn Fn(&str) -> Option<Arc<str>> + Sync),
    opts: &AuditOptions,
) -> (Vec<Finding>, usize) {
    struct FileWork {
        source: Option<Arc<str>>,
        raw: Vec<Raw>,
        statements: Vec<(u32, u32)>,
        /// `source` is known to hold no suppression marker.
        no_suppressions: bool,
    }
    let mut files: BTreeMap<String, FileWork> = BTreeMap::new();
    for unit in units {
        let Unit {
            path: unit_path,
            source,
            raw,
            statements,
            no_suppressions,
            ..
        } = unit;
        let own = files.entry(unit_path.clone()).or_insert_with(|| FileWork {
            source: None,
            raw: Vec::new(),
            statements: Vec::new(),
            no_suppressions: false,
        });
        own.source = Some(source);
        // What the unit knows of its text holds for the text kept (the same file's).
        own.no_suppressions = no_suppressions;
        if !statements.is_empty() {
            own.statements = statements;
        }
        if own.raw.is_empty() && raw.iter().all(|r| r.path().is_none()) {
            // Nearly always: the unit's diagnostics are all its own file's, and the first it
            // has. Taken as they are (the same order as pushed one by one).
            own.raw = raw;
            continue;
        }
        for r in raw {
            let path = r.path().cloned().unwrap_or_else(|| unit_path.clone());
            files
                .entry(path)
                .or_insert_with(|| FileWork {
                    source: None,
                    raw: Vec::new(),
                    statements: Vec::new(),
                    no_suppressions: false,
                })
                .raw
                .push(r);
        }
    }
    let work: Vec<(String, FileWork)> = files.into_iter().collect();
    // Which diagnostics become findings is decided first, file by file; then the findings are
    // made on every core straight into their place in one vector of the exact length. Made into
    // one vector per file and then moved into the report's, they took their room twice (the
    // freed per-file vectors stay with the allocator): a large report is hundreds of MiB.
    let plans: Vec<Planned> = work
        .into_par_iter()
        .filter_map(|(path, mut w)| {
            let source = w.source.take().or_else(|| texts(&path))?;
            let no_suppressions = w.no_suppressions;
            Some(plan_file(
                path,
                source,
                w.raw,
                &w.statements,
                no_suppressions,
                opts,
            ))
        })
        .collect();
    let suppressed = plans.iter().map(|p| p.suppressed).sum();
    let total = plans.iter().map(Planned::len).sum();
    // The empty slots are written on every core too: on one thread, the first touch of the
    // vector's pages (a few MiB for 24,000 findings) came before any finding was made.
    let mut findings = Vec::new();
    (0..total)
        .into_par_iter()
        .map(|_| Finding::default())
        .collect_into_vec(&mut findings);
    let mut rest = findings.as_mut_slice();
    let mut places = Vec::with_capacity(plans.len());
    for p in &plans {
        let (place, tail) = std::mem::take(&mut rest).split_at_mut(p.len());
        places.push(place);
        rest = tail;
    }
    plans
        .into_par_iter()
        .zip(places)
        .for_each(|(plan, place)| plan.make(place));
    (findings, suppressed)
}

/// One file's diagnostics that become findings (after duplicates and inline suppressions), and
/// its suppressions to report as unused.
struct Planned {
    path: String,
    source: Arc<str>,
    raw: Vec<Raw>,
    unused: Vec<Suppression>,
    suppressed: usize,
}

impl Planned {
    /// How many findings it makes.
    fn len(&self) -> usize {
        self.raw.len() + self.unused.len()
    }

    /// Its findings, in order, into `place` (of [`Planned::len`] slots).
    fn make(self, place: &mut [Finding]) {
        let builder = FindingBuilder::new(&self.path, &self.source);
        let mut slots = place.iter_mut();
        for r in self.raw {
            let redact = r.extra.map(|e| e.redact).unwrap_or_default();
            *slots.next().expect("one slot per finding") =
                builder.finding_owned(r.meta, r.span, r.message, &redact);
        }
        for s in &self.unused {
            *slots.next().expect("one slot per finding") = unused_ignore(&builder, s);
        }
        debug_assert!(slots.next().is_none());
    }
}

/// Which diagnostics of one file become findings after its inline suppressions.
fn plan_file(
    path: String,
    source: Arc<str>,
    mut raw: Vec<Raw>,
    statements: &[(u32, u32)],
    no_suppressions: bool,
    opts: &AuditOptions,
) -> Planned {
    // `parse` finds none where `may_hold` found no marker.
    let mut sups = if opts.no_ignores || no_suppressions {
        Vec::new()
    } else {
        suppress::parse(&source, CommentStyle::Hash)
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
    raw.sort_by(|a, b| (a.meta.id, a.span, &a.message).cmp(&(b.meta.id, b.span, &b.message)));
    raw.dedup_by(|a, b| a.meta.id == b.meta.id && a.span == b.span);
    let mut suppressed = 0;
    // Most files have no suppression comment: nothing to match, no line index to build.
    let builder = (!sups.is_empty()).then(|| FindingBuilder::new(&path, &source));
    raw.retain(|r| {
        let Some(builder) = &builder else {
            return true;
        };
        // The line its finding will start on.
        let line = builder.start_line(r.span);
        let feature = r.feature().map(|f| {
            let lines = builder.lines();
            (lines.line(f.start), lines.line(f.end.max(f.start + 1) - 1))
        });
        let mut hit = false;
        for s in sups.iter_mut() {
            let on_feature = feature.is_some_and(|(a, b)| (a..=b).contains(&s.line));
            if s.names(r.meta.into()) && (s.covers(line) || on_feature) {
                s.used = true;
                hit = true;
            }
        }
        if hit && r.meta.domain != shipshape_diagnostics::Domain::Engine {
            suppressed += 1;
            false
        } else {
            true
        }
    });
    let unused = if opts.report_unused_ignores {
        sups.into_iter().filter(|s| !s.used).collect()
    } else {
        Vec::new()
    };
    Planned {
        path,
        source,
        raw,
        unused,
        suppressed,
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The switches worked out once per run say, rule by rule, what the selection says,
        /// whatever is selected and ignored (IDs, slugs, domains); and a domain is used exactly
        /// when the selection runs any of its rules.
        #[test]
        fn selected_rules_are_the_selections_answer(
            select in proptest::collection::vec(0usize..1000, 0..4),
            ignore in proptest::collection::vec(0usize..1000, 0..4),
        ) {
            let catalog = catalog();
            let keys: Vec<String> = catalog
                .rules()
                .iter()
                .flat_map(|r| [r.id.to_string(), r.slug.to_string(), r.domain.to_string()])
                .collect();
            let pick = |v: &[usize]| -> Vec<String> {
                v.iter().map(|i| keys[i % keys.len()].clone()).collect()
            };
            let selection = catalog.select(&pick(&select), &pick(&ignore)).expect("known keys");
            let selected = Selected::new(&selection);
            for d in rules::DOMAINS {
                let used = selected.domains.iter().find(|(u, _)| u.domain() == d.domain());
                prop_assert_eq!(used.is_some(), selection.any_in(d.domain()));
                if let Some((_, enabled)) = used {
                    let want: Vec<bool> =
                        d.rules().iter().map(|m| selection.enabled(m.id)).collect();
                    prop_assert_eq!(enabled, &want);
                }
            }
        }
    }

    fn workflow_findings(text: &str) -> Vec<Finding> {
        let selection = catalog().select(&[], &[]).expect("selection");
        audit_text(
            ".github/workflows/ci.yml",
            ArtifactKind::GithubWorkflow,
            text,
            &|_| false,
            &selection,
            &AuditOptions::default(),
        )
    }

    /// A zizmor comment on the `on:` key covers the triggers below it, as zizmor reads it (a
    /// comment anywhere in its finding's span); real workflows write it there.
    #[test]
    fn a_comment_on_the_construct_a_finding_is_about_suppresses_it() {
        let text = "on: # zizmor: ignore[dangerous-triggers] no checkout of the head\n  \
                    workflow_run:\n    workflows: [ci]\n    types: [completed]\npermissions: {}\n\
                    jobs:\n  comment:\n    runs-on: ubuntu-latest\n    steps:\n      \
                    - run: echo done\n";
        let ids = |t: &str| -> Vec<String> {
            workflow_findings(t)
                .into_iter()
                .map(|f| f.rule_id.to_string())
                .collect()
        };
        assert!(
            !ids(text).contains(&"SS-GHA-005".to_string()),
            "{:?}",
            ids(text)
        );
        let bare = text.replace(
            " # zizmor: ignore[dangerous-triggers] no checkout of the head",
            "",
        );
        assert!(
            ids(&bare).contains(&"SS-GHA-005".to_string()),
            "{:?}",
            ids(&bare)
        );
        // A comment elsewhere in the file does not.
        let elsewhere = format!("{bare}# zizmor: ignore[dangerous-triggers]\n");
        assert!(ids(&elsewhere).contains(&"SS-GHA-005".to_string()));
    }
}
