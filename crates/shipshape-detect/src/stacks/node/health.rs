//! The health route: NestJS controllers, file-routed handlers and routes in code.

use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::evidence::line_of_offset;
use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::model::{Framework, Language};
use crate::scan;

use super::commands::relative_to;
use super::framework::FrameworkInfo;

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
static HANDLER_GET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:function|const)\s+(?:GET|loader)\b").expect("built-in pattern")
});

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
            if let Some(rank) = scan::health_name_rank(&route) {
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
        // Remix and React Router's file routes (app/routes/): a dot or a folder separates URL
        // segments (`api.health.ts`, `healthz/route.ts`); a segment starting with `_` is a
        // pathless layout or the index, and a trailing `_` only opts out of its parent's layout.
        Framework::Remix => {
            let inner = rel.strip_prefix("app/routes/")?;
            let inner = inner.strip_suffix("/route").unwrap_or(inner);
            let segs: Vec<&str> = inner
                .split(['.', '/'])
                .filter(|s| !s.is_empty() && !s.starts_with('_'))
                .map(|s| s.trim_end_matches('_'))
                .collect();
            Some(format!("/{}", segs.join("/")))
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
        let Some(rank) = scan::health_name_rank(&route) else {
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

pub(super) fn health_path(
    ctx: &Ctx,
    dir: &str,
    lang: Language,
    fw: Option<&FrameworkInfo>,
) -> Option<Located<String>> {
    let specific = match fw.map(|f| f.framework) {
        Some(Framework::Nestjs) => nest_health(ctx, dir, lang),
        Some(
            fw @ (Framework::Nextjs | Framework::Nuxt | Framework::Sveltekit | Framework::Remix),
        ) => file_route_health(ctx, dir, fw),
        _ => None,
    };
    specific.or_else(|| ctx.health_path(dir, lang))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            file_route(Framework::Remix, "app/routes/healthcheck.tsx").as_deref(),
            Some("/healthcheck")
        );
        assert_eq!(
            file_route(Framework::Remix, "app/routes/api.health.ts").as_deref(),
            Some("/api/health")
        );
        assert_eq!(
            file_route(Framework::Remix, "app/routes/_ops.healthz/route.ts").as_deref(),
            Some("/healthz")
        );
        assert_eq!(
            file_route(Framework::Remix, "app/routes/_index.tsx").as_deref(),
            Some("/")
        );
    }
}
