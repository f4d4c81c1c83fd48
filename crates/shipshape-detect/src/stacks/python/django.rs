//! What Django projects say in their settings and URL configuration: static files to collect
//! and the health route.

use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::scan;

pub(super) static STATIC_ROOT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^STATIC_ROOT\s*=").expect("built-in pattern"));

/// Django collects static files at build time only when it has somewhere to put them.
pub(super) fn collectstatic(ctx: &Ctx, dir: &str) -> Option<Located<String>> {
    ctx.source_texts(dir, &["py"])
        .into_iter()
        .find_map(|(f, text)| {
            let m = STATIC_ROOT.find(&text)?;
            Some(Located::new(
                "python manage.py collectstatic --noinput".to_string(),
                Evidence::at_offset(&f.path, &text, m.start(), "settings > STATIC_ROOT"),
            ))
        })
}

/// `path("health/", …)`, `re_path(r"^api/healthz$", …)`: a route whose last segment is one of
/// the shared health names ([`scan::health_names`]), at the top or under `api/`.
static DJANGO_HEALTH: LazyLock<Regex> = LazyLock::new(|| {
    let names: Vec<String> = scan::health_names()
        .iter()
        .map(|n| regex::escape(n))
        .collect();
    Regex::new(&format!(
        r#"\b(?:path|re_path|url)\(\s*r?["']\^?/?((?:api/)?(?:{}))(/?)\$?["']"#,
        names.join("|")
    ))
    .expect("built-in pattern")
});

/// Django routes are written without the leading slash (`path("health/", …)`), which the shared
/// scanner does not see; the served path is `/health/`. The shared name order decides between
/// several, then the shorter route.
pub(super) fn django_health(ctx: &Ctx, dir: &str) -> Option<Located<String>> {
    let mut best: Option<((usize, usize), Located<String>)> = None;
    for (f, text) in ctx.source_texts(dir, &["py"]) {
        for c in DJANGO_HEALTH.captures_iter(&text) {
            let (Some(route), slash) = (c.get(1), c.get(2).map(|m| m.as_str()).unwrap_or(""))
            else {
                continue;
            };
            let rank = (
                scan::health_name_rank(route.as_str()).unwrap_or(usize::MAX),
                route.as_str().matches('/').count(),
            );
            if best.as_ref().is_none_or(|(r, _)| rank < *r) {
                let value = format!("/{}{slash}", route.as_str());
                let ev = Evidence::at_offset(&f.path, &text, route.start(), "Django URL pattern");
                best = Some((rank, Located::new(value, ev)));
            }
        }
    }
    best.map(|(_, l)| l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn django_routes_without_leading_slash_are_health_routes() {
        let text = "urlpatterns = [\n    path('admin/', admin.site.urls),\n    path(\"health/\", views.health),\n]";
        let c = DJANGO_HEALTH.captures(text).unwrap();
        assert_eq!(&c[1], "health");
        assert_eq!(&c[2], "/");
    }

    #[test]
    fn django_health_routes_take_the_shared_names() {
        // Every shared health name, at the top and under api/; nothing else.
        for name in scan::health_names() {
            for route in [name.to_string(), format!("api/{name}")] {
                let text = format!("path(\"{route}/\", views.ok)");
                let c = DJANGO_HEALTH
                    .captures(&text)
                    .unwrap_or_else(|| panic!("{route}"));
                assert_eq!(&c[1], route);
            }
        }
        assert!(DJANGO_HEALTH.captures("path(\"healthy/\", v)").is_none());
        assert!(DJANGO_HEALTH
            .captures("path(\"health-checks/\", v)")
            .is_none());
    }
}
