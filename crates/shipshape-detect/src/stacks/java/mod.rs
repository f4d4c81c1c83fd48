//! Detection of JVM services (Java and Kotlin): a folder with `pom.xml` or `build.gradle(.kts)`.
//! The build file gives the framework (Spring Boot, Quarkus, Micronaut), the Java version, the
//! artifact name for the jar and the dependencies behind backing services; the application's
//! `application.properties`/`application.yml` give the port.

mod backing;
mod commands;
mod config;
mod gradle;
mod maven;
mod runtime;

use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::model::{Ambiguity, Framework, Language, PackageManager, Service, ServiceRole};
use crate::stacks::add_backing;
use crate::stacks::Found;

use backing::backing_of;
use commands::{commands, version_line};
use config::{app_properties, health, port_value};
use gradle::read_gradle;
use maven::read_pom;
use runtime::runtime_version;

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
