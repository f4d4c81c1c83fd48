//! JUnit XML, for CI systems that show test reports: one failed test case per finding; a clean
//! run is one passing test case naming how many files were audited.

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
    let n = report.findings.len();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"shipshape audit\" tests=\"{}\" failures=\"{n}\">\n",
        n.max(1)
    ));
    out.push_str(&format!(
        "  <testsuite name=\"shipshape\" tests=\"{}\" failures=\"{n}\" errors=\"0\" skipped=\"0\">\n",
        n.max(1)
    ));
    if n == 0 {
        out.push_str(&format!(
            "    <testcase name=\"{} file(s) audited\" classname=\"shipshape\"/>\n",
            report.files_audited
        ));
    }
    for f in &report.findings {
        let l = &f.location;
        let fix = catalog
            .get(&f.rule_id)
            .map(|r| r.docs.short_fix())
            .unwrap_or_default();
        out.push_str(&format!(
            "    <testcase name=\"{} {} at {}:{}:{}\" classname=\"{}\">\n",
            xml_escape(&f.rule_id),
            xml_escape(&f.slug),
            xml_escape(&l.path),
            l.start.line,
            l.start.column,
            xml_escape(&l.path)
        ));
        out.push_str(&format!(
            "      <failure type=\"{}\" message=\"{}\">{}:{}:{}\n{}\nfix: {}</failure>\n",
            f.severity.as_str(),
            xml_escape(&f.message),
            xml_escape(&l.path),
            l.start.line,
            l.start.column,
            xml_escape(&f.snippet),
            xml_escape(&fix)
        ));
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
