//! The identity of a secret inside one run of shipshape: equal for every occurrence of the same
//! value — in any file, blob or commit, plain or base64-encoded — so that occurrences can be
//! grouped into one finding per secret.
//!
//! It is a keyed hash whose key is drawn at random when the process starts and never leaves it.
//! An identity is therefore useless outside the run that made it: it must not be written to a
//! baseline, a report or a log (use the fingerprint for that), and nobody holding one can test
//! guesses of the secret against it.

use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;

/// One secret value, as seen by this process. Compare and hash it; never persist it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SecretId(u128);

impl std::fmt::Debug for SecretId {
    // No digits: an identity is not something to print.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretId(..)")
    }
}

/// Two independently keyed SipHash states, drawn once per process.
fn keys() -> &'static (std::hash::RandomState, std::hash::RandomState) {
    static KEYS: OnceLock<(std::hash::RandomState, std::hash::RandomState)> = OnceLock::new();
    KEYS.get_or_init(|| (std::hash::RandomState::new(), std::hash::RandomState::new()))
}

impl SecretId {
    /// The identity of `secret` (the decoded value when the file holds it encoded).
    pub fn of(secret: &[u8]) -> SecretId {
        let (a, b) = keys();
        let mut h1 = a.build_hasher();
        h1.write(secret);
        let mut h2 = b.build_hasher();
        h2.write(secret);
        SecretId((u128::from(h1.finish()) << 64) | u128::from(h2.finish()))
    }
}

/// Occurrences grouped by secret: for `ids[i]` the identity of occurrence `i` (a finding), the
/// groups of occurrence indices that hold one value, each in the order given, groups in the
/// order of their first occurrence. One group is one secret to rotate, however many files,
/// commits, rules or encodings it appears in.
pub fn group_by_secret(ids: &[SecretId]) -> Vec<Vec<usize>> {
    let mut index: std::collections::HashMap<SecretId, usize> = std::collections::HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let g = *index.entry(*id).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_values_share_an_identity_and_different_ones_do_not() {
        assert_eq!(SecretId::of(b"q8Zw2Lp5"), SecretId::of(b"q8Zw2Lp5"));
        assert_ne!(SecretId::of(b"q8Zw2Lp5"), SecretId::of(b"q8Zw2Lp6"));
        assert_eq!(format!("{:?}", SecretId::of(b"x")), "SecretId(..)");
    }

    #[test]
    fn occurrences_group_by_value_in_order_of_first_appearance() {
        let (a, b) = (SecretId::of(b"first"), SecretId::of(b"second"));
        assert_eq!(
            group_by_secret(&[a, b, a, a, b]),
            [vec![0, 2, 3], vec![1, 4]]
        );
        assert!(group_by_secret(&[]).is_empty());
    }
}
