//! The repository's CI pipelines as the checklist reads them, from the GitHub Actions and GitLab
//! CI models of `shipshape-syntax` (each file parsed once per run, shared with the audit): when a
//! pipeline runs, and for each job whether it runs tests or lint, builds an image, scans one,
//! rolls a deploy back, and which jobs it waits for.

use std::collections::BTreeSet;
use std::sync::Arc;

use shipshape_core::{ArtifactKind, Evidence};
use shipshape_syntax::github_actions as gha;
use shipshape_syntax::gitlab_ci;
use shipshape_syntax::yaml::Node;

use crate::input::Input;

/// Commands and actions that run tests or lint.
const TEST_WORDS: &[&str] = &[
    "test",
    "pytest",
    "jest",
    "vitest",
    "lint",
    "eslint",
    "ruff",
    "clippy",
    "go vet",
    "rspec",
    "phpunit",
    "mvn verify",
    "mvnw -b verify",
    "gradle check",
    "gradlew build",
    "gradle build",
    "dotnet test",
];

/// Commands and actions that build a container image.
const BUILD_WORDS: &[&str] = &[
    "docker build",
    "docker/build-push-action",
    "buildx build",
    "docker push",
    "kaniko",
    "buildah",
    "docker compose build",
    "ko build",
    "jib",
];

/// Image vulnerability scanners, as they appear in a command or an action name.
pub const SCANNERS: &[&str] = &[
    "trivy",
    "grype",
    "snyk",
    "docker scout",
    "anchore",
    "clair",
    "twistcli",
    "container_scanning",
    "container-scanning",
];

/// Commands that roll a failed deploy back.
pub const ROLLBACKS: &[&str] = &[
    "--atomic",
    "rollout undo",
    "--rollback-on-failure",
    "helm rollback",
];

/// One job of a pipeline.
#[derive(Debug, Clone)]
pub struct CiJob {
    pub name: String,
    /// Where the job is defined (its key).
    pub offset: usize,
    /// Commands and action names of the job, lower-cased, one per line.
    pub commands: String,
    pub needs: Vec<String>,
    /// GitLab: the position of the job's stage (earlier stages run first).
    pub stage: Option<usize>,
}

impl CiJob {
    pub fn runs_tests(&self) -> bool {
        TEST_WORDS.iter().any(|w| self.commands.contains(w)) && !self.builds_image()
    }

    pub fn builds_image(&self) -> bool {
        BUILD_WORDS.iter().any(|w| self.commands.contains(w))
    }

    /// The scanner the job runs, if any.
    pub fn scanner(&self) -> Option<&'static str> {
        SCANNERS.iter().copied().find(|s| self.commands.contains(s))
    }

    pub fn rollback(&self) -> Option<&'static str> {
        ROLLBACKS
            .iter()
            .copied()
            .find(|s| self.commands.contains(s))
    }
}

/// One pipeline file.
#[derive(Debug, Clone)]
pub struct Pipeline {
    pub path: String,
    pub text: Arc<str>,
    pub system: &'static str,
    /// Whether it runs on pushes or pull/merge requests (not only on a schedule, by hand or on
    /// another workflow's events).
    pub on_every_change: bool,
    pub jobs: Vec<CiJob>,
}

impl Pipeline {
    pub fn evidence(&self, offset: usize, note: impl Into<String>) -> Evidence {
        Evidence::at_offset(&self.path, &self.text, offset, note)
    }

    /// Whether `job` runs only after a test job passed: a test job among the jobs it needs
    /// (directly or through them), or — GitLab without `needs:` — in an earlier stage.
    pub fn waits_for_tests(&self, job: &CiJob) -> bool {
        let mut seen = BTreeSet::new();
        let mut queue: Vec<&str> = job.needs.iter().map(String::as_str).collect();
        while let Some(name) = queue.pop() {
            if !seen.insert(name) {
                continue;
            }
            if let Some(j) = self.jobs.iter().find(|j| j.name == name) {
                if j.runs_tests() {
                    return true;
                }
                queue.extend(j.needs.iter().map(String::as_str));
            }
        }
        match job.stage {
            Some(stage) if job.needs.is_empty() => self
                .jobs
                .iter()
                .any(|j| j.runs_tests() && j.stage.is_some_and(|s| s < stage)),
            _ => false,
        }
    }
}

/// Events that run a workflow for every change.
const CHANGE_EVENTS: &[&str] = &["push", "pull_request", "merge_group"];

fn lines_of(node: Option<&Node>, out: &mut String) {
    let Some(node) = node else { return };
    for s in gha::scalars(node) {
        if let Some(t) = s.as_str() {
            out.push_str(&t.to_ascii_lowercase());
            out.push('\n');
        }
    }
}

fn github(path: &str, text: Arc<str>, root: &Node) -> Option<Pipeline> {
    let wf = gha::workflow(root)?;
    let jobs = wf
        .jobs
        .iter()
        .map(|j| {
            let mut commands = String::new();
            for step in &j.steps {
                lines_of(step.run, &mut commands);
                if let Some(u) = step.uses {
                    lines_of(Some(u.node), &mut commands);
                }
                // Inputs name what an action runs (`args: test`, `command: helm upgrade --atomic`).
                for e in &step.with {
                    lines_of(Some(&e.value), &mut commands);
                }
            }
            if let Some(u) = j.uses {
                lines_of(Some(u.node), &mut commands);
            }
            CiJob {
                name: j.id.to_string(),
                offset: j.key.span.start,
                commands,
                needs: j
                    .needs
                    .iter()
                    .filter_map(|n| n.as_str())
                    .map(str::to_string)
                    .collect(),
                stage: None,
            }
        })
        .collect();
    Some(Pipeline {
        path: path.to_string(),
        text,
        system: "GitHub Actions",
        on_every_change: wf.triggers.iter().any(|t| CHANGE_EVENTS.contains(&t.event)),
        jobs,
    })
}

fn gitlab(path: &str, text: Arc<str>, root: &Node) -> Option<Pipeline> {
    let p = gitlab_ci::pipeline(root)?;
    let stages: Vec<&str> = if p.stages.is_empty() {
        // GitLab's default stages.
        vec![".pre", "build", "test", "deploy", ".post"]
    } else {
        p.stages.iter().filter_map(|s| s.as_str()).collect()
    };
    let templates: String = p
        .includes
        .iter()
        .filter_map(|i| match i.kind {
            gitlab_ci::IncludeKind::Template(t) => Some(t.to_ascii_lowercase()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut jobs: Vec<CiJob> = p
        .visible_jobs()
        .map(|j| {
            let mut commands = String::new();
            for line in j.script_lines() {
                lines_of(Some(line), &mut commands);
            }
            if let Some(image) = j.image() {
                commands.push_str(&image.name.to_ascii_lowercase());
                commands.push('\n');
            }
            commands.push_str(&j.name.to_ascii_lowercase());
            let stage = j.stage().unwrap_or("test");
            CiJob {
                name: j.name.to_string(),
                offset: j.key.span.start,
                commands,
                needs: j
                    .get("needs")
                    .map(|n| {
                        n.items()
                            .iter()
                            .filter_map(|i| i.as_str().or_else(|| i.get("job")?.as_str()))
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default(),
                stage: stages.iter().position(|s| *s == stage),
            }
        })
        .collect();
    // Jobs included from GitLab's templates (Container-Scanning, SAST…) are not in the file;
    // what they do is named by the template.
    if !templates.is_empty() {
        jobs.push(CiJob {
            name: "include".to_string(),
            offset: root.get("include").map_or(0, |n| n.span.start),
            commands: templates,
            needs: Vec::new(),
            stage: None,
        });
    }
    Some(Pipeline {
        path: path.to_string(),
        text,
        system: "GitLab CI",
        on_every_change: true,
        jobs,
    })
}

/// Every GitHub Actions workflow and GitLab CI file that parses.
pub fn pipelines(input: &Input) -> Vec<Pipeline> {
    let mut out = Vec::new();
    for f in input.inv.files() {
        let read: fn(&str, Arc<str>, &Node) -> Option<Pipeline> = match f.kind {
            ArtifactKind::GithubWorkflow => github,
            ArtifactKind::GitlabCi => gitlab,
            _ => continue,
        };
        let (Ok(docs), Some(text)) = (
            shipshape_syntax::documents::yaml(input.inv, f),
            input.inv.text(f),
        ) else {
            continue;
        };
        if let Some(p) = docs.first().and_then(|d| read(&f.path, text, d)) {
            out.push(p);
        }
    }
    out
}

/// Whether the repository has CI configuration shipshape does not model (CircleCI, Jenkins, …).
pub fn other_ci(input: &Input) -> Vec<String> {
    input
        .inv
        .of_kind(ArtifactKind::CiConfig)
        .map(|f| f.path.clone())
        .collect()
}
