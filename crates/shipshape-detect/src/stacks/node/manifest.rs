//! The `package.json` of a folder, parsed when it can be, and the lines of its keys for evidence.

use std::sync::Arc;

use serde_json::Value;
use shipshape_core::evidence::line_of_offset;
use shipshape_core::Evidence;

use crate::ctx::{json_key_line, Ctx};

/// Dependency sections that say what a package is built with.
pub(super) const BUILD_SECTIONS: &[&str] = &["dependencies", "devDependencies"];
/// Dependency sections that ship to production (backing services come from these only: a
/// driver in devDependencies serves tests, not the running service).
pub(super) const RUNTIME_SECTIONS: &[&str] = &["dependencies", "optionalDependencies"];

/// A `package.json`, parsed when it could be. A malformed one keeps its text so detection can
/// go on with what the folder's other files say.
pub(super) struct Manifest {
    pub(super) path: String,
    pub(super) text: Arc<str>,
    pub(super) json: Value,
    pub(super) parsed: bool,
}

impl Manifest {
    pub(super) fn load(ctx: &Ctx, dir: &str) -> Option<Manifest> {
        let path = Ctx::join(dir, "package.json");
        if !ctx.exists(&path) {
            return None;
        }
        match ctx.json(&path) {
            Some((text, json)) => Some(Manifest {
                path,
                text,
                json,
                parsed: true,
            }),
            None => Some(Manifest {
                text: ctx.text(&path).unwrap_or_else(|| Arc::from("")),
                path,
                json: Value::Null,
                parsed: false,
            }),
        }
    }

    pub(super) fn str_at(&self, keys: &[&str]) -> Option<&str> {
        let mut v = &self.json;
        for k in keys {
            v = v.get(k)?;
        }
        v.as_str()
    }

    /// The section (of `sections`) that lists dependency `name`.
    fn dep_section(&self, name: &str, sections: &[&'static str]) -> Option<&'static str> {
        sections
            .iter()
            .find(|s| self.json.get(**s).and_then(|d| d.get(name)).is_some())
            .copied()
    }

    pub(super) fn has_dep(&self, name: &str) -> bool {
        self.dep_section(name, BUILD_SECTIONS).is_some()
    }

    /// Evidence for dependency `name`, if the package lists it in one of `sections`.
    pub(super) fn dep_evidence(&self, name: &str, sections: &[&'static str]) -> Option<Evidence> {
        let section = self.dep_section(name, sections)?;
        Some(self.nested_evidence(section, name, None))
    }

    pub(super) fn script(&self, name: &str) -> Option<&str> {
        self.str_at(&["scripts", name])
    }

    /// Evidence at `"outer": { … "inner": …`, with an optional remark after the key path.
    pub(super) fn nested_evidence(
        &self,
        outer: &str,
        inner: &str,
        remark: Option<&str>,
    ) -> Evidence {
        let mut note = format!("package.json > {outer} > {inner}");
        if let Some(r) = remark {
            note.push_str(&format!(" ({r})"));
        }
        Evidence::new(&self.path, key_line_in(&self.text, outer, inner), note)
    }

    pub(super) fn key_evidence(&self, key: &str, remark: Option<&str>) -> Evidence {
        let mut note = format!("package.json > {key}");
        if let Some(r) = remark {
            note.push_str(&format!(" ({r})"));
        }
        Evidence::new(&self.path, json_key_line(&self.text, key), note)
    }

    /// Workspace member globs from `workspaces` (array or `{ packages }`).
    pub(super) fn workspace_globs(&self) -> Option<Vec<String>> {
        let ws = self.json.get("workspaces")?;
        let list = ws.as_array().or_else(|| ws.get("packages")?.as_array())?;
        Some(
            list.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
        )
    }
}

/// Line of `"key":` inside the object that follows `"section"`, for evidence in hand-written
/// manifests. A key named like the section's value elsewhere is skipped by requiring the colon.
fn key_line_in(text: &str, section: &str, key: &str) -> Option<u32> {
    let start = text.find(&format!("\"{section}\""))? + section.len() + 2;
    let needle = format!("\"{key}\"");
    let mut from = start;
    while let Some(rel) = text.get(from..)?.find(&needle) {
        let at = from + rel;
        let rest = text.get(at + needle.len()..)?.trim_start();
        if rest.starts_with(':') {
            return Some(line_of_offset(text, at));
        }
        from = at + needle.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_lines_point_inside_the_named_section() {
        let text = "{\n  \"scripts\": {\n    \"dev\": \"vite\",\n    \"build\": \"vite build\"\n  },\n  \"devDependencies\": {\n    \"vite\": \"^5.0.0\"\n  }\n}\n";
        assert_eq!(key_line_in(text, "scripts", "build"), Some(4));
        assert_eq!(key_line_in(text, "devDependencies", "vite"), Some(7));
        assert_eq!(key_line_in(text, "dependencies", "vite"), None);
    }
}
