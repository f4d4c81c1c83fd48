//! `[secrets]` in `shipshape.toml`: extra rules, rules turned off, paths allowed to hold
//! test credentials, and a gitleaks configuration to import. Read through the one
//! [`Config`](shipshape_core::Config) of the repository, so a typo is an error with its line.
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

use serde::Deserialize;
use shipshape_core::{Config, ConfigError};

use crate::rules::RuleSpec;

/// The `[secrets]` section.
#[derive(Debug, Default, Clone, Deserialize, schemars::JsonSchema)]
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

impl SecretsConfig {
    /// The `[secrets]` section of the repository's configuration (defaults when absent).
    pub fn from_config(config: &Config) -> Result<SecretsConfig, ConfigError> {
        Ok(config.section("secrets")?.unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rules_and_allowlists_and_ignores_other_sections() {
        let cfg = Config::parse(
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
        let cfg = SecretsConfig::from_config(&cfg).unwrap();
        assert_eq!(cfg.allow_paths, ["docs/**"]);
        assert_eq!(cfg.disable, ["jwt"]);
        assert_eq!(cfg.rules[0].id, "acme-token");
    }

    #[test]
    fn unknown_keys_are_errors_with_their_line() {
        let cfg = Config::parse("[secrets]\nallow_path = []\n").unwrap();
        let err = SecretsConfig::from_config(&cfg).unwrap_err();
        assert!(err.to_string().contains("shipshape.toml:2"), "{err}");
    }
}
