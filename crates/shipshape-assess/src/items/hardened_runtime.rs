//! Read-only root filesystem and dropped capabilities for every Kubernetes container.

use serde_json::Value;

use crate::artifacts::{container_name, k8s_objects};
use crate::input::{Input, RuleFindings};
use crate::item::{ItemDef, Outcome, Status};

pub static ITEM: ItemDef = ItemDef {
    id: "hardened-runtime",
    title: "Read-only root filesystem, dropped capabilities",
    impact: 2,
    effort: 1,
    fix: "Set `readOnlyRootFilesystem: true`, `allowPrivilegeEscalation: false` and `capabilities: {drop: [ALL]}` in every container's securityContext.",
    generator: None,
    rules: &[],
    facts: &["kubernetes: container securityContext"],
    run,
};

fn run(input: &Input, _found: &RuleFindings) -> Outcome {
    let mut total = 0;
    let mut good = 0;
    let mut evidence = Vec::new();
    for obj in k8s_objects(input) {
        if !obj.is_workload() {
            continue;
        }
        for c in obj.containers() {
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
            let name = container_name(c);
            if ro && no_esc && drop_all {
                good += 1;
                evidence.push(obj.evidence(
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
                evidence.push(obj.evidence(
                    &format!("name: {name}"),
                    &format!("container {name} lacks {}", missing.join(", ")),
                ));
            }
        }
    }
    if total == 0 {
        return Outcome::not_applicable("no Kubernetes workloads to harden");
    }
    Outcome::new(
        Status::share(good, total),
        format!("{good} of {total} containers hardened"),
    )
    .with(evidence)
}
