//! One parse per file per run. Detection, audit, assessment and generation all read the same
//! Dockerfiles, YAML and Terraform files; these accessors parse a file of the inventory the
//! first time anyone asks and hand every later caller the same parsed document (cached in the
//! inventory's per-file model slot, see `Inventory::model`).

use std::sync::Arc;

use shipshape_core::{FileEntry, Inventory};

use crate::dockerfile::{self, Dockerfile};
use crate::hcl;
use crate::yaml::{self, Node, YamlError};

/// Why a document has no parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// The file could not be read (too large, binary, not UTF-8, …); the inventory lists it
    /// under `skipped` with the reason.
    #[error("the file could not be read")]
    Unreadable,
    /// The text is not valid YAML.
    #[error(transparent)]
    Yaml(#[from] YamlError),
}

/// The YAML documents of one file as cached: the parse result, failure included, so a broken
/// file is not parsed again either.
struct YamlStream(Result<Arc<Vec<Node>>, YamlError>);

/// The parsed Dockerfile (never fails; problems are in [`Dockerfile::errors`]). Its semantic
/// model ([`Dockerfile::model`]) is cached with it. `None` when the file cannot be read.
pub fn dockerfile(inv: &Inventory, entry: &FileEntry) -> Option<Arc<Dockerfile>> {
    inv.model(entry, |text| {
        count_parse();
        dockerfile::parse(text)
    })
}

/// Every YAML document of the file, with spans.
pub fn yaml(inv: &Inventory, entry: &FileEntry) -> Result<Arc<Vec<Node>>, DocumentError> {
    let stream = inv
        .model(entry, |text| {
            count_parse();
            YamlStream(yaml::parse(text).map(Arc::new))
        })
        .ok_or(DocumentError::Unreadable)?;
    match &stream.0 {
        Ok(docs) => Ok(Arc::clone(docs)),
        Err(e) => Err(DocumentError::Yaml(e.clone())),
    }
}

/// The outline of a Terraform/OpenTofu file in HCL native syntax. `None` when the file cannot
/// be read.
pub fn hcl(inv: &Inventory, entry: &FileEntry) -> Option<Arc<hcl::Outline>> {
    inv.model(entry, |text| {
        count_parse();
        hcl::outline(text)
    })
}

#[cfg(test)]
thread_local! {
    /// Parses run on this thread, so a test can tell a cached document from a second parse.
    static PARSES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn count_parse() {
    #[cfg(test)]
    PARSES.with(|n| n.set(n.get() + 1));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parses() -> usize {
        PARSES.with(|n| n.get())
    }

    fn repository(files: &[(&str, &str)]) -> (tempfile::TempDir, Inventory) {
        let dir = tempfile::tempdir().expect("tempdir");
        for (path, text) in files {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
            std::fs::write(full, text).expect("write");
        }
        let inv = Inventory::open(dir.path()).expect("inventory");
        (dir, inv)
    }

    #[test]
    fn a_file_is_parsed_once_when_two_callers_ask() {
        let (_dir, inv) = repository(&[
            (
                "Dockerfile",
                "FROM alpine:3.20 AS base\nFROM base\nUSER app\n",
            ),
            ("compose.yaml", "services:\n  web:\n    image: nginx:1.27\n"),
            ("main.tf", "provider \"aws\" {}\n"),
        ]);
        let before = parses();
        let docker = inv.get("Dockerfile").expect("Dockerfile");
        let detect = dockerfile(&inv, docker).expect("readable");
        let audit = dockerfile(&inv, docker).expect("readable");
        assert!(Arc::ptr_eq(&detect, &audit));
        // The semantic model is shared with the parse.
        assert_eq!(
            detect.model().stages().as_ptr(),
            audit.model().stages().as_ptr()
        );
        let compose = inv.get("compose.yaml").expect("compose");
        let a = yaml(&inv, compose).expect("valid YAML");
        let b = yaml(&inv, compose).expect("valid YAML");
        assert!(Arc::ptr_eq(&a, &b));
        let tf = inv.get("main.tf").expect("main.tf");
        assert!(Arc::ptr_eq(
            &hcl(&inv, tf).expect("readable"),
            &hcl(&inv, tf).expect("readable")
        ));
        assert_eq!(parses() - before, 3, "one parse per file");
    }

    #[test]
    fn a_yaml_error_is_kept_and_not_parsed_again() {
        let (_dir, inv) = repository(&[("k8s/bad.yaml", "a: [1, 2\n")]);
        let before = parses();
        let entry = inv.get("k8s/bad.yaml").expect("file");
        for _ in 0..2 {
            match yaml(&inv, entry) {
                Err(DocumentError::Yaml(e)) => assert!(e.message.contains('['), "{e}"),
                other => panic!("expected a YAML error, got {other:?}"),
            }
        }
        assert_eq!(parses() - before, 1);
    }

    #[test]
    fn an_unreadable_file_is_an_error_not_a_panic() {
        let (dir, _) = repository(&[]);
        std::fs::write(dir.path().join("values.yaml"), b"a: \xff\n").expect("write");
        std::fs::write(dir.path().join("Dockerfile"), b"FROM \xff\n").expect("write");
        let inv = Inventory::open(dir.path()).expect("inventory");
        // Invalid UTF-8 YAML is skipped by the walk itself; the Dockerfile is read lazily.
        assert!(inv.get("values.yaml").is_none());
        let docker = inv.get("Dockerfile").expect("listed");
        assert!(dockerfile(&inv, docker).is_none());
        assert_eq!(
            yaml(&inv, docker).map(|_| ()),
            Err(DocumentError::Unreadable)
        );
    }
}
