//! Git's credential store (`~/.git-credentials`, written by `git credential-store`): one URL a
//! line, `https://user:password@host`, the user name and password percent-encoded.

use super::{lines, Candidate};

/// The password of every stored URL.
pub fn passwords(hay: &[u8]) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (start, line) in lines(hay) {
        let Some(scheme_end) = memchr::memmem::find(line, b"://") else {
            continue;
        };
        let authority_start = scheme_end + 3;
        let authority_end = line[authority_start..]
            .iter()
            .position(|b| *b == b'/' || b.is_ascii_whitespace())
            .map_or(line.len(), |i| authority_start + i);
        let authority = &line[authority_start..authority_end];
        // The last `@` ends the user information (a password may not hold a raw `@`, but be
        // lenient).
        let Some(at) = authority.iter().rposition(|b| *b == b'@') else {
            continue;
        };
        let userinfo = &authority[..at];
        let Some(colon) = userinfo.iter().position(|b| *b == b':') else {
            continue;
        };
        let p = start + authority_start + colon + 1;
        let p_end = start + authority_start + at;
        if p_end > p {
            out.push(Candidate::plain(p..p_end, start..start + line.len()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_of_each_url_is_found() {
        let text = "https://ci:Zq8Lp2Wn5Rt9@git.acme.dev\nhttps://x-access-token:k9%40Xm2@github.com/acme\nhttps://nouser.acme.dev\n";
        let found: Vec<&str> = passwords(text.as_bytes())
            .into_iter()
            .map(|c| &text[c.secret])
            .collect();
        assert_eq!(found, ["Zq8Lp2Wn5Rt9", "k9%40Xm2"]);
    }
}
