//! SS-DOCKER-033 `copy-ignored-file`: `COPY` or `ADD` names a file the `.dockerignore` excludes.
//!
//! ## What it does
//! Reads the `.dockerignore` of each build context the Dockerfile is built with (the context a
//! compose service or bake target names, else the Dockerfile's folder; a
//! `<Dockerfile>.dockerignore` beside the Dockerfile wins) and flags a `COPY`/`ADD` source from
//! the context that one of its patterns excludes, as BuildKit's `CopyIgnoredFile` check does.
//! Like BuildKit it stays silent when the ignore file has exceptions (`!pattern`), whose effect
//! on a folder cannot be told without the files, and for sources with wildcards or variables
//! it cannot resolve. Copying the whole context (`.`) is flagged only when the ignore file
//! excludes everything (`*`, `**`).
//!
//! ## Why is this bad?
//! Excluded files are not sent to the builder: the build fails with "not found", or — for a
//! folder some of whose files are excluded — the image silently lacks them.
//!
//! ## Example
//! With a `.dockerignore` holding `config/`:
//! ```dockerfile
//! COPY config/app.yaml /etc/app/
//! ```
//!
//! ## Fix
//! Remove the pattern from the `.dockerignore`, add an exception (`!config/app.yaml`), or stop
//! copying the file.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;
use shipshape_syntax::dockerignore::Dockerignore;

use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct CopyIgnoredFile;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-033",
    slug: "copy-ignored-file",
    domain: Domain::Dockerfile,
    severity: Severity::Error,
    title: "COPY/ADD of a file the .dockerignore excludes",
    equivalents: &["buildkit:CopyIgnoredFile"],
};

impl DockerfileRule for CopyIgnoredFile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let ignores: Vec<(&str, Dockerignore)> = doc
            .contexts
            .iter()
            .filter_map(|c| c.dockerignore.as_ref())
            .map(|(path, text)| (path.as_str(), Dockerignore::parse(text)))
            .filter(|(_, d)| !d.patterns.is_empty() && !d.has_exceptions())
            .collect();
        if ignores.is_empty() {
            return;
        }
        let ast = doc.ast;
        for (index, instr) in ast.instructions.iter().enumerate() {
            if !matches!(instr.keyword, Keyword::Copy | Keyword::Add)
                || instr.flag("from").is_some()
            {
                continue;
            }
            let words = instr.words();
            let Some((_, sources)) = words.split_last() else {
                continue;
            };
            let stage = ast.stage_of(index);
            for source in sources {
                let value = ast.resolve_arg(&source.value, stage);
                if value.starts_with("<<")
                    || value.contains(['$', '*', '?', '['])
                    || value.contains("://")
                    || value.starts_with("git@")
                {
                    continue;
                }
                let path = value.trim_start_matches('/');
                let whole = path.is_empty() || path == "." || path == "./";
                for (file, ignore) in &ignores {
                    let hit = if whole {
                        ignore
                            .patterns
                            .iter()
                            .find(|p| matches!(p.text.as_str(), "*" | "**" | "**/*"))
                    } else {
                        ignore.excluding(path)
                    };
                    if let Some(pattern) = hit {
                        let cmd = if instr.keyword == Keyword::Add {
                            "ADD"
                        } else {
                            "COPY"
                        };
                        out.push(Diagnostic::new(
                            source.span,
                            format!(
                                "`{}` is excluded by `{}` (line {} of {file}): it is not sent to \
                                 the builder, so this {cmd} fails or copies less",
                                source.value, pattern.text, pattern.line
                            ),
                        ));
                        break;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flagged(src: &str, ignore: &str) -> Vec<String> {
        let ast = shipshape_syntax::dockerfile::parse(src);
        let doc = DockerfileDoc::alone("Dockerfile", src, &ast, Some(ignore));
        let mut out = Vec::new();
        CopyIgnoredFile.check(&doc, &mut out);
        out.into_iter()
            .map(|d| d.span.text(src).to_string())
            .collect()
    }

    #[test]
    fn flags_sources_the_ignore_file_excludes() {
        let src = "FROM a:1\nCOPY config/app.yaml src/ /app/\nADD ./dist/x.tgz /x/\nCOPY --from=b config/x /y\nCOPY . /all\n";
        assert_eq!(
            flagged(src, "config/\ndist\n"),
            ["config/app.yaml", "./dist/x.tgz"]
        );
        assert_eq!(
            flagged(src, "*\n"),
            ["config/app.yaml", "src/", "./dist/x.tgz", "."]
        );
    }

    #[test]
    fn exceptions_wildcards_and_variables_are_left_alone() {
        let src = "FROM a:1\nARG D\nCOPY config/app.yaml $D/x *.json /app/\n";
        assert!(flagged(src, "*\n!config\n").is_empty());
        assert!(flagged(src, "other\n").is_empty());
    }
}
