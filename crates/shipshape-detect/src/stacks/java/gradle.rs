//! `build.gradle(.kts)` and `settings.gradle(.kts)`: the project name, plugins, runtime
//! dependencies, the Java toolchain or compatibility level, and the jar's name.

use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::evidence::line_of_offset;
use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::model::PackageManager;

use super::maven::normalise_java;
use super::{folder_name, manifest_file, Build, Dep};

static GRADLE_SPRING_BOOT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"id\s*\(?\s*["']org\.springframework\.boot["']\s*\)?(?:\s*version\s*\(?\s*["']([^"']+)["'])?|apply\s+plugin\s*:\s*["']org\.springframework\.boot["']|spring-boot-gradle-plugin:([\w.\-]+)"#,
    )
    .expect("built-in pattern")
});
static GRADLE_KOTLIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"kotlin\(\s*"jvm"\s*\)|id\s*\(?\s*["']org\.jetbrains\.kotlin\.jvm["']|apply\s+plugin\s*:\s*["']kotlin["']"#)
        .expect("built-in pattern")
});
static GRADLE_QUARKUS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"id\s*\(?\s*["']io\.quarkus["']"#).expect("built-in pattern"));
static GRADLE_MICRONAUT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"id\s*\(?\s*["']io\.micronaut\.application["']"#).expect("built-in pattern")
});
/// Runtime configurations only: `testImplementation`, `developmentOnly` and friends do not
/// describe what production runs.
static GRADLE_DEP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?m)^\s*(?:implementation|api|runtimeOnly|compile|runtime)\s*\(?\s*(?:platform\(\s*)?["']([\w.\-]+):([\w.\-]+)(?::[^"']*)?["']"#,
    )
    .expect("built-in pattern")
});
pub(super) static GRADLE_VERSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)^version\s*=?\s*["']([^"']+)["']"#).expect("built-in pattern")
});
static GRADLE_TOOLCHAIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"JavaLanguageVersion\.of\(\s*(\d+)\s*\)|jvmToolchain\(\s*(\d+)\s*\)|(?:sourceCompatibility|targetCompatibility)\s*=\s*(?:JavaVersion\.VERSION_(\d+(?:_\d+)?)|["']?(\d+(?:\.\d+)?)["']?)"#,
    )
    .expect("built-in pattern")
});
static GRADLE_ARCHIVE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"archiveFileName\s*(?:=|\.set\()\s*["']([^"'$]+)["']"#).expect("built-in pattern")
});
static SETTINGS_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"rootProject\.name\s*=\s*["']([^"']+)["']"#).expect("built-in pattern")
});
static SETTINGS_INCLUDE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?m)^\s*include\b"#).expect("built-in pattern"));

pub(super) fn read_gradle(ctx: &Ctx, dir: &str, path: &str) -> Build {
    let mut build = Build::new(PackageManager::Gradle, path, folder_name(dir));
    let Some(text) = ctx.text(path) else {
        return build;
    };
    let at = |o: usize| Some(line_of_offset(&text, o));
    build.manifest_line = text.find("plugins").and_then(at);

    // A root project takes its name from settings; a subproject is named after its folder.
    let settings = ["settings.gradle.kts", "settings.gradle"]
        .iter()
        .map(|f| Ctx::join(dir, f))
        .find(|p| ctx.exists(p));
    if let Some(s) = &settings {
        if let Some(st) = ctx.text(s) {
            if let Some(c) = SETTINGS_NAME.captures(&st) {
                build.name = c[1].to_string();
            }
            let has_own_code = ctx
                .service_files(dir)
                .any(|f| f.path.starts_with(&Ctx::join(dir, "src/main/")));
            if let Some(m) = SETTINGS_INCLUDE.find(&st).filter(|_| !has_own_code) {
                build.aggregator = Some(Located::new(
                    "gradle-multi-project".to_string(),
                    Evidence::at_offset(s, &st, m.start(), "settings.gradle > include"),
                ));
            }
        }
    }
    let file = manifest_file(path).to_string();

    if let Some(c) = GRADLE_SPRING_BOOT.captures(&text) {
        let v = c
            .get(1)
            .or_else(|| c.get(2))
            .map(|m| m.as_str().to_string());
        let note = match &v {
            Some(v) => format!("{file} > plugins > org.springframework.boot {v}"),
            None => format!("{file} > plugins > org.springframework.boot"),
        };
        let start = c.get(0).map(|m| m.start()).unwrap_or(0);
        build.spring_boot = Some((v, Evidence::new(path, at(start), note)));
    }
    if let Some(m) = GRADLE_KOTLIN.find(&text) {
        build.kotlin = Some(Evidence::new(
            path,
            at(m.start()),
            format!("{file} > plugins > kotlin jvm"),
        ));
    }
    if let Some(m) = GRADLE_QUARKUS.find(&text) {
        build.quarkus = Some(Evidence::new(
            path,
            at(m.start()),
            format!("{file} > plugins > io.quarkus"),
        ));
    }
    if let Some(m) = GRADLE_MICRONAUT.find(&text) {
        build.micronaut = Some(Evidence::new(
            path,
            at(m.start()),
            format!("{file} > plugins > io.micronaut.application"),
        ));
    }
    for c in GRADLE_DEP.captures_iter(&text) {
        let (Some(g), Some(a)) = (c.get(1), c.get(2)) else {
            continue;
        };
        build.deps.push(Dep {
            group: g.as_str().to_string(),
            artifact: a.as_str().to_string(),
            evidence: Evidence::new(
                path,
                at(g.start()),
                format!("{file} > dependencies > {}", a.as_str()),
            ),
        });
    }
    build.version = GRADLE_VERSION.captures(&text).map(|c| c[1].to_string());
    build.jar_name = GRADLE_ARCHIVE_NAME
        .captures(&text)
        .map(|c| c[1].to_string());
    if let Some(c) = GRADLE_TOOLCHAIN.captures(&text) {
        let (v, what) = if let Some(m) = c.get(1) {
            (m.as_str().to_string(), "java > toolchain > languageVersion")
        } else if let Some(m) = c.get(2) {
            (m.as_str().to_string(), "kotlin > jvmToolchain")
        } else if let Some(m) = c.get(3) {
            (m.as_str().replace('_', "."), "sourceCompatibility")
        } else {
            (
                c.get(4).map(|m| m.as_str().to_string()).unwrap_or_default(),
                "sourceCompatibility",
            )
        };
        if !v.is_empty() {
            let start = c.get(0).map(|m| m.start()).unwrap_or(0);
            build.java_version = Some(Located::new(
                normalise_java(&v),
                Evidence::new(path, at(start), format!("{file} > {what}")),
            ));
        }
    }
    build
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_gradle_toolchain_versions_in_both_dialects() {
        let kts = "java {\n    toolchain {\n        languageVersion = JavaLanguageVersion.of(17)\n    }\n}";
        assert_eq!(&GRADLE_TOOLCHAIN.captures(kts).unwrap()[1], "17");
        let groovy = "sourceCompatibility = JavaVersion.VERSION_1_8";
        let c = GRADLE_TOOLCHAIN.captures(groovy).unwrap();
        assert_eq!(normalise_java(&c[3].replace('_', ".")), "8");
        let quoted = "sourceCompatibility = '21'";
        assert_eq!(&GRADLE_TOOLCHAIN.captures(quoted).unwrap()[4], "21");
    }

    #[test]
    fn reads_only_runtime_gradle_dependencies() {
        let text = "dependencies {\n    implementation(\"org.springframework.boot:spring-boot-starter-web\")\n    runtimeOnly 'org.postgresql:postgresql:42.7.3'\n    testImplementation(\"org.testcontainers:postgresql\")\n}\n";
        let found: Vec<String> = GRADLE_DEP
            .captures_iter(text)
            .map(|c| c[2].to_string())
            .collect();
        assert_eq!(found, ["spring-boot-starter-web", "postgresql"]);
    }
}
