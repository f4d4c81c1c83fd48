//! `.dockerignore` files as BuildKit reads them: one pattern a line (`#` comments and blank
//! lines skipped), `!` for an exception, patterns cleaned and taken relative to the context root;
//! `*` and `?` match within one path segment, `**` across any number of them, `[…]` a class. A
//! path is excluded when the last pattern that matches it — or one of its parent folders — is
//! not an exception.

/// One pattern of a `.dockerignore`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// The pattern after cleaning, without `!`.
    pub text: String,
    /// `!pattern`: re-includes what earlier patterns excluded.
    pub exception: bool,
    /// 1-based line in the file.
    pub line: usize,
}

/// The patterns of a `.dockerignore`, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dockerignore {
    pub patterns: Vec<Pattern>,
}

impl Dockerignore {
    pub fn parse(text: &str) -> Dockerignore {
        let mut patterns = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (exception, body) = match line.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            let text = clean(body);
            if text.is_empty() {
                continue;
            }
            patterns.push(Pattern {
                text,
                exception,
                line: n + 1,
            });
        }
        Dockerignore { patterns }
    }

    /// Whether any pattern is an exception (`!…`).
    pub fn has_exceptions(&self) -> bool {
        self.patterns.iter().any(|p| p.exception)
    }

    /// The pattern that excludes `path` (relative to the context root), if it is excluded: the
    /// last pattern that matches it or a parent folder, unless that one is an exception.
    pub fn excluding(&self, path: &str) -> Option<&Pattern> {
        let path = clean(path);
        let mut verdict: Option<&Pattern> = None;
        for p in &self.patterns {
            if matches_or_parent_matches(&p.text, &path) {
                verdict = (!p.exception).then_some(p);
            }
        }
        verdict
    }
}

/// `filepath.Clean` on a slash path, with a leading `/` or `./` removed.
fn clean(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn matches_or_parent_matches(pattern: &str, path: &str) -> bool {
    if glob(pattern.as_bytes(), path.as_bytes()) {
        return true;
    }
    path.match_indices('/')
        .any(|(i, _)| glob(pattern.as_bytes(), &path.as_bytes()[..i]))
}

/// Matches a whole path against a pattern.
fn glob(p: &[u8], s: &[u8]) -> bool {
    if p.is_empty() {
        return s.is_empty();
    }
    if p.starts_with(b"**") {
        let mut rest = &p[2..];
        if rest.first() == Some(&b'/') {
            rest = &rest[1..];
        }
        if rest.is_empty() {
            return true;
        }
        // `**/` matches zero or more whole segments.
        return (0..=s.len())
            .filter(|&i| i == 0 || s[i - 1] == b'/')
            .any(|i| glob(rest, &s[i..]));
    }
    match p[0] {
        b'*' => (0..=s.len())
            .take_while(|&i| i == 0 || s[i - 1] != b'/')
            .any(|i| glob(&p[1..], &s[i..])),
        b'?' => !s.is_empty() && s[0] != b'/' && glob(&p[1..], &s[1..]),
        b'[' => match class(&p[1..], s.first().copied()) {
            Some((true, used)) => glob(&p[1 + used..], &s[1..]),
            _ => false,
        },
        b'\\' if p.len() > 1 => !s.is_empty() && s[0] == p[1] && glob(&p[2..], &s[1..]),
        c => !s.is_empty() && s[0] == c && glob(&p[1..], &s[1..]),
    }
}

/// A `[…]` class after its `[`: whether `c` is in it, and how many pattern bytes it used.
fn class(p: &[u8], c: Option<u8>) -> Option<(bool, usize)> {
    let c = c?;
    if c == b'/' {
        return Some((false, 0));
    }
    let mut i = 0;
    let negate = matches!(p.first(), Some(b'!' | b'^'));
    if negate {
        i += 1;
    }
    let mut hit = false;
    let mut first = true;
    while i < p.len() {
        if p[i] == b']' && !first {
            return Some((hit != negate, i + 1));
        }
        first = false;
        let lo = p[i];
        if i + 2 < p.len() && p[i + 1] == b'-' && p[i + 2] != b']' {
            hit |= (lo..=p[i + 2]).contains(&c);
            i += 3;
        } else {
            hit |= lo == c;
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excluded(ignore: &str, path: &str) -> bool {
        Dockerignore::parse(ignore).excluding(path).is_some()
    }

    #[test]
    fn patterns_match_as_buildkit_matches_them() {
        assert!(excluded("node_modules", "node_modules/x/y.js"));
        assert!(excluded("/dist\n", "dist/app.js"));
        assert!(excluded("*.md", "README.md"));
        assert!(!excluded("*.md", "docs/README.md"));
        assert!(excluded("**/*.md", "docs/README.md"));
        assert!(excluded("*/tmp/*", "a/tmp/helloworld.txt"));
        assert!(!excluded("*/tmp/*", "tmp/helloworld.txt"));
        assert!(excluded("**", "anything/at/all"));
        assert!(excluded("file?.txt", "file1.txt"));
        assert!(excluded("file[0-9].txt", "file7.txt"));
        assert!(!excluded("file[!0-9].txt", "file7.txt"));
    }

    #[test]
    fn the_last_matching_pattern_decides() {
        let ignore = "*\n!src\n!package.json\n# comment\n\n";
        assert!(excluded(ignore, "README.md"));
        assert!(!excluded(ignore, "src/main.rs"));
        assert!(!excluded(ignore, "package.json"));
        assert!(Dockerignore::parse(ignore).has_exceptions());
    }
}
