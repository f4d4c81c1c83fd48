//! Variable interpolation as Compose does it in every value of a compose file: `$VAR`, `${VAR}`,
//! `${VAR:-default}` (unset or empty), `${VAR-default}` (unset), `${VAR:+alt}`, `${VAR+alt}`,
//! `${VAR:?message}`, `${VAR?message}`, and `$$` for a literal `$`. Defaults may nest
//! (`${A:-${B:-x}}`). Variables come from the project's `.env` file, never from the environment
//! of the process running shipshape: an audit must not depend on where it runs.

use std::collections::BTreeMap;

/// The variables interpolation reads: the project's `.env`, later files winning.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Variables {
    values: BTreeMap<String, String>,
}

impl Variables {
    pub fn new() -> Variables {
        Variables::default()
    }

    /// Adds the assignments of a dotenv file (`KEY=value`, `export KEY=value`, quotes, comments);
    /// values already set win (the first file read has precedence, as in Compose, where the
    /// environment beats `.env`).
    pub fn add_dotenv(&mut self, text: &str) {
        for (key, value) in dotenv(text) {
            self.values.entry(key).or_insert(value);
        }
    }

    pub fn set(&mut self, key: &str, value: &str) {
        self.values.insert(key.to_string(), value.to_string());
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    /// Every variable and its value, sorted by name.
    pub fn values_iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// The assignments of a dotenv file, in order. Lines that are not assignments are ignored.
pub fn dotenv(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").map_or(line, str::trim_start);
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            continue;
        }
        let value = value.trim();
        let value = match value.as_bytes().first() {
            Some(&q @ (b'"' | b'\'')) => {
                let inner = &value[1..];
                inner.find(q as char).map_or(inner, |end| &inner[..end])
            }
            // An unquoted value ends at ` #` (an inline comment).
            _ => value.split(" #").next().unwrap_or(value).trim_end(),
        };
        out.push((key.to_string(), value.to_string()));
    }
    out
}

/// A value after interpolation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpolated {
    pub text: String,
    /// Whether a variable without a value or a default was substituted: the text is then not
    /// what Compose would use, only what this project's files say.
    pub unresolved: bool,
}

/// Interpolates `text` with `vars`.
pub fn interpolate(text: &str, vars: &Variables) -> Interpolated {
    let mut unresolved = false;
    let text = substitute(text, vars, &mut unresolved, 0);
    Interpolated { text, unresolved }
}

/// Defaults nest at most this deep; deeper text is kept as written.
const MAX_NESTING: usize = 8;

fn substitute(text: &str, vars: &Variables, unresolved: &mut bool, depth: usize) -> String {
    if !text.contains('$') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(inner) = after.strip_prefix('{') {
            let Some(close) = matching_brace(inner) else {
                out.push_str(&rest[i..]);
                return out;
            };
            out.push_str(&braced(&inner[..close], vars, unresolved, depth));
            rest = &inner[close + 1..];
        } else {
            let len = after
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                .count();
            if len == 0 || after.as_bytes()[0].is_ascii_digit() {
                out.push('$');
                rest = after;
                continue;
            }
            match vars.get(&after[..len]) {
                Some(v) => out.push_str(v),
                None => *unresolved = true,
            }
            rest = &after[len..];
        }
    }
    out.push_str(rest);
    out
}

/// The index of the `}` closing a `${` whose inside starts `inner`.
fn matching_brace(inner: &str) -> Option<usize> {
    let mut depth = 0usize;
    let bytes = inner.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' if i > 0 && bytes[i - 1] == b'$' => depth += 1,
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
    }
    None
}

fn braced(expr: &str, vars: &Variables, unresolved: &mut bool, depth: usize) -> String {
    let name_len = expr
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    let (name, op) = expr.split_at(name_len);
    let value = vars.get(name);
    let nested = |word: &str, unresolved: &mut bool| {
        if depth >= MAX_NESTING {
            word.to_string()
        } else {
            substitute(word, vars, unresolved, depth + 1)
        }
    };
    let (op, word) = match op.as_bytes() {
        [] => ("", ""),
        [b':', b'-' | b'+' | b'?', ..] => op.split_at(2),
        [b'-' | b'+' | b'?', ..] => op.split_at(1),
        // Not an expansion Compose knows: kept as written, and unknown.
        _ => {
            *unresolved = true;
            return format!("${{{expr}}}");
        }
    };
    match op {
        "" => match value {
            Some(v) => v.to_string(),
            None => {
                *unresolved = true;
                String::new()
            }
        },
        ":-" => match value {
            Some(v) if !v.is_empty() => v.to_string(),
            _ => nested(word, unresolved),
        },
        "-" => match value {
            Some(v) => v.to_string(),
            None => nested(word, unresolved),
        },
        ":+" => match value {
            Some(v) if !v.is_empty() => nested(word, unresolved),
            _ => String::new(),
        },
        "+" => match value {
            Some(_) => nested(word, unresolved),
            None => String::new(),
        },
        // `:?` and `?`: Compose stops with the message when the variable is missing, so the value
        // is whatever the user will set: unknown here.
        ":?" => match value {
            Some(v) if !v.is_empty() => v.to_string(),
            _ => {
                *unresolved = true;
                String::new()
            }
        },
        _ => match value {
            Some(v) => v.to_string(),
            None => {
                *unresolved = true;
                String::new()
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Variables {
        let mut v = Variables::new();
        for (k, val) in pairs {
            v.set(k, val);
        }
        v
    }

    fn resolved(text: &str, v: &Variables) -> (String, bool) {
        let i = interpolate(text, v);
        (i.text, i.unresolved)
    }

    #[test]
    fn defaults_apply_as_compose_applies_them() {
        let v = vars(&[("SET", "x"), ("EMPTY", "")]);
        assert_eq!(resolved("${UNSET:-d}", &v), ("d".into(), false));
        assert_eq!(resolved("${EMPTY:-d}", &v), ("d".into(), false));
        assert_eq!(resolved("${EMPTY-d}", &v), ("".into(), false));
        assert_eq!(resolved("${UNSET-d}", &v), ("d".into(), false));
        assert_eq!(resolved("${SET:+alt}", &v), ("alt".into(), false));
        assert_eq!(resolved("${UNSET:+alt}", &v), ("".into(), false));
        assert_eq!(resolved("$SET/${SET}", &v), ("x/x".into(), false));
    }

    #[test]
    fn nested_defaults_and_escapes() {
        let v = vars(&[("B", "b")]);
        assert_eq!(resolved("${A:-${B:-x}}", &v), ("b".into(), false));
        assert_eq!(
            resolved("${A:-${C:-127.0.0.1:5432}}:5432", &v).0,
            "127.0.0.1:5432:5432"
        );
        assert_eq!(
            resolved("$$HOME and $${X}", &v),
            ("$HOME and ${X}".into(), false)
        );
    }

    #[test]
    fn missing_values_are_marked_unresolved() {
        let v = Variables::new();
        assert_eq!(resolved("${TAG}", &v), ("".into(), true));
        assert_eq!(resolved("app:$TAG", &v), ("app:".into(), true));
        assert_eq!(resolved("${PASSWORD:?set it}", &v), ("".into(), true));
        assert_eq!(resolved("plain", &v), ("plain".into(), false));
    }

    #[test]
    fn reads_dotenv_files() {
        let env =
            "# comment\nexport A=1\nB=\"two words\"\nC='x' \nD=val # note\nnot an assignment\n";
        assert_eq!(
            dotenv(env),
            [
                ("A".into(), "1".into()),
                ("B".into(), "two words".into()),
                ("C".into(), "x".into()),
                ("D".into(), "val".into()),
            ]
        );
    }
}
