//! The base-image table (`data/base_images.toml`): which image each stage of a generated
//! Dockerfile starts from, for the runtime version the repository asks for, and whether that
//! version is still supported upstream.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde::Deserialize;

use super::requirement::{Dialect, Requirement};

const TABLE: &str = include_str!("../../data/base_images.toml");

/// The whole table, as written in the data file.
#[derive(Debug, Deserialize)]
struct Table {
    runtimes: BTreeMap<String, Runtime>,
    images: BTreeMap<String, String>,
    tools: BTreeMap<String, Vec<ToolRelease>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Runtime {
    default: String,
    /// Version components that select a release line (and its end of life).
    precision: usize,
    /// Version components kept in the image tag; defaults to `precision`.
    tag_precision: Option<usize>,
    #[serde(default)]
    declared: Declared,
    #[serde(default)]
    dialect: TableDialect,
    /// A historical prefix of version numbers, dropped before reading them (`1.` of Java 8).
    drop_prefix: Option<String>,
    build: String,
    run: String,
    user: Option<String>,
    /// The published release lines.
    versions: Vec<Release>,
}

/// How the version a repository declares is read.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Declared {
    /// A pin or a range: only the lines it admits.
    #[default]
    Requirement,
    /// The oldest toolchain that builds the code: that line or any later one.
    Minimum,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum TableDialect {
    #[default]
    Semver,
    Composer,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Release {
    version: String,
    eol: Option<String>,
    /// Images of this line when its variant differs from the runtime's.
    build: Option<String>,
    run: Option<String>,
    user: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ToolRelease {
    version: String,
    /// The Pythons this release installs on.
    python: String,
}

/// A calendar day, enough to compare with end-of-life dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Day {
    /// `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Day> {
        let mut parts = text.trim().splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(Day { year, month, day })
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Day {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Day::from_days_since_epoch(i64::try_from(secs / 86_400).unwrap_or(0))
    }

    /// Civil date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    fn from_days_since_epoch(days: i64) -> Day {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Day {
            year: i32::try_from(year).unwrap_or(i32::MAX),
            month: u32::try_from(month).unwrap_or(1),
            day: u32::try_from(day).unwrap_or(1),
        }
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The images chosen for one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseImages {
    /// The runtime version the images carry (`20`, `3.12`).
    pub version: String,
    /// Whether `version` came from the repository (else it is the table's default).
    pub detected: bool,
    pub build: String,
    pub run: String,
    /// The final image's own non-root user as `UID:GID`, when it has one.
    pub user: Option<String>,
    /// Something the user should know about the version (past end of life).
    pub warning: Option<String>,
    /// How a range became this version, for the Dockerfile's header (`>=14` → 24).
    pub resolution: Option<String>,
}

/// Why no image can be named for what the repository declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoImage(pub String);

fn table() -> Option<&'static Table> {
    static PARSED: OnceLock<Option<Table>> = OnceLock::new();
    PARSED.get_or_init(|| toml::from_str(TABLE).ok()).as_ref()
}

/// The first `n` dot-separated numeric components of a version requirement as detected
/// (`">=20.11"` → `20` for n = 1, `"3.11.9"` → `3.11` for n = 2, `"20.x"` → `20`).
pub fn version_prefix(detected: &str, n: usize) -> Option<String> {
    let start = detected.find(|c: char| c.is_ascii_digit())?;
    let numbers: Vec<&str> = detected[start..]
        .split(|c: char| !c.is_ascii_digit() && c != '.')
        .next()?
        .split('.')
        .take_while(|p| !p.is_empty())
        .take(n)
        .collect();
    (!numbers.is_empty()).then(|| numbers.join("."))
}

/// How a runtime is named to users.
fn display(runtime: &str) -> &str {
    match runtime {
        "node" => "Node.js",
        "python" => "Python",
        "go" => "Go",
        "rust" => "Rust",
        "java" => "Java",
        "ruby" => "Ruby",
        "php" => "PHP",
        "dotnet" => ".NET",
        "bun" => "Bun",
        other => other,
    }
}

fn line_key(line: &str) -> Vec<u64> {
    line.split('.').filter_map(|p| p.parse().ok()).collect()
}

fn is_supported(release: &Release, today: Day) -> bool {
    release
        .eol
        .as_deref()
        .and_then(Day::parse)
        .is_none_or(|end| end >= today)
}

/// Images for `runtime` (a key of the table: `node`, `python`, …) for the `detected` version
/// requirement, else the table's default; `today` decides which lines are still supported.
/// A requirement that no published line admits is refused, never turned into a guessed tag.
pub fn resolve(runtime: &str, detected: Option<&str>, today: Day) -> Result<BaseImages, NoImage> {
    let rt = table()
        .and_then(|t| t.runtimes.get(runtime))
        .ok_or_else(|| {
            NoImage(format!(
                "the base-image table has no `{runtime}` entry — this is a bug in shipshape"
            ))
        })?;
    let text = detected.map(|d| {
        let d = d.trim();
        match &rt.drop_prefix {
            Some(prefix) => d.strip_prefix(prefix.as_str()).unwrap_or(d).to_string(),
            None => d.to_string(),
        }
    });
    let dialect = match rt.dialect {
        TableDialect::Semver => Dialect::Semver,
        TableDialect::Composer => Dialect::Composer,
    };
    let requirement = text.as_deref().and_then(|t| match rt.declared {
        Declared::Requirement => Requirement::parse(t, dialect),
        Declared::Minimum => Requirement::at_least(t),
    });
    let Some(requirement) = requirement else {
        let release = rt.versions.iter().find(|r| r.version == rt.default);
        return Ok(images_of(rt, release, &rt.default, false, None, None));
    };
    let declared = text.unwrap_or_default();
    let name = display(runtime);
    let admitted: Vec<&Release> = rt
        .versions
        .iter()
        .filter(|r| requirement.admits_line(&r.version))
        .collect();
    if admitted.is_empty() {
        let published: Vec<&str> = rt.versions.iter().map(|r| r.version.as_str()).collect();
        return Err(NoImage(format!(
            "the repository asks for {name} `{declared}`, and no published {} image carries \
             such a version (the lines shipshape knows are published: {}) — move the project to \
             a supported {name} and declare it, or write this Dockerfile by hand",
            rt.run.replace("{version}", "…"),
            published.join(", ")
        )));
    }
    let default_key = line_key(&rt.default);
    let supported: Vec<&Release> = admitted
        .iter()
        .copied()
        .filter(|r| is_supported(r, today))
        .collect();
    let pool = if supported.is_empty() {
        &admitted
    } else {
        &supported
    };
    let chosen = pool
        .iter()
        .filter(|r| line_key(&r.version) <= default_key)
        .max_by_key(|r| line_key(&r.version))
        .or_else(|| pool.iter().min_by_key(|r| line_key(&r.version)))
        .copied()
        .unwrap_or(admitted[0]);
    // A pin keeps its patch version where the image tag carries one (`ruby:3.3.0`).
    let tag_precision = rt.tag_precision.unwrap_or(rt.precision);
    let tag = if requirement.exact && tag_precision > rt.precision {
        version_prefix(&declared, tag_precision)
            .filter(|t| t.split('.').count() == tag_precision && t.starts_with(&chosen.version))
            .unwrap_or_else(|| chosen.version.clone())
    } else {
        chosen.version.clone()
    };
    let warning = (supported.is_empty())
        .then(|| {
            chosen.eol.as_deref().map(|end| {
                format!(
                    "{name} {} reached end of life on {end}: it gets no security fixes — move \
                     to {name} {} (the version the repository declares selects the base image)",
                    chosen.version, rt.default
                )
            })
        })
        .flatten();
    let resolution = (!requirement.exact
        || version_prefix(&declared, rt.precision).as_deref() != Some(chosen.version.as_str()))
    .then(|| {
        format!(
            "{name} `{declared}` is declared: {} is the newest supported release it admits",
            chosen.version
        )
    });
    Ok(images_of(rt, Some(chosen), &tag, true, warning, resolution))
}

fn images_of(
    rt: &Runtime,
    release: Option<&Release>,
    tag: &str,
    detected: bool,
    warning: Option<String>,
    resolution: Option<String>,
) -> BaseImages {
    let build = release.and_then(|r| r.build.as_ref()).unwrap_or(&rt.build);
    let run = release.and_then(|r| r.run.as_ref()).unwrap_or(&rt.run);
    let user = release
        .and_then(|r| r.user.clone())
        .or_else(|| rt.user.clone());
    BaseImages {
        build: build.replace("{version}", tag),
        run: run.replace("{version}", tag),
        user,
        version: tag.to_string(),
        detected,
        warning,
        resolution,
    }
}

/// An image that is not a language runtime (`nginx`, `uv`), by its key in `[images]`.
pub fn image(key: &str) -> Option<&'static str> {
    table()?.images.get(key).map(String::as_str)
}

/// The pinned version of a build tool installed with pip (`poetry`, `pipenv`) that installs on
/// Python `python_line` (`3.8`).
pub fn tool(key: &str, python_line: &str) -> Option<&'static str> {
    table()?
        .tools
        .get(key)?
        .iter()
        .find(|t| {
            Requirement::parse(&t.python, Dialect::Semver)
                .is_some_and(|r| r.admits_line(python_line))
        })
        .map(|t| t.version.as_str())
}

/// Whether `reference` (`node:24-bookworm-slim`) is an image the table names: a runtime's image
/// at one of its published lines (or a patch of one, where tags keep it), or one of `[images]`.
/// Every image a generated file names must pass this.
pub fn is_published(reference: &str) -> bool {
    let Some(table) = table() else {
        return false;
    };
    if table.images.values().any(|i| i == reference) {
        return true;
    }
    table.runtimes.values().any(|rt| {
        rt.versions.iter().any(|release| {
            let templates = [
                release.build.as_ref().unwrap_or(&rt.build),
                release.run.as_ref().unwrap_or(&rt.run),
            ];
            templates.iter().any(|template| {
                let Some((before, after)) = template.split_once("{version}") else {
                    return template.as_str() == reference;
                };
                let Some(version) = reference
                    .strip_prefix(before)
                    .and_then(|r| r.strip_suffix(after))
                else {
                    return false;
                };
                version == release.version
                    || (rt.tag_precision.is_some_and(|p| p > rt.precision)
                        && version
                            .strip_prefix(&format!("{}.", release.version))
                            .is_some_and(|patch| {
                                !patch.is_empty() && patch.chars().all(|c| c.is_ascii_digit())
                            }))
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOV_2026: Day = Day {
        year: 2026,
        month: 11,
        day: 23,
    };

    #[test]
    fn the_table_parses() {
        assert!(table().is_some(), "data/base_images.toml does not parse");
    }

    #[test]
    fn a_version_requirement_selects_its_release_line() {
        assert_eq!(version_prefix(">=20.11", 1).as_deref(), Some("20"));
        assert_eq!(version_prefix("20.x", 1).as_deref(), Some("20"));
        assert_eq!(version_prefix("3.11.9", 2).as_deref(), Some("3.11"));
        assert_eq!(version_prefix("^3.12", 2).as_deref(), Some("3.12"));
        assert_eq!(version_prefix("net8.0", 2).as_deref(), Some("8.0"));
        assert_eq!(version_prefix("lts", 1), None);
    }

    fn resolved(runtime: &str, declared: &str) -> BaseImages {
        resolve(runtime, Some(declared), NOV_2026)
            .unwrap_or_else(|e| panic!("{runtime} {declared}: {}", e.0))
    }

    #[test]
    fn a_detected_version_names_the_image() {
        let images = resolved("python", "3.12");
        assert_eq!(images.run, "python:3.12-slim-bookworm");
        assert!(images.detected);
        assert_eq!(images.warning, None);
        assert_eq!(images.resolution, None);
    }

    #[test]
    fn without_a_detected_version_the_default_is_used() {
        let images = resolve("node", None, NOV_2026).expect("node is in the table");
        assert!(!images.detected);
        assert_eq!(images.run, format!("node:{}-bookworm-slim", images.version));
    }

    #[test]
    fn a_minimum_node_version_resolves_to_a_supported_published_line() {
        // `engines.node ">=14"`: node:14-bookworm-slim was never published.
        let images = resolved("node", ">=14");
        assert_eq!(images.run, "node:24-bookworm-slim");
        assert!(is_published(&images.run));
        assert!(images.resolution.is_some_and(|r| r.contains(">=14")));
        assert_eq!(resolved("node", ">=12.0.0").version, "24");
        assert_eq!(resolved("node", "^20.11").version, "20");
    }

    #[test]
    fn a_php_caret_range_resolves_to_a_frankenphp_release() {
        // `"php": "^8.0"`: FrankenPHP never shipped PHP 8.0 or 8.1.
        let images = resolved("php", "^8.0");
        assert_eq!(images.run, "dunglas/frankenphp:1-php8.4-bookworm");
        assert!(is_published(&images.run));
        assert_eq!(resolved("php", "^7.3|^8.0").version, "8.4");
        assert_eq!(resolved("php", "~8.2.0").version, "8.2");
    }

    #[test]
    fn a_go_directive_is_a_minimum_and_gets_the_current_go() {
        // `go 1.15` in go.mod: golang:1.15-bookworm was never published.
        let images = resolved("go", "1.15");
        assert_eq!(images.build, "golang:1.26-bookworm");
        assert!(is_published(&images.build));
        assert_eq!(resolved("go", "1.22.3").version, "1.26");
    }

    #[test]
    fn python_ranges_stop_at_the_default_and_pins_keep_their_line() {
        assert_eq!(resolved("python", ">=3.8").version, "3.13");
        assert_eq!(resolved("python", "~3.9").version, "3.9");
        assert_eq!(resolved("python", ">=3.9,<3.12").version, "3.11");
        assert_eq!(resolved("python", ">=3.14").version, "3.14");
        assert_eq!(resolved("python", "python-3.11.4").version, "3.11");
    }

    #[test]
    fn java_8_is_read_from_its_old_numbering() {
        assert_eq!(resolved("java", "1.8").build, "eclipse-temurin:8-jdk-noble");
    }

    #[test]
    fn a_ruby_pin_keeps_its_patch_version() {
        assert_eq!(resolved("ruby", "3.3.0").run, "ruby:3.3.0-slim-bookworm");
        assert_eq!(resolved("ruby", "~> 3.2").run, "ruby:3.4-slim-bookworm");
        assert!(is_published("ruby:3.3.0-slim-bookworm"));
    }

    #[test]
    fn refuses_a_pin_that_no_published_image_carries() {
        for (runtime, declared) in [
            ("node", "12.22.12"),
            ("node", "10"),
            ("php", "~7.4"),
            ("dotnet", "net6.0"),
            ("python", "3.7"),
        ] {
            let refused = resolve(runtime, Some(declared), NOV_2026)
                .expect_err(&format!("{runtime} {declared} has no published image"));
            assert!(refused.0.contains(declared), "{}", refused.0);
        }
    }

    #[test]
    fn node_16_resolves_to_its_bookworm_line_past_end_of_life() {
        // Published as 16-bookworm-slim (16.20.x) from June 2023 until Node 16 ended.
        let images = resolved("node", "16.18.0");
        assert_eq!(images.build, "node:16-bookworm-slim");
        assert!(images.warning.is_some_and(|w| w.contains("2023-09-11")));
    }

    #[test]
    fn node_14_resolves_to_its_bullseye_line_past_end_of_life() {
        // Never published on bookworm; `14-bullseye-slim` (14.21.3) is its newest variant.
        for declared in ["14.x.x", "14", "~14.17"] {
            let images = resolved("node", declared);
            assert_eq!(images.build, "node:14-bullseye-slim", "{declared}");
            assert_eq!(images.run, "node:14-bullseye-slim", "{declared}");
            assert!(is_published(&images.run));
            assert!(images.warning.is_some_and(|w| w.contains("2023-04-30")));
        }
        // A range that admits a supported line still takes it.
        assert_eq!(resolved("node", ">=14").run, "node:24-bookworm-slim");
        assert!(!is_published("node:14-bookworm-slim"));
    }

    #[test]
    fn warns_when_every_admitted_line_is_past_end_of_life() {
        let images = resolved("node", "20");
        assert_eq!(images.build, "node:20-bookworm-slim");
        let warning = images.warning.expect("node 20 ended in April 2026");
        assert!(warning.contains("2026-04-30"), "{warning}");
        let before = Day::parse("2026-01-01").expect("valid day");
        assert_eq!(
            resolve("node", Some("20"), before)
                .ok()
                .and_then(|i| i.warning),
            None
        );
    }

    #[test]
    fn a_range_prefers_a_supported_line_over_an_ended_one() {
        let images = resolved("node", ">=18");
        assert_eq!(images.version, "24");
        assert_eq!(images.warning, None);
    }

    #[test]
    fn build_tools_follow_the_python_they_install_on() {
        assert_eq!(tool("pipenv", "3.13"), Some("2026.10.3"));
        assert_eq!(tool("pipenv", "3.8"), Some("2024.4.1"));
        assert_eq!(tool("poetry", "3.9"), Some("2.2.1"));
        assert_eq!(tool("poetry", "3.7"), None);
    }

    #[test]
    fn only_table_images_count_as_published() {
        assert!(is_published("node:22-bookworm-slim"));
        assert!(is_published("gcr.io/distroless/static-debian12:nonroot"));
        assert!(is_published("nginxinc/nginx-unprivileged:stable-alpine"));
        assert!(!is_published("node:14-bookworm-slim"));
        assert!(!is_published("golang:1.15-bookworm"));
        assert!(!is_published("dunglas/frankenphp:1-php8.0-bookworm"));
    }

    #[test]
    fn the_system_clock_gives_a_plausible_day() {
        assert_eq!(Day::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(Day::from_days_since_epoch(20_780).to_string(), "2026-11-23");
        assert!(Day::today().year >= 2025);
    }
}
