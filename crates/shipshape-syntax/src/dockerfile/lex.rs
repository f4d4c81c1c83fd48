//! The lowest layer of the Dockerfile parser: physical lines, parser directives, and the
//! whitespace-separated words (with quotes and the escape character) of instruction arguments.

use std::ops::Range;

/// A physical line: `start..end` excludes the line break (`\n` or `\r\n`).
#[derive(Debug, Clone, Copy)]
pub(super) struct Line {
    pub start: usize,
    pub end: usize,
}

/// Whitespace between Dockerfile tokens. ASCII only: Docker does not split on Unicode spaces.
pub(super) fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\x0b' | '\x0c')
}

pub(super) fn is_blank(text: &str) -> bool {
    text.chars().all(is_ws)
}

/// Comment lines may be indented, as BuildKit allows.
pub(super) fn is_comment(text: &str) -> bool {
    text.trim_start_matches(is_ws).starts_with('#')
}

/// The text of a line before its continuation escape, if the line continues onto the next one:
/// it ends with the escape character (and blanks) that is not itself escaped, or is the escape
/// alone. `C:\\Windows\\System32\\` does not continue: BuildKit's rule, `([^\\])\\[ \t]*$`.
pub(super) fn continued(line: &str, escape: char) -> Option<&str> {
    let trimmed = line.trim_end_matches(is_ws);
    let before = strip_char_suffix(trimmed, escape)?;
    (before.is_empty() || strip_char_suffix(before, escape).is_none()).then_some(before)
}

/// `text.strip_suffix(c)`, an ASCII `c` (the escape always is) compared as the last byte: the
/// general pattern test is a library call (memcmp) for every line of every Dockerfile.
pub fn strip_char_suffix(text: &str, c: char) -> Option<&str> {
    if !c.is_ascii() {
        return text.strip_suffix(c);
    }
    match text.as_bytes().last() {
        // The last byte is ASCII, so the text before it ends on a character boundary.
        Some(&b) if b == c as u8 => Some(&text[..text.len() - 1]),
        _ => None,
    }
}

/// The physical lines of `src` from byte `from` on. A final line without a line break counts; a
/// final line break does not start an empty line.
pub(super) fn lines(src: &str, from: usize) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = from;
    let bytes = src.as_bytes();
    while start < src.len() {
        let nl = memchr::memchr(b'\n', &bytes[start..]);
        let (end, next) = match nl {
            Some(i) => (start + i, start + i + 1),
            None => (src.len(), src.len()),
        };
        let end = if end > start && bytes[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        out.push(Line { start, end });
        start = next;
    }
    out
}

/// A `# name=value` line: the ranges (within `line`) of the name and the trimmed value.
pub(super) fn directive(line: &str) -> Option<(Range<usize>, Range<usize>)> {
    let rest = line.strip_prefix('#')?;
    let name_start = 1 + (rest.len() - rest.trim_start_matches(is_ws).len());
    let after = &line[name_start..];
    let name_len = after
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())))
        .map_or(after.len(), |(i, _)| i);
    if name_len == 0 {
        return None;
    }
    let name_end = name_start + name_len;
    let rest = line[name_end..].trim_start_matches(is_ws);
    let rest = rest.strip_prefix('=')?;
    let value_start = line.len() - rest.len() + (rest.len() - rest.trim_start_matches(is_ws).len());
    let value = line[value_start..].trim_end_matches(is_ws);
    if value.is_empty() {
        return None;
    }
    Some((name_start..name_end, value_start..value_start + value.len()))
}

/// A whitespace-separated word of instruction arguments: its range in the text and its value.
#[derive(Debug, Clone)]
pub(super) struct LexWord {
    pub range: Range<usize>,
    pub value: String,
}

/// Splits `text[from..]` into words: `"…"` and `'…'` group and are removed, `escape` followed by
/// a character yields that character (inside double quotes only before `"`, `$` or `escape`).
/// An unterminated quote runs to the end of the text.
pub(super) fn words(text: &str, from: usize, escape: char) -> Vec<LexWord> {
    Words::new(text, from, escape).collect()
}

/// [`words`] one at a time: a reader of the leading flags stops at the first other word instead
/// of splitting a long `RUN` it does not need.
pub(super) struct Words<'a> {
    rest: &'a str,
    from: usize,
    escape: char,
    pos: usize,
}

impl<'a> Words<'a> {
    pub(super) fn new(text: &'a str, from: usize, escape: char) -> Words<'a> {
        Words {
            rest: text.get(from..).unwrap_or(""),
            from,
            escape,
            pos: 0,
        }
    }
}

impl Iterator for Words<'_> {
    type Item = LexWord;

    fn next(&mut self) -> Option<LexWord> {
        let (rest, escape) = (self.rest, self.escape);
        let bytes = rest.as_bytes();
        // Whitespace, quotes and an ASCII escape are single bytes that never occur inside a
        // UTF-8 sequence, so words can be cut on bytes; a non-ASCII escape sends every word to
        // the slow path.
        let special = |b: u8| b == b'"' || b == b'\'' || (escape.is_ascii() && b == escape as u8);
        let is_ws_byte = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | 0x0b | 0x0c);
        let mut pos = self.pos;
        while pos < bytes.len() && is_ws_byte(bytes[pos]) {
            pos += 1;
        }
        if pos >= bytes.len() {
            self.pos = pos;
            return None;
        }
        let stop = bytes[pos..]
            .iter()
            .position(|&b| is_ws_byte(b) || special(b))
            .map_or(bytes.len(), |i| pos + i);
        let plain = escape.is_ascii() && (stop == bytes.len() || is_ws_byte(bytes[stop]));
        let (end, value) = if plain {
            // No quote and no escape: the value is the text itself (most words).
            (stop, rest[pos..stop].to_string())
        } else {
            quoted_word(rest, pos, escape)
        };
        self.pos = end;
        Some(LexWord {
            range: self.from + pos..self.from + end,
            value,
        })
    }
}

/// One word at `pos` of `text` that holds quotes or escapes: its end and its value.
fn quoted_word(text: &str, pos: usize, escape: char) -> (usize, String) {
    let mut chars = text[pos..].char_indices().peekable();
    let mut end = pos;
    let mut value = String::new();
    let mut quote: Option<char> = None;
    while let Some(&(i, c)) = chars.peek() {
        if quote.is_none() && is_ws(c) {
            break;
        }
        chars.next();
        end = pos + i + c.len_utf8();
        match quote {
            Some('\'') if c == '\'' => quote = None,
            Some('\'') => value.push(c),
            Some(_) if c == '"' => quote = None,
            Some(_) if c == escape => match chars.peek() {
                Some(&(j, n)) if n == '"' || n == '$' || n == escape => {
                    value.push(n);
                    chars.next();
                    end = pos + j + n.len_utf8();
                }
                _ => value.push(c),
            },
            Some(_) => value.push(c),
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == escape => match chars.peek() {
                Some(&(j, n)) => {
                    value.push(n);
                    chars.next();
                    end = pos + j + n.len_utf8();
                }
                _ => value.push(c),
            },
            None => value.push(c),
        }
    }
    (end, value)
}

/// Parses `text[from..]` as a JSON array of strings followed only by whitespace, as Docker's
/// exec form requires. Returns each element's range (the JSON string with its quotes) and value;
/// `None` if it is not such an array (Docker then falls back to shell form).
pub(super) fn json_array(text: &str, from: usize) -> Option<Vec<(Range<usize>, String)>> {
    let b = text.as_bytes();
    let mut i = from;
    let skip_ws = |i: &mut usize| {
        while matches!(b.get(*i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            *i += 1;
        }
    };
    skip_ws(&mut i);
    if b.get(i) != Some(&b'[') {
        return None;
    }
    i += 1;
    skip_ws(&mut i);
    let mut out = Vec::new();
    if b.get(i) == Some(&b']') {
        i += 1;
    } else {
        loop {
            skip_ws(&mut i);
            let start = i;
            let value = json_string(text, &mut i)?;
            out.push((start..i, value));
            skip_ws(&mut i);
            match b.get(i) {
                Some(b',') => i += 1,
                Some(b']') => {
                    i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    skip_ws(&mut i);
    (i == text.len()).then_some(out)
}

/// A JSON string at `*i` (which must be `"`); advances past the closing quote.
fn json_string(text: &str, i: &mut usize) -> Option<String> {
    let rest = text.get(*i..)?;
    let mut chars = rest.char_indices();
    if chars.next()?.1 != '"' {
        return None;
    }
    let mut value = String::new();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => {
                *i += at + 1;
                return Some(value);
            }
            '\\' => {
                let (_, e) = chars.next()?;
                match e {
                    '"' | '\\' | '/' => value.push(e),
                    'b' => value.push('\u{8}'),
                    'f' => value.push('\u{c}'),
                    'n' => value.push('\n'),
                    'r' => value.push('\r'),
                    't' => value.push('\t'),
                    'u' => {
                        let hi = hex4(&mut chars)?;
                        let c = if (0xD800..0xDC00).contains(&hi) {
                            // A surrogate pair; a lone surrogate becomes U+FFFD, as Go's decoder does.
                            let save = chars.clone();
                            match (chars.next(), chars.next()) {
                                (Some((_, '\\')), Some((_, 'u'))) => {
                                    let lo = hex4(&mut chars)?;
                                    if (0xDC00..0xE000).contains(&lo) {
                                        char::from_u32(
                                            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00),
                                        )
                                    } else {
                                        chars = save;
                                        None
                                    }
                                }
                                _ => {
                                    chars = save;
                                    None
                                }
                            }
                        } else {
                            char::from_u32(hi)
                        };
                        value.push(c.unwrap_or('\u{FFFD}'));
                    }
                    _ => return None,
                }
            }
            c if (c as u32) < 0x20 => return None,
            c => value.push(c),
        }
    }
    None
}

fn hex4(chars: &mut std::str::CharIndices<'_>) -> Option<u32> {
    let mut v = 0;
    for _ in 0..4 {
        v = v * 16 + chars.next()?.1.to_digit(16)?;
    }
    Some(v)
}

#[cfg(test)]
mod strip_tests {
    use super::strip_char_suffix;
    use proptest::prelude::*;

    proptest! {
        /// The byte test is `str::strip_suffix` for any text and character.
        #[test]
        fn strip_char_suffix_is_strip_suffix(text in "(?s).{0,6}[\\\\`é]?", c in prop::sample::select(vec!['\\', '`', 'é', 'a', '\n'])) {
            prop_assert_eq!(strip_char_suffix(&text, c), text.strip_suffix(c));
        }
    }
}
