//! Terminal output: each finding with its source snippet and the offending token underlined
//! (rustc's renderer), files that could not be read, then a one-line summary. Colour is the
//! caller's choice.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use shipshape_core::{Severity, SkipReason};

use super::RuleTexts;
use crate::catalog::Catalog;
use crate::finding::Finding;
use crate::report::Report;
use crate::rule::RuleInfo;

/// Byte offset of 1-based `column` (in characters) on line `line_in_text` of `text`.
fn offset_of(text: &str, line_in_text: u32, column: u32) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line_in_text as usize {
            let within = l
                .char_indices()
                .nth(column.saturating_sub(1) as usize)
                .map_or(l.trim_end_matches('\n').len(), |(b, _)| b);
            return offset + within;
        }
        offset += l.len();
    }
    text.len()
}

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

fn render_one(f: &Finding, fix: &str, renderer: &Renderer) -> String {
    let loc = &f.location;
    let first = loc.start.line;
    let start = offset_of(&f.snippet, 1, loc.start.column).min(f.snippet.len());
    let lines_in_snippet = f.snippet.split('\n').count() as u32;
    let end_line = (loc.end.line - first + 1).min(lines_in_snippet);
    let mut end = if end_line < loc.end.line - first + 1 {
        f.snippet.len()
    } else {
        offset_of(&f.snippet, end_line, loc.end.column)
    };
    let mut start = start;
    if let Some((a, b)) = f.underline() {
        // The snippet is masked, so columns of the original no longer fit it.
        start = a;
        end = b;
    }
    if end <= start {
        end = (start + 1).min(f.snippet.len());
    }
    let title = format!("{}: {}", f.slug, f.message);
    let snippet = Snippet::source(f.snippet.as_str())
        .line_start(first as usize)
        .annotation(AnnotationKind::Primary.span(start..end));
    let mut group = Group::with_title(
        level(f.severity)
            .primary_title(&title)
            .id(f.rule_id.as_str()),
    );
    let masked = f.underline().is_some();
    group = if masked {
        group.element(snippet)
    } else {
        group.element(snippet.path(loc.path.as_str()))
    };
    let provenance = f.provenance.as_ref().map(|p| p.describe());
    if let Some(p) = &provenance {
        group = group.element(Level::NOTE.message(p));
    }
    if !fix.is_empty() {
        group = group.element(Level::HELP.message(fix));
    }
    let text = renderer.render(&[group]).to_string();
    if !masked {
        return text;
    }
    // A masked snippet no longer has the source's columns, so the renderer cannot name the
    // location: write the source's line and column after the title line.
    let width = (first as usize + f.snippet.matches('\n').count())
        .to_string()
        .len();
    match text.split_once('\n') {
        Some((title, rest)) => format!(
            "{title}\n{:width$}--> {}:{}:{}\n{rest}",
            "",
            loc.path,
            loc.start.line,
            loc.start.column,
            width = width
        ),
        None => text,
    }
}

/// Every finding, the files not read, then a summary line.
pub fn human(report: &Report, catalog: &Catalog, color: bool) -> String {
    super::to_string(|out| write_human(out, report, catalog, color))
}

/// The human report, written to `out` finding by finding.
pub fn write_human(
    out: &mut dyn Write,
    report: &Report,
    catalog: &Catalog,
    color: bool,
) -> io::Result<()> {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let texts = RuleTexts::new(catalog);
    for f in &report.findings {
        out.write_all(render_one(f, texts.fix(&f.rule_id), &renderer).as_bytes())?;
        out.write_all(b"\n\n")?;
    }
    let mut binary = 0;
    for s in &report.skipped {
        match s.reason {
            SkipReason::Binary => binary += 1,
            _ => writeln!(out, "skipped {}: {}", s.path, s.reason)?,
        }
    }
    if binary > 0 {
        writeln!(out, "skipped {binary} binary file(s)")?;
    }
    for n in &report.notes {
        writeln!(out, "note: {n}")?;
    }
    let (e, w, i) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Info),
    );
    let mut summary = if report.findings.is_empty() {
        format!(
            "No findings in {} file(s) ({} rules).",
            report.files_audited, report.rules_run
        )
    } else {
        format!(
            "{} finding(s): {e} error(s), {w} warning(s), {i} info, in {} file(s) ({} rules).",
            report.findings.len(),
            report.files_audited,
            report.rules_run
        )
    };
    if report.suppressed > 0 {
        summary.push_str(&format!(" {} suppressed inline.", report.suppressed));
    }
    if report.baselined > 0 {
        summary.push_str(&format!(" {} accepted by the baseline.", report.baselined));
    }
    if !report.skipped.is_empty() {
        // Folders the walk could not open are among them: "paths", not "files". "Skipped", not
        // "not read": a file whose kind's rules did not run (not UTF-8, not what its name says)
        // may still have been searched for secrets, and have findings above.
        summary.push_str(&format!(" {} path(s) skipped.", report.skipped.len()));
    }
    writeln!(out, "{summary}")
}

/// `shipshape explain`: a rule's documentation.
pub fn explain(rule: &RuleInfo) -> String {
    let mut s = format!(
        "{} ({})\n{}\n\nSeverity: {}\nApplies to: {}\n",
        rule.id,
        rule.slug,
        rule.title,
        rule.severity.as_str(),
        rule.domain.name(),
    );
    if !rule.equivalents.is_empty() {
        let eq: Vec<&str> = rule.equivalents.iter().map(|e| e.as_ref()).collect();
        s.push_str(&format!("Same check elsewhere: {}\n", eq.join(", ")));
    }
    if rule.origin != crate::rule::RuleOrigin::Builtin {
        s.push_str(&format!(
            "Defined by: {}\n",
            match rule.origin {
                crate::rule::RuleOrigin::Config => "shipshape.toml",
                _ => "a gitleaks configuration",
            }
        ));
    }
    let d = &rule.docs;
    for (heading, text) in [
        ("What it does", &d.what),
        ("Why is this bad?", &d.why),
        ("Example", &d.example),
        ("Fix", &d.fix),
    ] {
        if !text.is_empty() {
            s.push_str(&format!("\n## {heading}\n{}\n", text.trim_end()));
        }
    }
    s.push_str(&format!(
        "\nSilence one occurrence with `# shipshape:ignore[{}] <reason>` on the line or the line above.\n",
        rule.slug
    ));
    s
}

/// `shipshape rules`: one line per rule, cut to `width` columns.
pub fn rules_table(catalog: &Catalog, width: usize) -> String {
    let mut out = String::new();
    for r in catalog.rules() {
        let line = format!(
            "{:<14} {:<7} {:<34} {}",
            r.id,
            r.severity.as_str(),
            r.slug,
            r.title
        );
        out.push_str(&fit(&line, width));
        out.push('\n');
    }
    out.push_str(&format!(
        "\n{} rules. `shipshape explain ID` for details.\n",
        catalog.len()
    ));
    out
}

/// Cut a line to `width` characters with an ellipsis (no cut when `width` is 0).
pub(crate) fn fit(line: &str, width: usize) -> String {
    if width == 0 || line.chars().count() <= width {
        return line.to_string();
    }
    let mut s: String = line.chars().take(width.saturating_sub(1)).collect();
    s.push('…');
    s
}
