//! `.netrc` (and `_netrc`): whitespace-separated tokens over any number of lines —
//! `machine HOST login USER password PASS`, `default`, `account`, and `macdef NAME` whose
//! macro body runs to the next empty line. A password may be quoted (`"p a s s"`, curl's
//! extension). `#` starts a comment at the start of a token.
//!
//! ```text
//! machine api.acme.dev
//!     login ci
//!     password Zq8Lp2Wn5Rt9
//! ```

use super::Candidate;

struct Token {
    start: usize,
    end: usize,
}

fn tokens(hay: &[u8]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut after_macdef = false;
    while i < hay.len() {
        let c = hay[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'#' {
            i = memchr::memchr(b'\n', &hay[i..]).map_or(hay.len(), |n| i + n);
            continue;
        }
        let start = i;
        if c == b'"' {
            i += 1;
            while i < hay.len() && hay[i] != b'"' && hay[i] != b'\n' {
                i += if hay[i] == b'\\' { 2 } else { 1 };
            }
            let end = i.min(hay.len());
            out.push(Token {
                start: start + 1,
                end,
            });
            i = end + 1;
        } else {
            while i < hay.len() && !hay[i].is_ascii_whitespace() {
                i += 1;
            }
            out.push(Token { start, end: i });
        }
        let word = &hay[out.last().map_or(0, |t| t.start)..out.last().map_or(0, |t| t.end)];
        if after_macdef {
            // The macro's name; its body runs to the first empty line.
            after_macdef = false;
            let body_end = memchr::memmem::find(&hay[i..], b"\n\n").map_or(hay.len(), |n| i + n);
            i = body_end;
            continue;
        }
        after_macdef = word == b"macdef";
    }
    out
}

/// The password of every machine (or default) entry.
pub fn passwords(hay: &[u8]) -> Vec<Candidate> {
    let toks = tokens(hay);
    let mut out = Vec::new();
    let mut entry_start = 0;
    for (i, t) in toks.iter().enumerate() {
        let word = &hay[t.start..t.end];
        if word == b"machine" || word == b"default" {
            entry_start = t.start;
        }
        if (word == b"password" || word == b"passwd") && i + 1 < toks.len() {
            let value = &toks[i + 1];
            if value.end > value.start {
                out.push(Candidate::plain(
                    value.start..value.end,
                    entry_start.min(t.start)..value.end,
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        passwords(text.as_bytes())
            .into_iter()
            .map(|c| &text[c.secret])
            .collect()
    }

    #[test]
    fn reads_machine_blocks_over_several_lines() {
        let text = "machine a.acme.dev\n  login ci\n  password Zq8Lp2Wn5Rt9\n\nmachine b login x password 'k3y'\ndefault login anon password \"p a s s\"\n";
        assert_eq!(found(text), ["Zq8Lp2Wn5Rt9", "'k3y'", "p a s s"]);
    }

    #[test]
    fn macro_bodies_and_comments_hold_no_passwords() {
        let text = "# password in-a-comment\nmacdef init\npassword notatoken\ncd /pub\n\nmachine h login u password Zq8Lp2Wn\n";
        assert_eq!(found(text), ["Zq8Lp2Wn"]);
    }
}
