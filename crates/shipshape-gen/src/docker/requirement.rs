//! Version requirements as repositories write them (`>=14`, `^8.0`, `~3.9`, `>=3.8,<3.12`,
//! `^7.3|^8.0`, `~> 3.2`, `3.11.*`, `14 - 18`, `v16.18.0`, `net8.0`, `python-3.11.4`) and the
//! question the base-image table asks of them: does a release line (`20`, `3.12`) hold a
//! version the requirement admits?
//!
//! Every comparator becomes a half-open interval `[low, high)` of three-component versions; a
//! requirement is a union (`||`, Composer's `|`) of intersections (`,` or spaces). A line admits
//! a requirement when its own interval meets one of them. Partial versions follow npm: `<=3.12`
//! admits every 3.12.x, `>3.8` starts at 3.9.

use std::cmp::Ordering;

/// Whose rules a requirement is written in: they differ only on the tilde.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// npm, Poetry, PEP 440 and the rest: `~3.9` is `>=3.9 <3.10`.
    Semver,
    /// Composer: `~8.0` is `>=8.0 <9.0` (the last given component may grow).
    Composer,
}

/// Three components; missing ones are zero.
type Version = [u64; 3];

#[derive(Debug, Clone, PartialEq, Eq)]
struct Interval {
    low: Version,
    /// Exclusive; `None` is unbounded.
    high: Option<Version>,
}

impl Interval {
    fn all() -> Interval {
        Interval {
            low: [0; 3],
            high: None,
        }
    }

    fn meet(&self, other: &Interval) -> Interval {
        let high = match (self.high, other.high) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Interval {
            low: self.low.max(other.low),
            high,
        }
    }

    fn is_empty(&self) -> bool {
        self.high
            .is_some_and(|h| h.cmp(&self.low) != Ordering::Greater)
    }
}

/// A parsed requirement: the versions it admits, as a union of intervals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    alternatives: Vec<Interval>,
    /// Whether it names one version (`3.11.9`, `=20`): a pin, not a range.
    pub exact: bool,
}

impl Requirement {
    /// Everything from `version` on (a Go `go` directive, a Rust `rust-version`).
    pub fn at_least(version: &str) -> Option<Requirement> {
        let (v, _) = numbers(strip_name(version.trim()))?;
        Some(Requirement {
            alternatives: vec![Interval {
                low: pad(&v),
                high: None,
            }],
            exact: false,
        })
    }

    /// Parse `text`; `None` when it names no version at all (`lts/*`, `stable`, `node`).
    pub fn parse(text: &str, dialect: Dialect) -> Option<Requirement> {
        let text = strip_name(text.trim());
        let mut alternatives = Vec::new();
        let mut exact = true;
        let mut any = false;
        let separator = |s: &str| -> Vec<String> {
            match dialect {
                Dialect::Composer => s
                    .replace("||", "|")
                    .split('|')
                    .map(str::to_string)
                    .collect(),
                Dialect::Semver => s.split("||").map(str::to_string).collect(),
            }
        };
        for alternative in separator(text) {
            let mut interval = Interval::all();
            let tokens = tokens(&alternative);
            let mut i = 0;
            while i < tokens.len() {
                // `a - b`: a hyphen range.
                if tokens.get(i + 1).map(String::as_str) == Some("-") {
                    if let (Some((a, _)), Some((b, bn))) = (
                        numbers(&tokens[i]),
                        tokens.get(i + 2).and_then(|t| numbers(t)),
                    ) {
                        interval = interval.meet(&Interval {
                            low: pad(&a),
                            high: Some(bump(&b, bn.saturating_sub(1))),
                        });
                        any = true;
                        exact = false;
                        i += 3;
                        continue;
                    }
                }
                let (comparator, is_exact) = match comparator(&tokens[i], dialect) {
                    Some(c) => c,
                    None => {
                        i += 1;
                        continue;
                    }
                };
                any = true;
                exact &= is_exact;
                interval = interval.meet(&comparator);
                i += 1;
            }
            alternatives.push(interval);
        }
        any.then_some(Requirement {
            exact: exact && alternatives.len() == 1,
            alternatives,
        })
    }

    /// Whether some version of the release `line` (`20`, `3.12`) is admitted.
    pub fn admits_line(&self, line: &str) -> bool {
        let Some((v, n)) = numbers(line) else {
            return false;
        };
        let line = Interval {
            low: pad(&v),
            high: Some(bump(&v, n - 1)),
        };
        self.alternatives.iter().any(|a| !a.meet(&line).is_empty())
    }
}

/// Drop a leading name (`v16`, `net8.0`, `python-3.11.4`, `netcoreapp3.1`, `go1.22`).
fn strip_name(text: &str) -> &str {
    let start = text
        .find(|c: char| c.is_ascii_digit() || "<>=^~*!|".contains(c))
        .unwrap_or(text.len());
    let (name, rest) = text.split_at(start);
    if name.chars().all(|c| c.is_ascii_alphabetic() || c == '-') {
        rest
    } else {
        text
    }
}

/// Comparators with the operator joined to its version (`>= 3.8` → `>=3.8`), commas and spaces
/// separating them; a lone `-` stays a token (hyphen ranges).
fn tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for raw in text.split(|c: char| c == ',' || c.is_whitespace()) {
        if raw.is_empty() {
            continue;
        }
        let pending_operator = out
            .last()
            .is_some_and(|t| !t.is_empty() && t.chars().all(|c| "<>=^~!".contains(c)));
        if pending_operator {
            if let Some(last) = out.last_mut() {
                last.push_str(raw);
            }
        } else {
            out.push(raw.to_string());
        }
    }
    out
}

/// One comparator as an interval, and whether it pins one version.
fn comparator(token: &str, dialect: Dialect) -> Option<(Interval, bool)> {
    let op_len = token
        .find(|c: char| !"<>=^~!".contains(c))
        .unwrap_or(token.len());
    let (op, rest) = token.split_at(op_len);
    let rest = rest.trim_start_matches(['v', 'V']);
    if op == "!=" {
        // Excluding one version leaves the line it belongs to.
        return None;
    }
    if matches!(rest, "*" | "x" | "X") {
        return Some((Interval::all(), false));
    }
    let (v, n) = numbers(rest)?;
    let last = n - 1;
    let from = |low: Version, high: Option<Version>| Interval { low, high };
    Some(match op {
        ">=" => (from(pad(&v), None), false),
        ">" => (from(bump(&v, last), None), false),
        "<" => (from([0; 3], Some(pad(&v))), false),
        "<=" => (from([0; 3], Some(bump(&v, last))), false),
        "" | "=" | "==" | "===" => (from(pad(&v), Some(bump(&v, last))), true),
        "^" => {
            let first_nonzero = v.iter().position(|&c| c != 0).unwrap_or(last).min(last);
            (from(pad(&v), Some(bump(&v, first_nonzero))), false)
        }
        "~" => {
            let at = match dialect {
                Dialect::Composer => last.saturating_sub(1),
                Dialect::Semver => last.min(1),
            };
            (from(pad(&v), Some(bump(&v, at))), false)
        }
        // PEP 440 compatible release and RubyGems' pessimistic operator: the last given
        // component may grow.
        "~=" | "~>" => (from(pad(&v), Some(bump(&v, last.saturating_sub(1)))), false),
        _ => return None,
    })
}

/// The numeric components at the start of `text` (`3.11.*` → [3, 11], `20.x` → [20],
/// `3.13.0rc1` → [3, 13, 0]) and how many were given.
fn numbers(text: &str) -> Option<(Vec<u64>, usize)> {
    let mut out = Vec::new();
    for part in text.split('.') {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        if digits.is_empty() {
            break;
        }
        out.push(digits.parse().ok()?);
        if digits.len() != part.len() || out.len() == 3 {
            break;
        }
    }
    let n = out.len();
    (n > 0).then_some((out, n))
}

fn pad(v: &[u64]) -> Version {
    let mut out = [0; 3];
    for (slot, c) in out.iter_mut().zip(v) {
        *slot = *c;
    }
    out
}

/// The first version after every version that starts with `v[..=at]`.
fn bump(v: &[u64], at: usize) -> Version {
    let mut out = pad(v);
    let at = at.min(2);
    out[at] = out[at].saturating_add(1);
    for c in out.iter_mut().skip(at + 1) {
        *c = 0;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admits(req: &str, dialect: Dialect, lines: &[&str]) -> Vec<String> {
        let r = Requirement::parse(req, dialect).unwrap_or_else(|| panic!("{req} parses"));
        lines
            .iter()
            .filter(|l| r.admits_line(l))
            .map(|l| l.to_string())
            .collect()
    }

    const NODE: &[&str] = &["14", "16", "18", "20", "22", "24"];
    const PYTHON: &[&str] = &["3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14"];
    const PHP: &[&str] = &["7.4", "8.0", "8.1", "8.2", "8.3", "8.4"];

    #[test]
    fn a_minimum_admits_every_later_line() {
        assert_eq!(
            admits(">=14", Dialect::Semver, NODE),
            ["14", "16", "18", "20", "22", "24"]
        );
        assert_eq!(admits(">=20.11", Dialect::Semver, NODE), ["20", "22", "24"]);
        assert_eq!(admits(">18", Dialect::Semver, NODE), ["20", "22", "24"]);
    }

    #[test]
    fn a_caret_stays_in_its_major() {
        assert_eq!(
            admits("^8.0", Dialect::Composer, PHP),
            ["8.0", "8.1", "8.2", "8.3", "8.4"]
        );
        assert_eq!(
            admits("^7.3|^8.0", Dialect::Composer, PHP),
            ["7.4", "8.0", "8.1", "8.2", "8.3", "8.4"]
        );
        assert_eq!(admits("^3.9", Dialect::Semver, PYTHON).len(), 6);
    }

    #[test]
    fn a_tilde_follows_its_dialect() {
        assert_eq!(admits("~3.9", Dialect::Semver, PYTHON), ["3.9"]);
        assert_eq!(
            admits("~8.1", Dialect::Composer, PHP),
            ["8.1", "8.2", "8.3", "8.4"]
        );
        assert_eq!(admits("~8.1.0", Dialect::Composer, PHP), ["8.1"]);
        assert_eq!(admits("~=3.10", Dialect::Semver, PYTHON).len(), 5);
        assert_eq!(admits("~> 3.12.0", Dialect::Semver, PYTHON), ["3.12"]);
    }

    #[test]
    fn bounds_on_both_sides_and_wildcards() {
        assert_eq!(
            admits(">=3.8,<3.12", Dialect::Semver, PYTHON),
            ["3.8", "3.9", "3.10", "3.11"]
        );
        assert_eq!(
            admits(">= 3.9, <= 3.12", Dialect::Semver, PYTHON),
            ["3.9", "3.10", "3.11", "3.12"]
        );
        assert_eq!(admits("3.11.*", Dialect::Semver, PYTHON), ["3.11"]);
        assert_eq!(admits("20.x", Dialect::Semver, NODE), ["20"]);
        assert_eq!(admits("16 - 20", Dialect::Semver, NODE), ["16", "18", "20"]);
        assert_eq!(
            admits(">=3.9,!=3.9.1", Dialect::Semver, PYTHON)
                .first()
                .map(String::as_str),
            Some("3.9")
        );
    }

    #[test]
    fn a_bare_version_is_a_pin_with_its_line() {
        let r = Requirement::parse("v16.18.0", Dialect::Semver).expect("parses");
        assert!(r.exact);
        assert!(r.admits_line("16") && !r.admits_line("18"));
        let r = Requirement::parse("python-3.11.4", Dialect::Semver).expect("parses");
        assert!(r.exact && r.admits_line("3.11"));
        let r = Requirement::parse("net8.0", Dialect::Semver).expect("parses");
        assert!(r.admits_line("8.0") && !r.admits_line("9.0"));
        assert!(
            !Requirement::parse(">=20", Dialect::Semver)
                .expect("parses")
                .exact
        );
    }

    #[test]
    fn names_without_a_version_are_not_requirements() {
        assert_eq!(Requirement::parse("lts/*", Dialect::Semver), None);
        assert_eq!(Requirement::parse("stable", Dialect::Semver), None);
        assert_eq!(Requirement::parse("", Dialect::Semver), None);
    }

    #[test]
    fn at_least_is_open_ended() {
        let r = Requirement::at_least("1.15").expect("parses");
        assert!(r.admits_line("1.26") && r.admits_line("1.15") && !r.admits_line("1.14"));
    }
}
