//! ## What it does
//! Flags job images (including those from `default:` and `extends:`) and service images that
//! have no tag, or the `latest` tag.
//!
//! ## Why is this bad?
//! The job runs whatever the image's publisher pushed last. Builds stop being reproducible, a
//! new major version breaks the pipeline on an unrelated merge, and a compromised image reaches
//! the job — and its CI/CD variables — on the next run.
//!
//! ## Example
//! ```yaml
//! test:
//!   image: node
//!   script: [npm test]
//! ```
//!
//! ## Fix
//! Name a version, or better a digest:
//! ```yaml
//! test:
//!   image: node:22.12-bookworm
//! ```

use shipshape_core::Severity;
use shipshape_syntax::yaml::Node;

use super::{GitlabCiRule, PipelineDoc};
use crate::rule::{Diagnostic, Domain, RuleMeta};

pub struct UnpinnedImage;

pub static META: RuleMeta = RuleMeta {
    id: "SS-GITLAB-001",
    slug: "gitlab-unpinned-image",
    domain: Domain::GitlabCi,
    severity: Severity::Warning,
    title: "CI image without a version",
    equivalents: &[],
};

fn image_name(node: &Node) -> Option<(&Node, &str)> {
    let n = if node.as_str().is_some() {
        node
    } else {
        node.get("name")?
    };
    Some((n, n.as_str()?.trim()))
}

fn unpinned(image: &str) -> bool {
    // `$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA` is pinned by the variables it is made of.
    if image.is_empty() || image.contains('$') {
        return false;
    }
    let r = shipshape_syntax::image::parse(image);
    r.digest().is_none() && r.tag().is_none_or(|t| t == "latest")
}

impl GitlabCiRule for UnpinnedImage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &PipelineDoc, out: &mut Vec<Diagnostic>) {
        let mut nodes: Vec<&Node> = Vec::new();
        // Images where they are written: each once, whatever inherits them.
        for key in ["image", "services"] {
            if let Some(n) = doc.pipeline.root.get(key) {
                nodes.push(n);
            }
            if let Some(n) = doc.pipeline.default.and_then(|d| d.get(key)) {
                nodes.push(n);
            }
            for job in &doc.pipeline.jobs {
                if let Some(n) = job.node.get(key) {
                    nodes.push(n);
                }
            }
        }
        for node in nodes {
            let images: Vec<&Node> = if node.is_seq() {
                node.items().iter().collect()
            } else {
                vec![node]
            };
            for image in images {
                if let Some((n, name)) = image_name(image) {
                    if unpinned(name) {
                        out.push(Diagnostic::new(
                            n.span,
                            format!(
                                "`{name}` names no version: the job runs whatever was pushed last"
                            ),
                        ));
                    }
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
    fn flags_unversioned_images_where_they_are_written() {
        let src = "default:\n  image: node\ntest:\n  image: {name: 'python:latest'}\n  services: [postgres:17, redis]\n  script: [x]\nbuild:\n  image: $CI_REGISTRY_IMAGE/builder\n  script: [x]\n";
        let f = findings(&UnpinnedImage, src);
        let spans: Vec<&str> = f.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(spans, ["node", "'python:latest'", "redis"]);
    }
}
