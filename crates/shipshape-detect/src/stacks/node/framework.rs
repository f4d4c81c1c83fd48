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
    if let Some(f) = angular(ctx, dir, pkg) {
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

/// An Angular CLI workspace (`angular.json`): the application its build target builds. The
/// application builder (`@angular/build:application`, Angular 17 on) writes the browser files to
/// `<outputPath>/browser` and, with `ssr` set, a Node server to `<outputPath>/server`; the older
/// browser builders write the files to `outputPath` itself.
fn angular(ctx: &Ctx, dir: &str, pkg: &Manifest) -> Option<FrameworkInfo> {
    let evidence = pkg.dep_evidence("@angular/core", BUILD_SECTIONS)?;
    let path = Ctx::join(dir, "angular.json");
    let text = ctx.text(&path)?;
    let mut f = FrameworkInfo {
        framework: Framework::Angular,
        evidence,
        role: ServiceRole::Static,
        output: None,
    };
    let Some((project, build)) = angular_build_target(&text) else {
        // Read as data only: a workspace whose build target cannot be read keeps the CLI's
        // default folder and says where it came from.
        f.output = Some(("dist".to_string(), None));
        return Some(f);
    };
    let options = build.get("options");
    let builder = build.get("builder").and_then(|b| b.as_str()).unwrap_or("");
    let application_builder = builder.ends_with(":application");
    let ssr = options
        .and_then(|o| o.get("ssr"))
        .is_some_and(|v| !matches!(v, serde_json::Value::Bool(false) | serde_json::Value::Null));
    if application_builder && ssr {
        f.role = ServiceRole::Web;
        return Some(f);
    }
    let output_path = options.and_then(|o| o.get("outputPath"));
    let (base, browser) = match output_path {
        Some(serde_json::Value::String(s)) => (s.clone(), None),
        Some(serde_json::Value::Object(o)) => (
            o.get("base")
                .and_then(|b| b.as_str())
                .map(str::to_string)
                .unwrap_or_else(|| format!("dist/{project}")),
            o.get("browser")
                .and_then(|b| b.as_str())
                .map(str::to_string),
        ),
        _ => (format!("dist/{project}"), None),
    };
    let base = base.trim_end_matches('/').to_string();
    let out = if application_builder {
        match browser.as_deref() {
            Some("") => base,
            Some(b) => format!("{base}/{}", b.trim_matches('/')),
            None => format!("{base}/browser"),
        }
    } else {
        base
    };
    let at = text
        .find("\"outputPath\"")
        .or_else(|| text.find("\"builder\""))
        .unwrap_or(0);
    let ev = Evidence::at_offset(
        &path,
        &text,
        at,
        format!("angular.json > projects > {project} > build ({builder}): static output in {out}/"),
    );
    f.output = Some((out, Some(ev)));
    Some(f)
}

/// The application project an Angular workspace builds (`defaultProject`, else its only or
/// first application, by name) and that project's build target.
fn angular_build_target(text: &str) -> Option<(String, serde_json::Value)> {
    let json: serde_json::Value = serde_json::from_str(text).ok()?;
    let projects = json.get("projects")?.as_object()?;
    let is_app = |p: &serde_json::Value| {
        p.get("projectType")
            .and_then(|t| t.as_str())
            .is_none_or(|t| t == "application")
    };
    let name = json
        .get("defaultProject")
        .and_then(|d| d.as_str())
        .filter(|d| projects.get(*d).is_some_and(is_app))
        .map(str::to_string)
        .or_else(|| {
            projects
                .iter()
                .find(|(_, p)| is_app(p))
                .map(|(n, _)| n.clone())
        })?;
    let project = projects.get(&name)?;
    let build = project
        .get("architect")
        .or_else(|| project.get("targets"))?
        .get("build")?
        .clone();
    Some((name, build))
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

    fn angular_app(angular_json: &str) -> crate::model::Service {
        let pkg = r#"{"name":"shop-ui","scripts":{"start":"ng serve","build":"ng build"},"dependencies":{"@angular/core":"20.3.9","@angular/platform-server":"20.3.9","express":"^5"},"devDependencies":{"@angular/cli":"20.3.9"}}"#;
        let facts = facts_in(&[("package.json", pkg), ("angular.json", angular_json)]);
        facts.services.into_iter().next().expect("one service")
    }

    #[test]
    fn an_angular_build_target_names_the_folder_the_image_serves() {
        use crate::model::ServiceRole;
        let output = |s: &crate::model::Service| s.static_output.as_ref().map(|o| o.value.clone());
        // The application builder writes the browser files under `<base>/browser`.
        let app = angular_app(
            r#"{"projects":{"shop-ui":{"projectType":"application","architect":{"build":{"builder":"@angular/build:application","options":{"outputPath":{"base":"dist/shop"}}}}}}}"#,
        );
        assert_eq!(
            app.framework.as_ref().map(|f| f.value),
            Some(Framework::Angular)
        );
        assert_eq!(app.role, ServiceRole::Static);
        assert_eq!(output(&app).as_deref(), Some("dist/shop/browser"));
        assert_eq!(app.port, None);
        // `browser: ""` puts them in the base itself; no outputPath means dist/<project>.
        let flat = angular_app(
            r#"{"projects":{"shop-ui":{"architect":{"build":{"builder":"@angular-devkit/build-angular:application","options":{"outputPath":{"base":"out","browser":""}}}}}}}"#,
        );
        assert_eq!(output(&flat).as_deref(), Some("out"));
        let bare = angular_app(
            r#"{"projects":{"lib":{"projectType":"library"},"shop-ui":{"projectType":"application","architect":{"build":{"builder":"@angular/build:application"}}}}}"#,
        );
        assert_eq!(output(&bare).as_deref(), Some("dist/shop-ui/browser"));
        // The older browser builder writes to outputPath as it stands (Angular ≤ 16).
        let legacy = angular_app(
            r#"{"defaultProject":"shop-ui","projects":{"shop-ui":{"architect":{"build":{"builder":"@angular-devkit/build-angular:browser","options":{"outputPath":"dist/shop-ui"}}}}}}"#,
        );
        assert_eq!(output(&legacy).as_deref(), Some("dist/shop-ui"));
        // With `ssr` the build is a Node server: not a static site, and express does not
        // make it an Express API.
        let ssr = angular_app(
            r#"{"projects":{"shop-ui":{"architect":{"build":{"builder":"@angular/build:application","options":{"outputPath":"dist/shop","ssr":{"entry":"src/server.ts"}}}}}}}"#,
        );
        assert_eq!(
            ssr.framework.as_ref().map(|f| f.value),
            Some(Framework::Angular)
        );
        assert_eq!(ssr.role, ServiceRole::Web);
        assert_eq!(ssr.static_output, None);
        // A workspace file that does not parse still gives an Angular app, with the CLI's folder.
        let broken = angular_app("{ not json");
        assert_eq!(
            broken.framework.as_ref().map(|f| f.value),
            Some(Framework::Angular)
        );
        assert_eq!(output(&broken).as_deref(), Some("dist"));
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
