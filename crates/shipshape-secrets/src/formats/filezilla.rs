//! FileZilla's saved sites (`sitemanager.xml`, `recentservers.xml`): `<Server>` elements whose
//! `<Pass>` holds the password, in base64 (`encoding="base64"`, FileZilla 3.26 and later) or in
//! plain text (older versions). Passwords protected by a master password
//! (`encoding="crypt"`) are left alone.

use super::Candidate;
use crate::base64;

/// The password of every saved server.
pub fn passwords(hay: &[u8]) -> Vec<Candidate> {
    let Ok(text) = std::str::from_utf8(hay) else {
        return Vec::new();
    };
    let Ok(doc) = roxmltree::Document::parse(text) else {
        return Vec::new();
    };
    if !doc
        .root_element()
        .tag_name()
        .name()
        .eq_ignore_ascii_case("FileZilla3")
    {
        return Vec::new();
    }
    let mut out = Vec::new();
    for pass in doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "Pass")
    {
        let encoding = pass.attribute("encoding").unwrap_or("plain");
        let Some(value) = pass.first_child().filter(|c| c.is_text()) else {
            continue;
        };
        let r = value.range();
        let raw = &hay[r.clone()];
        let trimmed_start = raw.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let trimmed_end = raw
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        if trimmed_start + trimmed_end >= raw.len() {
            continue;
        }
        let secret = r.start + trimmed_start..r.end - trimmed_end;
        let whole = pass.parent().map_or(pass.range(), |s| s.range());
        match encoding {
            "base64" => {
                let Some(decoded) = base64::decode(&hay[secret.clone()]) else {
                    continue;
                };
                out.push(Candidate {
                    secret,
                    whole,
                    name: None,
                    decoded: Some(decoded),
                });
            }
            "crypt" => {}
            _ => out.push(Candidate::plain(secret, whole)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_and_plain_passwords_are_found_and_decoded() {
        let enc = base64::encode(b"Zq8Lp2Wn5Rt9");
        let text = format!(
            "<?xml version=\"1.0\"?>\n<FileZilla3 version=\"3.66.4\">\n<Servers>\n<Server><Host>ftp.acme.dev</Host><User>ci</User><Pass encoding=\"base64\">{enc}</Pass></Server>\n<Server><Host>old</Host><Pass>k9Xm2Qv7</Pass></Server>\n<Server><Host>locked</Host><Pass encoding=\"crypt\">AAAA</Pass></Server>\n</Servers>\n</FileZilla3>\n"
        );
        let found = passwords(text.as_bytes());
        assert_eq!(found.len(), 2);
        assert_eq!(&text[found[0].secret.clone()], enc);
        assert_eq!(found[0].decoded.as_deref(), Some(&b"Zq8Lp2Wn5Rt9"[..]));
        assert_eq!(&text[found[1].secret.clone()], "k9Xm2Qv7");
    }

    #[test]
    fn other_xml_is_not_filezilla() {
        assert!(passwords(b"<config><Pass>Zq8Lp2Wn5Rt9</Pass></config>").is_empty());
    }
}
