//! SS-DOCKER-094 `copy-context-without-dockerignore`: the whole build context is copied and
//! nothing is excluded.
//!
//! ## What it does
//! Flags `COPY . …` and `ADD . …` (also `./`, `*`) from the build context when the context has
//! no `.dockerignore` (nor a `<Dockerfile>.dockerignore` beside the Dockerfile). The build
//! context is the one the repository builds the Dockerfile with: a compose service's
//! `build.context` (`context: ..` with `dockerfile: docker/Dockerfile`) or a bake target's
//! `context`, else the one the Dockerfile documents in a comment (`# docker build -f
//! cmd/api/Dockerfile .`, read from the folder where that path names it), else the
//! Dockerfile's own folder. A context that holds nothing such a file would
//! keep out — no `.git` (it is not the repository root), no package manifest or project file
//! (beside which a working copy grows `node_modules`, virtualenvs, `bin`/`obj`), no `.env` or
//! key file, no dependency or build folder — is left alone: a folder with a script and the
//! Dockerfile. So is a Dockerfile in a test folder (`tests/`, `test/`, `e2e/`, `testdata/`,
//! `__tests__/`, `fixtures/`), which builds an image for a test suite, not one to ship.
//!
//! ## Why is this bad?
//! Without a `.dockerignore`, the copy takes everything in the folder: `.git` with its whole
//! history, `.env` files and local credentials, `node_modules` or virtualenvs built for the
//! wrong platform, build output and logs. Secrets end up in the image, the image grows, the
//! context upload slows every build, and any touched file invalidates the layer cache.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-slim
//! WORKDIR /app
//! COPY . .
//! ```
//! with no `.dockerignore` next to it.
//!
//! Use instead: keep the Dockerfile and add a `.dockerignore` such as
//! ```text
//! .git
//! .env*
//! node_modules
//! dist
//! *.log
//! ```
//!
//! ## Fix
//! Add a `.dockerignore` to the build context listing version-control data, secrets, dependency
//! folders and build output — or copy only the paths the image needs.

use shipshape_core::Severity;

use super::util::{is_test_image, whole_context_source};
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct CopyContextWithoutDockerignore;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-094",
    slug: "copy-context-without-dockerignore",
    domain: Domain::Dockerfile,
    severity: Severity::Warning,
    title: "The whole build context is copied but there is no .dockerignore",
    equivalents: &[],
};

impl DockerfileRule for CopyContextWithoutDockerignore {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        if is_test_image(doc.path) {
            return;
        }
        let Some((bare, holds)) = doc.contexts.iter().find_map(|c| {
            c.dockerignore
                .is_none()
                .then_some(())
                .and(c.holds_ignorable.as_ref().map(|h| (c, h)))
        }) else {
            return;
        };
        let context = match (&bare.declared_in, bare.dir.as_str()) {
            (Some(by), "") => format!("the build context (the repository root, per `{by}`)"),
            (Some(by), dir) => format!("the build context `{dir}/` (per `{by}`)"),
            (None, _) => "the build context".to_string(),
        };
        for inst in &doc.ast.instructions {
            if let Some(source) = whole_context_source(inst) {
                out.push(Diagnostic::new(
                    source.span,
                    format!(
                        "{context} is copied whole and has no .dockerignore: {holds} — add \
                         a .dockerignore"
                    ),
                ));
            }
        }
    }
}
