//! Apache's `.htpasswd`: `user:hash` a line, the hash being APR1-MD5 (`$apr1$`), bcrypt
//! (`$2y$`), SHA-1 (`{SHA}`), SHA-256/512 crypt (`$5$`, `$6$`), DES crypt (13 characters) or,
//! on some platforms, the password itself. A hash is not the password, but it is cracked offline
//! at leisure: a committed `.htpasswd` is a credential leak.

use super::{lines, Candidate};

/// The hash (or plain password) of every entry.
pub fn hashes(hay: &[u8]) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (start, line) in lines(hay) {
        if line.first() == Some(&b'#') {
            continue;
        }
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            continue;
        };
        let user = &line[..colon];
        let hash = &line[colon + 1..];
        // Some tools append `:comment` fields; the hash ends at the next colon unless it is a
        // crypt hash (which holds none).
        let hash_len = hash.iter().position(|b| *b == b':').unwrap_or(hash.len());
        if user.is_empty() || hash_len == 0 || user.iter().any(u8::is_ascii_whitespace) {
            continue;
        }
        let h = start + colon + 1;
        out.push(Candidate::plain(h..h + hash_len, start..start + line.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_user_gives_its_hash() {
        let text = "admin:$apr1$Zq8Lp2Wn$5Rt9Xv3KzY7mB4nC1dF6g.\n# old\nops:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n";
        let found: Vec<&str> = hashes(text.as_bytes())
            .into_iter()
            .map(|c| &text[c.secret])
            .collect();
        assert_eq!(
            found,
            [
                "$apr1$Zq8Lp2Wn$5Rt9Xv3KzY7mB4nC1dF6g.",
                "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g="
            ]
        );
    }
}
