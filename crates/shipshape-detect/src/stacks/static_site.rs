//! Detection of static sites.

use crate::ctx::Ctx;
use crate::stacks::Found;

/// Whether `path` is the `index.html` of a plain static site (not a template inside an app).
pub fn is_site_index(_ctx: &Ctx, _path: &str) -> bool {
    false
}

/// Detect a static site in `dir`.
pub fn detect(_ctx: &Ctx, _dir: &str) -> Option<Found> {
    None
}
