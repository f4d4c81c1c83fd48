//! Detection of php services.

use crate::ctx::Ctx;
use crate::stacks::Found;

/// Detect a php service in `dir`.
pub fn detect(_ctx: &Ctx, _dir: &str) -> Option<Found> {
    None
}
