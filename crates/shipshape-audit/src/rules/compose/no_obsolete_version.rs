//! ## What it does
//! Flags the top-level `version` key.
//!
//! ## Why is this bad?
//! The Compose Specification ignores `version`, and Compose v2 warns that it is obsolete on every
//! run. Worse, it suggests that features are limited to that file format version when they are
//! not, which misleads readers about what the file may use.
//!
//! ## Example
//! ```yaml
//! version: "3.8"
//! services:
//!   web:
//!     image: example/web:2.3
//! ```
//!
//! ## Fix
//! Delete the line.

use shipshape_core::Severity;

use crate::rule::{ComposeDoc, ComposeRule, Diagnostic, Domain, RuleMeta};

pub struct NoObsoleteVersion;

pub static META: RuleMeta = RuleMeta {
    id: "SS-COMPOSE-017",
    slug: "no-obsolete-version",
    domain: Domain::Compose,
    severity: Severity::Info,
    title: "Obsolete top-level `version`",
    equivalents: &["dclint:no-version-field"],
};

impl ComposeRule for NoObsoleteVersion {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &ComposeDoc, out: &mut Vec<Diagnostic>) {
        // Each file of the project that writes one: the merged model keeps only the last.
        for (file, source) in doc.project.files.iter().zip(doc.sources) {
            let Ok(docs) = shipshape_syntax::yaml::parse(source) else {
                continue;
            };
            for entry in docs.iter().filter_map(|d| d.entry("version")) {
                out.push(
                    Diagnostic::new(
                        entry.key.span.to(entry.value.span),
                        "`version` is obsolete: Compose ignores it; delete the line",
                    )
                    .in_file(file.path.clone()),
                );
            }
        }
    }
}
