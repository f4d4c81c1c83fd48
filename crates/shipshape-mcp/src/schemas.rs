//! The JSON Schemas of every JSON document shipshape prints and every MCP tool returns, generated
//! from the report types with schemars: one source for the published `schemas/*.schema.json`, the
//! tools' `outputSchema`s and the `shipshape://schemas/…` resources. A test keeps the committed
//! files equal to what is generated here (`SHIPSHAPE_UPDATE_SCHEMAS=1` rewrites them).
//!
//! Generation describes what `Serialize` writes, then tightens what the types cannot say by
//! themselves: objects are closed (a report never has fields its schema does not name), a field
//! left out when empty is never `null`, `schema_version` and the tool name are constants, and
//! schemars' names for Rust number types (`format: uint32`), which validators do not know, go.

use std::sync::OnceLock;

use schemars::generate::SchemaSettings;
use schemars::JsonSchema;
use serde_json::{json, Map, Value};
use shipshape_commands::{assess::AssessReport, context::ContextReport};
use shipshape_diagnostics::render::{JsonReport, JsonRule};
use shipshape_gen::report::InitReport;

/// Where the published schemas say they live (`$id`).
pub const ID_BASE: &str = "https://shipshape.dev/schemas/";

/// One published schema.
pub struct Published {
    /// Path under `schemas/` (also the resource URI's tail: `shipshape://schemas/{file}`).
    pub file: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// The `schema_version` every document of this kind carries, if it carries one.
    pub schema_version: Option<&'static str>,
    generate: fn() -> Value,
}

/// `list_rules` over MCP: a tool result is an object, so the rule list is wrapped.
#[derive(JsonSchema)]
pub struct RuleList<'a> {
    /// Every rule of the catalog (or those `select` picked), as `shipshape rules --format json`
    /// lists them.
    pub rules: Vec<JsonRule<'a>>,
}

/// `explain_rule` over MCP: the rule as `rules --format json` lists it, and its documentation as
/// `shipshape explain` prints it.
#[derive(JsonSchema)]
pub struct ExplainedRule<'a> {
    pub rule: JsonRule<'a>,
    /// What it does, why it matters, an example, the fix and the peers' equivalent checks.
    pub documentation: String,
}

/// Every published schema, in the order resources list them.
pub fn published() -> &'static [Published] {
    const PUBLISHED: &[Published] = &[
        Published {
            file: "context.schema.json",
            title: "shipshape context",
            description: "Output of `shipshape context --format json` and of the MCP tool `context`: what a repository is made of, each detected value with the file and line it came from. `summary` answers: target cloud provider, orchestrator, current CI provider, environment separation strategy.",
            schema_version: Some(shipshape_commands::context::SCHEMA_VERSION),
            generate: generate::<ContextReport>,
        },
        Published {
            file: "assess.schema.json",
            title: "shipshape assess",
            description: "Output of `shipshape assess --format json` and of the MCP tool `assess`: the production-readiness checklist with the evidence for each item, the score and the quick wins.",
            schema_version: Some(shipshape_commands::assess::SCHEMA_VERSION),
            generate: generate::<AssessReport>,
        },
        Published {
            file: "audit.schema.json",
            title: "shipshape audit",
            description: "Output of `shipshape audit --format json` and of the MCP tool `audit`: findings with exact locations, every secret redacted.",
            schema_version: Some(shipshape_diagnostics::JSON_SCHEMA_VERSION),
            generate: generate::<JsonReport<'static>>,
        },
        Published {
            file: "secrets.schema.json",
            title: "shipshape secrets",
            description: "Output of `shipshape secrets --format json` and of the MCP tool `secrets`: hardcoded credentials in the working tree, the staged changes or the git history, always redacted; a finding from history says where it first appeared.",
            schema_version: Some(shipshape_diagnostics::JSON_SCHEMA_VERSION),
            generate: generate::<JsonReport<'static>>,
        },
        Published {
            file: "init.schema.json",
            title: "shipshape init",
            description: "Output of `shipshape init --format json` and of the MCP tools `plan_init` and `apply_init`: status, progress per DevOps area, each planned file with what happened to it (and a diff when nothing is written), warnings and next steps.",
            schema_version: Some(shipshape_gen::report::SCHEMA_VERSION),
            generate: generate::<InitReport>,
        },
        Published {
            file: "rules.schema.json",
            title: "shipshape rules",
            description: "Output of `shipshape rules --format json`: every rule shipshape knows (audit and secret rules).",
            schema_version: None,
            generate: generate::<Vec<JsonRule<'static>>>,
        },
        Published {
            file: "mcp/list_rules.schema.json",
            title: "shipshape MCP list_rules",
            description: "Result of the MCP tool `list_rules`: the rules `shipshape rules --format json` lists, under `rules`.",
            schema_version: None,
            generate: generate::<RuleList<'static>>,
        },
        Published {
            file: "mcp/explain_rule.schema.json",
            title: "shipshape MCP explain_rule",
            description: "Result of the MCP tool `explain_rule`: one rule as `rules --format json` lists it, and its documentation as `shipshape explain` prints it.",
            schema_version: None,
            generate: generate::<ExplainedRule<'static>>,
        },
        Published {
            file: "baseline.schema.json",
            title: "shipshape baseline",
            description: "A baseline file written by `--write-baseline` and read by `--baseline`: the fingerprints of accepted findings.",
            schema_version: None,
            generate: generate::<shipshape_diagnostics::Baseline>,
        },
        Published {
            file: "shipshape-toml.schema.json",
            title: "shipshape.toml",
            description: "shipshape's configuration file, at the repository root (for taplo or Even Better TOML). Every key is optional; an unknown section or key is an error.",
            schema_version: None,
            generate: generate_read::<ShipshapeToml>,
        },
    ];
    PUBLISHED
}

/// `shipshape.toml`: each section has the type of the crate that reads it. Only its schema is
/// used.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)]
struct ShipshapeToml {
    /// How the repository is walked.
    inventory: Option<shipshape_core::config::InventoryConfig>,
    /// Defaults for `shipshape audit` (command-line flags win).
    audit: Option<shipshape_core::config::AuditConfig>,
    /// Repository-level values that override detection.
    repository: Option<shipshape_core::config::RepositoryOverrides>,
    /// Per-service values that override detection, by service name.
    services: Option<std::collections::BTreeMap<String, shipshape_core::config::ServiceOverrides>>,
    /// Secret scanning: extra rules, rules turned off, allowed paths, a gitleaks configuration.
    secrets: Option<shipshape_secrets::SecretsConfig>,
    /// Reserved for `shipshape init`; no key is read yet.
    init: Option<std::collections::BTreeMap<String, Value>>,
}

/// The schema of what shipshape reads as `T` (a field with a default is optional), tightened.
fn generate_read<T: JsonSchema>() -> Value {
    let generator = SchemaSettings::draft2020_12()
        .for_deserialize()
        .into_generator();
    let mut schema =
        serde_json::to_value(generator.into_root_schema_for::<T>()).expect("a schema serialises");
    tighten(&mut schema, false);
    schema
}

/// The schema published as `file`, with its `$id`, title and description.
pub fn schema(file: &str) -> Option<&'static Value> {
    static ALL: OnceLock<Vec<(&'static str, Value)>> = OnceLock::new();
    ALL.get_or_init(|| published().iter().map(|p| (p.file, p.build())).collect())
        .iter()
        .find(|(f, _)| *f == file)
        .map(|(_, v)| v)
}

impl Published {
    fn build(&self) -> Value {
        let mut schema = (self.generate)();
        let Value::Object(root) = &mut schema else {
            unreachable!("schemars generates an object for a root schema")
        };
        let mut doc = Map::new();
        doc.insert(
            "$schema".into(),
            root.remove("$schema").unwrap_or(json!(DIALECT)),
        );
        doc.insert("$id".into(), json!(format!("{ID_BASE}{}", self.file)));
        doc.insert("title".into(), json!(self.title));
        doc.insert("description".into(), json!(self.description));
        root.remove("title");
        root.remove("description");
        doc.extend(std::mem::take(root));
        let mut schema = Value::Object(doc);
        if let Some(v) = self.schema_version {
            if let Some(p) = schema.pointer_mut("/properties/schema_version") {
                *p = json!({ "const": v });
            }
        }
        for (pointer, extra) in refinements() {
            if let Some(Value::Object(target)) = schema.pointer_mut(pointer) {
                if let Value::Object(extra) = extra {
                    target.extend(extra);
                }
            }
        }
        schema
    }
}

const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// What the Rust types cannot carry: a `Located<u16>` that is a service's port is never 0, a
/// `Located<String>` that is an environment variable is a name, and the tool is shipshape.
fn refinements() -> Vec<(&'static str, Value)> {
    vec![
        (
            "/$defs/Service/properties/port",
            json!({ "properties": { "value": { "minimum": 1 } } }),
        ),
        (
            "/$defs/Service/properties/env_vars/items",
            json!({ "properties": { "value": { "pattern": "^[A-Za-z_][A-Za-z0-9_]*$" } } }),
        ),
        (
            "/$defs/JsonTool/properties/name",
            json!({ "const": shipshape_diagnostics::TOOL_NAME }),
        ),
    ]
}

/// The schema of what `T` serialises to, tightened (see the module comment).
fn generate<T: JsonSchema>() -> Value {
    let generator = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator();
    let mut schema =
        serde_json::to_value(generator.into_root_schema_for::<T>()).expect("a schema serialises");
    tighten(&mut schema, false);
    schema
}

/// Close every object schema and drop `null` from fields that are left out rather than written
/// as `null`. `in_flattened` is true for the branches (`oneOf`, …) of an object that has
/// properties of its own: those describe only part of the object, so they are not closed; the
/// object is, with `unevaluatedProperties`, which sees what its branches name.
fn tighten(schema: &mut Value, in_flattened: bool) {
    let Value::Object(obj) = schema else {
        return;
    };
    // schemars names Rust's number types as formats (`uint32`, `double`): no JSON Schema
    // validator knows them, and some warn about each one. The bounds say what matters.
    if obj
        .get("format")
        .and_then(Value::as_str)
        .is_some_and(|f| RUST_NUMBER_FORMATS.contains(&f))
    {
        obj.remove("format");
    }
    let has_properties = obj.contains_key("properties");
    let has_branches = ["oneOf", "anyOf", "allOf"]
        .iter()
        .any(|k| obj.contains_key(*k));
    if has_properties {
        let required: Vec<String> = obj
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        if let Some(Value::Object(props)) = obj.get_mut("properties") {
            for (name, prop) in props.iter_mut() {
                // `for_serialize` makes every field that is always written required; a field that
                // is not required is skipped when empty, so it is never `null`.
                if !required.contains(name) {
                    drop_null(prop);
                }
            }
        }
        let closed =
            obj.contains_key("additionalProperties") || obj.contains_key("unevaluatedProperties");
        if !closed && !in_flattened {
            let key = if has_branches || obj.contains_key("$ref") {
                "unevaluatedProperties"
            } else {
                "additionalProperties"
            };
            obj.insert(key.into(), Value::Bool(false));
        }
    }
    for (key, value) in obj.iter_mut() {
        match key.as_str() {
            "$defs" | "properties" => {
                if let Value::Object(children) = value {
                    for child in children.values_mut() {
                        tighten(child, false);
                    }
                }
            }
            "items" | "additionalProperties" | "not" => tighten(value, false),
            "oneOf" | "anyOf" | "allOf" | "prefixItems" => {
                if let Value::Array(branches) = value {
                    for b in branches {
                        tighten(b, has_properties && key != "prefixItems");
                    }
                }
            }
            _ => {}
        }
    }
}

const RUST_NUMBER_FORMATS: &[&str] = &[
    "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
    "float", "double",
];

/// `anyOf: [X, {type: null}]` → X; `type: [T, "null"]` → T.
fn drop_null(prop: &mut Value) {
    let Value::Object(obj) = prop else {
        return;
    };
    if let Some(Value::Array(types)) = obj.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types[0].clone();
            obj.insert("type".into(), only);
        }
    }
    if let Some(Value::Array(options)) = obj.get("anyOf") {
        let non_null: Vec<Value> = options
            .iter()
            .filter(|o| o.get("type") != Some(&json!("null")))
            .cloned()
            .collect();
        if non_null.len() == 1 && options.len() == 2 {
            obj.remove("anyOf");
            if let Value::Object(inner) = &non_null[0] {
                for (k, v) in inner {
                    obj.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        }
    }
}
