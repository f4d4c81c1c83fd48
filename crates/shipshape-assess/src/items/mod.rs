//! The checklist: one file per item, each declaring what it reads, listed here in the order the
//! assessment shows them. An item's ID is a public contract (JSON key, `--format json` users
//! script against it): never rename one.

use shipshape_core::{Evidence, Located};
use shipshape_detect::Facts;

use crate::item::{ItemDef, Outcome, Status};

pub mod automatic_rollback;
pub mod autoscaling;
pub mod backups;
pub mod ci_pipeline;
pub mod cve_scanning;
pub mod dockerignore;
pub mod environment_separation;
pub mod fail_fast_ci;
pub mod hardened_runtime;
pub mod health_probes;
pub mod infrastructure_as_code;
pub mod least_privilege_ci;
pub mod metrics;
pub mod multi_stage_builds;
pub mod no_hardcoded_secrets;
pub mod non_root_containers;
pub mod pinned_base_images;
pub mod private_databases;
pub mod runbooks;
pub mod slo_alerting;
pub mod structured_logs;
pub mod zero_downtime_rollout;

#[cfg(test)]
pub(crate) mod testing;

/// Every item, in the order it is shown.
pub static CHECKLIST: &[&ItemDef] = &[
    &no_hardcoded_secrets::ITEM,
    &ci_pipeline::ITEM,
    &fail_fast_ci::ITEM,
    &multi_stage_builds::ITEM,
    &pinned_base_images::ITEM,
    &non_root_containers::ITEM,
    &dockerignore::ITEM,
    &hardened_runtime::ITEM,
    &least_privilege_ci::ITEM,
    &zero_downtime_rollout::ITEM,
    &automatic_rollback::ITEM,
    &infrastructure_as_code::ITEM,
    &environment_separation::ITEM,
    &structured_logs::ITEM,
    &metrics::ITEM,
    &health_probes::ITEM,
    &autoscaling::ITEM,
    &slo_alerting::ITEM,
    &backups::ITEM,
    &cve_scanning::ITEM,
    &private_databases::ITEM,
    &runbooks::ITEM,
];

/// How many services have an observability library (`entries`) whose evidence lies in their
/// folder: all pass, none fail, some partial.
fn service_coverage(facts: &Facts, entries: &[Located<String>], what: &str) -> Outcome {
    if facts.services.is_empty() {
        return Outcome::not_applicable("no services");
    }
    let evidence: Vec<&Evidence> = entries.iter().flat_map(|e| e.evidence.iter()).collect();
    let covered = facts
        .services
        .iter()
        .filter(|s| {
            evidence
                .iter()
                .any(|e| s.root == "." || e.path.starts_with(&format!("{}/", s.root)))
        })
        .count();
    let total = facts.services.len();
    Outcome::new(
        Status::share(covered, total),
        format!("{covered} of {total} services use {what}"),
    )
    .with(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut ids: Vec<&str> = CHECKLIST.iter().map(|c| c.id).collect();
        for id in &ids {
            assert!(
                id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{id}"
            );
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CHECKLIST.len());
    }

    #[test]
    fn weights_are_between_one_and_three() {
        for c in CHECKLIST {
            assert!(
                (1..=3).contains(&c.impact) && (1..=3).contains(&c.effort),
                "{}",
                c.id
            );
        }
    }

    #[test]
    fn every_declared_rule_is_in_the_catalog() {
        let (_, catalog) =
            testing::check(&shipshape_core::Inventory::open(testing::Repo::new().path()).unwrap());
        for def in CHECKLIST {
            for key in def.rules {
                let known = catalog.get(key).is_some()
                    || catalog.rules().iter().any(|r| r.domain.name() == *key);
                assert!(known, "{}: `{key}` names no rule and no domain", def.id);
            }
        }
    }

    #[test]
    fn every_generator_is_one_init_knows() {
        for def in CHECKLIST {
            if let Some(g) = def.generator {
                assert!(
                    shipshape_gen::Artifact::parse(g).is_some(),
                    "{}: `init --only {g}` does not exist",
                    def.id
                );
            }
        }
    }

    #[test]
    fn items_that_read_no_rule_say_which_facts_they_read() {
        for def in CHECKLIST {
            assert!(
                !def.rules.is_empty() || !def.facts.is_empty(),
                "{} declares nothing it reads",
                def.id
            );
        }
    }

    #[test]
    fn the_checklist_keeps_its_order() {
        let ids: Vec<&str> = CHECKLIST.iter().map(|c| c.id).collect();
        assert_eq!(
            ids,
            [
                "no-hardcoded-secrets",
                "ci-pipeline",
                "fail-fast-ci",
                "multi-stage-builds",
                "pinned-base-images",
                "non-root-containers",
                "dockerignore",
                "hardened-runtime",
                "least-privilege-ci",
                "zero-downtime-rollout",
                "automatic-rollback",
                "infrastructure-as-code",
                "environment-separation",
                "structured-logs",
                "metrics",
                "health-probes",
                "autoscaling",
                "slo-alerting",
                "backups",
                "cve-scanning",
                "private-databases",
                "runbooks",
            ]
        );
    }
}
