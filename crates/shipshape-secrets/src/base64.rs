//! Base64 as secrets are hidden in it: a decoder that accepts the standard and URL-safe
//! alphabets with or without padding, the stable base64 forms of a literal (so the keyword gate
//! can spot `-----BEGIN` as `LS0tLS1CRUdJTi` or `ghp_` as `Z2hwX`), and the run of base64 text
//! around a position, with a map from decoded offsets back to the encoded bytes in the file.

use std::ops::Range;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The 6-bit value of a base64 character of either alphabet.
fn sextet(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// Whether `c` belongs to a base64 text (either alphabet, or padding).
pub fn is_base64_byte(c: u8) -> bool {
    sextet(c).is_some() || c == b'='
}

/// Standard base64 with padding.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decode base64 text, skipping ASCII whitespace and literal `\n` / `\r` escapes (base64 in a
/// JSON string). Padding is optional; a trailing partial sextet is dropped. `None` when a byte
/// is neither base64 nor skippable, or padding appears before the end.
pub fn decode(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 3);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut padded = false;
    let mut i = 0;
    while i < text.len() {
        let c = text[i];
        i += 1;
        if c.is_ascii_whitespace() {
            continue;
        }
        if c == b'\\' && matches!(text.get(i), Some(b'n' | b'r')) {
            i += 1;
            continue;
        }
        if c == b'=' {
            padded = true;
            continue;
        }
        if padded {
            return None;
        }
        let v = sextet(c)?;
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The base64 characters that encode `literal` whatever surrounds it, for each of the three
/// alignments the literal can have inside an encoded text (as the first bytes, after one byte,
/// after two). Characters that also carry bits of the neighbouring bytes are left out; forms
/// shorter than four characters are too common to be useful and are dropped.
pub fn stable_forms(literal: &[u8]) -> Vec<String> {
    let mut forms = Vec::new();
    for lead in 0..3usize {
        let mut padded = vec![0u8; lead];
        padded.extend_from_slice(literal);
        let encoded = encode(&padded);
        let first = (lead * 8).div_ceil(6);
        let last = (padded.len() * 8) / 6;
        if last > first && last - first >= 4 {
            forms.push(encoded[first..last].to_string());
        }
    }
    forms
}

/// A run of base64 text in a file: where it is, and its decoded bytes with, for every decoded
/// byte, the offset in the file of the character that holds its first bit.
#[derive(Debug, Clone)]
pub struct EncodedRun {
    pub span: Range<usize>,
    pub decoded: Vec<u8>,
    origin: Vec<usize>,
}

impl EncodedRun {
    /// The bytes of the file that encode `decoded[range]`.
    pub fn encoded_span(&self, range: Range<usize>) -> Range<usize> {
        if range.start >= self.origin.len() {
            return self.span.clone();
        }
        let start = self.origin[range.start];
        let end = if range.end < self.origin.len() {
            // The character holding the first bit of the next byte may also hold bits of this
            // one; include it.
            self.origin[range.end] + 1
        } else {
            self.span.end
        };
        start..end.min(self.span.end).max(start + 1)
    }
}

/// Longest line of wrapped base64 we follow onto the next line (`base64` wraps at 76,
/// PEM at 64).
const MIN_WRAPPED_LINE: usize = 60;

/// The base64 run around `at` in `hay`, decoded. Runs shorter than `min_len` characters, or
/// that do not decode, give `None`. Wrapped runs (lines of 60 or more characters) are followed
/// across line breaks.
pub fn run_around(
    hay: &[u8],
    at: usize,
    floor: usize,
    min_len: usize,
    max_len: usize,
) -> Option<EncodedRun> {
    let is_b64 = |c: u8| sextet(c).is_some();
    let mut start = at.min(hay.len());
    let limit = at.saturating_sub(max_len).max(floor).min(start);
    while start > limit && is_b64(hay[start - 1]) {
        start -= 1;
    }
    if start > 0 && start == limit && is_b64(hay[start - 1]) {
        // The run goes on further back than is read (a long embedded file, or text already
        // decoded): decode from the match itself, where an encoded token starts. Reading back
        // to the limit instead would end the window before the token, and do it again for
        // every match of a long run.
        start = at.min(hay.len());
    }
    let mut end = at;
    let mut line_len = at - start;
    loop {
        while end < hay.len() && is_b64(hay[end]) && end - start < max_len {
            end += 1;
            line_len += 1;
        }
        // Follow a wrapped line: `\n` or `\r\n` then more base64.
        let mut next = end;
        if hay.get(next) == Some(&b'\r') {
            next += 1;
        }
        if line_len >= MIN_WRAPPED_LINE
            && hay.get(next) == Some(&b'\n')
            && hay.get(next + 1).copied().is_some_and(is_b64)
            && end - start < max_len
        {
            end = next + 1;
            line_len = 0;
            continue;
        }
        break;
    }
    while end < hay.len() && hay[end] == b'=' && end - start < max_len + 2 {
        end += 1;
    }
    if end - start < min_len {
        return None;
    }
    decode_span(hay, start..end)
}

/// Decode the base64 text at `span` of `hay`, keeping the offset map.
pub fn decode_span(hay: &[u8], span: Range<usize>) -> Option<EncodedRun> {
    let mut decoded = Vec::with_capacity(span.len() / 4 * 3 + 3);
    let mut origin = Vec::with_capacity(decoded.capacity());
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    // The file offset of the character holding the first bit of the byte being assembled.
    let mut first_bit_at = span.start;
    let mut i = span.start;
    while i < span.end {
        let c = hay[i];
        if c.is_ascii_whitespace() || c == b'=' {
            i += 1;
            continue;
        }
        if c == b'\\' && matches!(hay.get(i + 1), Some(b'n' | b'r')) {
            i += 2;
            continue;
        }
        let v = sextet(c)?;
        if bits == 0 {
            first_bit_at = i;
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            decoded.push((acc >> bits) as u8);
            origin.push(first_bit_at);
            acc &= (1 << bits) - 1;
            // The remaining bits (if any) of this character start the next byte.
            first_bit_at = i;
        }
        i += 1;
    }
    if decoded.is_empty() {
        return None;
    }
    Some(EncodedRun {
        span,
        decoded,
        origin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_both_alphabets_with_and_without_padding() {
        for text in [
            "",
            "a",
            "ab",
            "abc",
            "abcd",
            "-----BEGIN RSA",
            "\u{ff}\u{fe}?>",
        ] {
            let enc = encode(text.as_bytes());
            assert_eq!(decode(enc.as_bytes()).unwrap(), text.as_bytes(), "{enc}");
            let url = enc.replace('+', "-").replace('/', "_").replace('=', "");
            assert_eq!(decode(url.as_bytes()).unwrap(), text.as_bytes(), "{url}");
        }
        assert_eq!(decode(b"LS0t\nLS0=\n").unwrap(), b"-----");
        assert_eq!(decode(b"LS0t\\nLS0="), Some(b"-----".to_vec()));
        assert!(decode(b"LS0t*").is_none());
    }

    #[test]
    fn the_stable_forms_of_a_pem_header_are_what_kubernetes_secrets_hold() {
        let forms = stable_forms(b"-----BEGIN ");
        assert_eq!(forms[0], "LS0tLS1CRUdJTi");
        // Every form occurs in an encoding of the literal at its alignment.
        for (lead, form) in forms.iter().enumerate() {
            let mut text = b"xy".to_vec()[..lead].to_vec();
            text.extend_from_slice(b"-----BEGIN PRIVATE KEY-----");
            assert!(encode(&text).contains(form.as_str()), "{lead} {form}");
        }
    }

    #[test]
    fn a_run_maps_decoded_bytes_back_to_the_file() {
        let enc = encode(b"TOKEN=abcdef");
        let hay = format!("key: {enc}\n");
        let at = hay.find(&enc).unwrap();
        let run = run_around(hay.as_bytes(), at + 3, 0, 8, 4096).unwrap();
        assert_eq!(run.span, at..at + enc.len());
        assert_eq!(run.decoded, b"TOKEN=abcdef");
        // "abcdef" is decoded bytes 6..12: characters 8..16 of the encoding.
        let s = run.encoded_span(6..12);
        assert_eq!(s, at + 8..at + 16);
    }

    #[test]
    fn in_a_run_longer_than_the_window_the_match_starts_the_decoding() {
        // 300 KiB of base64 before the match: reading back is cut at the window, and the
        // window starts at the match, where the encoded token is, not before it.
        let filler = encode(&vec![0u8; 225 * 1024]);
        let token = encode(b"ghp_abcdefghijklmnopqrstuvwxyz0123456789");
        let hay = format!("{filler}{token}");
        let at = filler.len();
        let run = run_around(hay.as_bytes(), at, 0, 8, 64 * 1024).unwrap();
        assert_eq!(run.span.start, at);
        assert!(run
            .decoded
            .starts_with(b"ghp_abcdefghijklmnopqrstuvwxyz0123456789"));
        // Nor does it read back past text already decoded (`floor`).
        let run = run_around(hay.as_bytes(), at, at - 16, 8, 1 << 20).unwrap();
        assert_eq!(run.span.start, at);
    }

    #[test]
    fn wrapped_runs_are_followed_across_lines() {
        let enc = encode(&[7u8; 120]);
        let wrapped = format!("{}\n{}\n", &enc[..76], &enc[76..]);
        let run = run_around(wrapped.as_bytes(), 0, 0, 8, 1 << 16).unwrap();
        assert_eq!(run.decoded, vec![7u8; 120]);
    }
}
