//! ## What it does
//! Flags `schedule:` cron expressions that are not five valid fields (minute, hour, day of
//! month, month, day of week; numbers in range, `*`, ranges, steps, lists, and month and day
//! names).
//!
//! ## Why is this bad?
//! GitHub ignores a schedule it cannot parse: the nightly build, the dependency audit or the
//! backup job simply never runs, and nothing says so.
//!
//! ## Example
//! ```yaml
//! on:
//!   schedule:
//!     - cron: '0 24 * * *'
//! ```
//!
//! ## Fix
//! ```yaml
//!     - cron: '0 0 * * *'
//! ```

use shipshape_core::Severity;

use super::{GithubActionsRule, WorkflowDoc};
use crate::rule::{Diagnostic, Domain, RuleMeta};

pub struct InvalidCron;

pub static META: RuleMeta = RuleMeta {
    id: "SS-GHA-016",
    slug: "invalid-cron",
    domain: Domain::GithubActions,
    severity: Severity::Error,
    title: "Schedule that never runs",
    equivalents: &["actionlint:events"],
};

const FIELDS: &[(&str, u32, u32, &[&str])] = &[
    ("minute", 0, 59, &[]),
    ("hour", 0, 23, &[]),
    ("day of month", 1, 31, &[]),
    (
        "month",
        1,
        12,
        &[
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ],
    ),
    (
        "day of week",
        0,
        7,
        &["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
    ),
];

fn value(text: &str, min: u32, max: u32, names: &[&str]) -> Option<u32> {
    if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(text)) {
        return Some(i as u32 + min);
    }
    let n: u32 = text.parse().ok()?;
    (min..=max).contains(&n).then_some(n)
}

/// Why a cron field is invalid, or `None` when it is valid.
fn field_error(field: &str, (name, min, max, names): (&str, u32, u32, &[&str])) -> Option<String> {
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (part, None),
        };
        if let Some(step) = step {
            if step.parse::<u32>().ok().filter(|s| *s > 0).is_none() {
                return Some(format!("`{step}` is not a step of the {name} field"));
            }
        }
        if range == "*" {
            continue;
        }
        let (a, b) = match range.split_once('-') {
            Some((a, b)) => (a, Some(b)),
            None => (range, None),
        };
        let Some(lo) = value(a, min, max, names) else {
            return Some(format!("`{a}` is not a {name} ({min}-{max})"));
        };
        if let Some(b) = b {
            match value(b, min, max, names) {
                Some(hi) if hi >= lo => {}
                Some(_) => return Some(format!("`{range}` is an empty {name} range")),
                None => return Some(format!("`{b}` is not a {name} ({min}-{max})")),
            }
        }
    }
    None
}

/// Why a cron expression is invalid, or `None` when GitHub can run it.
pub(crate) fn cron_error(cron: &str) -> Option<String> {
    let fields: Vec<&str> = cron.split_whitespace().collect();
    if fields.len() != 5 {
        return Some(format!(
            "a cron expression has 5 fields (minute hour day month weekday), this one has {}",
            fields.len()
        ));
    }
    fields
        .iter()
        .zip(FIELDS)
        .find_map(|(f, spec)| field_error(f, *spec))
}

impl GithubActionsRule for InvalidCron {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &WorkflowDoc, out: &mut Vec<Diagnostic>) {
        let Some(wf) = doc.workflow else { return };
        for t in wf.triggers.iter().filter(|t| t.event == "schedule") {
            for cron in t.crons() {
                let Some(text) = cron.as_str() else { continue };
                if let Some(why) = cron_error(text) {
                    out.push(Diagnostic::new(
                        cron.span,
                        format!("schedule `{text}` never runs: {why}"),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_cron_accepts() {
        for ok in [
            "0 3 * * 1",
            "*/15 * * * *",
            "0 0 1,15 * MON-FRI",
            "30 2 * JAN-MAR 0",
            "0 0 * * 7",
        ] {
            assert_eq!(cron_error(ok), None, "{ok}");
        }
    }

    #[test]
    fn rejects_out_of_range_values_and_wrong_field_counts() {
        assert!(cron_error("0 24 * * *").is_some_and(|e| e.contains("hour")));
        assert!(cron_error("0 0 * *").is_some_and(|e| e.contains("5 fields")));
        assert!(cron_error("*/0 * * * *").is_some());
        assert!(cron_error("0 0 0 * *").is_some_and(|e| e.contains("day of month")));
        assert!(cron_error("0 0 * * 5-1").is_some());
    }
}
