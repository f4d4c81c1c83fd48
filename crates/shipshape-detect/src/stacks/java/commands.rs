//! The build command, the jar it produces and the line that declares the project's version.

use shipshape_core::evidence::line_of_offset;

use crate::ctx::Ctx;
use crate::model::{Framework, PackageManager};

use super::gradle::GRADLE_VERSION;
use super::Build;

/// Build command, jar path and the note for the build evidence.
pub(super) fn commands(
    build: &Build,
    fw: Framework,
    dir: &str,
    wrapper: Option<&(String, String)>,
) -> (String, String, String) {
    let maven = build.tool == PackageManager::Maven;
    let out_dir = if maven { "target" } else { "build/libs" };
    // From a parent folder's wrapper, the module is selected by path (Maven) or name (Gradle).
    let (tool, module_prefix, from) = match wrapper {
        Some((wdir, _)) if wdir != dir => {
            let rel = if wdir == "." {
                dir.to_string()
            } else {
                dir.strip_prefix(&format!("{wdir}/"))
                    .unwrap_or(dir)
                    .to_string()
            };
            let tool = if maven { "./mvnw" } else { "./gradlew" };
            let prefix = if maven {
                format!("-pl {rel} -am ")
            } else {
                format!(":{}:", rel.replace('/', ":"))
            };
            (tool.to_string(), prefix, format!(" (run from {wdir})"))
        }
        Some(_) => (
            if maven { "./mvnw" } else { "./gradlew" }.to_string(),
            String::new(),
            String::new(),
        ),
        None => (
            if maven { "mvn" } else { "gradle" }.to_string(),
            String::new(),
            String::new(),
        ),
    };
    let versioned = |suffix: &str| match (&build.jar_name, &build.version) {
        (Some(j), _) => format!("{out_dir}/{j}"),
        (None, Some(v)) => format!("{out_dir}/{}-{v}{suffix}.jar", build.name),
        (None, None) => format!("{out_dir}/{}-*{suffix}.jar", build.name),
    };
    match (fw, maven) {
        (Framework::Quarkus, true) => (
            format!("{tool} -B {module_prefix}package -DskipTests"),
            "target/quarkus-app/quarkus-run.jar".into(),
            format!("Quarkus fast-jar{from}"),
        ),
        (Framework::Quarkus, false) => (
            format!("{tool} {module_prefix}build -x test"),
            "build/quarkus-app/quarkus-run.jar".into(),
            format!("Quarkus fast-jar{from}"),
        ),
        (Framework::Micronaut, false) => (
            format!("{tool} {module_prefix}shadowJar"),
            versioned("-all"),
            format!("Micronaut fat jar (shadowJar){from}"),
        ),
        (_, true) => (
            format!("{tool} -B {module_prefix}package -DskipTests"),
            versioned(""),
            format!("executable jar (spring-boot-maven-plugin){from}"),
        ),
        (_, false) => (
            format!("{tool} {module_prefix}bootJar"),
            versioned(""),
            format!("executable jar (bootJar){from}"),
        ),
    }
}

/// Line of the project's version in its build file, for the start command's evidence.
pub(super) fn version_line(ctx: &Ctx, build: &Build) -> Option<u32> {
    let text = ctx.text(&build.manifest)?;
    if build.tool == PackageManager::Maven {
        // The project's own <version>, which follows its <artifactId>.
        let a = text.find(&format!("<artifactId>{}</artifactId>", build.name));
        let from = match (text.find("</parent>"), a) {
            (Some(p), Some(a)) if a > p => a,
            (_, Some(a)) => a,
            _ => return build.manifest_line,
        };
        Some(
            text[from..]
                .find("<version>")
                .map(|o| line_of_offset(&text, from + o))
                .unwrap_or_else(|| line_of_offset(&text, from)),
        )
    } else {
        GRADLE_VERSION
            .find(&text)
            .map(|m| line_of_offset(&text, m.start()))
            .or(build.manifest_line)
    }
}
