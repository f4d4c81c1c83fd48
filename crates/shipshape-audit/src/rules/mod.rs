//! The registries: every audit domain, and in each domain every rule in ID order. Rules live one
//! per file under `rules/<domain>/`; each file's doc comment is the rule's documentation.

use shipshape_diagnostics::{RuleDocs, RuleInfo};

use crate::rule::{AuditDomain, RuleMeta};

pub mod compose;
pub mod docker;
pub mod github_actions;
pub mod gitlab_ci;
pub mod parse_error;
pub mod unused_ignore;

include!(concat!(env!("OUT_DIR"), "/rule_docs.rs"));

/// Every audit domain. A new domain adds one line here.
pub static DOMAINS: &[&dyn AuditDomain] = &[
    &docker::DockerfileDomain,
    &compose::ComposeDomain,
    &github_actions::GithubActionsDomain,
    &gitlab_ci::GitlabCiDomain,
];

/// The rules of the engine itself, which every domain may report.
pub static ENGINE_RULES: &[&RuleMeta] = &[&parse_error::META, &unused_ignore::META];

/// The documentation comment of the rule's file, if it has one.
pub fn docs(id: &str) -> Option<&'static str> {
    RULE_DOCS.iter().find(|(i, _)| *i == id).map(|(_, d)| *d)
}

/// Metadata of every audit rule (all domains and the engine), sorted by ID.
pub fn metas() -> Vec<&'static RuleMeta> {
    let mut v: Vec<&'static RuleMeta> = ENGINE_RULES.to_vec();
    for d in DOMAINS {
        v.extend(d.rules());
    }
    v.sort_by_key(|m| m.id);
    v
}

/// Catalog entries for every audit rule, with their documentation: read from the rules' Markdown
/// once per process (a command may start that beside its walk, see [`warm_up`]).
pub fn catalog_entries() -> Vec<RuleInfo> {
    static ENTRIES: std::sync::OnceLock<Vec<RuleInfo>> = std::sync::OnceLock::new();
    ENTRIES
        .get_or_init(|| {
            metas()
                .into_iter()
                .map(|m| RuleInfo::from_meta(m, RuleDocs::from_markdown(docs(m.id).unwrap_or(""))))
                .collect()
        })
        .clone()
}

/// Read the rules' documentation into their catalog entries on a thread of its own, while the
/// command walks the repository. Returns at once.
pub fn warm_up() {
    let _ = std::thread::Builder::new()
        .name("audit-catalog".into())
        .spawn(warm_up_here);
}

/// What [`warm_up`] does, on the calling thread (a command's own warm-up thread).
pub fn warm_up_here() {
    let _ = catalog_entries();
}

/// A rule by ID (`SS-DOCKER-001`, case-insensitive) or slug (`no-latest-tag`).
pub fn find(key: &str) -> Option<&'static RuleMeta> {
    metas()
        .into_iter()
        .find(|m| m.id.eq_ignore_ascii_case(key) || m.slug == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registry_is_in_id_order_without_duplicates() {
        for d in DOMAINS {
            let ids: Vec<&str> = d.rules().iter().map(|m| m.id).collect();
            let mut sorted = ids.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(ids, sorted, "registry of {}", d.domain());
            assert!(d.rules().iter().all(|m| m.domain == d.domain()));
        }
    }

    #[test]
    fn every_rule_documents_why_and_how_to_fix() {
        for info in catalog_entries() {
            assert!(
                !info.docs.what.is_empty(),
                "{}: no `## What it does`",
                info.id
            );
            assert!(
                !info.docs.why.is_empty(),
                "{}: no `## Why is this bad?`",
                info.id
            );
            assert!(!info.docs.fix.is_empty(), "{}: no `## Fix`", info.id);
        }
    }
}
