//! What a checklist item is: its declaration ([`ItemDef`] — id, title, weights, fix, and the
//! rules and facts it reads) and what deciding it gives ([`Outcome`]).

use serde::Serialize;
use shipshape_core::Evidence;
use shipshape_diagnostics::Finding;

use crate::input::{Input, RuleFindings};

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
    pub(crate) fn credit(self) -> Option<f64> {
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

    /// All of `total` good: pass; none: fail; some: partial.
    pub(crate) fn share(good: usize, total: usize) -> Status {
        if good == total {
            Status::Pass
        } else if good == 0 {
            Status::Fail
        } else {
            Status::Partial
        }
    }
}

/// One checklist item, declared in its own file under [`crate::items`].
#[derive(Debug)]
pub struct ItemDef {
    /// Stable kebab-case ID (`non-root-containers`): the JSON key users script against.
    pub id: &'static str,
    pub title: &'static str,
    /// 1 (nice to have) to 3 (an outage or a breach waiting to happen).
    pub impact: u8,
    /// 1 (a few lines) to 3 (a project).
    pub effort: u8,
    /// What to do when it does not pass.
    pub fix: &'static str,
    /// What `shipshape init --only <generator>` generates for this item, when a generator exists
    /// (`docker`, `dockerignore`, `compose`); the item's outcome says whether it applies.
    pub generator: Option<&'static str>,
    /// The rules whose findings the item reads: rule IDs, or a domain name (`secrets`) for every
    /// rule of the domain, built-in or defined by the repository. Only these findings reach
    /// [`ItemDef::run`].
    pub rules: &'static [&'static str],
    /// The facts and artifacts it reads, for people and for the docs: paths into `Facts`
    /// (`containers.dockerfiles`) and artifacts no audit domain reads yet (`kubernetes:
    /// securityContext`).
    pub facts: &'static [&'static str],
    pub run: fn(&Input, &RuleFindings) -> Outcome,
}

/// Evidence for an item: a place in the repository and what was seen there; `rule` names the
/// rule when the evidence is one of its findings (`shipshape explain <rule>` tells more).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
pub struct ItemEvidence {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub note: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

impl From<Evidence> for ItemEvidence {
    fn from(e: Evidence) -> Self {
        ItemEvidence {
            path: e.path,
            line: e.line,
            note: e.note,
            rule: None,
        }
    }
}

impl From<&Evidence> for ItemEvidence {
    fn from(e: &Evidence) -> Self {
        ItemEvidence::from(e.clone())
    }
}

impl From<&Finding> for ItemEvidence {
    /// The finding's file and first line, its (redacted) message and rule; a finding from git
    /// history says where it entered the history.
    fn from(f: &Finding) -> Self {
        let note = match &f.provenance {
            Some(p) if !p.in_working_tree => format!("{} ({})", f.message, p.describe()),
            _ => f.message.clone(),
        };
        ItemEvidence {
            path: f.location.path.to_string(),
            line: Some(f.location.start.line),
            note,
            rule: Some(f.rule_id.to_string()),
        }
    }
}

/// What deciding an item gives.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: Status,
    /// One line on what was found.
    pub summary: String,
    pub evidence: Vec<ItemEvidence>,
    /// Whether the item's generator would add what is missing (a service without a Dockerfile),
    /// as opposed to a problem in a file the user has, which generators never overwrite.
    pub generator_fixes: bool,
}

impl Outcome {
    pub fn new(status: Status, summary: impl Into<String>) -> Outcome {
        Outcome {
            status,
            summary: summary.into(),
            evidence: Vec::new(),
            generator_fixes: false,
        }
    }

    pub fn pass(summary: impl Into<String>) -> Outcome {
        Outcome::new(Status::Pass, summary)
    }

    pub fn partial(summary: impl Into<String>) -> Outcome {
        Outcome::new(Status::Partial, summary)
    }

    pub fn fail(summary: impl Into<String>) -> Outcome {
        Outcome::new(Status::Fail, summary)
    }

    pub fn not_applicable(summary: impl Into<String>) -> Outcome {
        Outcome::new(Status::NotApplicable, summary)
    }

    pub fn not_yet_checked(summary: impl Into<String>) -> Outcome {
        Outcome::new(Status::NotYetChecked, summary)
    }

    /// Add evidence: facts' [`Evidence`], findings, or [`ItemEvidence`].
    pub fn with<E: Into<ItemEvidence>>(mut self, evidence: impl IntoIterator<Item = E>) -> Outcome {
        self.evidence.extend(evidence.into_iter().map(Into::into));
        self
    }

    /// The item's generator adds what is missing.
    pub fn generated(mut self) -> Outcome {
        self.generator_fixes = true;
        self
    }
}
