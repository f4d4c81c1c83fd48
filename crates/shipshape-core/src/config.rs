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

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("could not parse {path}:{line}: {message} — fix the file or remove it")]
    Parse {
        path: String,
        line: u32,
        message: String,
    },
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

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InventoryConfig {
    /// Largest file read, in bytes.
    pub max_file_size: Option<u64>,
    /// Extra gitignore-style patterns to leave out of the walk.
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// `[audit]`: defaults for `shipshape audit` (command-line flags win).
#[derive(Debug, Default, Clone, Deserialize)]
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
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepositoryOverrides {
    pub cloud: Option<Spanned<String>>,
    pub orchestrator: Option<Spanned<String>>,
    pub ci: Option<Spanned<String>>,
    pub environments: Option<Spanned<Vec<String>>>,
}

/// Per-service values that override detection. The table name is the service name; `root`
/// selects the service by folder when the name differs from the detected one.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceOverrides {
    pub root: Option<Spanned<String>>,
    pub language: Option<Spanned<String>>,
    pub framework: Option<Spanned<String>>,
    pub package_manager: Option<Spanned<String>>,
    pub runtime_version: Option<Spanned<String>>,
    pub build_command: Option<Spanned<String>>,
    pub start_command: Option<Spanned<String>>,
    pub port: Option<Spanned<u16>>,
    pub health_path: Option<Spanned<String>>,
    pub depends_on: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
struct RawConfig {
    #[serde(default)]
    inventory: InventoryConfig,
    #[serde(default)]
    audit: AuditConfig,
    #[serde(default)]
    repository: RepositoryOverrides,
    #[serde(default)]
    services: BTreeMap<String, ServiceOverrides>,
    /// Sections owned by other commands (audit, init, …) are read by them.
    #[serde(flatten)]
    _other: BTreeMap<String, toml::Value>,
}

impl Config {
    /// Parse the text of a `shipshape.toml`.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: CONFIG_FILE.to_string(),
            line: e.span().map(|s| line_of_offset(text, s.start)).unwrap_or(1),
            message: e.message().trim().to_string(),
        })?;
        Ok(Config {
            inventory: raw.inventory,
            audit: raw.audit,
            repository: raw.repository,
            services: raw.services,
            source: text.to_string(),
        })
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
        let ConfigError::Parse { line, .. } = err;
        assert_eq!(line, 2);
    }

    #[test]
    fn rejects_unknown_keys_in_known_sections() {
        assert!(Config::parse("[repository]\nclowd = \"aws\"\n").is_err());
        assert!(Config::parse("[audit]\nfail_on = \"error\"\n").is_ok());
        assert!(Config::parse("[audit]\nfail_onn = \"error\"\n").is_err());
        assert!(Config::parse("[init]\nforce = true\n").is_ok());
    }
}
