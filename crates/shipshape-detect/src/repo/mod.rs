//! Repository-level detection: CI, cloud, orchestrator, IaC, environments, observability,
//! container artifacts and deploy scripts.

use crate::ctx::Ctx;
use crate::model::Facts;

/// Fill the repository-level parts of `facts`.
pub fn detect(_ctx: &Ctx, _facts: &mut Facts) {}
