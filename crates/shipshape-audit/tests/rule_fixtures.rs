//! Every rule against its own fixtures: `tests/fixtures/rules/<target>/<slug>/bad/` must yield at
//! least one finding of that rule (snapshotted as a user would see it, with the exact span
//! underlined) and `good/` none.

use std::path::PathBuf;

use shipshape_audit::{rules, AuditOptions};
use shipshape_core::Inventory;
use shipshape_diagnostics::{render, Domain, Report};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/rules")
}

fn folder(domain: Domain) -> Option<&'static str> {
    match domain {
        Domain::Dockerfile => Some("docker"),
        Domain::Compose => Some("compose"),
        Domain::GithubActions => Some("github-actions"),
        Domain::GitlabCi => Some("gitlab-ci"),
        _ => None,
    }
}

fn audit_only(dir: &std::path::Path, id: &str) -> Report {
    let inv = Inventory::open(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let selection = shipshape_audit::catalog()
        .select(&[id.to_string()], &[])
        .unwrap();
    shipshape_audit::audit(&inv, &selection, &AuditOptions::default())
}

#[test]
fn every_rule_flags_its_bad_fixture_and_passes_its_good_one() {
    let mut problems = Vec::new();
    let mut checked = 0;
    let catalog = shipshape_audit::catalog();
    for meta in rules::metas() {
        let Some(sub) = folder(meta.domain) else {
            continue;
        };
        let base = fixtures().join(sub).join(meta.slug);
        let (bad, good) = (base.join("bad"), base.join("good"));
        if !bad.is_dir() || !good.is_dir() {
            problems.push(format!(
                "{} ({}): missing {}/{{bad,good}}",
                meta.id,
                meta.slug,
                base.display()
            ));
            continue;
        }
        let report = audit_only(&bad, meta.id);
        let own: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.rule_id == meta.id)
            .collect();
        let parse_errors: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.slug == "parse-error")
            .collect();
        if own.is_empty() {
            problems.push(format!(
                "{} ({}): no finding on bad fixture",
                meta.id, meta.slug
            ));
        }
        if !parse_errors.is_empty() && meta.slug != "parse-error" {
            problems.push(format!(
                "{} ({}): bad fixture does not parse: {}",
                meta.id, meta.slug, parse_errors[0].message
            ));
        }
        let only_own = Report {
            findings: own.into_iter().cloned().collect(),
            ..report
        };
        insta::assert_snapshot!(
            format!("{}__{}", sub, meta.slug),
            render::human(&only_own, &catalog, false)
        );

        let report = audit_only(&good, meta.id);
        let own: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.rule_id == meta.id || f.slug == "parse-error")
            .map(|f| {
                format!(
                    "{}:{} {}",
                    f.location.path, f.location.start.line, f.message
                )
            })
            .collect();
        if !own.is_empty() {
            problems.push(format!(
                "{} ({}): findings on good fixture: {own:?}",
                meta.id, meta.slug
            ));
        }
        checked += 1;
    }
    assert!(
        problems.is_empty(),
        "{} rule fixture problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
    eprintln!("{checked} rules checked against their fixtures");
}

#[test]
fn rule_ids_and_slugs_are_unique_and_well_formed() {
    let metas = rules::metas();
    let mut ids: Vec<&str> = metas.iter().map(|m| m.id).collect();
    let mut slugs: Vec<&str> = metas.iter().map(|m| m.slug).collect();
    for m in &metas {
        assert!(
            m.id.starts_with("SS-") && m.id[m.id.len() - 3..].chars().all(|c| c.is_ascii_digit()),
            "{}",
            m.id
        );
        assert!(
            m.slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}",
            m.slug
        );
        assert!(
            !m.title.is_empty() && rules::docs(m.id).is_some(),
            "{}",
            m.id
        );
        for e in m.equivalents {
            assert!(
                e.contains(':'),
                "{}: equivalent `{e}` should be tool:ID",
                m.id
            );
        }
    }
    ids.sort_unstable();
    slugs.sort_unstable();
    let n = ids.len();
    ids.dedup();
    slugs.dedup();
    assert_eq!(ids.len(), n, "duplicate rule IDs");
    assert_eq!(slugs.len(), n, "duplicate slugs");
}
