//! Repository-level detection: CI, cloud, orchestrator, IaC, environments, observability,
//! container artifacts and deploy scripts. Each concern lives in its own module; this one walks
//! them in order and holds what they share (the evidence collector, the file filter).

mod ci;
mod cloud;
pub use cloud::sniffed_text_worth_keeping;
mod containers;
mod deploy;
mod deps;
mod environments;
mod iac;
mod observability;
mod orchestrator;
mod terraform;

use std::collections::BTreeMap;

use shipshape_core::{Evidence, FileEntry, Located};

use crate::ctx::Ctx;
use crate::model::{Ambiguity, CloudProvider, Facts, IacTool, Orchestrator};

/// At most this many pieces of evidence are kept per value: enough to check it, not a listing of
/// every manifest in a large repository.
pub(crate) const MAX_EVIDENCE: usize = 5;

/// Folders whose files describe something other than this repository's own delivery: test
/// fixtures and vendored code. A Dockerfile under `testdata/` does not mean the repository ships
/// a container.
const FOREIGN_DIRS: &[&str] = &[
    "fixtures",
    "__fixtures__",
    "testdata",
    "vendor",
    "third_party",
];

/// Values found for one concern, each with its evidence in the order it was found.
pub(crate) struct Found<T: Ord> {
    map: BTreeMap<T, Vec<Evidence>>,
}

impl<T: Ord> Default for Found<T> {
    fn default() -> Self {
        Found {
            map: BTreeMap::new(),
        }
    }
}

impl<T: Ord + Clone> Found<T> {
    pub(crate) fn add(&mut self, value: T, evidence: Evidence) {
        let list = self.map.entry(value).or_default();
        if list.len() < MAX_EVIDENCE && !list.contains(&evidence) {
            list.push(evidence);
        }
    }

    pub(crate) fn contains(&self, value: &T) -> bool {
        self.map.contains_key(value)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub(crate) fn values(&self) -> impl Iterator<Item = &T> {
        self.map.keys()
    }

    pub(crate) fn evidence(&self, value: &T) -> &[Evidence] {
        self.map.get(value).map(Vec::as_slice).unwrap_or(&[])
    }

    pub(crate) fn into_located(self) -> Vec<Located<T>> {
        self.map
            .into_iter()
            .map(|(value, evidence)| Located { value, evidence })
            .collect()
    }
}

/// Cloud, orchestrator and IaC findings: one signal (a `serverless.yml`, a SAM template) often
/// says something about all three, so the detectors fill them together.
#[derive(Default)]
pub(crate) struct Infra {
    pub cloud: Found<CloudProvider>,
    pub orchestrators: Found<Orchestrator>,
    pub iac: Found<IacTool>,
}

/// The files repository-level detection looks at: every inventory file outside fixture and
/// vendored folders, in path order.
pub(crate) fn repo_files<'a>(ctx: &Ctx<'a>) -> Vec<&'a FileEntry> {
    ctx.inv
        .files()
        .iter()
        .filter(|f| !f.path.split('/').any(|c| FOREIGN_DIRS.contains(&c)))
        .collect()
}

/// The repository-level facts that do not depend on the services: found while the services
/// are (see [`scan`] and [`finish`]).
pub(crate) struct RepoScan<'a> {
    files: Vec<&'a FileEntry>,
    infra: Infra,
    ci: Vec<Located<crate::model::CiSystem>>,
    environments: crate::model::Environments,
    observability: observability::Pending,
    containers: crate::model::Containers,
}

/// Fill the repository-level parts of `facts`.
pub fn detect(ctx: &Ctx, facts: &mut Facts) {
    let found = scan(ctx);
    finish(ctx, facts, found);
}

/// Everything repository-level that the services are not needed for, the independent parts on
/// every core.
pub(crate) fn scan<'a>(ctx: &Ctx<'a>) -> RepoScan<'a> {
    let files = repo_files(ctx);
    // Read once, used by several detectors.
    let ((terraform, manifests), deps) = rayon::join(
        || {
            rayon::join(
                || terraform::scan_all(ctx, &files),
                || orchestrator::manifests(ctx, &files),
            )
        },
        || deps::all(ctx, &files),
    );

    let ((infra, ci), (environments, (observability, containers))) = rayon::join(
        || {
            let mut infra = Infra::default();
            cloud::detect(ctx, &files, &terraform, &manifests, &mut infra);
            orchestrator::detect(ctx, &files, &terraform, &manifests, &mut infra);
            iac::detect(ctx, &files, &terraform, &deps, &mut infra);
            orchestrator::procfile_fallback(&files, &mut infra);
            (infra, ci::detect(&files))
        },
        || {
            rayon::join(
                || environments::detect(ctx, &files, &terraform),
                || {
                    rayon::join(
                        || observability::detect(ctx, &files, &deps, &manifests),
                        || containers::detect(ctx, &files),
                    )
                },
            )
        },
    );
    RepoScan {
        files,
        infra,
        ci,
        environments,
        observability,
        containers,
    }
}

/// Put what [`scan`] found into `facts`, with the parts that need the services.
pub(crate) fn finish(ctx: &Ctx, facts: &mut Facts, found: RepoScan) {
    let infra = found.infra;
    facts.ci = found.ci;
    report_cloud_ambiguity(ctx, &infra.cloud, facts.services.len());
    facts.cloud = infra.cloud.into_located();
    facts.orchestrators = infra.orchestrators.into_located();
    facts.iac = infra.iac.into_located();
    facts.environments = found.environments;
    facts.observability = found.observability.finish(ctx);
    facts.containers = found.containers;
    facts.deploy_scripts = deploy::detect(ctx, &found.files, &facts.services);
}

/// Several clouds are legitimate (DNS on Cloudflare, a frontend on Vercel and an API on AWS),
/// so they are all listed. A single answer is expected only when the repository holds at most one
/// deployable service: one app runs in one place, so two platforms that can each run it are a
/// question for the user. Cloudflare is left out of that count because it usually fronts another
/// host (DNS, CDN) rather than running the app.
fn report_cloud_ambiguity(ctx: &Ctx, cloud: &Found<CloudProvider>, services: usize) {
    if services > 1 {
        return;
    }
    let hosts: Vec<&CloudProvider> = cloud
        .values()
        .filter(|c| **c != CloudProvider::Cloudflare)
        .collect();
    if hosts.len() < 2 {
        return;
    }
    let candidates = hosts
        .iter()
        .map(|c| Located {
            value: enum_name(*c),
            evidence: cloud.evidence(c).to_vec(),
        })
        .collect();
    ctx.ambiguity(Ambiguity {
        subject: "repository.cloud".to_string(),
        chosen: None,
        candidates,
        hint: "set `cloud` under [repository] in shipshape.toml to where the app runs".to_string(),
    });
}

/// The kebab-case name a model enum serialises to.
pub(crate) fn enum_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The line (1-based) of the first line matching `pred`, with its text.
pub(crate) fn find_line(text: &str, mut pred: impl FnMut(&str) -> bool) -> Option<u32> {
    text.lines()
        .position(&mut pred)
        .map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX))
}

/// Whether a line is a comment in the shell/YAML/HCL sense.
pub(crate) fn is_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#') || t.starts_with("//")
}

#[cfg(test)]
pub(crate) mod testing {
    //! Build a throwaway repository and detect its facts.
    use std::path::Path;

    use shipshape_core::Inventory;

    use crate::model::Facts;

    pub fn facts(files: &[(&str, &str)]) -> Facts {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), files);
        let inv = Inventory::open(dir.path()).expect("inventory");
        crate::detect(&inv)
    }

    pub fn write(root: &Path, files: &[(&str, &str)]) {
        for (path, content) in files {
            let p = root.join(path);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent).expect("mkdir");
            }
            std::fs::write(p, content).expect("write");
        }
    }
}
