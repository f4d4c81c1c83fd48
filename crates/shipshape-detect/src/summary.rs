//! The short answer to the question an agent asks before touching infrastructure — target
//! cloud, orchestrator, CI, environment strategy — drawn from the facts. A single value is given
//! only when the repository points at one; otherwise it is null and the list (and the facts'
//! ambiguities) says what was seen.

use serde::Serialize;

use crate::{Facts, Orchestrator};

/// The short answer. A single value is given only when the repository points at one; otherwise
/// it is null and the list (and `facts.ambiguities`) says what was seen.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Summary {
    pub cloud_provider: Option<String>,
    pub cloud_providers: Vec<String>,
    pub orchestrator: Option<String>,
    pub orchestrators: Vec<String>,
    pub ci_provider: Option<String>,
    pub ci_providers: Vec<String>,
    pub environment_strategy: Option<String>,
    pub environment_strategies: Vec<String>,
    pub environments: Vec<String>,
    pub iac: Vec<String>,
    pub services: Vec<String>,
    pub backing_services: Vec<String>,
}

fn name_of<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn names<T: Serialize>(items: &[shipshape_core::Located<T>]) -> Vec<String> {
    let mut v: Vec<String> = items.iter().map(|i| name_of(&i.value)).collect();
    v.dedup();
    v
}

fn single(v: &[String]) -> Option<String> {
    (v.len() == 1).then(|| v[0].clone())
}

/// The orchestrator that runs production: Kubernetes (however packaged) over ECS, Nomad,
/// serverless and PaaS; compose counts only when nothing else deploys (it is usually local dev).
fn primary_orchestrator(facts: &Facts) -> Option<String> {
    let has = |o: Orchestrator| facts.orchestrators.iter().any(|x| x.value == o);
    if has(Orchestrator::Kubernetes) || has(Orchestrator::Helm) || has(Orchestrator::Kustomize) {
        return Some("kubernetes".into());
    }
    let deployers: Vec<String> = [
        Orchestrator::Ecs,
        Orchestrator::Nomad,
        Orchestrator::Serverless,
        Orchestrator::Paas,
    ]
    .into_iter()
    .filter(|o| has(*o))
    .map(|o| name_of(&o))
    .collect();
    match deployers.len() {
        0 if has(Orchestrator::Compose) => Some("compose".into()),
        1 => Some(deployers[0].clone()),
        _ => None,
    }
}

/// The strategy with the most environment names behind it; ties go to the first found.
fn primary_strategy(facts: &Facts) -> Option<String> {
    facts
        .environments
        .strategies
        .iter()
        .max_by_key(|s| s.evidence.len())
        .map(|s| s.value.clone())
}

impl Summary {
    pub fn new(facts: &Facts) -> Summary {
        let cloud = names(&facts.cloud);
        let orch = names(&facts.orchestrators);
        let ci = names(&facts.ci);
        let strategies: Vec<String> = facts
            .environments
            .strategies
            .iter()
            .map(|s| s.value.clone())
            .collect();
        Summary {
            cloud_provider: single(&cloud),
            cloud_providers: cloud,
            orchestrator: primary_orchestrator(facts),
            orchestrators: orch,
            ci_provider: single(&ci),
            ci_providers: ci,
            environment_strategy: primary_strategy(facts),
            environment_strategies: strategies,
            environments: facts
                .environments
                .names
                .iter()
                .map(|n| n.value.clone())
                .collect(),
            iac: names(&facts.iac),
            services: facts.services.iter().map(|s| s.name.clone()).collect(),
            backing_services: facts
                .backing_services
                .iter()
                .map(|b| b.id.clone())
                .collect(),
        }
    }
}
