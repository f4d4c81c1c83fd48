//! The production-readiness assessment: the engineering standards shipshape encodes, checked one
//! by one against the repository's facts and artifacts. Each item says pass, partial, fail, not
//! applicable, or not yet checked (when the check needs an audit shipshape does not run yet —
//! never a guess), with its evidence and what to do about it.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;
use shipshape_core::{ArtifactKind, Evidence, Inventory};

use crate::ctx::{line_of, Ctx};
use crate::model::{value_name, BackingKind, Facts, Orchestrator};

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Pass,
    Partial,
    Fail,
    NotApplicable,
    NotYetChecked,
}

impl Status {
    /// Credit towards the score; `None` for items that do not count.
    fn credit(self) -> Option<f64> {
        match self {
            Status::Pass => Some(1.0),
            Status::Partial => Some(0.5),
            Status::Fail => Some(0.0),
            Status::NotApplicable | Status::NotYetChecked => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Partial => "partial",
            Status::Fail => "fail",
            Status::NotApplicable => "n/a",
            Status::NotYetChecked => "not yet checked",
        }
    }
}

/// One checklist item, as defined in [`CHECKS`].
#[derive(Debug, Clone, Copy)]
pub struct CheckDef {
    pub id: &'static str,
    pub title: &'static str,
    /// 1 (nice to have) to 3 (an outage or a breach waiting to happen).
    pub impact: u8,
    /// 1 (a few lines) to 3 (a project).
    pub effort: u8,
    /// What to do when it does not pass.
    pub fix: &'static str,
    run: fn(&Ctx, &Facts) -> Outcome,
}

struct Outcome {
    status: Status,
    summary: String,
    evidence: Vec<Evidence>,
}

fn outcome(status: Status, summary: impl Into<String>, evidence: Vec<Evidence>) -> Outcome {
    Outcome {
        status,
        summary: summary.into(),
        evidence,
    }
}

/// One assessed item.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Item {
    pub id: &'static str,
    pub title: &'static str,
    pub status: Status,
    /// One line on what was found.
    pub summary: String,
    pub evidence: Vec<Evidence>,
    #[schemars(range(min = 1, max = 3))]
    pub impact: u8,
    #[schemars(range(min = 1, max = 3))]
    pub effort: u8,
    /// What would make it pass (empty when it passes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<&'static str>,
}

/// The whole assessment.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Assessment {
    /// 0–100: impact-weighted share of the checked items that pass (partial counts half).
    #[schemars(range(max = 100))]
    pub score: u32,
    pub grade: &'static str,
    pub counts: Counts,
    pub items: Vec<Item>,
    /// Up to five failing or partial items with the most impact for the least effort.
    pub quick_wins: Vec<&'static str>,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Counts {
    pub pass: usize,
    pub partial: usize,
    pub fail: usize,
    pub not_applicable: usize,
    pub not_yet_checked: usize,
}

/// The checklist, in the order it is shown.
pub const CHECKS: &[CheckDef] = &[
    CheckDef { id: "no-hardcoded-secrets", title: "No hardcoded secrets", impact: 3, effort: 2,
        fix: "Move secrets to environment variables or a secrets manager; never commit .env files (add them to .gitignore and rotate what was committed).",
        run: check_secrets },
    CheckDef { id: "ci-pipeline", title: "CI runs on every change", impact: 3, effort: 2,
        fix: "Add a CI pipeline (e.g. .github/workflows/ci.yml) that runs lint and tests on every push and pull request.",
        run: check_ci },
    CheckDef { id: "fail-fast-ci", title: "Fail-fast CI: lint and test before any image build", impact: 2, effort: 1,
        fix: "Make the image build/push job depend on the test job (`needs: test`), so a failing test stops the pipeline before anything is built.",
        run: check_fail_fast },
    CheckDef { id: "multi-stage-builds", title: "Multi-stage container builds", impact: 2, effort: 2,
        fix: "Write a multi-stage Dockerfile per service: build in one stage, copy only the artifacts into a small runtime stage.",
        run: check_multi_stage },
    CheckDef { id: "pinned-base-images", title: "Pinned base images", impact: 2, effort: 1,
        fix: "Pin every FROM to an explicit version tag (and ideally a digest): `FROM node:22.11-slim@sha256:…`, never `latest`.",
        run: check_pinned_images },
    CheckDef { id: "non-root-containers", title: "Containers run as a non-root user", impact: 3, effort: 1,
        fix: "Add a numeric non-root `USER 10001` to the final stage of each Dockerfile and `runAsNonRoot: true` to pod security contexts.",
        run: check_non_root },
    CheckDef { id: "dockerignore", title: ".dockerignore beside every build context", impact: 1, effort: 1,
        fix: "Add a .dockerignore next to each Dockerfile that excludes .git, dependency folders, build output and .env files.",
        run: check_dockerignore },
    CheckDef { id: "hardened-runtime", title: "Read-only root filesystem, dropped capabilities", impact: 2, effort: 1,
        fix: "Set `readOnlyRootFilesystem: true`, `allowPrivilegeEscalation: false` and `capabilities: {drop: [ALL]}` in every container's securityContext.",
        run: check_hardened_runtime },
    CheckDef { id: "least-privilege-ci", title: "Least-privilege CI tokens", impact: 2, effort: 1,
        fix: "Declare `permissions: contents: read` at the top of every workflow and grant more only to the job that needs it.",
        run: check_least_privilege_ci },
    CheckDef { id: "zero-downtime-rollout", title: "Zero-downtime rollouts", impact: 3, effort: 2,
        fix: "Deploy with a rolling (or blue-green/canary) strategy: at least 2 replicas, a readiness probe, and `maxUnavailable: 0`.",
        run: check_rollout },
    CheckDef { id: "automatic-rollback", title: "Automatic rollback on failed deploys", impact: 2, effort: 2,
        fix: "Roll back automatically: `helm upgrade --atomic`, Argo Rollouts/Flagger analysis, or the ECS deployment circuit breaker with `rollback = true`.",
        run: check_rollback },
    CheckDef { id: "infrastructure-as-code", title: "Infrastructure as code", impact: 2, effort: 3,
        fix: "Describe the infrastructure in Terraform (or Pulumi/CDK) in the repository instead of clicking it together in a console.",
        run: check_iac },
    CheckDef { id: "environment-separation", title: "Separate dev, staging and production", impact: 2, effort: 2,
        fix: "Keep one configuration per environment: Kustomize overlays or Helm values per env, tfvars per env, and CI environments with protection rules for production.",
        run: check_environments },
    CheckDef { id: "structured-logs", title: "Structured (JSON) logs", impact: 2, effort: 1,
        fix: "Log JSON to stdout with a structured logger (pino, structlog, zap/slog, tracing-subscriber json, logstash encoder, Serilog).",
        run: check_logs },
    CheckDef { id: "metrics", title: "Application metrics (Prometheus/OpenTelemetry)", impact: 2, effort: 1,
        fix: "Expose a /metrics endpoint with a Prometheus client or export OpenTelemetry metrics from every service.",
        run: check_metrics },
    CheckDef { id: "health-probes", title: "Liveness and readiness probes", impact: 3, effort: 1,
        fix: "Give each service a health endpoint and wire it as separate liveness and readiness probes in its deployment.",
        run: check_probes },
    CheckDef { id: "autoscaling", title: "Autoscaling", impact: 2, effort: 1,
        fix: "Add a HorizontalPodAutoscaler (or KEDA ScaledObject / ECS service autoscaling) with CPU or request-based targets.",
        run: check_autoscaling },
    CheckDef { id: "slo-alerting", title: "Alerting on SLOs", impact: 2, effort: 2,
        fix: "Define alert rules on error rate and latency SLOs (PrometheusRule or Alertmanager rules) and route them to on-call.",
        run: check_alerting },
    CheckDef { id: "backups", title: "Database backups with retention and a tested restore", impact: 3, effort: 2,
        fix: "Enable automated backups with a retention period (e.g. `backup_retention_period = 14`) and add a scheduled restore test or a restore runbook.",
        run: check_backups },
    CheckDef { id: "cve-scanning", title: "Image CVE scanning in the pipeline", impact: 2, effort: 1,
        fix: "Scan every built image in CI (e.g. `aquasecurity/trivy-action` with `severity: CRITICAL,HIGH` and `exit-code: 1`).",
        run: check_cve_scanning },
    CheckDef { id: "private-databases", title: "Databases on private networks", impact: 3, effort: 2,
        fix: "Keep databases off the public internet: `publicly_accessible = false`, no 0.0.0.0/0 ingress on database ports, local ports bound to 127.0.0.1.",
        run: check_private_databases },
    CheckDef { id: "runbooks", title: "Runbooks", impact: 1, effort: 1,
        fix: "Write a runbook per service (docs/runbooks/): how to deploy, roll back, restore a backup and handle each alert.",
        run: check_runbooks },
];

/// Assess the repository in `inv` whose facts are `facts`.
pub fn assess(inv: &Inventory, facts: &Facts) -> Assessment {
    let roots: Vec<String> = facts.services.iter().map(|s| s.root.clone()).collect();
    let ctx = Ctx::new(inv, roots);
    let mut items = Vec::new();
    let mut counts = Counts::default();
    let (mut earned, mut possible) = (0.0, 0.0);
    for def in CHECKS {
        let o = (def.run)(&ctx, facts);
        match o.status {
            Status::Pass => counts.pass += 1,
            Status::Partial => counts.partial += 1,
            Status::Fail => counts.fail += 1,
            Status::NotApplicable => counts.not_applicable += 1,
            Status::NotYetChecked => counts.not_yet_checked += 1,
        }
        if let Some(c) = o.status.credit() {
            earned += c * f64::from(def.impact);
            possible += f64::from(def.impact);
        }
        let mut evidence = o.evidence;
        evidence.sort();
        evidence.dedup();
        evidence.truncate(8);
        items.push(Item {
            id: def.id,
            title: def.title,
            status: o.status,
            summary: o.summary,
            evidence,
            impact: def.impact,
            effort: def.effort,
            fix: (!matches!(o.status, Status::Pass | Status::NotApplicable)).then_some(def.fix),
        });
    }
    let score = if possible > 0.0 {
        (100.0 * earned / possible).round() as u32
    } else {
        0
    };
    let mut wins: Vec<&Item> = items
        .iter()
        .filter(|i| matches!(i.status, Status::Fail | Status::Partial))
        .collect();
    // Most impact per unit of effort first; then higher impact; then checklist order.
    wins.sort_by(|a, b| {
        let ra = f64::from(a.impact) / f64::from(a.effort);
        let rb = f64::from(b.impact) / f64::from(b.effort);
        rb.total_cmp(&ra).then(b.impact.cmp(&a.impact))
    });
    Assessment {
        score,
        grade: grade(score),
        counts,
        quick_wins: wins.iter().take(5).map(|i| i.id).collect(),
        items,
    }
}

fn grade(score: u32) -> &'static str {
    match score {
        90.. => "A",
        75..=89 => "B",
        60..=74 => "C",
        40..=59 => "D",
        _ => "F",
    }
}

// ---------------------------------------------------------------------------------------------
// Reading artifacts. Assessment only needs a few keys of each, read from the parsed value; the
// line in the evidence is the first line that names the key.

/// Every Kubernetes object in the repository, with its file's text.
fn k8s_objects(ctx: &Ctx) -> Vec<(String, std::sync::Arc<str>, Value)> {
    let mut out = Vec::new();
    for f in ctx.inv.of_kind(ArtifactKind::KubernetesManifest) {
        if let Some((text, docs)) = ctx.yaml_documents(&f.path) {
            for d in docs.into_iter().filter(|d| d.is_object()) {
                out.push((f.path.clone(), text.clone(), d));
            }
        }
    }
    out
}

fn kind_of(v: &Value) -> &str {
    v.get("kind").and_then(Value::as_str).unwrap_or("")
}

const WORKLOAD_KINDS: &[&str] = &["Deployment", "StatefulSet", "DaemonSet", "Rollout"];

/// Containers of a workload object.
fn containers(v: &Value) -> Vec<&Value> {
    v.pointer("/spec/template/spec/containers")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

fn ev_line(path: &str, text: &str, needle: &str, note: &str) -> Evidence {
    Evidence::new(path, line_of(text, needle), note)
}

/// Text of every CI configuration file, with its path.
fn ci_texts(ctx: &Ctx) -> Vec<(String, std::sync::Arc<str>)> {
    ctx.inv
        .files()
        .iter()
        .filter(|f| {
            matches!(
                f.kind,
                ArtifactKind::GithubWorkflow
                    | ArtifactKind::GitlabCi
                    | ArtifactKind::CiConfig
                    | ArtifactKind::GithubAction
            )
        })
        .filter_map(|f| ctx.inv.text(f).map(|t| (f.path.clone(), t)))
        .collect()
}

fn terraform_texts(ctx: &Ctx) -> Vec<(String, std::sync::Arc<str>)> {
    ctx.inv
        .of_kind(ArtifactKind::Terraform)
        .filter_map(|f| ctx.inv.text(f).map(|t| (f.path.clone(), t)))
        .collect()
}

fn has_deploy_target(facts: &Facts) -> bool {
    !facts
        .orchestrators
        .iter()
        .all(|o| o.value == Orchestrator::Compose)
        && !facts.orchestrators.is_empty()
}

fn databases(facts: &Facts) -> Vec<&crate::model::BackingService> {
    facts
        .backing_services
        .iter()
        .filter(|b| {
            matches!(
                b.kind,
                BackingKind::Postgres | BackingKind::Mysql | BackingKind::Mongodb
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The checks.

fn check_secrets(ctx: &Ctx, _facts: &Facts) -> Outcome {
    let committed: Vec<Evidence> = ctx
        .inv
        .of_kind(ArtifactKind::DotEnv)
        .filter(|f| {
            let n = f.name().to_ascii_lowercase();
            !(n.contains("example")
                || n.contains("sample")
                || n.contains("template")
                || n.contains("dist"))
        })
        .filter(|f| {
            ctx.inv.text(f).is_some_and(|t| {
                crate::scan::dotenv_names(&t)
                    .iter()
                    .any(|(n, _)| looks_secret(n))
            })
        })
        .map(|f| {
            Evidence::file(
                &f.path,
                "env file with secret-named variables is not ignored by git",
            )
        })
        .collect();
    if !committed.is_empty() {
        return outcome(
            Status::Fail,
            format!(
                "{} env file(s) with secret-named variables are part of the repository",
                committed.len()
            ),
            committed,
        );
    }
    outcome(
        Status::NotYetChecked,
        "needs the secret scanner over the working tree and history; no committed env files with secrets were found",
        vec![],
    )
}

fn looks_secret(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    [
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "TOKEN",
        "API_KEY",
        "PRIVATE_KEY",
        "ACCESS_KEY",
    ]
    .iter()
    .any(|k| n.contains(k))
}

fn check_ci(_ctx: &Ctx, facts: &Facts) -> Outcome {
    if facts.ci.is_empty() {
        return outcome(Status::Fail, "no CI configuration found", vec![]);
    }
    let names: Vec<String> = facts.ci.iter().map(|c| value_name(&c.value)).collect();
    outcome(
        Status::Pass,
        format!("CI configured ({})", names.join(", ")),
        facts.ci.iter().flat_map(|c| c.evidence.clone()).collect(),
    )
}

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
    "gradle check",
    "dotnet test",
];
const BUILD_WORDS: &[&str] = &[
    "docker build",
    "docker/build-push-action",
    "buildx",
    "docker push",
    "kaniko",
    "buildah",
    "docker compose build",
    "ko build",
    "jib",
];

/// Does a piece of CI configuration run tests or lint?
fn runs_tests(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    TEST_WORDS.iter().any(|w| lower.contains(w))
}

fn builds_image(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    BUILD_WORDS.iter().any(|w| lower.contains(w))
}

fn check_fail_fast(ctx: &Ctx, facts: &Facts) -> Outcome {
    if facts.ci.is_empty() {
        // Counted once, under ci-pipeline.
        return outcome(Status::NotApplicable, "no CI yet (see ci-pipeline)", vec![]);
    }
    let mut evidence = Vec::new();
    let mut any_tests = false;
    let mut ordered = 0usize;
    let mut unordered = 0usize;
    let mut other_ci = false;
    for f in ctx.inv.files() {
        match f.kind {
            ArtifactKind::GithubWorkflow => {}
            ArtifactKind::GitlabCi | ArtifactKind::CiConfig => {
                other_ci = true;
                continue;
            }
            _ => continue,
        }
        let Some((text, wf)) = ctx.yaml(&f.path) else {
            continue;
        };
        let Some(jobs) = wf.get("jobs").and_then(Value::as_object) else {
            continue;
        };
        let job_text = |j: &Value| serde_json::to_string(j).unwrap_or_default();
        let test_jobs: BTreeSet<&str> = jobs
            .iter()
            .filter(|(_, j)| runs_tests(&job_text(j)) && !builds_image(&job_text(j)))
            .map(|(k, _)| k.as_str())
            .collect();
        any_tests |= !test_jobs.is_empty() || jobs.values().any(|j| runs_tests(&job_text(j)));
        for (name, job) in jobs {
            let t = job_text(job);
            if !builds_image(&t) {
                continue;
            }
            let needs: Vec<&str> = match job.get("needs") {
                Some(Value::String(s)) => vec![s.as_str()],
                Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            // Tests in the same job before the build step also fail fast.
            let same_job_first = job
                .get("steps")
                .and_then(Value::as_array)
                .map(|steps| {
                    let first_test = steps
                        .iter()
                        .position(|s| runs_tests(&s.to_string()) && !builds_image(&s.to_string()));
                    let first_build = steps.iter().position(|s| builds_image(&s.to_string()));
                    matches!((first_test, first_build), (Some(a), Some(b)) if a < b)
                })
                .unwrap_or(false);
            if needs.iter().any(|n| test_jobs.contains(n)) || same_job_first {
                ordered += 1;
                evidence.push(ev_line(
                    &f.path,
                    &text,
                    &format!("{name}:"),
                    "image build runs after tests",
                ));
            } else {
                unordered += 1;
                evidence.push(ev_line(
                    &f.path,
                    &text,
                    &format!("{name}:"),
                    "image build does not wait for tests",
                ));
            }
        }
    }
    if unordered > 0 {
        return outcome(
            if ordered > 0 {
                Status::Partial
            } else {
                Status::Fail
            },
            format!("{unordered} image build job(s) do not depend on a test job"),
            evidence,
        );
    }
    if ordered > 0 {
        return outcome(
            Status::Pass,
            "image builds run only after tests pass",
            evidence,
        );
    }
    if other_ci && !any_tests {
        return outcome(
            Status::NotYetChecked,
            "job ordering is checked for GitHub Actions only so far",
            facts.ci.iter().flat_map(|c| c.evidence.clone()).collect(),
        );
    }
    if any_tests {
        return outcome(
            Status::Pass,
            "CI runs tests; no image build in CI to order",
            evidence,
        );
    }
    outcome(
        Status::Fail,
        "CI runs no tests or lint",
        facts.ci.iter().flat_map(|c| c.evidence.clone()).collect(),
    )
}

fn check_multi_stage(_ctx: &Ctx, facts: &Facts) -> Outcome {
    let files = &facts.containers.dockerfiles;
    if files.is_empty() {
        return if facts.services.is_empty() {
            outcome(
                Status::NotApplicable,
                "no services and no Dockerfiles",
                vec![],
            )
        } else {
            outcome(Status::Fail, "no Dockerfile for any service", vec![])
        };
    }
    let multi: Vec<&crate::model::DockerfileFacts> =
        files.iter().filter(|d| d.stages > 1).collect();
    let ev = files
        .iter()
        .map(|d| Evidence::file(&d.path, format!("{} stage(s)", d.stages)))
        .collect();
    match multi.len() {
        n if n == files.len() => outcome(Status::Pass, "every Dockerfile is multi-stage", ev),
        0 => outcome(Status::Fail, "no Dockerfile is multi-stage", ev),
        n => outcome(
            Status::Partial,
            format!("{n} of {} Dockerfiles are multi-stage", files.len()),
            ev,
        ),
    }
}

/// Stage names declared with `FROM … AS name`: a later `FROM name` is not an image.
fn stage_aliases(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            let is_from = words
                .first()
                .is_some_and(|w| w.eq_ignore_ascii_case("from"));
            let as_at = words.iter().position(|w| w.eq_ignore_ascii_case("as"))?;
            (is_from && as_at + 1 < words.len()).then(|| words[as_at + 1].to_ascii_lowercase())
        })
        .collect()
}

fn check_pinned_images(ctx: &Ctx, facts: &Facts) -> Outcome {
    let mut bad = Vec::new();
    let mut total = 0;
    for d in &facts.containers.dockerfiles {
        let aliases = ctx
            .text(&d.path)
            .map(|t| stage_aliases(&t))
            .unwrap_or_default();
        for b in &d.base_images {
            let image = b.value.as_str();
            if image == "scratch"
                || aliases.contains(&image.to_ascii_lowercase())
                || image.contains('$')
            {
                continue;
            }
            total += 1;
            let after_slash = image.rsplit('/').next().unwrap_or(image);
            let tagged = after_slash.contains(':') || image.contains('@');
            if !tagged || image.ends_with(":latest") {
                bad.extend(b.evidence.iter().map(|e| Evidence {
                    note: format!("`{image}` is not pinned"),
                    ..e.clone()
                }));
            }
        }
    }
    if total == 0 {
        return outcome(Status::NotApplicable, "no Dockerfiles", vec![]);
    }
    if bad.is_empty() {
        outcome(
            Status::Pass,
            format!("all {total} base images carry a version tag or digest"),
            vec![],
        )
    } else {
        outcome(
            Status::Fail,
            format!("{} base image(s) untagged or `latest`", bad.len()),
            bad,
        )
    }
}

fn is_root_user(u: &str) -> bool {
    let user = u.split(':').next().unwrap_or(u).trim();
    user == "root" || user == "0"
}

fn check_non_root(ctx: &Ctx, facts: &Facts) -> Outcome {
    let files = &facts.containers.dockerfiles;
    let mut ok = 0;
    let mut evidence = Vec::new();
    for d in files {
        match &d.final_user {
            Some(u) if !is_root_user(&u.value) => {
                ok += 1;
                evidence.extend(u.evidence.clone());
            }
            Some(u) => evidence.extend(u.evidence.iter().map(|e| Evidence {
                note: "final USER is root".into(),
                ..e.clone()
            })),
            None => evidence.push(Evidence::file(&d.path, "no USER: runs as root")),
        }
    }
    let mut k8s_non_root = 0;
    let mut k8s_total = 0;
    for (path, text, obj) in k8s_objects(ctx) {
        if !WORKLOAD_KINDS.contains(&kind_of(&obj)) {
            continue;
        }
        k8s_total += 1;
        let pod = obj
            .pointer("/spec/template/spec/securityContext/runAsNonRoot")
            .and_then(Value::as_bool)
            == Some(true);
        let all_containers = !containers(&obj).is_empty()
            && containers(&obj).iter().all(|c| {
                c.pointer("/securityContext/runAsNonRoot")
                    .and_then(Value::as_bool)
                    == Some(true)
            });
        if pod || all_containers {
            k8s_non_root += 1;
            evidence.push(ev_line(&path, &text, "runAsNonRoot", "runAsNonRoot: true"));
        } else {
            evidence.push(Evidence::file(
                &path,
                format!("{} without runAsNonRoot", kind_of(&obj)),
            ));
        }
    }
    if files.is_empty() && k8s_total == 0 {
        return if facts.services.is_empty() {
            outcome(Status::NotApplicable, "no container definitions", vec![])
        } else {
            outcome(
                Status::Fail,
                "no container definitions yet, so nothing ensures a non-root user",
                vec![],
            )
        };
    }
    let good = ok + k8s_non_root;
    let total = files.len() + k8s_total;
    let status = if good == total {
        Status::Pass
    } else if good == 0 {
        Status::Fail
    } else {
        Status::Partial
    };
    outcome(
        status,
        format!("{good} of {total} images/workloads run as non-root"),
        evidence,
    )
}

fn check_dockerignore(ctx: &Ctx, facts: &Facts) -> Outcome {
    let files = &facts.containers.dockerfiles;
    if files.is_empty() {
        return outcome(Status::NotApplicable, "no Dockerfiles", vec![]);
    }
    let mut missing = Vec::new();
    for d in files {
        let dir = d.path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        let name = d.path.rsplit('/').next().unwrap_or("");
        let own = format!("{name}.dockerignore");
        let has = ctx.exists(&Ctx::join(dir, ".dockerignore"))
            || ctx.exists(&Ctx::join(dir, &own))
            || ctx.exists(".dockerignore");
        if !has {
            missing.push(Evidence::file(
                &d.path,
                "no .dockerignore for this build context",
            ));
        }
    }
    if missing.is_empty() {
        outcome(
            Status::Pass,
            "every build context has a .dockerignore",
            vec![],
        )
    } else {
        let s = if missing.len() == files.len() {
            Status::Fail
        } else {
            Status::Partial
        };
        outcome(
            s,
            format!("{} build context(s) without .dockerignore", missing.len()),
            missing,
        )
    }
}

fn check_hardened_runtime(ctx: &Ctx, _facts: &Facts) -> Outcome {
    let mut total = 0;
    let mut good = 0;
    let mut evidence = Vec::new();
    for (path, text, obj) in k8s_objects(ctx) {
        if !WORKLOAD_KINDS.contains(&kind_of(&obj)) {
            continue;
        }
        for c in containers(&obj) {
            total += 1;
            let ro = c
                .pointer("/securityContext/readOnlyRootFilesystem")
                .and_then(Value::as_bool)
                == Some(true);
            let no_esc = c
                .pointer("/securityContext/allowPrivilegeEscalation")
                .and_then(Value::as_bool)
                == Some(false);
            let drop_all = c
                .pointer("/securityContext/capabilities/drop")
                .and_then(Value::as_array)
                .is_some_and(|a| {
                    a.iter()
                        .any(|v| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("all")))
                });
            let name = c.get("name").and_then(Value::as_str).unwrap_or("?");
            if ro && no_esc && drop_all {
                good += 1;
                evidence.push(ev_line(
                    &path,
                    &text,
                    "readOnlyRootFilesystem",
                    &format!("container {name} hardened"),
                ));
            } else {
                let mut missing = vec![];
                if !ro {
                    missing.push("readOnlyRootFilesystem");
                }
                if !no_esc {
                    missing.push("allowPrivilegeEscalation: false");
                }
                if !drop_all {
                    missing.push("drop ALL");
                }
                evidence.push(ev_line(
                    &path,
                    &text,
                    &format!("name: {name}"),
                    &format!("container {name} lacks {}", missing.join(", ")),
                ));
            }
        }
    }
    if total == 0 {
        return outcome(
            Status::NotApplicable,
            "no Kubernetes workloads to harden",
            vec![],
        );
    }
    let s = if good == total {
        Status::Pass
    } else if good == 0 {
        Status::Fail
    } else {
        Status::Partial
    };
    outcome(
        s,
        format!("{good} of {total} containers hardened"),
        evidence,
    )
}

fn check_least_privilege_ci(ctx: &Ctx, facts: &Facts) -> Outcome {
    if facts.ci.is_empty() {
        return outcome(Status::NotApplicable, "no CI", vec![]);
    }
    let mut total = 0;
    let mut good = 0;
    let mut evidence = Vec::new();
    for f in ctx.inv.of_kind(ArtifactKind::GithubWorkflow) {
        let Some((text, wf)) = ctx.yaml(&f.path) else {
            continue;
        };
        total += 1;
        let top = wf.get("permissions").is_some();
        let all_jobs = wf
            .get("jobs")
            .and_then(Value::as_object)
            .is_some_and(|jobs| {
                !jobs.is_empty() && jobs.values().all(|j| j.get("permissions").is_some())
            });
        let write_all = matches!(wf.get("permissions"), Some(Value::String(s)) if s == "write-all");
        if (top || all_jobs) && !write_all {
            good += 1;
            evidence.push(ev_line(
                &f.path,
                &text,
                "permissions:",
                "token permissions declared",
            ));
        } else {
            evidence.push(Evidence::file(
                &f.path,
                if write_all {
                    "permissions: write-all"
                } else {
                    "no permissions: block (token gets the repository default)"
                },
            ));
        }
    }
    if total == 0 {
        return outcome(
            Status::NotYetChecked,
            "token scopes are checked for GitHub Actions only so far",
            vec![],
        );
    }
    let s = if good == total {
        Status::Pass
    } else if good == 0 {
        Status::Fail
    } else {
        Status::Partial
    };
    outcome(
        s,
        format!("{good} of {total} workflows declare least-privilege permissions"),
        evidence,
    )
}

fn check_rollout(ctx: &Ctx, facts: &Facts) -> Outcome {
    let mut total = 0;
    let mut good = 0;
    let mut evidence = Vec::new();
    for (path, text, obj) in k8s_objects(ctx) {
        let kind = kind_of(&obj);
        if kind == "Rollout" {
            total += 1;
            good += 1;
            evidence.push(ev_line(
                &path,
                &text,
                "kind: Rollout",
                "Argo Rollouts progressive delivery",
            ));
            continue;
        }
        if kind != "Deployment" {
            continue;
        }
        total += 1;
        let recreate =
            obj.pointer("/spec/strategy/type").and_then(Value::as_str) == Some("Recreate");
        let replicas = obj.pointer("/spec/replicas").and_then(Value::as_u64);
        let hpa_managed = replicas.is_none();
        let readiness = containers(&obj)
            .iter()
            .any(|c| c.get("readinessProbe").is_some());
        let name = obj
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("?");
        if !recreate && readiness && (hpa_managed || replicas.is_some_and(|r| r >= 2)) {
            good += 1;
            evidence.push(ev_line(
                &path,
                &text,
                "readinessProbe",
                &format!("{name}: rolling update gated by readiness"),
            ));
        } else {
            let why = if recreate {
                "strategy Recreate"
            } else if !readiness {
                "no readiness probe"
            } else {
                "a single replica"
            };
            evidence.push(ev_line(
                &path,
                &text,
                "kind: Deployment",
                &format!("{name}: {why}"),
            ));
        }
    }
    if total > 0 {
        let s = if good == total {
            Status::Pass
        } else if good == 0 {
            Status::Fail
        } else {
            Status::Partial
        };
        return outcome(
            s,
            format!("{good} of {total} deployments roll out without downtime"),
            evidence,
        );
    }
    if facts.orchestrators.iter().any(|o| {
        matches!(
            o.value,
            Orchestrator::Paas | Orchestrator::Ecs | Orchestrator::Helm
        )
    }) {
        return outcome(
            Status::NotYetChecked,
            "the platform's rollout settings are not read yet",
            facts
                .orchestrators
                .iter()
                .flat_map(|o| o.evidence.clone())
                .collect(),
        );
    }
    if facts.services.is_empty() {
        return outcome(
            Status::NotApplicable,
            "nothing is deployed from this repository",
            vec![],
        );
    }
    outcome(
        Status::Fail,
        "no deployment definition (Kubernetes, ECS, PaaS) found",
        vec![],
    )
}

fn check_rollback(ctx: &Ctx, facts: &Facts) -> Outcome {
    let mut evidence = Vec::new();
    for (path, text) in ci_texts(ctx) {
        for needle in [
            "--atomic",
            "rollout undo",
            "--rollback-on-failure",
            "helm rollback",
        ] {
            if text.contains(needle) {
                evidence.push(ev_line(
                    &path,
                    &text,
                    needle,
                    &format!("CI uses `{needle}`"),
                ));
            }
        }
    }
    for (path, text) in terraform_texts(ctx) {
        if text.contains("deployment_circuit_breaker") && text.contains("rollback") {
            evidence.push(ev_line(
                &path,
                &text,
                "deployment_circuit_breaker",
                "ECS circuit breaker with rollback",
            ));
        }
    }
    for (path, text, obj) in k8s_objects(ctx) {
        if matches!(kind_of(&obj), "Rollout" | "Canary" | "AnalysisTemplate") {
            evidence.push(ev_line(
                &path,
                &text,
                "kind:",
                "progressive delivery with analysis",
            ));
        }
    }
    if !evidence.is_empty() {
        return outcome(
            Status::Pass,
            "failed deploys roll back automatically",
            evidence,
        );
    }
    if facts.services.is_empty() && facts.orchestrators.is_empty() {
        return outcome(
            Status::NotApplicable,
            "nothing is deployed from this repository",
            vec![],
        );
    }
    outcome(
        Status::Fail,
        "no automatic rollback found in CI, manifests or Terraform",
        vec![],
    )
}

fn check_iac(_ctx: &Ctx, facts: &Facts) -> Outcome {
    if facts.iac.is_empty() {
        return outcome(Status::Fail, "no infrastructure as code", vec![]);
    }
    let names: Vec<String> = facts.iac.iter().map(|i| value_name(&i.value)).collect();
    outcome(
        Status::Pass,
        format!("infrastructure described with {}", names.join(", ")),
        facts.iac.iter().flat_map(|i| i.evidence.clone()).collect(),
    )
}

fn check_environments(_ctx: &Ctx, facts: &Facts) -> Outcome {
    let names: Vec<&str> = facts
        .environments
        .names
        .iter()
        .map(|n| n.value.as_str())
        .collect();
    let evidence: Vec<Evidence> = facts
        .environments
        .strategies
        .iter()
        .flat_map(|s| s.evidence.iter().take(2).cloned())
        .collect();
    let prod_like = names.iter().any(|n| {
        let l = n.to_ascii_lowercase();
        l.starts_with("prod") || l == "live"
    });
    match names.len() {
        0 => outcome(Status::Fail, "no environments are told apart", vec![]),
        1 => outcome(
            Status::Partial,
            format!("only one environment ({})", names[0]),
            evidence,
        ),
        _ if !prod_like => outcome(
            Status::Partial,
            format!("environments {} but no production", names.join(", ")),
            evidence,
        ),
        _ => outcome(
            Status::Pass,
            format!("environments {}", names.join(", ")),
            evidence,
        ),
    }
}

/// Which services have an observability entry whose evidence lies in their folder.
fn coverage(facts: &Facts, entries: &[shipshape_core::Located<String>]) -> (usize, Vec<Evidence>) {
    let ev: Vec<Evidence> = entries.iter().flat_map(|e| e.evidence.clone()).collect();
    let covered = facts
        .services
        .iter()
        .filter(|s| {
            ev.iter()
                .any(|e| s.root == "." || e.path.starts_with(&format!("{}/", s.root)))
        })
        .count();
    (covered, ev)
}

fn coverage_outcome(
    facts: &Facts,
    entries: &[shipshape_core::Located<String>],
    what: &str,
) -> Outcome {
    if facts.services.is_empty() {
        return outcome(Status::NotApplicable, "no services", vec![]);
    }
    let (covered, ev) = coverage(facts, entries);
    let total = facts.services.len();
    let s = if covered == total {
        Status::Pass
    } else if covered == 0 {
        Status::Fail
    } else {
        Status::Partial
    };
    outcome(s, format!("{covered} of {total} services use {what}"), ev)
}

fn check_logs(_ctx: &Ctx, facts: &Facts) -> Outcome {
    coverage_outcome(
        facts,
        &facts.observability.structured_logging,
        "a structured logger",
    )
}

fn check_metrics(_ctx: &Ctx, facts: &Facts) -> Outcome {
    coverage_outcome(facts, &facts.observability.metrics, "a metrics client")
}

fn check_probes(ctx: &Ctx, facts: &Facts) -> Outcome {
    let mut total = 0;
    let mut both = 0;
    let mut one = 0;
    let mut evidence = Vec::new();
    for (path, text, obj) in k8s_objects(ctx) {
        if !WORKLOAD_KINDS.contains(&kind_of(&obj)) || kind_of(&obj) == "DaemonSet" {
            continue;
        }
        for c in containers(&obj) {
            total += 1;
            let l = c.get("livenessProbe").is_some();
            let r = c.get("readinessProbe").is_some();
            let name = c.get("name").and_then(Value::as_str).unwrap_or("?");
            if l && r {
                both += 1;
                evidence.push(ev_line(
                    &path,
                    &text,
                    "livenessProbe",
                    &format!("{name}: liveness and readiness"),
                ));
            } else if l || r {
                one += 1;
                evidence.push(ev_line(
                    &path,
                    &text,
                    if l { "livenessProbe" } else { "readinessProbe" },
                    &format!("{name}: only {}", if l { "liveness" } else { "readiness" }),
                ));
            } else {
                evidence.push(ev_line(
                    &path,
                    &text,
                    &format!("name: {name}"),
                    &format!("{name}: no probes"),
                ));
            }
        }
    }
    if total > 0 {
        let s = if both == total {
            Status::Pass
        } else if both + one == 0 {
            Status::Fail
        } else {
            Status::Partial
        };
        return outcome(
            s,
            format!("{both} of {total} containers have both probes"),
            evidence,
        );
    }
    if facts.services.is_empty() {
        return outcome(Status::NotApplicable, "no services", vec![]);
    }
    let with_health: Vec<Evidence> = facts
        .services
        .iter()
        .filter_map(|s| s.health_path.as_ref())
        .flat_map(|h| h.evidence.clone())
        .collect();
    let dockerfile_hc = facts
        .containers
        .dockerfiles
        .iter()
        .any(|d| d.has_healthcheck);
    if !with_health.is_empty() || dockerfile_hc {
        return outcome(
            Status::Partial,
            "health endpoints exist, but no orchestrator probes use them",
            with_health,
        );
    }
    outcome(Status::Fail, "no health endpoint and no probes", vec![])
}

fn check_autoscaling(ctx: &Ctx, facts: &Facts) -> Outcome {
    let mut evidence = Vec::new();
    for (path, text, obj) in k8s_objects(ctx) {
        if matches!(kind_of(&obj), "HorizontalPodAutoscaler" | "ScaledObject") {
            evidence.push(ev_line(&path, &text, "kind:", kind_of(&obj)));
        }
    }
    for (path, text) in terraform_texts(ctx) {
        for needle in [
            "aws_appautoscaling_target",
            "google_compute_autoscaler",
            "azurerm_monitor_autoscale_setting",
        ] {
            if text.contains(needle) {
                evidence.push(ev_line(&path, &text, needle, needle));
            }
        }
    }
    for f in ctx.inv.files() {
        if f.name() == "fly.toml" {
            if let Some(t) = ctx.inv.text(f) {
                if t.contains("auto_start_machines") || t.contains("min_machines_running") {
                    evidence.push(ev_line(&f.path, &t, "machines", "Fly machine autoscaling"));
                }
            }
        }
    }
    if !evidence.is_empty() {
        return outcome(Status::Pass, "autoscaling configured", evidence);
    }
    if facts.services.is_empty() {
        return outcome(Status::NotApplicable, "no services", vec![]);
    }
    if !has_deploy_target(facts) {
        return outcome(
            Status::Fail,
            "no deployment definition, so nothing scales",
            vec![],
        );
    }
    outcome(Status::Fail, "no autoscaler found", vec![])
}

fn check_alerting(ctx: &Ctx, facts: &Facts) -> Outcome {
    let mut evidence = Vec::new();
    for (path, text, obj) in k8s_objects(ctx) {
        if kind_of(&obj) == "PrometheusRule" {
            evidence.push(ev_line(&path, &text, "alert:", "PrometheusRule"));
        }
    }
    for f in ctx
        .inv
        .files()
        .iter()
        .filter(|f| matches!(f.kind, ArtifactKind::Yaml))
    {
        if let Some(t) = ctx.inv.text(f) {
            if t.contains("groups:") && t.contains("- alert:") {
                evidence.push(ev_line(&f.path, &t, "- alert:", "Prometheus alert rules"));
            }
        }
    }
    for (path, text) in terraform_texts(ctx) {
        for needle in [
            "aws_cloudwatch_metric_alarm",
            "google_monitoring_alert_policy",
            "datadog_monitor",
            "grafana_rule_group",
        ] {
            if text.contains(needle) {
                evidence.push(ev_line(&path, &text, needle, needle));
            }
        }
    }
    if !evidence.is_empty() {
        return outcome(Status::Pass, "alert rules defined", evidence);
    }
    if facts.services.is_empty() {
        return outcome(Status::NotApplicable, "no services", vec![]);
    }
    outcome(Status::Fail, "no alert rules found", vec![])
}

fn check_backups(ctx: &Ctx, facts: &Facts) -> Outcome {
    let dbs = databases(facts);
    let mut backup_ev = Vec::new();
    let mut no_backup_ev = Vec::new();
    for (path, text) in terraform_texts(ctx) {
        for (i, line) in text.lines().enumerate() {
            let l = line.trim();
            let ln = Some((i + 1) as u32);
            if let Some(v) = l.strip_prefix("backup_retention_period") {
                let days: Option<u32> = v.trim_start_matches([' ', '=']).trim().parse().ok();
                match days {
                    Some(0) => {
                        no_backup_ev.push(Evidence::new(&path, ln, "backup_retention_period = 0"))
                    }
                    Some(d) => {
                        backup_ev.push(Evidence::new(&path, ln, format!("backups kept {d} days")))
                    }
                    None => backup_ev.push(Evidence::new(&path, ln, "backup retention set")),
                }
            }
            for needle in [
                "aws_backup_plan",
                "backup_configuration",
                "point_in_time_recovery",
                "azurerm_backup_policy",
            ] {
                if l.contains(needle) {
                    backup_ev.push(Evidence::new(&path, ln, needle));
                }
            }
        }
    }
    for (path, text, obj) in k8s_objects(ctx) {
        let t = obj.to_string();
        if kind_of(&obj) == "CronJob"
            && (t.contains("pg_dump") || t.contains("mysqldump") || t.contains("mongodump"))
        {
            backup_ev.push(ev_line(
                &path,
                &text,
                "kind: CronJob",
                "scheduled database dump",
            ));
        }
        if kind_of(&obj) == "Schedule" && t.contains("velero") {
            backup_ev.push(ev_line(
                &path,
                &text,
                "kind: Schedule",
                "Velero backup schedule",
            ));
        }
    }
    let restore_ev: Vec<Evidence> = ctx
        .inv
        .files()
        .iter()
        .filter(|f| {
            let p = f.path.to_ascii_lowercase();
            p.contains("restore") && !crate::scan::is_test_path(&p)
        })
        .map(|f| Evidence::file(&f.path, "restore procedure"))
        .collect();
    if dbs.is_empty() && backup_ev.is_empty() {
        return outcome(Status::NotApplicable, "no databases found", vec![]);
    }
    if !no_backup_ev.is_empty() {
        return outcome(
            Status::Fail,
            "a database has backups turned off",
            no_backup_ev,
        );
    }
    if backup_ev.is_empty() {
        let ev = dbs
            .iter()
            .flat_map(|d| d.evidence.iter().take(1).cloned())
            .collect();
        return outcome(
            Status::Fail,
            "databases are used but no backup configuration is in the repository",
            ev,
        );
    }
    if restore_ev.is_empty() {
        return outcome(
            Status::Partial,
            "backups configured, but no restore procedure or restore test",
            backup_ev,
        );
    }
    backup_ev.extend(restore_ev);
    outcome(
        Status::Pass,
        "backups with retention and a restore procedure",
        backup_ev,
    )
}

fn check_cve_scanning(ctx: &Ctx, facts: &Facts) -> Outcome {
    if facts.ci.is_empty() {
        return outcome(Status::Fail, "no CI, so no image scanning", vec![]);
    }
    let mut evidence = Vec::new();
    for (path, text) in ci_texts(ctx) {
        let lower = text.to_ascii_lowercase();
        for tool in [
            "trivy",
            "grype",
            "snyk",
            "docker scout",
            "anchore",
            "clair",
            "twistcli",
        ] {
            if lower.contains(tool) {
                evidence.push(Evidence::new(
                    &path,
                    line_of(&lower, tool),
                    format!("{tool} in CI"),
                ));
            }
        }
    }
    if evidence.is_empty() {
        outcome(Status::Fail, "CI does not scan images for CVEs", vec![])
    } else {
        outcome(Status::Pass, "CI scans images for CVEs", evidence)
    }
}

const DB_PORTS: &[u16] = &[5432, 3306, 27017, 6379, 9200, 11211, 5672, 9092];

fn check_private_databases(ctx: &Ctx, facts: &Facts) -> Outcome {
    let mut bad = Vec::new();
    let mut good = Vec::new();
    for (path, text) in terraform_texts(ctx) {
        for (i, line) in text.lines().enumerate() {
            let l = line.trim().replace(' ', "");
            let ln = Some((i + 1) as u32);
            if l.starts_with("publicly_accessible=true") {
                bad.push(Evidence::new(&path, ln, "database publicly accessible"));
            }
            if l.starts_with("publicly_accessible=false") {
                good.push(Evidence::new(&path, ln, "publicly_accessible = false"));
            }
            if l.starts_with("ipv4_enabled=true") {
                bad.push(Evidence::new(&path, ln, "Cloud SQL public IP enabled"));
            }
        }
        if text.contains("resource \"aws_db_instance\"") && !text.contains("publicly_accessible") {
            good.push(ev_line(
                &path,
                &text,
                "resource \"aws_db_instance\"",
                "RDS instance, private by default",
            ));
        }
    }
    for f in ctx.inv.of_kind(ArtifactKind::Compose) {
        let Some((text, doc)) = ctx.yaml(&f.path) else {
            continue;
        };
        let Some(services) = doc.get("services").and_then(Value::as_object) else {
            continue;
        };
        for (name, svc) in services {
            for p in svc
                .get("ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let spec = match p {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    Value::Object(o) => {
                        let host_ip = o.get("host_ip").and_then(Value::as_str).unwrap_or("");
                        let target = o.get("target").map(|t| t.to_string()).unwrap_or_default();
                        format!("{host_ip}:{target}")
                    }
                    _ => continue,
                };
                let container_port: Option<u16> = spec
                    .rsplit(':')
                    .next()
                    .and_then(|s| s.split('/').next())
                    .and_then(|s| s.parse().ok());
                let loopback = spec.starts_with("127.0.0.1:")
                    || spec.starts_with("localhost:")
                    || spec.starts_with("[::1]:");
                if container_port.is_some_and(|p| DB_PORTS.contains(&p)) {
                    let ev = ev_line(&f.path, &text, &spec, &format!("{name} publishes {spec}"));
                    if loopback {
                        good.push(ev)
                    } else {
                        bad.push(ev)
                    }
                }
            }
        }
    }
    if !bad.is_empty() {
        return outcome(
            Status::Fail,
            format!(
                "{} database endpoint(s) reachable beyond the private network",
                bad.len()
            ),
            bad,
        );
    }
    if databases(facts).is_empty() && good.is_empty() {
        return outcome(Status::NotApplicable, "no databases found", vec![]);
    }
    if !good.is_empty() {
        return outcome(
            Status::Pass,
            "databases defined in the repository are private",
            good,
        );
    }
    outcome(
        Status::NotYetChecked,
        "databases are used, but their network exposure is defined outside the files read so far",
        vec![],
    )
}

fn check_runbooks(ctx: &Ctx, facts: &Facts) -> Outcome {
    let ev: Vec<Evidence> = ctx
        .inv
        .files()
        .iter()
        .filter(|f| {
            f.path.to_ascii_lowercase().contains("runbook")
                || f.path.to_ascii_lowercase().contains("playbook.md")
        })
        .map(|f| Evidence::file(&f.path, "runbook"))
        .collect();
    if !ev.is_empty() {
        return outcome(Status::Pass, format!("{} runbook file(s)", ev.len()), ev);
    }
    if facts.services.is_empty() {
        return outcome(Status::NotApplicable, "no services", vec![]);
    }
    outcome(Status::Fail, "no runbooks", vec![])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_ids_are_unique_and_kebab_case() {
        let mut ids: Vec<&str> = CHECKS.iter().map(|c| c.id).collect();
        for id in &ids {
            assert!(
                id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{id}"
            );
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CHECKS.len());
        for c in CHECKS {
            assert!(
                (1..=3).contains(&c.impact) && (1..=3).contains(&c.effort),
                "{}",
                c.id
            );
        }
    }

    #[test]
    fn root_users_are_recognised() {
        assert!(is_root_user("root"));
        assert!(is_root_user("0:0"));
        assert!(!is_root_user("10001"));
        assert!(!is_root_user("app"));
    }

    #[test]
    fn grades_follow_the_score() {
        assert_eq!(grade(95), "A");
        assert_eq!(grade(60), "C");
        assert_eq!(grade(10), "F");
    }
}
