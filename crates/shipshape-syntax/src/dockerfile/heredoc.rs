//! Heredocs of `RUN`, `COPY` and `ADD`: finding the `<<EOF` markers in the instruction line,
//! reading their bodies from the following lines, and deciding which bodies are scripts.

use std::ops::Range;

use super::lex::{is_ws, Line};
use super::{Args, Heredoc, Instruction, ParseError, ShellForm};
use crate::shell::{self, Command, Separator};
use crate::Span;

/// A `<<[-]["']DELIM["']` token in the logical text of an instruction.
pub(super) struct Marker {
    pub delimiter: String,
    pub quoted: bool,
    pub strip_tabs: bool,
    pub range: Range<usize>,
}

/// Shells whose standard input is a script: `RUN bash <<EOF` runs the body.
const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"];

/// Finds heredoc markers in `text[from..]`, outside quotes. Like BuildKit, the marker must start
/// a word (optionally after a file descriptor number) and the delimiter follows `<<` or `<<-`
/// directly.
pub(super) fn markers(text: &str, from: usize, escape: char) -> Vec<Marker> {
    let mut out = Vec::new();
    let Some(rest) = text.get(from..) else {
        return out;
    };
    // Nearly every instruction has none: one substring search instead of a walk.
    if !rest.contains("<<") {
        return out;
    }
    let mut quote: Option<char> = None;
    let mut prev: Option<char> = None;
    let mut word_is_digits = true;
    let mut iter = rest.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let at = from + i;
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else if c == escape && q == '"' {
                iter.next();
            }
            prev = Some(c);
            continue;
        }
        if c == escape {
            iter.next();
            prev = Some(c);
            word_is_digits = false;
            continue;
        }
        if c == '"' || c == '\'' {
            quote = Some(c);
            word_is_digits = false;
            prev = Some(c);
            continue;
        }
        let at_word_start =
            prev.is_none_or(is_ws) || (word_is_digits && prev.is_some_and(|p| p.is_ascii_digit()));
        if c == '<'
            && at_word_start
            && text[at..].starts_with("<<")
            && !text[at..].starts_with("<<<")
        {
            if let Some(m) = marker_at(text, at) {
                // Resume after the marker.
                while iter.peek().is_some_and(|&(j, _)| from + j < m.range.end) {
                    iter.next();
                }
                prev = text[..m.range.end].chars().next_back();
                word_is_digits = false;
                out.push(m);
                continue;
            }
        }
        if is_ws(c) {
            word_is_digits = true;
        } else if !c.is_ascii_digit() {
            word_is_digits = false;
        }
        prev = Some(c);
    }
    out
}

/// Reads the marker at `at` (which starts with `<<`).
fn marker_at(text: &str, at: usize) -> Option<Marker> {
    let mut p = at + 2;
    let strip_tabs = text[p..].starts_with('-');
    if strip_tabs {
        p += 1;
    }
    let mut delimiter = String::new();
    let mut quoted = false;
    let mut quote: Option<char> = None;
    let mut end = p;
    for (i, c) in text[p..].char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => delimiter.push(c),
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                quoted = true;
            }
            None if is_ws(c) || matches!(c, ';' | '&' | '|' | '(' | ')' | '<' | '>') => break,
            None => delimiter.push(c),
        }
        end = p + i + c.len_utf8();
    }
    if delimiter.is_empty() || quote.is_some() {
        return None;
    }
    Some(Marker {
        delimiter,
        quoted,
        strip_tabs,
        range: at..end,
    })
}

/// Reads the bodies of `markers`, in order, from line `first` on. Returns the heredocs, the
/// index of the line after the last terminator, and the end offset of the last terminator (or
/// of the input if a body is unterminated).
pub(super) fn bodies(
    src: &str,
    lines: &[Line],
    first: usize,
    markers: &[Marker],
    logical: &ShellForm,
    errors: &mut Vec<ParseError>,
) -> (Vec<Heredoc>, usize, usize) {
    let mut out = Vec::new();
    let mut j = first;
    let mut end = 0;
    for m in markers {
        let body_start = lines.get(j).map_or(src.len(), |l| l.start);
        let marker_span = logical.source_span(m.range.clone());
        let terminator = (j..lines.len()).find(|&k| {
            let t = &src[lines[k].start..lines[k].end];
            let t = if m.strip_tabs {
                t.trim_start_matches('\t')
            } else {
                t
            };
            t == m.delimiter
        });
        let body_end = match terminator {
            Some(k) => {
                end = lines[k].end;
                j = k + 1;
                lines[k].start
            }
            None => {
                errors.push(ParseError {
                    span: marker_span,
                    message: format!(
                        "heredoc `{}` is not terminated: add a line `{}` after its body",
                        m.delimiter, m.delimiter
                    ),
                });
                end = src.len();
                j = lines.len();
                src.len()
            }
        };
        out.push(Heredoc {
            delimiter: m.delimiter.clone(),
            quoted: m.quoted,
            strip_tabs: m.strip_tabs,
            body: src[body_start..body_end].to_string(),
            body_span: Span::new(body_start, body_end),
            marker_span,
        });
    }
    (out, j, end)
}

/// The commands of shell-form or exec-form arguments.
pub(super) fn args_commands(args: &Args) -> Vec<Command> {
    match args {
        Args::Shell(s) => s.commands(),
        Args::Exec(words) => exec_commands(words),
        Args::Words(_) | Args::Empty => Vec::new(),
    }
}

/// Exec form is one command; when it runs a shell with `-c`, the script is split too.
fn exec_commands(words: &[shell::Word]) -> Vec<Command> {
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return Vec::new();
    };
    let mut out = vec![Command::new(
        words.to_vec(),
        Vec::new(),
        first.span.to(last.span),
        Separator::End,
        false,
    )];
    if is_shell(&first.value) {
        if let Some(script) = words.iter().skip_while(|w| w.value != "-c").nth(1) {
            // The JSON string maps byte for byte to its value only when it has no escapes.
            if script.span.len() == script.value.len() + 2 {
                out.extend(shell::split(&script.value, script.span.start + 1));
            } else {
                out.extend(shell::split(&script.value, 0).into_iter().map(|mut c| {
                    c.span = script.span;
                    for w in &mut c.words {
                        w.span = script.span;
                    }
                    for r in &mut c.redirects {
                        r.span = script.span;
                        if let Some(t) = &mut r.target {
                            t.span = script.span;
                        }
                    }
                    c
                }));
            }
        }
    }
    out
}

fn is_shell(program: &str) -> bool {
    let base = program.rsplit(['/', '\\']).next().unwrap_or(program);
    SHELLS.contains(&base)
}

/// `RUN` commands: the arguments' commands plus those of heredoc bodies that are scripts.
pub(super) fn run_commands(instr: &Instruction) -> Vec<Command> {
    let mut out = args_commands(&instr.args);
    if let Args::Shell(_) = &instr.args {
        let mut extra = Vec::new();
        for h in &instr.heredocs {
            let consumer = out.iter().find(|c| {
                c.redirects.iter().any(|r| {
                    r.span.start <= h.marker_span.start
                        && h.marker_span.start < r.span.end.max(r.span.start + 1)
                })
            });
            // `RUN <<EOF` alone leaves no command with words: the body is the script.
            let is_script = match consumer {
                None => true,
                Some(c) => c.name().is_some_and(is_shell) && !c.has_flag('c', ""),
            };
            if is_script && shebang_is_shell(&h.body) {
                extra.extend(h.commands());
            }
        }
        out.extend(extra);
        out.sort_by_key(|c| c.span.start);
    }
    out
}

/// A body without `#!` runs in the default shell; with one, only if it names a shell.
fn shebang_is_shell(body: &str) -> bool {
    let Some(line) = body.lines().next().and_then(|l| l.strip_prefix("#!")) else {
        return true;
    };
    let mut parts = line.split_whitespace();
    match parts.next() {
        Some(p) if p.ends_with("/env") => parts.find(|a| !a.starts_with('-')).is_some_and(is_shell),
        Some(p) => is_shell(p),
        None => true,
    }
}
