//! SS-DOCKER-039 `exec-form-not-json`: an exec-form array that is not valid JSON.
//!
//! ## What it does
//! Flags `RUN`, `CMD`, `ENTRYPOINT` and `HEALTHCHECK CMD` arguments written as an array that
//! Docker cannot read as JSON — single quotes (`CMD ['nginx', '-g', 'daemon off;']`), typographic
//! quotes, unquoted elements (`CMD [nginx, -g]`) — so Docker runs the text in shell form. A
//! shell command that merely starts with `[` is not an array: `RUN [ -d /x ] && …` runs the
//! `test` builtin, as intended, and is not flagged.
//!
//! ## Why is this bad?
//! Docker does not report the mistake: it runs `/bin/sh -c "['nginx', '-g', 'daemon off;']"`,
//! and the container fails at start with `[nginx,: not found` — or, for `RUN`, the step fails
//! with an error that does not point at the quotes.
//!
//! ## Example
//! ```dockerfile
//! CMD ['node', 'server.js']
//! ```
//!
//! Use instead:
//! ```dockerfile
//! CMD ["node", "server.js"]
//! ```
//!
//! ## Fix
//! Write the array as JSON: double quotes around every element, commas between them.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::{Args, Keyword};

use super::util::with_triggers;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct ExecFormNotJson;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-039",
    slug: "exec-form-not-json",
    domain: Domain::Dockerfile,
    severity: Severity::Error,
    title: "An exec-form array is not valid JSON, so Docker runs it as a shell command",
    equivalents: &[],
};

const QUOTES: &[(char, char)] = &[
    ('"', '"'),
    ('\'', '\''),
    ('\u{201c}', '\u{201d}'),
    ('\u{2018}', '\u{2019}'),
];

/// Whether shell-form `text` is an attempt at a JSON array of strings.
pub(crate) fn attempts_array(text: &str) -> bool {
    let text = text.trim();
    let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) else {
        return false;
    };
    let items = split_items(inner);
    let quoted = |item: &str| {
        QUOTES.iter().any(|(open, close)| {
            item.len() >= open.len_utf8() + close.len_utf8()
                && item.starts_with(*open)
                && item.ends_with(*close)
        })
    };
    let bare = |item: &str| !item.is_empty() && !item.contains(char::is_whitespace);
    match items.as_slice() {
        [] => false,
        // One element: only a quoted one, in quotes JSON does not accept.
        [one] => quoted(one) && !one.starts_with('"'),
        many => many.iter().all(|i| quoted(i) || bare(i)),
    }
}

/// Splits on commas outside quotes; items trimmed.
fn split_items(inner: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut start = 0;
    let mut open: Option<char> = None;
    for (i, c) in inner.char_indices() {
        match open {
            Some(close) if c == close => open = None,
            Some(_) => {}
            None => {
                if let Some((_, close)) = QUOTES.iter().find(|(o, _)| *o == c) {
                    open = Some(*close);
                } else if c == ',' {
                    items.push(inner[start..i].trim());
                    start = i + 1;
                }
            }
        }
    }
    let last = inner[start..].trim();
    if !last.is_empty() || !items.is_empty() {
        items.push(last);
    }
    items
}

impl DockerfileRule for ExecFormNotJson {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for instr in with_triggers(doc.ast) {
            let keyword = instr.keyword;
            if !matches!(
                keyword,
                Keyword::Run | Keyword::Cmd | Keyword::Entrypoint | Keyword::Healthcheck
            ) {
                continue;
            }
            let Args::Shell(shell) = &instr.args else {
                continue;
            };
            if attempts_array(&shell.text) {
                out.push(Diagnostic::new(
                    shell.span,
                    format!(
                        "this {keyword} is meant as an exec-form array but is not valid JSON (use \
                         double quotes and commas), so Docker runs it as a shell command"
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
    fn flags_arrays_docker_cannot_read_as_json() {
        let src = "FROM a:1\nCMD ['node', 'server.js']\nENTRYPOINT [nginx, -g, daemon]\nRUN [\"a\", 1]\nHEALTHCHECK CMD ['curl']\n";
        assert_eq!(
            flagged(&ExecFormNotJson, src),
            [
                "['node', 'server.js']",
                "[nginx, -g, daemon]",
                "[\"a\", 1]",
                "['curl']"
            ]
        );
    }

    /// BuildKit's own lint Dockerfile, the official docker image, tonistiigi/xx.
    #[test]
    fn the_test_builtin_is_no_array() {
        let src = "FROM a:1\nRUN [ -e /etc/nsswitch.conf ] && grep x /etc/nsswitch.conf\n\
                   RUN [ \"$A\" = \"true\" ] && exit 0; make\nRUN [ \"$A\" ]\nRUN [ ! -f /x ] || ./t.bats\n\
                   RUN [Net.ServicePointManager]::SecurityProtocol = 'Tls12'\nCMD [\"ok\"]\n";
        assert!(flagged(&ExecFormNotJson, src).is_empty());
    }
}
