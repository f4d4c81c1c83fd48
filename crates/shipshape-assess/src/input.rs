//! What the checklist reads: the repository's inventory, what detection made of it, and the
//! findings of a full run of every checker (every audit domain and the secret scan of the
//! working tree, plus git history when asked) with the catalog that describes their rules.

use shipshape_core::{ArtifactKind, Inventory};
use shipshape_detect::ctx::Ctx;
use shipshape_detect::{BackingKind, BackingService, Facts, Orchestrator};
use shipshape_diagnostics::{Catalog, Finding, HistoryStats, Report};

use crate::item::{ItemDef, ItemEvidence};

/// The rule that reports a file the audit could not parse (so none of its rules ran on it).
pub(crate) const PARSE_ERROR: &str = "SS-PARSE-001";

/// Everything an item may read.
pub struct Input<'a> {
    pub inv: &'a Inventory,
    pub facts: &'a Facts,
    /// Detection's parsed-file access (YAML, JSON, TOML with notes on failure), for the
    /// artifacts no audit domain reads yet.
    pub ctx: Ctx<'a>,
    /// Findings of every checker over the repository (paths relative to its root).
    pub findings: &'a Report,
    /// The rules behind those findings, built-in and the repository's own.
    pub catalog: &'a Catalog,
    /// The repository as the user named it, for the commands the assessment suggests.
    pub shown: String,
}

impl<'a> Input<'a> {
    /// `findings` must come from one run of every audit domain and the secret scan over `inv`
    /// (all rules selected), `catalog` from the same run.
    pub fn new(
        inv: &'a Inventory,
        facts: &'a Facts,
        findings: &'a Report,
        catalog: &'a Catalog,
    ) -> Input<'a> {
        let roots = facts.services.iter().map(|s| s.root.clone()).collect();
        Input {
            inv,
            facts,
            ctx: Ctx::new(inv, roots),
            findings,
            catalog,
            shown: ".".to_string(),
        }
    }

    /// Name the repository as the user did (`examples/shop`) in suggested commands.
    pub fn shown_as(mut self, shown: impl Into<String>) -> Input<'a> {
        self.shown = shown.into();
        self
    }

    /// The findings of the rules `def` declares (by ID or domain name).
    pub fn findings_of(&self, def: &ItemDef) -> RuleFindings<'a> {
        let findings = self
            .findings
            .findings
            .iter()
            .filter(|f| {
                def.rules.contains(&f.rule_id.as_str())
                    || self
                        .catalog
                        .get(&f.rule_id)
                        .is_some_and(|r| def.rules.iter().any(|k| r.domain.name() == *k))
            })
            .collect();
        RuleFindings { findings }
    }

    /// The git-history scan, when one ran.
    pub fn history(&self) -> Option<&HistoryStats> {
        self.findings.history.as_ref()
    }

    /// The `shipshape init` command that generates `what` for this repository.
    pub fn init_command(&self, what: &str) -> String {
        let shown = self.shown.trim_end_matches('/');
        if shown.is_empty() || shown == "." {
            format!("shipshape init --only {what}")
        } else {
            format!("shipshape init --only {what} {shown}")
        }
    }

    /// Databases the services use.
    pub fn databases(&self) -> Vec<&'a BackingService> {
        self.facts
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

    /// Whether anything deploys the services beyond local compose.
    pub fn has_deploy_target(&self) -> bool {
        let o = &self.facts.orchestrators;
        !o.is_empty() && !o.iter().all(|o| o.value == Orchestrator::Compose)
    }

    /// Whether the file at `path` is of `kind`.
    pub fn is_kind(&self, path: &str, kind: ArtifactKind) -> bool {
        self.inv.get(path).is_some_and(|f| f.kind == kind)
    }
}

/// The findings of the rules one item declares.
#[derive(Debug, Clone, Default)]
pub struct RuleFindings<'a> {
    findings: Vec<&'a Finding>,
}

impl<'a> RuleFindings<'a> {
    pub fn new(findings: Vec<&'a Finding>) -> RuleFindings<'a> {
        RuleFindings { findings }
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a Finding> + '_ {
        self.findings.iter().copied()
    }

    pub fn is_empty(&self) -> bool {
        self.findings.is_empty()
    }

    /// Findings of problems (every declared rule but the parse-error rule).
    pub fn problems(&self) -> impl Iterator<Item = &'a Finding> + '_ {
        self.iter().filter(|f| f.rule_id != PARSE_ERROR)
    }

    /// Problems in the file at `path`.
    pub fn in_file<'p>(&'p self, path: &'p str) -> impl Iterator<Item = &'a Finding> + 'p {
        self.problems().filter(move |f| f.location.path == path)
    }

    /// Files of `kind` that did not parse, so no rule judged them, as evidence.
    pub fn unparsed(&self, input: &Input, kind: ArtifactKind) -> Vec<ItemEvidence> {
        self.iter()
            .filter(|f| f.rule_id == PARSE_ERROR && input.is_kind(&f.location.path, kind))
            .map(|f| {
                let mut e = ItemEvidence::from(f);
                e.note = format!("not checked: {}", e.note);
                e
            })
            .collect()
    }
}
