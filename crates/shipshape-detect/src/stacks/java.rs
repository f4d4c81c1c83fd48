//! Detection of java services.

use crate::ctx::Ctx;
use crate::stacks::Found;

/// Detect a java service in `dir`.
pub fn detect(_ctx: &Ctx, _dir: &str) -> Option<Found> {
    None
}
