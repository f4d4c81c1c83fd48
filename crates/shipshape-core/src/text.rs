//! Positions in source text: byte [`Span`]s, 1-based [`Position`]s, and the one [`LineIndex`]
//! that converts between them. Columns count characters (Unicode scalar values), which is what
//! editors, SARIF's `unicodeCodePoints` and GitHub annotations expect.

use serde::{Deserialize, Serialize};

/// A half-open byte range `start..end` into a source text.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        debug_assert!(start <= end);
        Span { start, end }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// Whether the two spans share at least one byte.
    pub fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The text this span covers (empty if it does not lie on character boundaries of `src`).
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start..self.end).unwrap_or("")
    }

    /// This span kept inside `src` and widened to character boundaries.
    pub fn clamp(self, src: &str) -> Span {
        let mut a = self.start.min(src.len());
        let mut b = self.end.min(src.len()).max(a);
        while !src.is_char_boundary(a) {
            a -= 1;
        }
        while !src.is_char_boundary(b) {
            b += 1;
        }
        Span::new(a, b)
    }
}

impl From<std::ops::Range<usize>> for Span {
    fn from(r: std::ops::Range<usize>) -> Span {
        Span::new(r.start, r.end.max(r.start))
    }
}

/// A 1-based line and column (columns count characters).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    schemars::JsonSchema,
    Deserialize,
)]
pub struct Position {
    #[schemars(range(min = 1))]
    pub line: u32,
    #[schemars(range(min = 1))]
    pub column: u32,
}

/// Line starts of a text, for converting byte offsets to lines and columns in `O(log n)`.
/// Works on bytes, so it serves text that is not valid UTF-8 too (git blobs).
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a [u8],
    /// Byte offset of the first byte of every line; `starts[0] == 0`.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        LineIndex::from_bytes(text.as_bytes())
    }

    pub fn from_bytes(text: &'a [u8]) -> LineIndex<'a> {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text).map(|i| i + 1));
        LineIndex { text, starts }
    }

    /// 1-based line of byte `offset` (offsets past the end count as the last line).
    pub fn line(&self, offset: usize) -> u32 {
        let offset = offset.min(self.text.len());
        let i = self.starts.partition_point(|&s| s <= offset);
        u32::try_from(i).unwrap_or(u32::MAX)
    }

    /// Byte offset where 1-based `line` starts (the end of the text past the last line).
    pub fn line_start(&self, line: u32) -> usize {
        let i = (line.max(1) - 1) as usize;
        self.starts.get(i).copied().unwrap_or(self.text.len())
    }

    /// Byte offset of the end of 1-based `line`, without its newline (and a `\r` before it).
    pub fn line_end(&self, line: u32) -> usize {
        let next = self.line_start(line.saturating_add(1));
        let mut end = if next > 0 && self.text.get(next - 1) == Some(&b'\n') {
            next - 1
        } else {
            next
        };
        if end > 0 && self.text.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        end.max(self.line_start(line))
    }

    /// 1-based line and column (in characters) of byte `offset`. An offset inside a multi-byte
    /// character counts the characters before it.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        self.position_on(self.line(offset), offset)
    }

    /// The positions of the start and the end of `span`: one line search when both are on one
    /// line (most spans), where two [`LineIndex::position`] calls make two.
    pub fn positions(&self, span: Span) -> (Position, Position) {
        let from = span.start.min(self.text.len());
        let start = self.position_on(self.line(from), from);
        let end = span.end.min(self.text.len());
        let next_line = self.line_start(start.line.saturating_add(1));
        let line = if (from..next_line).contains(&end) {
            start.line
        } else {
            self.line(end)
        };
        (start, self.position_on(line, end))
    }

    /// The position of `offset` (inside the text), which is on 1-based `line`.
    fn position_on(&self, line: u32, offset: usize) -> Position {
        let start = self.line_start(line);
        let before = &self.text[start..offset];
        // ASCII (nearly every line) counts a character a byte, without decoding.
        let column = if before.is_ascii() {
            before.len()
        } else {
            match std::str::from_utf8(before) {
                Ok(s) => s.chars().count(),
                Err(_) => String::from_utf8_lossy(before).chars().count(),
            }
        };
        Position {
            line,
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }

    /// Byte offset of 1-based `line` and `column` (in characters), clamped to the line.
    pub fn offset(&self, pos: Position) -> usize {
        let start = self.line_start(pos.line);
        let end = self.line_end(pos.line);
        let line = &self.text[start..end];
        let want = pos.column.max(1) as usize - 1;
        match std::str::from_utf8(line) {
            Ok(s) => s.char_indices().nth(want).map_or(end, |(i, _)| start + i),
            Err(_) => (start + want).min(end),
        }
    }

    /// The whole lines `span` touches, as a byte range without the final newline.
    pub fn lines_of(&self, span: Span) -> Span {
        let first = self.line(span.start);
        let last = self.line(span.end.max(span.start));
        Span::new(
            self.line_start(first),
            self.line_end(last).max(self.line_start(first)),
        )
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

/// 1-based line number of byte `offset` in `text`, for a single lookup (build a [`LineIndex`]
/// for many).
pub fn line_of_offset(text: &str, offset: usize) -> u32 {
    let end = offset.min(text.len());
    let newlines = memchr::memchr_iter(b'\n', &text.as_bytes()[..end]).count();
    u32::try_from(newlines + 1).unwrap_or(u32::MAX)
}

/// 1-based line and column of byte `offset` in `text`, for a single lookup.
pub fn position_of(text: &str, offset: usize) -> Position {
    let offset = offset.min(text.len());
    let bytes = text.as_bytes();
    let start = memchr::memrchr(b'\n', &bytes[..offset]).map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&bytes[start..offset])
        .chars()
        .count()
        + 1;
    Position {
        line: line_of_offset(text, offset),
        column: u32::try_from(column).unwrap_or(u32::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_offsets_to_one_based_lines_and_character_columns() {
        let src = "FROM a\nRUN é x\n";
        let idx = LineIndex::new(src);
        assert_eq!(idx.position(0), Position { line: 1, column: 1 });
        assert_eq!(idx.position(7), Position { line: 2, column: 1 });
        // After the two-byte é the column counts one character.
        assert_eq!(idx.position(7 + 4 + 2 + 1), Position { line: 2, column: 7 });
        assert_eq!(idx.position(999), Position { line: 3, column: 1 });
        assert_eq!(position_of(src, 7 + 4 + 2 + 1), idx.position(7 + 4 + 2 + 1));
        assert_eq!(line_of_offset(src, 999), 3);
    }

    #[test]
    fn the_positions_of_a_span_are_those_of_its_ends() {
        let src = "ab\nçd é\n\nx";
        let idx = LineIndex::new(src);
        for a in 0..=src.len() + 2 {
            for b in 0..=src.len() + 2 {
                let (p, q) = idx.positions(Span { start: a, end: b });
                assert_eq!((p, q), (idx.position(a), idx.position(b)), "{a}..{b}");
            }
        }
    }

    #[test]
    fn finds_line_bounds_without_newlines_or_carriage_returns() {
        let src = "a\r\nbc\n\nd";
        let idx = LineIndex::new(src);
        assert_eq!(&src[idx.line_start(2)..idx.line_end(2)], "bc");
        assert_eq!(&src[idx.line_start(1)..idx.line_end(1)], "a");
        assert_eq!(idx.line_start(3), idx.line_end(3));
        assert_eq!(&src[idx.line_start(4)..idx.line_end(4)], "d");
        let lines = idx.lines_of(Span::new(4, 9));
        assert_eq!(&src[lines.start..lines.end], "bc\n\nd");
    }

    #[test]
    fn offsets_round_trip_through_positions() {
        let src = "ab\nçd é\n";
        let idx = LineIndex::new(src);
        for (i, _) in src.char_indices() {
            assert_eq!(idx.offset(idx.position(i)), i, "offset {i}");
        }
    }

    #[test]
    fn spans_clamp_to_character_boundaries() {
        let src = "é";
        assert_eq!(Span::new(1, 9).clamp(src), Span::new(0, 2));
        assert!(Span::new(0, 2).overlaps(Span::new(1, 3)));
        assert!(!Span::new(0, 2).overlaps(Span::new(2, 3)));
    }
}
