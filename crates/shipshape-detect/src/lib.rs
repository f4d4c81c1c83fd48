//! Detection: from an [`Inventory`] to [`Facts`] — the services of a repository, their stacks,
//! and the infrastructure around them, every value with its evidence.

pub mod ctx;
mod link;
pub mod model;
mod overrides;
pub mod repo;
pub mod scan;
pub mod stacks;
pub mod summary;
pub mod text;

use shipshape_core::Inventory;

pub use model::*;
pub use summary::Summary;

use rayon::prelude::*;

use crate::ctx::Ctx;
use crate::stacks::Found;

/// Detect everything shipshape knows how to about the repository in `inv`.
pub fn detect(inv: &Inventory) -> Facts {
    let probe = Ctx::new(inv, Vec::new());
    let roots = stacks::candidate_roots(&probe);
    let ctx = Ctx::new(inv, roots.clone());
    // Notes raised while finding roots (unreadable manifests) still count.
    let mut notes = probe.take_notes();

    let mut facts = Facts::default();
    let mut tools = Vec::new();
    let mut packages = Vec::new();
    // Each candidate folder on its own core, the results taken in folder order; the
    // repository-level facts that do not need the services are found meanwhile.
    let (per_dir, repo_scan) = rayon::join(
        || -> Vec<Vec<Found>> {
            roots
                .par_iter()
                .map(|dir| stacks::detect_dir(&ctx, dir))
                .collect()
        },
        || repo::scan(&ctx),
    );
    for found_here in per_dir {
        for found in found_here {
            match found {
                Found::Service(s) => facts.services.push(*s),
                Found::Library { name } => packages.push(name),
                Found::WorkspaceRoot { tools: t } => tools.extend(t),
            }
        }
    }
    if !tools.is_empty() || facts.services.len() > 1 || !packages.is_empty() {
        packages.sort();
        packages.dedup();
        if !tools.is_empty() || !packages.is_empty() {
            facts.monorepo = Some(Monorepo { tools, packages });
        }
    }
    facts.services.par_iter_mut().for_each(|svc| {
        stacks::processes::attach(&ctx, svc);
        stacks::storage::attach(&ctx, svc);
        stacks::env_needs::attach(&ctx, svc);
    });
    unique_names(&mut facts.services);

    repo::finish(&ctx, &mut facts, repo_scan);
    link::link(&ctx, &mut facts);
    let settled = overrides::apply(inv.config(), &ctx, &mut facts);

    notes.extend(ctx.take_notes());
    notes.sort();
    notes.dedup();
    facts.notes = notes;
    facts.ambiguities = ctx
        .take_ambiguities()
        .into_iter()
        .filter(|a| !settled.contains(&a.subject))
        .collect();
    facts.skipped = inv.skipped();
    facts
}

/// Two services with the same name get their folder path as name instead.
fn unique_names(services: &mut [Service]) {
    services.sort_by(|a, b| a.root.cmp(&b.root));
    let names: Vec<String> = services.iter().map(|s| s.name.clone()).collect();
    for s in services.iter_mut() {
        if names.iter().filter(|n| **n == s.name).count() > 1 {
            s.name = if s.root == "." {
                s.name.clone()
            } else {
                s.root.replace('/', "-")
            };
        }
    }
}
