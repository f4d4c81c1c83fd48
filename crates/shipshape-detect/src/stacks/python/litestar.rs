//! What Litestar apps say in their code: the app the `litestar` CLI is told to serve
//! (`LITESTAR_APP`, commonly set by the project's own CLI entry point) and the routes their
//! handler decorators and controllers declare.

use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::scan;

/// `os.environ.setdefault("LITESTAR_APP", "app.asgi:create_app")`,
/// `os.environ["LITESTAR_APP"] = "…"`, `os.putenv("LITESTAR_APP", "…")`.
static APP_ENV: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"["']LITESTAR_APP["']\s*(?:,|\]\s*=)\s*["']([\w.]+:\w+)["']"#)
        .expect("built-in pattern")
});

/// The `module:attr` the code sets `LITESTAR_APP` to, with where it does.
pub(super) fn app_from_env(ctx: &Ctx, dir: &str) -> Option<(String, Evidence)> {
    ctx.source_texts(dir, &["py"]).iter().find_map(|(f, text)| {
        let m = APP_ENV.captures(text)?.get(1)?;
        let ev = Evidence::at_offset(
            &f.path,
            text,
            m.start(),
            format!("LITESTAR_APP=`{}` set in code", m.as_str()),
        );
        Some((m.as_str().to_string(), ev))
    })
}

/// A route handler decorator: `@get(`, `@litestar.get(`, `@head(`.
static HANDLER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*@(?:litestar\.)?(?:get|head)\(").expect("built-in pattern")
});
/// A top-level class whose bases name a Controller.
static CONTROLLER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^class\s+\w+\s*\([^)]*\bController\b[^)]*\)\s*:").expect("built-in pattern")
});
/// A class attribute `path = "/users"` (annotated or not).
static CLASS_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^[ \t]+path\s*(?::\s*[\w\[\]., ]+)?=\s*["']([^"']*)["']"#)
        .expect("built-in pattern")
});
static PATH_KWARG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\bpath\s*=\s*(\[[^\]]*\]|["'][^"']*["'])"#).expect("built-in pattern")
});
static STRING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"["']([^"']*)["']"#).expect("built-in pattern"));

/// The text between the parenthesis that opens at `open` and the one that closes it.
fn call_arguments(text: &str, open: usize) -> &str {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in text[open..].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return &text[open + 1..open + i];
                }
            }
            _ => {}
        }
    }
    &text[open + 1..]
}

/// The paths a handler decorator's arguments declare: the first positional argument or
/// `path=`, a string or a list of strings; none means the controller's own path (`/`).
fn handler_paths(args: &str) -> Vec<String> {
    let first = args.trim_start();
    let declared = if first.starts_with(['"', '\'', '[']) {
        Some(first)
    } else {
        PATH_KWARG
            .captures(args)
            .and_then(|c| c.get(1))
            .map(|m| m.as_str())
    };
    let Some(declared) = declared else {
        return vec!["/".to_string()];
    };
    let end = if declared.starts_with('[') {
        declared.find(']').map_or(declared.len(), |e| e + 1)
    } else {
        STRING.find(declared).map_or(0, |m| m.end())
    };
    STRING
        .captures_iter(&declared[..end])
        .filter_map(|c| c.get(1).map(|m| m.as_str().to_string()))
        .collect()
}

fn join_route(prefix: &str, path: &str) -> String {
    let parts: Vec<&str> = prefix
        .split('/')
        .chain(path.split('/'))
        .filter(|s| !s.is_empty())
        .collect();
    format!("/{}", parts.join("/"))
}

/// Every GET route a file declares, with the offset of its decorator: the handler's path,
/// under its controller's `path` when it is a controller method.
fn routes(text: &str) -> Vec<(String, usize)> {
    // The controller prefix in force at each top-level class, by offset.
    let mut prefixes: Vec<(usize, usize, String)> = Vec::new();
    let mut offset = 0;
    let mut open: Option<(usize, String, bool)> = None;
    for line in text.split_inclusive('\n') {
        let top_level = !line.starts_with([' ', '\t']) && !line.trim().is_empty();
        if top_level && !line.starts_with(')') {
            if let Some((start, prefix, _)) = open.take() {
                prefixes.push((start, offset, prefix));
            }
            if CONTROLLER.is_match(line) {
                open = Some((offset, String::new(), false));
            }
        } else if let Some((_, prefix, methods_seen)) = open.as_mut() {
            let body = line.trim_start();
            if body.starts_with('@') || body.starts_with("def ") || body.starts_with("async def ") {
                *methods_seen = true;
            } else if !*methods_seen {
                if let Some(c) = CLASS_PATH.captures(line) {
                    *prefix = c[1].to_string();
                }
            }
        }
        offset += line.len();
    }
    if let Some((start, prefix, _)) = open {
        prefixes.push((start, text.len(), prefix));
    }
    HANDLER
        .find_iter(text)
        .flat_map(|m| {
            let prefix = prefixes
                .iter()
                .find(|(start, end, _)| (*start..*end).contains(&m.start()))
                .map_or("", |(_, _, p)| p.as_str());
            handler_paths(call_arguments(text, m.end() - 1))
                .into_iter()
                .map(move |p| (join_route(prefix, &p), m.start()))
        })
        .collect()
}

/// The best health route among the GET handlers of the service's Python files.
pub(super) fn litestar_health(ctx: &Ctx, dir: &str) -> Option<Located<String>> {
    let mut best: Option<(usize, Located<String>)> = None;
    for (f, text) in ctx.source_texts(dir, &["py"]) {
        if !text.contains("litestar") {
            continue;
        }
        for (route, at) in routes(&text) {
            if route.contains('{') {
                continue;
            }
            let Some(rank) = scan::health_name_rank(&route) else {
                continue;
            };
            if best.as_ref().is_none_or(|(r, _)| rank < *r) {
                let ev = Evidence::at_offset(&f.path, &text, at, "Litestar GET handler");
                best = Some((rank, Located::new(route, ev)));
            }
        }
    }
    best.map(|(_, l)| l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handler_paths_come_from_the_first_argument_or_path() {
        assert_eq!(
            handler_paths("\"/health\", sync_to_thread=False"),
            ["/health"]
        );
        assert_eq!(
            handler_paths("path=[\"/a\", \"/b\"], name=\"x\""),
            ["/a", "/b"]
        );
        assert_eq!(
            handler_paths("\n    operation_id=\"Health\",\n    path=\"/health\",\n"),
            ["/health"]
        );
        assert_eq!(handler_paths(""), ["/"]);
        assert_eq!(handler_paths("name=\"root\""), ["/"]);
    }

    #[test]
    fn controller_paths_prefix_their_handlers() {
        let text = "from litestar import Controller, get\n\n\
            class HealthController(Controller):\n    path = \"/health\"\n    tags = [\"x\"]\n\n    \
            @get()\n    async def live(self) -> dict:\n        return {}\n\n    \
            @get(\"/ready\")\n    async def ready(self) -> dict:\n        return {}\n\n\
            @get(path=\"/ping\", name=\"ping\")\nasync def ping() -> str:\n    return \"pong\"\n";
        let found: Vec<String> = routes(text).into_iter().map(|(r, _)| r).collect();
        assert_eq!(found, ["/health", "/health/ready", "/ping"]);
    }

    #[test]
    fn a_decorator_over_several_lines_is_read_whole() {
        let text = "class SystemController(Controller):\n    tags = [\"System\"]\n\n    @get(\n        operation_id=\"SystemHealth\",\n        path=\"/health\",\n        security=[],\n    )\n    async def check(self) -> None: ...\n";
        assert_eq!(routes(text), [("/health".to_string(), 59)]);
    }

    #[test]
    fn the_app_set_in_litestar_app_is_read() {
        let text = "os.environ.setdefault(\"LITESTAR_APP\", \"app.server.asgi:create_app\")\n";
        assert_eq!(
            APP_ENV.captures(text).map(|c| c[1].to_string()).as_deref(),
            Some("app.server.asgi:create_app")
        );
        let text = "os.environ['LITESTAR_APP'] = 'svc.main:app'\n";
        assert_eq!(
            APP_ENV.captures(text).map(|c| c[1].to_string()).as_deref(),
            Some("svc.main:app")
        );
    }
}
