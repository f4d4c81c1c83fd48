//! The audit run: every enabled rule over every parsed artifact of the inventory, diagnostics
//! resolved into findings (line and column, snippet, fingerprint), then suppressions and the
//! baseline applied. One file that does not parse yields one parse-error finding; the rest of
//! the repository is still audited.

use rayon::prelude::*;
use shipshape_core::{ArtifactKind, FileEntry, Finding, Inventory, Location, Position, Severity};
use shipshape_syntax::span::line_col;
use shipshape_syntax::Span;

use crate::baseline::Baseline;
use crate::rule::{ComposeDoc, Diagnostic, DockerfileDoc, Rule, RuleMeta, Target};
use crate::rules;
use crate::suppress::{self, Scope, Suppression};

/// What to run and how.
#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    /// Rule IDs, slugs, ID prefixes (`SS-DOCKER`) or targets (`dockerfile`, `compose`) to run;
    /// empty = all.
    pub select: Vec<String>,
    /// Same keys, to leave out.
    pub ignore: Vec<String>,
    /// Turn every inline suppression off.
    pub no_ignores: bool,
    /// Report suppressions that matched nothing.
    pub report_unused_ignores: bool,
    pub baseline: Option<Baseline>,
    /// Audit only the file with this repository-relative path.
    pub only: Option<String>,
}

/// The result of an audit run.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub files_audited: usize,
    pub rules_run: usize,
    /// Findings silenced by inline suppressions.
    pub suppressed: usize,
    /// Findings accepted by the baseline.
    pub baselined: usize,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Whether any finding is at or above `threshold`.
    pub fn fails(&self, threshold: Severity) -> bool {
        self.findings.iter().any(|f| f.severity >= threshold)
    }
}

fn key_matches(key: &str, meta: &RuleMeta) -> bool {
    key.eq_ignore_ascii_case(meta.id)
        || key == meta.slug
        || key.eq_ignore_ascii_case(meta.target.as_str())
        || meta
            .id
            .to_ascii_lowercase()
            .starts_with(&format!("{}-", key.to_ascii_lowercase()))
}

/// Whether `key` names any rule at all (for telling the user about typos).
pub fn key_is_known(key: &str) -> bool {
    rules::metas().iter().any(|m| key_matches(key, m))
}

fn enabled(opts: &AuditOptions) -> Vec<&'static dyn Rule> {
    rules::all()
        .into_iter()
        .filter(|r| {
            let m = r.meta();
            m.target == Target::Engine
                || ((opts.select.is_empty() || opts.select.iter().any(|k| key_matches(k, m)))
                    && !opts.ignore.iter().any(|k| key_matches(k, m)))
        })
        .collect()
}

/// Audit every artifact in the inventory.
pub fn audit(inv: &Inventory, opts: &AuditOptions) -> Report {
    let rules = enabled(opts);
    let targets: Vec<&FileEntry> = inv
        .files()
        .iter()
        .filter(|f| matches!(f.kind, ArtifactKind::Dockerfile | ArtifactKind::Compose))
        .filter(|f| opts.only.as_ref().is_none_or(|o| *o == f.path))
        .collect();
    let per_file: Vec<(Vec<Finding>, usize)> = targets
        .par_iter()
        .map(|f| audit_file(inv, f, &rules, opts))
        .collect();
    let mut findings = Vec::new();
    let mut suppressed = 0;
    let mut files_audited = 0;
    for (f, s) in per_file {
        findings.extend(f);
        suppressed += s;
        files_audited += 1;
    }
    findings.sort_by(|a, b| {
        (&a.location.path, a.location.start, &a.rule_id).cmp(&(
            &b.location.path,
            b.location.start,
            &b.rule_id,
        ))
    });
    let mut baselined = 0;
    if let Some(b) = &opts.baseline {
        let (fresh, n) = b.partition(findings);
        findings = fresh;
        baselined = n;
    }
    Report {
        findings,
        files_audited,
        rules_run: rules
            .iter()
            .filter(|r| r.meta().target != Target::Engine)
            .count(),
        suppressed,
        baselined,
    }
}

fn has_dockerignore(inv: &Inventory, f: &FileEntry) -> bool {
    let dir = f.dir();
    let join = |n: &str| {
        if dir.is_empty() {
            n.to_string()
        } else {
            format!("{dir}/{n}")
        }
    };
    inv.contains(&join(".dockerignore"))
        || inv.contains(&join(&format!("{}.dockerignore", f.name())))
}

/// Audit one file: `(findings after suppression, number suppressed)`.
fn audit_file(
    inv: &Inventory,
    f: &FileEntry,
    rules: &[&'static dyn Rule],
    opts: &AuditOptions,
) -> (Vec<Finding>, usize) {
    let Some(source) = inv.text(f) else {
        // Unreadable files are reported by the inventory as skipped.
        return (Vec::new(), 0);
    };
    audit_source(
        &f.path,
        f.kind,
        &source,
        has_dockerignore(inv, f),
        rules,
        opts,
    )
}

/// Audit text that is not (yet) a file of a repository — a generated Dockerfile or compose file
/// before it is written. `has_dockerignore` says whether its build context will have one.
pub fn audit_text(
    path: &str,
    kind: ArtifactKind,
    source: &str,
    has_dockerignore: bool,
    opts: &AuditOptions,
) -> Vec<Finding> {
    let rules = enabled(opts);
    audit_source(path, kind, source, has_dockerignore, &rules, opts).0
}

fn audit_source(
    path: &str,
    kind: ArtifactKind,
    source: &str,
    has_dockerignore: bool,
    rules: &[&'static dyn Rule],
    opts: &AuditOptions,
) -> (Vec<Finding>, usize) {
    let mut raw: Vec<(&'static RuleMeta, Diagnostic)> = Vec::new();
    let mut instruction_lines: Vec<(u32, u32)> = Vec::new();
    match kind {
        ArtifactKind::Dockerfile => {
            let ast = shipshape_syntax::dockerfile::parse(source);
            for e in &ast.errors {
                raw.push((
                    &rules::parse_error::META,
                    Diagnostic::new(e.span, format!("Dockerfile syntax: {}", e.message)),
                ));
            }
            instruction_lines = ast
                .instructions
                .iter()
                .map(|i| {
                    (
                        line_col(source, i.span.start).0,
                        line_col(source, i.span.end.saturating_sub(1).max(i.span.start)).0,
                    )
                })
                .collect();
            let doc = DockerfileDoc {
                path,
                source,
                ast: &ast,
                has_dockerignore,
            };
            for r in rules
                .iter()
                .filter(|r| r.meta().target == Target::Dockerfile)
            {
                let mut out = Vec::new();
                r.check_dockerfile(&doc, &mut out);
                raw.extend(out.into_iter().map(|d| (r.meta(), d)));
            }
        }
        ArtifactKind::Compose => match shipshape_syntax::yaml::parse(source) {
            Ok(docs) => {
                for root in docs.iter().filter(|d| d.is_map()) {
                    let doc = ComposeDoc { path, source, root };
                    for r in rules.iter().filter(|r| r.meta().target == Target::Compose) {
                        let mut out = Vec::new();
                        r.check_compose(&doc, &mut out);
                        raw.extend(out.into_iter().map(|d| (r.meta(), d)));
                    }
                }
            }
            Err(e) => raw.push((
                &rules::parse_error::META,
                Diagnostic::new(
                    e.span,
                    format!(
                        "YAML syntax: {} — shipshape skipped the rules for this file",
                        e.message
                    ),
                ),
            )),
        },
        _ => {}
    }

    let mut sups = if opts.no_ignores {
        Vec::new()
    } else {
        suppress::parse(source)
    };
    // In a Dockerfile, a comment on its own line covers the whole next instruction.
    if !instruction_lines.is_empty() {
        for s in sups.iter_mut().filter(|s| s.own_line) {
            if let Scope::Lines(next, _) = s.scope {
                if let Some(&(a, b)) = instruction_lines.iter().find(|(a, _)| *a >= next) {
                    s.scope = Scope::Lines(a, b);
                }
            }
        }
    }

    // A problem inside a shared YAML anchor is reported by every service that merges it, at the
    // same span: report it once.
    raw.sort_by(|(ma, a), (mb, b)| (ma.id, a.span, &a.message).cmp(&(mb.id, b.span, &b.message)));
    raw.dedup_by(|(ma, a), (mb, b)| ma.id == mb.id && a.span == b.span);
    let mut findings = Vec::new();
    let mut suppressed = 0;
    for (meta, d) in raw {
        let finding = resolve(path, source, meta, &d);
        let line = finding.location.start.line;
        let hit = sups
            .iter_mut()
            .filter(|s| s.names(meta) && s.covers(line))
            .fold(false, |_, s| {
                s.used = true;
                true
            });
        if hit && meta.target != Target::Engine {
            suppressed += 1;
        } else {
            findings.push(finding);
        }
    }
    if opts.report_unused_ignores {
        for s in sups.iter().filter(|s| !s.used) {
            findings.push(unused_ignore(path, source, s));
        }
    }
    (findings, suppressed)
}

/// 64-bit FNV-1a: a small, stable hash (the same on every platform and release).
fn fnv1a(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0u8)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// The whole lines a span touches.
fn line_bounds(source: &str, span: Span) -> (usize, usize) {
    let start = source[..span.start.min(source.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let end_probe = span.end.max(span.start).min(source.len());
    let end = source[end_probe..]
        .find('\n')
        .map_or(source.len(), |i| end_probe + i);
    (start, end)
}

/// Mask `secret` inside `text` (which starts at `base` in the source): keep a short prefix and
/// say how long the value is.
fn mask(text: &mut String, base: usize, secret: Span) {
    let (Some(a), Some(b)) = (secret.start.checked_sub(base), secret.end.checked_sub(base)) else {
        return;
    };
    if b > text.len() || !text.is_char_boundary(a) || !text.is_char_boundary(b) || a >= b {
        return;
    }
    let value = &text[a..b];
    let shown: String = value
        .chars()
        .take(if value.chars().count() > 8 { 2 } else { 0 })
        .collect();
    let replacement = format!("{shown}***({} chars)", value.chars().count());
    text.replace_range(a..b, &replacement);
}

/// Turn a rule's diagnostic into a finding.
pub fn resolve(path: &str, source: &str, meta: &'static RuleMeta, d: &Diagnostic) -> Finding {
    let span = clamp(source, d.span);
    let (sl, sc) = line_col(source, span.start);
    let (el, ec) = line_col(source, span.end);
    let (ls, le) = line_bounds(source, span);
    let mut snippet = source[ls..le].to_string();
    // Mask from the last secret backwards so earlier offsets stay valid.
    let mut secrets = d.redact.clone();
    secrets.sort_by_key(|s| std::cmp::Reverse(s.start));
    for s in secrets {
        mask(&mut snippet, ls, clamp(source, s));
    }
    let normalised: String = snippet.split_whitespace().collect::<Vec<_>>().join(" ");
    let token: String = span
        .text(source)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let token = if d.redact.is_empty() {
        token
    } else {
        String::new()
    };
    Finding {
        rule_id: meta.id.to_string(),
        slug: meta.slug.to_string(),
        severity: meta.severity,
        message: d.message.clone(),
        location: Location {
            path: path.to_string(),
            start: Position {
                line: sl,
                column: sc,
            },
            end: Position {
                line: el,
                column: ec,
            },
        },
        snippet,
        fix: meta.fix.to_string(),
        equivalents: meta.equivalents.iter().map(|s| s.to_string()).collect(),
        fingerprint: fnv1a(&[meta.id, path, &normalised, &token]),
    }
}

/// Keep a span inside the source and on character boundaries.
fn clamp(source: &str, s: Span) -> Span {
    let mut a = s.start.min(source.len());
    let mut b = s.end.min(source.len()).max(a);
    while !source.is_char_boundary(a) {
        a -= 1;
    }
    while !source.is_char_boundary(b) {
        b += 1;
    }
    Span::new(a, b)
}

fn unused_ignore(path: &str, source: &str, s: &Suppression) -> Finding {
    let offset: usize = source
        .lines()
        .take(s.line as usize - 1)
        .map(|l| l.len() + 1)
        .sum::<usize>()
        + source
            .lines()
            .nth(s.line as usize - 1)
            .map(|l| {
                l.char_indices()
                    .nth(s.column as usize - 1)
                    .map_or(0, |(i, _)| i)
            })
            .unwrap_or(0);
    let span = Span::new(offset, offset + s.text.len());
    resolve(
        path,
        source,
        &rules::unused_ignore::META,
        &Diagnostic::new(span, format!("`{}` suppresses nothing", s.text)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_ignore_line_moves_and_whitespace() {
        let m = &rules::parse_error::META;
        let a = resolve(
            "Dockerfile",
            "FROM x\nUSER  root\n",
            m,
            &Diagnostic::new(Span::new(13, 17), "x"),
        );
        let b = resolve(
            "Dockerfile",
            "# moved\n\nFROM x\nUSER root\n",
            m,
            &Diagnostic::new(Span::new(21, 25), "x"),
        );
        assert_eq!(a.location.start.line, 2);
        assert_eq!(b.location.start.line, 4);
        assert_eq!(a.fingerprint, b.fingerprint);
    }

    #[test]
    fn redacted_values_never_reach_the_snippet() {
        let src = "services:\n  db:\n    environment:\n      DB_PASSWORD: s3cr3t-Value-123\n";
        let at = src.find("s3cr3t").unwrap();
        let d = Diagnostic::new(Span::new(at - 13, at - 2), "hardcoded")
            .redacting(Span::new(at, at + 16));
        let f = resolve("compose.yaml", src, &rules::parse_error::META, &d);
        assert!(!f.snippet.contains("s3cr3t-Value-123"), "{}", f.snippet);
        assert!(f.snippet.contains("s3***(16 chars)"), "{}", f.snippet);
    }

    #[test]
    fn spans_outside_the_source_are_clamped() {
        let f = resolve(
            "x",
            "ab",
            &rules::parse_error::META,
            &Diagnostic::new(Span::new(5, 9), "m"),
        );
        assert_eq!(f.location.start.line, 1);
    }
}
