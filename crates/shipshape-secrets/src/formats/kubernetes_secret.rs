//! Kubernetes `Secret` manifests, YAML or JSON: every value of the `data:` map (base64, decoded
//! here) and of the `stringData:` map (plain text, block scalars included), with the value's
//! exact span and its key. Several documents in one file (`---`) and Secrets inside a `List`
//! are read; other kinds are not.

use std::ops::Range;

use super::{lines, Candidate};
use crate::base64;

/// Leading spaces, counting a `- ` list marker as indentation (`- kind: Secret` is a mapping
/// whose keys sit two columns in).
fn key_indent(line: &[u8]) -> usize {
    let spaces = line.iter().take_while(|b| **b == b' ').count();
    if line[spaces..].starts_with(b"- ") {
        spaces
            + 2
            + line[spaces + 2..]
                .iter()
                .take_while(|b| **b == b' ')
                .count()
    } else {
        spaces
    }
}

fn is_blank_or_comment(line: &[u8]) -> bool {
    let t = line.trim_ascii_start();
    t.is_empty() || t[0] == b'#'
}

/// `key: value` at the start of `line` (after indentation): the key's range and the rest.
fn key_value(line: &[u8], indent: usize) -> Option<(Range<usize>, usize)> {
    let rest = &line[indent..];
    let (key, after) = if let Some(q @ (b'"' | b'\'')) = rest.first().copied() {
        let close = rest[1..].iter().position(|b| *b == q)? + 1;
        (indent + 1..indent + close, indent + close + 1)
    } else {
        let colon = rest.iter().position(|b| *b == b':')?;
        (indent..indent + colon, indent + colon)
    };
    (line.get(after) == Some(&b':')).then_some((key, after + 1))
}

/// The value that follows `key:` on `line` from `at`: its range on the line, or `None` for a
/// block scalar indicator (`|`, `>`) or an empty value.
enum Value {
    Inline(Range<usize>),
    Block,
    None,
}

fn inline_value(line: &[u8], at: usize) -> Value {
    let start = at
        + line[at..]
            .iter()
            .take_while(|b| **b == b' ' || **b == b'\t')
            .count();
    let rest = &line[start..];
    match rest.first() {
        None | Some(b'#') => Value::None,
        Some(b'|' | b'>') => Value::Block,
        Some(q @ (b'"' | b'\'')) => {
            let mut i = 1;
            while i < rest.len() {
                if rest[i] == b'\\' && *q == b'"' {
                    i += 2;
                    continue;
                }
                if rest[i] == *q {
                    return Value::Inline(start + 1..start + i);
                }
                i += 1;
            }
            Value::None
        }
        Some(_) => {
            let end = memchr::memmem::find(rest, b" #").unwrap_or(rest.len());
            let v = rest[..end].trim_ascii_end();
            if v.is_empty() {
                Value::None
            } else {
                Value::Inline(start..start + v.len())
            }
        }
    }
}

struct Line<'a> {
    start: usize,
    text: &'a [u8],
}

/// Whether the mapping that holds the key at `index` (indentation `indent`) has
/// `kind: Secret`.
fn mapping_is_secret(all: &[Line], index: usize, indent: usize) -> bool {
    let is_kind = |l: &Line| {
        let t = l.text;
        key_indent(t) == indent
            && key_value(t, indent).is_some_and(|(k, after)| {
                &t[k] == b"kind"
                    && matches!(inline_value(t, after), Value::Inline(v)
                        if t[v.clone()].eq_ignore_ascii_case(b"Secret"))
            })
    };
    let in_mapping = |l: &Line| {
        is_blank_or_comment(l.text) || {
            let i = key_indent(l.text);
            i > indent || (i == indent && !l.text.trim_ascii_start().starts_with(b"- "))
        }
    };
    // Upwards to the start of the mapping (a list item's `- ` line belongs to it).
    for l in all[..index].iter().rev() {
        if l.text.starts_with(b"---") {
            break;
        }
        if is_kind(l) {
            return true;
        }
        if !in_mapping(l) {
            break;
        }
        if key_indent(l.text) == indent && l.text.trim_ascii_start().starts_with(b"- ") {
            break;
        }
    }
    for l in &all[index + 1..] {
        if l.text.starts_with(b"---") || !in_mapping(l) {
            break;
        }
        if is_kind(l) {
            return true;
        }
    }
    false
}

/// Every value of `data:` (decoded) and `stringData:` in the Secrets of a YAML or JSON text.
pub fn values(hay: &[u8]) -> Vec<Candidate> {
    if hay.trim_ascii_start().first() == Some(&b'{') {
        return json_values(hay);
    }
    let all: Vec<Line> = lines(hay)
        .map(|(start, text)| Line { start, text })
        .collect();
    let mut out = Vec::new();
    for (i, l) in all.iter().enumerate() {
        if is_blank_or_comment(l.text) {
            continue;
        }
        let indent = key_indent(l.text);
        let Some((key, after)) = key_value(l.text, indent) else {
            continue;
        };
        let section = &l.text[key];
        let encoded = match section {
            b"data" => true,
            b"stringData" => false,
            _ => continue,
        };
        if !matches!(inline_value(l.text, after), Value::None)
            || !mapping_is_secret(&all, i, indent)
        {
            continue;
        }
        entries(&all, i, indent, encoded, hay, &mut out);
    }
    out
}

/// The entries of the map whose key is on line `at`.
fn entries(
    all: &[Line],
    at: usize,
    indent: usize,
    encoded: bool,
    hay: &[u8],
    out: &mut Vec<Candidate>,
) {
    let mut child: Option<usize> = None;
    let mut j = at + 1;
    while j < all.len() {
        let l = &all[j];
        if is_blank_or_comment(l.text) {
            j += 1;
            continue;
        }
        let ind = l.text.iter().take_while(|b| **b == b' ').count();
        if ind <= indent || l.text.starts_with(b"---") {
            break;
        }
        let c = *child.get_or_insert(ind);
        if ind != c {
            j += 1;
            continue;
        }
        let Some((key, after)) = key_value(l.text, c) else {
            j += 1;
            continue;
        };
        let name = l.start + key.start..l.start + key.end;
        let whole_start = l.start + c;
        match inline_value(l.text, after) {
            Value::Inline(v) => {
                let secret = l.start + v.start..l.start + v.end;
                out.extend(candidate(
                    hay,
                    secret,
                    name,
                    whole_start..l.start + l.text.len(),
                    encoded,
                ));
                j += 1;
            }
            Value::Block => {
                // Content lines are indented deeper than the key.
                let mut k = j + 1;
                let mut first = None;
                let mut last_end = 0;
                while k < all.len() {
                    let b = &all[k];
                    let bi = b.text.iter().take_while(|x| **x == b' ').count();
                    if !b.text.trim_ascii().is_empty() && bi <= c {
                        break;
                    }
                    if !b.text.trim_ascii().is_empty() {
                        first.get_or_insert(b.start + bi);
                        last_end = b.start + b.text.len();
                    }
                    k += 1;
                }
                if let Some(f) = first {
                    out.extend(candidate(
                        hay,
                        f..last_end,
                        name,
                        whole_start..last_end,
                        encoded,
                    ));
                }
                j = k;
            }
            Value::None => j += 1,
        }
    }
}

fn candidate(
    hay: &[u8],
    secret: Range<usize>,
    name: Range<usize>,
    whole: Range<usize>,
    encoded: bool,
) -> Option<Candidate> {
    let decoded = if encoded {
        let d = base64::decode(&hay[secret.clone()])?;
        if d.is_empty() {
            return None;
        }
        Some(d)
    } else {
        None
    };
    Some(Candidate {
        secret,
        whole,
        name: Some(name),
        decoded,
    })
}

/// A JSON manifest: the string members of `"data"` and `"stringData"` objects of a document
/// whose `"kind"` is `"Secret"`. Nested objects are not followed.
fn json_values(hay: &[u8]) -> Vec<Candidate> {
    let squeezed: Vec<u8> = hay
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if memchr::memmem::find(&squeezed, b"\"kind\":\"Secret\"").is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (section, encoded) in [(&b"\"data\""[..], true), (&b"\"stringData\""[..], false)] {
        for at in memchr::memmem::find_iter(hay, section) {
            let mut i = at + section.len();
            let skip_ws = |i: &mut usize| {
                while *i < hay.len() && hay[*i].is_ascii_whitespace() {
                    *i += 1;
                }
            };
            skip_ws(&mut i);
            if hay.get(i) != Some(&b':') {
                continue;
            }
            i += 1;
            skip_ws(&mut i);
            if hay.get(i) != Some(&b'{') {
                continue;
            }
            i += 1;
            loop {
                skip_ws(&mut i);
                let Some(key) = json_string(hay, i) else {
                    break;
                };
                i = key.end + 1;
                skip_ws(&mut i);
                if hay.get(i) != Some(&b':') {
                    break;
                }
                i += 1;
                skip_ws(&mut i);
                let Some(value) = json_string(hay, i) else {
                    break;
                };
                i = value.end + 1;
                let whole = key.start - 1..value.end + 1;
                out.extend(candidate(hay, value, key, whole, encoded));
                skip_ws(&mut i);
                if hay.get(i) == Some(&b',') {
                    i += 1;
                } else {
                    break;
                }
            }
        }
    }
    out
}

/// The contents of the JSON string opening at `at`.
fn json_string(hay: &[u8], at: usize) -> Option<Range<usize>> {
    if hay.get(at) != Some(&b'"') {
        return None;
    }
    let mut i = at + 1;
    while i < hay.len() {
        match hay[i] {
            b'\\' => i += 2,
            b'"' => return Some(at + 1..i),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, String, Option<String>)> {
        values(text.as_bytes())
            .into_iter()
            .map(|c| {
                (
                    text[c.name.clone().unwrap()].to_string(),
                    text[c.secret].to_string(),
                    c.decoded.map(|d| String::from_utf8_lossy(&d).into_owned()),
                )
            })
            .collect()
    }

    #[test]
    fn data_values_are_decoded_and_string_data_read_as_is() {
        let text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\n  labels:\n    data: not-this\ntype: Opaque\ndata:\n  password: WnE4THAyV241UnQ5\n  \"api.key\": \"azlYbTJRdjc=\"  # quoted\nstringData:\n  config.yaml: |\n    token: abc\n    other: def\n  plain: Zq8Lp2Wn5Rt9\n---\napiVersion: v1\nkind: ConfigMap\ndata:\n  password: WnE4THAyV241UnQ5\n";
        assert_eq!(
            found(text),
            [
                (
                    "password".into(),
                    "WnE4THAyV241UnQ5".into(),
                    Some("Zq8Lp2Wn5Rt9".into())
                ),
                (
                    "api.key".into(),
                    "azlYbTJRdjc=".into(),
                    Some("k9Xm2Qv7".into())
                ),
                (
                    "config.yaml".into(),
                    "token: abc\n    other: def".into(),
                    None
                ),
                ("plain".into(), "Zq8Lp2Wn5Rt9".into(), None),
            ]
        );
    }

    #[test]
    fn kind_may_come_after_data_and_secrets_may_sit_in_a_list() {
        let text = "data:\n  k: WnE4THAyV241UnQ5\nkind: Secret\n";
        assert_eq!(found(text).len(), 1);
        let list = "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Secret\n    data:\n      k: WnE4THAyV241UnQ5\n  - kind: ConfigMap\n    data:\n      k: WnE4THAyV241UnQ5\n";
        assert_eq!(found(list).len(), 1);
    }

    #[test]
    fn json_manifests_are_read_too() {
        let text = r#"{"apiVersion": "v1", "kind": "Secret", "data": {"password": "WnE4THAyV241UnQ5", "user": "Y2k="}}"#;
        let f = found(text);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].2.as_deref(), Some("Zq8Lp2Wn5Rt9"));
    }
}
