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

/// 64-bit FNV-1a over the parts, each followed by a NUL: small, stable across platforms and
/// releases.
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for &b in p.iter().chain(std::iter::once(&0u8)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Collapse runs of white space to one space and trim.
pub fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The fingerprint of a finding of `rule_id` in `path` whose (already redacted) snippet is
/// `snippet` and whose flagged text is `token` (empty when the finding masks a secret).
pub fn fingerprint(rule_id: &str, path: &str, snippet: &str, token: &str) -> String {
    let version = VERSION.to_string();
    let h = fnv1a(&[
        version.as_bytes(),
        rule_id.as_bytes(),
        path.as_bytes(),
        normalise(snippet).as_bytes(),
        normalise(token).as_bytes(),
    ]);
    format!("{h:016x}")
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
}
