//! Limits that keep one call from flooding an agent or the machine. Findings come in pages; any
//! other list that would make a result larger than [`MAX_RESULT_BYTES`] is cut, and the result
//! says what was left out; calls run at most [`MAX_RUNNING`] at a time, each within a time limit.
//! A result that fits is returned whole, byte for byte what the CLI prints.

use std::time::Duration;

use serde_json::{json, Value};

/// Findings per page when the call does not say.
pub const DEFAULT_PAGE: usize = 100;
/// Findings per page at most.
pub const MAX_PAGE: usize = 500;
/// A result's JSON at most: large enough for every report of a real repository (the whole rule
/// catalog is about 400 KiB), small enough for an agent's context.
pub const MAX_RESULT_BYTES: usize = 512 * 1024;
/// Calls that run at once; more wait their turn (two cores do not go faster with more).
pub const MAX_RUNNING: usize = 4;
/// Calls that may wait for a turn; beyond that a call is refused as busy.
pub const MAX_WAITING: usize = 64;
/// Time for one call, waiting included.
pub const CALL_TIME_LIMIT: Duration = Duration::from_secs(120);
/// Time for a git-history scan.
pub const HISTORY_TIME_LIMIT: Duration = Duration::from_secs(600);
/// Strings longer than this are cut when a result is still too large with every list cut.
const MAX_STRING_BYTES: usize = 8 * 1024;
/// The list lengths tried, in turn, until a result fits.
const LIST_STEPS: &[usize] = &[1000, 200, 50, 10];

/// Keep `findings[offset..offset + limit]` of a findings report. Returns the page (for `_meta`)
/// and, when not every finding is shown, a note for the report's `notes`.
pub fn page_findings(
    doc: &mut Value,
    offset: usize,
    limit: Option<usize>,
) -> Result<(Value, Option<String>), String> {
    let limit = limit.unwrap_or(DEFAULT_PAGE);
    if limit == 0 || limit > MAX_PAGE {
        return Err(format!(
            "limit must be between 1 and {MAX_PAGE} (got {limit})"
        ));
    }
    let Some(Value::Array(findings)) = doc.get_mut("findings") else {
        return Err("internal error: a findings report without findings".into());
    };
    let total = findings.len();
    let start = offset.min(total);
    let end = start.saturating_add(limit).min(total);
    findings.truncate(end);
    findings.drain(..start);
    let next = (end < total).then_some(end);
    let page = json!({
        "offset": offset,
        "limit": limit,
        "total": total,
        "next_offset": next,
    });
    let note = if start == 0 && end == total {
        None
    } else if start >= total {
        Some(format!(
            "offset {offset} is past the last finding: there are {total}"
        ))
    } else {
        Some(format!(
            "findings {}–{end} of {total} shown{}",
            start + 1,
            match next {
                Some(n) => format!("; call again with offset={n} for the next page"),
                None => String::new(),
            }
        ))
    };
    Ok((page, note))
}

/// A list (or string) cut to fit: where, how much is shown, how much there was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    /// JSON pointer into the result.
    pub pointer: String,
    pub shown: usize,
    pub total: usize,
    /// `entries` or `bytes`.
    pub unit: &'static str,
}

impl Cut {
    pub fn to_json(&self) -> Value {
        json!({ "pointer": self.pointer, "shown": self.shown, "total": self.total, "unit": self.unit })
    }
}

/// Cut `doc` until its JSON is at most `budget` bytes: first the longest lists, to fewer and fewer
/// entries, then long strings. Returns what was cut (nothing when it fitted).
pub fn fit(doc: &mut Value, budget: usize) -> Result<Vec<Cut>, String> {
    let mut cuts: Vec<Cut> = Vec::new();
    if size(doc) <= budget {
        return Ok(cuts);
    }
    for &max in LIST_STEPS {
        cut_lists(doc, max, &mut String::new(), &mut cuts);
        if size(doc) <= budget {
            return Ok(cuts);
        }
    }
    cut_strings(doc, &mut String::new(), &mut cuts);
    let n = size(doc);
    if n <= budget {
        return Ok(cuts);
    }
    Err(format!(
        "the result is {} KiB even with every list cut to {} entries, over the {} KiB limit: \
         narrow the call (a sub-folder, fewer rules)",
        n / 1024,
        LIST_STEPS[LIST_STEPS.len() - 1],
        budget / 1024
    ))
}

/// One sentence for an agent: what was cut and how to see the rest.
pub fn describe(cuts: &[Cut]) -> String {
    let parts: Vec<String> = cuts
        .iter()
        .map(|c| format!("{} shows {} of {} {}", c.pointer, c.shown, c.total, c.unit))
        .collect();
    format!(
        "the result was cut to fit {} KiB: {}. Narrow the call (a sub-folder, `select`) to see \
         the rest.",
        MAX_RESULT_BYTES / 1024,
        parts.join("; ")
    )
}

fn size(doc: &Value) -> usize {
    serde_json::to_vec(doc)
        .map(|v| v.len())
        .unwrap_or(usize::MAX)
}

fn record(cuts: &mut Vec<Cut>, pointer: &str, shown: usize, total: usize, unit: &'static str) {
    match cuts.iter_mut().find(|c| c.pointer == pointer) {
        Some(c) => c.shown = shown,
        None => cuts.push(Cut {
            pointer: pointer.to_string(),
            shown,
            total,
            unit,
        }),
    }
}

fn cut_lists(v: &mut Value, max: usize, pointer: &mut String, cuts: &mut Vec<Cut>) {
    match v {
        Value::Array(items) => {
            if items.len() > max {
                let total = items.len();
                items.truncate(max);
                record(cuts, pointer, max, total, "entries");
            }
            for (i, item) in items.iter_mut().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                cut_lists(item, max, pointer, cuts);
                pointer.truncate(len);
            }
        }
        Value::Object(map) => {
            for (k, item) in map.iter_mut() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&k.replace('~', "~0").replace('/', "~1"));
                cut_lists(item, max, pointer, cuts);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

fn cut_strings(v: &mut Value, pointer: &mut String, cuts: &mut Vec<Cut>) {
    match v {
        Value::String(s) if s.len() > MAX_STRING_BYTES => {
            let total = s.len();
            let mut end = MAX_STRING_BYTES;
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            s.truncate(end);
            s.push_str(" … [cut]");
            record(cuts, pointer, end, total, "bytes");
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                cut_strings(item, pointer, cuts);
                pointer.truncate(len);
            }
        }
        Value::Object(map) => {
            for (k, item) in map.iter_mut() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&k.replace('~', "~0").replace('/', "~1"));
                cut_strings(item, pointer, cuts);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(n: usize) -> Value {
        let findings: Vec<Value> = (0..n).map(|i| json!({ "n": i })).collect();
        json!({ "findings": findings, "notes": [] })
    }

    #[test]
    fn a_small_report_is_one_page_without_a_note() {
        let mut doc = report(3);
        let (page, note) = page_findings(&mut doc, 0, None).unwrap();
        assert_eq!(doc["findings"].as_array().unwrap().len(), 3);
        assert_eq!(page["total"], 3);
        assert!(page["next_offset"].is_null());
        assert_eq!(note, None);
    }

    #[test]
    fn pages_say_where_the_next_one_starts() {
        let mut doc = report(250);
        let (page, note) = page_findings(&mut doc, 100, Some(100)).unwrap();
        let shown = doc["findings"].as_array().unwrap();
        assert_eq!(shown.len(), 100);
        assert_eq!(shown[0]["n"], 100);
        assert_eq!(page["next_offset"], 200);
        assert_eq!(
            note.unwrap(),
            "findings 101–200 of 250 shown; call again with offset=200 for the next page"
        );
        let mut doc = report(250);
        let (page, _) = page_findings(&mut doc, 200, Some(100)).unwrap();
        assert_eq!(doc["findings"].as_array().unwrap().len(), 50);
        assert!(page["next_offset"].is_null());
    }

    #[test]
    fn refuses_a_page_size_out_of_range() {
        assert!(page_findings(&mut report(1), 0, Some(0)).is_err());
        assert!(page_findings(&mut report(1), 0, Some(MAX_PAGE + 1)).is_err());
    }

    #[test]
    fn a_result_that_fits_is_untouched() {
        let mut doc = report(10);
        let before = doc.clone();
        assert!(fit(&mut doc, MAX_RESULT_BYTES).unwrap().is_empty());
        assert_eq!(doc, before);
    }

    #[test]
    fn cuts_long_lists_until_the_result_fits_and_says_what_it_cut() {
        let skipped: Vec<Value> = (0..100_000)
            .map(|i| json!({ "path": format!("files/{i:06}.bin"), "reason": "binary" }))
            .collect();
        let mut doc = json!({ "facts": { "skipped": skipped, "services": [1, 2] } });
        let cuts = fit(&mut doc, 64 * 1024).unwrap();
        assert!(serde_json::to_vec(&doc).unwrap().len() <= 64 * 1024);
        assert_eq!(cuts.len(), 1);
        assert_eq!(cuts[0].pointer, "/facts/skipped");
        assert_eq!(cuts[0].total, 100_000);
        assert_eq!(doc["facts"]["services"], json!([1, 2]));
        assert!(describe(&cuts).contains("/facts/skipped shows"));
    }

    #[test]
    fn cuts_long_strings_when_lists_are_not_enough() {
        let mut doc = json!({ "diff": "x".repeat(200_000) });
        let cuts = fit(&mut doc, 16 * 1024).unwrap();
        assert_eq!(cuts[0].unit, "bytes");
        assert!(doc["diff"].as_str().unwrap().ends_with("[cut]"));
    }
}
