//! Every peer check a rule names as its equivalent exists: each `hadolint:`, `checkov:`,
//! `trivy:` and `buildkit:` ID is in that peer's published list of checks, kept with its
//! origin under `crates/shipshape-audit/data/peers/`. A rule that cites a check the peer does
//! not have (a typo, a retired ID) fails here.

use std::collections::BTreeSet;

use shipshape_audit::rules;

fn list(text: &str) -> BTreeSet<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

#[test]
fn every_cited_peer_check_exists() {
    let peers = [
        ("hadolint", list(include_str!("../data/peers/hadolint.txt"))),
        ("checkov", list(include_str!("../data/peers/checkov.txt"))),
        ("trivy", list(include_str!("../data/peers/trivy.txt"))),
        ("buildkit", list(include_str!("../data/peers/buildkit.txt"))),
        ("zizmor", list(include_str!("../data/peers/zizmor.txt"))),
        (
            "actionlint",
            list(include_str!("../data/peers/actionlint.txt")),
        ),
    ];
    // Peers without a machine-readable list: named in prose, not checked.
    let unchecked = ["kics", "dclint"];
    let mut problems = Vec::new();
    for meta in rules::metas() {
        for e in meta.equivalents {
            let Some((tool, id)) = e.split_once(':') else {
                problems.push(format!("{}: `{e}` is not tool:ID", meta.id));
                continue;
            };
            match peers.iter().find(|(t, _)| *t == tool) {
                Some((_, ids)) if ids.contains(id) => {}
                Some(_) => problems.push(format!("{}: {tool} has no check `{id}`", meta.id)),
                None if unchecked.contains(&tool) => {}
                None => problems.push(format!("{}: unknown peer `{tool}` in `{e}`", meta.id)),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_peer_lists_are_not_empty() {
    for text in [
        include_str!("../data/peers/hadolint.txt"),
        include_str!("../data/peers/checkov.txt"),
        include_str!("../data/peers/trivy.txt"),
        include_str!("../data/peers/buildkit.txt"),
        include_str!("../data/peers/zizmor.txt"),
        include_str!("../data/peers/actionlint.txt"),
    ] {
        // actionlint has the fewest kinds (15); a list cut short would have far fewer.
        assert!(list(text).len() >= 15);
    }
}
