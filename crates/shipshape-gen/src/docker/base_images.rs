//! The base-image table (`data/base_images.toml`): which image each stage of a generated
//! Dockerfile starts from, for the runtime version the repository asks for, and whether that
//! version is still supported upstream.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde::Deserialize;

const TABLE: &str = include_str!("../../data/base_images.toml");

/// The whole table, as written in the data file.
#[derive(Debug, Deserialize)]
struct Table {
    runtimes: BTreeMap<String, Runtime>,
    images: BTreeMap<String, String>,
    tools: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
struct Runtime {
    default: String,
    /// Version components that select a release line (and its end of life).
    precision: usize,
    /// Version components kept in the image tag; defaults to `precision`.
    tag_precision: Option<usize>,
    build: String,
    run: String,
    user: Option<String>,
    versions: Vec<Release>,
}

#[derive(Debug, Deserialize)]
struct Release {
    version: String,
    eol: Option<String>,
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
    /// Something the user should know about the version (past end of life, unknown to the table).
    pub warning: Option<String>,
}

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

/// Images for `runtime` (a key of the table: `node`, `python`, …) at the `detected` version,
/// else at the table's default; `today` decides whether the version is past its end of life.
/// `None` when the table has no such runtime.
pub fn resolve(runtime: &str, detected: Option<&str>, today: Day) -> Option<BaseImages> {
    let rt = table()?.runtimes.get(runtime)?;
    let tag_precision = rt.tag_precision.unwrap_or(rt.precision);
    let detected_line = detected.and_then(|d| version_prefix(d, rt.precision));
    let (line, tag, from_repo) = match detected_line {
        Some(line) => {
            let tag = detected
                .and_then(|d| version_prefix(d, tag_precision))
                .filter(|t| t.split('.').count() >= line.split('.').count())
                .unwrap_or_else(|| line.clone());
            (line, tag, true)
        }
        None => (rt.default.clone(), rt.default.clone(), false),
    };
    let release = rt.versions.iter().find(|r| r.version == line);
    let warning = match release {
        Some(Release { eol: Some(eol), .. }) => {
            Day::parse(eol).filter(|end| *end < today).map(|end| {
                format!(
                    "{runtime} {line} reached end of life on {end}: it gets no security fixes — \
                     move to {runtime} {} (the version the repository declares selects the \
                     base image)",
                    rt.default
                )
            })
        }
        Some(_) => None,
        None if rt.versions.is_empty() => None,
        None => Some(format!(
            "{runtime} {line} is not in shipshape's base-image table, so its support could not \
             be checked: the image {runtime} {tag} was used as declared"
        )),
    };
    Some(BaseImages {
        build: rt.build.replace("{version}", &tag),
        run: rt.run.replace("{version}", &tag),
        user: rt.user.clone(),
        version: tag,
        detected: from_repo,
        warning,
    })
}

/// An image that is not a language runtime (`nginx`, `uv`), by its key in `[images]`.
pub fn image(key: &str) -> Option<&'static str> {
    table()?.images.get(key).map(String::as_str)
}

/// The pinned version of a build tool installed with pip (`poetry`, `pipenv`).
pub fn tool(key: &str) -> Option<&'static str> {
    table()?.tools.get(key).map(String::as_str)
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

    #[test]
    fn a_detected_version_names_the_image() {
        let images = resolve("python", Some("3.12"), NOV_2026).expect("python is in the table");
        assert_eq!(images.run, "python:3.12-slim-bookworm");
        assert!(images.detected);
        assert_eq!(images.warning, None);
    }

    #[test]
    fn without_a_detected_version_the_default_is_used() {
        let images = resolve("node", None, NOV_2026).expect("node is in the table");
        assert!(!images.detected);
        assert_eq!(images.run, format!("node:{}-bookworm-slim", images.version));
    }

    #[test]
    fn warns_when_the_detected_version_is_past_end_of_life() {
        let images = resolve("node", Some(">=20.11"), NOV_2026).expect("node is in the table");
        assert_eq!(images.build, "node:20-bookworm-slim");
        let warning = images.warning.expect("node 20 ended in April 2026");
        assert!(warning.contains("2026-04-30"), "{warning}");
        let before = Day::parse("2026-01-01").expect("valid day");
        assert_eq!(
            resolve("node", Some("20"), before).and_then(|i| i.warning),
            None
        );
    }

    #[test]
    fn warns_when_the_version_is_unknown_to_the_table() {
        let images = resolve("node", Some("12"), NOV_2026).expect("node is in the table");
        assert!(images.warning.is_some_and(|w| w.contains("not in")));
    }

    #[test]
    fn the_system_clock_gives_a_plausible_day() {
        assert_eq!(Day::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(Day::from_days_since_epoch(20_780).to_string(), "2026-11-23");
        assert!(Day::today().year >= 2025);
    }
}
