//! Test support: a repository written to a temporary folder, assessed the way `shipshape assess`
//! does it — detection, every audit domain and the secret scan of the working tree, all rules.

use std::path::Path;

use shipshape_core::Inventory;
use shipshape_diagnostics::{Catalog, Domain, Report};
use shipshape_secrets::{scan_tree, tree_report, Progress, Scanner};

use crate::{assess, Assessment, Input, Item};

/// A repository in a temporary folder.
pub struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    pub fn new() -> Repo {
        Repo {
            dir: tempfile::tempdir().expect("temporary folder"),
        }
    }

    /// Write `content` at `path` (folders created).
    pub fn file(self, path: &str, content: &str) -> Repo {
        let full = self.dir.path().join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("folder");
        }
        std::fs::write(full, content).expect("file");
        self
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Every checker over `inv`, all rules on: the report and the catalog of its rules.
pub fn check(inv: &Inventory) -> (Report, Catalog) {
    let scanner = Scanner::builtin();
    let mut entries = shipshape_audit::rules::catalog_entries();
    entries.extend(scanner.catalog_entries());
    let catalog = Catalog::new(entries).expect("unique rule IDs");
    let selection = catalog.select_all();
    let mut report = shipshape_audit::audit(inv, &selection, &Default::default());
    let tree = scan_tree(inv, &scanner, None, &Progress::default());
    report.absorb(tree_report(tree, selection.count_in(Domain::Secrets)));
    (report, catalog)
}

/// The assessment of `repo`.
pub fn assessment(repo: &Repo) -> Assessment {
    let inv = Inventory::open(repo.path()).expect("inventory");
    let facts = shipshape_detect::detect(&inv);
    let (report, catalog) = check(&inv);
    assess(&Input::new(&inv, &facts, &report, &catalog))
}

/// One item of the assessment of `repo`.
pub fn assessed(repo: &Repo, id: &str) -> Item {
    assessment(repo)
        .items
        .into_iter()
        .find(|i| i.id == id)
        .unwrap_or_else(|| panic!("no item {id}"))
}
