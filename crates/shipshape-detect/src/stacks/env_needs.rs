//! Which environment variables a service cannot start without, and which it reads with a
//! default: the difference between what `.env.example` must ask the operator for and what it
//! must leave alone (an empty `NAME=` passed by compose beats the default in the code).
//!
//! A read is *required* (`os.environ["X"]`, `ENV.fetch("X")`, `env::var("X").expect(…)`, a
//! pydantic `BaseSettings` field or a zod/t3 env schema key without a default, a Spring
//! `${X}` placeholder), *defaulted* (`os.getenv("X", "d")`, `process.env.X ?? "d"`,
//! `env('X', 'd')`, `${X:d}`, a settings field with a value), or neither (the code copes with
//! its absence in a way not read here). Settings classes and schemas also add the names they
//! declare to the service's env vars.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::model::{Language, Service};
use crate::scan;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Need {
    Defaulted,
    Unknown,
    Required,
}

/// Fill `svc.env_required` and `svc.env_defaulted`; names declared by settings classes and
/// env schemas join `svc.env_vars`.
pub(crate) fn attach(ctx: &Ctx, svc: &mut Service) {
    let dir = if svc.root.is_empty() {
        ".".to_string()
    } else {
        svc.root.clone()
    };
    let lang = svc.language.value;
    // Each name: the strongest need of any read and whether every read has a default.
    let mut needs: BTreeMap<String, (Need, bool)> = BTreeMap::new();
    let mut declared: Vec<Located<String>> = Vec::new();
    let mut note = |name: &str, need: Need| {
        let entry = needs
            .entry(name.to_string())
            .or_insert((Need::Defaulted, true));
        entry.0 = entry.0.max(need);
        entry.1 &= need == Need::Defaulted;
    };
    for (f, text) in ctx.source_texts(&dir, scan::extensions(lang)) {
        for (name, offset) in scan::env_var_reads(lang, &text) {
            note(&name, read_need(lang, &text, offset, &name, &f.path));
        }
        let schema = match lang {
            Language::Python => settings_fields(&text),
            Language::Javascript | Language::Typescript => env_schema_keys(&text),
            Language::Rust => clap_env_fields(&text),
            _ => Vec::new(),
        };
        for (name, offset, need) in schema {
            note(&name, need);
            declared.push(Located::new(
                name,
                Evidence::at_offset(&f.path, &text, offset, "declared in a settings schema"),
            ));
        }
    }
    for d in declared {
        match svc.env_vars.iter_mut().find(|v| v.value == d.value) {
            // Where the code declares it says more than an env file listing it (and stays the
            // same once init has written .env.example).
            Some(v) if v.evidence.iter().all(|e| e.note == "listed in env file") => *v = d,
            Some(_) => {}
            None => svc.env_vars.push(d),
        }
    }
    svc.env_vars.sort_by(|a, b| a.value.cmp(&b.value));
    svc.env_required = needs
        .iter()
        .filter(|(_, (need, _))| *need == Need::Required)
        .map(|(n, _)| n.clone())
        .collect();
    svc.env_defaulted = needs
        .iter()
        .filter(|(_, (need, all_defaulted))| *need == Need::Defaulted && *all_defaulted)
        .map(|(n, _)| n.clone())
        .collect();
}

/// How one read found by [`scan::env_var_reads`] treats a missing variable, from the code
/// around it.
fn read_need(lang: Language, text: &str, offset: usize, name: &str, path: &str) -> Need {
    let before = &text[offset.saturating_sub(40)..offset];
    let after_start = (offset + name.len()).min(text.len());
    let after_end = text[after_start..]
        .find('\n')
        .map_or(text.len(), |e| after_start + e);
    let after = &text[after_start..after_end];
    // What follows the closing quote of the name (`, "d")`, `"]`, `).expect(`).
    let rest = after.trim_start_matches(['"', '\'', '`']).trim_start();
    let second_argument = rest.starts_with(',');
    match lang {
        Language::Python => {
            if before.ends_with("environ[\"") || before.ends_with("environ['") {
                Need::Required
            } else if before.contains("environ.get(")
                || before.contains("getenv(")
                || before.contains("get_env(")
            {
                if second_argument {
                    Need::Defaulted
                } else {
                    Need::Unknown
                }
            } else if second_argument {
                // django-environ's env("X", default=…) and decouple's config("X", default=…).
                Need::Defaulted
            } else {
                Need::Required
            }
        }
        Language::Javascript | Language::Typescript | Language::Html => {
            let rest = rest.trim_start_matches(']').trim_start();
            if rest.starts_with("||") || rest.starts_with("??") {
                Need::Defaulted
            } else if rest.starts_with('!') && !rest.starts_with("!=") {
                Need::Required
            } else {
                Need::Unknown
            }
        }
        Language::Ruby => {
            if before.ends_with("fetch(\"") || before.ends_with("fetch('") {
                if second_argument || rest.trim_start_matches(')').trim_start().starts_with('{') {
                    Need::Defaulted
                } else {
                    Need::Required
                }
            } else if rest.trim_start_matches(']').trim_start().starts_with("||") {
                Need::Defaulted
            } else {
                Need::Unknown
            }
        }
        Language::Php => {
            if second_argument {
                Need::Defaulted
            } else {
                Need::Unknown
            }
        }
        Language::Rust => {
            let chain = rest.trim_start_matches(')');
            if chain.starts_with(".unwrap_or") || chain.starts_with(".ok()") {
                Need::Defaulted
            } else if chain.starts_with(".expect(")
                || chain.starts_with(".unwrap()")
                || chain.starts_with('?')
            {
                Need::Required
            } else {
                Need::Unknown
            }
        }
        Language::Java | Language::Kotlin => {
            let placeholder =
                path.ends_with(".properties") || path.ends_with(".yml") || path.ends_with(".yaml");
            if placeholder && before.ends_with("${") {
                if rest.starts_with(':') {
                    Need::Defaulted
                } else {
                    Need::Required
                }
            } else {
                Need::Unknown
            }
        }
        Language::Go | Language::Csharp => Need::Unknown,
    }
}

static SETTINGS_CLASS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^class\s+\w+\s*\([^)]*BaseSettings[^)]*\)\s*:")
        .unwrap_or_else(|e| panic!("settings class pattern: {e}"))
});
static SETTINGS_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\s+)([A-Za-z_][A-Za-z0-9_]*)\s*:\s*[^=\n]+?(=\s*(.*))?$")
        .unwrap_or_else(|e| panic!("settings field pattern: {e}"))
});
static ENV_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"env_prefix\s*=\s*['"]([A-Za-z0-9_]*)['"]"#)
        .unwrap_or_else(|e| panic!("env prefix pattern: {e}"))
});

/// Fields of pydantic `BaseSettings` classes: `database_url: str` is DATABASE_URL (with the
/// class's `env_prefix`), required unless it has a value or `Field(default=…)`.
/// Fields of a clap `Parser` struct that read the environment: `#[clap(long, env)] hmac_key:
/// String` is HMAC_KEY (`env = "NAME"` names it), required unless it is an `Option`, a `bool`
/// or has a `default_value`.
fn clap_env_fields(text: &str) -> Vec<(String, usize, Need)> {
    let mut out = Vec::new();
    if !text.contains("clap") && !text.contains("#[arg(") {
        return out;
    }
    // (the name `env = "…"` gives, whether a default is set, where the attribute starts)
    let mut pending: Option<(Option<String>, bool, usize)> = None;
    let mut attr = String::new();
    let mut attr_start = 0;
    let mut in_attr = false;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let t = line.trim();
        if in_attr || t.starts_with("#[clap(") || t.starts_with("#[arg(") {
            if !in_attr {
                attr.clear();
                attr_start = start + (line.len() - line.trim_start().len());
            }
            attr.push_str(t);
            attr.push(' ');
            in_attr = !t.ends_with(")]");
            if !in_attr {
                let inner = attr
                    .split_once('(')
                    .map(|(_, rest)| rest.trim_end().trim_end_matches(")]"))
                    .unwrap_or("");
                let reads_env = inner
                    .split(',')
                    .map(str::trim)
                    .any(|p| p == "env" || p.starts_with("env =") || p.starts_with("env="));
                if reads_env {
                    let named = inner.split(',').map(str::trim).find_map(|p| {
                        let v = p.strip_prefix("env")?.trim_start().strip_prefix('=')?;
                        Some(v.trim().trim_matches('"').to_string())
                    });
                    let defaulted = inner.contains("default_value");
                    pending = Some((named, defaulted, attr_start));
                }
            }
            continue;
        }
        if t.is_empty() || t.starts_with("///") || t.starts_with("//") || t.starts_with("#[") {
            continue;
        }
        let Some((named, defaulted, at)) = pending.take() else {
            continue;
        };
        let field = t.strip_prefix("pub ").unwrap_or(t);
        let field = if field.starts_with("pub(") {
            field.split_once(") ").map_or(field, |(_, f)| f)
        } else {
            field
        };
        let Some((name, ty)) = field.split_once(':') else {
            continue;
        };
        let name = name.trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let var = named.unwrap_or_else(|| name.to_ascii_uppercase());
        let ty = ty.trim().trim_end_matches(',').trim();
        let need = if defaulted || ty.starts_with("Option<") || ty == "bool" {
            Need::Defaulted
        } else {
            Need::Required
        };
        out.push((var, at, need));
    }
    out
}

fn settings_fields(text: &str) -> Vec<(String, usize, Need)> {
    let mut out = Vec::new();
    for class in SETTINGS_CLASS.find_iter(text) {
        let body_start = class.end();
        let mut offset = body_start;
        let mut prefix = String::new();
        let mut fields = Vec::new();
        for line in text[body_start..].split_inclusive('\n') {
            let here = offset;
            offset += line.len();
            let trimmed = line.trim_end_matches(['\n', '\r']);
            if trimmed.trim().is_empty() {
                continue;
            }
            // The class body ends at the next line that is not indented.
            if !trimmed.starts_with([' ', '\t']) {
                break;
            }
            if let Some(p) = ENV_PREFIX.captures(trimmed).and_then(|c| c.get(1)) {
                prefix = p.as_str().to_ascii_uppercase();
            }
            let Some(c) = SETTINGS_FIELD.captures(trimmed) else {
                continue;
            };
            let (Some(indent), Some(name)) = (c.get(1), c.get(2)) else {
                continue;
            };
            if indent.as_str().len() > 4 || name.as_str() == "model_config" {
                continue;
            }
            let value = c.get(4).map(|v| v.as_str().trim()).unwrap_or("");
            let need = if c.get(3).is_none()
                || (value.starts_with("Field(")
                    && !value.contains("default")
                    && (value.starts_with("Field(...") || value == "Field()"))
            {
                Need::Required
            } else {
                Need::Defaulted
            };
            fields.push((
                name.as_str().to_ascii_uppercase(),
                here + name.start(),
                need,
            ));
        }
        out.extend(
            fields
                .into_iter()
                .map(|(name, at, need)| (format!("{prefix}{name}"), at, need)),
        );
    }
    out
}

static SCHEMA_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^\s*([A-Z][A-Z0-9_]*)\s*:\s*z\s*\.([^\n]*)")
        .unwrap_or_else(|e| panic!("env schema pattern: {e}"))
});

/// Keys of a zod env schema (t3's `createEnv({ server: { DATABASE_URL: z.string() } })`, or
/// `z.object({...}).parse(process.env)`): required unless `.optional()` or `.default(…)`.
fn env_schema_keys(text: &str) -> Vec<(String, usize, Need)> {
    if !(text.contains("createEnv(") || text.contains("process.env")) || !text.contains("z.") {
        return Vec::new();
    }
    SCHEMA_KEY
        .captures_iter(text)
        .filter_map(|c| {
            let name = c.get(1)?;
            let chain = c.get(2)?.as_str();
            let need = if chain.contains(".optional()") || chain.contains(".default(") {
                Need::Defaulted
            } else {
                Need::Required
            };
            Some((name.as_str().to_string(), name.start(), need))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need(lang: Language, code: &str, name: &str) -> Need {
        let offset = code.find(name).expect("name in code");
        read_need(lang, code, offset, name, "x")
    }

    #[test]
    fn python_reads_with_and_without_defaults() {
        assert_eq!(
            need(Language::Python, "os.environ[\"SECRET_KEY\"]", "SECRET_KEY"),
            Need::Required
        );
        assert_eq!(
            need(
                Language::Python,
                "os.getenv(\"MONGO_DB\", \"events\")",
                "MONGO_DB"
            ),
            Need::Defaulted
        );
        assert_eq!(
            need(
                Language::Python,
                "os.environ.get(\"SENTRY_DSN\")",
                "SENTRY_DSN"
            ),
            Need::Unknown
        );
        assert_eq!(
            need(Language::Python, "env(\"DEBUG\", default=False)", "DEBUG"),
            Need::Defaulted
        );
        assert_eq!(
            need(Language::Python, "config(\"API_TOKEN\")", "API_TOKEN"),
            Need::Required
        );
        // A project's own helper: a default is a default, none says nothing.
        assert_eq!(
            need(
                Language::Python,
                "field(default_factory=get_env(\"SAQ_REDIS_URL\", \"redis://localhost\"))",
                "SAQ_REDIS_URL"
            ),
            Need::Defaulted
        );
        assert_eq!(
            need(Language::Python, "getenv(\"TZ\")", "TZ"),
            Need::Unknown
        );
    }

    #[test]
    fn other_languages_read_their_idioms() {
        assert_eq!(
            need(Language::Javascript, "process.env.PORT || 3000", "PORT"),
            Need::Defaulted
        );
        assert_eq!(
            need(
                Language::Typescript,
                "process.env.DATABASE_URL!",
                "DATABASE_URL"
            ),
            Need::Required
        );
        assert_eq!(
            need(Language::Ruby, "ENV.fetch(\"REDIS_URL\")", "REDIS_URL"),
            Need::Required
        );
        assert_eq!(
            need(Language::Ruby, "ENV.fetch(\"X\", \"y\")", "X"),
            Need::Defaulted
        );
        assert_eq!(
            need(Language::Php, "env('APP_NAME', 'Laravel')", "APP_NAME"),
            Need::Defaulted
        );
        assert_eq!(
            need(
                Language::Rust,
                "env::var(\"DATABASE_URL\").expect(\"set\")",
                "DATABASE_URL"
            ),
            Need::Required
        );
        assert_eq!(
            need(
                Language::Rust,
                "env::var(\"PORT\").unwrap_or(\"3000\".into())",
                "PORT"
            ),
            Need::Defaulted
        );
        let spring = "spring.datasource.url=${DATABASE_URL}\nserver.port=${PORT:8080}";
        let at = |n: &str| spring.find(n).expect("in text");
        assert_eq!(
            read_need(
                Language::Java,
                spring,
                at("DATABASE_URL"),
                "DATABASE_URL",
                "application.properties"
            ),
            Need::Required
        );
        assert_eq!(
            read_need(
                Language::Java,
                spring,
                at("PORT"),
                "PORT",
                "application.properties"
            ),
            Need::Defaulted
        );
    }

    /// A reader's findings without their evidence.
    fn names_and_needs<E>(found: Vec<(String, E, Need)>) -> Vec<(String, Need)> {
        found.into_iter().map(|(n, _, need)| (n, need)).collect()
    }

    #[test]
    fn clap_fields_that_read_the_environment_become_variables() {
        let code = "#[derive(clap::Parser)]\npub struct Config {\n    /// The database.\n    #[clap(long, env)]\n    pub database_url: String,\n\n    #[arg(long, env = \"APP_PORT\", default_value_t = 8080)]\n    pub port: u16,\n    #[clap(long, env)]\n    pub sentry_dsn: Option<String>,\n    #[clap(long)]\n    pub verbose: bool,\n}\n";
        let fields = names_and_needs(clap_env_fields(code));
        assert_eq!(
            fields,
            vec![
                ("DATABASE_URL".to_string(), Need::Required),
                ("APP_PORT".to_string(), Need::Defaulted),
                ("SENTRY_DSN".to_string(), Need::Defaulted),
            ]
        );
    }

    #[test]
    fn settings_fields_written_in_capitals_are_variables_too() {
        let code = "class Settings(BaseSettings):\n    model_config = SettingsConfigDict(\n        env_file=\"../.env\",\n    )\n    API_V1_STR: str = \"/api/v1\"\n    SECRET_KEY: str\n    DATABASE_URL: PostgresDsn\n\n    @computed_field\n    @property\n    def emails_enabled(self) -> bool:\n        return False\n";
        let fields = names_and_needs(settings_fields(code));
        assert_eq!(
            fields,
            vec![
                ("API_V1_STR".to_string(), Need::Defaulted),
                ("SECRET_KEY".to_string(), Need::Required),
                ("DATABASE_URL".to_string(), Need::Required),
            ]
        );
    }

    #[test]
    fn pydantic_settings_fields_become_variables() {
        let code = "class Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix=\"APP_\")\n\n    database_url: str\n    log_level: str = \"info\"\n    token: SecretStr = Field(...)\n\nsettings = Settings()\n";
        let fields: Vec<(String, Need)> = settings_fields(code)
            .into_iter()
            .map(|(n, _, need)| (n, need))
            .collect();
        assert_eq!(
            fields,
            [
                ("APP_DATABASE_URL".to_string(), Need::Required),
                ("APP_LOG_LEVEL".to_string(), Need::Defaulted),
                ("APP_TOKEN".to_string(), Need::Required),
            ]
        );
    }

    #[test]
    fn zod_env_schema_keys_become_variables() {
        let code = "export const env = createEnv({\n  server: {\n    DATABASE_URL: z.string().url(),\n    NODE_ENV: z.enum([\"development\", \"production\"]).default(\"development\"),\n    SENTRY_DSN: z.string().optional(),\n  },\n  runtimeEnv: process.env,\n});\n";
        let keys: Vec<(String, Need)> = env_schema_keys(code)
            .into_iter()
            .map(|(n, _, need)| (n, need))
            .collect();
        assert_eq!(
            keys,
            [
                ("DATABASE_URL".to_string(), Need::Required),
                ("NODE_ENV".to_string(), Need::Defaulted),
                ("SENTRY_DSN".to_string(), Need::Defaulted),
            ]
        );
    }
}
