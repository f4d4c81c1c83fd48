//! Views across instructions: build stages, `key=value` pairs of `ENV`/`LABEL`/`ARG`, and the
//! substitution of `ARG`/`ENV` variables the way Docker expands them in instruction arguments.

use std::collections::HashMap;

use super::{Dockerfile, Instruction, KeyValue, Keyword, Stage, Word};
use crate::Span;

/// The stages, each with the image it starts from after substituting the global `ARG`s, and
/// the nearest earlier stage that image names.
pub(super) fn stages(df: &Dockerfile, globals: &Vars) -> Vec<Stage> {
    let froms: Vec<usize> = df
        .instructions
        .iter()
        .enumerate()
        .filter(|(_, i)| i.keyword == Keyword::From)
        .map(|(n, _)| n)
        .collect();
    let mut stages: Vec<Stage> = Vec::with_capacity(froms.len());
    for (index, &from) in froms.iter().enumerate() {
        let end = froms
            .get(index + 1)
            .copied()
            .unwrap_or(df.instructions.len());
        let instr = &df.instructions[from];
        let view = instr.from();
        let image = view.as_ref().map(|f| f.image.clone()).unwrap_or_else(|| {
            Word::new(
                "",
                Span::new(instr.keyword_span.end, instr.keyword_span.end),
            )
        });
        let base = substitute(&image.value, globals, 0);
        let parent = stages
            .iter()
            .rev()
            .find(|s| {
                s.alias
                    .as_deref()
                    .is_some_and(|a| a.eq_ignore_ascii_case(&base))
            })
            .map(|s| s.index);
        stages.push(Stage {
            index,
            from,
            instructions: from..end,
            image,
            alias: view.and_then(|f| f.alias).map(|w| w.value),
            base,
            parent,
        });
    }
    stages
}

pub(super) fn key_values(instr: &Instruction) -> Vec<KeyValue> {
    if !matches!(instr.keyword, Keyword::Env | Keyword::Label | Keyword::Arg) {
        return Vec::new();
    }
    let words = instr.words();
    let Some(first) = words.first() else {
        return Vec::new();
    };
    // Legacy `ENV key value with spaces` / `LABEL key value`: one pair, the rest is the value.
    if instr.keyword != Keyword::Arg && !first.value.contains('=') {
        let rest = &words[1..];
        let value = rest
            .iter()
            .map(|w| w.value.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let value_span = match (rest.first(), rest.last()) {
            (Some(a), Some(b)) => Some(a.span.to(b.span)),
            _ => None,
        };
        return vec![KeyValue {
            key: first.value.clone(),
            key_span: first.span,
            value: value_span.map(|_| value),
            value_span,
            span: value_span.map_or(first.span, |v| first.span.to(v)),
        }];
    }
    words.iter().map(pair).collect()
}

/// Splits a `key=value` word. The spans are exact when the key is written without quotes or
/// escapes (the normal case); otherwise both fall back to the whole word.
fn pair(w: &Word) -> KeyValue {
    let Some((key, value)) = w.value.split_once('=') else {
        return KeyValue {
            key: w.value.clone(),
            key_span: w.span,
            value: None,
            value_span: None,
            span: w.span,
        };
    };
    let plain_key = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'/' | b':'));
    let (key_span, value_span) = if plain_key && w.span.len() > key.len() {
        let eq = w.span.start + key.len();
        (Span::new(w.span.start, eq), Span::new(eq + 1, w.span.end))
    } else {
        (w.span, w.span)
    };
    KeyValue {
        key: key.to_string(),
        key_span,
        value: Some(value.to_string()),
        value_span: Some(value_span),
        span: w.span,
    }
}

/// A variable's state: declared with a value, or declared without one (expands to nothing).
pub(super) type Vars = HashMap<String, Option<String>>;

pub(super) fn global_args(df: &Dockerfile) -> Vars {
    let mut vars = Vars::new();
    for instr in df.preamble() {
        if instr.keyword == Keyword::Arg {
            for kv in instr.key_values() {
                let v = kv.value.map(|v| substitute(&v, &vars, 0));
                vars.insert(kv.key, v);
            }
        }
    }
    vars
}

/// The variables visible in each stage: its `ARG`s and `ENV`s, on top of the `ENV`s of the
/// stage it builds on.
pub(super) fn stage_scopes(df: &Dockerfile, stages: &[Stage], globals: &Vars) -> Vec<Vars> {
    let mut envs: Vec<Vars> = Vec::with_capacity(stages.len());
    let mut all: Vec<Vars> = Vec::with_capacity(stages.len());
    for stage in stages {
        let mut env = stage
            .parent
            .and_then(|p| envs.get(p).cloned())
            .unwrap_or_default();
        let mut vars = env.clone();
        for instr in &df.instructions[stage.instructions.clone()] {
            match instr.keyword {
                Keyword::Arg => {
                    for kv in instr.key_values() {
                        let v = match kv.value {
                            Some(v) => Some(substitute(&v, &vars, 0)),
                            None => globals.get(&kv.key).cloned().flatten(),
                        };
                        vars.insert(kv.key, v);
                    }
                }
                Keyword::Env => {
                    for kv in instr.key_values() {
                        let v = Some(substitute(kv.value.as_deref().unwrap_or(""), &vars, 0));
                        env.insert(kv.key.clone(), v.clone());
                        vars.insert(kv.key, v);
                    }
                }
                _ => {}
            }
        }
        envs.push(env);
        all.push(vars);
    }
    all
}

/// Nested defaults (`${A:-${B}}`) are expanded a few levels deep, then left as written.
const MAX_NESTING: usize = 8;

pub(super) fn substitute(value: &str, vars: &Vars, depth: usize) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(inner) = after.strip_prefix('{') {
            let Some(close) = matching_brace(inner) else {
                out.push_str(&rest[i..]);
                return out;
            };
            let expr = &inner[..close];
            match expand_braced(expr, vars, depth) {
                Some(v) => out.push_str(&v),
                None => out.push_str(&rest[i..i + 2 + close + 1]),
            }
            rest = &inner[close + 1..];
        } else {
            let name_len = after
                .char_indices()
                .find(|&(j, c)| {
                    !(c == '_' || c.is_ascii_alphabetic() || (j > 0 && c.is_ascii_digit()))
                })
                .map_or(after.len(), |(j, _)| j);
            let name = &after[..name_len];
            match vars.get(name) {
                Some(v) if !name.is_empty() => out.push_str(v.as_deref().unwrap_or("")),
                _ => out.push_str(&rest[i..i + 1 + name_len]),
            }
            rest = &after[name_len..];
        }
    }
    out.push_str(rest);
    out
}

fn matching_brace(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// `NAME`, `NAME:-word`, `NAME-word`, `NAME:+word`, `NAME+word`; `None` leaves it as written.
fn expand_braced(expr: &str, vars: &Vars, depth: usize) -> Option<String> {
    let name_len = expr
        .char_indices()
        .find(|&(_, c)| !(c == '_' || c.is_ascii_alphanumeric()))
        .map_or(expr.len(), |(j, _)| j);
    let (name, op) = expr.split_at(name_len);
    let state = vars.get(name);
    let set = matches!(state, Some(Some(_)));
    let nonempty = matches!(state, Some(Some(v)) if !v.is_empty());
    let word = |w: &str| {
        if depth < MAX_NESTING {
            substitute(w, vars, depth + 1)
        } else {
            w.to_string()
        }
    };
    if op.is_empty() {
        return state.map(|v| v.clone().unwrap_or_default());
    }
    if let Some(w) = op.strip_prefix(":-") {
        return Some(if nonempty {
            state?.clone().unwrap_or_default()
        } else {
            word(w)
        });
    }
    if let Some(w) = op.strip_prefix(":+") {
        return Some(if nonempty { word(w) } else { String::new() });
    }
    if let Some(w) = op.strip_prefix('-') {
        return Some(if set {
            state?.clone().unwrap_or_default()
        } else {
            word(w)
        });
    }
    if let Some(w) = op.strip_prefix('+') {
        return Some(if set { word(w) } else { String::new() });
    }
    None
}
