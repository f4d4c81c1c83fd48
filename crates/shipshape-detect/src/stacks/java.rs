//! Detection of JVM services (Java and Kotlin): a folder with `pom.xml` or `build.gradle(.kts)`.
//! The build file gives the framework (Spring Boot, Quarkus, Micronaut), the Java version, the
//! artifact name for the jar and the dependencies behind backing services; the application's
//! `application.properties`/`application.yml` give the port.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::evidence::line_of_offset;
use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::model::{
    Ambiguity, BackingKind, Framework, Language, PackageManager, Service, ServiceRole,
};
use crate::stacks::add_backing;
use crate::stacks::Found;

/// A dependency of the build, with the line that declares it.
#[derive(Debug, Clone)]
struct Dep {
    group: String,
    artifact: String,
    evidence: Evidence,
}

/// What one build file says, whichever tool it belongs to.
#[derive(Debug)]
struct Build {
    tool: PackageManager,
    manifest: String,
    /// The line the language evidence points at (`<project>` or the plugins block).
    manifest_line: Option<u32>,
    /// Artifact (Maven) or project (Gradle) name, which names the jar.
    name: String,
    version: Option<String>,
    /// `<finalName>` or `archiveFileName`: the jar's name when the build sets it.
    jar_name: Option<String>,
    deps: Vec<Dep>,
    spring_boot: Option<(Option<String>, Evidence)>,
    quarkus: Option<Evidence>,
    micronaut: Option<Evidence>,
    kotlin: Option<Evidence>,
    java_version: Option<Located<String>>,
    /// A Maven aggregator (`<modules>`) or a Gradle multi-project root.
    aggregator: Option<Located<String>>,
}

impl Build {
    fn new(tool: PackageManager, manifest: &str, name: String) -> Self {
        Build {
            tool,
            manifest: manifest.to_string(),
            manifest_line: None,
            name,
            version: None,
            jar_name: None,
            deps: Vec::new(),
            spring_boot: None,
            quarkus: None,
            micronaut: None,
            kotlin: None,
            java_version: None,
            aggregator: None,
        }
    }

    fn dep(&self, artifact: &str) -> Option<&Dep> {
        self.deps.iter().find(|d| d.artifact == artifact)
    }
}

/// Detect a Java or Kotlin service (or library, or multi-module root) in `dir`.
pub fn detect(ctx: &Ctx, dir: &str) -> Option<Found> {
    let pom = Ctx::join(dir, "pom.xml");
    let gradle = ["build.gradle.kts", "build.gradle"]
        .iter()
        .map(|f| Ctx::join(dir, f))
        .find(|p| ctx.exists(p));
    let build = if ctx.exists(&pom) {
        if let Some(g) = &gradle {
            ctx.ambiguity(Ambiguity {
                subject: format!("services at {dir}.package_manager"),
                chosen: Some("maven".into()),
                candidates: vec![
                    Located::new("maven".into(), Evidence::file(&pom, "pom.xml")),
                    Located::new("gradle".into(), Evidence::file(g, "Gradle build file")),
                ],
                hint: format!(
                    "remove the build file that is not used, or set `package_manager` for the service with root = \"{dir}\" in shipshape.toml"
                ),
            });
        }
        read_pom(ctx, dir, &pom)
    } else {
        read_gradle(ctx, dir, gradle.as_deref()?)
    };

    if let Some(tool) = build.aggregator {
        return Some(Found::WorkspaceRoot { tools: vec![tool] });
    }

    let manifest_ev = |note: &str| Evidence::new(&build.manifest, build.manifest_line, note);
    let lang_note = match build.tool {
        PackageManager::Maven => "pom.xml > project".to_string(),
        _ => format!("{} > plugins", manifest_file(&build.manifest)),
    };
    let kotlin_dir = Ctx::join(dir, "src/main/kotlin/");
    let kotlin_src = ctx
        .service_files(dir)
        .find(|f| f.path.starts_with(&kotlin_dir))
        .map(|f| Evidence::file(&f.path, "Kotlin source under src/main/kotlin"));
    let language = match build.kotlin.clone().or(kotlin_src) {
        Some(ev) => Located::new(Language::Kotlin, ev),
        None => Located::new(Language::Java, manifest_ev(&lang_note)),
    };
    let lang = language.value;

    // The Spring Boot version is already part of the framework evidence's note.
    let framework = if let Some((_, ev)) = &build.spring_boot {
        Some(Located::new(Framework::SpringBoot, ev.clone()))
    } else if let Some(ev) = &build.quarkus {
        Some(Located::new(Framework::Quarkus, ev.clone()))
    } else {
        build
            .micronaut
            .as_ref()
            .map(|ev| Located::new(Framework::Micronaut, ev.clone()))
    };

    let sources = ctx.source_texts(dir, &["java", "kt"]);
    let has_main = sources.iter().any(|(_, t)| MAIN_METHOD.is_match(t));
    if framework.is_none() && !has_main {
        return Some(Found::Library { name: build.name });
    }

    let mut svc = Service::new(&build.name, dir, language);
    let name = build.name.clone();

    // Package manager, with the wrapper when one is checked in.
    let wrapper_file = if build.tool == PackageManager::Maven {
        "mvnw"
    } else {
        "gradlew"
    };
    let wrapper = find_up(ctx, dir, wrapper_file);
    let mut pm_ev = vec![manifest_ev(manifest_file(&build.manifest))];
    if let Some((_, w)) = &wrapper {
        pm_ev.push(Evidence::file(
            w,
            format!("{wrapper_file} (build tool wrapper)"),
        ));
    }
    svc.package_manager = Some(Located {
        value: build.tool,
        evidence: pm_ev,
    });

    svc.runtime_version = runtime_version(ctx, dir, &name, build.java_version.clone());

    // Role: an HTTP server only when a web stack is on the classpath.
    let http = match framework.as_ref().map(|f| f.value) {
        Some(Framework::SpringBoot) => [
            "spring-boot-starter-web",
            "spring-boot-starter-webflux",
            "spring-boot-starter-jersey",
            "spring-boot-starter-thymeleaf",
        ]
        .iter()
        .any(|a| build.dep(a).is_some()),
        Some(_) => true,
        None => false,
    };
    let server_views = [
        "spring-boot-starter-thymeleaf",
        "spring-boot-starter-freemarker",
        "spring-boot-starter-mustache",
    ]
    .iter()
    .any(|a| build.dep(a).is_some());
    svc.role = match (http, server_views) {
        (true, true) => ServiceRole::Web,
        (true, false) => ServiceRole::Api,
        _ => ServiceRole::Worker,
    };

    // Build and start commands.
    if let Some(fw) = &framework {
        let (build_cmd, jar, build_note) = commands(&build, fw.value, dir, wrapper.as_ref());
        let mut build_ev = vec![Evidence::new(
            fw.evidence[0].path.clone(),
            fw.evidence[0].line,
            build_note,
        )];
        if let Some((_, w)) = &wrapper {
            build_ev.push(Evidence::file(
                w,
                format!("{wrapper_file} (build tool wrapper)"),
            ));
        }
        svc.build_command = Some(Located {
            value: build_cmd,
            evidence: build_ev,
        });
        let jar_note = match (&build.jar_name, &build.version) {
            (Some(_), _) => "jar name set in the build file".to_string(),
            (None, Some(v)) => format!("jar of {name} {v}"),
            (None, None) => format!(
                "version of {name} not found in {}: the jar name is a pattern",
                manifest_file(&build.manifest)
            ),
        };
        svc.start_command = Some(Located::new(
            format!("java -jar {jar}"),
            Evidence::new(&build.manifest, version_line(ctx, &build), jar_note),
        ));
    } else {
        // A plain program: built by the tool, but how it is launched is not stated.
        let cmd = match (&wrapper, build.tool) {
            (Some(_), PackageManager::Maven) => "./mvnw -B package -DskipTests",
            (None, PackageManager::Maven) => "mvn -B package -DskipTests",
            (Some(_), _) => "./gradlew build -x test",
            (None, _) => "gradle build -x test",
        };
        svc.build_command = Some(Located::new(
            cmd.to_string(),
            manifest_ev(manifest_file(&build.manifest)),
        ));
    }

    if http {
        if let Some(fw) = &framework {
            let (key, label) = match fw.value {
                Framework::Quarkus => ("quarkus.http.port", "Quarkus default (quarkus.http.port)"),
                Framework::Micronaut => (
                    "micronaut.server.port",
                    "Micronaut default (micronaut.server.port)",
                ),
                _ => ("server.port", "Spring Boot default (server.port)"),
            };
            let props = app_properties(ctx, dir);
            let mut explicit = Vec::new();
            let mut unresolved = false;
            if let Some((raw, ev)) = props.get(key) {
                match port_value(raw) {
                    Some(p) if raw.starts_with("${") => explicit.push(Located::new(
                        p,
                        Evidence::new(
                            ev.path.clone(),
                            ev.line,
                            format!("{} (default of {raw})", ev.note),
                        ),
                    )),
                    Some(p) => explicit.push(Located::new(p, ev.clone())),
                    None => {
                        unresolved = true;
                        ctx.note(
                            &ev.path,
                            ev.line,
                            format!(
                                "{key} is `{raw}` with no default: the port is set at deploy time"
                            ),
                        );
                    }
                }
            }
            explicit.extend(ctx.port_hints(dir));
            let default = (!unresolved).then(|| {
                Located::new(
                    8080,
                    Evidence::new(fw.evidence[0].path.clone(), fw.evidence[0].line, label),
                )
            });
            svc.port = ctx.choose_port(&name, default, explicit);

            svc.health_path =
                health(&build, fw.value, &props).or_else(|| ctx.health_path(dir, lang));
        }
    }

    for d in &build.deps {
        for kind in backing_of(d) {
            add_backing(&mut svc.backing_services, kind, d.evidence.clone());
        }
    }
    svc.env_vars = ctx.env_vars(dir, lang);
    svc.framework = framework;
    Some(Found::Service(Box::new(svc)))
}

static MAIN_METHOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"static\s+void\s+main\s*\(|^\s*fun\s+main\s*\(|@SpringBootApplication")
        .expect("built-in pattern")
});

fn manifest_file(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn folder_name(dir: &str) -> String {
    if dir == "." || dir.is_empty() {
        "app".to_string()
    } else {
        dir.rsplit('/').next().unwrap_or(dir).to_string()
    }
}

/// The nearest `file` at or above `dir`: `(folder, path)`. Multi-module builds keep the wrapper
/// at the top.
fn find_up(ctx: &Ctx, dir: &str, file: &str) -> Option<(String, String)> {
    let mut current = Some(dir.to_string());
    while let Some(d) = current {
        let p = Ctx::join(&d, file);
        if ctx.exists(&p) {
            return Some((d, p));
        }
        current = if d == "." {
            None
        } else {
            Some(
                d.rsplit_once('/')
                    .map(|(p, _)| p.to_string())
                    .unwrap_or_else(|| ".".into()),
            )
        };
    }
    None
}

/// Build command, jar path and the note for the build evidence.
fn commands(
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
fn version_line(ctx: &Ctx, build: &Build) -> Option<u32> {
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

// ---------------------------------------------------------------------------------------------
// Maven

fn read_pom(ctx: &Ctx, dir: &str, path: &str) -> Build {
    let mut build = Build::new(PackageManager::Maven, path, folder_name(dir));
    let Some(text) = ctx.text(path) else {
        return build;
    };
    let doc = match roxmltree::Document::parse(&text) {
        Ok(d) => d,
        Err(e) => {
            ctx.note(
                path,
                Some(e.pos().row),
                format!("could not parse XML: {e} — values from this file were not used"),
            );
            return build;
        }
    };
    let line = |n: roxmltree::Node| doc.text_pos_at(n.range().start).row;
    let project = doc.root_element();
    build.manifest_line = Some(line(project));

    let parent = child(project, "parent");
    let parent_artifact = parent.and_then(|p| child_text(p, "artifactId"));
    let parent_version = parent.and_then(|p| child_text(p, "version"));

    // Properties, for `${...}` in versions.
    let mut props: BTreeMap<String, (String, u32)> = BTreeMap::new();
    if let Some(ps) = child(project, "properties") {
        for p in ps.children().filter(|c| c.is_element()) {
            if let Some(v) = p.text() {
                props.insert(
                    p.tag_name().name().to_string(),
                    (v.trim().to_string(), line(p)),
                );
            }
        }
    }
    let resolve = |v: &str| -> Option<String> {
        if let Some(key) = v.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
            if key == "project.parent.version" {
                return parent_version.clone();
            }
            return props.get(key).map(|(v, _)| v.clone());
        }
        (!v.contains("${")).then(|| v.to_string())
    };

    if let Some(a) = child_text(project, "artifactId") {
        build.name = a;
    }
    // A project without its own <version> inherits the parent's.
    build.version = child_text(project, "version")
        .or_else(|| parent_version.clone())
        .and_then(|v| resolve(&v));
    build.jar_name = child(project, "build")
        .and_then(|b| child_text(b, "finalName"))
        .and_then(|n| resolve(&n))
        .map(|n| format!("{n}.jar"));

    let is_aggregator = child_text(project, "packaging").as_deref() == Some("pom");
    if let Some(modules) = child(project, "modules").filter(|_| is_aggregator) {
        build.aggregator = Some(Located::new(
            "maven-modules".to_string(),
            Evidence::new(path, Some(line(modules)), "pom.xml > modules"),
        ));
    }

    if parent_artifact.as_deref() == Some("spring-boot-starter-parent") {
        if let Some(p) = parent {
            let v = parent_version.clone();
            build.spring_boot = Some((
                v.clone(),
                Evidence::new(
                    path,
                    Some(line(p)),
                    format!(
                        "pom.xml > parent > spring-boot-starter-parent {}",
                        v.unwrap_or_default()
                    )
                    .trim_end()
                    .to_string(),
                ),
            ));
        }
    }

    // Imported BOMs establish the framework too (a company parent pom plus a Spring Boot BOM).
    let managed = child(project, "dependencyManagement")
        .and_then(|m| child(m, "dependencies"))
        .map(|d| elements(d, "dependency"))
        .unwrap_or_default();
    for d in managed {
        let Some(a) = child_text(d, "artifactId") else {
            continue;
        };
        let v = child_text(d, "version").and_then(|v| resolve(&v));
        let ev = |fw: &str| {
            Evidence::new(
                path,
                child(d, "artifactId").map(line),
                format!("pom.xml > dependencyManagement > {a} ({fw})"),
            )
        };
        match a.as_str() {
            "spring-boot-dependencies" if build.spring_boot.is_none() => {
                build.spring_boot = Some((v, ev("Spring Boot")));
            }
            "quarkus-bom" | "quarkus-universe-bom" if build.quarkus.is_none() => {
                build.quarkus = Some(ev("Quarkus"));
            }
            "micronaut-platform" | "micronaut-bom" if build.micronaut.is_none() => {
                build.micronaut = Some(ev("Micronaut"));
            }
            _ => {}
        }
    }
    if parent_artifact.as_deref() == Some("micronaut-parent") && build.micronaut.is_none() {
        build.micronaut = parent
            .map(|p| Evidence::new(path, Some(line(p)), "pom.xml > parent > micronaut-parent"));
    }

    if let Some(deps) = child(project, "dependencies") {
        for d in elements(deps, "dependency") {
            let scope = child_text(d, "scope");
            if matches!(scope.as_deref(), Some("test") | Some("provided")) {
                continue;
            }
            let (Some(group), Some(artifact)) =
                (child_text(d, "groupId"), child_text(d, "artifactId"))
            else {
                continue;
            };
            let at = child(d, "artifactId").map(line).unwrap_or_else(|| line(d));
            build.deps.push(Dep {
                evidence: Evidence::new(
                    path,
                    Some(at),
                    format!("pom.xml > dependencies > {artifact}"),
                ),
                group,
                artifact,
            });
        }
    }

    let plugins = child(project, "build")
        .and_then(|b| child(b, "plugins"))
        .map(|p| elements(p, "plugin"))
        .unwrap_or_default();
    for p in plugins {
        let Some(a) = child_text(p, "artifactId") else {
            continue;
        };
        let ev = Evidence::new(
            path,
            child(p, "artifactId").map(line),
            format!("pom.xml > build > plugins > {a}"),
        );
        match a.as_str() {
            "kotlin-maven-plugin" => build.kotlin = Some(ev),
            "quarkus-maven-plugin" if build.quarkus.is_none() => build.quarkus = Some(ev),
            "micronaut-maven-plugin" if build.micronaut.is_none() => build.micronaut = Some(ev),
            "spring-boot-maven-plugin" if build.spring_boot.is_none() => {
                build.spring_boot = Some((None, ev))
            }
            _ => {}
        }
    }

    for key in [
        "java.version",
        "maven.compiler.release",
        "maven.compiler.source",
    ] {
        if let Some((v, l)) = props.get(key) {
            if let Some(v) = resolve(v) {
                build.java_version = Some(Located::new(
                    normalise_java(&v),
                    Evidence::new(path, Some(*l), format!("pom.xml > properties > {key}")),
                ));
                break;
            }
        }
    }
    build
}

fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

fn child_text(n: roxmltree::Node, name: &str) -> Option<String> {
    child(n, name)
        .and_then(|c| c.text())
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

fn elements<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Vec<roxmltree::Node<'a, 'i>> {
    n.children()
        .filter(|c| c.is_element() && c.tag_name().name() == name)
        .collect()
}

/// `1.8` is Java 8; later releases are named by their major alone.
fn normalise_java(v: &str) -> String {
    match v.strip_prefix("1.") {
        Some(rest) if !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()) => {
            rest.to_string()
        }
        _ => v.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Gradle

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
static GRADLE_VERSION: LazyLock<Regex> = LazyLock::new(|| {
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

fn read_gradle(ctx: &Ctx, dir: &str, path: &str) -> Build {
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

// ---------------------------------------------------------------------------------------------
// Runtime version

static VERSION_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d+(?:\.\d+)*").expect("built-in pattern"));

/// The Java version: the build file's, else a version file (`.java-version`, `.sdkmanrc`,
/// `.tool-versions`, in the service folder or the repository root). When both exist and the
/// majors differ, the build file is used and the conflict reported.
fn runtime_version(
    ctx: &Ctx,
    dir: &str,
    name: &str,
    from_build: Option<Located<String>>,
) -> Option<Located<String>> {
    let from_file = version_file(ctx, dir);
    match (from_build, from_file) {
        (Some(b), Some(f)) => {
            if major(&b.value) != major(&f.value) {
                ctx.ambiguity(Ambiguity {
                    subject: format!("services.{name}.runtime_version"),
                    chosen: Some(b.value.clone()),
                    candidates: vec![
                        Located {
                            value: b.value.clone(),
                            evidence: b.evidence.clone(),
                        },
                        f,
                    ],
                    hint: format!(
                        "align the build file and the version file, or set `runtime_version` under [services.{name}] in shipshape.toml"
                    ),
                });
            }
            Some(b)
        }
        (b, f) => b.or(f),
    }
}

fn major(v: &str) -> &str {
    v.split('.').next().unwrap_or(v)
}

fn version_file(ctx: &Ctx, dir: &str) -> Option<Located<String>> {
    let mut dirs = vec![dir.to_string()];
    if dir != "." {
        dirs.push(".".to_string());
    }
    for d in dirs {
        let p = Ctx::join(&d, ".java-version");
        if let Some(t) = ctx.text(&p) {
            if let Some(m) = VERSION_NUMBER.find(&t) {
                return Some(Located::new(
                    normalise_java(m.as_str()),
                    Evidence::new(&p, Some(line_of_offset(&t, m.start())), ".java-version"),
                ));
            }
        }
        let p = Ctx::join(&d, ".sdkmanrc");
        if let Some(t) = ctx.text(&p) {
            if let Some((i, v)) = t
                .lines()
                .enumerate()
                .find_map(|(i, l)| l.trim().strip_prefix("java=").map(|v| (i, v.to_string())))
            {
                if let Some(m) = VERSION_NUMBER.find(&v) {
                    return Some(Located::new(
                        m.as_str().to_string(),
                        Evidence::new(&p, Some((i + 1) as u32), ".sdkmanrc > java"),
                    ));
                }
            }
        }
        let p = Ctx::join(&d, ".tool-versions");
        if let Some(t) = ctx.text(&p) {
            for (i, l) in t.lines().enumerate() {
                let mut w = l.split_whitespace();
                if w.next() == Some("java") {
                    if let Some(m) = w.next().and_then(|v| VERSION_NUMBER.find(v)) {
                        return Some(Located::new(
                            m.as_str().to_string(),
                            Evidence::new(&p, Some((i + 1) as u32), ".tool-versions > java"),
                        ));
                    }
                }
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Application configuration

/// Keys of `src/main/resources/application.properties` and `application.yml`/`.yaml` (first
/// document; nested YAML keys joined with dots), each with its raw value and line. Properties
/// win over YAML, as Spring reads them.
fn app_properties(ctx: &Ctx, dir: &str) -> BTreeMap<String, (String, Evidence)> {
    let mut out: BTreeMap<String, (String, Evidence)> = BTreeMap::new();
    let base = Ctx::join(dir, "src/main/resources");
    let props = Ctx::join(&base, "application.properties");
    if let Some(text) = ctx.text(&props) {
        for (i, line) in text.lines().enumerate() {
            let l = line.trim();
            if l.is_empty() || l.starts_with('#') || l.starts_with('!') {
                continue;
            }
            let Some(pos) = l.find(['=', ':']) else {
                continue;
            };
            let key = l[..pos].trim().to_string();
            let value = l[pos + 1..].trim().to_string();
            let ev = Evidence::new(
                &props,
                Some((i + 1) as u32),
                format!("application.properties > {key}"),
            );
            out.entry(key).or_insert((value, ev));
        }
    }
    for file in ["application.yml", "application.yaml"] {
        let path = Ctx::join(&base, file);
        let Some(text) = ctx.text(&path) else {
            continue;
        };
        for (key, value, line) in yaml_keys(&text) {
            let ev = Evidence::new(&path, Some(line), format!("{file} > {key}"));
            out.entry(key).or_insert((value, ev));
        }
    }
    out
}

/// Scalar keys of the first YAML document as dotted paths (`server.port`), with raw values
/// and lines. Line based so that a file with Spring's multi-document profiles still reads.
fn yaml_keys(text: &str) -> Vec<(String, String, u32)> {
    let mut out = Vec::new();
    let mut stack: Vec<(usize, String)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_end() == "---" {
            if i == 0 {
                continue;
            }
            break;
        }
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('-') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let Some((key, value)) = trimmed.split_once(':') else {
            continue;
        };
        let key = key.trim().trim_matches(['"', '\'']);
        if key.is_empty() || key.contains(' ') {
            continue;
        }
        while stack.last().is_some_and(|(ind, _)| *ind >= indent) {
            stack.pop();
        }
        let full = stack
            .iter()
            .map(|(_, k)| k.as_str())
            .chain(std::iter::once(key))
            .collect::<Vec<_>>()
            .join(".");
        let value = value.split(" #").next().unwrap_or("").trim();
        if value.is_empty() {
            stack.push((indent, key.to_string()));
        } else {
            out.push((
                full,
                value.trim_matches(['"', '\'']).to_string(),
                (i + 1) as u32,
            ));
        }
    }
    out
}

/// A port from a property value: `8081`, or the default of a placeholder `${PORT:8081}`.
fn port_value(raw: &str) -> Option<u16> {
    let raw = raw.trim();
    if let Some(inner) = raw.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        let (_, default) = inner.split_once(':')?;
        return port_value(default);
    }
    raw.parse::<u16>().ok().filter(|p| *p > 0)
}

/// The framework's health endpoint, when its health module is a dependency.
fn health(
    build: &Build,
    fw: Framework,
    props: &BTreeMap<String, (String, Evidence)>,
) -> Option<Located<String>> {
    match fw {
        Framework::SpringBoot => {
            let dep = build.dep("spring-boot-starter-actuator")?;
            // The actuator base path can be moved (`management.endpoints.web.base-path`).
            match props.get("management.endpoints.web.base-path") {
                Some((base, ev)) if base.starts_with('/') => Some(Located {
                    value: format!("{}/health", base.trim_end_matches('/')),
                    evidence: vec![dep.evidence.clone(), ev.clone()],
                }),
                _ => Some(Located::new(
                    "/actuator/health".to_string(),
                    Evidence::new(
                        dep.evidence.path.clone(),
                        dep.evidence.line,
                        format!(
                            "{} (Spring Boot Actuator health endpoint)",
                            dep.evidence.note
                        ),
                    ),
                )),
            }
        }
        Framework::Quarkus => build.dep("quarkus-smallrye-health").map(|d| {
            Located::new(
                "/q/health".to_string(),
                Evidence::new(
                    d.evidence.path.clone(),
                    d.evidence.line,
                    format!("{} (SmallRye Health)", d.evidence.note),
                ),
            )
        }),
        Framework::Micronaut => build.dep("micronaut-management").map(|d| {
            Located::new(
                "/health".to_string(),
                Evidence::new(
                    d.evidence.path.clone(),
                    d.evidence.line,
                    format!("{} (Micronaut health endpoint)", d.evidence.note),
                ),
            )
        }),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Backing services

fn backing_of(d: &Dep) -> Vec<BackingKind> {
    let a = d.artifact.as_str();
    let kind = match a {
        "postgresql"
        | "r2dbc-postgresql"
        | "quarkus-jdbc-postgresql"
        | "quarkus-reactive-pg-client" => Some(BackingKind::Postgres),
        "mysql-connector-j"
        | "mysql-connector-java"
        | "mariadb-java-client"
        | "r2dbc-mysql"
        | "quarkus-jdbc-mysql"
        | "quarkus-jdbc-mariadb" => Some(BackingKind::Mysql),
        "spring-boot-starter-data-redis"
        | "spring-boot-starter-data-redis-reactive"
        | "jedis"
        | "lettuce-core"
        | "redisson"
        | "quarkus-redis-client" => Some(BackingKind::Redis),
        "spring-boot-starter-data-mongodb"
        | "spring-boot-starter-data-mongodb-reactive"
        | "mongodb-driver-sync"
        | "mongodb-driver-reactivestreams"
        | "quarkus-mongodb-client" => Some(BackingKind::Mongodb),
        "spring-boot-starter-amqp" | "spring-rabbit" | "amqp-client" => Some(BackingKind::Rabbitmq),
        "spring-kafka" | "kafka-clients" | "quarkus-kafka-client" => Some(BackingKind::Kafka),
        "spring-cloud-aws-starter-s3" | "aws-java-sdk-s3" | "minio" => Some(BackingKind::S3),
        "s3" if d.group == "software.amazon.awssdk" => Some(BackingKind::S3),
        "spring-boot-starter-data-elasticsearch" | "elasticsearch-java" => {
            Some(BackingKind::Elasticsearch)
        }
        _ => None,
    };
    kind.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_port_from_placeholder_default() {
        assert_eq!(port_value("${PORT:8081}"), Some(8081));
        assert_eq!(port_value("9000"), Some(9000));
        assert_eq!(port_value("${PORT}"), None);
        // A nested placeholder falls back to its own default.
        assert_eq!(port_value("${PORT:${FALLBACK:7000}}"), Some(7000));
        assert_eq!(port_value("${PORT:${FALLBACK}}"), None);
    }

    #[test]
    fn flattens_nested_yaml_keys_of_the_first_document() {
        let yaml = "spring:\n  application:\n    name: demo\n  data:\n    redis:\n      host: ${REDIS_HOST:localhost}\nserver:\n  port: 8082 # http\n---\nserver:\n  port: 9999\n";
        let keys = yaml_keys(yaml);
        assert!(keys.contains(&("spring.application.name".into(), "demo".into(), 3)));
        assert!(keys.contains(&(
            "spring.data.redis.host".into(),
            "${REDIS_HOST:localhost}".into(),
            6
        )));
        assert!(keys.contains(&("server.port".into(), "8082".into(), 8)));
        assert!(!keys.iter().any(|(_, v, _)| v == "9999"));
    }

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
