//! shipshape's commands as a library: each command is a function from an opened [`Workspace`]
//! and its options to a typed, serialisable report — no printing, no exit codes. The `shipshape`
//! binary renders these reports; the MCP server returns them to agents. Neither has a second
//! implementation of any command.

pub mod commands;
pub mod schemas;

pub use commands::{CommandError, Workspace};
