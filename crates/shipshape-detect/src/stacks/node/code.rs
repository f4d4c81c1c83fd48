//! What the code says about the server: the ports it listens on and the files that call
//! `listen`.

use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::evidence::line_of_offset;
use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::model::{Framework, Language, ServiceRole};
use crate::scan;

use super::framework::FrameworkInfo;

static LISTEN_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\.listen\(\s*(\d{2,5})\b").expect("built-in pattern"));
static LISTEN_OBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:listen|serve)\(\s*\{[^}]*?\bport\s*:\s*(\d{2,5})\b")
        .expect("built-in pattern")
});
static PORT_FALLBACK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\bPORT\b['"`\]]*!?\s*\)?\s*(?:\|\||\?\?)\s*['"]?(\d{2,5})\b"#)
        .expect("built-in pattern")
});
static PORT_CONSTANT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:const|let|var)\s+(?i:port)\s*=\s*(\d{2,5})\b").expect("built-in pattern")
});
/// Bun serves a module's default export when it has a `fetch` handler: `export default app`
/// (Hono, Elysia) or `export default { port, fetch: app.fetch }`.
static DEFAULT_EXPORT_SERVER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^export\s+default\s+(?:\{[^}]*\bfetch\b|app\b|server\b)")
        .expect("built-in pattern")
});
/// `.listen({ … })` with the object's text (one level of braces).
static LISTEN_OPTIONS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\.listen\(\s*\{([^{}]*)\}").expect("built-in pattern"));

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
pub(super) struct CodeScan {
    ports: Vec<Located<u16>>,
    /// Files that start a server, entry points first.
    pub(super) listen_files: Vec<String>,
    /// The line of the first listen call of each such file.
    pub(super) listen_lines: Vec<(String, u32)>,
    /// A literal loopback host given to a listen call (`app.listen(3000, "127.0.0.1")`).
    pub(super) loopback: Option<Located<String>>,
    /// A Fastify `listen({ port })` without `host`: Fastify then binds localhost only.
    pub(super) fastify_default_host: Option<Located<String>>,
    /// The first file whose default export is a server Bun runs (`export default app`), with
    /// the line.
    pub(super) default_export_server: Option<(String, u32)>,
}

pub(super) fn scan_code(ctx: &Ctx, dir: &str, lang: Language) -> CodeScan {
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
        if scan_out.default_export_server.is_none() {
            if let Some(m) = DEFAULT_EXPORT_SERVER.find(&text) {
                scan_out.default_export_server =
                    Some((f.path.clone(), line_of_offset(&text, m.start())));
            }
        }
        if scan_out.fastify_default_host.is_none() && text.contains("fastify") {
            scan_out.fastify_default_host = LISTEN_OPTIONS
                .captures_iter(&text)
                .filter_map(|c| c.get(0).zip(c.get(1)))
                .find(|(call, object)| {
                    !object.as_str().contains("host") && !in_comment(&text, call.start())
                })
                .map(|(call, _)| {
                    Located::new(
                        "localhost".to_string(),
                        Evidence::at_offset(
                            &f.path,
                            &text,
                            call.start() + 1,
                            "Fastify's listen() without `host` binds localhost only",
                        ),
                    )
                });
        }
        if let Some(m) = LISTEN_CALL.find(&text) {
            if scan_out.loopback.is_none() {
                scan_out.loopback =
                    crate::stacks::shared::loopback_bind("node", &[(f, text.clone())]);
            }
            scan_out.listen_files.push(f.path.clone());
            scan_out
                .listen_lines
                .push((f.path.clone(), line_of_offset(&text, m.start())));
        }
    }
    scan_out
}

/// Whether `offset` is on a line comment (`//`, or a `*` line of a block comment).
fn in_comment(text: &str, offset: usize) -> bool {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = text[line_start..offset].trim_start();
    before.starts_with("//") || before.starts_with('*') || before.starts_with("/*")
}

/// Port variables with the application's own name (`process.env.PORT || env('APP_PORT')`).
static PORT_VARIABLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:["'`]|process\.env\.)(APP_PORT|SERVER_PORT|HTTP_PORT)\b"#)
        .expect("built-in pattern")
});

/// The port an env file of the folder gives a port variable the code reads under the app's own
/// name (`APP_PORT=3000` in .env.example, read as `getOsEnv('APP_PORT')`).
fn port_variable(ctx: &Ctx, dir: &str) -> Option<Located<u16>> {
    let sources = ctx.source_texts(dir, scan::extensions(Language::Typescript));
    sources.iter().find_map(|(_, text)| {
        let name = PORT_VARIABLE.captures(text)?.get(1)?.as_str();
        let (value, mut ev) = ctx.dotenv_setting(dir, name)?;
        let port: u16 = value.parse().ok().filter(|p| *p > 0)?;
        ev.note = format!("{name} in env file, read by the code");
        Some(Located::new(port, ev))
    })
}

pub(super) fn port(
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
    explicit.extend(port_variable(ctx, dir));
    let default = fw.and_then(|f| {
        let (port, note) = match f.framework {
            Framework::Nextjs => (3000, "Next.js default (next start)"),
            Framework::Nuxt => (3000, "Nuxt default (Nitro node server)"),
            Framework::TanstackStart => (3000, "TanStack Start default (Nitro node server)"),
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
