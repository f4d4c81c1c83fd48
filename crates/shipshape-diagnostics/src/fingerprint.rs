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

/// The `partialFingerprints` key in SARIF output.
pub const SARIF_KEY: &str = "shipshapeFingerprint/v2";

/// 64-bit FNV-1a: small, stable across platforms and releases.
struct Fnv1a(u64);

impl Fnv1a {
    fn new() -> Fnv1a {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// One part of the identity, followed by a NUL.
    fn part(&mut self, bytes: &[u8]) {
        self.bytes(bytes);
        self.bytes(&[0]);
    }

    /// `text` as [`normalise`] would give it, hashed without building it: a fingerprint is
    /// computed for every finding.
    fn normalised_part(&mut self, text: &str) {
        for (i, word) in text.split_whitespace().enumerate() {
            if i > 0 {
                self.bytes(b" ");
            }
            self.bytes(word.as_bytes());
        }
        self.bytes(&[0]);
    }
}

/// Collapse runs of white space to one space and trim.
pub fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The fingerprint of a finding of `rule_id` in `path` whose (already redacted) snippet is
/// `snippet` and whose flagged text is `token` (empty when the finding masks a secret): FNV-1a
/// over the scheme version, the rule, the path, and the normalised snippet and token, each
/// followed by a NUL.
pub fn fingerprint(rule_id: &str, path: &str, snippet: &str, token: &str) -> String {
    let mut h = Fnv1a::new();
    h.part(VERSION.to_string().as_bytes());
    h.part(rule_id.as_bytes());
    h.part(path.as_bytes());
    h.normalised_part(snippet);
    h.normalised_part(token);
    format!("{:016x}", h.0)
}

#[cfg(test)]
mod tests {
    use super::*;

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
