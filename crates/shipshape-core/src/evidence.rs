//! Where a detected value came from. Every value shipshape reports about a repository carries at
//! least one [`Evidence`], so a user (or an agent) can check it instead of trusting it.

use serde::{Deserialize, Serialize};

pub use crate::text::line_of_offset;

/// A pointer into the repository: the file (relative, `/`-separated), the 1-based line when the
/// value sits on one line, and a short note saying what was read there
/// (`package.json > engines > node`).
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema, Deserialize,
)]
pub struct Evidence {
    #[schemars(length(min = 1))]
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub line: Option<u32>,
    pub note: String,
}

impl Evidence {
    pub fn new(path: impl Into<String>, line: Option<u32>, note: impl Into<String>) -> Self {
        Evidence {
            path: path.into(),
            line,
            note: note.into(),
        }
    }

    /// Evidence for a whole file (its presence is the fact).
    pub fn file(path: impl Into<String>, note: impl Into<String>) -> Self {
        Evidence::new(path, None, note)
    }

    /// Evidence at the line that contains byte `offset` of `text`.
    pub fn at_offset(
        path: impl Into<String>,
        text: &str,
        offset: usize,
        note: impl Into<String>,
    ) -> Self {
        Evidence::new(path, Some(line_of_offset(text, offset)), note)
    }
}

impl std::fmt::Display for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{} ({})", self.path, line, self.note),
            None => write!(f, "{} ({})", self.path, self.note),
        }
    }
}

/// A detected value together with the evidence for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
#[schemars(rename = "Located_{T}")]
pub struct Located<T> {
    pub value: T,
    #[schemars(length(min = 1))]
    pub evidence: Vec<Evidence>,
}

impl<T> Located<T> {
    pub fn new(value: T, evidence: Evidence) -> Self {
        Located {
            value,
            evidence: vec![evidence],
        }
    }
}

/// 1-based line of the first line of `text` that contains `needle`, if any.
pub fn line_containing(text: &str, needle: &str) -> Option<u32> {
    text.find(needle).map(|off| line_of_offset(text, off))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_from_one() {
        let text = "a\nb\nc";
        assert_eq!(line_of_offset(text, 0), 1);
        assert_eq!(line_of_offset(text, 2), 2);
        assert_eq!(line_of_offset(text, 4), 3);
        assert_eq!(line_of_offset(text, 999), 3);
        assert_eq!(line_containing(text, "c"), Some(3));
        assert_eq!(line_containing(text, "z"), None);
    }
}
