//! Terraform/OpenTofu files, read once for every repository detector: the outline of each file
//! (top-level blocks, provider sources, workspace references) from the syntax crate, with its
//! path. A structural problem becomes a note; what could be read is still used.

use std::ops::Deref;
use std::sync::Arc;

use shipshape_core::{ArtifactKind, FileEntry};
use shipshape_syntax::{documents, hcl};

use crate::ctx::Ctx;

/// One file's outline and where it came from.
#[derive(Debug)]
pub(crate) struct TfFile {
    pub path: String,
    outline: Arc<hcl::Outline>,
}

impl Deref for TfFile {
    type Target = hcl::Outline;

    fn deref(&self) -> &hcl::Outline {
        &self.outline
    }
}

/// Outline every `.tf`/`.tofu` file (JSON-syntax `.tf.json` is left out: braces there are JSON).
pub(crate) fn scan_all(ctx: &Ctx, files: &[&FileEntry]) -> Vec<TfFile> {
    files
        .iter()
        .filter(|f| f.kind == ArtifactKind::Terraform && !f.path.ends_with(".json"))
        .filter_map(|f| {
            let outline = documents::hcl(ctx.inv, f)?;
            for problem in &outline.problems {
                ctx.note(&f.path, Some(problem.line()), problem.to_string());
            }
            Some(TfFile {
                path: f.path.clone(),
                outline,
            })
        })
        .collect()
}
