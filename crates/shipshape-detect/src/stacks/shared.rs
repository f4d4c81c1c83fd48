//! Helpers the Python, Ruby and PHP detectors share: runtime-version precedence, `.tool-versions`,
//! the Procfile `web:` command, folder names and backing-service merging.

use std::cmp::Ordering;
use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::model::{Ambiguity, BackingKind};

/// Backing services of one service, one entry per kind with every piece of evidence.
#[derive(Debug, Default)]
pub(crate) struct Backing(pub(crate) Vec<Located<BackingKind>>);

impl Backing {
    pub(crate) fn add(&mut self, kind: BackingKind, ev: Evidence) {
        match self.0.iter_mut().find(|b| b.value == kind) {
            Some(b) => {
                if !b.evidence.contains(&ev) {
                    b.evidence.push(ev);
                }
            }
            None => self.0.push(Located::new(kind, ev)),
        }
    }
}

/// Whether a file's folder (`""` for the root) is the service folder `dir` (`.` for the root).
/// Whether a file's path relative to its service (`scripts/release.py`) lies in a folder with
/// one of these names at any depth: code there (release and maintenance scripts, docs) does
/// not run in the service's image.
pub(crate) fn in_folder_named(rel_path: &str, names: &[&str]) -> bool {
    rel_path
        .split('/')
        .rev()
        .skip(1)
        .any(|part| names.contains(&part))
}

pub(crate) fn same_dir(file_dir: &str, dir: &str) -> bool {
    file_dir == dir || (file_dir.is_empty() && (dir == "." || dir.is_empty()))
}

/// The service folder's own name (the repository folder's name for the root).
pub(crate) fn folder_name(ctx: &Ctx, dir: &str) -> String {
    if dir != "." && !dir.is_empty() {
        return dir.rsplit('/').next().unwrap_or(dir).to_string();
    }
    let root = ctx.inv.root();
    root.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .or_else(|| {
            std::fs::canonicalize(root)
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        })
        .unwrap_or_else(|| "app".to_string())
}

/// `name` in `dir` or the nearest folder above it (version managers look upwards too).
pub(crate) fn find_upwards(ctx: &Ctx, dir: &str, name: &str) -> Option<String> {
    let mut d = if dir.is_empty() { "." } else { dir };
    loop {
        let p = Ctx::join(d, name);
        if ctx.exists(&p) {
            return Some(p);
        }
        if d == "." {
            return None;
        }
        d = d.rsplit_once('/').map(|(p, _)| p).unwrap_or(".");
    }
}

/// The version `tool` is pinned to in the nearest `.tool-versions` (asdf, mise).
pub(crate) fn tool_version(ctx: &Ctx, dir: &str, tool: &str) -> Option<Candidate> {
    let path = find_upwards(ctx, dir, ".tool-versions")?;
    let text = ctx.text(&path)?;
    text.lines().enumerate().find_map(|(i, l)| {
        let mut words = l.split_whitespace();
        (words.next()? == tool).then_some(())?;
        let ver = words.next()?;
        Candidate::exact(
            ver,
            Evidence::new(
                &path,
                u32::try_from(i + 1).ok(),
                format!(".tool-versions > {tool}"),
            ),
        )
    })
}

/// The Procfile `web:` command, unless it runs a development server (then a note says why
/// it was not used).
pub(crate) fn procfile_web(ctx: &Ctx, dir: &str) -> Option<Located<String>> {
    let path = Ctx::join(dir, "Procfile");
    let text = ctx.text(&path)?;
    let (i, cmd) = text.lines().enumerate().find_map(|(i, l)| {
        l.trim_start()
            .strip_prefix("web:")
            .map(|c| (i, c.trim().to_string()))
    })?;
    let line = u32::try_from(i + 1).ok();
    if cmd.is_empty() {
        return None;
    }
    if is_dev_server(&cmd) {
        ctx.note(
            &path,
            line,
            "the web process runs a development server — not used as the production start command",
        );
        return None;
    }
    Some(Located::new(
        cmd,
        Evidence::new(&path, line, "Procfile > web"),
    ))
}

/// Development servers: auto-reload, debug, single-threaded — never the production command.
pub(crate) fn is_dev_server(cmd: &str) -> bool {
    let c = cmd.to_ascii_lowercase();
    c.contains("runserver")
        || c.contains("flask run")
        || c.contains("--reload")
        || c.contains("artisan serve")
        || c.contains("php -s ")
        || c.contains("symfony serve")
        || c.contains("symfony server:start")
        || c.contains("nodemon")
        || c.contains("next dev")
}

/// A version as numbers (`3.12.1` → `[3, 12, 1]`; `x`/`*` components end it).
fn numbers(s: &str) -> Option<Vec<u64>> {
    let mut out = Vec::new();
    for part in s.split('.') {
        let digits: String = part.chars().take_while(|c| c.is_ascii_digit()).collect();
        if digits.is_empty() {
            break;
        }
        out.push(digits.parse().ok()?);
        if digits.len() != part.len() {
            break;
        }
    }
    (!out.is_empty()).then_some(out)
}

fn cmp_padded(a: &[u64], b: &[u64]) -> Ordering {
    let n = a.len().max(b.len());
    (0..n)
        .map(|i| a.get(i).unwrap_or(&0).cmp(b.get(i).unwrap_or(&0)))
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

fn is_prefix(short: &[u64], long: &[u64]) -> bool {
    short.len() <= long.len() && long[..short.len()] == *short
}

fn show(v: &[u64]) -> String {
    v.iter().map(u64::to_string).collect::<Vec<_>>().join(".")
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Ge,
    Gt,
    Le,
    Lt,
    Eq,
    Ne,
    /// `~=`, `~>`: same release series (`~> 3.3` allows 3.x, `~= 3.11.2` allows 3.11.x).
    Compatible,
    /// `^`: same major.
    Caret,
    /// `~` (Composer/Poetry): same series as `Compatible`.
    Tilde,
}

type Comparator = (Op, Vec<u64>);

static COMPARATOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(>=|<=|==|!=|~=|~>|>|<|=|\^|~)?\s*v?(\d+(?:\.(?:\d+|\*|x|X))*)")
        .expect("built-in pattern")
});

/// A constraint as alternatives (`||`, `|`) of comparators that must all hold.
fn parse_constraint(s: &str) -> Vec<Vec<Comparator>> {
    s.split("||")
        .flat_map(|a| a.split('|'))
        .map(|alt| {
            COMPARATOR
                .captures_iter(alt)
                .filter_map(|c| {
                    let op = match c.get(1).map(|m| m.as_str()) {
                        Some(">=") => Op::Ge,
                        Some(">") => Op::Gt,
                        Some("<=") => Op::Le,
                        Some("<") => Op::Lt,
                        Some("!=") => Op::Ne,
                        Some("~=") | Some("~>") => Op::Compatible,
                        Some("^") => Op::Caret,
                        Some("~") => Op::Tilde,
                        _ => Op::Eq,
                    };
                    Some((op, numbers(c.get(2)?.as_str())?))
                })
                .collect::<Vec<_>>()
        })
        .filter(|a| !a.is_empty())
        .collect()
}

fn holds(v: &[u64], (op, c): &Comparator) -> bool {
    let series = |keep: usize| is_prefix(&c[..keep.min(c.len())], v);
    match op {
        Op::Ge => cmp_padded(v, c).is_ge(),
        Op::Gt => cmp_padded(v, c).is_gt(),
        Op::Le => cmp_padded(v, c).is_le(),
        Op::Lt => cmp_padded(v, c).is_lt(),
        Op::Eq => is_prefix(c, v) || is_prefix(v, c),
        Op::Ne => !is_prefix(c, v),
        Op::Compatible | Op::Tilde => {
            cmp_padded(v, c).is_ge() && series(c.len().saturating_sub(1).max(1))
        }
        Op::Caret => cmp_padded(v, c).is_ge() && series(1),
    }
}

/// The lowest version a constraint allows, as written (`>=3.11,<4` → `3.11`).
fn lower_bound(alts: &[Vec<Comparator>]) -> Option<Vec<u64>> {
    alts.iter()
        .filter_map(|alt| {
            alt.iter().find_map(|(op, c)| match op {
                Op::Ge | Op::Eq | Op::Compatible | Op::Caret | Op::Tilde => Some(c.clone()),
                Op::Gt => {
                    let mut v = c.clone();
                    if let Some(last) = v.last_mut() {
                        *last += 1;
                    }
                    Some(v)
                }
                _ => None,
            })
        })
        .min_by(|a, b| cmp_padded(a, b))
}

/// Binds of a literal loopback address, per language (the address is the first group).
static LOOPBACK_BIND_RUST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?:\bbind|\bserve|\bbind_addr)\(\s*(?:&\s*)?(?:format!\(\s*)?"((?:127\.0\.0\.1|localhost|\[::1\])(?::[^"]*)?)"|SocketAddr::from\(\s*\(\s*(\[\s*127\s*,\s*0\s*,\s*0\s*,\s*1\s*\])"#,
    )
    .expect("built-in pattern")
});
static LOOPBACK_BIND_GO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\b(?:ListenAndServe|ListenAndServeTLS|Listen|Run|RunTLS|Start|StartTLS)\(\s*(?:"tcp[46]?"\s*,\s*)?"((?:127\.0\.0\.1|localhost|\[::1\]):[^"]*)""#,
    )
    .expect("built-in pattern")
});
static LOOPBACK_BIND_NODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\.listen\(\s*[\w.]+\s*,\s*['"](127\.0\.0\.1|localhost|::1)['"]|\.listen\(\s*\{[^}]*\bhost\s*:\s*['"](127\.0\.0\.1|localhost|::1)['"]"#,
    )
    .expect("built-in pattern")
});

/// The first literal loopback address a server's code binds (`language` is `rust`, `go` or
/// `node`), with where: a container's published port cannot reach such a server. Comment
/// lines are not read.
pub(crate) fn loopback_bind(
    language: &str,
    sources: &[(&shipshape_core::FileEntry, std::sync::Arc<str>)],
) -> Option<Located<String>> {
    let re: &Regex = match language {
        "rust" => &LOOPBACK_BIND_RUST,
        "go" => &LOOPBACK_BIND_GO,
        "node" => &LOOPBACK_BIND_NODE,
        _ => return None,
    };
    sources.iter().find_map(|(f, text)| {
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            let t = line.trim_start();
            if t.starts_with("//") || t.starts_with('*') || t.starts_with("/*") {
                continue;
            }
            if let Some(c) = re.captures(line) {
                let Some(addr) = c.iter().skip(1).flatten().next() else {
                    continue;
                };
                let shown = match addr.as_str() {
                    a if a.starts_with('[') && a.contains("127") => "127.0.0.1".to_string(),
                    a => a.to_string(),
                };
                return Some(Located::new(
                    shown,
                    Evidence::at_offset(
                        &f.path,
                        text,
                        start + addr.start(),
                        "binds a loopback address in the code",
                    ),
                ));
            }
        }
        None
    })
}

/// Whether version `a` is below `b` (`3.9` < `3.11`), missing parts read as 0.
pub(crate) fn version_below(a: &str, b: &str) -> bool {
    match (numbers(a), numbers(b)) {
        (Some(a), Some(b)) => cmp_padded(&a, &b) == Ordering::Less,
        _ => false,
    }
}

/// One place a runtime version is stated.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    /// What the service should run (`3.12`; the lowest allowed for a constraint).
    pub(crate) value: String,
    /// As written in the file.
    raw: String,
    spec: Spec,
    pub(crate) evidence: Evidence,
}

#[derive(Debug, Clone)]
enum Spec {
    Exact(Option<Vec<u64>>),
    Constraint(Vec<Vec<Comparator>>),
}

impl Candidate {
    /// A pinned version (`3.12.1`, `ruby-3.3.0`, `python-3.11`).
    pub(crate) fn exact(raw: &str, evidence: Evidence) -> Option<Candidate> {
        let raw = raw.trim().trim_matches(['"', '\'']);
        if raw.is_empty() {
            return None;
        }
        let v = raw
            .trim_start_matches("python-")
            .trim_start_matches("ruby-")
            .trim_start_matches('v');
        let nums = numbers(v);
        Some(Candidate {
            value: v.to_string(),
            raw: raw.to_string(),
            spec: Spec::Exact(nums),
            evidence,
        })
    }

    /// A version constraint; `None` when it states no lower bound (`*`, `<4`).
    pub(crate) fn constraint(raw: &str, evidence: Evidence) -> Option<Candidate> {
        let alts = parse_constraint(raw);
        let low = lower_bound(&alts)?;
        Some(Candidate {
            value: show(&low),
            raw: raw.trim().to_string(),
            spec: Spec::Constraint(alts),
            evidence,
        })
    }

    fn agrees(&self, other: &Candidate) -> bool {
        match (&self.spec, &other.spec) {
            (Spec::Exact(Some(a)), Spec::Exact(Some(b))) => is_prefix(a, b) || is_prefix(b, a),
            (Spec::Exact(Some(v)), Spec::Constraint(alts))
            | (Spec::Constraint(alts), Spec::Exact(Some(v))) => {
                alts.iter().any(|alt| alt.iter().all(|c| holds(v, c)))
            }
            (Spec::Constraint(_), Spec::Constraint(_)) => {
                let a = numbers(&self.value).unwrap_or_default();
                let b = numbers(&other.value).unwrap_or_default();
                a.iter().take(2).eq(b.iter().take(2))
            }
            _ => self.value == other.value,
        }
    }
}

/// The first candidate in precedence order, with the evidence of every candidate that agrees
/// with it; disagreeing candidates are reported as an ambiguity.
pub(crate) fn choose_runtime(
    ctx: &Ctx,
    service: &str,
    runtime: &str,
    candidates: Vec<Candidate>,
) -> Option<Located<String>> {
    let first = candidates.first()?.clone();
    let conflict = candidates.iter().any(|c| !first.agrees(c));
    if conflict {
        ctx.ambiguity(Ambiguity {
            subject: format!("services.{service}.runtime_version"),
            chosen: Some(first.value.clone()),
            candidates: candidates
                .iter()
                .map(|c| Located::new(c.raw.clone(), c.evidence.clone()))
                .collect(),
            hint: format!(
                "make the {runtime} versions agree, or set `runtime_version` under [services.{service}] in shipshape.toml"
            ),
        });
    }
    let evidence = candidates
        .iter()
        .filter(|c| first.agrees(c))
        .map(|c| c.evidence.clone())
        .collect();
    // A range stays a range (`^8.0`, `>=3.9`): the image's version is chosen from what it admits
    // and what is published, not from its lower bound.
    let value = match first.spec {
        Spec::Constraint(_) => first.raw,
        Spec::Exact(_) => first.value,
    };
    Some(Located { value, evidence })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev() -> Evidence {
        Evidence::file("x", "x")
    }

    #[test]
    fn constraint_value_is_the_lowest_allowed_version() {
        let c = |s: &str| Candidate::constraint(s, ev()).map(|c| c.value);
        assert_eq!(c(">=3.11,<4").as_deref(), Some("3.11"));
        assert_eq!(c("^8.2").as_deref(), Some("8.2"));
        assert_eq!(c("^8.3 || ^8.2").as_deref(), Some("8.2"));
        assert_eq!(c("~> 3.3").as_deref(), Some("3.3"));
        assert_eq!(c("==3.12.*").as_deref(), Some("3.12"));
        assert_eq!(c(">3.10").as_deref(), Some("3.11"));
        assert_eq!(c("<4"), None);
        assert_eq!(c("*"), None);
    }

    #[test]
    fn pinned_version_satisfying_a_constraint_is_no_conflict() {
        let pin = Candidate::exact("3.12.4", ev()).unwrap();
        let ok = Candidate::constraint(">=3.11", ev()).unwrap();
        let caret = Candidate::constraint("^3.12", ev()).unwrap();
        let bad = Candidate::constraint(">=3.13", ev()).unwrap();
        assert!(pin.agrees(&ok));
        assert!(pin.agrees(&caret));
        assert!(!pin.agrees(&bad));
        let series = Candidate::exact("3.12", ev()).unwrap();
        assert!(pin.agrees(&series));
        assert!(!pin.agrees(&Candidate::exact("3.11", ev()).unwrap()));
        let ruby = Candidate::exact("ruby-3.3.0", ev()).unwrap();
        assert_eq!(ruby.value, "3.3.0");
        assert!(ruby.agrees(&Candidate::constraint("~> 3.3", ev()).unwrap()));
    }

    #[test]
    fn finds_literal_loopback_binds_and_skips_comments_and_variables() {
        let found = |lang: &str, code: &str| -> Option<String> {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("main.x"), code).unwrap();
            let inv = shipshape_core::Inventory::open(dir.path()).unwrap();
            let f = inv.files().iter().find(|f| f.name() == "main.x").unwrap();
            loopback_bind(lang, &[(f, std::sync::Arc::from(code))]).map(|l| l.value)
        };
        let rust = "let listener = TcpListener::bind(&format!(\"127.0.0.1:{port}\")).await?;";
        assert_eq!(found("rust", rust).as_deref(), Some("127.0.0.1:{port}"));
        let addr = "let addr = SocketAddr::from(([127, 0, 0, 1], 3000));";
        assert_eq!(found("rust", addr).as_deref(), Some("127.0.0.1"));
        assert_eq!(found("rust", "TcpListener::bind(\"0.0.0.0:8080\")"), None);
        assert_eq!(
            found("rust", "// TcpListener::bind(\"127.0.0.1:8080\")"),
            None
        );
        assert_eq!(found("rust", "TcpListener::bind(addr)"), None);
        let go = "ln, err := net.Listen(\"tcp\", \"localhost:9000\")";
        assert_eq!(found("go", go).as_deref(), Some("localhost:9000"));
        assert_eq!(found("go", "r.Run(\":8080\")"), None);
        assert_eq!(found("go", "http.ListenAndServe(*addr, nil)"), None);
        let fastify = "await app.listen({ port: 3000, host: '127.0.0.1' });";
        assert_eq!(found("node", fastify).as_deref(), Some("127.0.0.1"));
        assert_eq!(
            found("node", "server.listen(PORT, 'localhost', cb)").as_deref(),
            Some("localhost")
        );
        assert_eq!(found("node", "app.listen(port, process.env.HOST)"), None);
        assert_eq!(
            found("python", "uvicorn.run(app, host=\"127.0.0.1\")"),
            None
        );
    }

    #[test]
    fn recognises_development_servers() {
        assert!(is_dev_server("python manage.py runserver 0.0.0.0:8000"));
        assert!(is_dev_server("flask run --debug"));
        assert!(is_dev_server("uvicorn main:app --reload"));
        assert!(is_dev_server("php artisan serve"));
        assert!(!is_dev_server("gunicorn app:app --bind 0.0.0.0:5000"));
    }
}
