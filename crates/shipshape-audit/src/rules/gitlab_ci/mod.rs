//! GitLab CI rules, one per file, over the pipeline model of `shipshape-syntax`: unpinned images
//! and includes, secrets written in `variables:`, deploy jobs that run on every branch, and
//! security scans allowed to fail. Jobs are read through `extends:` and `default:`.

use shipshape_core::ArtifactKind;
use shipshape_syntax::gitlab_ci::{self, Pipeline};

use crate::rule::{AuditDomain, AuditFile, Diagnostic, Domain, RuleMeta, Sink};

pub mod deploy_without_rules;
pub mod secret_in_variables;
pub mod security_job_allowed_to_fail;
pub mod unpinned_image;
pub mod unpinned_include;

/// One pipeline document as rules see it.
pub struct PipelineDoc<'a> {
    pub path: &'a str,
    pub source: &'a str,
    pub pipeline: &'a Pipeline<'a>,
}

/// A GitLab CI rule.
pub trait GitlabCiRule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, doc: &PipelineDoc, out: &mut Vec<Diagnostic>);
}

/// Every GitLab CI rule, in ID order (a test keeps it so): the registry of the domain.
pub static RULES: &[&dyn GitlabCiRule] = &[
    &unpinned_image::UnpinnedImage,
    &secret_in_variables::SecretInVariables,
    &deploy_without_rules::DeployWithoutRules,
    &security_job_allowed_to_fail::SecurityJobAllowedToFail,
    &unpinned_include::UnpinnedInclude,
];

/// The GitLab CI domain: `.gitlab-ci.yml` and the files under `.gitlab/ci/` it includes.
pub struct GitlabCiDomain;

impl AuditDomain for GitlabCiDomain {
    fn domain(&self) -> Domain {
        Domain::GitlabCi
    }

    fn rules(&self) -> Vec<&'static RuleMeta> {
        RULES.iter().map(|r| r.meta()).collect()
    }

    fn accepts(&self, kind: ArtifactKind) -> bool {
        kind == ArtifactKind::GitlabCi
    }

    fn check(&self, file: &AuditFile<'_>, enabled: &[bool], sink: &mut Sink) {
        let docs = match super::github_actions::parse(file) {
            Ok(docs) => docs,
            Err(e) => {
                sink.parse_error(
                    e.span,
                    format!(
                        "YAML syntax: {} — shipshape skipped the rules for this file",
                        e.message
                    ),
                );
                return;
            }
        };
        for root in docs.iter() {
            let Some(pipeline) = gitlab_ci::pipeline(root) else {
                continue;
            };
            let doc = PipelineDoc {
                path: file.path,
                source: file.source,
                pipeline: &pipeline,
            };
            for (rule, _) in RULES.iter().zip(enabled).filter(|(_, on)| **on) {
                let mut out = Vec::new();
                rule.check(&doc, &mut out);
                sink.extend(rule.meta(), out);
            }
        }
    }
}

/// Runs one rule over a pipeline text and returns each finding as (underlined text, message).
#[cfg(test)]
pub(crate) fn findings(rule: &dyn GitlabCiRule, source: &str) -> Vec<(String, String)> {
    let docs = shipshape_syntax::yaml::parse(source).unwrap_or_else(|e| panic!("{e:?}"));
    let mut out = Vec::new();
    for root in &docs {
        let p = gitlab_ci::pipeline(root).expect("a pipeline");
        let doc = PipelineDoc {
            path: ".gitlab-ci.yml",
            source,
            pipeline: &p,
        };
        rule.check(&doc, &mut out);
    }
    out.into_iter()
        .map(|d| (d.span.text(source).to_owned(), d.message))
        .collect()
}
