//! GitHub Actions workflow commands: one `::error file=…,line=…::message` line per finding, which
//! the runner turns into annotations on the pull request.

use std::io::{self, Write};

use shipshape_core::Severity;

use super::RuleTexts;
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
    super::to_string(|out| write_github(out, report, catalog))
}

/// One workflow command per finding, written to `out` as it is made.
pub fn write_github(out: &mut dyn Write, report: &Report, catalog: &Catalog) -> io::Result<()> {
    let texts = RuleTexts::new(catalog);
    for f in &report.findings {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let l = &f.location;
        let fix = texts.fix(&f.rule_id);
        let message = if fix.is_empty() {
            f.message.clone()
        } else {
            format!("{} (fix: {fix})", f.message)
        };
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&l.path),
            l.start.line,
            l.start.column,
            l.end.line,
            l.end.column,
            escape_property(&format!("{} {}", f.rule_id, f.slug)),
            escape_data(&message),
        )?;
    }
    Ok(())
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
