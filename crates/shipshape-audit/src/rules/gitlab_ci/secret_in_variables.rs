//! ## What it does
//! Flags pipeline and job `variables:` whose name says they hold a credential (`PASSWORD`,
//! `TOKEN`, `API_KEY`, `SECRET`…) and whose value is written in the file.
//!
//! ## Why is this bad?
//! `.gitlab-ci.yml` is readable by everyone with access to the repository, forks included, and
//! the value stays in git history after it is removed. It is also shown in job logs with
//! `CI_DEBUG_TRACE`, unlike a masked CI/CD variable.
//!
//! ## Example
//! ```yaml
//! variables:
//!   REGISTRY_PASSWORD: s3cr3t-Pa55
//! ```
//!
//! ## Fix
//! Remove it from the file, rotate it, and define it as a masked and protected CI/CD variable in
//! the project settings (Settings › CI/CD › Variables), or read it from a vault with `secrets:`.

use shipshape_core::secret_names::{is_literal_secret_value, is_secret_name};
use shipshape_core::Severity;
use shipshape_syntax::gitlab_ci::Variable;

use super::{GitlabCiRule, PipelineDoc};
use crate::rule::{Diagnostic, Domain, RuleMeta};

pub struct SecretInVariables;

pub static META: RuleMeta = RuleMeta {
    id: "SS-GITLAB-002",
    slug: "gitlab-secret-in-variables",
    domain: Domain::GitlabCi,
    severity: Severity::Error,
    title: "Credential written in CI variables",
    equivalents: &[],
};

fn check_variable(doc: &PipelineDoc, v: &Variable, out: &mut Vec<Diagnostic>) {
    let Some(value) = v.value else { return };
    let Some(text) = value.as_str() else { return };
    if is_secret_name(v.name) && is_literal_secret_value(text) {
        out.push(
            Diagnostic::new(
                value.span,
                format!(
                    "`{}` holds a credential written in the pipeline file; make it a masked, \
                     protected CI/CD variable and rotate it",
                    v.name
                ),
            )
            .redacting_value(doc.source, value.span),
        );
    }
}

impl GitlabCiRule for SecretInVariables {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &PipelineDoc, out: &mut Vec<Diagnostic>) {
        for v in &doc.pipeline.variables {
            check_variable(doc, v, out);
        }
        for job in &doc.pipeline.jobs {
            for v in job.variables() {
                check_variable(doc, &v, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use super::*;

    #[test]
    fn flags_literal_credentials_but_not_references_or_switches() {
        let src = "variables:\n  REGISTRY_PASSWORD: s3cr3t-Pa55w0rd\n  DOCKER_TLS_CERTDIR: /certs\n  API_TOKEN: $VAULT_TOKEN\ndeploy:\n  variables:\n    DEPLOY_TOKEN: {value: glpat-abcdefghijklmnop1234, description: x}\n  script: [x]\n";
        let f = findings(&SecretInVariables, src);
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(f.iter().all(|(_, m)| !m.contains("s3cr3t")));
    }
}
