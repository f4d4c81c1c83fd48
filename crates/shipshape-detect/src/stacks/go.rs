//! Detection of go services.

use crate::ctx::Ctx;
use crate::stacks::Found;

/// Detect a go service in `dir`.
pub fn detect(_ctx: &Ctx, _dir: &str) -> Option<Found> {
    None
}
