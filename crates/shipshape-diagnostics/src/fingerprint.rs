//! The versioned fingerprint: a finding's identity for baselines and code scanning, stable when
//! the finding moves to another line. It hashes the rule, the path and the *redacted*,
//! whitespace-normalised source line (plus the flagged token for findings that hold no secret),
//! so a baseline or a SARIF file never lets anyone confirm a guessed secret offline: it carries
//! no more of a secret than the redacted snippet shows (a short prefix and the length).
//!
//! Trade-off (documented in the README): a rotated secret with the same prefix and length on an
//! otherwise identical line keeps its fingerprint, so a baseline that accepted the old value
//! accepts the new one. Baselines are for accepting known debt; rotate and remove secrets.

/// Version of the scheme; part of every hash and of SARIF's `partialFingerprints` key.
pub const VERSION: u32 = 2;

/// [`VERSION`] as hashed (a test holds them together).
const VERSION_TEXT: &str = "2";

/// The `partialFingerprints` key in SARIF output.
pub const SARIF_KEY: &str = "shipshapeFingerprint/v2";

/// 64-bit FNV-1a: small, stable across platforms and releases.
struct Fnv1a(u64);

impl Fnv1a {
    fn new() -> Fnv1a {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }

    fn bytes(&mut self, bytes: &[u8]) {
        self.0 = fnv1a(self.0, bytes);
    }

    /// One part of the identity, followed by a NUL.
    fn part(&mut self, bytes: &[u8]) {
        self.bytes(bytes);
        self.bytes(&[0]);
    }

    /// `text` as [`normalise`] would give it, hashed without building it: a fingerprint is
    /// computed for every finding.
    fn normalised_part(&mut self, text: &str) {
        if text.is_ascii() {
            // Nearly every snippet: white space is then these six bytes (what `char::is_whitespace`
            // says of ASCII), read byte by byte instead of decoded character by character. No
            // byte above the space is one, so most bytes take one comparison. A word is hashed
            // as it is read: words are short, so per-word work (finding its end first) costs
            // more than per-byte work.
            let is_space =
                |b: u8| b <= b' ' && matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
            let bytes = text.as_bytes();
            let (mut h, mut i) = (self.0, 0);
            let mut first = true;
            loop {
                while i < bytes.len() && is_space(bytes[i]) {
                    i += 1;
                }
                if i == bytes.len() {
                    break;
                }
                if !first {
                    h = fnv1a_byte(h, b' ');
                }
                first = false;
                while i < bytes.len() && !is_space(bytes[i]) {
                    h = fnv1a_byte(h, bytes[i]);
                    i += 1;
                }
            }
            self.0 = h;
        } else {
            for (i, word) in text.split_whitespace().enumerate() {
                if i > 0 {
                    self.bytes(b" ");
                }
                self.bytes(word.as_bytes());
            }
        }
        self.bytes(&[0]);
    }
}

/// FNV-1a of one byte continuing from `h`.
#[inline(always)]
fn fnv1a_byte(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
}

/// FNV-1a of `bytes` continuing from `h`. Four bytes a round: the multiplications chain
/// anyway, and the loop's own counting and branching is shared by four.
#[inline]
fn fnv1a(mut h: u64, bytes: &[u8]) -> u64 {
    let (quads, rest) = bytes.as_chunks::<4>();
    for quad in quads {
        for &b in quad {
            h = fnv1a_byte(h, b);
        }
    }
    for &b in rest {
        h = fnv1a_byte(h, b);
    }
    h
}

/// Collapse runs of white space to one space and trim.
pub fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The fingerprint of a finding of `rule_id` in `path` whose (already redacted) snippet is
/// `snippet` and whose flagged text is `token` (empty when the finding masks a secret): FNV-1a
/// over the scheme version, the rule, the path, and the normalised snippet and token, each
/// followed by a NUL.
pub fn fingerprint(rule_id: &str, path: &str, snippet: &str, token: &str) -> Fingerprint {
    fingerprint_after(prefix(rule_id, path), snippet, token)
}

/// The hash of the parts of a [`fingerprint`] that every finding of `rule_id` in `path`
/// shares, to be finished by [`fingerprint_after`]: a file's findings are mostly of a few
/// rules, and the path is most of the bytes hashed.
pub(crate) fn prefix(rule_id: &str, path: &str) -> u64 {
    let mut h = Fnv1a::new();
    h.part(VERSION_TEXT.as_bytes());
    h.part(rule_id.as_bytes());
    h.part(path.as_bytes());
    h.0
}

/// The [`fingerprint`] whose rule and path hash to `prefix`.
pub(crate) fn fingerprint_after(prefix: u64, snippet: &str, token: &str) -> Fingerprint {
    let mut h = Fnv1a(prefix);
    h.normalised_part(snippet);
    h.normalised_part(token);
    Fingerprint::of_hash(h.0)
}

/// A fingerprint as it is written: 16 lower-case hex digits, held inline (a report holds one
/// per finding, hundreds of thousands). It compares, hashes, prints and serialises as that text.
/// Text longer than 16 bytes is cut; the empty fingerprint is all NUL.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint([u8; 16]);

impl Fingerprint {
    /// The hex digits of a 64-bit hash.
    pub fn of_hash(hash: u64) -> Fingerprint {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 16];
        for (i, b) in out.iter_mut().enumerate() {
            *b = HEX[((hash >> (60 - 4 * i)) & 0xf) as usize];
        }
        Fingerprint(out)
    }

    pub fn as_str(&self) -> &str {
        let len = self.0.iter().position(|b| *b == 0).unwrap_or(16);
        std::str::from_utf8(&self.0[..len]).unwrap_or_default()
    }
}

impl From<&str> for Fingerprint {
    fn from(s: &str) -> Fingerprint {
        let mut len = s.len().min(16);
        while !s.is_char_boundary(len) {
            len -= 1;
        }
        let mut out = [0u8; 16];
        out[..len].copy_from_slice(&s.as_bytes()[..len]);
        Fingerprint(out)
    }
}

impl std::ops::Deref for Fingerprint {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for Fingerprint {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Fingerprint {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl serde::Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Fingerprint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Fingerprint, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Ok(Fingerprint::from(s.as_ref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hashed_version_is_the_version() {
        assert_eq!(VERSION_TEXT, VERSION.to_string());
    }

    proptest::proptest! {
        /// Hashing a text as normalised hashes `normalise(text)`, ASCII or not, whatever its
        /// white space (vertical tab and form feed included).
        #[test]
        fn a_normalised_part_hashes_the_normalised_text(
            text in "[ \t\n\x0b\x0c\r\x1fa-c]{0,12}|(?s).{0,12}"
        ) {
            let mut fast = Fnv1a::new();
            fast.normalised_part(&text);
            let mut plain = Fnv1a::new();
            plain.part(normalise(&text).as_bytes());
            proptest::prop_assert_eq!(fast.0, plain.0, "{:?}", text);
        }
    }

    #[test]
    fn a_fingerprint_is_its_sixteen_hex_digits() {
        let f = Fingerprint::of_hash(0x0123_4567_89ab_cdef);
        assert_eq!(f.as_str(), "0123456789abcdef");
        assert_eq!(f.as_str(), format!("{:016x}", 0x0123_4567_89ab_cdef_u64));
        assert_eq!(Fingerprint::from("abc").as_str(), "abc");
        assert_eq!(Fingerprint::default().as_str(), "");
        assert_eq!(serde_json::to_string(&f).unwrap(), "\"0123456789abcdef\"");
        let back: Fingerprint = serde_json::from_str("\"0123456789abcdef\"").unwrap();
        assert_eq!(back, f);
    }

    #[test]
    fn ignores_white_space_and_differs_by_rule_path_and_content() {
        let a = fingerprint("SS-X-001", "Dockerfile", "USER  root", "root");
        assert_eq!(
            a,
            fingerprint("SS-X-001", "Dockerfile", " USER root ", "root")
        );
        assert_ne!(
            a,
            fingerprint("SS-X-002", "Dockerfile", "USER root", "root")
        );
        assert_ne!(
            a,
            fingerprint("SS-X-001", "api/Dockerfile", "USER root", "root")
        );
        assert_ne!(
            a,
            fingerprint("SS-X-001", "Dockerfile", "USER admin", "admin")
        );
        assert_eq!(a.len(), 16);
    }

    #[test]
    fn the_scheme_is_stable_across_releases() {
        // Baselines and code-scanning alerts written by earlier releases hold these values.
        assert_eq!(
            fingerprint("SS-DOCKER-002", "Dockerfile", "USER  root", "root"),
            "af7c4e8c2af38f66"
        );
    }
}
