//! `context`: what the repository is made of, with evidence, and the short answer an agent asks
//! before touching infrastructure. The JSON is described by `schemas/context.schema.json`; bump
//! [`SCHEMA_VERSION`] on any breaking change.

use serde::Serialize;
use shipshape_detect::{Facts, Summary};

use super::{Tool, Workspace, TOOL};

pub const SCHEMA_VERSION: &str = "1";

#[derive(Serialize, schemars::JsonSchema)]
pub struct ContextReport {
    pub schema_version: &'static str,
    pub tool: Tool,
    pub root: String,
    pub files_scanned: usize,
    pub summary: Summary,
    pub facts: Facts,
}

pub fn context(ws: &Workspace) -> ContextReport {
    let facts = shipshape_detect::detect(ws.inventory());
    ContextReport {
        schema_version: SCHEMA_VERSION,
        tool: TOOL,
        root: ws.shown().display().to_string(),
        files_scanned: ws.inventory().files().len(),
        summary: Summary::new(&facts),
        facts,
    }
}
