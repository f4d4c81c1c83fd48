//! shipshape's commands as a library: one function per command. Each takes a [`Workspace`] (the
//! repository's inventory and its one parsed `shipshape.toml`) and options, and returns a typed,
//! serialisable report or a typed [`CommandError`] — no printing, no exit codes. The `shipshape`
//! binary renders these reports; the MCP server (`shipshape-mcp`) returns them to agents. Neither
//! has a second implementation of any command.

pub mod assess;
pub mod audit;
pub mod context;
pub mod init;
pub mod rules;
pub mod secrets;
pub mod verify;

use std::path::{Path, PathBuf};

use shipshape_core::{ConfigError, Inventory, WorkspaceError};

/// Why a command could not run (exit code 2 in the CLI, a tool error over MCP).
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Selection(#[from] shipshape_diagnostics::SelectionError),
    #[error(transparent)]
    Baseline(#[from] shipshape_diagnostics::BaselineError),
    #[error(transparent)]
    Secrets(#[from] shipshape_secrets::SecretsError),
    #[error(transparent)]
    History(#[from] shipshape_secrets::history::HistoryError),
    #[error(transparent)]
    Write(#[from] shipshape_gen::write::WriteError),
    #[error("{0}")]
    Usage(String),
}

/// A repository opened once for a command: the walk, the classified files and the configuration,
/// every section of which has been checked.
pub struct Workspace {
    inventory: Inventory,
    /// The path the user gave (for display).
    shown: PathBuf,
}

impl Workspace {
    /// Walk `root` and read its `shipshape.toml`. A configuration with an unknown section or
    /// key, in any crate's section, is an error naming it and its line.
    pub fn open(root: &Path) -> Result<Workspace, CommandError> {
        Workspace::checked(Inventory::open(root)?, root)
    }

    /// [`Workspace::open`] for a command that only detects (`context`): the YAML the walk
    /// reads to classify is not kept in memory (see `Inventory::open_for_detection`), except
    /// the files detection reads again, which the walk keeps so none is read twice.
    pub fn open_for_detection(root: &Path) -> Result<Workspace, CommandError> {
        let keep = shipshape_detect::repo::sniffed_text_worth_keeping;
        Workspace::checked(Inventory::open_for_detection(root, Some(keep))?, root)
    }

    fn checked(inventory: Inventory, root: &Path) -> Result<Workspace, CommandError> {
        // Sections owned by other crates are checked now, whatever the command, so a typo never
        // passes silently.
        shipshape_secrets::SecretsConfig::from_config(inventory.config())?;
        Ok(Workspace {
            inventory,
            shown: root.to_path_buf(),
        })
    }

    pub fn inventory(&self) -> &Inventory {
        &self.inventory
    }

    pub fn root(&self) -> &Path {
        self.inventory.root()
    }

    /// The path as the user gave it.
    pub fn shown(&self) -> &Path {
        &self.shown
    }
}

/// The tool, as every JSON document names it.
pub use shipshape_diagnostics::render::{JsonTool as Tool, TOOL};
