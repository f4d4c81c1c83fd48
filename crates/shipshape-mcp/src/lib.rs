//! `shipshape mcp`: shipshape's commands for AI agents, over the Model Context Protocol on stdio
//! (the official Rust SDK, `rmcp`). A thin face over `shipshape-commands`: every tool calls the
//! same function the CLI calls and returns the same report — as `structuredContent`, valid against
//! the tool's `outputSchema` (generated from the report type, the same schema `schemas/`
//! publishes), and as the same JSON in text. Stdout is the protocol; logs go to stderr.
//!
//! The server reads only inside the repository root it was started on ([`paths`]), bounds what a
//! call may return, how long it may run and how many run at once ([`limits`]), and writes files
//! only when started with `--allow-write`.

pub mod limits;
mod params;
pub mod paths;
mod resources;
pub mod schemas;
mod server;
mod tools;

use std::path::{Path, PathBuf};

use rmcp::ServiceExt;

pub use server::ShipshapeServer;

/// How the server was started.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Let `apply_init` write files.
    pub allow_write: bool,
}

/// Why the server could not start or stopped on an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("{path}: {source}")]
    Root {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} is not a folder: start the server on a repository folder")]
    NotAFolder(PathBuf),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("MCP: {0}")]
    Protocol(String),
}

/// Serve the repository at `root` on stdin/stdout until the client disconnects.
pub fn serve(root: &Path, options: Options) -> Result<(), ServeError> {
    let canonical = root.canonicalize().map_err(|source| ServeError::Root {
        path: root.to_path_buf(),
        source,
    })?;
    if !canonical.is_dir() {
        return Err(ServeError::NotAFolder(root.to_path_buf()));
    }
    // Commands get paths relative to the root, so reports read as `shipshape` run there prints
    // them. Set before any thread starts.
    std::env::set_current_dir(&canonical).map_err(|source| ServeError::Root {
        path: root.to_path_buf(),
        source,
    })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(limits::MAX_RUNNING * 4)
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(async move {
        server::log(format_args!(
            "serving {} ({})",
            canonical.display(),
            if options.allow_write {
                "read-write: apply_init may write"
            } else {
                "read-only"
            }
        ));
        let service = ShipshapeServer::new(canonical, options.allow_write)
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|e| ServeError::Protocol(e.to_string()))?;
        service
            .waiting()
            .await
            .map_err(|e| ServeError::Protocol(e.to_string()))?;
        Ok(())
    })
}
