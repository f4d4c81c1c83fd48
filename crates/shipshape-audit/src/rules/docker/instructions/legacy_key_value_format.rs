//! ## What it does
//! Flags `ENV` and `LABEL` in the legacy space-separated form (`ENV NODE_ENV production`)
//! instead of `key=value`.
//!
//! ## Why is this bad?
//! The legacy form sets one variable whose value is everything after the first space, which
//! surprises anyone who adds a second pair (`ENV A 1 B 2` sets `A` to `1 B 2`). Docker
//! deprecates it and warns on every build.
//!
//! ## Example
//! ```dockerfile
//! ENV NODE_ENV production
//! ```
//!
//! Use instead:
//! ```dockerfile
//! ENV NODE_ENV=production
//! ```
//!
//! ## Fix
//! Write `key=value`, quoting values that contain spaces.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct LegacyKeyValueFormat;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-030",
    slug: "legacy-key-value-format",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "ENV or LABEL in the legacy `key value` form",
    equivalents: &["buildkit:LegacyKeyValueFormat"],
};

impl DockerfileRule for LegacyKeyValueFormat {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for instr in &doc.ast.instructions {
            if !matches!(instr.keyword, Keyword::Env | Keyword::Label) {
                continue;
            }
            let words = instr.words();
            let legacy = words.len() >= 2 && words.first().is_some_and(|w| !w.value.contains('='));
            if !legacy {
                continue;
            }
            for pair in instr.key_values() {
                let value = pair.value.as_deref().unwrap_or("");
                out.push(Diagnostic::new(
                    pair.span,
                    format!(
                        "legacy `{} {} {value}` form: write `{} {}=\"{value}\"`",
                        instr.keyword, pair.key, instr.keyword, pair.key
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::flagged;
    use super::*;

    #[test]
    fn flags_space_separated_pairs() {
        let src = "FROM a:1\nENV A 1 B 2\nENV C=3 D=\"4 5\"\nLABEL team platform\n";
        assert_eq!(
            flagged(&LegacyKeyValueFormat, src),
            ["A 1 B 2", "team platform"]
        );
    }
}
