//! Detection of dotnet services.

use crate::ctx::Ctx;
use crate::stacks::Found;

/// Detect a dotnet service in `dir`.
pub fn detect(_ctx: &Ctx, _dir: &str) -> Option<Found> {
    None
}
