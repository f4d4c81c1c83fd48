//! The production build and start commands: scripts followed through `npm run` chains, dev
//! servers and delegating tools set aside, and fallbacks from `main`, tsconfig and the code.

use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::model::{Framework, PackageManager};

use super::code::CodeScan;
use super::framework::{config_file, config_option, FrameworkInfo};
use super::manifest::{Manifest, BUILD_SECTIONS};
use super::nps::NpsScripts;

fn pm_command(pm: Option<PackageManager>) -> &'static str {
    match pm {
        Some(PackageManager::Yarn) => "yarn",
        Some(PackageManager::Pnpm) => "pnpm",
        Some(PackageManager::Bun) => "bun",
        _ => "npm",
    }
}

pub(super) fn build_command(
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
    /// A script of the package's nps file (`nps build`; `nps` alone runs `default`).
    Nps(String),
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
        "nps" => Launch::Nps(
            words[1..]
                .iter()
                .find(|w| !w.starts_with('-'))
                .map_or("default", |w| w.trim_matches(['"', '\'']))
                .to_string(),
        ),
        "next" | "nuxt" if arg == "start" => Launch::Command(words.join(" ")),
        "next" | "nuxt" | "remix" | "astro" | "svelte-kit" => Launch::Dev,
        p if DEV_TOOLS.contains(&p) => Launch::Dev,
        p if DELEGATES.contains(&p) => Launch::Delegates,
        _ => Launch::Command(words.join(" ")),
    }
}

/// Follow `npm run x` chains (and `nps x`, into the package's nps scripts) from `name` to a
/// production command, with the evidence of the script that holds it.
fn resolve_script(pkg: &Manifest, nps: Option<&NpsScripts>, name: &str) -> Option<Located<String>> {
    let mut chain: Vec<String> = Vec::new();
    let mut current = Launch::Script(name.to_string());
    for _ in 0..8 {
        // The script's text and, for an nps script, where its file declares it.
        let (script, declared): (&str, Option<Evidence>) = match &current {
            Launch::Script(s) => (pkg.script(s)?, None),
            Launch::Nps(s) => {
                let (script, ev) = nps?.script(s)?;
                (script?, Some(ev))
            }
            _ => return None,
        };
        let label = match &current {
            Launch::Nps(s) => format!("nps {s}"),
            Launch::Script(s) => s.clone(),
            _ => String::new(),
        };
        match classify_script(script) {
            Launch::Command(cmd) => {
                let mut remark = format!("`{script}`");
                if !chain.is_empty() {
                    remark.push_str(&format!(", via scripts > {}", chain.join(" > ")));
                }
                let ev = match declared {
                    Some(mut ev) => {
                        ev.note = format!("{} {remark}", ev.note);
                        ev
                    }
                    None => pkg.nested_evidence("scripts", &label, Some(&remark)),
                };
                return Some(Located::new(cmd, ev));
            }
            next @ (Launch::Script(_) | Launch::Nps(_)) => {
                if next == current || chain.contains(&label) {
                    return None;
                }
                chain.push(label);
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

pub(super) fn start_command(
    ctx: &Ctx,
    dir: &str,
    pkg: &Manifest,
    fw: Option<&FrameworkInfo>,
    ws_root: Option<&String>,
    code: &CodeScan,
    bun: bool,
) -> Option<Located<String>> {
    let nps = NpsScripts::load(ctx, dir);
    let from_scripts = || {
        // `prod`/`production` name the production start of packages with no `start`.
        [
            "start:prod",
            "start:production",
            "start",
            "prod",
            "production",
        ]
        .iter()
        .find_map(|s| resolve_script(pkg, nps.as_ref(), s))
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
                if let Some(script) = resolve_script(pkg, nps.as_ref(), "start:prod") {
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
        Some((Framework::TanstackStart, f)) => from_scripts().or_else(|| {
            default(
                "node .output/server/index.mjs",
                f,
                "TanStack Start default (Nitro node server in .output/)",
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
            .or_else(|| bun.then(|| bun_entry(dir, pkg, code)).flatten())
            .or_else(|| nx_entry(ctx, dir))
            .or_else(|| main_entry(pkg))
            .or_else(|| compiled_entry(ctx, dir, code))
            .or_else(|| listening_js_file(dir, code)),
        _ => from_scripts(),
    }
}

/// A Bun project runs its TypeScript as it is: `bun run <main>` when `main` names a source
/// file, else the file whose default export Bun serves (`export default { fetch }`).
fn bun_entry(dir: &str, pkg: &Manifest, code: &CodeScan) -> Option<Located<String>> {
    if let Some(main) = pkg.str_at(&["main"]).map(str::trim).filter(|m| {
        [".ts", ".tsx", ".js", ".mjs"]
            .iter()
            .any(|e| m.ends_with(e))
    }) {
        return Some(Located::new(
            format!("bun run {main}"),
            pkg.key_evidence("main", Some("(Bun runs it as it is)")),
        ));
    }
    let (path, line) = code.default_export_server.as_ref()?;
    Some(Located::new(
        format!("bun run {}", relative_to(dir, path)),
        Evidence::new(
            path,
            Some(*line),
            "default export with a fetch handler (Bun serves it)",
        ),
    ))
}

/// An Nx application's build output, from `project.json`'s build target: the bundlers
/// (esbuild, webpack, rspack) write `<outputPath>/main.js` (or `outputFileName`), tsc and swc
/// keep the source layout (`src/main.ts` → `<outputPath>/src/main.js`). Nx paths are relative
/// to the workspace root, so only an output inside the service's folder gives a command.
fn nx_entry(ctx: &Ctx, dir: &str) -> Option<Located<String>> {
    let path = Ctx::join(dir, "project.json");
    let (text, v) = ctx.json(&path)?;
    if v.get("projectType").and_then(|t| t.as_str()) == Some("library") {
        return None;
    }
    let build = v.get("targets")?.get("build")?;
    let executor = build.get("executor")?.as_str()?;
    let options = build.get("options")?;
    let output = normalise_dir(options.get("outputPath")?.as_str()?);
    let output = if dir == "." {
        output
    } else {
        output.strip_prefix(&format!("{dir}/"))?.to_string()
    };
    let kind = executor.rsplit(':').next().unwrap_or("");
    let file = match kind {
        "esbuild" | "webpack" | "rspack" => options
            .get("outputFileName")
            .and_then(|f| f.as_str())
            .unwrap_or("main.js")
            .to_string(),
        "tsc" | "swc" => {
            let main = options.get("main")?.as_str()?.trim_start_matches("./");
            let main = if dir == "." {
                main
            } else {
                main.strip_prefix(&format!("{dir}/"))?
            };
            let stem = main.rsplit_once('.').map(|(s, _)| s).unwrap_or(main);
            format!("{stem}.js")
        }
        _ => return None,
    };
    let at = text.find("\"outputPath\"").unwrap_or(0);
    Some(Located::new(
        format!("node {output}/{file}"),
        Evidence::at_offset(
            &path,
            &text,
            at,
            format!("project.json > targets > build ({executor}) writes {output}/{file}"),
        ),
    ))
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

pub(super) fn relative_to(dir: &str, path: &str) -> String {
    if dir == "." || dir.is_empty() {
        return path.to_string();
    }
    path.strip_prefix(&format!("{dir}/"))
        .unwrap_or(path)
        .to_string()
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
    fn nps_runs_a_script_of_its_package_scripts_file() {
        assert_eq!(classify_script("nps"), Launch::Nps("default".into()));
        assert_eq!(classify_script("nps build"), Launch::Nps("build".into()));
        assert_eq!(
            classify_script("npx nps --silent db.migrate"),
            Launch::Nps("db.migrate".into())
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
}
