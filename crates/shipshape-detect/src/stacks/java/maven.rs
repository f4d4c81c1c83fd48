//! `pom.xml`: the project's name, version and packaging, its parent and modules, plugins and
//! dependencies, the Java version, and the frameworks they name.

use std::collections::BTreeMap;

use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::model::PackageManager;

use super::{folder_name, Build, Dep};

pub(super) fn read_pom(ctx: &Ctx, dir: &str, path: &str) -> Build {
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
pub(super) fn normalise_java(v: &str) -> String {
    match v.strip_prefix("1.") {
        Some(rest) if !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()) => {
            rest.to_string()
        }
        _ => v.to_string(),
    }
}
