//! The pinned actions and images of `data/ci_pins.toml`: the generators name an action, this
//! answers with its `uses:` value pinned to a commit and the version comment beside it.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

const TABLE: &str = include_str!("../../data/ci_pins.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    actions: BTreeMap<String, Pin>,
    images: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Pin {
    version: String,
    sha: String,
}

fn table() -> &'static Table {
    static PARSED: OnceLock<Table> = OnceLock::new();
    PARSED.get_or_init(|| toml::from_str(TABLE).expect("data/ci_pins.toml parses (tested)"))
}

/// `owner/repo@<sha> # <version>` for an action of the table.
///
/// # Panics
/// When the action is not in the table: a generator naming an unpinned action is a bug, and
/// the table test below lists every action the generators use.
pub fn uses(action: &str) -> String {
    let pin = table()
        .actions
        .get(action)
        .unwrap_or_else(|| panic!("{action} is not in data/ci_pins.toml"));
    format!("{action}@{} # {}", pin.sha, pin.version)
}

/// A pinned image by its key in `[images]`.
pub fn image(key: &str) -> &'static str {
    table()
        .images
        .get(key)
        .map(String::as_str)
        .unwrap_or_else(|| panic!("image `{key}` is not in data/ci_pins.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_pinned_to_a_full_commit_sha() {
        for (name, pin) in &table().actions {
            assert!(
                pin.sha.len() == 40 && pin.sha.bytes().all(|b| b.is_ascii_hexdigit()),
                "{name}: `{}` is not a commit SHA",
                pin.sha
            );
            assert!(!pin.version.is_empty(), "{name}: no version");
        }
        assert!(uses("actions/checkout").starts_with("actions/checkout@"));
    }

    #[test]
    fn every_image_names_a_version() {
        for (key, image) in &table().images {
            let r = shipshape_syntax::image::parse(image);
            assert!(
                r.tag().is_some_and(|t| t != "latest") || r.digest().is_some(),
                "{key}: {image}"
            );
        }
    }
}
