//! The production-readiness assessment: the engineering standards shipshape encodes, checked one
//! by one. It sits above the checkers: an item whose question an audit or secret rule answers is
//! decided from that rule's findings (with the finding's file and line as evidence), the others
//! from the detected facts and the artifacts no audit domain reads yet. Each item says pass,
//! partial, fail, not applicable, or not yet checked (the check needs an analysis shipshape does
//! not run yet — never a guess), with its evidence and what to do about it.
//!
//! Each checklist item is one file under [`items`], declaring the rule IDs and facts it reads;
//! [`items::CHECKLIST`] lists them in the order they are shown.

mod artifacts;
mod ci;
mod input;
mod item;
pub mod items;

use serde::Serialize;

pub use input::{Input, RuleFindings};
pub use item::{ItemDef, ItemEvidence, Outcome, Status};

/// One assessed item.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Item {
    pub id: &'static str,
    pub title: &'static str,
    pub status: Status,
    /// One line on what was found.
    pub summary: String,
    pub evidence: Vec<ItemEvidence>,
    #[schemars(range(min = 1, max = 3))]
    pub impact: u8,
    #[schemars(range(min = 1, max = 3))]
    pub effort: u8,
    /// What would make it pass (absent when it passes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<&'static str>,
    /// The command that generates what is missing (`shipshape init --only docker`), when a
    /// generator fixes this item; absent when the fix is manual.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix_command: Option<String>,
}

/// The whole assessment.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Assessment {
    /// 0–100: impact-weighted share of the checked items that pass (partial counts half).
    #[schemars(range(max = 100))]
    pub score: u32,
    pub grade: &'static str,
    pub counts: Counts,
    pub items: Vec<Item>,
    /// Up to five failing or partial items with the most impact for the least effort.
    pub quick_wins: Vec<&'static str>,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Counts {
    pub pass: usize,
    pub partial: usize,
    pub fail: usize,
    pub not_applicable: usize,
    pub not_yet_checked: usize,
}

/// How much evidence one item keeps (sorted, deduplicated); the summary gives the full count.
const EVIDENCE_PER_ITEM: usize = 8;

/// Assess the repository described by `input` against every item of [`items::CHECKLIST`].
pub fn assess(input: &Input) -> Assessment {
    let mut items = Vec::new();
    let mut counts = Counts::default();
    let (mut earned, mut possible) = (0.0, 0.0);
    for def in items::CHECKLIST {
        let found = input.findings_of(def);
        let o = (def.run)(input, &found);
        match o.status {
            Status::Pass => counts.pass += 1,
            Status::Partial => counts.partial += 1,
            Status::Fail => counts.fail += 1,
            Status::NotApplicable => counts.not_applicable += 1,
            Status::NotYetChecked => counts.not_yet_checked += 1,
        }
        if let Some(c) = o.status.credit() {
            earned += c * f64::from(def.impact);
            possible += f64::from(def.impact);
        }
        let mut evidence = o.evidence;
        evidence.sort();
        evidence.dedup();
        evidence.truncate(EVIDENCE_PER_ITEM);
        let open = !matches!(o.status, Status::Pass | Status::NotApplicable);
        let fix_command = match def.generator {
            Some(what) if open && o.generator_fixes => Some(input.init_command(what)),
            _ => None,
        };
        items.push(Item {
            id: def.id,
            title: def.title,
            status: o.status,
            summary: o.summary,
            evidence,
            impact: def.impact,
            effort: def.effort,
            fix: open.then_some(def.fix),
            fix_command,
        });
    }
    let score = if possible > 0.0 {
        (100.0 * earned / possible).round() as u32
    } else {
        0
    };
    Assessment {
        score,
        grade: grade(score),
        counts,
        quick_wins: quick_wins(&items),
        items,
    }
}

/// Failing or partial items, most impact per unit of effort first; then higher impact; then
/// checklist order.
fn quick_wins(items: &[Item]) -> Vec<&'static str> {
    let mut wins: Vec<&Item> = items
        .iter()
        .filter(|i| matches!(i.status, Status::Fail | Status::Partial))
        .collect();
    wins.sort_by(|a, b| {
        let ra = f64::from(a.impact) / f64::from(a.effort);
        let rb = f64::from(b.impact) / f64::from(b.effort);
        rb.total_cmp(&ra).then(b.impact.cmp(&a.impact))
    });
    wins.iter().take(5).map(|i| i.id).collect()
}

fn grade(score: u32) -> &'static str {
    match score {
        90.. => "A",
        75..=89 => "B",
        60..=74 => "C",
        40..=59 => "D",
        _ => "F",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_follow_the_score() {
        assert_eq!(grade(95), "A");
        assert_eq!(grade(80), "B");
        assert_eq!(grade(60), "C");
        assert_eq!(grade(45), "D");
        assert_eq!(grade(10), "F");
    }
}
