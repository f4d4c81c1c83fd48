//! A Dockerfile parser that keeps byte spans for every token and never fails: parser directives,
//! continuation lines (with comment and empty lines inside them skipped, as BuildKit does),
//! heredocs, JSON exec form versus shell form, flags, `ONBUILD` and `HEALTHCHECK`. Problems are
//! collected in [`Dockerfile::errors`] so the audit rules still see everything that could be read.
//!
//! Spans are byte ranges into the exact text given to [`parse`] (a UTF-8 BOM and CRLF line ends
//! are accepted and simply excluded from every span).

mod heredoc;
mod lex;
mod logical;
mod parser;
mod resolve;
mod semantic;

use std::ops::Range;

use serde::Serialize;

use crate::shell;
use crate::Span;

pub use crate::shell::Word;
pub use lex::strip_char_suffix;
pub use semantic::{Model, Run};

/// Parses a Dockerfile. Never panics and never fails: anything that cannot be understood is
/// reported in [`Dockerfile::errors`] and parsing continues with the next line.
pub fn parse(src: &str) -> Dockerfile {
    parser::parse(src)
}

/// A parsed Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dockerfile {
    /// Parser directives (`# syntax=…`, `# escape=…`, `# check=…`), only those at the very top.
    pub directives: Vec<Directive>,
    /// The escape character: `\` unless a `# escape=` directive chose `` ` ``.
    pub escape: char,
    /// Every instruction, in source order.
    pub instructions: Vec<Instruction>,
    /// Every comment line, including those inside continuation lines (which Docker skips).
    /// Directives are not comments; heredoc bodies contain no comments.
    pub comments: Vec<Comment>,
    /// Everything that could not be parsed cleanly.
    pub errors: Vec<ParseError>,
    /// [`Dockerfile::model`], computed once.
    #[serde(skip)]
    pub(crate) semantic: semantic::SemanticCache,
}

/// `# name=value` at the top of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Directive {
    /// Lower-cased: `syntax`, `escape` or `check`.
    pub name: String,
    /// Trimmed.
    pub value: String,
    /// The whole line, from `#`.
    pub span: Span,
}

/// A comment line. `text` is the line from `#` on (without the line break), so
/// `span.text(src) == text`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

impl Comment {
    /// The comment without `#` and surrounding whitespace.
    pub fn body(&self) -> &str {
        self.text.trim_start().trim_start_matches('#').trim()
    }
}

/// Something that could not be parsed cleanly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParseError {
    pub span: Span,
    pub message: String,
}

/// The instruction keywords Docker knows; anything else is `Unknown` (and reported as an error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Keyword {
    From,
    Run,
    Cmd,
    Label,
    Maintainer,
    Expose,
    Env,
    Add,
    Copy,
    Entrypoint,
    Volume,
    User,
    Workdir,
    Arg,
    Onbuild,
    Stopsignal,
    Healthcheck,
    Shell,
    Unknown,
}

impl Keyword {
    /// Case-insensitive lookup; anything unknown is [`Keyword::Unknown`].
    pub fn parse(word: &str) -> Keyword {
        const ALL: &[(&str, Keyword)] = &[
            ("FROM", Keyword::From),
            ("RUN", Keyword::Run),
            ("CMD", Keyword::Cmd),
            ("LABEL", Keyword::Label),
            ("MAINTAINER", Keyword::Maintainer),
            ("EXPOSE", Keyword::Expose),
            ("ENV", Keyword::Env),
            ("ADD", Keyword::Add),
            ("COPY", Keyword::Copy),
            ("ENTRYPOINT", Keyword::Entrypoint),
            ("VOLUME", Keyword::Volume),
            ("USER", Keyword::User),
            ("WORKDIR", Keyword::Workdir),
            ("ARG", Keyword::Arg),
            ("ONBUILD", Keyword::Onbuild),
            ("STOPSIGNAL", Keyword::Stopsignal),
            ("HEALTHCHECK", Keyword::Healthcheck),
            ("SHELL", Keyword::Shell),
        ];
        ALL.iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(word))
            .map_or(Keyword::Unknown, |&(_, k)| k)
    }

    /// The canonical upper-case spelling (`"UNKNOWN"` for unknown keywords; use
    /// [`Instruction::keyword_span`] for what was written).
    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::From => "FROM",
            Keyword::Run => "RUN",
            Keyword::Cmd => "CMD",
            Keyword::Label => "LABEL",
            Keyword::Maintainer => "MAINTAINER",
            Keyword::Expose => "EXPOSE",
            Keyword::Env => "ENV",
            Keyword::Add => "ADD",
            Keyword::Copy => "COPY",
            Keyword::Entrypoint => "ENTRYPOINT",
            Keyword::Volume => "VOLUME",
            Keyword::User => "USER",
            Keyword::Workdir => "WORKDIR",
            Keyword::Arg => "ARG",
            Keyword::Onbuild => "ONBUILD",
            Keyword::Stopsignal => "STOPSIGNAL",
            Keyword::Healthcheck => "HEALTHCHECK",
            Keyword::Shell => "SHELL",
            Keyword::Unknown => "UNKNOWN",
        }
    }
}

impl std::fmt::Display for Keyword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One instruction, with its continuation lines and heredoc bodies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Instruction {
    pub keyword: Keyword,
    pub keyword_span: Span,
    /// From the keyword to the end of the last continuation line or heredoc terminator.
    pub span: Span,
    /// `--name[=value]` words between the keyword and the arguments.
    pub flags: Vec<Flag>,
    /// The arguments; for `HEALTHCHECK CMD …` the command after `CMD` (see
    /// [`Instruction::healthcheck_cmd`]), for `ONBUILD` [`Args::Empty`] (see `onbuild`).
    pub args: Args,
    /// Heredocs (`<<EOF`) of `RUN`, `COPY` and `ADD`, in order.
    pub heredocs: Vec<Heredoc>,
    /// The instruction after `ONBUILD`.
    pub onbuild: Option<Box<Instruction>>,
    /// [`Instruction::run_commands`], split once: dozens of rules ask for it.
    #[serde(skip)]
    pub(crate) run_cache: CommandCache,
    /// [`Instruction::run_commands_wrapped`], computed once.
    #[serde(skip)]
    pub(crate) wrapped_cache: CommandCache,
}

/// A memo of derived commands. It is not part of an instruction's identity: two instructions
/// are equal whether or not either has been asked for its commands yet.
#[derive(Debug, Clone, Default)]
pub(crate) struct CommandCache(std::sync::OnceLock<Vec<shell::Command>>);

impl CommandCache {
    fn get_or_init(&self, f: impl FnOnce() -> Vec<shell::Command>) -> &[shell::Command] {
        self.0.get_or_init(f)
    }
}

impl PartialEq for CommandCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for CommandCache {}

/// `--name=value` or `--name` before the arguments of an instruction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    /// Without the leading `--`, as written (`mount`, `from`, `chown`, `platform`, …).
    pub name: String,
    /// After `=`, quotes removed; `None` for `--link`.
    pub value: Option<String>,
    /// The whole `--name=value` token.
    pub span: Span,
    /// The raw value after `=`.
    pub value_span: Option<Span>,
}

/// The arguments of an instruction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Args {
    /// JSON array form: each element unquoted, its span covering the JSON string with quotes.
    Exec(Vec<Word>),
    /// Shell form of `RUN`, `CMD`, `ENTRYPOINT` (and the `CMD` of `HEALTHCHECK`).
    Shell(ShellForm),
    /// Every other instruction: whitespace-separated words, quotes removed, continuations removed.
    Words(Vec<Word>),
    /// Nothing after the keyword (and flags).
    Empty,
}

/// The shell-form text of `RUN`, `CMD` or `ENTRYPOINT`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShellForm {
    /// The logical text: continuation escapes, the line breaks after them, and comment or empty
    /// lines inside the continuation removed (what Docker hands to the shell).
    pub text: String,
    /// From the first to the last character of the text in the source.
    pub span: Span,
    /// Pieces of the source that make up `text`, in order.
    #[serde(skip)]
    segments: Vec<Segment>,
}

/// `text[logical..logical + len]` is `src[source..source + len]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    logical: usize,
    source: usize,
    len: usize,
}

impl Segment {
    /// Whether a logical offset (a start, or an end when `is_end`) falls in this segment or
    /// before it: false, then true, along the segments in order.
    #[inline]
    fn holds_or_follows(&self, logical: usize, is_end: bool) -> bool {
        self.holds(logical, is_end) || logical <= self.logical
    }

    /// Whether a logical offset (a start, or an end when `is_end`) falls in this segment.
    #[inline]
    fn holds(&self, logical: usize, is_end: bool) -> bool {
        let end = self.logical + self.len;
        if is_end {
            logical > self.logical && logical <= end
        } else {
            logical >= self.logical && logical < end
        }
    }
}

/// A heredoc: `<<EOF` in the instruction line and its body on the following lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heredoc {
    /// Quotes removed: `EOF` for `<<"EOF"`.
    pub delimiter: String,
    /// The delimiter was quoted: no variable expansion in the body.
    pub quoted: bool,
    /// `<<-`: leading tabs are stripped from the body lines and terminator.
    pub strip_tabs: bool,
    /// The body exactly as in the source (`body == body_span.text(src)`), each line with its line
    /// break, without the terminator line. Tabs are not stripped here even with `<<-`.
    pub body: String,
    pub body_span: Span,
    /// The `<<EOF` token.
    pub marker_span: Span,
}

/// A build stage: a `FROM` and the instructions up to the next `FROM`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stage {
    /// 0-based position among the stages (what `--from=0` refers to).
    pub index: usize,
    /// Index of the `FROM` in [`Dockerfile::instructions`].
    pub from: usize,
    /// Indices of this stage's instructions in [`Dockerfile::instructions`], `FROM` included.
    pub instructions: Range<usize>,
    /// The image reference as written (variables not substituted).
    pub image: Word,
    /// The `AS name`, as written.
    pub alias: Option<String>,
    /// The image after substituting the global `ARG`s (what Docker pulls, or the name of an
    /// earlier stage).
    pub base: String,
    /// The index of the earlier stage this one builds on (`FROM builder`): the nearest earlier
    /// stage whose name is [`Stage::base`], compared case-insensitively.
    pub parent: Option<usize>,
}

/// Typed view of a `FROM` instruction: `FROM [--platform=x] image [AS name]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct From {
    pub image: Word,
    pub platform: Option<Flag>,
    pub alias: Option<Word>,
}

/// A `key=value` pair of `ENV`, `LABEL` or `ARG` (or the legacy `ENV key value`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyValue {
    pub key: String,
    pub key_span: Span,
    /// `None` for `ARG NAME` without a default.
    pub value: Option<String>,
    pub value_span: Option<Span>,
    /// The whole pair.
    pub span: Span,
}

impl Dockerfile {
    /// The semantic view: stages and how they relate, the final image's lineage, the `RUN`
    /// commands. Computed on the first call, shared by every later one.
    pub fn model(&self) -> Model<'_> {
        let semantic = self
            .semantic
            .get_or_init(|| semantic::Semantic::build(self));
        Model::new(self, semantic)
    }

    /// The build stages, in order (a copy of [`Model::stages`]).
    pub fn stages(&self) -> Vec<Stage> {
        self.model().stages().to_vec()
    }

    /// The index of the stage an instruction belongs to (`None` before the first `FROM`).
    pub fn stage_of(&self, instruction: usize) -> Option<usize> {
        self.model().stage_of(instruction)
    }

    /// The instructions before the first `FROM` (global `ARG`s, normally).
    pub fn preamble(&self) -> &[Instruction] {
        let end = self
            .instructions
            .iter()
            .position(|i| i.keyword == Keyword::From)
            .unwrap_or(self.instructions.len());
        &self.instructions[..end]
    }

    /// Substitutes `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}` and
    /// `${VAR+alt}` in `value` with the defaults of `ARG`s and the values of `ENV`s.
    ///
    /// With `stage: None` only the global `ARG`s (before the first `FROM`) are visible, which is
    /// what `FROM` lines see. With `Some(index)` the stage's own `ARG`s (a bare `ARG NAME`
    /// re-imports the global default) and `ENV`s are visible too, plus the `ENV`s of the stage it
    /// builds on (`FROM base`); later declarations win. A variable declared without a value
    /// becomes empty; a variable never declared is left as written, so callers can tell
    /// "unknown" from "empty".
    pub fn resolve_arg(&self, value: &str, stage: Option<usize>) -> String {
        self.model().resolve(value, stage)
    }

    /// Instructions with a given keyword, with their indices.
    pub fn instructions_of(&self, keyword: Keyword) -> impl Iterator<Item = (usize, &Instruction)> {
        self.instructions
            .iter()
            .enumerate()
            .filter(move |(_, i)| i.keyword == keyword)
    }
}

impl Instruction {
    /// The `FROM` view: image, `--platform` flag, `AS` alias. `None` for other instructions or a
    /// `FROM` without an image.
    pub fn from(&self) -> Option<From> {
        if self.keyword != Keyword::From {
            return None;
        }
        let words = self.words();
        let image = words.first()?.clone();
        let alias = match words.get(1) {
            Some(w) if w.value.eq_ignore_ascii_case("as") => words.get(2).cloned(),
            _ => None,
        };
        Some(From {
            image,
            platform: self.flag("platform").cloned(),
            alias,
        })
    }

    /// The words of [`Args::Words`] or the elements of [`Args::Exec`]; empty otherwise.
    pub fn words(&self) -> &[Word] {
        match &self.args {
            Args::Words(w) | Args::Exec(w) => w,
            _ => &[],
        }
    }

    /// The first flag with this name (without `--`, case-sensitive as Docker is).
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }

    /// All flags with this name (`--mount` may repeat).
    pub fn flags_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Flag> + 'a {
        self.flags.iter().filter(move |f| f.name == name)
    }

    /// The shell form, if the arguments are in shell form.
    pub fn shell_form(&self) -> Option<&ShellForm> {
        match &self.args {
            Args::Shell(s) => Some(s),
            _ => None,
        }
    }

    /// Whether the arguments are a JSON array.
    pub fn is_exec_form(&self) -> bool {
        matches!(self.args, Args::Exec(_))
    }

    /// The span of the arguments (after keyword and flags), if any.
    pub fn args_span(&self) -> Option<Span> {
        match &self.args {
            Args::Shell(s) => Some(s.span),
            Args::Words(w) | Args::Exec(w) => {
                let first = w.first()?;
                let last = w.last()?;
                Some(first.span.to(last.span))
            }
            Args::Empty => None,
        }
    }

    /// The commands a `RUN` executes: the shell form split into commands, plus the commands of
    /// every heredoc body that is a script (`RUN <<EOF`, `RUN bash <<EOF`; not `cat <<EOF > f`
    /// nor a body whose `#!` names a non-shell interpreter). Exec form gives one command of its
    /// elements (plus the commands of the script in `["sh", "-c", "…"]`). Empty for other
    /// instructions.
    pub fn run_commands(&self) -> Vec<shell::Command> {
        self.run_commands_ref().to_vec()
    }

    /// [`Instruction::run_commands`] without copying: split once, then shared.
    pub fn run_commands_ref(&self) -> &[shell::Command] {
        if self.keyword != Keyword::Run {
            return &[];
        }
        self.run_cache.get_or_init(|| heredoc::run_commands(self))
    }

    /// The `RUN` commands seen through wrappers (`sudo -E apt-get` is `apt-get`), in the same
    /// order as [`Instruction::run_commands_ref`].
    pub fn run_commands_wrapped(&self) -> &[shell::Command] {
        let raw = self.run_commands_ref();
        // Most RUNs have no wrapper nor prefix anywhere: each command is its own wrapped form,
        // and the split is shared rather than copied word by word.
        if !raw.iter().any(shell::Command::is_wrapped) {
            return raw;
        }
        self.wrapped_cache
            .get_or_init(|| raw.iter().map(shell::Command::wrapped).collect())
    }

    /// The commands of `CMD`/`ENTRYPOINT`/`RUN`/`HEALTHCHECK CMD` arguments in shell or exec form
    /// (heredoc bodies not included).
    pub fn commands(&self) -> Vec<shell::Command> {
        heredoc::args_commands(&self.args)
    }

    /// For `HEALTHCHECK CMD …`, the command (exec or shell form). `None` for `HEALTHCHECK NONE`
    /// and other instructions.
    pub fn healthcheck_cmd(&self) -> Option<&Args> {
        if self.keyword != Keyword::Healthcheck {
            return None;
        }
        match &self.args {
            a @ (Args::Exec(_) | Args::Shell(_)) => Some(a),
            _ => None,
        }
    }

    /// `HEALTHCHECK NONE`.
    pub fn is_healthcheck_none(&self) -> bool {
        self.keyword == Keyword::Healthcheck
            && matches!(&self.args, Args::Words(w) if w.first().is_some_and(|w| w.value.eq_ignore_ascii_case("none")))
    }

    /// The pairs of `ENV`, `LABEL` and `ARG` (`a=b c="d e"`, legacy `ENV a b c` → `a` = `b c`).
    /// Empty for other instructions.
    pub fn key_values(&self) -> Vec<KeyValue> {
        resolve::key_values(self)
    }
}

impl ShellForm {
    /// The commands of the text, with spans in the source.
    pub fn commands(&self) -> Vec<shell::Command> {
        let mut commands = shell::split(&self.text, 0);
        // Commands come in order too: the lookups go on from where the last ones landed.
        let mut hints = [0; 3];
        for c in &mut commands {
            self.map_command(c, &mut hints);
        }
        commands
    }

    /// The source span of a byte range of [`ShellForm::text`]. Out-of-range input is clamped.
    pub fn source_span(&self, logical: Range<usize>) -> Span {
        // An empty range stays with the text before it, so it never lands past a removed
        // continuation, outside the span of the token it belongs to.
        let start = self.source_offset(logical.start, logical.end <= logical.start);
        let end = self.source_offset(logical.end.max(logical.start), true);
        Span::new(start, end.max(start))
    }

    /// `hints`: where the last lookups landed for the start and the end of a command, and for
    /// its words and redirections. Each of them moves mostly forward and by little (a word
    /// rarely spans lines), where one hint for all would go back and forth between the end of a
    /// command and its first word.
    fn map_command(&self, c: &mut shell::Command, hints: &mut [usize; 3]) {
        let [start_hint, end_hint, hint] = hints;
        let s = c.span;
        let start = self.source_offset_near(s.start, s.end <= s.start, start_hint);
        let end = self.source_offset_near(s.end.max(s.start), true, end_hint);
        c.span = Span::new(start, end.max(start));
        // Words come in order: each lookup starts from the segment the last one found.
        let mut map = |s: &mut Span| {
            let start = self.source_offset_near(s.start, s.end <= s.start, hint);
            let end = self.source_offset_near(s.end.max(s.start), true, hint);
            *s = Span::new(start, end.max(start));
        };
        for w in &mut c.words {
            map(&mut w.span);
        }
        for r in &mut c.redirects {
            map(&mut r.span);
            if let Some(t) = &mut r.target {
                map(&mut t.span);
            }
        }
    }

    /// [`ShellForm::source_offset`] walking from `hint` (the segment the previous lookup found)
    /// a few segments either way before it falls back to a binary search: a long RUN has a
    /// segment per line, and its words are mapped in order, mostly in the same segment or the
    /// next one.
    #[inline]
    fn source_offset_near(&self, logical: usize, is_end: bool, hint: &mut usize) -> usize {
        // The usual case, inlined: the offset is inside the hinted segment, which is then the
        // answer (the segments are contiguous and not empty, so the one before cannot hold it).
        match self.segments.get(*hint) {
            Some(seg) if seg.holds(logical, is_end) => seg.source + (logical - seg.logical),
            _ => self.source_offset_walk(logical, is_end, hint),
        }
    }

    /// [`ShellForm::source_offset_near`] when the hinted segment does not hold the offset.
    #[inline(never)]
    fn source_offset_walk(&self, logical: usize, is_end: bool, hint: &mut usize) -> usize {
        let segs = &self.segments;
        let Some(last) = segs.last() else {
            return self.span.start;
        };
        // The answer is the first segment for which `found` holds (it is false, then true), or
        // `segs.len()` when there is none.
        let found = |seg: &Segment| seg.holds_or_follows(logical, is_end);
        let mut at = (*hint).min(segs.len());
        if segs.get(at).is_some_and(|seg| !found(seg)) {
            // The answer is further on.
            at += 1;
            let stop = (at + 4).min(segs.len());
            while at < stop && !found(&segs[at]) {
                at += 1;
            }
            if at == stop && at < segs.len() {
                at += segs[at..].partition_point(|seg| !found(seg));
            }
        } else {
            // `at` qualifies (or is the end): the answer is here or before.
            let stop = at.saturating_sub(4);
            while at > stop && found(&segs[at - 1]) {
                at -= 1;
            }
            if at == stop && at > 0 && found(&segs[at - 1]) {
                at = segs[..at].partition_point(|seg| !found(seg));
            }
        }
        *hint = at;
        match segs.get(at) {
            Some(seg) => seg.source + logical.saturating_sub(seg.logical),
            None => last.source + last.len,
        }
    }

    /// Maps a logical offset to the source. At a seam between two segments, a start maps to the
    /// beginning of the next segment and an end to the end of the previous one, so a span never
    /// swallows a removed continuation it does not need.
    fn source_offset(&self, logical: usize, is_end: bool) -> usize {
        let Some(last) = self.segments.last() else {
            return self.span.start;
        };
        // The first segment that holds the offset or starts at or after it. Segments come in
        // order, so that test is false, then true: a binary search finds it (a long RUN has a
        // segment per line and hundreds of words to map).
        let found = |seg: &Segment| seg.holds_or_follows(logical, is_end);
        let at = self.segments.partition_point(|seg| !found(seg));
        match self.segments.get(at) {
            Some(seg) => seg.source + logical.saturating_sub(seg.logical),
            None => last.source + last.len,
        }
    }
}

impl Heredoc {
    /// The body split into shell commands, with spans in the source.
    pub fn commands(&self) -> Vec<shell::Command> {
        shell::split(&self.body, self.body_span.start)
    }
}
