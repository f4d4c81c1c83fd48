//! The foundation every shipshape capability reads a repository through: one walk of the tree
//! into an [`Inventory`] of classified files, the [`Evidence`] type that ties a detected value to
//! the file and line it came from, and the repository's `shipshape.toml` [`Config`].

pub mod artifact;
pub mod config;
pub mod evidence;
pub mod finding;
pub mod inventory;
pub mod secret_names;
pub mod text;

pub use artifact::{ArtifactKind, ManifestKind};
pub use config::{Config, ConfigError};
pub use evidence::{Evidence, Located};
pub use finding::{Finding, Location, Severity};
pub use inventory::{FileEntry, Inventory, SkipReason, Skipped, WalkOptions, WorkspaceError};
pub use text::{LineIndex, Position, Span};
