//! What runs the services: Kubernetes (plain manifests, Helm, Kustomize), Compose, ECS, Nomad,
//! functions-as-a-service, or a PaaS. Kubernetes manifests are read once here; the kinds found
//! are shared with the cloud and observability detectors.

use shipshape_core::artifact::top_level_kinds;
use std::sync::LazyLock;

use rayon::prelude::*;
use regex::Regex;
use shipshape_core::{ArtifactKind, Evidence, FileEntry, LineIndex};

use super::terraform::TfFile;
use super::Infra;
use crate::ctx::Ctx;
use crate::model::Orchestrator;

/// Terraform resources that provision an orchestrator for the app.
const TF_RESOURCES: &[(&str, Orchestrator)] = &[
    ("aws_ecs_service", Orchestrator::Ecs),
    ("aws_ecs_task_definition", Orchestrator::Ecs),
    ("aws_eks_cluster", Orchestrator::Kubernetes),
    ("google_container_cluster", Orchestrator::Kubernetes),
    ("azurerm_kubernetes_cluster", Orchestrator::Kubernetes),
    ("digitalocean_kubernetes_cluster", Orchestrator::Kubernetes),
    ("linode_lke_cluster", Orchestrator::Kubernetes),
    ("kubernetes_deployment", Orchestrator::Kubernetes),
    ("kubernetes_deployment_v1", Orchestrator::Kubernetes),
    ("helm_release", Orchestrator::Helm),
    ("aws_lambda_function", Orchestrator::Serverless),
    ("nomad_job", Orchestrator::Nomad),
];

/// A Kubernetes manifest: whether it was read, and the kinds of its documents with their lines.
#[derive(Debug)]
pub(crate) struct Manifest {
    pub path: String,
    pub parsed: bool,
    pub kinds: Vec<(String, Option<u32>)>,
}

static NOMAD_JOB_RX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?m)^\s*job\s+"([^"]+)"\s*\{"#).expect("built-in pattern"));

/// Read every Kubernetes manifest's kinds once, on every core (a repository of charts and
/// manifests has thousands). Only the top-level `kind:` of each document is needed, so the
/// file is scanned line by line rather than parsed: a manifest is a block mapping whose keys
/// start at column 0. A file with no such line (flow style, a document indented as a whole,
/// JSON) is parsed after all. The order is the files' order whatever the threads do.
pub(crate) fn manifests(ctx: &Ctx, files: &[&FileEntry]) -> Vec<Manifest> {
    let manifests: Vec<&FileEntry> = files
        .iter()
        .copied()
        .filter(|f| f.kind == ArtifactKind::KubernetesManifest)
        .collect();
    manifests
        .par_iter()
        .map(|f| {
            // The walk lists them when it reads the file to classify it.
            let scanned = match f.top_level_kinds() {
                Some(kinds) => Some(kinds.to_vec()),
                None => ctx.inv.text(f).map(|text| top_level_kinds(&text)),
            };
            if let Some(kinds) = scanned.filter(|k| !k.is_empty()) {
                return Manifest {
                    path: f.path.clone(),
                    parsed: true,
                    kinds,
                };
            }
            match ctx.yaml_nodes(&f.path) {
                Some((text, docs)) => {
                    let lines = LineIndex::new(&text);
                    let kinds = docs
                        .iter()
                        .filter_map(|d| d.get("kind"))
                        .filter_map(|k| {
                            Some((k.as_str()?.to_string(), Some(lines.line(k.span.start))))
                        })
                        .collect();
                    Manifest {
                        path: f.path.clone(),
                        parsed: true,
                        kinds,
                    }
                }
                None => Manifest {
                    path: f.path.clone(),
                    parsed: false,
                    kinds: Vec::new(),
                },
            }
        })
        .collect()
}

pub(crate) fn detect(
    ctx: &Ctx,
    files: &[&FileEntry],
    tf: &[TfFile],
    k8s: &[Manifest],
    infra: &mut Infra,
) {
    let o = &mut infra.orchestrators;
    for m in k8s {
        let ev = match m.kinds.first() {
            Some((kind, line)) => {
                Evidence::new(&m.path, *line, format!("{} > kind {kind}", m.path))
            }
            None => Evidence::file(&m.path, format!("{} (Kubernetes manifest)", m.path)),
        };
        o.add(Orchestrator::Kubernetes, ev);
    }
    for f in files {
        let (kind, note) = match f.kind {
            ArtifactKind::HelmChart => (Orchestrator::Helm, "Helm chart"),
            ArtifactKind::Kustomization => (Orchestrator::Kustomize, "kustomization"),
            ArtifactKind::Compose => (Orchestrator::Compose, "Compose file"),
            _ if matches!(f.name(), "helmfile.yaml" | "helmfile.yml") => {
                (Orchestrator::Helm, "helmfile")
            }
            _ => continue,
        };
        let ev = Evidence::file(&f.path, format!("{} ({note})", f.path));
        // Helm charts and kustomizations are applied to a Kubernetes cluster.
        if kind != Orchestrator::Compose {
            o.add(Orchestrator::Kubernetes, ev.clone());
        }
        o.add(kind, ev);
    }
    for f in files {
        let name = f.name();
        if !(name.ends_with(".nomad") || name.ends_with(".nomad.hcl")) {
            continue;
        }
        let Some(text) = ctx.inv.text(f) else {
            continue;
        };
        if let Some(c) = NOMAD_JOB_RX.captures(&text) {
            let (Some(whole), Some(job)) = (c.get(0), c.get(1)) else {
                continue;
            };
            let ev = Evidence::at_offset(
                &f.path,
                &text,
                whole.start(),
                format!("{} > job \"{}\"", f.path, job.as_str()),
            );
            o.add(Orchestrator::Nomad, ev);
        }
    }
    for t in tf {
        for b in t.blocks.iter().filter(|b| b.kind == "resource") {
            let Some(ty) = b.labels.first() else { continue };
            if let Some((_, kind)) = TF_RESOURCES.iter().find(|(r, _)| r == ty) {
                let note = format!("{} > resource \"{ty}\"", t.path);
                o.add(*kind, Evidence::new(&t.path, Some(b.line), note));
            }
        }
    }
}

/// A Procfile lists process types for Heroku, Dokku, Scalingo and others alike, and is also
/// used by local process managers (foreman, honcho). It is read as "some PaaS" only when nothing
/// else says how the app runs, and never as a particular cloud.
pub(crate) fn procfile_fallback(files: &[&FileEntry], infra: &mut Infra) {
    if !infra.orchestrators.is_empty() {
        return;
    }
    for f in files.iter().filter(|f| f.name() == "Procfile") {
        let note = format!("{} (process types for a Procfile-based platform)", f.path);
        infra
            .orchestrators
            .add(Orchestrator::Paas, Evidence::file(&f.path, note));
    }
}

#[cfg(test)]
mod tests {
    use super::top_level_kinds;
    use crate::model::Orchestrator as O;
    use crate::repo::testing::facts;

    #[test]
    fn top_level_kinds_are_read_per_document_with_their_lines() {
        let text = "apiVersion: v1\nkind: Service # the front\nmetadata:\n  kind: nested\n---\n# next\nkind: \"Deployment\"\nspec:\n  template:\n    kind: x\n---\nkind: 'ConfigMap'\ndata:\n  a: |\n    kind: inside\n";
        assert_eq!(
            top_level_kinds(text),
            [
                ("Service".to_string(), Some(2)),
                ("Deployment".to_string(), Some(7)),
                ("ConfigMap".to_string(), Some(12)),
            ]
        );
        // Flow style and JSON are left to the parser.
        assert!(top_level_kinds("{\"kind\": \"Pod\"}\n").is_empty());
        assert!(top_level_kinds("kind: {a: b}\n").is_empty());
    }

    fn orchestrators(files: &[(&str, &str)]) -> Vec<O> {
        facts(files)
            .orchestrators
            .into_iter()
            .map(|l| l.value)
            .collect()
    }

    #[test]
    fn a_kubernetes_manifest_means_kubernetes_with_the_kind_line() {
        let f = facts(&[(
            "k8s/app.yaml",
            "# web\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
        )]);
        assert_eq!(f.orchestrators[0].value, O::Kubernetes);
        assert_eq!(f.orchestrators[0].evidence[0].line, Some(3));
        assert_eq!(
            f.orchestrators[0].evidence[0].note,
            "k8s/app.yaml > kind Deployment"
        );
    }

    #[test]
    fn a_broken_manifest_still_counts_by_its_kind_line() {
        // Only the kinds are read, line by line, so a manifest that does not parse still says
        // what it is; a Go-templated one alike.
        let f = facts(&[(
            "k8s/bad.yaml",
            "apiVersion: v1\nkind: Service\nmetadata: [\n  name: x\n",
        )]);
        assert_eq!(
            f.orchestrators.iter().map(|l| l.value).collect::<Vec<_>>(),
            [O::Kubernetes]
        );
        assert_eq!(f.orchestrators[0].evidence[0].line, Some(2));
        assert_eq!(
            orchestrators(&[(
                "deploy/web.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: {{ .Replicas }}\n"
            )]),
            [O::Kubernetes]
        );
    }

    #[test]
    fn helm_and_kustomize_also_mean_kubernetes() {
        assert_eq!(
            orchestrators(&[("chart/Chart.yaml", "apiVersion: v2\nname: x\n")]),
            [O::Kubernetes, O::Helm]
        );
        assert_eq!(
            orchestrators(&[("k8s/kustomization.yaml", "resources: []\n")]),
            [O::Kubernetes, O::Kustomize]
        );
    }

    #[test]
    fn compose_nomad_and_terraform_resources_are_orchestrators() {
        assert_eq!(
            orchestrators(&[("compose.yaml", "services:\n  web:\n    image: x\n")]),
            [O::Compose]
        );
        assert_eq!(
            orchestrators(&[("jobs/api.nomad.hcl", "job \"api\" {\n}\n")]),
            [O::Nomad]
        );
        assert_eq!(
            orchestrators(&[("ecs.tf", "resource \"aws_ecs_service\" \"api\" {\n}\n")]),
            [O::Ecs]
        );
    }
}
