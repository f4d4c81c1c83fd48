//! `assess`: the production-readiness checklist, its score and the quick wins.

use serde::Serialize;
use shipshape_detect::assess::Assessment;
use shipshape_detect::Summary;

use super::{Tool, Workspace, TOOL};

pub const SCHEMA_VERSION: &str = "1";

#[derive(Serialize, schemars::JsonSchema)]
pub struct AssessReport {
    pub schema_version: &'static str,
    pub tool: Tool,
    pub root: String,
    pub files_scanned: usize,
    pub summary: Summary,
    pub assessment: Assessment,
}

pub fn assess(ws: &Workspace) -> AssessReport {
    let inv = ws.inventory();
    let facts = shipshape_detect::detect(inv);
    let assessment = shipshape_detect::assess::assess(inv, &facts);
    AssessReport {
        schema_version: SCHEMA_VERSION,
        tool: TOOL,
        root: ws.shown().display().to_string(),
        files_scanned: inv.files().len(),
        summary: Summary::new(&facts),
        assessment,
    }
}
