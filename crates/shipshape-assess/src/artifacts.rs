//! Reading the artifacts no audit domain covers yet — Kubernetes manifests, CI configuration,
//! Terraform — for the few keys the checklist needs. When a domain for one of them lands, the
//! items reading it here move to that domain's findings and this file shrinks.
//!
//! Values come from the parsed document; the line in the evidence is the first line that names
//! the key (good enough for hand-written manifests).

use std::sync::Arc;

use serde_json::Value;
use shipshape_core::{ArtifactKind, Evidence};
use shipshape_detect::ctx::line_of;

use crate::input::Input;

/// Kinds of Kubernetes object that run pods from a template.
pub const WORKLOAD_KINDS: &[&str] = &["Deployment", "StatefulSet", "DaemonSet", "Rollout"];

/// One Kubernetes object, with the file it came from.
pub struct K8sObject {
    pub path: String,
    pub text: Arc<str>,
    pub value: Value,
}

impl K8sObject {
    pub fn kind(&self) -> &str {
        self.value.get("kind").and_then(Value::as_str).unwrap_or("")
    }

    pub fn is_workload(&self) -> bool {
        WORKLOAD_KINDS.contains(&self.kind())
    }

    /// Containers of a workload's pod template.
    pub fn containers(&self) -> Vec<&Value> {
        self.value
            .pointer("/spec/template/spec/containers")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default()
    }

    /// Evidence at the first line of the file that contains `needle`.
    pub fn evidence(&self, needle: &str, note: &str) -> Evidence {
        evidence_at(&self.path, &self.text, needle, note)
    }
}

/// Every Kubernetes object in the repository.
pub fn k8s_objects(input: &Input) -> Vec<K8sObject> {
    let mut out = Vec::new();
    for f in input.inv.of_kind(ArtifactKind::KubernetesManifest) {
        if let Some((text, docs)) = input.ctx.yaml_documents(&f.path) {
            for d in docs.into_iter().filter(|d| d.is_object()) {
                out.push(K8sObject {
                    path: f.path.clone(),
                    text: text.clone(),
                    value: d,
                });
            }
        }
    }
    out
}

/// The name of a container (`?` when it has none).
pub fn container_name(c: &Value) -> &str {
    c.get("name").and_then(Value::as_str).unwrap_or("?")
}

/// Evidence at the first line of `text` that contains `needle`.
pub fn evidence_at(path: &str, text: &str, needle: &str, note: &str) -> Evidence {
    Evidence::new(path, line_of(text, needle), note)
}

/// Text of every CI configuration file, with its path.
pub fn ci_texts(input: &Input) -> Vec<(String, Arc<str>)> {
    input
        .inv
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
        .filter_map(|f| input.inv.text(f).map(|t| (f.path.clone(), t)))
        .collect()
}

/// Text of every Terraform file, with its path.
pub fn terraform_texts(input: &Input) -> Vec<(String, Arc<str>)> {
    input
        .inv
        .of_kind(ArtifactKind::Terraform)
        .filter_map(|f| input.inv.text(f).map(|t| (f.path.clone(), t)))
        .collect()
}
