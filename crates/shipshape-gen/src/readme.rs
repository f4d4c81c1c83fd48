//! Generator: `README.Docker.md` — how to build and run what `init` generated, what each file is
//! for, and what to do next. Only written when the repository has no Docker documentation yet.
//!
//! The text is `templates/readme/README.Docker.md` with a few `{{slot}}`s filled in by plain
//! string replacement: the lists that go into the slots are built here, so a template engine
//! would add a dependency without making anything clearer.

use std::fmt::Write as _;

use shipshape_core::Inventory;
use shipshape_detect::Facts;

use crate::compose::{local_stack, table};
use crate::{Artifact, Category, Plan, PlannedFile};

pub const README_DOCKER: &str = "README.Docker.md";

const TEMPLATE: &str = include_str!("../templates/readme/README.Docker.md");

/// Files that already document how to run the repository with Docker.
const DOCKER_DOCS: &[&str] = &[
    "readme.docker.md",
    "docker.md",
    "docs/docker.md",
    "docs/docker/readme.md",
];

/// Whether the repository already explains how to run it with Docker: a Docker doc, or a root
/// README that shows the commands.
fn has_docker_doc(inv: &Inventory) -> bool {
    let named = inv
        .files()
        .iter()
        .any(|f| DOCKER_DOCS.contains(&f.path.to_ascii_lowercase().as_str()));
    named
        || inv
            .files()
            .iter()
            .filter(|f| !f.path.contains('/') && f.path.to_ascii_lowercase().starts_with("readme"))
            .filter_map(|f| inv.text(f))
            .any(|text| {
                let lower = text.to_ascii_lowercase();
                [
                    "docker compose",
                    "docker-compose",
                    "docker build",
                    "docker run",
                ]
                .iter()
                .any(|cmd| lower.contains(cmd))
            })
}

/// Fill `{{name}}` slots; a slot without a value is left for the unit test to catch.
fn fill(template: &str, slots: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (name, value) in slots {
        out = out.replace(&format!("{{{{{name}}}}}"), value.trim_end());
    }
    out
}

/// Add `README.Docker.md` to `plan` when the repository has no Docker documentation.
pub fn plan(facts: &Facts, inv: &Inventory, plan: &mut Plan) {
    if facts.services.is_empty() || plan.files.is_empty() || has_docker_doc(inv) {
        return;
    }
    let Ok(table) = table() else {
        return;
    };
    let stack = local_stack(facts, inv, plan, table);

    let mut files = String::new();
    let mut listed: Vec<&PlannedFile> = plan.files.iter().collect();
    listed.sort_by(|a, b| a.path.cmp(&b.path));
    for f in listed {
        let _ = write!(files, "- `{}`: {}.", f.path, f.reason.trim_end_matches('.'));
        if inv.contains(&f.path) {
            files.push_str(" (It was already here: shipshape kept your version.)");
        }
        files.push('\n');
    }

    let mut services = String::from("Then open:\n\n");
    for app in &stack.apps {
        match app.port {
            Some((host, _)) => {
                let health = app
                    .target
                    .service
                    .health_path
                    .as_ref()
                    .map(|h| format!(" (health: http://127.0.0.1:{host}{})", h.value))
                    .unwrap_or_default();
                let _ = writeln!(
                    services,
                    "- `{}`: http://127.0.0.1:{host}{health}",
                    app.name
                );
            }
            None => {
                let _ = writeln!(services, "- `{}`: no published port", app.name);
            }
        }
    }
    for b in &stack.backing {
        let _ = writeln!(
            services,
            "- {} (`{}`): 127.0.0.1:{}, data in the `{}-data` volume",
            b.image.name, b.facts.id, b.image.port, b.facts.id
        );
    }

    let mut builds = String::from("```sh\n");
    for app in &stack.apps {
        let _ = writeln!(
            builds,
            "docker build -t {} -f {} {}",
            app.name, app.target.dockerfile, app.target.context
        );
    }
    builds.push_str("```\n");

    let content = fill(
        TEMPLATE,
        &[("files", files), ("services", services), ("builds", builds)],
    );
    plan.files.push(PlannedFile {
        path: README_DOCKER.to_string(),
        content,
        reason: "How to build and run the generated files, and what to do next; the repository \
                 had no Docker documentation"
            .to_string(),
        category: Category::Docker,
        artifact: Artifact::Docker,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_slot_of_the_template_is_filled() {
        let text = fill(
            TEMPLATE,
            &[
                ("files", "a".into()),
                ("services", "b".into()),
                ("builds", "c".into()),
            ],
        );
        assert!(!text.contains("{{"), "{text}");
    }
}
