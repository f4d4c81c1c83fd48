//! Detection of ruby services.

use crate::ctx::Ctx;
use crate::stacks::Found;

/// Detect a ruby service in `dir`.
pub fn detect(_ctx: &Ctx, _dir: &str) -> Option<Found> {
    None
}
