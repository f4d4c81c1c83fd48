//! `rules` and `explain`: the catalog of every rule a run knows — the audit domains' rules and
//! the secret rules, built-in and (for a repository) its own and imported ones.

use std::path::Path;

use shipshape_diagnostics::{Catalog, RuleInfo};
use shipshape_secrets::Scanner;

use super::{CommandError, Workspace};

/// The built-in catalog: every audit rule and every built-in secret rule.
pub fn builtin_catalog() -> Catalog {
    let mut entries = shipshape_audit::rules::catalog_entries();
    entries.extend(Scanner::builtin().catalog_entries());
    Catalog::new(entries).expect("built-in rule IDs are unique (tested)")
}

/// The secret scanner a repository asks for and the catalog that describes it: built-in rules
/// plus the rules of its `[secrets]` section and of a gitleaks configuration. Notes say which
/// imported rules were not taken.
pub fn for_workspace(
    ws: &Workspace,
    gitleaks: Option<&Path>,
) -> Result<(Catalog, Scanner, Vec<String>), CommandError> {
    let (scanner, notes) = Scanner::for_repository(ws.root(), ws.inventory().config(), gitleaks)?;
    let mut entries = shipshape_audit::rules::catalog_entries();
    entries.extend(scanner.catalog_entries());
    let catalog = Catalog::new(entries).map_err(|e| {
        CommandError::Usage(format!(
            "{e}: a rule in shipshape.toml [[secrets.rules]] or the gitleaks configuration uses an ID shipshape already has — rename it"
        ))
    })?;
    Ok((catalog, scanner, notes))
}

/// A rule by ID or slug.
pub fn explain<'c>(catalog: &'c Catalog, key: &str) -> Result<&'c RuleInfo, CommandError> {
    catalog.find(key).ok_or_else(|| {
        CommandError::Usage(format!("no rule `{key}` — `shipshape rules` lists them"))
    })
}

/// Merge catalogs of several repositories: the first definition of an ID wins. One catalog is
/// its own union (rebuilding it cost an audit half a millisecond).
pub fn union(mut catalogs: Vec<Catalog>) -> Catalog {
    if catalogs.len() == 1 {
        return catalogs.pop().expect("one catalog");
    }
    let mut seen = std::collections::HashSet::new();
    let mut entries = Vec::new();
    for c in catalogs {
        for r in c.rules() {
            if seen.insert(r.id.to_ascii_uppercase()) {
                entries.push(r.clone());
            }
        }
    }
    Catalog::new(entries).expect("IDs deduplicated above")
}
