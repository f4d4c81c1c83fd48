//! What Django projects say in their settings and URL configuration: static files to collect
//! and the health route.

use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;

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

static DJANGO_HEALTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\b(?:path|re_path|url)\(\s*r?["']\^?/?((?:api/)?(?:healthz|health|livez|readyz|ready|up|ping|_health))(/?)\$?["']"#,
    )
    .expect("built-in pattern")
});

/// Django routes are written without the leading slash (`path("health/", …)`), which the shared
/// scanner does not see; the served path is `/health/`.
pub(super) fn django_health(ctx: &Ctx, dir: &str) -> Option<Located<String>> {
    const ORDER: &[&str] = &[
        "healthz",
        "health",
        "livez",
        "readyz",
        "ready",
        "up",
        "api/health",
        "api/healthz",
        "_health",
        "ping",
    ];
    let mut best: Option<(usize, Located<String>)> = None;
    for (f, text) in ctx.source_texts(dir, &["py"]) {
        for c in DJANGO_HEALTH.captures_iter(&text) {
            let (Some(route), slash) = (c.get(1), c.get(2).map(|m| m.as_str()).unwrap_or(""))
            else {
                continue;
            };
            let rank = ORDER
                .iter()
                .position(|r| *r == route.as_str())
                .unwrap_or(ORDER.len());
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
}
