//! `shipshape.toml`: the repository's own word on what shipshape detects and how it walks.
//! Every key is optional; a value set here overrides what detection found, and the evidence for
//! it points at the line in `shipshape.toml`.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::evidence::{line_of_offset, Evidence};

/// The file name shipshape reads its configuration from, at the repository root.
pub const CONFIG_FILE: &str = "shipshape.toml";

/// Default size cap for a file shipshape reads: 5 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 5 * 1024 * 1024;

/// Top-level sections of `shipshape.toml`. Each is owned by one crate, which reads it with
/// [`Config::section`]; a section not listed here is a typo and an error.
pub const SECTIONS: &[&str] = &[
    "inventory",
    "audit",
    "repository",
    "services",
    "secrets",
    "init",
];

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ConfigError {
    #[error("could not parse {CONFIG_FILE}:{line}: {message} — fix the file or remove it")]
    Parse { line: u32, message: String },
    #[error("{CONFIG_FILE}:{line}: unknown section `[{name}]` — known sections: {}", SECTIONS.join(", "))]
    UnknownSection { name: String, line: u32 },
    #[error("{CONFIG_FILE}:{line}: [{section}] {message}")]
    Section {
        section: String,
        line: u32,
        message: String,
    },
    #[error("could not read {path}: {message}")]
    Read { path: String, message: String },
}

/// A parsed `shipshape.toml`. `source` keeps the text so evidence can point at lines.
#[derive(Debug, Default, Clone)]
pub struct Config {
    pub inventory: InventoryConfig,
    pub audit: AuditConfig,
    pub repository: RepositoryOverrides,
    pub services: BTreeMap<String, ServiceOverrides>,
    source: String,
}

#[derive(Debug, Default, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InventoryConfig {
    /// Largest file read, in bytes.
    pub max_file_size: Option<u64>,
    /// Extra gitignore-style patterns to leave out of the walk.
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// `[audit]`: defaults for `shipshape audit` (command-line flags win).
#[derive(Debug, Default, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditConfig {
    /// Rule IDs, slugs, ID prefixes or targets to run (empty = all).
    #[serde(default)]
    pub select: Vec<String>,
    /// Rule IDs, slugs, ID prefixes or targets to leave out.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Lowest severity that fails the run: `info`, `warning` or `error`.
    pub fail_on: Option<String>,
    /// Baseline file, relative to the repository root.
    pub baseline: Option<String>,
}

/// Repository-level values that override detection.
#[derive(Debug, Default, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RepositoryOverrides {
    #[schemars(with = "Option<String>")]
    pub cloud: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub orchestrator: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub ci: Option<Spanned<String>>,
    #[schemars(with = "Option<Vec<String>>")]
    pub environments: Option<Spanned<Vec<String>>>,
}

/// Per-service values that override detection. The table name is the service name; `root`
/// selects the service by folder when the name differs from the detected one.
#[derive(Debug, Default, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceOverrides {
    #[schemars(with = "Option<String>")]
    pub root: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub language: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub framework: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub package_manager: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub runtime_version: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub build_command: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub start_command: Option<Spanned<String>>,
    #[schemars(with = "Option<u16>")]
    pub port: Option<Spanned<u16>>,
    #[schemars(with = "Option<String>")]
    pub health_path: Option<Spanned<String>>,
    #[schemars(with = "Option<Vec<String>>")]
    pub depends_on: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    inventory: InventoryConfig,
    #[serde(default)]
    audit: AuditConfig,
    #[serde(default)]
    repository: RepositoryOverrides,
    #[serde(default)]
    services: BTreeMap<String, ServiceOverrides>,
    /// Sections owned by other crates are read by them with [`Config::section`].
    #[serde(default, rename = "secrets")]
    _secrets: Option<toml::Value>,
    #[serde(default, rename = "init")]
    _init: Option<toml::Value>,
}

impl Config {
    /// Parse the text of a `shipshape.toml`: syntax, the known sections, and the sections core
    /// owns. An unknown section or key is an error naming it and its line.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let doc = toml::de::DeTable::parse(text).map_err(|e| ConfigError::Parse {
            line: e.span().map(|s| line_of_offset(text, s.start)).unwrap_or(1),
            message: e.message().trim().to_string(),
        })?;
        for (key, _) in doc.get_ref().iter() {
            if !SECTIONS.contains(&key.get_ref().as_ref()) {
                return Err(ConfigError::UnknownSection {
                    name: key.get_ref().to_string(),
                    line: line_of_offset(text, key.span().start),
                });
            }
        }
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of_offset(text, s.start)).unwrap_or(1);
            let section = section_at(text, e.span().map_or(0, |s| s.start));
            ConfigError::Section {
                section,
                line,
                message: e.message().trim().to_string(),
            }
        })?;
        Ok(Config {
            inventory: raw.inventory,
            audit: raw.audit,
            repository: raw.repository,
            services: raw.services,
            source: text.to_string(),
        })
    }

    /// Read `shipshape.toml` at the repository root `root`; defaults when there is none.
    pub fn load(root: &std::path::Path) -> Result<Config, ConfigError> {
        match std::fs::read_to_string(root.join(CONFIG_FILE)) {
            Ok(text) => Config::parse(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(ConfigError::Read {
                path: root.join(CONFIG_FILE).display().to_string(),
                message: e.to_string(),
            }),
        }
    }

    /// Read the section `name` (one of [`SECTIONS`]) into its owner's type; `None` when the
    /// file has no such section. Errors name the key and line.
    pub fn section<T: serde::de::DeserializeOwned>(
        &self,
        name: &str,
    ) -> Result<Option<T>, ConfigError> {
        debug_assert!(SECTIONS.contains(&name), "unregistered section {name}");
        if self.source.is_empty() {
            return Ok(None);
        }
        let doc = toml::de::DeTable::parse(&self.source).map_err(|e| ConfigError::Parse {
            line: e
                .span()
                .map(|s| line_of_offset(&self.source, s.start))
                .unwrap_or(1),
            message: e.message().trim().to_string(),
        })?;
        let Some(value) = doc.get_ref().get(name) else {
            return Ok(None);
        };
        let de = toml::de::ValueDeserializer::from(value.clone());
        T::deserialize(de)
            .map(Some)
            .map_err(|e| ConfigError::Section {
                section: name.to_string(),
                line: e
                    .span()
                    .map(|s| line_of_offset(&self.source, s.start))
                    .unwrap_or_else(|| line_of_offset(&self.source, value.span().start)),
                message: e.message().trim().to_string(),
            })
    }

    /// The text of the file (empty when there is none).
    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn max_file_size(&self) -> u64 {
        self.inventory
            .max_file_size
            .unwrap_or(DEFAULT_MAX_FILE_SIZE)
    }

    /// Evidence pointing at an overriding value in `shipshape.toml`.
    pub fn evidence<T>(&self, value: &Spanned<T>, key: &str) -> Evidence {
        Evidence::new(
            CONFIG_FILE,
            Some(line_of_offset(&self.source, value.span().start)),
            format!("shipshape.toml > {key} (override)"),
        )
    }
}

/// The `[section]` a byte offset falls in, for error messages.
fn section_at(text: &str, offset: usize) -> String {
    let before = &text[..offset.min(text.len())];
    before
        .lines()
        .rev()
        .find_map(|l| {
            let l = l.trim();
            let inner = l.strip_prefix('[')?.trim_start_matches('[');
            let name = inner.split([']', '.']).next()?.trim();
            Some(name.to_string())
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_overrides_with_lines() {
        let text = "[repository]\ncloud = \"aws\"\n\n[services.api]\nport = 9000\n";
        let cfg = Config::parse(text).unwrap();
        let cloud = cfg.repository.cloud.as_ref().unwrap();
        assert_eq!(cloud.get_ref(), "aws");
        assert_eq!(cfg.evidence(cloud, "repository.cloud").line, Some(2));
        let port = cfg.services["api"].port.as_ref().unwrap();
        assert_eq!(*port.get_ref(), 9000);
        assert_eq!(cfg.evidence(port, "services.api.port").line, Some(5));
    }

    #[test]
    fn reports_the_line_of_a_syntax_error() {
        let err = Config::parse("[repository]\ncloud = \n").unwrap_err();
        assert!(matches!(err, ConfigError::Parse { line: 2, .. }), "{err:?}");
    }

    #[test]
    fn rejects_unknown_keys_in_known_sections_with_their_line() {
        let err = Config::parse("[inventory]\nexclude = []\n\n[repository]\nclowd = \"aws\"\n")
            .unwrap_err();
        assert!(
            matches!(&err, ConfigError::Section { section, line: 5, message } if section == "repository" && message.contains("clowd")),
            "{err:?}"
        );
        assert!(Config::parse("[audit]\nfail_on = \"error\"\n").is_ok());
        assert!(Config::parse("[audit]\nfail_onn = \"error\"\n").is_err());
        assert!(Config::parse("[init]\nforce = true\n").is_ok());
    }

    #[test]
    fn rejects_a_misspelled_section_with_its_line() {
        let err = Config::parse("[audit]\n\n[secret]\nallow_paths = []\n").unwrap_err();
        assert_eq!(
            err,
            ConfigError::UnknownSection {
                name: "secret".into(),
                line: 3
            }
        );
        assert!(err.to_string().contains("shipshape.toml:3"), "{err}");
    }

    #[test]
    fn other_crates_read_their_section_with_lines_in_errors() {
        #[derive(Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        struct Secrets {
            #[serde(default)]
            allow_paths: Vec<String>,
        }
        let cfg = Config::parse("[audit]\n\n[secrets]\nallow_paths = [\"docs/**\"]\n").unwrap();
        let s: Secrets = cfg.section("secrets").unwrap().unwrap();
        assert_eq!(s.allow_paths, ["docs/**"]);
        let cfg = Config::parse("[secrets]\nallow_path = []\n").unwrap();
        let err = cfg.section::<Secrets>("secrets").unwrap_err();
        assert!(
            matches!(&err, ConfigError::Section { line: 2, .. }),
            "{err:?}"
        );
        assert!(Config::default()
            .section::<Secrets>("secrets")
            .unwrap()
            .is_none());
    }
}
