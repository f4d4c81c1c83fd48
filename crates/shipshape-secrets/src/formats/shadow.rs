//! `/etc/shadow`: `name:hash:lastchange:min:max:warn:inactive:expire:` a line. Locked and
//! password-less accounts (`*`, `!`, `!!`, `x`, empty) hold no hash; a locked account that kept
//! its hash (`!$6$…`) still leaks it.

use super::{lines, Candidate};

/// Crypt hashes: `$id$…` (MD5, SHA-256/512, bcrypt, yescrypt, …) or 13-character DES.
fn is_crypt_hash(h: &[u8]) -> bool {
    (h.len() >= 20 && h[0] == b'$' && h[1..].contains(&b'$'))
        || (h.len() == 13
            && h.iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'.' || *b == b'/'))
}

/// The hash of every account that has one.
pub fn hashes(hay: &[u8]) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (start, line) in lines(hay) {
        let fields: Vec<&[u8]> = line.split(|b| *b == b':').collect();
        // A shadow entry has nine fields; accept the short forms some images carry.
        if fields.len() < 3 || fields[0].is_empty() {
            continue;
        }
        let field = fields[1];
        let offset = fields[0].len() + 1;
        let (hash, skip) = match field.strip_prefix(b"!") {
            Some(rest) => (rest, 1),
            None => (field, 0),
        };
        if is_crypt_hash(hash) {
            let s = start + offset + skip;
            out.push(Candidate::plain(
                s..s + hash.len(),
                start..start + line.len(),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_found_and_locked_or_empty_accounts_skipped() {
        let text = "root:$6$Zq8Lp2Wn$5Rt9Xv3KzY7mB4nC1dF6gH0jK2lM9pQr:19700:0:99999:7:::\ndaemon:*:19700:0:99999:7:::\nops:!$y$j9T$Zq8Lp2Wn5Rt9$Xv3KzY7mB4nC1dF6gH0jK:19700::::::\nnobody:!!:19700::::::\n";
        let found: Vec<&str> = hashes(text.as_bytes())
            .into_iter()
            .map(|c| &text[c.secret])
            .collect();
        assert_eq!(
            found,
            [
                "$6$Zq8Lp2Wn$5Rt9Xv3KzY7mB4nC1dF6gH0jK2lM9pQr",
                "$y$j9T$Zq8Lp2Wn5Rt9$Xv3KzY7mB4nC1dF6gH0jK"
            ]
        );
    }
}
