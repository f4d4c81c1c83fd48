//! The framework and the role it gives the service (API, web app, static site), from
//! dependencies and config files.

use std::sync::{Arc, LazyLock};

use regex::Regex;
use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::model::{Ambiguity, Framework, ServiceRole};

use super::manifest::{Manifest, BUILD_SECTIONS, RUNTIME_SECTIONS};

pub(super) struct FrameworkInfo {
    pub(super) framework: Framework,
    pub(super) evidence: Evidence,
    pub(super) role: ServiceRole,
    /// For SPA builds: the folder the build writes, with the evidence when configured.
    pub(super) output: Option<(String, Option<Evidence>)>,
}

const CONFIG_EXTS: &[&str] = &["js", "mjs", "cjs", "ts", "mts"];

/// The first `<stem>.<ext>` config file of the folder, with its text.
pub(super) fn config_file(ctx: &Ctx, dir: &str, stem: &str) -> Option<(String, Arc<str>)> {
    CONFIG_EXTS.iter().find_map(|ext| {
        let path = Ctx::join(dir, &format!("{stem}.{ext}"));
        ctx.text(&path).map(|t| (path, t))
    })
}

static QUOTED_OPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\b(outDir|output|pages)\s*:\s*['"`]([^'"`]+)['"`]"#).expect("built-in pattern")
});

/// `ssr: false` in a React Router config, outside a comment.
static SSR_OFF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^[^/\n]*\bssr\s*:\s*false\b").expect("built-in pattern"));

/// A string option (`output: 'standalone'`) in a JS/TS config file: value and evidence.
pub(super) fn config_option(path: &str, text: &str, key: &str) -> Option<(String, Evidence)> {
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

pub(super) fn framework(
    ctx: &Ctx,
    dir: &str,
    pkg: &Manifest,
    service: &str,
) -> Option<FrameworkInfo> {
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
    // React Router 7's framework mode is what Remix became: `react-router build` writes a
    // server bundle that `react-router-serve` runs. With `ssr: false` in react-router.config it
    // prerenders a single-page app instead, static files in build/client.
    for dep in [
        "@react-router/dev",
        "@react-router/node",
        "@react-router/serve",
        "@react-router/express",
    ] {
        if let Some(mut f) = info(Framework::Remix, dep, ServiceRole::Web) {
            let spa = config_file(ctx, dir, "react-router.config")
                .is_some_and(|(_, text)| SSR_OFF.is_match(&text));
            if spa {
                f.role = ServiceRole::Static;
                f.output = Some(("build/client".to_string(), None));
            }
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
    // TanStack Start renders on the server (its Vite build writes a Node server to .output/):
    // with react and vite in its dependencies it would otherwise pass for a static SPA.
    for dep in [
        "@tanstack/react-start",
        "@tanstack/solid-start",
        "@tanstack/start",
    ] {
        if let Some(f) = info(Framework::TanstackStart, dep, ServiceRole::Web) {
            return Some(f);
        }
    }
    // NestJS lists express or fastify as its platform: it comes before them.
    if let Some(f) = info(Framework::Nestjs, "@nestjs/core", ServiceRole::Api) {
        return Some(f);
    }
    // A server framework the app runs with is a runtime dependency. One only among the dev
    // dependencies of a Vite UI app is its mock or preview server (`vite-node mock-server.ts`):
    // the app is the SPA. A bundled server (esbuild, tsup) may keep its framework there too,
    // so without the SPA signs a dev dependency still counts.
    let spa_signs = pkg.dep_evidence("vite", BUILD_SECTIONS).is_some()
        && ["react", "vue", "svelte", "preact", "solid-js", "lit"]
            .iter()
            .any(|d| pkg.has_dep(d));
    let server_frameworks = [
        (Framework::Express, "express"),
        (Framework::Fastify, "fastify"),
        (Framework::Koa, "koa"),
        (Framework::Hono, "hono"),
    ];
    let servers: Vec<FrameworkInfo> = server_frameworks
        .into_iter()
        .filter(|(_, dep)| !spa_signs || pkg.dep_evidence(dep, RUNTIME_SECTIONS).is_some())
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

#[cfg(test)]
mod tests {
    use crate::model::Framework;
    use crate::stacks::python::tests::facts_in;

    fn framework_of(package_json: &str) -> Option<Framework> {
        let facts = facts_in(&[
            ("package.json", package_json),
            ("index.html", "<div id=\"root\"></div>\n"),
            (
                "mock-server.ts",
                "import express from 'express';\nexpress().listen(8080);\n",
            ),
        ]);
        facts
            .services
            .first()
            .and_then(|s| s.framework.as_ref().map(|f| f.value))
    }

    #[test]
    fn a_dev_only_server_of_a_vite_ui_app_is_its_mock_server() {
        let spa = r#"{"name":"ui","dependencies":{"react":"^18"},"devDependencies":{"vite":"^5","express":"^4"}}"#;
        assert_eq!(framework_of(spa), Some(Framework::ViteSpa));
        // Express the app runs with is a runtime dependency: then it is the server.
        let ssr = r#"{"name":"ui","dependencies":{"react":"^18","express":"^4"},"devDependencies":{"vite":"^5"}}"#;
        assert_eq!(framework_of(ssr), Some(Framework::Express));
        // Without the SPA's signs a bundled server's dev dependency still counts.
        let bundled = r#"{"name":"api","devDependencies":{"express":"^4","esbuild":"^0.23"}}"#;
        assert_eq!(framework_of(bundled), Some(Framework::Express));
    }
}
