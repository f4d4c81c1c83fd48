//! MCP resources: each rule's documentation (`shipshape://rules/<ID>`, the text `shipshape explain`
//! prints) and each published JSON schema (`shipshape://schemas/<file>`).

use std::path::Path;

use rmcp::model::{Resource, ResourceContents};
use shipshape_commands::{rules, Workspace};
use shipshape_diagnostics::render as diag;
use shipshape_diagnostics::Catalog;

use crate::schemas;

const RULES: &str = "shipshape://rules/";
const SCHEMAS: &str = "shipshape://schemas/";

/// The repository's catalog (its own rules included); the built-in one when its shipshape.toml
/// does not load (the tools report that error).
fn catalog() -> Catalog {
    Workspace::open(Path::new("."))
        .ok()
        .and_then(|ws| rules::for_workspace(&ws, None).ok())
        .map(|(c, _, _)| c)
        .unwrap_or_else(rules::builtin_catalog)
}

pub fn list() -> Vec<Resource> {
    let mut out: Vec<Resource> = schemas::published()
        .iter()
        .map(|p| {
            Resource::new(format!("{SCHEMAS}{}", p.file), p.file)
                .with_title(p.title)
                .with_description(p.description)
                .with_mime_type("application/schema+json")
        })
        .collect();
    out.extend(catalog().rules().iter().map(|r| {
        Resource::new(format!("{RULES}{}", r.id), r.id.to_string())
            .with_title(format!("{} {}", r.id, r.title))
            .with_description(format!(
                "{} ({}, {}): what it checks, why, an example and the fix",
                r.slug,
                r.domain.name(),
                r.severity.as_str()
            ))
            .with_mime_type("text/markdown")
    }));
    out
}

pub fn read(uri: &str) -> Option<ResourceContents> {
    if let Some(file) = uri.strip_prefix(SCHEMAS) {
        let schema = schemas::schema(file)?;
        let text = serde_json::to_string_pretty(schema).ok()?;
        return Some(ResourceContents::TextResourceContents {
            uri: uri.to_string(),
            mime_type: Some("application/schema+json".into()),
            text,
            meta: None,
        });
    }
    let key = uri.strip_prefix(RULES)?;
    let catalog = catalog();
    let rule = catalog.find(key)?;
    Some(ResourceContents::TextResourceContents {
        uri: uri.to_string(),
        mime_type: Some("text/markdown".into()),
        text: diag::explain(rule),
        meta: None,
    })
}
