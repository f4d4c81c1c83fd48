//! `[secrets]` in `shipshape.toml`: extra rules, rules turned off, paths allowed to hold
//! test credentials, and a gitleaks configuration to import.
//!
//! ```toml
//! [secrets]
//! allow_paths = ["docs/examples/**"]
//! disable = ["jwt", "SS-SECRET-120"]
//! gitleaks_config = ".gitleaks.toml"
//!
//! [[secrets.rules]]
//! id = "acme-internal-token"
//! description = "Acme internal API token"
//! regex = '''\b(acme_[a-z0-9]{32})\b'''
//! keywords = ["acme_"]
//! ```

use std::path::Path;

use serde::Deserialize;

use crate::rules::RuleSpec;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("shipshape.toml [secrets]: {0} — fix the section or remove it")]
    Parse(String),
    #[error("could not read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
}

/// The `[secrets]` section.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretsConfig {
    /// Gitignore-style globs of paths whose content is never reported.
    #[serde(default)]
    pub allow_paths: Vec<String>,
    /// Rule IDs or slugs to turn off.
    #[serde(default)]
    pub disable: Vec<String>,
    /// A gitleaks TOML configuration whose rules are added, relative to the repository root.
    #[serde(default)]
    pub gitleaks_config: Option<String>,
    /// Extra rules, in the same form as the built-in rules file.
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
}

#[derive(Deserialize)]
struct Root {
    #[serde(default)]
    secrets: Option<SecretsConfig>,
}

impl SecretsConfig {
    /// Parse the `[secrets]` section of a `shipshape.toml` text (other sections are ignored).
    pub fn parse(text: &str) -> Result<SecretsConfig, ConfigError> {
        let root: Root = toml::from_str(text).map_err(|e| ConfigError::Parse(e.to_string()))?;
        Ok(root.secrets.unwrap_or_default())
    }

    /// Read `shipshape.toml` at `root`, if there is one.
    pub fn load(root: &Path) -> Result<SecretsConfig, ConfigError> {
        let path = root.join(shipshape_core::config::CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => SecretsConfig::parse(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(SecretsConfig::default()),
            Err(source) => Err(ConfigError::Read {
                path: path.display().to_string(),
                source,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rules_and_allowlists_and_ignores_other_sections() {
        let cfg = SecretsConfig::parse(
            r#"
[audit]
fail_on = "error"

[secrets]
allow_paths = ["docs/**"]
disable = ["jwt"]

[[secrets.rules]]
id = "acme-token"
description = "Acme token"
regex = '''\b(acme_[a-z0-9]{32})\b'''
keywords = ["acme_"]
"#,
        )
        .unwrap();
        assert_eq!(cfg.allow_paths, ["docs/**"]);
        assert_eq!(cfg.disable, ["jwt"]);
        assert_eq!(cfg.rules[0].id, "acme-token");
    }

    #[test]
    fn unknown_keys_are_errors() {
        assert!(SecretsConfig::parse("[secrets]\nallow_path = []\n").is_err());
    }
}
