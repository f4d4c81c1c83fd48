//! Finding the peer tools (hadolint, checkov, zizmor, actionlint, …) that comparison tests run.
//! A comparison that cannot run fails: a peer is taken from its `SHIPSHAPE_<NAME>` variable (a
//! wrong path is an error) or from `PATH`; when it is nowhere the test fails with how to install
//! it — unless the run opts out explicitly with `SHIPSHAPE_SKIP_PEERS=1`, which is printed loudly.
//!
//! Included by the tests that need it (`#[path = …] mod peers;`), so no crate depends on it.

#![allow(dead_code)]

use std::path::PathBuf;

/// The peer `name`, from the variable `env_var` or `PATH`; `None` only when the run opted out.
pub fn require(env_var: &str, name: &str, install: &str) -> Option<PathBuf> {
    if let Some(explicit) = std::env::var_os(env_var) {
        let p = PathBuf::from(explicit);
        assert!(
            p.is_file(),
            "{env_var} points at {}, which does not exist — install {name} ({install}) or fix the path",
            p.display()
        );
        return Some(p);
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    if std::env::var_os("SHIPSHAPE_SKIP_PEERS").is_some_and(|v| v == "1") {
        eprintln!(
            "\n!!! SKIPPED: the comparison with {name} did not run (SHIPSHAPE_SKIP_PEERS=1). \
             Its result is unknown, not passed. !!!\n"
        );
        return None;
    }
    panic!(
        "{name} not found: set {env_var} or put it on PATH ({install}); `scripts/test.sh` installs \
         every peer. To skip peer comparisons on purpose, set SHIPSHAPE_SKIP_PEERS=1."
    )
}
