//! JUnit XML, for CI systems that show test reports: one failed test case per finding; a clean
//! run is one passing test case naming how many files were audited.

use std::io::{self, Write};

use super::RuleTexts;
use crate::catalog::Catalog;
use crate::report::Report;

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

pub fn junit(report: &Report, catalog: &Catalog) -> String {
    super::to_string(|out| write_junit(out, report, catalog))
}

/// The JUnit document, written to `out` test case by test case.
pub fn write_junit(out: &mut dyn Write, report: &Report, catalog: &Catalog) -> io::Result<()> {
    let texts = RuleTexts::new(catalog);
    let n = report.findings.len();
    out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")?;
    writeln!(
        out,
        "<testsuites name=\"shipshape audit\" tests=\"{}\" failures=\"{n}\">",
        n.max(1)
    )?;
    writeln!(
        out,
        "  <testsuite name=\"shipshape\" tests=\"{}\" failures=\"{n}\" errors=\"0\" skipped=\"0\">",
        n.max(1)
    )?;
    if n == 0 {
        writeln!(
            out,
            "    <testcase name=\"{} file(s) audited\" classname=\"shipshape\"/>",
            report.files_audited
        )?;
    }
    for f in &report.findings {
        let l = &f.location;
        let fix = texts.fix(&f.rule_id);
        writeln!(
            out,
            "    <testcase name=\"{} {} at {}:{}:{}\" classname=\"{}\">",
            xml_escape(&f.rule_id),
            xml_escape(&f.slug),
            xml_escape(&l.path),
            l.start.line,
            l.start.column,
            xml_escape(&l.path)
        )?;
        writeln!(
            out,
            "      <failure type=\"{}\" message=\"{}\">{}:{}:{}\n{}\nfix: {}</failure>",
            f.severity.as_str(),
            xml_escape(&f.message),
            xml_escape(&l.path),
            l.start.line,
            l.start.column,
            xml_escape(&f.snippet),
            xml_escape(fix)
        )?;
        out.write_all(b"    </testcase>\n")?;
    }
    out.write_all(b"  </testsuite>\n</testsuites>\n")
}
