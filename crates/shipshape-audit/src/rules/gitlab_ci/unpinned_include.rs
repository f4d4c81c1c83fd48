//! ## What it does
//! Flags `include:` entries that pull pipeline configuration from elsewhere without pinning it:
//! a `project:` include without `ref:` (or with a branch-like ref), and any `remote:` URL.
//!
//! ## Why is this bad?
//! Included configuration runs with this project's CI/CD variables and deploy credentials. An
//! unpinned include runs whatever the other project's default branch (or the remote server)
//! serves at the moment the pipeline starts: a change there — or a compromise — changes this
//! pipeline without a commit here.
//!
//! ## Example
//! ```yaml
//! include:
//!   - project: platform/ci-templates
//!     file: /docker.yml
//!   - remote: https://example.com/ci/build.yml
//! ```
//!
//! ## Fix
//! Pin a tag or commit SHA, and vendor remote files into the repository:
//! ```yaml
//! include:
//!   - project: platform/ci-templates
//!     ref: 4f9c2a1e0b7d3c5a6e8f1a2b3c4d5e6f7a8b9c0d
//!     file: /docker.yml
//! ```

use shipshape_core::Severity;
use shipshape_syntax::gitlab_ci::IncludeKind;

use super::{GitlabCiRule, PipelineDoc};
use crate::rule::{Diagnostic, Domain, RuleMeta};

pub struct UnpinnedInclude;

pub static META: RuleMeta = RuleMeta {
    id: "SS-GITLAB-005",
    slug: "gitlab-unpinned-include",
    domain: Domain::GitlabCi,
    severity: Severity::Warning,
    title: "Included configuration not pinned",
    equivalents: &[],
};

impl GitlabCiRule for UnpinnedInclude {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &PipelineDoc, out: &mut Vec<Diagnostic>) {
        for inc in &doc.pipeline.includes {
            let message = match inc.kind {
                IncludeKind::Project { project, git_ref } => match git_ref {
                    None => format!(
                        "`{project}` is included from its default branch: whatever it holds when \
                         the pipeline starts runs here; pin a tag or commit with `ref:`"
                    ),
                    Some(r) if matches!(r, "main" | "master" | "develop" | "HEAD") => format!(
                        "`{project}` is included from branch `{r}`, which moves; pin a tag or \
                         commit"
                    ),
                    Some(_) => continue,
                },
                IncludeKind::Remote(url) => format!(
                    "`{url}` is fetched when each pipeline starts and runs with this project's \
                     variables; vendor it into the repository"
                ),
                _ => continue,
            };
            out.push(Diagnostic::new(inc.node.span, message));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use super::*;

    #[test]
    fn flags_floating_project_and_remote_includes() {
        let src = "include:\n  - project: a/b\n    file: x.yml\n  - project: a/c\n    ref: v1.4.0\n    file: x.yml\n  - remote: https://example.com/x.yml\n  - local: ci/x.yml\n";
        assert_eq!(findings(&UnpinnedInclude, src).len(), 2);
    }
}
