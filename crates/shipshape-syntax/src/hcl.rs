//! A light, line-based outline of Terraform/OpenTofu files: top-level blocks with their labels
//! and lines, `required_providers` sources, and `terraform.workspace` references. It is not a
//! full HCL parser (no expressions, no values); it tracks braces outside strings, comments and
//! heredocs, and recovers from an unclosed block at the next top-level keyword in column 0, so a
//! broken file still yields what precedes and follows the break, with a [`Problem`] saying so.
//! That is all detection needs, at a fraction of the cost of a full parse.

use std::sync::LazyLock;

use regex::Regex;

/// Block types that only ever appear at the top level of a Terraform file.
const TOP_LEVEL_KEYWORDS: &[&str] = &[
    "resource",
    "data",
    "provider",
    "module",
    "terraform",
    "variable",
    "output",
    "locals",
    "moved",
    "import",
    "check",
    "removed",
];

static HEADER_RX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*([A-Za-z_][\w-]*)((?:\s+(?:"[^"]*"|[A-Za-z_][\w-]*))*)\s*\{"#)
        .expect("built-in pattern")
});
static LABEL_RX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""([^"]*)""#).expect("built-in pattern"));
static SOURCE_RX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\bsource\s*=\s*"([^"]+)""#).expect("built-in pattern"));
static WORKSPACE_RX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bterraform\.workspace\b").expect("built-in pattern"));
static WORKSPACE_EQ_RX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"terraform\.workspace\s*[!=]=\s*"([^"$]+)"|"([^"$]+)"\s*[!=]=\s*terraform\.workspace"#,
    )
    .expect("built-in pattern")
});

/// A top-level block: `resource "aws_s3_bucket" "b" {` is kind `resource`, labels
/// `["aws_s3_bucket", "b"]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: String,
    pub labels: Vec<String>,
    /// 1-based line of the block header.
    pub line: u32,
}

/// What the outline of one file holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    pub blocks: Vec<Block>,
    /// `source = "…"` inside `required_providers`, with lines.
    pub provider_sources: Vec<(String, u32)>,
    /// Lines that read `terraform.workspace`.
    pub workspace_refs: Vec<u32>,
    /// Workspace names compared against in code (`terraform.workspace == "prod"`).
    pub workspace_names: Vec<(String, u32)>,
    /// Structural problems met on the way; reading went on past each.
    pub problems: Vec<Problem>,
}

/// A structural problem in an HCL file, at a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// A block (named by its type, empty for an object literal) is opened and never closed.
    #[error("could not parse HCL: {} opened here is never closed — the rest of the file was read line by line", unclosed_what(.block))]
    Unclosed { block: String, line: u32 },
    /// A `}` with nothing open.
    #[error(
        "could not parse HCL: `}}` closes no block — blocks after it were still read line by line"
    )]
    StrayBrace { line: u32 },
}

impl Problem {
    pub fn line(&self) -> u32 {
        match self {
            Problem::Unclosed { line, .. } | Problem::StrayBrace { line } => *line,
        }
    }
}

fn unclosed_what(block: &str) -> String {
    if block.is_empty() {
        "the block".to_string()
    } else {
        format!("the `{block}` block")
    }
}

/// Outlines one file (HCL native syntax; JSON-syntax `.tf.json` has JSON braces, not blocks).
pub fn outline(text: &str) -> Outline {
    let mut out = Outline::default();
    let mut problems = Vec::new();
    // Open braces: the block name for a block header, "" for an object literal; with the line.
    let mut stack: Vec<(String, u32)> = Vec::new();
    let mut heredoc: Option<String> = None;
    let mut in_block_comment = false;

    for (i, raw) in text.lines().enumerate() {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if let Some(end) = &heredoc {
            if raw.trim() == end {
                heredoc = None;
            }
            continue;
        }
        let stripped = strip_line(raw, in_block_comment);
        in_block_comment = stripped.in_block_comment;
        let code = &stripped.plain;

        let header = HEADER_RX.captures(code);
        let header_kind = header
            .as_ref()
            .and_then(|c| c.get(1))
            .map(|m| m.as_str().to_string());
        let at_column_zero = !raw.starts_with([' ', '\t']);
        if let Some(kind) = &header_kind {
            if !stack.is_empty() && at_column_zero && TOP_LEVEL_KEYWORDS.contains(&kind.as_str()) {
                // A top-level keyword in column 0 while a block is still open: the earlier block
                // was never closed. Report it and start afresh so the rest of the file is read.
                if let Some((name, opened)) = stack.first() {
                    problems.push(Problem::Unclosed {
                        block: name.clone(),
                        line: *opened,
                    });
                }
                stack.clear();
            }
        }

        if stack.is_empty() {
            if let (Some(kind), Some(c)) = (&header_kind, &header) {
                let labels = c
                    .get(2)
                    .map(|m| {
                        LABEL_RX
                            .captures_iter(m.as_str())
                            .filter_map(|l| l.get(1).map(|x| x.as_str().to_string()))
                            .collect()
                    })
                    .unwrap_or_default();
                out.blocks.push(Block {
                    kind: kind.clone(),
                    labels,
                    line: line_no,
                });
            }
        }
        if stack.iter().any(|(n, _)| n == "required_providers") {
            if let Some(m) = SOURCE_RX.captures(code).and_then(|c| c.get(1)) {
                out.provider_sources.push((m.as_str().to_string(), line_no));
            }
        }
        if WORKSPACE_RX.is_match(code) {
            out.workspace_refs.push(line_no);
            for c in WORKSPACE_EQ_RX.captures_iter(code) {
                if let Some(m) = c.get(1).or_else(|| c.get(2)) {
                    out.workspace_names.push((m.as_str().to_string(), line_no));
                }
            }
        }

        let mut first_open = true;
        for ch in stripped.braces.chars() {
            match ch {
                '{' => {
                    let name = if first_open {
                        header_kind.clone().unwrap_or_default()
                    } else {
                        String::new()
                    };
                    first_open = false;
                    stack.push((name, line_no));
                }
                // The guard pops: a `}` with nothing to close is the problem reported here.
                '}' if stack.pop().is_none() => {
                    problems.push(Problem::StrayBrace { line: line_no });
                }
                _ => {}
            }
        }
        if let Some(tag) = stripped.heredoc {
            heredoc = Some(tag);
        }
    }
    if let Some((name, opened)) = stack.first() {
        problems.push(Problem::Unclosed {
            block: name.clone(),
            line: *opened,
        });
    }
    out.problems = problems;
    out
}

/// A line split for reading: `plain` has comments removed; `braces` also has string contents
/// dropped, so only structural braces remain in it.
struct Stripped {
    plain: String,
    braces: String,
    /// The terminator of a heredoc (`<<EOF`) the line opens.
    heredoc: Option<String>,
    /// A `/* */` comment is still open at the end of the line.
    in_block_comment: bool,
}

fn strip_line(line: &str, mut in_block_comment: bool) -> Stripped {
    let mut plain = String::with_capacity(line.len());
    let mut braces = String::with_capacity(line.len());
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    let mut in_string = false;
    let mut heredoc = None;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if in_block_comment {
            if c == '*' && next == Some('/') {
                in_block_comment = false;
                i += 2;
            } else {
                i += 1;
            }
            continue;
        }
        if in_string {
            plain.push(c);
            if c == '\\' {
                if let Some(n) = next {
                    plain.push(n);
                }
                i += 2;
                continue;
            }
            if c == '"' {
                in_string = false;
                braces.push('"');
            }
            i += 1;
            continue;
        }
        match (c, next) {
            ('#', _) | ('/', Some('/')) => break,
            ('/', Some('*')) => {
                in_block_comment = true;
                i += 2;
                continue;
            }
            ('"', _) => {
                in_string = true;
                plain.push(c);
                braces.push(c);
            }
            ('<', Some('<')) => {
                let rest: String = chars[i + 2..].iter().collect();
                let tag: String = rest
                    .trim_start_matches('-')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !tag.is_empty() {
                    heredoc = Some(tag);
                    break;
                }
                plain.push(c);
                braces.push(c);
            }
            _ => {
                plain.push(c);
                braces.push(c);
            }
        }
        i += 1;
    }
    Stripped {
        plain,
        braces,
        heredoc,
        in_block_comment,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_top_level_blocks_with_labels_and_lines() {
        let text = "terraform {\n  required_providers {\n    aws = {\n      source = \"hashicorp/aws\"\n    }\n  }\n}\n\nprovider \"aws\" {\n  region = \"eu-west-1\"\n}\n\nresource \"aws_db_instance\" \"main\" {\n  tags = { Name = \"x\" }\n}\n";
        let tf = outline(text);
        assert!(tf.problems.is_empty(), "{:?}", tf.problems);
        let kinds: Vec<(&str, u32)> = tf
            .blocks
            .iter()
            .map(|b| (b.kind.as_str(), b.line))
            .collect();
        assert_eq!(kinds, [("terraform", 1), ("provider", 9), ("resource", 13)]);
        assert_eq!(tf.blocks[2].labels, ["aws_db_instance", "main"]);
        assert_eq!(tf.provider_sources, [("hashicorp/aws".to_string(), 4)]);
    }

    #[test]
    fn braces_in_strings_comments_and_heredocs_do_not_count() {
        let text = "# provider \"google\" {\nlocals {\n  a = \"}\"\n  /* { */\n  b = <<EOT\n{ not code\nEOT\n}\nprovider \"aws\" {}\n";
        let tf = outline(text);
        assert!(tf.problems.is_empty(), "{:?}", tf.problems);
        let kinds: Vec<&str> = tf.blocks.iter().map(|b| b.kind.as_str()).collect();
        assert_eq!(kinds, ["locals", "provider"]);
    }

    #[test]
    fn an_unclosed_block_is_reported_and_the_rest_is_still_read() {
        let text = "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n\nprovider \"aws\" {\n  region = \"us-east-1\"\n}\n";
        let tf = outline(text);
        assert_eq!(
            tf.problems,
            [Problem::Unclosed {
                block: "resource".into(),
                line: 1
            }]
        );
        assert!(tf
            .blocks
            .iter()
            .any(|b| b.kind == "provider" && b.line == 4));
    }

    #[test]
    fn an_unclosed_block_at_the_end_of_the_file_is_reported() {
        let tf = outline("provider \"aws\" {\n  region = \"x\"\n");
        assert_eq!(tf.problems.len(), 1);
        assert_eq!(
            tf.problems[0].to_string(),
            "could not parse HCL: the `provider` block opened here is never closed — the rest of the file was read line by line"
        );
    }

    #[test]
    fn a_stray_closing_brace_is_reported_at_its_line() {
        let tf = outline("locals {\n}\n}\nprovider \"aws\" {}\n");
        assert_eq!(tf.problems, [Problem::StrayBrace { line: 3 }]);
        assert_eq!(tf.problems[0].line(), 3);
        assert_eq!(tf.blocks.len(), 2);
    }

    #[test]
    fn finds_workspace_references_and_compared_names() {
        let text = "locals {\n  env = terraform.workspace\n  big = terraform.workspace == \"prod\" ? 3 : 1\n}\n";
        let tf = outline(text);
        assert_eq!(tf.workspace_refs, [2, 3]);
        assert_eq!(tf.workspace_names, [("prod".to_string(), 3)]);
    }
}
