//! Turns physical lines into instructions: directives at the top, comments, continuation lines,
//! keyword, flags and the keyword-specific form of the arguments, then heredoc bodies.

use std::ops::Range;

use super::heredoc;
use super::lex::{self, is_ws, Line};
use super::{
    Args, Comment, Directive, Dockerfile, Flag, Instruction, Keyword, ParseError, ShellForm, Word,
};
use crate::Span;

const DIRECTIVES: &[&str] = &["syntax", "escape", "check"];

pub(super) fn parse(src: &str) -> Dockerfile {
    let mut df = Dockerfile {
        directives: Vec::new(),
        escape: '\\',
        instructions: Vec::new(),
        comments: Vec::new(),
        errors: Vec::new(),
        semantic: Default::default(),
    };
    let bom = if src.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let lines = lex::lines(src, bom);
    let mut i = directives(src, &lines, &mut df);
    while let Some(line) = lines.get(i) {
        let text = &src[line.start..line.end];
        if lex::is_blank(text) {
            i += 1;
        } else if lex::is_comment(text) {
            push_comment(src, line, &mut df.comments);
            i += 1;
        } else {
            i = instruction(src, &lines, i, &mut df);
        }
    }
    df
}

/// Reads the parser directives at the top; returns the index of the first line after them. The
/// first line that is not a known directive ends them (an unknown one is then a comment).
fn directives(src: &str, lines: &[Line], df: &mut Dockerfile) -> usize {
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        let text = &src[line.start..line.end];
        let Some((name, value)) = lex::directive(text) else {
            break;
        };
        let name_text = text[name].to_ascii_lowercase();
        if !DIRECTIVES.contains(&name_text.as_str()) {
            break;
        }
        let value = text[value].to_string();
        let span = Span::new(line.start, line.start + text.trim_end_matches(is_ws).len());
        if df.directives.iter().any(|d| d.name == name_text) {
            df.errors.push(ParseError {
                span,
                message: format!(
                    "only one `# {name_text}=` parser directive is allowed; this one is ignored"
                ),
            });
        } else {
            if name_text == "escape" {
                match value.as_str() {
                    "\\" => df.escape = '\\',
                    "`" => df.escape = '`',
                    _ => df.errors.push(ParseError {
                        span,
                        message: format!(
                            "invalid escape character `{value}`: it must be `\\` or `` ` ``"
                        ),
                    }),
                }
            }
            df.directives.push(Directive {
                name: name_text,
                value,
                span,
            });
        }
        i += 1;
    }
    i
}

fn push_comment(src: &str, line: &Line, comments: &mut Vec<super::Comment>) {
    let text = &src[line.start..line.end];
    let lead = text.len() - text.trim_start_matches(is_ws).len();
    let start = line.start + lead;
    let end = line.start + text.trim_end_matches(is_ws).len();
    comments.push(Comment {
        text: src[start..end].to_string(),
        span: Span::new(start, end),
    });
}

/// Parses the instruction starting on line `first`; returns the index of the line after it
/// (after its continuation lines and heredoc bodies).
fn instruction(src: &str, lines: &[Line], first: usize, df: &mut Dockerfile) -> usize {
    let escape = df.escape;
    let mut pieces: Vec<Range<usize>> = Vec::new();
    let mut k = first;
    let mut end;
    let mut next;
    loop {
        let line = lines[k];
        let text = &src[line.start..line.end];
        let seg_start = if k == first {
            line.start + (text.len() - text.trim_start_matches(is_ws).len())
        } else {
            line.start
        };
        let content = &src[seg_start..line.end];
        let trimmed = content.trim_end_matches(is_ws);
        end = seg_start + trimmed.len();
        next = k + 1;
        let Some(before_escape) = lex::continued(trimmed, escape) else {
            pieces.push(seg_start..end);
            break;
        };
        pieces.push(seg_start..seg_start + before_escape.len());
        // Comment and empty lines inside a continuation are skipped, as BuildKit does.
        let mut j = k + 1;
        while let Some(l) = lines.get(j) {
            let t = &src[l.start..l.end];
            if lex::is_blank(t) {
                j += 1;
            } else if lex::is_comment(t) {
                push_comment(src, l, &mut df.comments);
                j += 1;
            } else {
                break;
            }
        }
        next = j;
        if j >= lines.len() {
            break;
        }
        k = j;
    }
    let logical = ShellForm::from_pieces(src, &pieces);
    let (mut instr, args_start) = instruction_at(&logical, 0, escape, &mut df.errors, false);
    instr.span = Span::new(instr.keyword_span.start, end.max(instr.keyword_span.end));
    if matches!(instr.keyword, Keyword::Run | Keyword::Copy | Keyword::Add) {
        let markers = heredoc::markers(&logical.text, args_start, escape);
        if !markers.is_empty() {
            let (heredocs, after, body_end) =
                heredoc::bodies(src, lines, next, &markers, &logical, &mut df.errors);
            instr.heredocs = heredocs;
            instr.span = Span::new(instr.span.start, body_end.max(instr.span.end));
            next = after;
        }
    }
    df.instructions.push(instr);
    next
}

/// Parses the instruction whose keyword starts at `at` in `logical`. `nested` is set for the
/// instruction after `ONBUILD`. The span covers the rest of the logical text. Also returns where
/// the arguments begin in the logical text (after keyword and flags).
fn instruction_at(
    logical: &ShellForm,
    at: usize,
    escape: char,
    errors: &mut Vec<ParseError>,
    nested: bool,
) -> (Instruction, usize) {
    let text = logical.text.as_str();
    let at = at.min(text.len());
    let kw_end = text[at..].find(is_ws).map_or(text.len(), |i| at + i);
    let kw_text = &text[at..kw_end];
    let keyword = Keyword::parse(kw_text);
    let keyword_span = logical.source_span(at..kw_end);
    let content_end = text.trim_end_matches(is_ws).len().max(kw_end);
    let span = logical.source_span(at..content_end);
    if keyword == Keyword::Unknown {
        errors.push(ParseError {
            span: keyword_span,
            message: format!("unknown instruction `{kw_text}`"),
        });
    }

    // Flags: leading `--name[=value]` words; a bare `--` ends them. Words are read only as far
    // as the flags go (a long RUN is split by the shell reader, not here).
    let mut words = lex::Words::new(text, kw_end, escape);
    let mut flags = Vec::new();
    let mut rest = content_end;
    while let Some(w) = words.next() {
        let raw = &text[w.range.clone()];
        if !raw.starts_with("--") {
            rest = w.range.start;
            break;
        }
        if raw == "--" {
            rest = words.next().map_or(content_end, |next| next.range.start);
            break;
        }
        flags.push(flag(logical, &w, escape));
    }

    let mut instr = Instruction {
        keyword,
        keyword_span,
        span,
        flags,
        args: Args::Empty,
        heredocs: Vec::new(),
        onbuild: None,
        run_cache: Default::default(),
        wrapped_cache: Default::default(),
    };
    let args_text = text.get(rest..content_end).unwrap_or("");
    let args_span = logical.source_span(rest..content_end);
    match keyword {
        Keyword::Run | Keyword::Cmd | Keyword::Entrypoint => {
            instr.args = command_args(logical, rest, content_end);
        }
        Keyword::Shell => {
            instr.args = match lex::json_array(&text[..content_end], rest) {
                Some(elems) => Args::Exec(exec_words(logical, elems)),
                None => {
                    if !args_text.is_empty() {
                        errors.push(ParseError {
                            span: args_span,
                            message: "SHELL requires a JSON array, such as [\"/bin/sh\", \"-c\"]"
                                .into(),
                        });
                    }
                    plain_words(logical, rest, content_end, escape)
                }
            };
        }
        Keyword::Copy | Keyword::Add | Keyword::Volume => {
            instr.args = match lex::json_array(&text[..content_end], rest) {
                Some(elems) => Args::Exec(exec_words(logical, elems)),
                None => plain_words(logical, rest, content_end, escape),
            };
        }
        Keyword::Healthcheck => {
            instr.args = healthcheck(logical, rest, content_end, escape, errors);
        }
        Keyword::Onbuild => {
            if nested {
                errors.push(ParseError {
                    span: keyword_span,
                    message: "ONBUILD cannot trigger another ONBUILD".into(),
                });
                instr.args = plain_words(logical, rest, content_end, escape);
            } else if !args_text.is_empty() {
                let (inner, _) = instruction_at(logical, rest, escape, errors, true);
                if matches!(inner.keyword, Keyword::From | Keyword::Maintainer) {
                    errors.push(ParseError {
                        span: inner.keyword_span,
                        message: format!("{} is not allowed as an ONBUILD trigger", inner.keyword),
                    });
                }
                instr.onbuild = Some(Box::new(inner));
            }
        }
        _ => instr.args = plain_words(logical, rest, content_end, escape),
    }
    if matches!(instr.args, Args::Empty) && instr.onbuild.is_none() && keyword != Keyword::Unknown {
        errors.push(ParseError {
            span: Span::new(span.start, span.end),
            message: format!("{keyword} requires arguments"),
        });
    }
    (instr, rest)
}

fn flag(logical: &ShellForm, w: &lex::LexWord, escape: char) -> Flag {
    let text = &logical.text;
    let raw = &text[w.range.clone()];
    let span = logical.source_span(w.range.clone());
    let body = w.value.strip_prefix("--").unwrap_or(&w.value);
    match body.split_once('=') {
        Some((name, value)) => {
            let eq = raw.find('=').map_or(w.range.end, |i| w.range.start + i + 1);
            let value_range = eq..w.range.end;
            // Re-read the raw value so that quotes around it are removed but kept in the span.
            let value = lex::words(&text[..w.range.end], eq, escape)
                .into_iter()
                .map(|v| v.value)
                .next()
                .unwrap_or_else(|| value.to_string());
            Flag {
                name: name.to_string(),
                value: Some(value),
                span,
                value_span: Some(logical.source_span(value_range)),
            }
        }
        None => Flag {
            name: body.to_string(),
            value: None,
            span,
            value_span: None,
        },
    }
}

/// `RUN`, `CMD`, `ENTRYPOINT` (and `HEALTHCHECK CMD`): exec form if the text is a JSON array of
/// strings, otherwise shell form — exactly Docker's decision. A text that starts with `[` but is
/// no JSON array is shell form and no syntax error: `RUN [ -d /x ] && …` runs the `test` builtin.
/// (A failed attempt at exec form such as `CMD ['nginx']` is a rule's business, not the
/// parser's: Docker accepts it.)
fn command_args(logical: &ShellForm, rest: usize, end: usize) -> Args {
    let text = &logical.text;
    let args = text.get(rest..end).unwrap_or("");
    if args.is_empty() {
        return Args::Empty;
    }
    if let Some(elems) = lex::json_array(&text[..end], rest) {
        return Args::Exec(exec_words(logical, elems));
    }
    Args::Shell(logical.sub(rest..end))
}

fn healthcheck(
    logical: &ShellForm,
    rest: usize,
    end: usize,
    escape: char,
    errors: &mut Vec<ParseError>,
) -> Args {
    let text = &logical.text;
    let words = lex::words(&text[..end], rest, escape);
    match words.first() {
        Some(w) if w.value.eq_ignore_ascii_case("cmd") => {
            let after = text[w.range.end..end]
                .find(|c| !is_ws(c))
                .map_or(end, |i| w.range.end + i);
            command_args(logical, after, end)
        }
        Some(w) if w.value.eq_ignore_ascii_case("none") => {
            if words.len() > 1 {
                errors.push(ParseError {
                    span: logical.source_span(rest..end),
                    message: "HEALTHCHECK NONE takes no arguments".into(),
                });
            }
            plain_words(logical, rest, end, escape)
        }
        Some(_) => {
            errors.push(ParseError {
                span: logical.source_span(rest..end),
                message: "HEALTHCHECK expects CMD or NONE".into(),
            });
            plain_words(logical, rest, end, escape)
        }
        None => Args::Empty,
    }
}

fn exec_words(logical: &ShellForm, elems: Vec<(Range<usize>, String)>) -> Vec<Word> {
    elems
        .into_iter()
        .map(|(range, value)| Word::new(value, logical.source_span(range)))
        .collect()
}

fn plain_words(logical: &ShellForm, rest: usize, end: usize, escape: char) -> Args {
    let text = &logical.text;
    let words: Vec<Word> = lex::words(&text[..end.min(text.len())], rest, escape)
        .into_iter()
        .map(|w| Word::new(w.value, logical.source_span(w.range)))
        .collect();
    if words.is_empty() {
        Args::Empty
    } else {
        Args::Words(words)
    }
}
