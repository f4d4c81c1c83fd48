//! Shared by the fixture tests: detect the facts of a fixture repository under
//! `tests/fixtures/apps/`.

use std::path::PathBuf;

use shipshape_core::Inventory;
use shipshape_detect::Facts;

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/apps")
        .join(name)
}

/// Facts of `tests/fixtures/apps/<name>`.
pub fn facts_of(name: &str) -> Facts {
    let root = fixture(name);
    let inv = Inventory::open(&root).unwrap_or_else(|e| panic!("{name}: {e}"));
    shipshape_detect::detect(&inv)
}

/// Every detected value of every service carries evidence that points at a file in the fixture.
#[allow(dead_code)]
pub fn assert_evidence_present(name: &str, facts: &Facts) {
    let root = fixture(name);
    let check = |what: &str, ev: &[shipshape_core::Evidence]| {
        assert!(!ev.is_empty(), "{name}: {what} has no evidence");
        for e in ev {
            assert!(
                root.join(&e.path).exists(),
                "{name}: evidence for {what} points at missing file {}",
                e.path
            );
        }
    };
    for s in &facts.services {
        check(&format!("{}.language", s.name), &s.language.evidence);
        for (field, ev) in [
            ("framework", s.framework.as_ref().map(|l| &l.evidence)),
            (
                "package_manager",
                s.package_manager.as_ref().map(|l| &l.evidence),
            ),
            (
                "runtime_version",
                s.runtime_version.as_ref().map(|l| &l.evidence),
            ),
            (
                "build_command",
                s.build_command.as_ref().map(|l| &l.evidence),
            ),
            (
                "start_command",
                s.start_command.as_ref().map(|l| &l.evidence),
            ),
            ("health_path", s.health_path.as_ref().map(|l| &l.evidence)),
        ] {
            if let Some(ev) = ev {
                check(&format!("{}.{field}", s.name), ev);
            }
        }
        if let Some(p) = &s.port {
            check(&format!("{}.port", s.name), &p.evidence);
        }
        for b in &s.backing_services {
            check(&format!("{}.backing_services", s.name), &b.evidence);
        }
        for v in &s.env_vars {
            check(&format!("{}.env_vars.{}", s.name, v.value), &v.evidence);
        }
        for d in &s.depends_on {
            check(&format!("{}.depends_on.{}", s.name, d.value), &d.evidence);
        }
    }
}
