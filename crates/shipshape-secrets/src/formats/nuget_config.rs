//! `NuGet.Config`: package source credentials as XML attributes,
//! `<packageSourceCredentials><Feed><add key="ClearTextPassword" value="…"/>`. The `Password`
//! key holds a DPAPI-encrypted value bound to one Windows account and is left alone. A file that
//! is not well-formed XML is still searched for the `add` element.

use super::Candidate;

const KEY: &str = "ClearTextPassword";

/// The `value` of every `ClearTextPassword` entry.
pub fn passwords(hay: &[u8]) -> Vec<Candidate> {
    let Ok(text) = std::str::from_utf8(hay) else {
        return fallback(hay);
    };
    let Ok(doc) = roxmltree::Document::parse(text) else {
        return fallback(hay);
    };
    doc.descendants()
        .filter(|n| n.is_element() && n.tag_name().name().eq_ignore_ascii_case("add"))
        .filter(|n| {
            n.attribute("key")
                .is_some_and(|k| k.eq_ignore_ascii_case(KEY))
        })
        .filter_map(|n| {
            let value = n.attribute_node("value")?;
            let r = value.range_value();
            (!r.is_empty()).then(|| Candidate::plain(r, n.range()))
        })
        .collect()
}

/// `key="ClearTextPassword" value="…"` in text that does not parse as XML.
fn fallback(hay: &[u8]) -> Vec<Candidate> {
    let mut out = Vec::new();
    let needle = format!("\"{KEY}\"");
    let lower = hay.to_ascii_lowercase();
    let needle_lower = needle.to_ascii_lowercase();
    for at in memchr::memmem::find_iter(&lower, needle_lower.as_bytes()) {
        let rest = &hay[at + needle.len()..];
        let line_end = memchr::memchr(b'>', rest).unwrap_or(rest.len());
        let rest = &rest[..line_end];
        let Some(v) = memchr::memmem::find(rest, b"value=\"") else {
            continue;
        };
        let s = at + needle.len() + v + 7;
        let Some(len) = memchr::memchr(b'"', &hay[s..]) else {
            continue;
        };
        if len > 0 {
            let start = memchr::memrchr(b'<', &hay[..at]).unwrap_or(at);
            out.push(Candidate::plain(s..s + len, start..s + len + 1));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="acme" value="https://nuget.acme.dev/v3/index.json" />
  </packageSources>
  <packageSourceCredentials>
    <acme>
      <add key="Username" value="ci" />
      <add key="ClearTextPassword" value="Zq8Lp2Wn5Rt9Xv3K" />
    </acme>
  </packageSourceCredentials>
</configuration>
"#;

    #[test]
    fn the_clear_text_password_attribute_is_found_exactly() {
        let found = passwords(CONFIG.as_bytes());
        assert_eq!(found.len(), 1);
        assert_eq!(&CONFIG[found[0].secret.clone()], "Zq8Lp2Wn5Rt9Xv3K");
    }

    #[test]
    fn a_file_that_is_not_xml_is_still_searched() {
        let broken = CONFIG.replace("</configuration>", "");
        let found = passwords(broken.as_bytes());
        assert_eq!(found.len(), 1);
        assert_eq!(&broken[found[0].secret.clone()], "Zq8Lp2Wn5Rt9Xv3K");
    }
}
