//! Text scanners shared by every stack: which env vars code reads, which health route it
//! defines, which ports commands and Dockerfiles name. Pure functions over text, offsets in bytes.

use std::sync::LazyLock;

use regex::Regex;

use crate::model::Language;

/// File extensions whose code is scanned for a language.
pub fn extensions(lang: Language) -> &'static [&'static str] {
    match lang {
        Language::Javascript | Language::Typescript => {
            &["js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx"]
        }
        Language::Python => &["py"],
        Language::Go => &["go"],
        Language::Rust => &["rs"],
        Language::Java | Language::Kotlin => &["java", "kt", "properties", "yml", "yaml"],
        Language::Ruby => &["rb", "yml"],
        Language::Php => &["php"],
        Language::Csharp => &["cs", "json"],
        Language::Html => &["js", "html"],
    }
}

const NAME: &str = r"([A-Z][A-Z0-9_]*)";

fn rx(patterns: &[String]) -> Vec<Regex> {
    patterns
        .iter()
        .map(|p| Regex::new(p).expect("built-in pattern"))
        .collect()
}

static JS_ENV: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    rx(&[
        format!(r"process\.env\.{NAME}"),
        format!(r#"process\.env\[\s*['"`]{NAME}['"`]\s*\]"#),
        format!(r"import\.meta\.env\.{NAME}"),
        format!(r#"Deno\.env\.get\(\s*['"]{NAME}['"]"#),
        format!(r#"Bun\.env\.{NAME}"#),
        format!(r#"configService\.get(?:<[^>]*>)?\(\s*['"]{NAME}['"]"#),
    ])
});
static PY_ENV: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    rx(&[
        format!(r#"os\.environ\[\s*['"]{NAME}['"]\s*\]"#),
        format!(r#"os\.environ\.get\(\s*['"]{NAME}['"]"#),
        format!(r#"os\.getenv\(\s*['"]{NAME}['"]"#),
        format!(r#"\benv(?:\.(?:str|int|bool|list|url|db|float))?\(\s*['"]{NAME}['"]"#),
        format!(r#"\bconfig\(\s*['"]{NAME}['"]"#),
        // `from os import getenv` and a project's own helper around it (`get_env("X", d)`).
        format!(r#"(?:^|[^.\w])(?:getenv|get_env)\(\s*['"]{NAME}['"]"#),
        // A setting declared with the variable that overrides it: click's `envvar="X"`, a
        // settings schema's `environ_name="X"` or `env_var="X"`.
        format!(r#"\b(?:envvar|env_var|environ_name)\s*=\s*['"]{NAME}['"]"#),
    ])
});
static GO_ENV: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    rx(&[
        format!(r#"os\.(?:Getenv|LookupEnv)\(\s*"{NAME}""#),
        format!(r#"viper\.(?:Get\w*|BindEnv)\(\s*"{NAME}""#),
        format!(r#"`env:"{NAME}"#),
    ])
});
static RUST_ENV: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    rx(&[
        format!(r#"env::var(?:_os)?\(\s*"{NAME}""#),
        format!(r#"#\[arg\([^)]*env\s*=\s*"{NAME}""#),
    ])
});
static JAVA_ENV: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    rx(&[
        format!(r#"System\.getenv\(\s*"{NAME}""#),
        // Spring placeholders in application.properties / application.yml: ${DB_URL:default}
        format!(r"\$\{{{NAME}(?::[^}}]*)?\}}"),
    ])
});
static RUBY_ENV: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    rx(&[
        format!(r#"ENV\[\s*['"]{NAME}['"]\s*\]"#),
        format!(r#"ENV\.fetch\(\s*['"]{NAME}['"]"#),
    ])
});
static PHP_ENV: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    rx(&[
        format!(r#"\benv\(\s*['"]{NAME}['"]"#),
        format!(r#"getenv\(\s*['"]{NAME}['"]"#),
        format!(r#"\$_(?:ENV|SERVER)\[\s*['"]{NAME}['"]\s*\]"#),
    ])
});
static CS_ENV: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    rx(&[format!(
        r#"Environment\.GetEnvironmentVariable\(\s*"{NAME}""#
    )])
});

/// Whether the text after an env reference makes it the target of an assignment
/// (`os.environ["X"] = "1"`, `process.env.X = …`): the code sets the variable, it reads nothing.
fn is_assignment_target(after: &str) -> bool {
    let rest = after.trim_start_matches([' ', '\t']);
    rest.starts_with('=') && !rest.starts_with("==") && !rest.starts_with("=>")
}

/// `(name, byte offset)` of every env var read in `text`, in order of appearance.
pub fn env_var_reads(lang: Language, text: &str) -> Vec<(String, usize)> {
    let patterns: &[Regex] = match lang {
        Language::Javascript | Language::Typescript | Language::Html => &JS_ENV,
        Language::Python => &PY_ENV,
        Language::Go => &GO_ENV,
        Language::Rust => &RUST_ENV,
        Language::Java | Language::Kotlin => &JAVA_ENV,
        Language::Ruby => &RUBY_ENV,
        Language::Php => &PHP_ENV,
        Language::Csharp => &CS_ENV,
    };
    let mut out = Vec::new();
    for re in patterns {
        for c in re.captures_iter(text) {
            let m = c.get(1).expect("group 1");
            let whole = c.get(0).expect("group 0");
            if is_assignment_target(&text[whole.end()..]) {
                continue;
            }
            out.push((m.as_str().to_string(), m.start()));
        }
    }
    out.sort_by_key(|(_, o)| *o);
    out
}

/// Health routes in order of preference (lower rank first).
const HEALTH_ROUTES: &[&str] = &[
    "/healthz",
    "/health",
    "/livez",
    "/readyz",
    "/ready",
    "/actuator/health",
    "/up",
    "/api/health",
    "/api/healthz",
    "/_health",
    "/ping",
];

/// Last path segments that name a health route, in order of preference (lower rank first).
const HEALTH_NAMES: &[&str] = &[
    "healthz",
    "health",
    "livez",
    "readyz",
    "ready",
    "up",
    "ping",
    "_health",
    "healthcheck",
    "health-check",
];

/// The last path segments that name a health route, most preferred first.
pub fn health_names() -> &'static [&'static str] {
    HEALTH_NAMES
}

/// The rank of a full route whose last segment names a health check (`/api/health` → 1).
pub fn health_name_rank(path: &str) -> Option<usize> {
    let last = path.trim_end_matches('/').rsplit('/').next()?;
    HEALTH_NAMES.iter().position(|n| *n == last)
}

static HEALTH_RX: LazyLock<Regex> = LazyLock::new(|| {
    let alts: Vec<String> = HEALTH_ROUTES.iter().map(|r| regex::escape(r)).collect();
    // Go 1.22's ServeMux patterns put the method first: `mux.HandleFunc("GET /healthz", …)`.
    Regex::new(&format!(
        r#"["'`](?:(?:GET|HEAD)\s+)?({})/?["'`]"#,
        alts.join("|")
    ))
    .expect("built-in pattern")
});

/// The best health route defined in `text`: `(rank, route, offset of the route)`.
pub fn health_route(text: &str) -> Option<(usize, &'static str, usize)> {
    let mut best: Option<(usize, &'static str, usize)> = None;
    for c in HEALTH_RX.captures_iter(text) {
        let m = c.get(1).expect("group 1");
        let rank = HEALTH_ROUTES
            .iter()
            .position(|r| *r == m.as_str())
            .expect("route from the list");
        if best.is_none_or(|(r, _, _)| rank < r) {
            best = Some((rank, HEALTH_ROUTES[rank], m.start()));
        }
    }
    best
}

static CMD_PORT_RX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:--port[= ]|-p\s+|--bind[= ]|-b\s+|--listen[= ]|--urls[= ])(?:[\w.\[\]:]*:)?(\d{2,5})\b|(?:0\.0\.0\.0|localhost|127\.0\.0\.1|\[::\]):(\d{2,5})\b",
    )
    .expect("built-in pattern")
});

/// Ports named in a command line (`--port 8000`, `-b 0.0.0.0:8000`, `0.0.0.0:3000`).
pub fn ports_in_command(text: &str) -> Vec<(u16, usize)> {
    CMD_PORT_RX
        .captures_iter(text)
        .filter_map(|c| {
            let m = c.get(1).or_else(|| c.get(2))?;
            let p: u16 = m.as_str().parse().ok()?;
            (p > 0).then_some((p, m.start()))
        })
        .collect()
}

/// `PORT=NNNN` in a dotenv file: `(port, line)`.
pub fn dotenv_port(text: &str) -> Option<(u16, u32)> {
    dotenv_pairs(text)
        .find(|(k, _, _)| *k == "PORT")
        .and_then(|(_, v, line)| v.parse().ok().map(|p| (p, line)))
}

/// The value of `key` in a dotenv file, with its 1-based line.
pub fn dotenv_value<'t>(text: &'t str, key: &str) -> Option<(&'t str, u32)> {
    dotenv_pairs(text)
        .find(|(k, _, _)| *k == key)
        .map(|(_, v, line)| (v, line))
}

/// Variable names in a dotenv file with their 1-based lines (values are never kept).
pub fn dotenv_names(text: &str) -> Vec<(String, u32)> {
    dotenv_pairs(text)
        .map(|(k, _, line)| (k.to_string(), line))
        .collect()
}

fn dotenv_pairs(text: &str) -> impl Iterator<Item = (&str, &str, u32)> {
    text.lines().enumerate().filter_map(|(i, line)| {
        let l = line.trim();
        if l.starts_with('#') {
            return None;
        }
        let l = l.strip_prefix("export ").unwrap_or(l);
        let (k, v) = l.split_once('=')?;
        let k = k.trim();
        let valid = !k.is_empty()
            && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !k.starts_with(|c: char| c.is_ascii_digit());
        valid.then(|| (k, v.trim().trim_matches(['"', '\'']), (i + 1) as u32))
    })
}

/// Whether a path is test code (its reads and routes do not describe production).
/// Whether `path` is inside a `vendor/` folder: third-party code copied in (`go mod vendor`,
/// Composer, Bundler's `vendor/bundle`). What it reads, imports or listens on says nothing of the
/// application, and a vendored module's `go.mod` is not a service.
pub fn is_vendored_path(path: &str) -> bool {
    path.split('/').any(|c| c == "vendor")
}

pub fn is_test_path(path: &str) -> bool {
    // Called for every file of a service on every source read: compare without lower-casing
    // a copy of the path.
    const FOLDERS: &[&str] = &[
        "test",
        "tests",
        "__tests__",
        "spec",
        "specs",
        "testdata",
        "e2e",
        "fixtures",
        "__mocks__",
    ];
    let name = path.rsplit('/').next().unwrap_or(path);
    let has = |needle: &str| {
        name.as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
    };
    let ends = |suffix: &str| {
        name.len() >= suffix.len()
            && name.as_bytes()[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    path.split('/')
        .any(|c| FOLDERS.iter().any(|f| c.eq_ignore_ascii_case(f)))
        || (name.len() >= 5 && name.as_bytes()[..5].eq_ignore_ascii_case(b"test_"))
        || has(".test.")
        || has(".spec.")
        || ends("_test.go")
        || ends("_test.py")
        || ends("_spec.rb")
        || ends("tests.cs")
}

/// Entry points and configuration first when the scan budget is tight.
pub fn entry_point_rank(name: &str) -> u8 {
    const ENTRY_POINTS: &[&str] = &[
        "main",
        "server",
        "app",
        "index",
        "program",
        "application",
        "manage",
        "wsgi",
        "asgi",
    ];
    const CONFIGURATION: &[&str] = &[
        "settings", "config", "routes", "urls", "router", "health", "api", "env",
    ];
    let stem = name.split('.').next().unwrap_or(name);
    let is = |names: &[&str]| names.iter().any(|n| n.eq_ignore_ascii_case(stem));
    if is(ENTRY_POINTS) {
        0
    } else if is(CONFIGURATION) {
        1
    } else {
        2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The comment blanker as first written, one byte at a time: the fast version must agree.
    fn reference_without_comments(path: &str, text: &str) -> String {
        let style = comment_style(path);
        if style == CommentStyle::None {
            return text.to_string();
        }
        let rust = path.ends_with(".rs");
        let bytes = text.as_bytes();
        let mut out: Vec<u8> = bytes.to_vec();
        let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
            for b in &mut out[from..to] {
                if *b != b'\n' {
                    *b = b' ';
                }
            }
        };
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            let next = bytes.get(i + 1).copied();
            let line_comment = match style {
                CommentStyle::Hash => b == b'#',
                CommentStyle::Slashes => b == b'/' && next == Some(b'/'),
                CommentStyle::Php => {
                    (b == b'#' && next != Some(b'[')) || (b == b'/' && next == Some(b'/'))
                }
                CommentStyle::None => false,
            };
            if line_comment {
                let end = text[i..].find('\n').map_or(bytes.len(), |e| i + e);
                blank(&mut out, i, end);
                i = end;
                continue;
            }
            if style != CommentStyle::Hash && b == b'/' && next == Some(b'*') {
                let end = text[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |e| i + 2 + e + 2);
                blank(&mut out, i, end);
                i = end;
                continue;
            }
            if b == b'"' || b == b'`' || (b == b'\'' && (!rust || is_char_literal(&bytes[i..]))) {
                let triple = bytes[i..].starts_with(&[b, b, b]);
                let mut j = i + if triple { 3 } else { 1 };
                while j < bytes.len() {
                    if bytes[j] == b'\\' {
                        j += 2;
                        continue;
                    }
                    if triple {
                        if bytes[j..].starts_with(&[b, b, b]) {
                            j += 3;
                            break;
                        }
                    } else if bytes[j] == b {
                        j += 1;
                        break;
                    } else if bytes[j] == b'\n' && b != b'`' {
                        break;
                    }
                    j += 1;
                }
                i = j;
                continue;
            }
            i += 1;
        }
        String::from_utf8(out).unwrap_or_else(|_| text.to_string())
    }

    proptest::proptest! {
        #[test]
        fn blanking_comments_agrees_with_the_byte_by_byte_reference(
            text in "[a-z /*#'\"`\\\n\\[\\]é]{0,200}",
            ext in proptest::sample::select(vec!["go", "py", "php", "rs", "js", "txt"]),
        ) {
            let path = format!("src/main.{ext}");
            proptest::prop_assert_eq!(
                without_comments(&path, &text).into_owned(),
                reference_without_comments(&path, &text)
            );
        }
    }

    #[test]
    fn finds_env_reads_per_language() {
        let js = "const u = process.env.DATABASE_URL; const k = process.env['API_KEY'];";
        let names: Vec<String> = env_var_reads(Language::Typescript, js)
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(names, ["DATABASE_URL", "API_KEY"]);
        let py =
            "x = os.environ['SECRET_KEY']\ny = os.getenv(\"REDIS_URL\", 'x')\nz = env('DEBUG')";
        let names: Vec<String> = env_var_reads(Language::Python, py)
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(names, ["SECRET_KEY", "REDIS_URL", "DEBUG"]);
        // os.getenv is read once; a bare getenv and a project's get_env helper count too.
        let py =
            "a = os.getenv('A')\nb = getenv('B')\nc = field(default_factory=get_env(\"C\", 1))";
        let names: Vec<String> = env_var_reads(Language::Python, py)
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(names, ["A", "B", "C"]);
        let java = "spring.datasource.url=${DB_URL:jdbc:postgresql://localhost/app}";
        assert_eq!(env_var_reads(Language::Java, java)[0].0, "DB_URL");
    }

    #[test]
    fn prefers_healthz_over_ping() {
        let text = "app.get('/ping', f)\napp.get(\"/healthz\", g)";
        let (_, route, off) = health_route(text).unwrap();
        assert_eq!(route, "/healthz");
        assert_eq!(&text[off..off + 8], "/healthz");
        assert!(health_route("app.get('/healthcheck-ui')").is_none());
    }

    #[test]
    fn a_go_servemux_pattern_with_a_method_is_a_route() {
        let text = r#"mux.HandleFunc("GET /healthz", health)"#;
        let (_, route, off) = health_route(text).unwrap();
        assert_eq!(route, "/healthz");
        assert_eq!(&text[off..off + 8], "/healthz");
        assert!(health_route(r#"mux.HandleFunc("POST /health", h)"#).is_none());
    }

    #[test]
    fn setting_a_variable_is_not_reading_it() {
        let names = |lang, text: &str| -> Vec<String> {
            env_var_reads(lang, text)
                .into_iter()
                .map(|(n, _)| n)
                .collect()
        };
        // A script that sets a variable for what it runs reads nothing.
        let py = "os.environ['SEARCH_DEBUG'] = '1'\nos.environ[\"DOCS_DIR\"]=str(p)\nif os.environ['MODE'] == 'x': pass\nkey = os.environ['SECRET_KEY']\n";
        assert_eq!(names(Language::Python, py), ["MODE", "SECRET_KEY"]);
        let js = "process.env.NODE_ENV = 'test';\nconst f = () => process.env.API_URL;\nif (process.env.CI === 'true') {}\n";
        assert_eq!(names(Language::Javascript, js), ["API_URL", "CI"]);
    }

    #[test]
    fn finds_ports_in_commands_and_env_files() {
        let procfile = "web: gunicorn app:app -b 0.0.0.0:8000\n";
        assert_eq!(ports_in_command(procfile)[0].0, 8000);
        assert_eq!(ports_in_command("uvicorn main:app --port 9000")[0].0, 9000);
        assert_eq!(dotenv_port("# c\nPORT=4000\n"), Some((4000, 2)));
    }

    #[test]
    fn a_dotenv_value_is_read_by_its_exact_name() {
        let text = "# TYPEORM_CONNECTION=mysql\nTYPEORM_CONNECTION=postgres\nAPP_PORT=\"3000\"\n";
        assert_eq!(
            dotenv_value(text, "TYPEORM_CONNECTION"),
            Some(("postgres", 2))
        );
        assert_eq!(dotenv_value(text, "APP_PORT"), Some(("3000", 3)));
        assert_eq!(dotenv_value(text, "PORT"), None);
    }

    #[test]
    fn dotenv_names_never_keep_values() {
        let names = dotenv_names("A=1\n# B=2\nexport C=\"x\"\n1BAD=3\n");
        assert_eq!(names, vec![("A".to_string(), 1), ("C".to_string(), 3)]);
    }

    #[test]
    fn recognises_test_paths() {
        // The same answers as lower-casing the path first, upper case included.
        let lowered = |path: &str| {
            let lower = path.to_ascii_lowercase();
            let name = lower.rsplit('/').next().unwrap_or(&lower).to_string();
            lower.split('/').any(|c| {
                matches!(
                    c,
                    "test"
                        | "tests"
                        | "__tests__"
                        | "spec"
                        | "specs"
                        | "testdata"
                        | "e2e"
                        | "fixtures"
                        | "__mocks__"
                )
            }) || name.starts_with("test_")
                || name.contains(".test.")
                || name.contains(".spec.")
                || name.ends_with("_test.go")
                || name.ends_with("_test.py")
                || name.ends_with("_spec.rb")
                || name.ends_with("tests.cs")
        };
        for p in [
            "api/Tests/App.py",
            "Test_x.py",
            "a/B.Spec.ts",
            "svc/Main_Test.go",
            "x/e2E/y.js",
            "src/MyTests.cs",
            "spec_helper.rb",
            "a/specs",
            "tes",
            "t/.test.",
            "lib/contest.py",
            "src/attest/main.go",
            "é/tests/ü.py",
            "app/models_spec.rb",
            "",
            "/",
            "x/FIXTURES/a",
        ] {
            assert_eq!(is_test_path(p), lowered(p), "{p}");
        }
        assert!(is_test_path("api/tests/test_app.py"));
        assert!(is_test_path("web/src/app.test.ts"));
        assert!(is_test_path("svc/main_test.go"));
        assert!(!is_test_path("api/app/main.py"));
    }
}

/// How a file's comments are written, by extension.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CommentStyle {
    /// `# …` (Python, Ruby, YAML, TOML, properties, shell).
    Hash,
    /// `// …` and `/* … */` (JavaScript, TypeScript, Go, Rust, Java, Kotlin, C#).
    Slashes,
    /// Both (PHP), except `#[…]` attributes.
    Php,
    None,
}

fn comment_style(path: &str) -> CommentStyle {
    let ext = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "py" | "rb" | "yml" | "yaml" | "toml" | "properties" | "env" | "sh" => CommentStyle::Hash,
        "js" | "mjs" | "cjs" | "jsx" | "ts" | "mts" | "cts" | "tsx" | "go" | "rs" | "java"
        | "kt" | "kts" | "cs" | "scala" | "prisma" | "gradle" => CommentStyle::Slashes,
        "php" => CommentStyle::Php,
        _ => CommentStyle::None,
    }
}

/// `text` with every comment blanked out (newlines kept, so offsets and lines stay valid):
/// facts are read from code, never from commented-out code or prose. String literals are
/// skipped over so `"http://…"` and `"#"` stay.
pub fn without_comments<'t>(path: &str, text: &'t str) -> std::borrow::Cow<'t, str> {
    let style = comment_style(path);
    if style == CommentStyle::None {
        return std::borrow::Cow::Borrowed(text);
    }
    let rust = path.ends_with(".rs");
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = bytes.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for b in &mut out[from..to] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    };
    // The bytes that can open a comment or a literal in this style: everything else is
    // passed over in one tight loop.
    let mut opens = [false; 256];
    for b in match style {
        CommentStyle::Hash => &b"#\"'`"[..],
        CommentStyle::Slashes => &b"/\"'`"[..],
        CommentStyle::Php => &b"#/\"'`"[..],
        CommentStyle::None => &b""[..],
    } {
        opens[usize::from(*b)] = true;
    }
    let mut i = 0;
    let mut changed = false;
    while i < bytes.len() {
        match bytes[i..].iter().position(|&b| opens[usize::from(b)]) {
            Some(skip) => i += skip,
            None => break,
        }
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        let line_comment = match style {
            CommentStyle::Hash => b == b'#',
            CommentStyle::Slashes => b == b'/' && next == Some(b'/'),
            CommentStyle::Php => {
                (b == b'#' && next != Some(b'[')) || (b == b'/' && next == Some(b'/'))
            }
            CommentStyle::None => false,
        };
        if line_comment {
            let end = text[i..].find('\n').map_or(bytes.len(), |e| i + e);
            blank(&mut out, i, end);
            changed = true;
            i = end;
            continue;
        }
        if style != CommentStyle::Hash && b == b'/' && next == Some(b'*') {
            let end = text[i + 2..]
                .find("*/")
                .map_or(bytes.len(), |e| i + 2 + e + 2);
            blank(&mut out, i, end);
            changed = true;
            i = end;
            continue;
        }
        if b == b'"' || b == b'`' || (b == b'\'' && (!rust || is_char_literal(&bytes[i..]))) {
            // Skip the string literal (triple quotes end at their own kind).
            let triple = bytes[i..].starts_with(&[b, b, b]);
            let mut j = i + if triple { 3 } else { 1 };
            while j < bytes.len() {
                if bytes[j] == b'\\' {
                    j += 2;
                    continue;
                }
                if triple {
                    if bytes[j..].starts_with(&[b, b, b]) {
                        j += 3;
                        break;
                    }
                } else if bytes[j] == b {
                    j += 1;
                    break;
                } else if bytes[j] == b'\n' && b != b'`' {
                    break;
                }
                j += 1;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    if !changed {
        return std::borrow::Cow::Borrowed(text);
    }
    // Only ASCII bytes were replaced by spaces: still UTF-8.
    std::borrow::Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| text.to_string()))
}

/// In Rust a `'` opens a character literal (`'a'`, `'\n'`) or is a lifetime (`'a`).
fn is_char_literal(rest: &[u8]) -> bool {
    match rest.get(1) {
        Some(b'\\') => true,
        Some(_) => {
            // One character (up to 4 UTF-8 bytes) then the closing quote.
            (2..=5).any(|k| rest.get(k) == Some(&b'\''))
                && !rest[1..].iter().take(4).any(|c| *c == b'\n')
        }
        None => false,
    }
}

#[cfg(test)]
mod comment_tests {
    use super::*;

    #[test]
    fn comments_are_blanked_and_strings_kept() {
        let php = "<?php\n// ->withRouting(health: '/up')\n#[Attr]\n$u = 'http://x#y';\n";
        let out = without_comments("bootstrap/app.php", php);
        assert!(!out.contains("/up"));
        assert!(out.contains("#[Attr]") && out.contains("'http://x#y'"));
        assert_eq!(out.len(), php.len());
        let py = "url = \"#not\"  # @app.get('/health')\n";
        let out = without_comments("main.py", py);
        assert!(out.contains("\"#not\"") && !out.contains("/health"));
        let rs = "fn f<'a>(x: &'a str) { let c = '/'; } // .route(\"/healthz\")\n/* \"/ready\" */";
        let out = without_comments("src/main.rs", rs);
        assert!(!out.contains("/healthz") && !out.contains("/ready") && out.contains("'/'"));
        let js = "const u = `http://a//b`; /* app.get('/health') */";
        assert!(!without_comments("a.js", js).contains("/health"));
    }
}
