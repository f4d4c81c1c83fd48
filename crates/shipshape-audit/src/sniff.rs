//! What a file's content says it is, for the files the audit is about to read: a file named
//! like a Dockerfile may be a template (`Dockerfile.template` with `{{ … }}` lines), a Go
//! source file (`dockerfile.go`) or a policy (`Dockerfile.rego`); a file passed on the command
//! line by an unusual name (`build/prod.docker`) may be a Dockerfile or a compose file. The
//! audit reads a file as the kind its content shows, or lists it as skipped with the reason.

use shipshape_core::ArtifactKind;
use shipshape_syntax::dockerfile::{self, Keyword};

/// Why the content of a file named like a Dockerfile is not one, if it is not.
pub fn not_a_dockerfile(text: &str) -> Option<String> {
    not_a_parsed_dockerfile(text, &dockerfile::parse(text))
}

/// [`not_a_dockerfile`] for a file already parsed (`df` is `dockerfile::parse(text)`).
pub fn not_a_parsed_dockerfile(text: &str, df: &dockerfile::Dockerfile) -> Option<String> {
    if let Some(line) = template_line(text) {
        return Some(format!(
            "a template, not a Dockerfile (line {line} is a `{{{{ … }}}}` directive)"
        ));
    }
    let first = df.instructions.first()?;
    let unknown = df
        .instructions
        .iter()
        .filter(|i| i.keyword == Keyword::Unknown)
        .count();
    let has_from = df.instructions.iter().any(|i| i.keyword == Keyword::From);
    let first_unknown = first.keyword == Keyword::Unknown;
    if (first_unknown && !has_from) || unknown * 2 > df.instructions.len() {
        let at = df
            .instructions
            .iter()
            .find(|i| i.keyword == Keyword::Unknown)
            .unwrap_or(first);
        let line = text[..at.keyword_span.start].matches('\n').count() + 1;
        let word: String = at.keyword_span.text(text).chars().take(40).collect();
        return Some(format!(
            "named like a Dockerfile but its content is not one (line {line} starts with \
             `{word}`, which is no instruction)"
        ));
    }
    None
}

/// The 1-based line of the first template directive (`{{ … }}`, `{% … %}`) that starts a line.
fn template_line(text: &str) -> Option<usize> {
    // Most files hold no `{{` or `{%` at all: one search answers for them.
    if memchr::memmem::find(text.as_bytes(), b"{{").is_none()
        && memchr::memmem::find(text.as_bytes(), b"{%").is_none()
    {
        return None;
    }
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            t.starts_with("{{") || t.starts_with("{%")
        })
        .map(|i| i + 1)
}

/// Whether the content is a Dockerfile: it parses with a `FROM` and no unknown instruction
/// first.
fn is_dockerfile(text: &str) -> bool {
    let df = dockerfile::parse(text);
    df.instructions.iter().any(|i| i.keyword == Keyword::From)
        && not_a_parsed_dockerfile(text, &df).is_none()
}

/// Whether the content is a compose file: YAML whose first document maps `services` to a
/// mapping.
fn is_compose(text: &str) -> bool {
    shipshape_syntax::yaml::parse(text).is_ok_and(|docs| {
        docs.first()
            .and_then(|d| d.get("services"))
            .is_some_and(|s| s.is_map())
    })
}

/// The kind of artifact a file passed by name holds, judged by its content: `Ok(kind)` or
/// `Err(why it is not audited)`.
pub fn kind_of_content(text: &str) -> Result<ArtifactKind, String> {
    if is_dockerfile(text) {
        Ok(ArtifactKind::Dockerfile)
    } else if is_compose(text) {
        Ok(ArtifactKind::Compose)
    } else {
        Err("neither a Dockerfile nor a compose file by its name or its content".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_and_source_files_are_not_dockerfiles() {
        let template = "FROM debian:{{ .suite }}\n{{ if .slim }}\nRUN x\n{{ end }}\n";
        assert!(not_a_dockerfile(template).unwrap().contains("template"));
        let go = "package dockerfile\n\nimport (\n\t\"fmt\"\n)\n\nfunc main() {}\n";
        assert!(not_a_dockerfile(go).unwrap().contains("`package`"));
        let rego = "package docker\n\ndeny[msg] {\n  input.x\n}\n";
        assert!(not_a_dockerfile(rego).is_some());
        assert!(not_a_dockerfile("FROM a:1\nRUN x\n").is_none());
        // A fragment of valid instructions without FROM is still a Dockerfile's text.
        assert!(not_a_dockerfile("RUN apt-get update\nCOPY . .\n").is_none());
    }

    #[test]
    fn content_decides_for_unusual_names() {
        assert_eq!(
            kind_of_content("# base\nFROM alpine:3.20\nRUN apk add curl\n"),
            Ok(ArtifactKind::Dockerfile)
        );
        assert_eq!(
            kind_of_content("services:\n  web:\n    image: nginx:1.27\n"),
            Ok(ArtifactKind::Compose)
        );
        assert!(kind_of_content("just some notes\n").is_err());
        assert!(kind_of_content("name: CI\non: push\n").is_err());
    }
}
