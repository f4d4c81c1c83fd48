//! ## What it does
//! Flags deploy jobs (jobs with an `environment:`, or in a `deploy` stage) that have no `rules:`
//! or `only:`, in a pipeline whose `workflow:` does not restrict where pipelines run either.
//!
//! ## Why is this bad?
//! Without rules a job runs in every pipeline: every branch push and every merge request
//! deploys, so an unreviewed branch reaches the environment, and two branches overwrite each
//! other's deployment.
//!
//! ## Example
//! ```yaml
//! deploy:
//!   stage: deploy
//!   environment: production
//!   script: [./deploy.sh]
//! ```
//!
//! ## Fix
//! Run it on the default branch only (and protect the environment):
//! ```yaml
//! deploy:
//!   stage: deploy
//!   environment: production
//!   script: [./deploy.sh]
//!   rules:
//!     - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
//! ```

use shipshape_core::Severity;

use super::{GitlabCiRule, PipelineDoc};
use crate::rule::{Diagnostic, Domain, RuleMeta};

pub struct DeployWithoutRules;

pub static META: RuleMeta = RuleMeta {
    id: "SS-GITLAB-003",
    slug: "gitlab-deploy-without-rules",
    domain: Domain::GitlabCi,
    severity: Severity::Warning,
    title: "Deploy job runs on every branch",
    equivalents: &[],
};

impl GitlabCiRule for DeployWithoutRules {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &PipelineDoc, out: &mut Vec<Diagnostic>) {
        if doc.pipeline.workflow.and_then(|w| w.get("rules")).is_some() {
            return;
        }
        for job in doc.pipeline.visible_jobs() {
            if !job.is_deploy() {
                continue;
            }
            let restricted = ["rules", "only", "except"]
                .iter()
                .any(|k| job.get(k).is_some())
                || job.get("when").and_then(|w| w.as_str()) == Some("manual");
            if !restricted {
                out.push(Diagnostic::new(
                    job.key.span,
                    format!(
                        "deploy job `{}` has no `rules:`: every branch and merge request \
                         pipeline deploys",
                        job.name
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use super::*;

    #[test]
    fn flags_unrestricted_deploy_jobs_only() {
        let src = ".base:\n  rules: [{if: $CI_COMMIT_TAG}]\ndeploy:\n  environment: production\n  script: [x]\nrelease:\n  extends: .base\n  environment: production\n  script: [x]\ntest:\n  script: [x]\n";
        let f = findings(&DeployWithoutRules, src);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, "deploy");
    }
}
