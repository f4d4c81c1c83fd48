//! The one redaction policy. A secret is shown as a short prefix and its length
//! (`ghp_***(40 chars)`); a snippet or message that holds a secret has every copy of it masked,
//! not only the span a rule pointed at, so a value repeated on the line (`# was: …`) never leaks.
//! Findings are redacted when they are made, so no renderer, log line or error downstream can
//! print a secret.

use shipshape_core::text::Span;

/// A short, safe stand-in for a secret: at most four leading characters (none for short values,
/// two for medium ones) and the length.
pub fn redact(secret: &[u8]) -> String {
    let text = String::from_utf8_lossy(secret);
    let n = text.chars().count();
    let shown = match n {
        0..=7 => 0,
        8..=15 => 2,
        _ => 4,
    };
    let prefix: String = text
        .chars()
        .take(shown)
        .filter(|c| !c.is_control())
        .collect();
    format!("{prefix}***({n} chars)")
}

/// Mask secrets in `text`, which starts at byte `base` of the source: every span in `spans`
/// (absolute offsets into the source) and every other occurrence of the bytes those spans cover
/// in the source (`source`), plus every occurrence of each of `extra_values`.
pub fn mask(
    text: &[u8],
    base: usize,
    source: &[u8],
    spans: &[Span],
    extra_values: &[&[u8]],
) -> String {
    mask_mapped(text, base, source, spans, extra_values).0
}

/// A masked text and the cuts made: `(start, end)` in the original text and `(start, end)` in
/// the masked one, for mapping positions (an underline) from one to the other.
pub type Cuts = Vec<((usize, usize), (usize, usize))>;

/// Map a byte offset of the original text to the masked one: an offset inside a cut maps to the
/// cut's start (`end == false`) or end (`end == true`).
pub fn map_offset(cuts: &Cuts, offset: usize, end: bool) -> usize {
    let mut shift: isize = 0;
    for &((a, b), (na, nb)) in cuts {
        if offset < a || (offset == a && !end) {
            break;
        }
        if offset < b || (offset == b && end && offset > a) {
            return if end { nb } else { na };
        }
        shift = nb as isize - b as isize;
    }
    (offset as isize + shift).max(0) as usize
}

/// [`mask`], also returning the cuts.
pub fn mask_mapped(
    text: &[u8],
    base: usize,
    source: &[u8],
    spans: &[Span],
    extra_values: &[&[u8]],
) -> (String, Cuts) {
    // Each cut is a byte range of `text` and the whole secret it belongs to (a secret may run past
    // the end of the snippet: a private key shows its first line only, but its full length).
    let mut cuts: Vec<(usize, usize, &[u8])> = Vec::new();
    let mut values: Vec<&[u8]> = Vec::new();
    for s in spans {
        let Some(value) = source.get(s.start.min(source.len())..s.end.min(source.len())) else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        values.push(value);
        let a = s.start.saturating_sub(base).min(text.len());
        let b = s.end.saturating_sub(base).min(text.len());
        if s.end > base && a < b {
            cuts.push((a, b, value));
        }
    }
    values.extend(extra_values.iter().copied().filter(|v| !v.is_empty()));
    for v in &values {
        let mut from = 0;
        while let Some(i) = memchr::memmem::find(&text[from..], v) {
            cuts.push((from + i, from + i + v.len(), v));
            from += i + 1;
        }
    }
    if cuts.is_empty() {
        return (String::from_utf8_lossy(text).into_owned(), Vec::new());
    }
    cuts.sort_unstable_by_key(|c| (c.0, c.1));
    let mut merged: Vec<(usize, usize, &[u8])> = Vec::with_capacity(cuts.len());
    for (a, b, v) in cuts {
        match merged.last_mut() {
            Some(last) if a <= last.1 => {
                last.1 = last.1.max(b);
                if v.len() > last.2.len() {
                    last.2 = v;
                }
            }
            _ => merged.push((a, b, v)),
        }
    }
    let mut out = Vec::with_capacity(text.len());
    let mut map = Vec::with_capacity(merged.len());
    let mut cursor = 0;
    for (a, b, v) in merged {
        out.extend_from_slice(&text[cursor..a]);
        let whole = if v.len() >= b - a { v } else { &text[a..b] };
        let na = out.len();
        out.extend_from_slice(redact(whole).as_bytes());
        map.push(((a, b), (na, out.len())));
        cursor = b;
    }
    out.extend_from_slice(&text[cursor..]);
    (String::from_utf8_lossy(&out).into_owned(), map)
}

/// Mask every occurrence of each value in a free-text message.
pub fn mask_values(message: &str, values: &[&[u8]]) -> String {
    if values
        .iter()
        .all(|v| v.is_empty() || memchr::memmem::find(message.as_bytes(), v).is_none())
    {
        return message.to_string();
    }
    mask(message.as_bytes(), 0, &[], &[], values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_a_short_prefix_and_the_length() {
        assert_eq!(redact(b"hunter2"), "***(7 chars)");
        assert_eq!(redact(b"s3cr3t-Value"), "s3***(12 chars)");
        assert_eq!(
            redact(b"ghp_Z3kq9RbT2vWx8YcN4mLp7HdJ6sGf1AeQ0uVi"),
            "ghp_***(40 chars)"
        );
    }

    #[test]
    fn masks_every_copy_of_the_secret_on_the_line() {
        let src = b"API_TOKEN=\"Xk9Lp2Wn5Rt9Xv3KzY7m\"  # previously used: Xk9Lp2Wn5Rt9Xv3KzY7m\n";
        let at = 11;
        let out = mask(
            &src[..src.len() - 1],
            0,
            src,
            &[Span::new(at, at + 20)],
            &[],
        );
        assert!(!out.contains("Xk9Lp2Wn5Rt9Xv3KzY7m"), "{out}");
        assert_eq!(out.matches("Xk9L***(20 chars)").count(), 2, "{out}");
    }

    #[test]
    fn masks_spans_relative_to_the_snippet_start() {
        let src = b"line one\nKEY=abcdefgh12345678 tail\n";
        let base = 9;
        let out = mask(&src[9..src.len() - 1], base, src, &[Span::new(13, 29)], &[]);
        assert_eq!(out, "KEY=abcd***(16 chars) tail");
    }

    #[test]
    fn maps_offsets_around_and_inside_cuts() {
        let src = b"KEY=abcdefgh12345678 tail";
        let (out, cuts) = mask_mapped(src, 0, src, &[Span::new(4, 20)], &[]);
        assert_eq!(out, "KEY=abcd***(16 chars) tail");
        assert_eq!(map_offset(&cuts, 0, false), 0);
        assert_eq!(map_offset(&cuts, 3, true), 3);
        assert_eq!(map_offset(&cuts, 4, false), 4);
        assert_eq!(map_offset(&cuts, 20, true), 21);
        assert_eq!(map_offset(&cuts, 10, true), 21);
        assert_eq!(&out[map_offset(&cuts, 21, false)..], "tail");
    }

    #[test]
    fn masks_values_in_messages() {
        assert_eq!(
            mask_values("token zzzzyyyyxxxx1234 found", &[b"zzzzyyyyxxxx1234"]),
            "token zzzz***(16 chars) found"
        );
        assert_eq!(mask_values("nothing here", &[b"abc"]), "nothing here");
    }
}
