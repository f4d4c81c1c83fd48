//! PostgreSQL's password file (`.pgpass`, `pgpass.conf`): one
//! `hostname:port:database:username:password` entry a line, `\:` and `\\` escaping the
//! separator, `#` comment lines. The password is everything after the fourth unescaped colon.

use super::{lines, Candidate};

/// The password field of every entry.
pub fn passwords(hay: &[u8]) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (start, line) in lines(hay) {
        if line.first() == Some(&b'#') || line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let mut colons = 0;
        let mut i = 0;
        let mut field_start = None;
        while i < line.len() {
            match line[i] {
                b'\\' => i += 1,
                b':' => {
                    colons += 1;
                    if colons == 4 {
                        field_start = Some(i + 1);
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        if let Some(f) = field_start {
            if f < line.len() {
                out.push(Candidate::plain(
                    start + f..start + line.len(),
                    start..start + line.len(),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fifth_field_is_the_password_escapes_included() {
        let text =
            "# local\ndb.internal:5432:app:app:Zq8\\:Lp2Wn5\n*:*:*:replica:k9Xm2\r\nbroken:line\n";
        let found: Vec<&str> = passwords(text.as_bytes())
            .into_iter()
            .map(|c| &text[c.secret])
            .collect();
        assert_eq!(found, ["Zq8\\:Lp2Wn5", "k9Xm2"]);
    }
}
