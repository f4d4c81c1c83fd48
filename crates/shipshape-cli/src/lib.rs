//! shipshape's commands as a library: each command is a function from an opened [`Workspace`]
//! and its options to a typed, serialisable report — no printing, no exit codes. The `shipshape`
//! binary renders these reports; the MCP server returns them to agents. Neither has a second
//! implementation of any command.
//!
//! The commands live in `shipshape-commands` so that the MCP server (`shipshape-mcp`, which the
//! binary starts with `shipshape mcp`) can call them without depending on this crate.

pub use shipshape_commands as commands;

pub use commands::{CommandError, Workspace};
