//! GitHub Actions workflow commands: one `::error file=…,line=…::message` line per finding, which
//! the runner turns into annotations on the pull request.

use shipshape_core::Severity;

use crate::catalog::Catalog;
use crate::report::Report;

/// Escape a message (data) the way the runner expects.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value: data escapes plus `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn github(report: &Report, catalog: &Catalog) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let l = &f.location;
        let fix = catalog
            .get(&f.rule_id)
            .map(|r| r.docs.short_fix())
            .unwrap_or_default();
        let message = if fix.is_empty() {
            f.message.clone()
        } else {
            format!("{} (fix: {fix})", f.message)
        };
        out.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(&l.path),
            l.start.line,
            l.start.column,
            l.end.line,
            l.end.column,
            escape_property(&format!("{} {}", f.rule_id, f.slug)),
            escape_data(&message),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_would_break_the_command() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
