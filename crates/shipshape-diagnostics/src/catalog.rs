//! The catalog: every rule a run knows — the static rules of every domain and the rules made at
//! run time (built-in secret rules, a repository's own, imported gitleaks rules) — in ID order.
//! `rules`, `explain`, `--select`/`--ignore`, SARIF's rule table and every renderer read it, so a
//! rule that can be selected can also be explained and is described in SARIF.

use std::hash::{BuildHasherDefault, Hasher};

use crate::rule::{Domain, RuleInfo};

/// ID → index maps. Every rule of every file asks whether it is enabled, so the lookup is on
/// the hot path: FNV-1a over IDs of a dozen bytes costs a fraction of the default SipHash (the
/// keys are rule IDs, nothing an attacker picks to collide).
type HashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<IdHasher>>;

#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CatalogError {
    #[error("rule `{id}` is defined twice")]
    Duplicate { id: String },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SelectionError {
    #[error("`{key}` names no rule — see `shipshape rules` (IDs, slugs, ID prefixes such as SS-DOCKER, or domains such as dockerfile, compose, secrets)")]
    UnknownKey { key: String },
}

/// Every rule of a run, sorted by ID.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    rules: Vec<RuleInfo>,
    /// Upper-case ID → index.
    by_id: HashMap<String, usize>,
}

impl Catalog {
    pub fn new(mut rules: Vec<RuleInfo>) -> Result<Catalog, CatalogError> {
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        let mut by_id = HashMap::with_capacity_and_hasher(rules.len(), Default::default());
        for (i, r) in rules.iter().enumerate() {
            if by_id.insert(r.id.to_ascii_uppercase(), i).is_some() {
                return Err(CatalogError::Duplicate {
                    id: r.id.to_string(),
                });
            }
        }
        Ok(Catalog { rules, by_id })
    }

    /// All rules, in ID order.
    pub fn rules(&self) -> &[RuleInfo] {
        &self.rules
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The position of a rule by ID (case-insensitive): SARIF's `ruleIndex`.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        // IDs are upper case; a finding's ID already is, so look it up as is first (renderers
        // ask once per finding) and fold the case only for what a user typed.
        match self.by_id.get(id) {
            Some(&i) => Some(i),
            None if id.bytes().any(|b| b.is_ascii_lowercase()) => {
                self.by_id.get(&id.to_ascii_uppercase()).copied()
            }
            None => None,
        }
    }

    /// A rule by ID (case-insensitive).
    pub fn get(&self, id: &str) -> Option<&RuleInfo> {
        self.index_of(id).map(|i| &self.rules[i])
    }

    /// A rule by ID or slug.
    pub fn find(&self, key: &str) -> Option<&RuleInfo> {
        self.get(key)
            .or_else(|| self.rules.iter().find(|r| r.slug == key))
    }

    /// Rules of one domain.
    pub fn of_domain(&self, domain: Domain) -> impl Iterator<Item = &RuleInfo> {
        self.rules.iter().filter(move |r| r.domain == domain)
    }

    /// Resolve `--select` and `--ignore` keys against every rule. Engine rules (parse errors,
    /// unused suppressions) are always on. A key that names no rule is an error: a typo must not
    /// silently run everything or nothing.
    pub fn select(
        &self,
        select: &[String],
        ignore: &[String],
    ) -> Result<Selection, SelectionError> {
        for key in select.iter().chain(ignore) {
            if !self.rules.iter().any(|r| r.matches_key(key)) {
                return Err(SelectionError::UnknownKey { key: key.clone() });
            }
        }
        let enabled = self
            .rules
            .iter()
            .map(|r| {
                r.domain == Domain::Engine
                    || ((select.is_empty() || select.iter().any(|k| r.matches_key(k)))
                        && !ignore.iter().any(|k| r.matches_key(k)))
            })
            .collect();
        Ok(Selection {
            enabled,
            by_id: self.by_id.clone(),
            domains: self.rules.iter().map(|r| r.domain).collect(),
        })
    }

    /// Everything on.
    pub fn select_all(&self) -> Selection {
        self.select(&[], &[]).expect("no keys, no unknown key")
    }
}

/// Which rules of a catalog run.
#[derive(Debug, Clone)]
pub struct Selection {
    enabled: Vec<bool>,
    by_id: HashMap<String, usize>,
    domains: Vec<Domain>,
}

impl Selection {
    /// Whether the rule with this ID runs. An ID the catalog does not know never runs.
    pub fn enabled(&self, id: &str) -> bool {
        let i = self
            .by_id
            .get(id)
            .or_else(|| self.by_id.get(&id.to_ascii_uppercase()));
        i.is_some_and(|&i| self.enabled[i])
    }

    /// Whether any rule of `domain` runs (a checker with nothing to do can skip its work).
    pub fn any_in(&self, domain: Domain) -> bool {
        self.domains
            .iter()
            .zip(&self.enabled)
            .any(|(d, e)| *d == domain && *e)
    }

    /// How many non-engine rules run.
    pub fn count(&self) -> usize {
        self.domains
            .iter()
            .zip(&self.enabled)
            .filter(|(d, e)| **d != Domain::Engine && **e)
            .count()
    }

    /// How many rules of `domain` run.
    pub fn count_in(&self, domain: Domain) -> usize {
        self.domains
            .iter()
            .zip(&self.enabled)
            .filter(|(d, e)| **d == domain && **e)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::rule::{RuleDocs, RuleOrigin};
    use shipshape_core::Severity;

    fn rule(id: &'static str, slug: &'static str, domain: Domain) -> RuleInfo {
        RuleInfo {
            id: Cow::Borrowed(id),
            slug: Cow::Borrowed(slug),
            domain,
            severity: Severity::Warning,
            title: Cow::Borrowed("t"),
            docs: RuleDocs::default(),
            equivalents: vec![],
            origin: RuleOrigin::Builtin,
        }
    }

    fn catalog() -> Catalog {
        Catalog::new(vec![
            rule("SS-SECRET-001", "aws-access-key", Domain::Secrets),
            rule("SS-DOCKER-004", "no-latest-tag", Domain::Dockerfile),
            rule("SS-COMPOSE-001", "no-privileged", Domain::Compose),
            rule("SS-PARSE-001", "parse-error", Domain::Engine),
        ])
        .unwrap()
    }

    #[test]
    fn keeps_rules_in_id_order_and_finds_them_by_id_or_slug() {
        let c = catalog();
        let ids: Vec<&str> = c.rules().iter().map(|r| r.id.as_ref()).collect();
        assert_eq!(
            ids,
            [
                "SS-COMPOSE-001",
                "SS-DOCKER-004",
                "SS-PARSE-001",
                "SS-SECRET-001"
            ]
        );
        assert_eq!(c.index_of("ss-secret-001"), Some(3));
        assert_eq!(c.find("no-latest-tag").unwrap().id, "SS-DOCKER-004");
        assert!(c.find("nope").is_none());
    }

    #[test]
    fn rejects_a_duplicate_id() {
        let err = Catalog::new(vec![
            rule("SS-X-001", "a", Domain::Secrets),
            rule("ss-x-001", "b", Domain::Secrets),
        ])
        .unwrap_err();
        assert_eq!(
            err,
            CatalogError::Duplicate {
                id: "ss-x-001".into()
            }
        );
    }

    #[test]
    fn selects_by_domain_and_ignores_by_prefix_with_engine_rules_always_on() {
        let c = catalog();
        let s = c.select(&["secrets".into()], &[]).unwrap();
        assert!(s.enabled("SS-SECRET-001"));
        assert!(!s.enabled("SS-DOCKER-004"));
        assert!(s.enabled("SS-PARSE-001"));
        assert_eq!(s.count(), 1);
        let s = c
            .select(&[], &["SS-DOCKER".into(), "no-privileged".into()])
            .unwrap();
        assert!(!s.enabled("SS-DOCKER-004") && !s.enabled("SS-COMPOSE-001"));
        assert!(s.any_in(Domain::Secrets) && !s.any_in(Domain::Compose));
    }

    #[test]
    fn a_key_that_names_nothing_is_an_error() {
        let err = catalog().select(&["no-latest".into()], &[]).unwrap_err();
        assert_eq!(
            err,
            SelectionError::UnknownKey {
                key: "no-latest".into()
            }
        );
    }
}
