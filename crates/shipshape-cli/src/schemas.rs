//! JSON Schemas of every JSON document shipshape writes — `context`, `assess`, `audit` and
//! `secrets`, `init`, `rules` as `--format json`, baseline files — and of `shipshape.toml`,
//! generated from the types that produce or read them, so a schema cannot drift from its output.
//! The committed copies are in `schemas/cli/`; a test keeps them equal to these.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde_json::Value;
use shipshape_core::config::{AuditConfig, InventoryConfig, RepositoryOverrides, ServiceOverrides};
use shipshape_diagnostics::render::{JsonReport, JsonRule};
use shipshape_diagnostics::Baseline;
use shipshape_gen::report::InitReport;
use shipshape_secrets::SecretsConfig;

use crate::commands::assess::AssessReport;
use crate::commands::context::ContextReport;

/// Where the schemas are published (their `$id` is this plus the file name).
pub const BASE_URI: &str = "https://shipshape.dev/schemas/cli/";

/// One schema file of `schemas/cli/`.
pub struct SchemaDocument {
    /// File name in `schemas/cli/`.
    pub file: &'static str,
    pub schema: Value,
}

/// `shipshape.toml`, as editors validate it (taplo, Even Better TOML): each section has the
/// type of the crate that reads it. Unknown sections and keys are errors, as they are for
/// shipshape itself.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)] // only its schema is used
struct ShipshapeToml {
    /// How the repository is walked.
    inventory: Option<InventoryConfig>,
    /// Defaults for `shipshape audit` (command-line flags win).
    audit: Option<AuditConfig>,
    /// Repository-level values that override detection.
    repository: Option<RepositoryOverrides>,
    /// Per-service values that override detection, by service name.
    services: Option<BTreeMap<String, ServiceOverrides>>,
    /// Secret scanning: extra rules, rules turned off, allowed paths, a gitleaks configuration.
    secrets: Option<SecretsConfig>,
    /// Reserved for `shipshape init`; no key is read yet.
    init: Option<BTreeMap<String, Value>>,
}

/// Which side of serde a schema describes: what shipshape writes, or what it reads.
#[derive(Clone, Copy)]
enum Contract {
    Writes,
    Reads,
}

fn document<T: JsonSchema>(
    contract: Contract,
    file: &'static str,
    title: &str,
    description: &str,
) -> SchemaDocument {
    let settings = schemars::generate::SchemaSettings::draft2020_12();
    // A field serde leaves out when empty is optional in what shipshape writes, and a field
    // with a default is optional in what it reads: the contract decides `required`.
    let settings = match contract {
        Contract::Writes => settings.for_serialize(),
        Contract::Reads => settings.for_deserialize(),
    };
    let schema = settings.into_generator().into_root_schema_for::<T>();
    let mut value = serde_json::to_value(schema).expect("a schema serialises");
    let object = value.as_object_mut().expect("a schema is an object");
    // `$schema` and `$id` first, then what the schema is for: read the file top down.
    let mut ordered = serde_json::Map::new();
    if let Some(dialect) = object.remove("$schema") {
        ordered.insert("$schema".into(), dialect);
    }
    ordered.insert("$id".into(), Value::from(format!("{BASE_URI}{file}")));
    ordered.insert("title".into(), Value::from(title));
    ordered.insert("description".into(), Value::from(description));
    object.remove("title");
    object.remove("description");
    ordered.append(object);
    SchemaDocument {
        file,
        schema: Value::Object(ordered),
    }
}

/// Every schema, in file-name order.
pub fn documents() -> Vec<SchemaDocument> {
    let mut all = vec![
        document::<ContextReport>(
            Contract::Writes,
            "context.schema.json",
            "shipshape context",
            "Output of `shipshape context --format json`: what a repository is made of, each \
             detected value with the file and line it came from. `summary` answers: target cloud \
             provider, orchestrator, current CI provider, environment separation strategy.",
        ),
        document::<AssessReport>(
            Contract::Writes,
            "assess.schema.json",
            "shipshape assess",
            "Output of `shipshape assess --format json`: the production-readiness checklist, \
             each item with its status and evidence, the score and the quick wins.",
        ),
        document::<JsonReport<'static>>(
            Contract::Writes,
            "findings.schema.json",
            "shipshape audit and secrets",
            "Output of `shipshape audit --format json` and `shipshape secrets --format json`: \
             findings with their rule, exact location, redacted snippet and fingerprint.",
        ),
        document::<InitReport>(
            Contract::Writes,
            "init.schema.json",
            "shipshape init",
            "Output of `shipshape init --format json`: what was (or would be) written and why, \
             warnings, next steps and errors.",
        ),
        document::<Vec<JsonRule<'static>>>(
            Contract::Writes,
            "rules.schema.json",
            "shipshape rules",
            "Output of `shipshape rules --format json`: every rule with its documentation.",
        ),
        document::<Baseline>(
            Contract::Writes,
            "baseline.schema.json",
            "shipshape baseline",
            "A baseline file written by `--write-baseline` and read by `--baseline`: the \
             fingerprints of accepted findings.",
        ),
        document::<ShipshapeToml>(
            Contract::Reads,
            "shipshape-toml.schema.json",
            "shipshape.toml",
            "shipshape's configuration file, at the repository root. Every key is optional; an \
             unknown section or key is an error.",
        ),
    ];
    all.sort_by_key(|d| d.file);
    all
}

/// The text of a schema file as committed: pretty JSON and a final newline.
pub fn file_text(doc: &SchemaDocument) -> String {
    serde_json::to_string_pretty(&doc.schema).expect("a schema serialises") + "\n"
}
