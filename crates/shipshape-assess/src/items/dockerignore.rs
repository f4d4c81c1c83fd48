//! A `.dockerignore` beside every build context: the Dockerfile's folder, a
//! `<name>.dockerignore` beside it, or one at the repository root.

use shipshape_core::Evidence;
use shipshape_detect::ctx::Ctx;

use crate::input::{Input, RuleFindings};
use crate::item::{ItemDef, Outcome, Status};

pub static ITEM: ItemDef = ItemDef {
    id: "dockerignore",
    title: ".dockerignore beside every build context",
    impact: 1,
    effort: 1,
    fix: "Add a .dockerignore next to each Dockerfile that excludes .git, dependency folders, build output and .env files.",
    generator: Some("dockerignore"),
    rules: &[],
    facts: &["containers.dockerfiles", "files: .dockerignore"],
    run,
};

fn run(input: &Input, _found: &RuleFindings) -> Outcome {
    let files = &input.facts.containers.dockerfiles;
    if files.is_empty() {
        return Outcome::not_applicable("no Dockerfiles");
    }
    let ctx = &input.ctx;
    let mut missing = Vec::new();
    // `init --only dockerignore` writes one per service's build context.
    let mut generated = false;
    for d in files {
        let dir = d.path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        let name = d.path.rsplit('/').next().unwrap_or("");
        let own = format!("{name}.dockerignore");
        let has = ctx.exists(&Ctx::join(dir, ".dockerignore"))
            || ctx.exists(&Ctx::join(dir, &own))
            || ctx.exists(".dockerignore");
        if !has {
            let service_dir = |root: &str| {
                let root = if root == "." { "" } else { root };
                root == dir
            };
            generated |= input.facts.services.iter().any(|s| service_dir(&s.root));
            missing.push(Evidence::file(
                &d.path,
                "no .dockerignore for this build context",
            ));
        }
    }
    if missing.is_empty() {
        return Outcome::pass("every build context has a .dockerignore");
    }
    let status = if missing.len() == files.len() {
        Status::Fail
    } else {
        Status::Partial
    };
    let outcome = Outcome::new(
        status,
        format!("{} build context(s) without .dockerignore", missing.len()),
    )
    .with(missing);
    if generated {
        outcome.generated()
    } else {
        outcome
    }
}
