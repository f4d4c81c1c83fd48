//! ## What it does
//! Flags a reference, in one `ENV` instruction, to a variable that the same instruction defines
//! (`ENV APP_HOME=/app APP_BIN=$APP_HOME/bin`) when no earlier `ARG` or `ENV` defined it. A
//! variable extending itself (`ENV PATH=/opt/bin:$PATH`) and single-quoted text, which Docker
//! does not expand, pass, as in hadolint.
//!
//! ## Why is this bad?
//! Docker expands every value of an `ENV` before it assigns any of them, so `$APP_HOME` above
//! is still empty: `APP_BIN` becomes `/bin`. The image builds, and the program fails later
//! looking in the wrong place.
//!
//! ## Example
//! ```dockerfile
//! ENV APP_HOME=/app APP_BIN=$APP_HOME/bin
//! ```
//!
//! Use instead:
//! ```dockerfile
//! ENV APP_HOME=/app
//! ENV APP_BIN=$APP_HOME/bin
//! ```
//!
//! ## Fix
//! Define the variable in an earlier `ENV` instruction.

use std::collections::HashSet;

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;
use shipshape_syntax::Span;

use super::util::var_refs;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct EnvSelfReference;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-018",
    slug: "env-self-reference",
    domain: Domain::Dockerfile,
    severity: Severity::Error,
    title: "ENV refers to a variable defined in the same ENV",
    equivalents: &["hadolint:DL3044"],
};

impl DockerfileRule for EnvSelfReference {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        // Like hadolint, anything defined earlier in the file counts as defined: the reference
        // then sees a value, even if not the new one.
        let mut defined: HashSet<String> = HashSet::new();
        for instr in &doc.ast.instructions {
            let pairs = instr.key_values();
            if instr.keyword == Keyword::Env {
                for (i, pair) in pairs.iter().enumerate() {
                    let Some(value_span) = pair.value_span else {
                        continue;
                    };
                    let raw = value_span.text(doc.source);
                    if raw.starts_with('\'') {
                        continue;
                    }
                    for (range, name) in var_refs(raw) {
                        let same_statement = pairs
                            .iter()
                            .enumerate()
                            .any(|(j, other)| j != i && other.key == name);
                        if same_statement && !defined.contains(name) {
                            let span = Span::new(
                                value_span.start + range.start,
                                value_span.start + range.end,
                            );
                            out.push(Diagnostic::new(
                                span,
                                format!(
                                    "`{}` refers to `{name}`, which this same ENV defines: Docker expands it before the assignment, so it is empty here; set `{name}` in an earlier ENV",
                                    &raw[range.clone()]
                                ),
                            ));
                        }
                    }
                }
            }
            if matches!(instr.keyword, Keyword::Env | Keyword::Arg) {
                defined.extend(pairs.into_iter().map(|p| p.key));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::flagged;
    use super::*;

    #[test]
    fn flags_references_to_siblings_not_yet_defined() {
        let src = "FROM a:1\nENV A=/app B=$A/bin C=\"${A}\" PATH=/x:$PATH D='$A'\n";
        assert_eq!(flagged(&EnvSelfReference, src), ["$A", "${A}"]);
    }

    #[test]
    fn passes_variables_defined_earlier() {
        let src = "FROM a:1\nARG A=/base\nENV A=/app B=$A/bin\nENV C=1\nENV C=2 D=$C\n";
        assert!(flagged(&EnvSelfReference, src).is_empty());
    }

    #[test]
    fn does_not_confuse_longer_names() {
        let src = "FROM a:1\nENV A=1 B=$AB\n";
        assert!(flagged(&EnvSelfReference, src).is_empty());
    }
}
