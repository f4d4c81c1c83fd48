//! The registry: every rule shipshape has, in ID order. Rules live one per file under
//! `rules/<target>/`.

use crate::rule::{Rule, RuleMeta, Target};

pub mod compose;
pub mod docker;
pub mod parse_error;
pub mod unused_ignore;

include!(concat!(env!("OUT_DIR"), "/rule_docs.rs"));

/// The documentation comment of the rule's file (What it does / Why is this bad? / Example /
/// Fix), if it has one.
pub fn docs(id: &str) -> Option<&'static str> {
    RULE_DOCS.iter().find(|(i, _)| *i == id).map(|(_, d)| *d)
}

/// Every rule, sorted by ID.
pub fn all() -> Vec<&'static dyn Rule> {
    let mut v: Vec<&'static dyn Rule> =
        vec![&parse_error::ParseError, &unused_ignore::UnusedIgnore];
    v.extend(docker::rules());
    v.extend(compose::rules());
    v.sort_by_key(|r| r.meta().id);
    v
}

/// Metadata of every rule, sorted by ID.
pub fn metas() -> Vec<&'static RuleMeta> {
    all().into_iter().map(|r| r.meta()).collect()
}

/// A rule by ID (`SS-DOCKER-001`, case-insensitive) or slug (`no-latest-tag`).
pub fn find(key: &str) -> Option<&'static RuleMeta> {
    metas()
        .into_iter()
        .find(|m| m.id.eq_ignore_ascii_case(key) || m.slug == key)
}

/// Rules of one target.
pub fn for_target(target: Target) -> Vec<&'static dyn Rule> {
    all()
        .into_iter()
        .filter(|r| r.meta().target == target)
        .collect()
}
