//! Terminal output: each finding with its source snippet and the offending token underlined
//! (rustc's renderer), then a one-line summary. Colour is the caller's choice.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use shipshape_core::{Finding, Severity};

use crate::engine::Report;
use crate::rule::RuleMeta;

/// Byte offset of 1-based `column` (in characters) on `line` of `text`.
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

fn render_one(f: &Finding, renderer: &Renderer) -> String {
    let loc = &f.location;
    let first = loc.start.line;
    let start = offset_of(&f.snippet, 1, loc.start.column);
    let mut end = offset_of(&f.snippet, loc.end.line - first + 1, loc.end.column);
    if end <= start {
        end = (start + 1).min(f.snippet.len());
    }
    let title = format!("{}: {}", f.slug, f.message);
    let group = Group::with_title(level(f.severity).primary_title(&title).id(&f.rule_id))
        .element(
            Snippet::source(&f.snippet)
                .line_start(first as usize)
                .path(&loc.path)
                .annotation(AnnotationKind::Primary.span(start..end)),
        )
        .element(Level::HELP.message(&f.fix));
    renderer.render(&[group]).to_string()
}

/// Every finding, then a summary line.
pub fn human(report: &Report, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for f in &report.findings {
        out.push_str(&render_one(f, &renderer));
        out.push_str("\n\n");
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
    out.push_str(&summary);
    out.push('\n');
    out
}

/// `shipshape explain`: a rule's documentation, generated from its file's doc comment and its
/// metadata.
pub fn explain(meta: &RuleMeta) -> String {
    let mut s = format!(
        "{} ({})\n{}\n\nSeverity: {}\nApplies to: {}\n",
        meta.id,
        meta.slug,
        meta.title,
        meta.severity.as_str(),
        meta.target.as_str(),
    );
    if !meta.equivalents.is_empty() {
        s.push_str(&format!(
            "Same check elsewhere: {}\n",
            meta.equivalents.join(", ")
        ));
    }
    match crate::rules::docs(meta.id) {
        Some(doc) => {
            s.push('\n');
            s.push_str(doc.trim_end());
            s.push('\n');
        }
        None => s.push_str(&format!(
            "\nWhy is this bad?\n  {}\n\nFix\n  {}\n",
            meta.rationale, meta.fix
        )),
    }
    s.push_str(&format!(
        "\nSilence one occurrence with `# shipshape:ignore[{}] <reason>` on the line or the line above.\n",
        meta.slug
    ));
    s
}
