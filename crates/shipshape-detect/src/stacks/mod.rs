//! Service detection: which folders hold a deployable service, and what each one is. One module
//! per ecosystem; each looks at one folder and answers with a [`Found`] or nothing.

use shipshape_core::{ArtifactKind, ManifestKind};

use crate::ctx::Ctx;
use crate::model::{value_name, Ambiguity, Service};
use shipshape_core::Located;

pub mod dotnet;
pub(crate) mod env_needs;
pub mod go;
pub mod java;
pub mod node;
pub mod php;
pub(crate) mod processes;
pub mod python;
pub mod ruby;
pub mod rust;
pub(crate) mod shared;
pub mod static_site;
pub(crate) mod storage;

/// What a folder turned out to hold.
#[derive(Debug)]
pub enum Found {
    /// A deployable service.
    Service(Box<Service>),
    /// A package that is not deployable on its own (a shared library in a monorepo).
    Library { name: String },
    /// A monorepo root: the workspace tool, with its evidence (`npm-workspaces`, `turbo`, …).
    WorkspaceRoot { tools: Vec<Located<String>> },
}

/// Folders that may hold a service: every folder with a primary package manifest, a Django
/// `manage.py`, or (for static sites) an `index.html`.
pub fn candidate_roots(ctx: &Ctx) -> Vec<String> {
    let mut roots: Vec<String> = Vec::new();
    for f in ctx.inv.files() {
        let dir = if f.dir().is_empty() { "." } else { f.dir() };
        let primary = match f.kind {
            ArtifactKind::PackageManifest(m) => match m {
                ManifestKind::PackageJson
                | ManifestKind::Pyproject
                | ManifestKind::Pipfile
                | ManifestKind::SetupPy
                | ManifestKind::GoMod
                | ManifestKind::GoWork
                | ManifestKind::CargoToml
                | ManifestKind::PomXml
                | ManifestKind::Gradle
                | ManifestKind::Gemfile
                | ManifestKind::ComposerJson
                | ManifestKind::Csproj => true,
                // requirements/prod.txt belongs to the folder above requirements/.
                ManifestKind::RequirementsTxt => !f.dir().ends_with("requirements"),
                _ => false,
            },
            _ => f.name() == "manage.py" || static_site::is_site_index(ctx, &f.path),
        };
        if primary
            && !crate::scan::is_test_path(&format!("{}/", f.dir()))
            && !crate::scan::is_vendored_path(f.dir())
        {
            roots.push(dir.to_string());
        }
    }
    roots.sort();
    roots.dedup();
    roots
}

/// Record that a dependency implies `kind`, merging evidence when the kind is already known.
pub(crate) fn add_backing(
    list: &mut Vec<Located<crate::model::BackingKind>>,
    kind: crate::model::BackingKind,
    ev: shipshape_core::Evidence,
) {
    match list.iter_mut().find(|b| b.value == kind) {
        Some(b) => {
            if !b.evidence.contains(&ev) {
                b.evidence.push(ev);
            }
        }
        None => list.push(Located::new(kind, ev)),
    }
}

type Detector = fn(&Ctx, &str) -> Option<Found>;

/// Every ecosystem's detector. Order matters only for ties (see [`detect_dir`]).
const DETECTORS: &[(&str, Detector)] = &[
    ("python", python::detect),
    ("ruby", ruby::detect),
    ("php", php::detect),
    ("java", java::detect),
    ("dotnet", dotnet::detect),
    ("go", go::detect),
    ("rust", rust::detect),
    ("node", node::detect),
    ("static", static_site::detect),
];

/// Detect what `dir` holds. When several ecosystems claim the folder (a Rails app with a
/// package.json for its assets), the one with a server framework wins; two server frameworks
/// are reported as an ambiguity and the first in [`DETECTORS`] order is kept.
pub fn detect_dir(ctx: &Ctx, dir: &str) -> Vec<Found> {
    let mut services: Vec<Box<Service>> = Vec::new();
    let mut others: Vec<Found> = Vec::new();
    for (_, detect) in DETECTORS {
        match detect(ctx, dir) {
            Some(Found::Service(s)) => services.push(s),
            Some(other) => others.push(other),
            None => {}
        }
    }
    let mut out: Vec<Found> = Vec::new();
    if !services.is_empty() {
        let with_framework: Vec<&Box<Service>> =
            services.iter().filter(|s| s.framework.is_some()).collect();
        if with_framework.len() > 1 {
            ctx.ambiguity(Ambiguity {
                subject: format!("services at {dir}"),
                chosen: Some(value_name(&with_framework[0].language.value)),
                candidates: with_framework
                    .iter()
                    .map(|s| Located {
                        value: format!(
                            "{} ({})",
                            value_name(&s.language.value),
                            s.framework.as_ref().map(|f| value_name(&f.value)).unwrap_or_default()
                        ),
                        evidence: s.language.evidence.clone(),
                    })
                    .collect(),
                hint: format!(
                    "set `language` and `framework` for the service with root = \"{dir}\" in shipshape.toml"
                ),
            });
        }
        let pick = services
            .iter()
            .position(|s| s.framework.is_some())
            .unwrap_or(0);
        out.push(Found::Service(services.swap_remove(pick)));
        // Workspace roots are kept too: a root can be an app and a monorepo at once.
        out.extend(
            others
                .into_iter()
                .filter(|o| matches!(o, Found::WorkspaceRoot { .. })),
        );
    } else {
        out.extend(others);
    }
    out
}
