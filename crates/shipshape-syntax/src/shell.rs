//! A forgiving POSIX-shell word splitter: turns the script inside a `RUN` line, a heredoc body or
//! a CI `run:` block into simple commands (words, redirections, the operator that follows), each
//! word with its byte span in the original source, so rules can point at `apt-get` or `-y`.
//!
//! It is not a shell parser: control structures are flattened (`if a; then b; fi` yields `a` and
//! `b`), expansions are kept verbatim inside words, and malformed input (unbalanced quotes or
//! parentheses) yields a best-effort result instead of an error. It never panics.

use std::ops::Range;

use serde::Serialize;

use crate::Span;

/// A token with its value after quote removal and escape resolution (`"a b"` → `a b`), and the
/// span of the raw token in the source. Expansions (`$X`, `$(cmd)`, backticks) are kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Word {
    pub value: String,
    pub span: Span,
}

impl Word {
    pub fn new(value: impl Into<String>, span: Span) -> Word {
        Word {
            value: value.into(),
            span,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// What follows a command and ties it to the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Separator {
    /// `a && b`
    AndAnd,
    /// `a || b`
    OrOr,
    /// `a; b` (also `;;` in a `case` branch)
    Semi,
    /// `a | b` (also `|&`)
    Pipe,
    /// `a` then a newline
    Newline,
    /// `a & b`
    Background,
    /// nothing: the end of the script or of the enclosing group
    End,
}

/// A redirection attached to a command: `> /dev/null`, `2>&1`, `<<EOF` (target: the delimiter).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Redirect {
    /// The operator as written, including a leading file descriptor: `>`, `2>`, `>>`, `&>`,
    /// `<<`, `<<-`, `<<<`, `>&`.
    pub op: String,
    /// The word after the operator (file, descriptor, heredoc delimiter); `None` at end of input.
    pub target: Option<Word>,
    pub span: Span,
}

/// One simple command: `FOO=1 apt-get install -y curl > /dev/null`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Command {
    /// Assignments and arguments, in order, without redirections and without the flow keywords
    /// (`if`, `then`, `do`, `!`, …) that precede a command.
    pub words: Vec<Word>,
    /// Redirections, in order.
    pub redirects: Vec<Redirect>,
    /// From the first to the last token of the command.
    pub span: Span,
    /// The operator that follows the command. The last command of a `( … )` or `{ …; }` group
    /// carries the operator that follows the group.
    pub separator: Separator,
    /// Inside `( … )`, `{ …; }`, `$( … )` or backticks.
    pub in_subshell: bool,
    /// Where the name is in `words` (`words.len()` when there is none) and where the command
    /// seen through wrappers starts: rules ask every command its name, many times over, so
    /// [`Command::new`] finds both once. The words are not changed after that.
    #[serde(skip)]
    name_at: u32,
    #[serde(skip)]
    unwrap_at: u32,
}

/// Programs that only wrap another command; rules that look "through" them use
/// [`Command::wrapped`].
fn is_wrapper(word: &str) -> bool {
    matches!(
        word,
        "sudo" | "env" | "exec" | "time" | "nohup" | "command" | "nice" | "doas"
    )
}

impl Command {
    /// A command of these words (the name and the wrappers are found here).
    pub fn new(
        words: Vec<Word>,
        redirects: Vec<Redirect>,
        span: Span,
        separator: Separator,
        in_subshell: bool,
    ) -> Command {
        let name_at = words
            .iter()
            .position(|w| !is_assignment(&w.value))
            .unwrap_or(words.len());
        let unwrap_at = unwrap_start(&words, name_at);
        Command {
            words,
            redirects,
            span,
            separator,
            in_subshell,
            name_at: name_at as u32,
            unwrap_at: unwrap_at as u32,
        }
    }

    /// The command name: the first word that is not an environment assignment (`FOO=bar`).
    /// Wrappers such as `sudo` or `env` are *not* skipped: `sudo apt-get` is named `sudo`.
    pub fn name(&self) -> Option<&str> {
        self.name_index().map(|i| self.words[i].value.as_str())
    }

    /// The word holding the command name.
    pub fn name_word(&self) -> Option<&Word> {
        self.name_index().map(|i| &self.words[i])
    }

    /// The words after the command name (empty when there is no name).
    pub fn args(&self) -> &[Word] {
        match self.name_index() {
            Some(i) => &self.words[i + 1..],
            None => &[],
        }
    }

    /// The environment assignments before the command name.
    pub fn assignments(&self) -> &[Word] {
        let end = self.name_index().unwrap_or(self.words.len());
        &self.words[..end]
    }

    /// Whether an argument is the flag `-s` (also inside combined short flags such as `-qy`) or
    /// `--long` (also `--long=value`). Pass `'\0'` or `""` to leave one form out. Arguments after
    /// a bare `--` are operands, not flags.
    pub fn has_flag(&self, short: char, long: &str) -> bool {
        for arg in self.args() {
            let a = arg.value.as_str();
            if a == "--" {
                break;
            }
            if let Some(rest) = a.strip_prefix("--") {
                if !long.is_empty() {
                    let name = rest.split('=').next().unwrap_or(rest);
                    if name == long.trim_start_matches('-') {
                        return true;
                    }
                }
            } else if let Some(rest) = a.strip_prefix('-') {
                if short != '\0' && !rest.is_empty() && rest.contains(short) {
                    // `-o=x` style values are not combined flags; only look before a `=`.
                    let flags = rest.split('=').next().unwrap_or(rest);
                    if flags.contains(short) {
                        return true;
                    }
                }
            }
        }
        false
    }

    /// The value of `--long=value` or `--long value` (and `-s value`, `-svalue` when `short` is
    /// not `'\0'`), the first occurrence.
    pub fn flag_value(&self, short: char, long: &str) -> Option<&Word> {
        let args = self.args();
        for (i, arg) in args.iter().enumerate() {
            let a = arg.value.as_str();
            if a == "--" {
                break;
            }
            if let Some(rest) = a.strip_prefix("--") {
                if long.is_empty() {
                    continue;
                }
                let long = long.trim_start_matches('-');
                if rest == long {
                    return args.get(i + 1);
                }
                if rest.len() > long.len()
                    && rest.starts_with(long)
                    && rest[long.len()..].starts_with('=')
                {
                    return Some(arg);
                }
            } else if let Some(rest) = a.strip_prefix('-') {
                if short != '\0' && rest.starts_with(short) {
                    return if rest.len() == short.len_utf8() {
                        args.get(i + 1)
                    } else {
                        Some(arg)
                    };
                }
            }
        }
        None
    }

    /// The arguments that are not flags (do not start with `-`), plus everything after `--`.
    pub fn operands(&self) -> Vec<&Word> {
        let mut out = Vec::new();
        let mut after_dashdash = false;
        for arg in self.args() {
            if after_dashdash {
                out.push(arg);
            } else if arg.value == "--" {
                after_dashdash = true;
            } else if !arg.value.starts_with('-') || arg.value == "-" {
                out.push(arg);
            }
        }
        out
    }

    /// The command run through a wrapper: for `sudo -E apt-get install x` or
    /// `env FOO=1 apt-get install x` a command whose words start at `apt-get`. Options of the
    /// wrapper are skipped heuristically (words starting with `-`, and assignments after `env`).
    /// Returns a copy of `self` when there is no wrapper.
    pub fn wrapped(&self) -> Command {
        self.unwrapped().into_owned()
    }

    /// Whether there is something to take off to see the command through its wrappers (a
    /// wrapper such as `sudo`, or a `NAME=value` prefix): whether [`Command::wrapped`] differs
    /// from the command.
    pub fn is_wrapped(&self) -> bool {
        self.unwrap_at != 0 && self.name_index().is_some()
    }

    /// [`Command::wrapped`] without a copy when there is nothing to take off (no wrapper and
    /// no leading assignment), the usual case.
    pub fn unwrapped(&self) -> std::borrow::Cow<'_, Command> {
        use std::borrow::Cow;
        let start = self.unwrap_at as usize;
        if !self.is_wrapped() {
            return Cow::Borrowed(self);
        }
        Cow::Owned(Command::new(
            self.words.get(start..).unwrap_or(&[]).to_vec(),
            self.redirects.clone(),
            self.span,
            self.separator,
            self.in_subshell,
        ))
    }

    #[inline]
    fn name_index(&self) -> Option<usize> {
        let i = self.name_at as usize;
        (i < self.words.len()).then_some(i)
    }
}

/// Where a command seen through its wrappers starts (`sudo -E apt-get` → at `apt-get`), given
/// where its name is; 0 when there is nothing to take off.
fn unwrap_start(words: &[Word], name_at: usize) -> usize {
    if name_at >= words.len() {
        return 0;
    }
    let mut start = name_at;
    while let Some(w) = words.get(start) {
        if !is_wrapper(&w.value) {
            break;
        }
        start += 1;
        // Options of sudo such as `-u user` take a value; the common ones are listed here.
        while let Some(w) = words.get(start) {
            let v = w.value.as_str();
            if matches!(
                v,
                "-u" | "-g" | "-n" | "-p" | "-C" | "-h" | "-U" | "-r" | "-t"
            ) && words.len() > start + 1
            {
                start += 2;
            } else if v.starts_with('-') || is_assignment(v) || v.parse::<i32>().is_ok() {
                start += 1;
            } else {
                break;
            }
        }
    }
    start
}

/// The last `/`-separated part of a path: `/usr/bin/apt-get` → `apt-get`. A byte loop: rules
/// ask this of every command name, and the general reverse string search costs more than
/// the names are long.
#[inline]
pub fn base_name(path: &str) -> &str {
    match path.as_bytes().iter().rposition(|&b| b == b'/') {
        Some(i) => &path[i + 1..],
        None => path,
    }
}

/// `NAME=value` where NAME is a shell identifier.
#[inline]
pub fn is_assignment(word: &str) -> bool {
    // Read only as far as the name goes: most words (`apt-get`, URLs) stop at their first byte
    // or two.
    let b = word.as_bytes();
    if !b
        .first()
        .is_some_and(|&c| c == b'_' || c.is_ascii_alphabetic())
    {
        return false;
    }
    for (i, &c) in b.iter().enumerate().skip(1) {
        match c {
            b'=' => return true,
            b'+' => return b.get(i + 1) == Some(&b'='),
            c if c == b'_' || c.is_ascii_alphanumeric() => {}
            _ => return false,
        }
    }
    false
}

/// Splits `text` into simple commands. Spans are `base + offset in text`: pass the offset of
/// `text` in the source when it is a contiguous slice of it (or 0 to get offsets into `text`).
/// Commands come in source order (by start); commands inside `$( … )` and backticks are included
/// as extra commands with `in_subshell` set, the containing word keeps the substitution verbatim.
/// Bodies of heredocs (`cat <<EOF … EOF`) are data, not commands.
pub fn split(text: &str, base: usize) -> Vec<Command> {
    let mut lexer = Lexer {
        src: text,
        bytes: text.as_bytes(),
        pos: 0,
        end: text.len(),
        base,
        out: Vec::new(),
        pending: Vec::new(),
        case_depth: 0,
        expect_pattern: false,
    };
    lexer.list(Closer::Eof, false, 0);
    let mut out = lexer.out;
    // Only substitutions put commands out of order; the check spares the sort its buffer.
    if !out.is_sorted_by_key(|c| c.span.start) {
        out.sort_by_key(|c| c.span.start);
    }
    out
}

/// Deeper nesting of groups and substitutions is skipped over rather than parsed, so that
/// adversarial input cannot exhaust the stack.
const MAX_DEPTH: usize = 48;

/// Words that start or continue a compound command and are dropped before a command name
/// (`if`, `then`, `else`, `elif`, `do`, `while`, `until`, `!`), and words that close one, a
/// command made only of them being dropped (`fi`, `done`, `esac`, `}`). A `match` on the
/// string rather than a search of a list: it is asked of the first word of every command.
fn is_flow_keyword(word: &str) -> bool {
    matches!(
        word,
        "if" | "then"
            | "else"
            | "elif"
            | "do"
            | "while"
            | "until"
            | "!"
            | "fi"
            | "done"
            | "esac"
            | "}"
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Closer {
    /// The end of the text (or of a backtick substitution).
    Eof,
    /// `)` of a subshell or `$( … )`.
    Paren,
    /// `}` of a group.
    Brace,
}

struct PendingHeredoc {
    delimiter: String,
    strip_tabs: bool,
    quoted: bool,
}

/// A word's value while it is read. Every piece of a value is a range of the source (quote
/// removal and escapes only leave bytes out), and most words are one piece or pieces that follow
/// on (`"$HOME"` is `$` then `HOME`): those stay a range and become a `String` of exactly their
/// length at the end, instead of growing one byte run at a time.
enum Value {
    /// The value is `src[start..end]` (empty when `start == end`).
    Slice(usize, usize),
    /// A piece did not follow on from the last: the value so far, copied.
    Owned(String),
}

impl Value {
    const EMPTY: Value = Value::Slice(0, 0);

    /// Appends `src[range]` (nothing if the range is not on character boundaries, as
    /// `src.get(range).unwrap_or("")` would give).
    #[inline]
    fn push(&mut self, src: &str, range: Range<usize>) {
        let Some(piece) = src.get(range.clone()) else {
            return;
        };
        if piece.is_empty() {
            return;
        }
        match self {
            Value::Slice(start, end) if *start == *end => {
                *self = Value::Slice(range.start, range.end)
            }
            Value::Slice(_, end) if *end == range.start => *end = range.end,
            Value::Slice(start, end) => {
                let mut owned = String::with_capacity((*end - *start + piece.len()).max(16));
                owned.push_str(&src[*start..*end]);
                owned.push_str(piece);
                *self = Value::Owned(owned);
            }
            Value::Owned(owned) => owned.push_str(piece),
        }
    }

    fn into_string(self, src: &str) -> String {
        match self {
            Value::Slice(start, end) => src[start..end].to_owned(),
            Value::Owned(owned) => owned,
        }
    }
}

/// A word as read, before it is known whether it is a keyword.
struct RawWord {
    value: String,
    start: usize,
    end: usize,
    quoted: bool,
}

#[derive(Default)]
struct Builder {
    words: Vec<Word>,
    redirects: Vec<Redirect>,
    start: Option<usize>,
    end: usize,
}

impl Builder {
    fn touch(&mut self, span: Span) {
        self.start = Some(self.start.map_or(span.start, |s| s.min(span.start)));
        self.end = self.end.max(span.end);
    }
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Where the current (sub-)text ends: the text's end, or the closing backtick.
    end: usize,
    base: usize,
    out: Vec<Command>,
    pending: Vec<PendingHeredoc>,
    /// How many `case … in` of the current list are open.
    case_depth: usize,
    /// Whether the next command position holds a `case` pattern (`a|b)`): right after `in` or
    /// after `;;`. Only there is a word followed by `)` a pattern; anywhere else the `)` closes a
    /// subshell or a substitution.
    expect_pattern: bool,
}

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r')
}

/// A byte set as a table: the word loops test every byte of a script against one.
const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut set = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        set[bytes[i] as usize] = true;
        i += 1;
    }
    set
}

/// What ends a run of plain bytes in a word: a metacharacter ([`is_meta`]), an escape, a quote
/// or the start of an expansion.
static ENDS_PLAIN: [bool; 256] = byte_set(b" \t\r\n;&|()<>\\'\"$`");
/// What ends a run of plain bytes inside double quotes.
static ENDS_QUOTED: [bool; 256] = byte_set(b"\"\\$`");

fn is_meta(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>'
    )
}

impl<'a> Lexer<'a> {
    fn peek(&self, n: usize) -> Option<u8> {
        let i = self.pos.checked_add(n)?;
        if i < self.end {
            self.bytes.get(i).copied()
        } else {
            None
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.base + start, self.base + end.max(start))
    }

    /// Advances past the bytes before the first one `stop` accepts (at least one byte, the
    /// whole character at the position). The run ends on an ASCII byte (or the end), so on a
    /// character boundary.
    fn run_until(&mut self, stop: impl Fn(u8) -> bool) {
        let from = self.pos;
        let first = match self.bytes.get(from) {
            Some(&b) if b.is_ascii() => 1,
            _ => self.char_at().map_or(1, char::len_utf8),
        };
        let rest = self.bytes.get(from + first..self.end).unwrap_or(&[]);
        let end = rest
            .iter()
            .position(|&b| stop(b))
            .map_or(self.end, |i| from + first + i);
        self.pos = end;
    }

    /// The character at `pos` (the lexer only ever stops on character boundaries).
    fn char_at(&self) -> Option<char> {
        self.src.get(self.pos..self.end)?.chars().next()
    }

    fn skip_blanks(&mut self) {
        while let Some(b) = self.peek(0) {
            if is_blank(b) {
                self.pos += 1;
            } else if b == b'\\' && self.peek(1) == Some(b'\n') {
                self.pos += 2;
            } else {
                break;
            }
        }
    }

    /// Parses commands until `closer` (consumed) or the end; returns the index in `out` of the
    /// last command of this list, so a group can hand it the operator that follows the group.
    fn list(&mut self, closer: Closer, in_subshell: bool, depth: usize) -> Option<usize> {
        let mut cur = Builder::default();
        let mut last: Option<usize> = None;
        // The last command of a group that just closed, waiting for the operator after the group.
        let mut group_tail: Option<usize> = None;
        loop {
            self.skip_blanks();
            let Some(c) = self.peek(0) else {
                self.finish(
                    &mut cur,
                    Separator::End,
                    in_subshell,
                    &mut last,
                    &mut group_tail,
                );
                return last;
            };
            let sep = match c {
                b'#' => {
                    while let Some(b) = self.peek(0) {
                        if b == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                    // Land on a character boundary even if the comment held multi-byte text.
                    while !self.src.is_char_boundary(self.pos) {
                        self.pos += 1;
                    }
                    None
                }
                b'\n' => {
                    self.pos += 1;
                    self.finish(
                        &mut cur,
                        Separator::Newline,
                        in_subshell,
                        &mut last,
                        &mut group_tail,
                    );
                    self.heredoc_bodies();
                    None
                }
                b';' => {
                    if matches!(self.peek(1), Some(b';' | b'&')) {
                        // `;;`, `;&` or `;;&` ends a `case` branch: a pattern comes next.
                        self.pos += 2;
                        if self.peek(0) == Some(b'&') {
                            self.pos += 1;
                        }
                        self.expect_pattern = self.case_depth > 0;
                    } else {
                        self.pos += 1;
                    }
                    Some(Separator::Semi)
                }
                b'&' if self.peek(1) == Some(b'&') => {
                    self.pos += 2;
                    Some(Separator::AndAnd)
                }
                b'&' if self.peek(1) == Some(b'>') => {
                    self.redirect(&mut cur);
                    None
                }
                b'&' => {
                    self.pos += 1;
                    Some(Separator::Background)
                }
                b'|' if self.peek(1) == Some(b'|') => {
                    self.pos += 2;
                    Some(Separator::OrOr)
                }
                b'|' => {
                    self.pos += if self.peek(1) == Some(b'&') { 2 } else { 1 };
                    Some(Separator::Pipe)
                }
                b'(' if cur.words.is_empty()
                    && cur.redirects.is_empty()
                    && self.expect_pattern
                    && self.case_pattern() =>
                {
                    self.expect_pattern = false;
                    None
                }
                b'(' => {
                    if cur.words.is_empty() && self.peek(1) == Some(b'(') {
                        // `(( i++ ))`: arithmetic, one opaque word.
                        let start = self.pos;
                        self.skip_balanced(b'(', b')');
                        let raw = self.src.get(start..self.pos).unwrap_or("").to_string();
                        let word = Word::new(raw, self.span(start, self.pos));
                        cur.touch(word.span);
                        cur.words.push(word);
                    } else if cur.words.is_empty() && depth < MAX_DEPTH {
                        self.pos += 1;
                        group_tail = self.nested(|l| l.list(Closer::Paren, true, depth + 1));
                    } else if cur.words.is_empty() {
                        self.skip_balanced(b'(', b')');
                    } else {
                        // `name() { …; }` defines a function: the name is not a command.
                        self.pos += 1;
                        self.skip_blanks();
                        if self.peek(0) == Some(b')') {
                            self.pos += 1;
                            cur = Builder::default();
                        }
                    }
                    None
                }
                b')' => {
                    self.pos += 1;
                    if closer == Closer::Paren {
                        self.finish(
                            &mut cur,
                            Separator::End,
                            in_subshell,
                            &mut last,
                            &mut group_tail,
                        );
                        return last;
                    }
                    None
                }
                b'<' | b'>' if self.peek(1) != Some(b'(') => {
                    self.redirect(&mut cur);
                    None
                }
                b'0'..=b'9' if self.is_fd_redirect() => {
                    self.redirect(&mut cur);
                    None
                }
                _ => {
                    let at_start = cur.words.is_empty() && cur.redirects.is_empty();
                    if at_start && self.expect_pattern && self.case_pattern() {
                        self.expect_pattern = false;
                        continue;
                    }
                    let Some(word) = self.word(depth) else {
                        // Nothing readable here: step over one character so the loop advances.
                        self.pos += self.char_at().map_or(1, char::len_utf8);
                        continue;
                    };
                    if at_start && !word.quoted {
                        let v = word.value.as_str();
                        if v == "{" && depth < MAX_DEPTH {
                            group_tail = self.nested(|l| l.list(Closer::Brace, true, depth + 1));
                            continue;
                        }
                        if v == "}" && closer == Closer::Brace {
                            self.finish(
                                &mut cur,
                                Separator::End,
                                in_subshell,
                                &mut last,
                                &mut group_tail,
                            );
                            return last;
                        }
                        if v == "esac" {
                            self.case_depth = self.case_depth.saturating_sub(1);
                            self.expect_pattern = false;
                        }
                        if is_flow_keyword(v) {
                            continue;
                        }
                    }
                    let is_case_in = !word.quoted
                        && word.value == "in"
                        && cur.words.len() >= 2
                        && cur.words.first().is_some_and(|w| w.value == "case");
                    let w = Word::new(word.value, self.span(word.start, word.end));
                    cur.touch(w.span);
                    cur.words.push(w);
                    if is_case_in {
                        self.case_depth += 1;
                        self.expect_pattern = true;
                        Some(Separator::Semi)
                    } else {
                        None
                    }
                }
            };
            if let Some(sep) = sep {
                self.finish(&mut cur, sep, in_subshell, &mut last, &mut group_tail);
            }
        }
    }

    /// Ends the command being built with `sep`. A command without words (only redirections, or
    /// only keywords) is dropped; if a group just closed, its last command takes `sep`.
    fn finish(
        &mut self,
        cur: &mut Builder,
        sep: Separator,
        in_subshell: bool,
        last: &mut Option<usize>,
        group_tail: &mut Option<usize>,
    ) {
        // The words move to a vector of their exact size (one copy of the array, where collecting
        // a drain moves them one by one); the builder keeps its vector for the next command of
        // the list instead of growing a fresh one word by word each time.
        let mut words = Vec::with_capacity(cur.words.len());
        words.append(&mut cur.words);
        let redirects = std::mem::take(&mut cur.redirects);
        let end = std::mem::take(&mut cur.end);
        let start = cur.start.take();
        if !words.is_empty() {
            let start = start.unwrap_or(end);
            self.out.push(Command::new(
                words,
                redirects,
                Span::new(start, end.max(start)),
                sep,
                in_subshell,
            ));
            *last = Some(self.out.len() - 1);
            *group_tail = None;
        } else if let Some(i) = group_tail.take() {
            if let Some(c) = self.out.get_mut(i) {
                c.separator = sep;
            }
            *last = Some(i);
        }
    }

    /// Where a `case` pattern is expected: skips a pattern such as `a|b)`, `(x)` or `*)`.
    /// Returns false (consuming nothing) if this is not a pattern. Reads without recording:
    /// a pattern is data, and a word such as `x="$(cmd)"` that turns out not to be one must
    /// not leave its inner commands behind.
    fn case_pattern(&mut self) -> bool {
        let save = self.pos;
        if self.peek(0) == Some(b'(') {
            self.pos += 1;
        }
        let mut words = 0;
        loop {
            self.skip_blanks();
            match self.peek(0) {
                Some(b')') if words > 0 => {
                    self.pos += 1;
                    return true;
                }
                Some(b'|') if words > 0 => self.pos += 1,
                Some(b) if !is_meta(b) => {
                    let before = self.pos;
                    let is_esac = self.skip_pattern_word();
                    if (is_esac && words == 0) || self.pos == before {
                        self.pos = save;
                        return false;
                    }
                    words += 1;
                }
                _ => {
                    self.pos = save;
                    return false;
                }
            }
        }
    }

    /// Skips one word of a `case` pattern (quotes, escapes and expansions included) without
    /// recording anything; returns whether the word is a bare `esac`.
    fn skip_pattern_word(&mut self) -> bool {
        let start = self.pos;
        while let Some(b) = self.peek(0) {
            match b {
                _ if is_meta(b) => break,
                b'\\' => {
                    self.pos += 1;
                    if self.peek(0).is_some() {
                        self.step_char();
                    }
                }
                b'\'' | b'"' => {
                    self.pos += 1;
                    while let Some(q) = self.peek(0) {
                        if q == b {
                            break;
                        }
                        if q == b'\\' && b == b'"' {
                            self.pos += 1;
                        }
                        if self.peek(0).is_some() {
                            self.step_char();
                        }
                    }
                    if self.peek(0).is_some() {
                        self.pos += 1;
                    }
                }
                b'$' if matches!(self.peek(1), Some(b'(' | b'{')) => {
                    self.pos += 1;
                    let (open, close) = if self.peek(0) == Some(b'(') {
                        (b'(', b')')
                    } else {
                        (b'{', b'}')
                    };
                    self.skip_balanced(open, close);
                }
                b'`' => {
                    self.pos += 1;
                    while let Some(q) = self.peek(0) {
                        if q == b'`' {
                            self.pos += 1;
                            break;
                        }
                        if q == b'\\' {
                            self.pos += 1;
                        }
                        if self.peek(0).is_some() {
                            self.step_char();
                        }
                    }
                }
                _ => self.step_char(),
            }
        }
        self.src.get(start..self.pos) == Some("esac")
    }

    /// Runs `f` on a nested list (a group or a substitution) with its own `case` state: a `)`
    /// inside `$( … )` closes the substitution even in the middle of a `case` branch.
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        let saved = (self.case_depth, self.expect_pattern);
        self.case_depth = 0;
        self.expect_pattern = false;
        let out = f(self);
        (self.case_depth, self.expect_pattern) = saved;
        out
    }

    /// Digits directly followed by `<` or `>`: `2>&1`, `3<<EOF`.
    fn is_fd_redirect(&self) -> bool {
        let mut i = 0;
        while let Some(b) = self.peek(i) {
            if b.is_ascii_digit() {
                i += 1;
            } else {
                return matches!(b, b'<' | b'>');
            }
        }
        false
    }

    /// Reads a redirection at `pos` (optional descriptor digits, operator, target word).
    fn redirect(&mut self, cur: &mut Builder) {
        let start = self.pos;
        while self.peek(0).is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        const OPS: &[&str] = &[
            "&>>", "<<<", "<<-", "<<", "<&", ">&", ">>", ">|", "<>", "&>", "<", ">",
        ];
        let rest = self.src.get(self.pos..self.end).unwrap_or("");
        let op = OPS
            .iter()
            .find(|op| rest.starts_with(**op))
            .copied()
            .unwrap_or(">");
        self.pos = (self.pos + op.len()).min(self.end);
        let op_text = self.src.get(start..self.pos).unwrap_or(op).to_string();
        let heredoc = op == "<<" || op == "<<-";
        while self.peek(0).is_some_and(|b| b == b' ' || b == b'\t') {
            self.pos += 1;
        }
        let target = match self.peek(0) {
            Some(b) if !is_meta(b) || b == b'<' || b == b'>' => {
                if b == b'<' || b == b'>' {
                    None
                } else {
                    self.word(MAX_DEPTH)
                }
            }
            _ => None,
        };
        let target = target.map(|w| {
            if heredoc {
                self.pending.push(PendingHeredoc {
                    delimiter: w.value.clone(),
                    strip_tabs: op == "<<-",
                    quoted: w.quoted,
                });
            }
            Word::new(w.value, self.span(w.start, w.end))
        });
        let end = target.as_ref().map_or(self.base + self.pos, |t| t.span.end);
        let span = Span::new(self.base + start, end);
        cur.touch(span);
        cur.redirects.push(Redirect {
            op: op_text,
            target,
            span,
        });
    }

    /// After a line break: skips the bodies of the heredocs opened on the line just ended.
    fn heredoc_bodies(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        for h in pending {
            let mut continued = false;
            while self.pos < self.end {
                let line_end = self.src[self.pos..self.end]
                    .find('\n')
                    .map_or(self.end, |i| self.pos + i);
                let line = self.src[self.pos..line_end].trim_end_matches('\r');
                self.pos = (line_end + 1).min(self.end);
                let candidate = if h.strip_tabs {
                    line.trim_start_matches('\t')
                } else {
                    line
                };
                if !continued && candidate == h.delimiter {
                    break;
                }
                // In an unquoted heredoc a trailing backslash joins the next line, which
                // therefore cannot be the terminator.
                let trailing = line.bytes().rev().take_while(|&b| b == b'\\').count();
                continued = !h.quoted && trailing % 2 == 1;
            }
        }
    }

    /// Skips from an opening byte to its matching closing byte (or the end), ignoring quoted
    /// text; used where parsing is not wanted (arithmetic, too deep nesting).
    fn skip_balanced(&mut self, open: u8, close: u8) {
        let mut depth = 0usize;
        while let Some(b) = self.peek(0) {
            match b {
                b'\\' => {
                    self.pos += 1;
                    if self.peek(0).is_some() {
                        self.step_char();
                    }
                    continue;
                }
                b'\'' | b'"' => {
                    self.pos += 1;
                    while let Some(q) = self.peek(0) {
                        if q == b'\\' && b == b'"' {
                            self.pos += 1;
                        } else if q == b {
                            break;
                        }
                        if self.peek(0).is_some() {
                            self.step_char();
                        }
                    }
                    if self.peek(0).is_some() {
                        self.pos += 1;
                    }
                    continue;
                }
                _ if b == open => depth += 1,
                _ if b == close => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.pos += 1;
                        return;
                    }
                }
                _ => {}
            }
            self.step_char();
        }
    }

    fn step_char(&mut self) {
        self.pos += self.char_at().map_or(1, char::len_utf8);
    }

    /// Reads one word at `pos`: quotes removed, escapes resolved, expansions kept verbatim (and
    /// the commands inside `$( … )` and backticks recorded). `None` if no word starts here.
    fn word(&mut self, depth: usize) -> Option<RawWord> {
        let start = self.pos;
        let mut value = Value::EMPTY;
        let mut quoted = false;
        // Most words are one run of plain bytes up to a blank or an operator: read it in one go
        // and copy it once. Otherwise go on below with the run as the start of the value.
        if self.peek(0).is_some_and(|b| !ENDS_PLAIN[usize::from(b)]) {
            self.run_until(|b| ENDS_PLAIN[usize::from(b)]);
            if self.peek(0).is_none_or(is_meta) {
                return Some(RawWord {
                    value: self.src[start..self.pos].to_owned(),
                    start,
                    end: self.pos,
                    quoted,
                });
            }
            value = Value::Slice(start, self.pos);
        }
        while let Some(b) = self.peek(0) {
            match b {
                b'<' | b'>' if self.pos == start && self.peek(1) == Some(b'(') => {
                    // Process substitution `<(cmd)`: a word whose inside is commands.
                    self.pos += 1;
                    self.substitution(depth, &mut value, self.pos - 1);
                }
                _ if is_meta(b) => break,
                b'\\' => match self.peek(1) {
                    Some(b'\n') => self.pos += 2,
                    Some(_) => {
                        self.pos += 1;
                        quoted = true;
                        if let Some(c) = self.char_at() {
                            value.push(self.src, self.pos..self.pos + c.len_utf8());
                            self.pos += c.len_utf8();
                        }
                    }
                    None => {
                        value.push(self.src, self.pos..self.pos + 1);
                        self.pos += 1;
                    }
                },
                b'\'' => {
                    quoted = true;
                    self.pos += 1;
                    let rest = self.src.get(self.pos..self.end).unwrap_or("");
                    let close = rest.find('\'').unwrap_or(rest.len());
                    value.push(self.src, self.pos..self.pos + close);
                    self.pos = (self.pos + close + 1).min(self.end);
                }
                b'"' => {
                    quoted = true;
                    self.pos += 1;
                    self.double_quoted(depth, &mut value);
                }
                b'$' => self.dollar(depth, &mut value),
                b'`' => self.backtick(depth, &mut value),
                _ => {
                    // A run of plain bytes at once; it ends on an ASCII byte (or the end), so
                    // on a character boundary.
                    let from = self.pos;
                    self.run_until(|b| ENDS_PLAIN[usize::from(b)]);
                    value.push(self.src, from..self.pos);
                }
            }
        }
        if self.pos == start {
            return None;
        }
        Some(RawWord {
            value: value.into_string(self.src),
            start,
            end: self.pos,
            quoted,
        })
    }

    /// Inside `"…"` (opening quote consumed): reads up to and including the closing quote.
    fn double_quoted(&mut self, depth: usize, value: &mut Value) {
        while let Some(b) = self.peek(0) {
            match b {
                b'"' => {
                    self.pos += 1;
                    return;
                }
                b'\\' => match self.peek(1) {
                    Some(b'\n') => self.pos += 2,
                    Some(b'$' | b'`' | b'"' | b'\\') => {
                        value.push(self.src, self.pos + 1..self.pos + 2);
                        self.pos += 2;
                    }
                    _ => {
                        value.push(self.src, self.pos..self.pos + 1);
                        self.pos += 1;
                    }
                },
                b'$' => self.dollar(depth, value),
                b'`' => self.backtick(depth, value),
                _ => {
                    let from = self.pos;
                    self.run_until(|b| ENDS_QUOTED[usize::from(b)]);
                    value.push(self.src, from..self.pos);
                }
            }
        }
    }

    /// At `$`: `$(cmd)`, `$((expr))`, `${…}`, `$'…'` or a plain `$NAME` (kept verbatim).
    fn dollar(&mut self, depth: usize, value: &mut Value) {
        let start = self.pos;
        match self.peek(1) {
            Some(b'(') if self.peek(2) == Some(b'(') => {
                self.pos += 1;
                self.skip_balanced(b'(', b')');
                value.push(self.src, start..self.pos);
            }
            Some(b'(') => {
                self.pos += 1;
                self.substitution(depth, value, start);
            }
            Some(b'{') => {
                self.pos += 1;
                self.skip_balanced(b'{', b'}');
                value.push(self.src, start..self.pos);
            }
            Some(b'\'') => {
                // ANSI-C quoting: escapes are left as written.
                self.pos += 2;
                while let Some(b) = self.peek(0) {
                    if b == b'\\' {
                        self.pos += 1;
                        if self.peek(0).is_some() {
                            self.step_char();
                        }
                    } else if b == b'\'' {
                        self.pos += 1;
                        break;
                    } else {
                        self.step_char();
                    }
                }
                // The value leaves out the closing quote, if there is one.
                let raw = start + 2..self.pos;
                let closed = self
                    .bytes
                    .get(raw.clone())
                    .is_some_and(|r| r.last() == Some(&b'\''));
                value.push(self.src, raw.start..raw.end - usize::from(closed));
            }
            _ => {
                value.push(self.src, self.pos..self.pos + 1);
                self.pos += 1;
            }
        }
    }

    /// At the `(` of `$(` or `<(`: records the inner commands and keeps the raw text from `start`.
    fn substitution(&mut self, depth: usize, value: &mut Value, start: usize) {
        if depth < MAX_DEPTH {
            self.pos += 1;
            // A heredoc opened outside is not read inside the substitution.
            let pending = std::mem::take(&mut self.pending);
            self.nested(|l| l.list(Closer::Paren, true, depth + 1));
            let mut inner = std::mem::replace(&mut self.pending, pending);
            self.pending.append(&mut inner);
        } else {
            self.skip_balanced(b'(', b')');
        }
        value.push(self.src, start..self.pos);
    }

    /// At a backtick: records the commands between it and the closing one, keeps the raw text.
    fn backtick(&mut self, depth: usize, value: &mut Value) {
        let start = self.pos;
        self.pos += 1;
        let inner_start = self.pos;
        while let Some(b) = self.peek(0) {
            if b == b'`' {
                break;
            }
            if b == b'\\' {
                self.pos += 1;
            }
            if self.peek(0).is_some() {
                self.step_char();
            }
        }
        let inner_end = self.pos.min(self.end);
        if self.peek(0) == Some(b'`') {
            self.pos += 1;
        }
        if depth < MAX_DEPTH {
            let (saved_pos, saved_end) = (self.pos, self.end);
            let pending = std::mem::take(&mut self.pending);
            self.pos = inner_start;
            self.end = inner_end;
            self.nested(|l| l.list(Closer::Eof, true, depth + 1));
            self.pos = saved_pos;
            self.end = saved_end;
            self.pending = pending;
        }
        value.push(self.src, start..self.pos);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte tables hold exactly the bytes the word loops stop at.
    #[test]
    fn byte_tables_hold_the_stop_bytes() {
        for b in 0..=255u8 {
            assert_eq!(
                ENDS_PLAIN[usize::from(b)],
                is_meta(b) || matches!(b, b'\\' | b'\'' | b'"' | b'$' | b'`'),
                "{b}"
            );
            assert_eq!(
                ENDS_QUOTED[usize::from(b)],
                matches!(b, b'"' | b'\\' | b'$' | b'`'),
                "{b}"
            );
        }
    }
}
