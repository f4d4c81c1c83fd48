//! SS-DOCKER-037 `no-empty-continuation`: a blank line inside a continued instruction.
//!
//! ## What it does
//! Flags an instruction continued with a line-ending `\` (or the `escape` character) onto an
//! empty line, as BuildKit's `NoEmptyContinuation` check does. Comment lines inside the
//! continuation are fine; so are blank lines inside a heredoc body, which are content.
//!
//! ## Why is this bad?
//! Docker skips the empty line and joins the next line to the instruction, which is rarely what
//! the blank line was meant to say: it looks like the end of the instruction. The syntax is
//! deprecated, `docker build` warns about it, and a future Dockerfile syntax will reject it.
//!
//! ## Example
//! ```dockerfile
//! RUN apk add --no-cache \
//!
//!     curl
//! ```
//!
//! Use instead:
//! ```dockerfile
//! RUN apk add --no-cache \
//!     curl
//! ```
//!
//! ## Fix
//! Delete the empty line, or turn it into a comment.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::strip_char_suffix;
use shipshape_syntax::Span;

use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct NoEmptyContinuation;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-037",
    slug: "no-empty-continuation",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "Empty line inside a continued instruction",
    equivalents: &["buildkit:NoEmptyContinuation"],
};

impl DockerfileRule for NoEmptyContinuation {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let src = doc.source;
        let escape = doc.ast.escape;
        for instr in &doc.ast.instructions {
            // The instruction's own lines end where its first heredoc body begins.
            let end = instr
                .heredocs
                .iter()
                .map(|h| h.body_span.start)
                .min()
                .unwrap_or(instr.span.end)
                .min(src.len());
            // Byte searches for the line breaks and the escape: the char-pattern forms call
            // memcmp once per line.
            let start = memchr::memrchr(b'\n', &src.as_bytes()[..instr.keyword_span.start])
                .map_or(0, |i| i + 1);
            let mut pos = start;
            let mut continued_at: Option<Span> = None;
            while pos < end {
                let line_end =
                    memchr::memchr(b'\n', &src.as_bytes()[pos..]).map_or(src.len(), |i| pos + i);
                let line = &src[pos..line_end];
                let trimmed = line.trim_end_matches([' ', '\t', '\r']);
                let is_blank = trimmed.trim_start().is_empty();
                let is_comment = trimmed.trim_start().starts_with('#');
                if let Some(escape_at) = continued_at {
                    if is_blank {
                        out.push(Diagnostic::new(
                            escape_at,
                            "this line continues onto an empty line: Docker skips it and joins the \
                             next line; delete the empty line or make it a comment",
                        ));
                        break;
                    }
                    if is_comment {
                        pos = line_end + 1;
                        continue;
                    }
                }
                let escaped = strip_char_suffix(trimmed, escape)
                    .is_some_and(|b| b.is_empty() || strip_char_suffix(b, escape).is_none());
                if escaped {
                    let at = pos + trimmed.len() - escape.len_utf8();
                    continued_at = Some(Span::new(at, at + escape.len_utf8()));
                } else {
                    break;
                }
                pos = line_end + 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::flagged;
    use super::*;

    #[test]
    fn flags_an_empty_line_after_a_continuation_once() {
        let src = "FROM a:1\nRUN apk add \\\n\n    curl \\\n\n    git\nEXPOSE \\\n# port\n80\n";
        assert_eq!(flagged(&NoEmptyContinuation, src), ["\\"]);
        assert_eq!(
            super::super::util::testing::diagnostics(&NoEmptyContinuation, src).len(),
            1
        );
    }

    #[test]
    fn heredoc_bodies_and_lone_backslash_lines_are_fine() {
        let src = "FROM a:1\nRUN <<EOF\necho a\n\necho b\nEOF\nRUN set -eux; \\\n\t\\\n\techo x\n";
        assert!(flagged(&NoEmptyContinuation, src).is_empty());
    }

    #[test]
    fn windows_escape_character() {
        let src = "# escape=`\nFROM a:1\nRUN dir `\n\n  c:\\\n";
        assert_eq!(flagged(&NoEmptyContinuation, src), ["`"]);
    }
}
