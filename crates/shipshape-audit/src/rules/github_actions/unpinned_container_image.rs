//! ## What it does
//! Flags job and service containers (and `docker://` steps) whose image has no tag, or the
//! `latest` tag.
//!
//! ## Why is this bad?
//! Without a version the job runs whatever the image's publisher pushed last: builds stop being
//! reproducible, and a compromised or broken image reaches the pipeline on its next run with
//! the job's secrets.
//!
//! ## Example
//! ```yaml
//! services:
//!   db:
//!     image: postgres
//! ```
//!
//! ## Fix
//! Name a version, or better a digest:
//! ```yaml
//!     image: postgres:17.2@sha256:…
//! ```

use shipshape_core::Severity;
use shipshape_syntax::github_actions::UsesTarget;
use shipshape_syntax::yaml::Node;

use super::{GithubActionsRule, WorkflowDoc};
use crate::rule::{Diagnostic, Domain, RuleMeta};

pub struct UnpinnedContainerImage;

pub static META: RuleMeta = RuleMeta {
    id: "SS-GHA-013",
    slug: "unpinned-container-image",
    domain: Domain::GithubActions,
    severity: Severity::Warning,
    title: "Container image without a version",
    equivalents: &["zizmor:unpinned-images"],
};

fn unpinned(image: &str) -> bool {
    let image = image.trim();
    if image.is_empty() || image.contains("${{") {
        return false;
    }
    let r = shipshape_syntax::image::parse(image);
    r.digest().is_none() && r.tag().is_none_or(|t| t == "latest")
}

fn flag(node: &Node, image: &str, out: &mut Vec<Diagnostic>) {
    if unpinned(image) {
        out.push(Diagnostic::new(
            node.span,
            format!("`{image}` names no version: the job runs whatever was pushed last"),
        ));
    }
}

impl GithubActionsRule for UnpinnedContainerImage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &WorkflowDoc, out: &mut Vec<Diagnostic>) {
        for job in doc.jobs() {
            let containers = job
                .container
                .iter()
                .chain(job.services.iter().map(|(_, c)| c));
            for c in containers {
                if let Some(image) = c.image {
                    flag(image, image.as_str().unwrap_or(""), out);
                }
            }
        }
        for (_, step) in doc.steps() {
            if let Some(u) = step.uses {
                if let UsesTarget::Docker(image) = u.target {
                    flag(u.node, image, out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use super::*;

    #[test]
    fn flags_images_without_a_version() {
        let src = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    container: node\n    services:\n      db:\n        image: postgres:latest\n      cache:\n        image: redis:7.4\n    steps:\n      - uses: docker://alpine\n";
        let f = findings(&UnpinnedContainerImage, src);
        let spans: Vec<&str> = f.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(spans, ["node", "postgres:latest", "docker://alpine"]);
    }
}
