//! Static sites: a folder of plain HTML (an `index.html` that belongs to no application), or the
//! source of a static-site generator (Hugo, Jekyll, MkDocs, Eleventy). Both are built (or not) to
//! files that a web server serves: no start command, no port of their own.

use shipshape_core::{Evidence, Located};

use crate::ctx::{line_of, Ctx};
use crate::model::{Framework, Language, Service, ServiceRole};
use crate::scan;
use crate::stacks::Found;

/// Manifests that make a folder (and everything below it) an application's, so an `index.html`
/// inside is a template or an SPA shell rather than a site of its own.
const APP_MANIFESTS: &[&str] = &[
    "package.json",
    "pyproject.toml",
    "Pipfile",
    "setup.py",
    "requirements.txt",
    "manage.py",
    "go.mod",
    "Cargo.toml",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "Gemfile",
    "composer.json",
];

/// Folders whose HTML is never a site's source: templates, build output, reports, vendored code.
const NOT_SITE_DIRS: &[&str] = &[
    "templates",
    "views",
    "layouts",
    "_layouts",
    "_includes",
    "partials",
    "dist",
    "build",
    "out",
    "_site",
    "target",
    "vendor",
    "coverage",
    "htmlcov",
    "storybook-static",
    "_build",
    "wwwroot",
    ".github",
];

/// Static-site generators, by the config file that marks a site's root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Generator {
    Hugo,
    Jekyll,
    Mkdocs,
    Eleventy,
}

impl Generator {
    fn name(self) -> &'static str {
        match self {
            Generator::Hugo => "Hugo",
            Generator::Jekyll => "Jekyll",
            Generator::Mkdocs => "MkDocs",
            Generator::Eleventy => "Eleventy",
        }
    }

    /// The generator's own build command and output folder.
    fn build(self) -> (&'static str, &'static str) {
        match self {
            Generator::Hugo => ("hugo --minify", "public"),
            Generator::Jekyll => ("bundle exec jekyll build", "_site"),
            Generator::Mkdocs => ("mkdocs build", "site"),
            Generator::Eleventy => ("npx @11ty/eleventy", "_site"),
        }
    }

    /// The manifest a site of this generator is expected to carry (it does not make the folder
    /// an application's).
    fn own_manifests(self) -> &'static [&'static str] {
        match self {
            Generator::Hugo => &[],
            Generator::Jekyll => &["Gemfile"],
            Generator::Mkdocs => &["requirements.txt", "pyproject.toml"],
            Generator::Eleventy => &["package.json"],
        }
    }
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map(|(d, _)| d).unwrap_or(".")
}

fn parent(dir: &str) -> Option<&str> {
    if dir == "." || dir.is_empty() {
        return None;
    }
    Some(dir.rsplit_once('/').map(|(p, _)| p).unwrap_or("."))
}

fn has_app_manifest(ctx: &Ctx, dir: &str, except: &[&str]) -> bool {
    APP_MANIFESTS
        .iter()
        .filter(|m| !except.contains(m))
        .any(|m| ctx.exists(&Ctx::join(dir, m)))
}

/// A JS monorepo root holds packages; a site under it is still a site.
fn is_js_workspace_root(ctx: &Ctx, dir: &str) -> bool {
    if ctx.exists(&Ctx::join(dir, "pnpm-workspace.yaml")) {
        return true;
    }
    ctx.text(&Ctx::join(dir, "package.json"))
        .is_some_and(|t| t.contains("\"workspaces\""))
}

/// The generator whose config file `path` is, with the line that shows it. Only the file name
/// and, for generic names, a look at the content decide; the folder is checked by the caller.
fn generator_config(ctx: &Ctx, path: &str) -> Option<(Generator, Option<u32>, String)> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let dir = dir_of(path);
    match name {
        "hugo.toml" | "hugo.yaml" | "hugo.json" => {
            Some((Generator::Hugo, None, format!("{name} (Hugo config)")))
        }
        "config.toml" => {
            // config.toml is a common name; Hugo's has a baseURL (or baseurl) and content/.
            let text = ctx.text(path)?;
            let line = line_of(&text, "baseURL").or_else(|| line_of(&text, "baseurl"))?;
            Some((
                Generator::Hugo,
                Some(line),
                "config.toml > baseURL (Hugo config)".to_string(),
            ))
        }
        "mkdocs.yml" | "mkdocs.yaml" => {
            let line = ctx.text(path).and_then(|t| line_of(&t, "site_name"));
            Some((Generator::Mkdocs, line, format!("{name} (MkDocs config)")))
        }
        "_config.yml" | "_config.yaml" => {
            // Jekyll's config name is generic too: require Jekyll's layout folders or Gem.
            let gem = ctx
                .text(&Ctx::join(dir, "Gemfile"))
                .is_some_and(|t| t.contains("jekyll"));
            let prefix = if dir == "." {
                String::new()
            } else {
                format!("{dir}/")
            };
            let jekyll_dirs = ctx.inv.files().iter().any(|f| {
                f.path.strip_prefix(&prefix).is_some_and(|rest| {
                    rest.starts_with("_posts/") || rest.starts_with("_layouts/")
                })
            });
            (gem || jekyll_dirs)
                .then(|| (Generator::Jekyll, None, format!("{name} (Jekyll config)")))
        }
        ".eleventy.js" | "eleventy.config.js" | "eleventy.config.mjs" | "eleventy.config.cjs" => {
            Some((
                Generator::Eleventy,
                None,
                format!("{name} (Eleventy config)"),
            ))
        }
        _ => None,
    }
}

/// A generator config in `dir` that makes it a site root.
fn site_generator(ctx: &Ctx, dir: &str) -> Option<(Generator, Evidence)> {
    const NAMES: &[&str] = &[
        "hugo.toml",
        "hugo.yaml",
        "hugo.json",
        "config.toml",
        "mkdocs.yml",
        "mkdocs.yaml",
        "_config.yml",
        "_config.yaml",
        ".eleventy.js",
        "eleventy.config.js",
        "eleventy.config.mjs",
        "eleventy.config.cjs",
    ];
    NAMES.iter().find_map(|n| {
        let path = Ctx::join(dir, n);
        if !ctx.exists(&path) {
            return None;
        }
        let (generator, line, note) = generator_config(ctx, &path)?;
        if has_app_manifest(ctx, dir, generator.own_manifests()) {
            return None;
        }
        Some((generator, Evidence::new(path, line, note)))
    })
}

/// Whether `path` marks the root of a static site: the `index.html` of a plain site (in no
/// application's folder and not a page of a bigger site), or a static-site generator's config.
pub fn is_site_index(ctx: &Ctx, path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name != "index.html" {
        // Cheap name test first: this runs for every file of the repository.
        return generator_config_name(name)
            && !scan::is_test_path(path)
            && site_generator(ctx, dir_of(path)).is_some();
    }
    let dir = dir_of(path);
    if scan::is_test_path(path)
        || dir.split('/').any(|c| NOT_SITE_DIRS.contains(&c))
        || has_app_manifest(ctx, dir, &[])
    {
        return false;
    }
    let mut up = parent(dir);
    while let Some(d) = up {
        // A page of a bigger site, a generator's layout, or an app's static folder.
        if ctx.exists(&Ctx::join(d, "index.html")) || site_generator(ctx, d).is_some() {
            return false;
        }
        if has_app_manifest(ctx, d, &[]) && !is_js_workspace_root(ctx, d) {
            return false;
        }
        up = parent(d);
    }
    true
}

fn generator_config_name(name: &str) -> bool {
    matches!(
        name,
        "hugo.toml"
            | "hugo.yaml"
            | "hugo.json"
            | "config.toml"
            | "mkdocs.yml"
            | "mkdocs.yaml"
            | "_config.yml"
            | "_config.yaml"
            | ".eleventy.js"
            | "eleventy.config.js"
            | "eleventy.config.mjs"
            | "eleventy.config.cjs"
    )
}

/// Detect a static site in `dir`.
pub fn detect(ctx: &Ctx, dir: &str) -> Option<Found> {
    let index = Ctx::join(dir, "index.html");
    let (framework, language_ev, build) = if let Some((generator, ev)) = site_generator(ctx, dir) {
        let (cmd, out) = generator.build();
        let mut fw_ev = ev.clone();
        fw_ev.note = format!("{} — static-site generator {}", ev.note, generator.name());
        let mut build_ev = ev.clone();
        build_ev.note = format!("{} default build (output {out}/)", generator.name());
        (
            Located::new(Framework::StaticSiteGenerator, fw_ev),
            ev,
            Some(Located::new(cmd.to_string(), build_ev)),
        )
    } else if ctx.exists(&index) && is_site_index(ctx, &index) {
        let line = ctx
            .text(&index)
            .and_then(|t| line_of(&t.to_ascii_lowercase(), "<html"));
        let ev = Evidence::new(
            &index,
            line,
            "index.html, no package manifest (plain HTML site)",
        );
        (Located::new(Framework::StaticHtml, ev.clone()), ev, None)
    } else {
        return None;
    };
    let name = crate::stacks::node::folder_name(ctx, dir);
    let mut service = Service::new(name, dir, Located::new(Language::Html, language_ev));
    service.role = ServiceRole::Static;
    service.framework = Some(framework);
    service.build_command = build;
    service.env_vars = ctx.env_vars(dir, Language::Html);
    Some(Found::Service(Box::new(service)))
}
