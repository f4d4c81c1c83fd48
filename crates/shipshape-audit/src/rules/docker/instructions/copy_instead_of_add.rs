//! ## What it does
//! Flags an `ADD` with a source that is a plain local file or folder, where `COPY` does the same.
//! `ADD` of a URL or a git repository (another rule weighs those) and of a local archive (which
//! `ADD` unpacks on purpose) pass, as in hadolint. A source whose name is only known at build
//! time (`ADD $SRC /x`) is given the benefit of the doubt.
//!
//! ## Why is this bad?
//! `ADD` does more than copy: it unpacks local tar archives and fetches URLs. Used for plain
//! files it hides that behaviour from readers, and renaming `app.tar.gz` into the build context
//! later silently turns a copy into an extraction.
//!
//! ## Example
//! ```dockerfile
//! ADD requirements.txt /app/
//! ```
//!
//! Use instead:
//! ```dockerfile
//! COPY requirements.txt /app/
//! ```
//!
//! ## Fix
//! Replace `ADD` with `COPY`; keep `ADD` only to unpack a local archive.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use super::util::{copy_parts, with_triggers};
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct CopyInsteadOfAdd;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-005",
    slug: "copy-instead-of-add",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "ADD used for local files where COPY would do",
    equivalents: &["hadolint:DL3020", "checkov:CKV_DOCKER_4", "trivy:DS-0005"],
};

/// Extensions `ADD` unpacks (tar, optionally compressed with gzip, bzip2, xz or zstd).
const ARCHIVES: &[&str] = &[
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz2",
    ".tbz",
    ".tb2",
    ".tar.xz",
    ".txz",
    ".tar.zst",
    ".tzst",
    ".tar.lzma",
    ".tlz",
    ".tar.z",
    ".tz",
    ".gz",
    ".bz2",
    ".xz",
    ".zst",
    ".lzma",
];

/// A source `ADD` does something special with: a URL, a git remote, or an archive.
fn is_remote_or_archive(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    let remote = ["http://", "https://", "git@", "git://", "ssh://"]
        .iter()
        .any(|p| lower.starts_with(p));
    remote || ARCHIVES.iter().any(|ext| lower.ends_with(ext))
}

impl DockerfileRule for CopyInsteadOfAdd {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for instr in with_triggers(doc.ast).filter(|i| i.keyword == Keyword::Add) {
            let Some((sources, _)) = copy_parts(instr) else {
                continue;
            };
            // Heredocs (`ADD <<EOF /f`) write inline text, which COPY does as well.
            let local: Vec<&str> = sources
                .iter()
                .filter(|s| !s.value.contains('$') && !is_remote_or_archive(&s.value))
                .map(|s| s.value.as_str())
                .collect();
            if !local.is_empty() {
                out.push(Diagnostic::new(
                    instr.keyword_span,
                    format!(
                        "`ADD` of local `{}`: use `COPY`, which does not unpack archives or fetch URLs",
                        local.join(" ")
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
    fn flags_local_sources_only() {
        let src = "FROM a:1\nADD app.py /app/\nADD rootfs.tar.xz /\nADD https://x/y /y\nADD --keep-git-dir git@github.com:o/r.git /r\nADD $SRC /s\nADD a.txt site.tgz /d/\nonbuild add . /app\n";
        assert_eq!(flagged(&CopyInsteadOfAdd, src), ["ADD", "ADD", "add"]);
    }
}
