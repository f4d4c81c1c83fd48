//! Verification: every planned file is parsed and audited before anything is written. A
//! generated Dockerfile or compose file with even an info-level finding, YAML that does not
//! parse, a path outside the repository, a `.env`, or a value in `.env.example` for a secret is
//! a bug in shipshape, and `init` refuses to write the plan.
//!
//! Inline suppressions in generated files are honoured exactly as `shipshape audit` honours them
//! on the written file, so what verification accepts is what the user's audit accepts; unused
//! suppressions are reported, so a stale one cannot hide anything.

use std::fmt;
use std::path::Path;

use serde::Serialize;
use shipshape_audit::AuditOptions;
use shipshape_core::{ArtifactKind, Inventory};
use shipshape_diagnostics::Selection;

use crate::env_example::is_secret_name;
use crate::{dir_of, is_dockerfile, join, Plan, PlannedFile};

/// One problem found in a planned file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyError {
    pub path: String,
    /// The audit rule (`SS-COMPOSE-016`), or what else failed: `yaml-syntax`, `unsafe-path`,
    /// `dotenv-planned`, `env-example`.
    pub rule: String,
    /// 1-based; 0 when the problem is the file as a whole.
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}: {}", self.path, self.rule, self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}: {}",
                self.path, self.line, self.column, self.rule, self.message
            )
        }
    }
}

/// What a planned file is, for verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Dockerfile,
    Compose,
    Yaml,
    EnvExample,
    Other,
}

fn kind_of(path: &str) -> Kind {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
    if is_dockerfile(path) {
        Kind::Dockerfile
    } else if yaml && (name.starts_with("compose") || name.starts_with("docker-compose")) {
        Kind::Compose
    } else if yaml {
        Kind::Yaml
    } else if name == ".env.example" {
        Kind::EnvExample
    } else {
        Kind::Other
    }
}

/// Verify a plan on its own: a Dockerfile counts as having a `.dockerignore` only when the plan
/// has one for its build context.
pub fn verify(plan: &Plan) -> Vec<VerifyError> {
    verify_with(plan, |_| false, |_| None)
}

/// Verify a plan for the repository in `inv`: a `.dockerignore` the repository already has
/// counts too.
pub fn verify_in(plan: &Plan, inv: &Inventory) -> Vec<VerifyError> {
    let root = inv.root().to_path_buf();
    verify_with(
        plan,
        move |path| inv.contains(path) || Path::new(&root).join(path).is_file(),
        |path| inv.text_of(path).map(|t| t.to_string()),
    )
}

fn verify_with(
    plan: &Plan,
    in_repo: impl Fn(&str) -> bool,
    read_repo: impl Fn(&str) -> Option<String> + Sync,
) -> Vec<VerifyError> {
    let mut errors = Vec::new();
    let opts = AuditOptions {
        report_unused_ignores: true,
        ..AuditOptions::default()
    };
    // Every audit rule, info included: a generated file with any finding is a bug.
    let selection = shipshape_audit::catalog().select_all();
    for file in &plan.files {
        if let Some(problem) = unsafe_path(&file.path) {
            errors.push(whole_file(file, "unsafe-path", problem));
            continue;
        }
        let name = file.path.rsplit('/').next().unwrap_or(&file.path);
        if name == ".env" {
            errors.push(whole_file(
                file,
                "dotenv-planned",
                "a .env holds real values and is never generated",
            ));
            continue;
        }
        match kind_of(&file.path) {
            Kind::Dockerfile => {
                let ignored = has_dockerignore(plan, &file.path, &in_repo);
                audit(
                    file,
                    ArtifactKind::Dockerfile,
                    ignored,
                    &read_repo,
                    &selection,
                    &opts,
                    &mut errors,
                );
            }
            Kind::Compose => audit(
                file,
                ArtifactKind::Compose,
                false,
                &read_repo,
                &selection,
                &opts,
                &mut errors,
            ),
            Kind::Yaml if ci_kind(&file.path).is_some() => {
                let kind = ci_kind(&file.path).unwrap_or(ArtifactKind::Yaml);
                audit(
                    file,
                    kind,
                    false,
                    &read_repo,
                    &selection,
                    &opts,
                    &mut errors,
                );
            }
            Kind::Yaml => {
                if let Err(e) = shipshape_syntax::yaml::parse(&file.content) {
                    let (line, column) =
                        shipshape_syntax::span::line_col(&file.content, e.span.start);
                    errors.push(VerifyError {
                        path: file.path.clone(),
                        rule: "yaml-syntax".to_string(),
                        line,
                        column,
                        message: e.message,
                    });
                }
            }
            Kind::EnvExample => check_env_example(file, &mut errors),
            Kind::Other => {}
        }
    }
    errors
}

/// A CI file the audit has a domain for (a workflow, `.gitlab-ci.yml`): audited like a
/// Dockerfile, parse errors included.
fn ci_kind(path: &str) -> Option<ArtifactKind> {
    use shipshape_core::artifact::{classify_path, Classification};
    match classify_path(path) {
        Classification::Known(
            k
            @ (ArtifactKind::GithubWorkflow | ArtifactKind::GithubAction | ArtifactKind::GitlabCi),
        ) => Some(k),
        _ => None,
    }
}

fn whole_file(file: &PlannedFile, rule: &str, message: &str) -> VerifyError {
    VerifyError {
        path: file.path.clone(),
        rule: rule.to_string(),
        line: 0,
        column: 0,
        message: message.to_string(),
    }
}

/// Why a planned path could land outside the repository, if it could.
fn unsafe_path(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        return Some("empty path");
    }
    if path.starts_with('/') || path.contains('\\') || path.contains(':') {
        return Some("the path must be relative to the repository, with `/` separators");
    }
    if path
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return Some("the path must not contain empty, `.` or `..` parts");
    }
    None
}

/// Whether the build context of `dockerfile` will have a `.dockerignore` (the context's own, or
/// BuildKit's `<Dockerfile>.dockerignore` beside it).
fn has_dockerignore(plan: &Plan, dockerfile: &str, in_repo: &impl Fn(&str) -> bool) -> bool {
    let context = plan
        .build_contexts
        .iter()
        .find(|c| c.dockerfile == dockerfile)
        .map_or_else(|| dir_of(dockerfile).to_string(), |c| c.context.clone());
    let candidates = [
        join(&context, ".dockerignore"),
        format!("{dockerfile}.dockerignore"),
    ];
    candidates
        .iter()
        .any(|c| plan.files.iter().any(|f| f.path == *c) || in_repo(c))
}

fn audit(
    file: &PlannedFile,
    kind: ArtifactKind,
    has_dockerignore: bool,
    read_repo: &(dyn Fn(&str) -> Option<String> + Sync),
    selection: &Selection,
    opts: &AuditOptions,
    errors: &mut Vec<VerifyError>,
) {
    // The build context's `.dockerignore` was decided above (the plan may build from another
    // folder than the Dockerfile's); answer the audit's question with that.
    let exists = move |p: &str| has_dockerignore && p.ends_with(".dockerignore");
    let findings = shipshape_audit::audit_text_beside(
        &file.path,
        kind,
        &file.content,
        &exists,
        read_repo,
        selection,
        opts,
    );
    errors.extend(findings.into_iter().map(|f| VerifyError {
        path: file.path.clone(),
        rule: f.rule_id.to_string(),
        line: f.location.start.line,
        column: f.location.start.column,
        message: f.message,
    }));
}

/// `.env.example`: only comments and `NAME=value` lines, and no value for a secret.
fn check_env_example(file: &PlannedFile, errors: &mut Vec<VerifyError>) {
    for (i, line) in file.content.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let at = |message: String| VerifyError {
            path: file.path.clone(),
            rule: "env-example".to_string(),
            line: u32::try_from(i + 1).unwrap_or(u32::MAX),
            column: 1,
            message,
        };
        let Some((name, value)) = trimmed.split_once('=') else {
            errors.push(at("not a NAME=value line".to_string()));
            continue;
        };
        let valid_name = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid_name {
            errors.push(at(format!("`{name}` is not a valid variable name")));
        } else if is_secret_name(name) && !value.is_empty() {
            errors.push(at(format!(
                "`{name}` is a secret: .env.example must leave it empty"
            )));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Artifact, Category};

    fn planned(path: &str, content: &str) -> PlannedFile {
        PlannedFile {
            path: path.to_string(),
            content: content.to_string(),
            reason: String::new(),
            category: Category::Docker,
            artifact: Artifact::Compose,
        }
    }

    fn plan_of(files: Vec<PlannedFile>) -> Plan {
        Plan {
            files,
            ..Plan::default()
        }
    }

    #[test]
    fn a_compose_finding_names_the_file_rule_and_line() {
        let plan = plan_of(vec![planned(
            "compose.yaml",
            "services:\n  db:\n    image: postgres\n",
        )]);
        let errors = verify(&plan);
        assert!(
            errors
                .iter()
                .any(|e| e.rule == "SS-COMPOSE-011" && e.line == 3 && e.path == "compose.yaml"),
            "{errors:?}"
        );
        // Info-level rules count too.
        assert!(
            errors.iter().any(|e| e.rule == "SS-COMPOSE-016"),
            "{errors:?}"
        );
    }

    #[test]
    fn yaml_that_does_not_parse_is_an_error_with_its_line() {
        let plan = plan_of(vec![planned("deploy/values.yaml", "a: [1, 2\nb: c\n")]);
        let errors = verify(&plan);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].rule, "yaml-syntax");
        assert!(errors[0].line >= 1);
    }

    #[test]
    fn paths_outside_the_repository_and_dotenv_files_are_refused() {
        let plan = plan_of(vec![
            planned("../escape.yaml", "a: 1\n"),
            planned("/etc/x", ""),
            planned("api/.env", "A=1\n"),
        ]);
        let rules: Vec<String> = verify(&plan).into_iter().map(|e| e.rule).collect();
        assert_eq!(rules, ["unsafe-path", "unsafe-path", "dotenv-planned"]);
    }

    #[test]
    fn a_secret_with_a_value_in_env_example_is_refused() {
        let plan = plan_of(vec![planned(
            ".env.example",
            "# ok\nPOSTGRES_USER=app\nPOSTGRES_PASSWORD=hunter2\n",
        )]);
        let errors = verify(&plan);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            (errors[0].rule.as_str(), errors[0].line),
            ("env-example", 3)
        );
    }

    #[test]
    fn a_dockerfile_counts_the_planned_dockerignore_of_its_context() {
        let dockerfile = "FROM x\nCOPY . /app\n";
        let mut plan = plan_of(vec![planned("web/Dockerfile", dockerfile)]);
        let without: Vec<String> = verify(&plan).into_iter().map(|e| e.message).collect();
        plan.files.push(planned("web/.dockerignore", ".git\n"));
        let with: Vec<String> = verify(&plan).into_iter().map(|e| e.message).collect();
        assert!(with.len() < without.len(), "{without:?} vs {with:?}");
    }
}
