//! Node.js services: a folder with a `package.json`. Reads the manifest, lockfiles, version
//! files and a budgeted slice of the code to tell the framework, the package manager, the
//! runtime version, the production build and start commands, the port, the health route, the
//! backing services and the env vars. Also recognises JS monorepo roots (npm/yarn/pnpm
//! workspaces, turbo, nx, lerna) and the shared libraries inside them.

use std::sync::{Arc, LazyLock};

use regex::Regex;
use serde_json::Value;
use shipshape_core::evidence::line_of_offset;
use shipshape_core::{Evidence, Located};

use crate::ctx::{json_key_line, line_of, Ctx};
use crate::model::{
    Ambiguity, BackingKind, Framework, Language, PackageManager, Service, ServiceRole,
};
use crate::scan;
use crate::stacks::Found;

/// Dependency sections that say what a package is built with.
const BUILD_SECTIONS: &[&str] = &["dependencies", "devDependencies"];
/// Dependency sections that ship to production (backing services come from these only: a
/// driver in devDependencies serves tests, not the running service).
const RUNTIME_SECTIONS: &[&str] = &["dependencies", "optionalDependencies"];

/// A `package.json`, parsed when it could be. A malformed one keeps its text so detection can
/// go on with what the folder's other files say.
struct Manifest {
    path: String,
    text: Arc<str>,
    json: Value,
    parsed: bool,
}

impl Manifest {
    fn load(ctx: &Ctx, dir: &str) -> Option<Manifest> {
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

    fn str_at(&self, keys: &[&str]) -> Option<&str> {
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

    fn has_dep(&self, name: &str) -> bool {
        self.dep_section(name, BUILD_SECTIONS).is_some()
    }

    /// Evidence for dependency `name`, if the package lists it in one of `sections`.
    fn dep_evidence(&self, name: &str, sections: &[&'static str]) -> Option<Evidence> {
        let section = self.dep_section(name, sections)?;
        Some(self.nested_evidence(section, name, None))
    }

    fn script(&self, name: &str) -> Option<&str> {
        self.str_at(&["scripts", name])
    }

    /// Evidence at `"outer": { … "inner": …`, with an optional remark after the key path.
    fn nested_evidence(&self, outer: &str, inner: &str, remark: Option<&str>) -> Evidence {
        let mut note = format!("package.json > {outer} > {inner}");
        if let Some(r) = remark {
            note.push_str(&format!(" ({r})"));
        }
        Evidence::new(&self.path, key_line_in(&self.text, outer, inner), note)
    }

    fn key_evidence(&self, key: &str, remark: Option<&str>) -> Evidence {
        let mut note = format!("package.json > {key}");
        if let Some(r) = remark {
            note.push_str(&format!(" ({r})"));
        }
        Evidence::new(&self.path, json_key_line(&self.text, key), note)
    }

    /// Workspace member globs from `workspaces` (array or `{ packages }`).
    fn workspace_globs(&self) -> Option<Vec<String>> {
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

/// Detect what the folder `dir` holds when it has a `package.json`.
pub fn detect(ctx: &Ctx, dir: &str) -> Option<Found> {
    let pkg = Manifest::load(ctx, dir)?;
    let ws_root = workspace_root_above(ctx, dir);
    let name = service_name(ctx, dir, &pkg);

    let package_manager = package_manager(ctx, dir, &pkg, ws_root.as_ref(), &name);
    let pm = package_manager.as_ref().map(|l| l.value);
    let tools = workspace_tools(ctx, dir, &pkg, pm);
    let framework = framework(ctx, dir, &pkg, &name);

    let language = language(ctx, dir, &pkg);
    let code = scan_code(ctx, dir, language.value);
    let start = if framework
        .as_ref()
        .is_some_and(|f| f.role == ServiceRole::Static)
    {
        None
    } else {
        start_command(ctx, dir, &pkg, framework.as_ref(), ws_root.as_ref(), &code)
    };

    let is_app = framework.is_some() || start.is_some() || !pkg.parsed;
    if !is_app {
        if !tools.is_empty() {
            return Some(Found::WorkspaceRoot { tools });
        }
        // A root package.json that only carries tooling (linters, git hooks) is not a service
        // and not a library of a monorepo either.
        if dir == "." {
            return None;
        }
        return Some(Found::Library { name });
    }

    let mut service = Service::new(name.clone(), dir, language);
    service.role = match &framework {
        Some(f) => f.role,
        None if !code.listen_files.is_empty() || !pkg.parsed => ServiceRole::Api,
        None => ServiceRole::Worker,
    };
    service.package_manager = package_manager;
    service.runtime_version = runtime_version(ctx, dir, &pkg, &name);
    service.build_command = build_command(&pkg, pm, framework.as_ref());
    if service.role != ServiceRole::Static {
        service.port = port(ctx, dir, &name, framework.as_ref(), start.as_ref(), &code);
        service.health_path = health_path(ctx, dir, service.language.value, framework.as_ref());
    }
    service.start_command = start;
    service.framework = framework.map(|f| Located::new(f.framework, f.evidence));
    service.backing_services = backing_services(ctx, dir, &pkg);
    service.env_vars = env_vars(ctx, dir, service.language.value);
    Some(Found::Service(Box::new(service)))
}

/// The package's own name without its npm scope, else the folder's name.
fn service_name(ctx: &Ctx, dir: &str, pkg: &Manifest) -> String {
    if let Some(n) = pkg.str_at(&["name"]).filter(|n| !n.trim().is_empty()) {
        let bare = n.rsplit('/').next().unwrap_or(n);
        if !bare.is_empty() {
            return bare.to_string();
        }
    }
    folder_name(ctx, dir)
}

pub(crate) fn folder_name(ctx: &Ctx, dir: &str) -> String {
    if dir == "." || dir.is_empty() {
        return ctx
            .inv
            .root()
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "app".to_string());
    }
    dir.rsplit('/').next().unwrap_or(dir).to_string()
}

fn parent_dir(dir: &str) -> Option<&str> {
    if dir == "." || dir.is_empty() {
        return None;
    }
    Some(dir.rsplit_once('/').map(|(p, _)| p).unwrap_or("."))
}

// ---------------------------------------------------------------------------------------------
// Language

fn language(ctx: &Ctx, dir: &str, pkg: &Manifest) -> Located<Language> {
    let tsconfig = Ctx::join(dir, "tsconfig.json");
    if ctx.exists(&tsconfig) {
        return Located::new(
            Language::Typescript,
            Evidence::file(tsconfig, "tsconfig.json present"),
        );
    }
    if let Some(ev) = pkg.dep_evidence("typescript", BUILD_SECTIONS) {
        return Located::new(Language::Typescript, ev);
    }
    // A workspace member may rely on the root's TypeScript; its own .ts sources still tell.
    let ts_source = ctx.service_files(dir).find(|f| {
        let n = f.name();
        (n.ends_with(".ts") || n.ends_with(".tsx") || n.ends_with(".mts"))
            && !n.ends_with(".d.ts")
            && !scan::is_test_path(&f.path)
    });
    if let Some(f) = ts_source {
        return Located::new(
            Language::Typescript,
            Evidence::file(&f.path, "TypeScript source"),
        );
    }
    Located::new(
        Language::Javascript,
        Evidence::file(&pkg.path, "package.json without TypeScript"),
    )
}

// ---------------------------------------------------------------------------------------------
// Monorepo tooling

/// Workspace tools configured in `dir` (for a monorepo root).
fn workspace_tools(
    ctx: &Ctx,
    dir: &str,
    pkg: &Manifest,
    pm: Option<PackageManager>,
) -> Vec<Located<String>> {
    let mut tools = Vec::new();
    if pkg.workspace_globs().is_some() {
        let tool = match pm {
            Some(PackageManager::Npm) => "npm-workspaces",
            Some(PackageManager::Yarn) => "yarn-workspaces",
            Some(PackageManager::Pnpm) => "pnpm-workspaces",
            Some(PackageManager::Bun) => "bun-workspaces",
            _ => "workspaces",
        };
        tools.push(Located::new(
            tool.to_string(),
            pkg.key_evidence("workspaces", None),
        ));
    }
    let pnpm_ws = Ctx::join(dir, "pnpm-workspace.yaml");
    if let Some(text) = ctx.text(&pnpm_ws) {
        tools.push(Located::new(
            "pnpm-workspaces".to_string(),
            Evidence::new(
                &pnpm_ws,
                line_of(&text, "packages"),
                "pnpm-workspace.yaml > packages",
            ),
        ));
    }
    for (file, tool) in [
        ("turbo.json", "turbo"),
        ("nx.json", "nx"),
        ("lerna.json", "lerna"),
    ] {
        let path = Ctx::join(dir, file);
        if ctx.exists(&path) {
            tools.push(Located::new(
                tool.to_string(),
                Evidence::file(path, format!("{file} present")),
            ));
        }
    }
    tools
}

/// Member globs of a workspace root, from package.json, pnpm-workspace.yaml or lerna.json.
fn member_globs(ctx: &Ctx, dir: &str) -> Option<Vec<String>> {
    let mut globs: Option<Vec<String>> = None;
    let mut add = |list: Vec<String>| globs.get_or_insert_with(Vec::new).extend(list);
    if let Some(pkg) = Manifest::load(ctx, dir) {
        if let Some(list) = pkg.workspace_globs() {
            add(list);
        }
    }
    let pnpm_ws = Ctx::join(dir, "pnpm-workspace.yaml");
    if ctx.exists(&pnpm_ws) {
        let list = ctx
            .yaml(&pnpm_ws)
            .and_then(|(_, v)| v.get("packages")?.as_array().cloned())
            .unwrap_or_default();
        add(list
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect());
    }
    let lerna = Ctx::join(dir, "lerna.json");
    if ctx.exists(&lerna) {
        let list = ctx
            .json(&lerna)
            .and_then(|(_, v)| v.get("packages")?.as_array().cloned())
            .unwrap_or_default();
        add(list
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect());
    }
    globs
}

/// The nearest folder above `dir` that is a JS workspace root listing `dir` as a member.
fn workspace_root_above(ctx: &Ctx, dir: &str) -> Option<String> {
    let mut cur = parent_dir(dir);
    while let Some(root) = cur {
        if let Some(globs) = member_globs(ctx, root) {
            let rel = if root == "." {
                dir.to_string()
            } else {
                dir.strip_prefix(&format!("{root}/"))
                    .unwrap_or(dir)
                    .to_string()
            };
            // An empty or unreadable member list is not held against the member.
            let positive: Vec<&String> = globs.iter().filter(|g| !g.starts_with('!')).collect();
            if positive.is_empty() || positive.iter().any(|g| glob_match(g, &rel)) {
                return Some(root.to_string());
            }
        }
        cur = parent_dir(root);
    }
    None
}

/// Workspace globs: `*` matches within one path segment, `**` any number of segments.
fn glob_match(pattern: &str, path: &str) -> bool {
    let pattern = pattern.trim_start_matches("./").trim_end_matches('/');
    let pat: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match_segments(&pat, &segs)
}

fn match_segments(pat: &[&str], segs: &[&str]) -> bool {
    match pat.split_first() {
        None => segs.is_empty(),
        Some((&"**", rest)) => (0..=segs.len()).any(|i| match_segments(rest, &segs[i..])),
        Some((p, rest)) => match segs.split_first() {
            Some((s, srest)) => segment_match(p, s) && match_segments(rest, srest),
            None => false,
        },
    }
}

fn segment_match(pattern: &str, seg: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == seg;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !seg.starts_with(first) || seg.len() < first.len() + last.len() || !seg.ends_with(last) {
        return false;
    }
    let mut rest = &seg[first.len()..seg.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

// ---------------------------------------------------------------------------------------------
// Package manager

const LOCKFILES: &[(&str, PackageManager)] = &[
    ("package-lock.json", PackageManager::Npm),
    ("npm-shrinkwrap.json", PackageManager::Npm),
    ("yarn.lock", PackageManager::Yarn),
    ("pnpm-lock.yaml", PackageManager::Pnpm),
    ("bun.lockb", PackageManager::Bun),
    ("bun.lock", PackageManager::Bun),
];

fn package_manager_from_field(field: &str) -> Option<PackageManager> {
    match field.split('@').next().unwrap_or("").trim() {
        "npm" => Some(PackageManager::Npm),
        "yarn" => Some(PackageManager::Yarn),
        "pnpm" => Some(PackageManager::Pnpm),
        "bun" => Some(PackageManager::Bun),
        _ => None,
    }
}

/// Candidates from a folder's lockfiles and its `packageManager` field, in that order.
fn pm_candidates_in(
    ctx: &Ctx,
    dir: &str,
    pkg: Option<&Manifest>,
    whose: &str,
) -> Vec<Located<PackageManager>> {
    let mut out = Vec::new();
    for (file, pm) in LOCKFILES {
        let path = Ctx::join(dir, file);
        if ctx.exists(&path) {
            out.push(Located::new(
                *pm,
                Evidence::file(path, format!("{whose}lockfile {file}")),
            ));
        }
    }
    if let Some(pkg) = pkg {
        if let Some(field) = pkg.str_at(&["packageManager"]) {
            if let Some(pm) = package_manager_from_field(field) {
                let remark = format!("{whose}corepack: {field}");
                out.push(Located::new(
                    pm,
                    pkg.key_evidence("packageManager", Some(remark.trim())),
                ));
            }
        }
    }
    out
}

fn package_manager(
    ctx: &Ctx,
    dir: &str,
    pkg: &Manifest,
    ws_root: Option<&String>,
    service: &str,
) -> Option<Located<PackageManager>> {
    let mut candidates = pm_candidates_in(ctx, dir, Some(pkg), "");
    if let Some(root) = ws_root {
        let root_pkg = Manifest::load(ctx, root);
        candidates.extend(pm_candidates_in(
            ctx,
            root,
            root_pkg.as_ref(),
            "workspace root ",
        ));
    }
    settle(
        ctx,
        candidates,
        &format!("services.{service}.package_manager"),
        "package_manager",
        service,
        |pm| format!("{pm:?}").to_lowercase(),
    )
}

/// Keep the first candidate, merge the evidence of those that agree, and report disagreement.
fn settle<T: PartialEq + Copy>(
    ctx: &Ctx,
    mut candidates: Vec<Located<T>>,
    subject: &str,
    key: &str,
    service: &str,
    show: impl Fn(&T) -> String,
) -> Option<Located<T>> {
    if candidates.is_empty() {
        return None;
    }
    let first = candidates[0].value;
    if candidates.iter().any(|c| c.value != first) {
        ctx.ambiguity(Ambiguity {
            subject: subject.to_string(),
            chosen: Some(show(&first)),
            candidates: candidates
                .iter()
                .map(|c| Located {
                    value: show(&c.value),
                    evidence: c.evidence.clone(),
                })
                .collect(),
            hint: format!(
                "remove the stale file, or set `{key}` under [services.{service}] in shipshape.toml"
            ),
        });
    }
    let mut chosen = candidates.remove(0);
    for c in candidates.into_iter().filter(|c| c.value == first) {
        chosen.evidence.extend(c.evidence);
    }
    Some(chosen)
}

// ---------------------------------------------------------------------------------------------
// Runtime version

/// Node version candidates of one folder, in precedence order.
fn runtime_candidates_in(ctx: &Ctx, dir: &str, pkg: Option<&Manifest>) -> Vec<Located<String>> {
    let mut out = Vec::new();
    if let Some(pkg) = pkg {
        if let Some(v) = pkg.str_at(&["engines", "node"]) {
            out.push(Located::new(
                clean_version(v),
                pkg.nested_evidence("engines", "node", None),
            ));
        }
    }
    for file in [".nvmrc", ".node-version"] {
        let path = Ctx::join(dir, file);
        if let Some(text) = ctx.text(&path) {
            let found = text
                .lines()
                .enumerate()
                .map(|(i, l)| (i, l.trim()))
                .find(|(_, l)| !l.is_empty() && !l.starts_with('#'));
            if let Some((i, v)) = found {
                out.push(Located::new(
                    clean_version(v),
                    Evidence::new(&path, Some(i as u32 + 1), file),
                ));
            }
        }
    }
    if let Some(pkg) = pkg {
        if let Some(v) = pkg.str_at(&["volta", "node"]) {
            out.push(Located::new(
                clean_version(v),
                pkg.nested_evidence("volta", "node", None),
            ));
        }
    }
    let tool_versions = Ctx::join(dir, ".tool-versions");
    if let Some(text) = ctx.text(&tool_versions) {
        for (i, line) in text.lines().enumerate() {
            let mut words = line.split_whitespace();
            if matches!(words.next(), Some("nodejs") | Some("node")) {
                if let Some(v) = words.next() {
                    out.push(Located::new(
                        clean_version(v),
                        Evidence::new(
                            &tool_versions,
                            Some(i as u32 + 1),
                            ".tool-versions > nodejs",
                        ),
                    ));
                    break;
                }
            }
        }
    }
    out
}

fn clean_version(v: &str) -> String {
    let v = v.trim();
    match v.strip_prefix('v') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest.to_string(),
        _ => v.to_string(),
    }
}

/// The major version a value pins, if it pins one (`20`, `20.11.0`, `^20.1`, `~20`, `20.x`);
/// open ranges (`>=18`, `18 || 20`, `lts/*`) pin nothing and so conflict with nothing.
fn pinned_major(v: &str) -> Option<u64> {
    let v = v
        .trim()
        .trim_start_matches(['^', '~', '='])
        .trim_start_matches('v');
    if v.is_empty() || v.contains(['>', '<', '|', ' ', '*']) {
        return None;
    }
    let digits: String = v.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

fn runtime_version(ctx: &Ctx, dir: &str, pkg: &Manifest, service: &str) -> Option<Located<String>> {
    // The folder's own files first, then each folder above it (a repository-wide .nvmrc).
    let mut candidates = runtime_candidates_in(ctx, dir, Some(pkg));
    let mut cur = parent_dir(dir);
    while let Some(up) = cur {
        let up_pkg = Manifest::load(ctx, up);
        candidates.extend(runtime_candidates_in(ctx, up, up_pkg.as_ref()));
        cur = parent_dir(up);
    }
    if candidates.is_empty() {
        return None;
    }
    let mut majors: Vec<u64> = candidates
        .iter()
        .filter_map(|c| pinned_major(&c.value))
        .collect();
    majors.sort_unstable();
    majors.dedup();
    if majors.len() > 1 {
        ctx.ambiguity(Ambiguity {
            subject: format!("services.{service}.runtime_version"),
            chosen: Some(candidates[0].value.clone()),
            candidates: candidates.clone(),
            hint: format!(
                "make the Node versions agree, or set `runtime_version` under [services.{service}] in shipshape.toml"
            ),
        });
    }
    let mut chosen = candidates.remove(0);
    for c in candidates.into_iter().filter(|c| c.value == chosen.value) {
        chosen.evidence.extend(c.evidence);
    }
    Some(chosen)
}

// ---------------------------------------------------------------------------------------------
// Framework and role

struct FrameworkInfo {
    framework: Framework,
    evidence: Evidence,
    role: ServiceRole,
    /// For SPA builds: the folder the build writes, with the evidence when configured.
    output: Option<(String, Option<Evidence>)>,
}

const CONFIG_EXTS: &[&str] = &["js", "mjs", "cjs", "ts", "mts"];

/// The first `<stem>.<ext>` config file of the folder, with its text.
fn config_file(ctx: &Ctx, dir: &str, stem: &str) -> Option<(String, Arc<str>)> {
    CONFIG_EXTS.iter().find_map(|ext| {
        let path = Ctx::join(dir, &format!("{stem}.{ext}"));
        ctx.text(&path).map(|t| (path, t))
    })
}

static QUOTED_OPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\b(outDir|output|pages)\s*:\s*['"`]([^'"`]+)['"`]"#).expect("built-in pattern")
});

/// A string option (`output: 'standalone'`) in a JS/TS config file: value and evidence.
fn config_option(path: &str, text: &str, key: &str) -> Option<(String, Evidence)> {
    let file = path.rsplit('/').next().unwrap_or(path);
    QUOTED_OPTION.captures_iter(text).find_map(|c| {
        let (k, v) = (c.get(1)?, c.get(2)?);
        (k.as_str() == key).then(|| {
            (
                v.as_str().to_string(),
                Evidence::at_offset(
                    path,
                    text,
                    k.start(),
                    format!("{file} > {key}: '{}'", v.as_str()),
                ),
            )
        })
    })
}

fn framework(ctx: &Ctx, dir: &str, pkg: &Manifest, service: &str) -> Option<FrameworkInfo> {
    let info = |framework, dep: &str, role| {
        pkg.dep_evidence(dep, BUILD_SECTIONS)
            .map(|evidence| FrameworkInfo {
                framework,
                evidence,
                role,
                output: None,
            })
    };
    // Full-stack frameworks first: one with a custom Express server is still that framework.
    if let Some(f) = info(Framework::Nextjs, "next", ServiceRole::Web) {
        return Some(f);
    }
    for dep in [
        "@remix-run/node",
        "@remix-run/serve",
        "@remix-run/express",
        "@remix-run/react",
    ] {
        if let Some(f) = info(Framework::Remix, dep, ServiceRole::Web) {
            return Some(f);
        }
    }
    if let Some(f) = info(Framework::Nuxt, "nuxt", ServiceRole::Web) {
        return Some(f);
    }
    if let Some(mut f) = info(Framework::Sveltekit, "@sveltejs/kit", ServiceRole::Web) {
        if pkg.has_dep("@sveltejs/adapter-static") {
            f.role = ServiceRole::Static;
            let cfg = config_file(ctx, dir, "svelte.config");
            let configured = cfg.and_then(|(p, t)| config_option(&p, &t, "pages"));
            f.output = Some(match configured {
                Some((v, ev)) => (v, Some(ev)),
                None => ("build".to_string(), None),
            });
        }
        return Some(f);
    }
    if let Some(mut f) = info(Framework::Astro, "astro", ServiceRole::Static) {
        let cfg = config_file(ctx, dir, "astro.config");
        let server_output = cfg
            .as_ref()
            .and_then(|(p, t)| config_option(p, t, "output"))
            .filter(|(v, _)| v == "server" || v == "hybrid");
        if server_output.is_some() || pkg.has_dep("@astrojs/node") {
            f.role = ServiceRole::Web;
        } else {
            let configured = cfg.and_then(|(p, t)| config_option(&p, &t, "outDir"));
            f.output = Some(match configured {
                Some((v, ev)) => (v, Some(ev)),
                None => ("dist".to_string(), None),
            });
        }
        return Some(f);
    }
    // NestJS lists express or fastify as its platform: it comes before them.
    if let Some(f) = info(Framework::Nestjs, "@nestjs/core", ServiceRole::Api) {
        return Some(f);
    }
    let servers: Vec<FrameworkInfo> = [
        (Framework::Express, "express"),
        (Framework::Fastify, "fastify"),
        (Framework::Koa, "koa"),
        (Framework::Hono, "hono"),
    ]
    .into_iter()
    .filter_map(|(fw, dep)| info(fw, dep, ServiceRole::Api))
    .collect();
    if servers.len() > 1 {
        ctx.ambiguity(Ambiguity {
            subject: format!("services.{service}.framework"),
            chosen: Some(framework_id(servers[0].framework)),
            candidates: servers
                .iter()
                .map(|s| Located::new(framework_id(s.framework), s.evidence.clone()))
                .collect(),
            hint: format!("set `framework` under [services.{service}] in shipshape.toml"),
        });
    }
    if let Some(f) = servers.into_iter().next() {
        return Some(f);
    }
    if let Some(mut f) = info(
        Framework::CreateReactApp,
        "react-scripts",
        ServiceRole::Static,
    ) {
        f.output = Some(("build".to_string(), None));
        return Some(f);
    }
    let ui = [
        "react",
        "react-dom",
        "vue",
        "svelte",
        "preact",
        "solid-js",
        "lit",
    ]
    .into_iter()
    .find(|d| pkg.has_dep(d));
    if let (Some(ui), Some(mut evidence)) = (ui, pkg.dep_evidence("vite", BUILD_SECTIONS)) {
        evidence
            .note
            .push_str(&format!(" (with {ui}, no server framework)"));
        let cfg = config_file(ctx, dir, "vite.config");
        let configured = cfg.and_then(|(p, t)| config_option(&p, &t, "outDir"));
        return Some(FrameworkInfo {
            framework: Framework::ViteSpa,
            evidence,
            role: ServiceRole::Static,
            output: Some(match configured {
                Some((v, ev)) => (v, Some(ev)),
                None => ("dist".to_string(), None),
            }),
        });
    }
    None
}

fn framework_id(f: Framework) -> String {
    serde_json::to_value(f)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Build and start

fn pm_command(pm: Option<PackageManager>) -> &'static str {
    match pm {
        Some(PackageManager::Yarn) => "yarn",
        Some(PackageManager::Pnpm) => "pnpm",
        Some(PackageManager::Bun) => "bun",
        _ => "npm",
    }
}

fn build_command(
    pkg: &Manifest,
    pm: Option<PackageManager>,
    fw: Option<&FrameworkInfo>,
) -> Option<Located<String>> {
    let script = pkg.script("build")?;
    let mut remark = format!("`{script}`");
    if pm.is_none() {
        remark.push_str("; no lockfile, npm assumed");
    }
    let mut evidence = Vec::new();
    if let Some((out, ev)) = fw.and_then(|f| f.output.as_ref()) {
        remark.push_str(&format!(
            "; static output in {}/",
            out.trim_start_matches("./").trim_end_matches('/')
        ));
        evidence.extend(ev.clone());
    }
    evidence.insert(0, pkg.nested_evidence("scripts", "build", Some(&remark)));
    Some(Located {
        value: format!("{} run build", pm_command(pm)),
        evidence,
    })
}

/// What a script line comes to when run in production.
#[derive(Debug, PartialEq)]
enum Launch {
    /// A production command, cleaned of env assignments and `npx`.
    Command(String),
    /// Another script of the same package.
    Script(String),
    /// A dev server, watcher or TypeScript-on-the-fly runner.
    Dev,
    /// A task runner that starts other packages (turbo, nx, `--workspace`).
    Delegates,
}

const DEV_TOOLS: &[&str] = &[
    "nodemon",
    "ts-node",
    "ts-node-dev",
    "tsnd",
    "tsx",
    "babel-node",
    "vite",
    "webpack-dev-server",
    "live-server",
    "browser-sync",
    "parcel",
    "react-scripts",
    "vue-cli-service",
    "ng",
    "gatsby",
    "nest",
    "nuxi",
];
const DELEGATES: &[&str] = &[
    "turbo",
    "nx",
    "lerna",
    "concurrently",
    "npm-run-all",
    "run-p",
    "run-s",
    "wireit",
];

/// Classify one script line. Multi-step scripts (`a && b`) are judged by their last step: the
/// process that keeps running.
fn classify_script(script: &str) -> Launch {
    let last = script
        .split("&&")
        .flat_map(|s| s.split(';'))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .last()
        .unwrap_or("");
    let mut words: Vec<&str> = last.split_whitespace().collect();
    // Leading env assignments and env wrappers are left to the environment.
    while let Some(w) = words.first() {
        let is_assignment = w.split_once('=').is_some_and(|(k, _)| {
            !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        if is_assignment || *w == "cross-env" || *w == "npx" || *w == "env" {
            words.remove(0);
        } else {
            break;
        }
    }
    let Some(&program) = words.first() else {
        return Launch::Dev;
    };
    let arg = words.get(1).copied().unwrap_or("");
    let delegating_flag = words.iter().any(|w| {
        matches!(
            *w,
            "--workspace"
                | "--workspaces"
                | "-w"
                | "-ws"
                | "--filter"
                | "-F"
                | "-r"
                | "--recursive"
                | "workspace"
                | "workspaces"
        ) || w.starts_with("--workspace=")
            || w.starts_with("--filter=")
    });
    match program {
        "npm" | "yarn" | "pnpm" | "bun" if delegating_flag => Launch::Delegates,
        "npm" => match arg {
            "start" | "stop" | "test" => Launch::Script(arg.to_string()),
            "run" | "run-script" => words
                .get(2)
                .map(|s| Launch::Script(s.to_string()))
                .unwrap_or(Launch::Dev),
            _ => Launch::Dev,
        },
        "yarn" | "pnpm" => match arg {
            "run" => words
                .get(2)
                .map(|s| Launch::Script(s.to_string()))
                .unwrap_or(Launch::Dev),
            "exec" | "dlx" => classify_script(&words[2..].join(" ")),
            "" => Launch::Dev,
            s => Launch::Script(s.to_string()),
        },
        "bun" => {
            if words.iter().any(|w| matches!(*w, "--watch" | "--hot")) {
                return Launch::Dev;
            }
            let target = if arg == "run" {
                words.get(2).copied().unwrap_or("")
            } else {
                arg
            };
            if target.contains('.') || target.contains('/') {
                Launch::Command(words.join(" "))
            } else if target.is_empty() {
                Launch::Dev
            } else {
                Launch::Script(target.to_string())
            }
        }
        "node" => {
            if words.iter().any(|w| w.starts_with("--watch")) {
                Launch::Dev
            } else {
                Launch::Command(words.join(" "))
            }
        }
        "next" | "nuxt" if arg == "start" => Launch::Command(words.join(" ")),
        "next" | "nuxt" | "remix" | "astro" | "svelte-kit" => Launch::Dev,
        p if DEV_TOOLS.contains(&p) => Launch::Dev,
        p if DELEGATES.contains(&p) => Launch::Delegates,
        _ => Launch::Command(words.join(" ")),
    }
}

/// Follow `npm run x` chains from `name` to a production command, with the evidence of the
/// script that holds it.
fn resolve_script(pkg: &Manifest, name: &str) -> Option<Located<String>> {
    let mut chain: Vec<String> = Vec::new();
    let mut current = name.to_string();
    for _ in 0..6 {
        let script = pkg.script(&current)?;
        match classify_script(script) {
            Launch::Command(cmd) => {
                let mut remark = format!("`{script}`");
                if !chain.is_empty() {
                    remark.push_str(&format!(", via scripts > {}", chain.join(" > ")));
                }
                return Some(Located::new(
                    cmd,
                    pkg.nested_evidence("scripts", &current, Some(&remark)),
                ));
            }
            Launch::Script(next) => {
                if next == current || chain.contains(&next) {
                    return None;
                }
                chain.push(current);
                current = next;
            }
            Launch::Dev | Launch::Delegates => return None,
        }
    }
    None
}

static TSCONFIG_OPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""(outDir|rootDir)"\s*:\s*"([^"]+)""#).expect("built-in pattern")
});

/// `outDir` / `rootDir` of the folder's tsconfig.json, read without a JSON parser because
/// tsconfig files may hold comments and trailing commas.
fn tsconfig_dir(ctx: &Ctx, dir: &str, key: &str) -> Option<(String, Evidence)> {
    let path = Ctx::join(dir, "tsconfig.json");
    let text = ctx.text(&path)?;
    TSCONFIG_OPTION.captures_iter(&text).find_map(|c| {
        let (k, v) = (c.get(1)?, c.get(2)?);
        (k.as_str() == key).then(|| {
            (
                normalise_dir(v.as_str()),
                Evidence::at_offset(
                    &path,
                    &text,
                    k.start(),
                    format!("tsconfig.json > compilerOptions > {key}"),
                ),
            )
        })
    })
}

fn normalise_dir(d: &str) -> String {
    let d = d.trim().trim_start_matches("./").trim_end_matches('/');
    if d.is_empty() {
        ".".to_string()
    } else {
        d.to_string()
    }
}

fn start_command(
    ctx: &Ctx,
    dir: &str,
    pkg: &Manifest,
    fw: Option<&FrameworkInfo>,
    ws_root: Option<&String>,
    code: &CodeScan,
) -> Option<Located<String>> {
    let from_scripts = || {
        ["start:prod", "start:production", "start"]
            .iter()
            .find_map(|s| resolve_script(pkg, s))
    };
    let default = |cmd: &str, fw: &FrameworkInfo, note: &str| {
        let mut ev = fw.evidence.clone();
        ev.note = note.to_string();
        Some(Located::new(cmd.to_string(), ev))
    };
    match fw.map(|f| (f.framework, f)) {
        Some((Framework::Nextjs, f)) => {
            if let Some((path, text)) = config_file(ctx, dir, "next.config") {
                if let Some((v, mut ev)) = config_option(&path, &text, "output") {
                    if v == "standalone" {
                        // In a workspace the standalone tree mirrors the repository layout.
                        let server = match ws_root {
                            Some(root) if root == "." => {
                                format!(".next/standalone/{dir}/server.js")
                            }
                            Some(root) => format!(
                                ".next/standalone/{}/server.js",
                                dir.strip_prefix(&format!("{root}/")).unwrap_or(dir)
                            ),
                            None => ".next/standalone/server.js".to_string(),
                        };
                        ev.note = format!("{} (next build writes {server})", ev.note);
                        return Some(Located::new(format!("node {server}"), ev));
                    }
                }
            }
            from_scripts().or_else(|| default("next start", f, "Next.js default (next start)"))
        }
        Some((Framework::Nestjs, _)) => {
            if let Some((out, out_ev)) = tsconfig_dir(ctx, dir, "outDir") {
                let cli = Ctx::join(dir, "nest-cli.json");
                let entry = ctx
                    .json(&cli)
                    .and_then(|(_, v)| v.get("entryFile")?.as_str().map(str::to_string))
                    .unwrap_or_else(|| "main".to_string());
                let mut located = Located::new(format!("node {out}/{entry}.js"), out_ev);
                located.evidence[0]
                    .note
                    .push_str(&format!(" (NestJS build output, entry {entry})"));
                if ctx.exists(&cli) {
                    located
                        .evidence
                        .push(Evidence::file(cli, "nest-cli.json present"));
                }
                if let Some(script) = resolve_script(pkg, "start:prod") {
                    located.evidence.extend(script.evidence);
                }
                return Some(located);
            }
            from_scripts()
        }
        Some((Framework::Nuxt, f)) => from_scripts().or_else(|| {
            default(
                "node .output/server/index.mjs",
                f,
                "Nuxt default (nuxt build output)",
            )
        }),
        // SvelteKit and Astro serve from Node only through their node adapters.
        Some((Framework::Sveltekit, _)) => from_scripts().or_else(|| {
            pkg.dep_evidence("@sveltejs/adapter-node", BUILD_SECTIONS)
                .map(|mut ev| {
                    ev.note = "SvelteKit adapter-node default (output build/)".to_string();
                    Located::new("node build/index.js".to_string(), ev)
                })
        }),
        Some((Framework::Astro, _)) => from_scripts().or_else(|| {
            pkg.dep_evidence("@astrojs/node", BUILD_SECTIONS)
                .map(|mut ev| {
                    ev.note = "Astro node adapter default (dist/server/entry.mjs)".to_string();
                    Located::new("node dist/server/entry.mjs".to_string(), ev)
                })
        }),
        // `main` or a listening file makes a start command only for a server: a shared
        // library has a `main` too.
        _ if fw.is_some() || !code.listen_files.is_empty() => from_scripts()
            .or_else(|| main_entry(pkg))
            .or_else(|| compiled_entry(ctx, dir, code))
            .or_else(|| listening_js_file(dir, code)),
        _ => from_scripts(),
    }
}

/// `node <main>` when `main` names JavaScript.
fn main_entry(pkg: &Manifest) -> Option<Located<String>> {
    let main = pkg.str_at(&["main"])?.trim();
    let is_js = [".js", ".mjs", ".cjs"].iter().any(|e| main.ends_with(e));
    is_js.then(|| Located::new(format!("node {main}"), pkg.key_evidence("main", None)))
}

/// For a TypeScript server without a usable start script: the compiled file of the source that
/// calls `listen`, under tsconfig's `outDir`.
fn compiled_entry(ctx: &Ctx, dir: &str, code: &CodeScan) -> Option<Located<String>> {
    let (out, mut ev) = tsconfig_dir(ctx, dir, "outDir")?;
    let source = code
        .listen_files
        .iter()
        .find(|p| p.ends_with(".ts") || p.ends_with(".mts") || p.ends_with(".cts"))?;
    let rel = relative_to(dir, source);
    let root_dir = tsconfig_dir(ctx, dir, "rootDir").map(|(d, _)| d);
    let under_root = match root_dir.as_deref() {
        Some(".") => Some(rel.as_str()),
        Some(r) => rel.strip_prefix(&format!("{r}/")),
        // Without rootDir tsc uses the sources' common folder; src/ is the usual one.
        None => rel.strip_prefix("src/").or(Some(rel.as_str())),
    }?;
    let stem = under_root
        .rsplit_once('.')
        .map(|(s, _)| s)
        .unwrap_or(under_root);
    let js = if source.ends_with(".mts") {
        "mjs"
    } else if source.ends_with(".cts") {
        "cjs"
    } else {
        "js"
    };
    ev.note
        .push_str(&format!(" ({rel} compiled to {out}/{stem}.{js})"));
    Some(Located::new(format!("node {out}/{stem}.{js}"), ev))
}

/// For a JavaScript server without a start script or `main`: the file that calls `listen`.
fn listening_js_file(dir: &str, code: &CodeScan) -> Option<Located<String>> {
    let (path, line) = code
        .listen_lines
        .iter()
        .find(|(p, _)| [".js", ".mjs", ".cjs"].iter().any(|e| p.ends_with(e)))?;
    Some(Located::new(
        format!("node {}", relative_to(dir, path)),
        Evidence::new(path, Some(*line), "file that calls listen()"),
    ))
}

fn relative_to(dir: &str, path: &str) -> String {
    if dir == "." || dir.is_empty() {
        return path.to_string();
    }
    path.strip_prefix(&format!("{dir}/"))
        .unwrap_or(path)
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// Code: ports and listening files

static LISTEN_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\.listen\(\s*(\d{2,5})\b").expect("built-in pattern"));
static LISTEN_OBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:listen|serve)\(\s*\{[^}]*?\bport\s*:\s*(\d{2,5})\b")
        .expect("built-in pattern")
});
static PORT_FALLBACK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\bPORT\b['"`\]]*\s*\)?\s*(?:\|\||\?\?)\s*['"]?(\d{2,5})\b"#)
        .expect("built-in pattern")
});
static PORT_CONSTANT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:const|let|var)\s+(?i:port)\s*=\s*(\d{2,5})\b").expect("built-in pattern")
});
static LISTEN_CALL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\.listen\(|\bserve\(\s*\{|\bBun\.serve\(").expect("built-in pattern")
});

/// `(port, byte offset, note)` of every port the code of one file states for its server.
fn ports_in_code(text: &str) -> Vec<(u16, usize, &'static str)> {
    let mut out = Vec::new();
    let mut push = |re: &Regex, note: &'static str| {
        for c in re.captures_iter(text) {
            if let Some(m) = c.get(1) {
                if let Ok(p) = m.as_str().parse::<u16>() {
                    if p > 0 {
                        out.push((p, m.start(), note));
                    }
                }
            }
        }
    };
    push(&LISTEN_NUMBER, "listen() port in code");
    push(&LISTEN_OBJECT, "listen({ port }) in code");
    push(&PORT_FALLBACK, "PORT fallback in code");
    // A bare `const port = 4000` says something only in a file that starts a server.
    if LISTEN_CALL.is_match(text) {
        push(&PORT_CONSTANT, "port constant in code");
    }
    out.sort_by_key(|(_, o, _)| *o);
    out.dedup_by_key(|(_, o, _)| *o);
    out
}

#[derive(Default)]
struct CodeScan {
    ports: Vec<Located<u16>>,
    /// Files that start a server, entry points first.
    listen_files: Vec<String>,
    /// The line of the first listen call of each such file.
    listen_lines: Vec<(String, u32)>,
}

fn scan_code(ctx: &Ctx, dir: &str, lang: Language) -> CodeScan {
    let mut scan_out = CodeScan::default();
    for (f, text) in ctx.source_texts(dir, scan::extensions(lang)) {
        let name = f.name();
        // Build tool configs describe dev servers, not the production process.
        if [
            "vite.config",
            "next.config",
            "nuxt.config",
            "astro.config",
            "svelte.config",
            "webpack.config",
        ]
        .iter()
        .any(|c| name.starts_with(c))
        {
            continue;
        }
        for (port, offset, note) in ports_in_code(&text) {
            scan_out.ports.push(Located::new(
                port,
                Evidence::at_offset(&f.path, &text, offset, note),
            ));
        }
        if let Some(m) = LISTEN_CALL.find(&text) {
            scan_out.listen_files.push(f.path.clone());
            scan_out
                .listen_lines
                .push((f.path.clone(), line_of_offset(&text, m.start())));
        }
    }
    scan_out
}

fn port(
    ctx: &Ctx,
    dir: &str,
    service: &str,
    fw: Option<&FrameworkInfo>,
    start: Option<&Located<String>>,
    code: &CodeScan,
) -> Option<Located<u16>> {
    let mut explicit: Vec<Located<u16>> = code.ports.clone();
    if let Some(start) = start {
        for (p, _) in scan::ports_in_command(&start.value) {
            let mut ev = start.evidence[0].clone();
            ev.note = format!("{} (port in start command)", ev.note);
            explicit.push(Located::new(p, ev));
        }
    }
    explicit.extend(ctx.port_hints(dir));
    let default = fw.and_then(|f| {
        let (port, note) = match f.framework {
            Framework::Nextjs => (3000, "Next.js default (next start)"),
            Framework::Nuxt => (3000, "Nuxt default (Nitro node server)"),
            Framework::Remix => (3000, "Remix default (remix-serve)"),
            Framework::Sveltekit if f.role == ServiceRole::Web => {
                (3000, "SvelteKit adapter-node default")
            }
            Framework::Astro if f.role == ServiceRole::Web => {
                (4321, "Astro default (node adapter)")
            }
            Framework::Fastify => (3000, "Fastify default (listen without port)"),
            _ => return None,
        };
        let mut ev = f.evidence.clone();
        ev.note = note.to_string();
        Some(Located::new(port, ev))
    });
    ctx.choose_port(service, default, explicit).map(|mut p| {
        p.evidence
            .dedup_by(|a, b| a.path == b.path && a.line == b.line);
        p
    })
}

// ---------------------------------------------------------------------------------------------
// Health route

const HEALTH_NAMES: &[&str] = &[
    "healthz", "health", "livez", "readyz", "ready", "up", "ping", "_health",
];

fn health_rank(path: &str) -> Option<usize> {
    let last = path.trim_end_matches('/').rsplit('/').next()?;
    HEALTH_NAMES.iter().position(|n| *n == last)
}

static NEST_CONTROLLER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"@Controller\(\s*(?:['"`]([^'"`]*)['"`])?\s*\)"#).expect("built-in pattern")
});
static NEST_GET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"@Get\(\s*(?:['"`]([^'"`]*)['"`])?\s*\)"#).expect("built-in pattern")
});
static NEST_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"setGlobalPrefix\(\s*['"`]([^'"`]+)['"`]\s*(,[^)]*)?\)"#)
        .expect("built-in pattern")
});
static HANDLER_GET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:function|const)\s+GET\b").expect("built-in pattern"));

fn join_route(parts: &[&str]) -> String {
    let joined: Vec<&str> = parts
        .iter()
        .flat_map(|p| p.split('/'))
        .filter(|s| !s.is_empty())
        .collect();
    format!("/{}", joined.join("/"))
}

/// NestJS routes are a controller prefix plus a method path, neither with a leading slash.
fn nest_health(ctx: &Ctx, dir: &str, lang: Language) -> Option<Located<String>> {
    let sources = ctx.source_texts(dir, scan::extensions(lang));
    let prefix = sources.iter().find_map(|(_, t)| {
        let c = NEST_PREFIX.captures(t)?;
        // A prefix with exclusions may not apply to the health route; it is left out then.
        if c.get(2).is_some() {
            return None;
        }
        c.get(1).map(|m| m.as_str().to_string())
    });
    let mut best: Option<(usize, Located<String>)> = None;
    for (f, text) in &sources {
        let controllers: Vec<(usize, String)> = NEST_CONTROLLER
            .captures_iter(text)
            .filter_map(|c| {
                Some((
                    c.get(0)?.start(),
                    c.get(1).map(|m| m.as_str()).unwrap_or("").to_string(),
                ))
            })
            .collect();
        for g in NEST_GET.captures_iter(text) {
            let Some(at) = g.get(0).map(|m| m.start()) else {
                continue;
            };
            let Some((_, base)) = controllers.iter().rev().find(|(o, _)| *o < at) else {
                continue;
            };
            let method = g.get(1).map(|m| m.as_str()).unwrap_or("");
            let route = join_route(&[prefix.as_deref().unwrap_or(""), base, method]);
            if let Some(rank) = health_rank(&route) {
                if best.as_ref().is_none_or(|(r, _)| rank < *r) {
                    let get = if method.is_empty() {
                        "@Get()".to_string()
                    } else {
                        format!("@Get('{method}')")
                    };
                    let note = format!("NestJS @Controller('{base}') {get}");
                    best = Some((
                        rank,
                        Located::new(route, Evidence::at_offset(&f.path, text, at, note)),
                    ));
                }
            }
        }
    }
    best.map(|(_, l)| l)
}

/// Frameworks that route by file name: the URL of a handler file, if it is one.
fn file_route(fw: Framework, rel: &str) -> Option<String> {
    let (stem, _) = rel.rsplit_once('.')?;
    let rel = stem.strip_prefix("src/").unwrap_or(stem);
    let clean = |segs: &[&str]| -> Vec<String> {
        segs.iter()
            // Route groups `(name)` and parallel slots `@name` are not part of the URL.
            .filter(|s| {
                let group = s.starts_with('(') && s.ends_with(')');
                !group && !s.starts_with('@')
            })
            .map(|s| s.to_string())
            .collect()
    };
    match fw {
        Framework::Nextjs => {
            if let Some(inner) = rel
                .strip_prefix("app/")
                .and_then(|r| r.strip_suffix("/route"))
            {
                let segs: Vec<&str> = inner.split('/').collect();
                return Some(format!("/{}", clean(&segs).join("/")));
            }
            let inner = rel.strip_prefix("pages/api/")?;
            let inner = inner.strip_suffix("/index").unwrap_or(inner);
            Some(format!("/api/{inner}"))
        }
        Framework::Nuxt => {
            let stem = rel.strip_suffix(".get").unwrap_or(rel);
            if let Some(inner) = stem.strip_prefix("server/api/") {
                return Some(format!("/api/{inner}"));
            }
            stem.strip_prefix("server/routes/")
                .map(|inner| format!("/{inner}"))
        }
        Framework::Sveltekit => {
            let inner = rel.strip_prefix("routes/")?.strip_suffix("/+server")?;
            let segs: Vec<&str> = inner.split('/').collect();
            Some(format!("/{}", clean(&segs).join("/")))
        }
        _ => None,
    }
}

fn file_route_health(ctx: &Ctx, dir: &str, fw: Framework) -> Option<Located<String>> {
    let mut best: Option<(usize, Located<String>)> = None;
    for f in ctx.service_files(dir) {
        let ext_ok = ["ts", "js", "mjs", "tsx", "jsx"]
            .iter()
            .any(|e| f.name().rsplit_once('.').is_some_and(|(_, x)| x == *e));
        if !ext_ok || scan::is_test_path(&f.path) {
            continue;
        }
        let rel = relative_to(dir, &f.path);
        let Some(route) = file_route(fw, &rel) else {
            continue;
        };
        let Some(rank) = health_rank(&route) else {
            continue;
        };
        if best.as_ref().is_some_and(|(r, _)| *r <= rank) {
            continue;
        }
        let text = ctx.text(&f.path);
        let line = text
            .as_deref()
            .and_then(|t| HANDLER_GET.find(t).map(|m| line_of_offset(t, m.start())));
        let note = format!("route handler file ({rel})");
        best = Some((
            rank,
            Located::new(route, Evidence::new(&f.path, line, note)),
        ));
    }
    best.map(|(_, l)| l)
}

fn health_path(
    ctx: &Ctx,
    dir: &str,
    lang: Language,
    fw: Option<&FrameworkInfo>,
) -> Option<Located<String>> {
    let specific = match fw.map(|f| f.framework) {
        Some(Framework::Nestjs) => nest_health(ctx, dir, lang),
        Some(fw @ (Framework::Nextjs | Framework::Nuxt | Framework::Sveltekit)) => {
            file_route_health(ctx, dir, fw)
        }
        _ => None,
    };
    specific.or_else(|| ctx.health_path(dir, lang))
}

// ---------------------------------------------------------------------------------------------
// Backing services and env vars

const BACKING_DEPS: &[(&str, &[BackingKind])] = &[
    ("pg", &[BackingKind::Postgres]),
    ("postgres", &[BackingKind::Postgres]),
    ("pg-promise", &[BackingKind::Postgres]),
    ("@neondatabase/serverless", &[BackingKind::Postgres]),
    ("@vercel/postgres", &[BackingKind::Postgres]),
    ("mysql", &[BackingKind::Mysql]),
    ("mysql2", &[BackingKind::Mysql]),
    ("redis", &[BackingKind::Redis]),
    ("ioredis", &[BackingKind::Redis]),
    ("@redis/client", &[BackingKind::Redis]),
    ("mongodb", &[BackingKind::Mongodb]),
    ("mongoose", &[BackingKind::Mongodb]),
    ("amqplib", &[BackingKind::Rabbitmq]),
    ("amqp-connection-manager", &[BackingKind::Rabbitmq]),
    ("kafkajs", &[BackingKind::Kafka]),
    ("@aws-sdk/client-s3", &[BackingKind::S3]),
    ("aws-sdk", &[BackingKind::S3]),
    ("@elastic/elasticsearch", &[BackingKind::Elasticsearch]),
    ("memjs", &[BackingKind::Memcached]),
    ("memcached", &[BackingKind::Memcached]),
    ("bullmq", &[BackingKind::Redis, BackingKind::BullmqWorker]),
    ("bull", &[BackingKind::Redis, BackingKind::BullmqWorker]),
];

static PRISMA_PROVIDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?s)datasource\s+\w+\s*\{[^}]*?\bprovider\s*=\s*"(\w+)""#)
        .expect("built-in pattern")
});

/// The database a Prisma schema connects to, from its `datasource` block.
fn prisma_backing(ctx: &Ctx, dir: &str) -> Option<Located<BackingKind>> {
    ["prisma/schema.prisma", "schema.prisma"]
        .iter()
        .find_map(|p| {
            let path = Ctx::join(dir, p);
            let text = ctx.text(&path)?;
            let c = PRISMA_PROVIDER.captures(&text)?;
            let m = c.get(1)?;
            let kind = match m.as_str() {
                "postgresql" | "postgres" | "cockroachdb" => BackingKind::Postgres,
                "mysql" => BackingKind::Mysql,
                "mongodb" => BackingKind::Mongodb,
                _ => return None,
            };
            let note = format!("schema.prisma > datasource > provider = \"{}\"", m.as_str());
            Some(Located::new(
                kind,
                Evidence::at_offset(&path, &text, m.start(), note),
            ))
        })
}

fn backing_services(ctx: &Ctx, dir: &str, pkg: &Manifest) -> Vec<Located<BackingKind>> {
    let mut out: Vec<Located<BackingKind>> = Vec::new();
    let mut add = |kind: BackingKind, ev: Evidence| match out.iter_mut().find(|l| l.value == kind) {
        Some(l) => {
            if !l.evidence.contains(&ev) {
                l.evidence.push(ev)
            }
        }
        None => out.push(Located::new(kind, ev)),
    };
    for (dep, kinds) in BACKING_DEPS {
        if let Some(ev) = pkg.dep_evidence(dep, RUNTIME_SECTIONS) {
            for kind in *kinds {
                add(*kind, ev.clone());
            }
        }
    }
    if let Some(client) = pkg.dep_evidence("@prisma/client", RUNTIME_SECTIONS) {
        if let Some(l) = prisma_backing(ctx, dir) {
            for ev in l.evidence {
                add(l.value, ev);
            }
            add(l.value, client);
        }
    }
    out.sort_by_key(|l| l.value);
    out
}

/// Variables Vite defines itself on `import.meta.env`; reading them is not configuration.
const VITE_BUILTINS: &[&str] = &["MODE", "DEV", "PROD", "SSR", "BASE_URL"];

fn env_vars(ctx: &Ctx, dir: &str, lang: Language) -> Vec<Located<String>> {
    ctx.env_vars(dir, lang)
        .into_iter()
        .filter(|v| {
            if !VITE_BUILTINS.contains(&v.value.as_str()) {
                return true;
            }
            let ev = &v.evidence[0];
            let line_text = ctx.text(&ev.path).and_then(|t| {
                let n = ev.line? as usize;
                t.lines().nth(n.saturating_sub(1)).map(str::to_string)
            });
            !line_text.is_some_and(|l| l.contains(&format!("import.meta.env.{}", v.value)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_scripts_resolve_to_the_production_process() {
        assert_eq!(
            classify_script("node dist/index.js"),
            Launch::Command("node dist/index.js".into())
        );
        assert_eq!(
            classify_script("NODE_ENV=production node server.js"),
            Launch::Command("node server.js".into())
        );
        assert_eq!(
            classify_script("cross-env NODE_ENV=production node server.js"),
            Launch::Command("node server.js".into())
        );
        assert_eq!(
            classify_script("prisma migrate deploy && node dist/main.js"),
            Launch::Command("node dist/main.js".into())
        );
        assert_eq!(
            classify_script("next start -p 4000"),
            Launch::Command("next start -p 4000".into())
        );
        assert_eq!(
            classify_script("npm run serve"),
            Launch::Script("serve".into())
        );
        assert_eq!(
            classify_script("yarn start:prod"),
            Launch::Script("start:prod".into())
        );
        assert_eq!(
            classify_script("bun src/server.js"),
            Launch::Command("bun src/server.js".into())
        );
        assert_eq!(
            classify_script("bun run start:prod"),
            Launch::Script("start:prod".into())
        );
    }

    #[test]
    fn dev_servers_and_delegation_are_never_start_commands() {
        for dev in [
            "nodemon src/index.js",
            "ts-node-dev --respawn src/index.ts",
            "next dev",
            "vite",
            "vite preview",
            "react-scripts start",
            "nest start --watch",
            "node --watch server.js",
            "bun --hot src/index.ts",
            "tsx watch src/index.ts",
        ] {
            assert_eq!(classify_script(dev), Launch::Dev, "{dev}");
        }
        for delegating in [
            "turbo run start",
            "npm run start --workspace=api",
            "pnpm -r start",
            "nx serve api",
        ] {
            assert_eq!(
                classify_script(delegating),
                Launch::Delegates,
                "{delegating}"
            );
        }
    }

    #[test]
    fn finds_ports_the_code_listens_on() {
        let ports = |t: &str| {
            ports_in_code(t)
                .into_iter()
                .map(|(p, _, _)| p)
                .collect::<Vec<_>>()
        };
        assert_eq!(ports("app.listen(3000)"), [3000]);
        assert_eq!(
            ports("await fastify.listen({ port: 4000, host: '0.0.0.0' })"),
            [4000]
        );
        assert_eq!(ports("const port = process.env.PORT || 8080;"), [8080]);
        assert_eq!(ports("await app.listen(process.env.PORT ?? 3000);"), [3000]);
        assert_eq!(ports("const p = Number(process.env.PORT) || 5000"), [5000]);
        assert_eq!(ports("parseInt(process.env['PORT'] || '7000', 10)"), [7000]);
        assert_eq!(ports("const PORT = 4000;\nserver.listen(PORT)"), [4000]);
        // Other services' ports are not the server's.
        assert!(ports("const DB_PORT = process.env.DB_PORT || 5432").is_empty());
        assert!(ports("const port = 5432; // no server here").is_empty());
        assert!(ports("new Pool({ host, port: 5432 })").is_empty());
    }

    #[test]
    fn only_pinned_majors_conflict() {
        assert_eq!(pinned_major("20.11.1"), Some(20));
        assert_eq!(pinned_major("^18.2"), Some(18));
        assert_eq!(pinned_major("20.x"), Some(20));
        assert_eq!(pinned_major(">=18"), None);
        assert_eq!(pinned_major("lts/iron"), None);
        assert_eq!(pinned_major("18 || 20"), None);
        assert_eq!(clean_version("v20.11.0\n"), "20.11.0");
    }

    #[test]
    fn workspace_globs_match_member_folders() {
        assert!(glob_match("apps/*", "apps/web"));
        assert!(glob_match("./packages/*", "packages/ui"));
        assert!(glob_match("packages/**", "packages/a/b"));
        assert!(glob_match("apps/web", "apps/web"));
        assert!(glob_match("services/api-*", "services/api-users"));
        assert!(!glob_match("apps/*", "apps/web/nested"));
        assert!(!glob_match("apps/*", "packages/ui"));
    }

    #[test]
    fn file_routes_map_to_urls() {
        assert_eq!(
            file_route(Framework::Nextjs, "app/api/health/route.ts").as_deref(),
            Some("/api/health")
        );
        assert_eq!(
            file_route(Framework::Nextjs, "src/app/(ops)/healthz/route.js").as_deref(),
            Some("/healthz")
        );
        assert_eq!(
            file_route(Framework::Nextjs, "pages/api/health.ts").as_deref(),
            Some("/api/health")
        );
        assert_eq!(file_route(Framework::Nextjs, "app/page.tsx"), None);
        assert_eq!(
            file_route(Framework::Nuxt, "server/api/health.get.ts").as_deref(),
            Some("/api/health")
        );
        assert_eq!(
            file_route(Framework::Sveltekit, "src/routes/health/+server.ts").as_deref(),
            Some("/health")
        );
    }

    #[test]
    fn key_lines_point_inside_the_named_section() {
        let text = "{\n  \"scripts\": {\n    \"dev\": \"vite\",\n    \"build\": \"vite build\"\n  },\n  \"devDependencies\": {\n    \"vite\": \"^5.0.0\"\n  }\n}\n";
        assert_eq!(key_line_in(text, "scripts", "build"), Some(4));
        assert_eq!(key_line_in(text, "devDependencies", "vite"), Some(7));
        assert_eq!(key_line_in(text, "dependencies", "vite"), None);
    }
}
