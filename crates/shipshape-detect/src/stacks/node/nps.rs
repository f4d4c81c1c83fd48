//! nps (package-scripts): a package whose `start` is `nps` keeps its scripts in
//! `package-scripts.js` (or `.json`), under `scripts`, as strings, `{ script: "…" }` objects,
//! nested names (`db.migrate`), `default` entries and nps-utils helpers (`series(…)`,
//! `rimraf(…)`, `crossEnv(…)`). The file is read as data, never run: a value built by code
//! (a local function, a variable, a template with `${…}`) is known to exist but not what it runs.

use std::collections::BTreeMap;
use std::sync::Arc;

use shipshape_core::Evidence;

use crate::ctx::Ctx;

/// The scripts of a package-scripts file, by dotted name (`build`, `db.migrate`); `None` when
/// the value is built by code.
pub(super) struct NpsScripts {
    path: String,
    text: Arc<str>,
    scripts: BTreeMap<String, (Option<String>, usize)>,
}

/// Keys of a script object that describe the script rather than name one.
const META_KEYS: &[&str] = &["description", "hiddenFromHelp", "silent"];

impl NpsScripts {
    /// The first package-scripts file of the folder that declares scripts.
    pub(super) fn load(ctx: &Ctx, dir: &str) -> Option<NpsScripts> {
        [
            "package-scripts.js",
            "package-scripts.cjs",
            "package-scripts.json",
        ]
        .iter()
        .find_map(|name| {
            let path = Ctx::join(dir, name);
            let text = ctx.code(&path)?;
            let scripts = read(&text)?;
            Some(NpsScripts {
                path,
                text,
                scripts,
            })
        })
    }

    /// What `nps NAME` runs, with where it is declared: `Some((None, …))` when the script
    /// exists but is built by code. Names are dotted; `nps` alone runs `default`.
    pub(super) fn script(&self, name: &str) -> Option<(Option<&str>, Evidence)> {
        let (cmd, at) = self.scripts.get(name)?;
        let ev = Evidence::at_offset(
            &self.path,
            &self.text,
            *at,
            format!("{} > scripts > {name}", self.file_name()),
        );
        Some((cmd.as_deref(), ev))
    }

    pub(super) fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token<'t> {
    /// A string literal's content (a template literal only without `${`), with its offset.
    Str(String, usize),
    /// A template literal with substitutions: a value built by code.
    Template,
    Word(&'t str, usize),
    Punct(char),
}

/// JavaScript tokens, comments skipped (they are blanked already, but a JSON file keeps its
/// own text).
fn tokens(text: &str) -> Vec<Token<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |e| i + 2 + e + 2);
            }
            b'"' | b'\'' | b'`' => {
                let start = i;
                let mut s = String::new();
                let mut substituted = false;
                i += 1;
                while i < bytes.len() && bytes[i] != c {
                    if bytes[i] == b'\\' && i + 1 < bytes.len() {
                        i += 1;
                    } else if c == b'`' && bytes[i] == b'$' && bytes.get(i + 1) == Some(&b'{') {
                        substituted = true;
                    }
                    let ch = text[i..].chars().next().unwrap_or(' ');
                    s.push(ch);
                    i += ch.len_utf8();
                }
                i += 1;
                out.push(if substituted {
                    Token::Template
                } else {
                    Token::Str(s, start)
                });
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' => {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'$')
                {
                    i += 1;
                }
                out.push(Token::Word(&text[start..i], start));
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                let ch = text[i..].chars().next().unwrap_or(' ');
                out.push(Token::Punct(ch));
                i += ch.len_utf8();
            }
        }
    }
    out
}

/// A value of the scripts object, as far as it can be known without running code.
#[derive(Debug, PartialEq)]
enum Value {
    Str(String, usize),
    Object(Vec<(String, usize, Value)>),
    /// Built by code: a variable, an unknown call, an array, a computed template.
    Code(usize),
}

struct Parser<'t> {
    tokens: Vec<Token<'t>>,
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token<'_>> {
        self.tokens.get(self.at)
    }

    fn punct(&self, c: char) -> bool {
        self.peek() == Some(&Token::Punct(c))
    }

    /// Skip to the end of the current value: the `,` or closing bracket at this depth.
    fn skip_value(&mut self) {
        let mut depth = 0usize;
        while let Some(t) = self.peek() {
            match t {
                Token::Punct('(' | '[' | '{') => depth += 1,
                Token::Punct(')' | ']' | '}') if depth == 0 => return,
                Token::Punct(')' | ']' | '}') => depth -= 1,
                Token::Punct(',') if depth == 0 => return,
                _ => {}
            }
            self.at += 1;
        }
    }

    fn value(&mut self, offset: usize) -> Value {
        match self.peek().cloned() {
            Some(Token::Str(s, at)) => {
                self.at += 1;
                if self.punct(',') || self.punct('}') || self.punct(')') {
                    Value::Str(s, at)
                } else {
                    self.skip_value();
                    Value::Code(at)
                }
            }
            Some(Token::Punct('{')) => {
                self.at += 1;
                let mut entries = Vec::new();
                while let Some(t) = self.peek().cloned() {
                    let (key, at) = match t {
                        Token::Punct('}') => {
                            self.at += 1;
                            break;
                        }
                        Token::Punct(',') => {
                            self.at += 1;
                            continue;
                        }
                        Token::Word(w, at) => (w.to_string(), at),
                        Token::Str(s, at) => (s, at),
                        _ => {
                            self.skip_value();
                            continue;
                        }
                    };
                    self.at += 1;
                    if !self.punct(':') {
                        // Shorthand (`{ build }`) or a method: built by code.
                        self.skip_value();
                        entries.push((key, at, Value::Code(at)));
                        continue;
                    }
                    self.at += 1;
                    let value_at = match self.peek() {
                        Some(Token::Str(_, a)) => *a,
                        _ => at,
                    };
                    let v = self.value(value_at);
                    entries.push((key, at, v));
                }
                Value::Object(entries)
            }
            Some(Token::Word(name, _)) => {
                // `series(…)`, `series.nps(…)`, `rimraf(…)`, `crossEnv(…)`.
                let mut callee = name.to_string();
                self.at += 1;
                while self.punct('.') {
                    if let Some(Token::Word(w, _)) = self.tokens.get(self.at + 1) {
                        callee.push('.');
                        callee.push_str(w);
                        self.at += 2;
                    } else {
                        break;
                    }
                }
                if !self.punct('(') {
                    self.skip_value();
                    return Value::Code(offset);
                }
                self.at += 1;
                let mut args = Vec::new();
                let mut known = true;
                while let Some(t) = self.peek().cloned() {
                    match t {
                        Token::Punct(')') => {
                            self.at += 1;
                            break;
                        }
                        Token::Punct(',') => self.at += 1,
                        _ => match self.value(offset) {
                            Value::Str(s, _) => args.push(s),
                            _ => known = false,
                        },
                    }
                }
                let at = offset;
                let cmd = known.then(|| helper(&callee, &args)).flatten();
                match cmd {
                    Some(c) if self.punct(',') || self.punct('}') || self.punct(')') => {
                        Value::Str(c, at)
                    }
                    _ => {
                        self.skip_value();
                        Value::Code(at)
                    }
                }
            }
            _ => {
                self.skip_value();
                Value::Code(offset)
            }
        }
    }
}

/// The command an nps-utils helper call makes.
fn helper(callee: &str, args: &[String]) -> Option<String> {
    let joined = |prefix: &str| {
        args.iter()
            .map(|a| format!("{prefix}{a}"))
            .collect::<Vec<_>>()
            .join(" && ")
    };
    match callee {
        "series" | "utils.series" | "npsUtils.series" => Some(joined("")),
        "series.nps" | "utils.series.nps" | "npsUtils.series.nps" => Some(joined("nps ")),
        "rimraf" | "utils.rimraf" | "npsUtils.rimraf" => Some(format!("rimraf {}", args.join(" "))),
        "crossEnv" | "utils.crossEnv" | "npsUtils.crossEnv" => {
            Some(format!("cross-env {}", args.join(" ")))
        }
        _ => None,
    }
}

/// The scripts object of a package-scripts file, flattened to dotted names.
fn read(text: &str) -> Option<BTreeMap<String, (Option<String>, usize)>> {
    let tokens = tokens(text);
    // `scripts: {` (or `"scripts": {`) where it opens an object.
    let start = tokens.windows(3).position(|w| {
        matches!(&w[0], Token::Word("scripts", _)) || matches!(&w[0], Token::Str(s, _) if s == "scripts")
    } && w[1] == Token::Punct(':')
        && w[2] == Token::Punct('{'))?;
    let mut parser = Parser {
        tokens,
        at: start + 2,
    };
    let mut out = BTreeMap::new();
    flatten("", &parser.value(0), &mut out);
    (!out.is_empty()).then_some(out)
}

fn flatten(name: &str, value: &Value, out: &mut BTreeMap<String, (Option<String>, usize)>) {
    let Value::Object(entries) = value else {
        return;
    };
    let key = |k: &str| {
        if name.is_empty() {
            k.to_string()
        } else {
            format!("{name}.{k}")
        }
    };
    for (k, _, v) in entries {
        match (k.as_str(), v) {
            (m, _) if META_KEYS.contains(&m) => {}
            // `{ script: "…" }` and `{ default: "…" }` are what the object's own name runs.
            ("script" | "default", Value::Str(s, a)) if !name.is_empty() => {
                out.entry(name.to_string()).or_insert((Some(s.clone()), *a));
            }
            ("script", Value::Code(a)) if !name.is_empty() => {
                out.entry(name.to_string()).or_insert((None, *a));
            }
            // A `default` object: its script is the parent's, its other keys nested under it.
            ("default", Value::Object(_)) => {
                flatten(if name.is_empty() { "default" } else { name }, v, out);
            }
            (_, Value::Str(s, a)) => {
                out.insert(key(k), (Some(s.clone()), *a));
            }
            (_, Value::Code(a)) => {
                out.insert(key(k), (None, *a));
            }
            (_, Value::Object(_)) => flatten(&key(k), v, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scripts(text: &str) -> BTreeMap<String, Option<String>> {
        read(text)
            .expect("scripts")
            .into_iter()
            .map(|(k, (v, _))| (k, v))
            .collect()
    }

    #[test]
    fn strings_script_objects_and_defaults_are_named_as_nps_runs_them() {
        let s = scripts(
            "const { series, rimraf } = require('nps-utils');\n\
             module.exports = {\n  scripts: {\n    default: 'nps start',\n    \
             start: { script: 'cross-env NODE_ENV=production node out/server.js', description: 'x' },\n    \
             build: { script: series('nps clean', \"tsc -p .\"), hiddenFromHelp: true },\n    \
             clean: rimraf('./out'),\n    \
             db: { migrate: { script: 'knex migrate:latest' } },\n    \
             test: { default: 'nps test.unit', unit: `jest` },\n  },\n};\n",
        );
        assert_eq!(s["default"].as_deref(), Some("nps start"));
        assert_eq!(
            s["start"].as_deref(),
            Some("cross-env NODE_ENV=production node out/server.js")
        );
        assert_eq!(s["build"].as_deref(), Some("nps clean && tsc -p ."));
        assert_eq!(s["clean"].as_deref(), Some("rimraf ./out"));
        assert_eq!(s["db.migrate"].as_deref(), Some("knex migrate:latest"));
        assert_eq!(s["test"].as_deref(), Some("nps test.unit"));
        assert_eq!(s["test.unit"].as_deref(), Some("jest"));
        assert!(!s.contains_key("start.description"));
    }

    #[test]
    fn values_built_by_code_exist_without_a_command() {
        let s = scripts(
            "module.exports = { scripts: {\n  lint: lint('./src'),\n  \
             banner: { script: banner('build') },\n  \
             dev: `nodemon ${entry}`,\n  \
             copy: { default: { script: series('nps copy.public') }, public: copy('a', 'b') },\n} };\n",
        );
        assert_eq!(s["lint"], None);
        assert_eq!(s["banner"], None);
        assert_eq!(s["dev"], None);
        assert_eq!(s["copy"].as_deref(), Some("nps copy.public"));
        assert_eq!(s["copy.public"], None);
    }

    #[test]
    fn json_package_scripts_are_read_the_same_way() {
        let s = scripts("{\"scripts\": {\"default\": {\"script\": \"node index.js\"}}}");
        assert_eq!(s["default"].as_deref(), Some("node index.js"));
    }
}
