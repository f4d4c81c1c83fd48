//! The application's own configuration (`application.properties`, `application.yml`): the
//! keys that set the port and the health endpoint's base path.

use std::collections::BTreeMap;

use shipshape_core::{Evidence, LineIndex, Located};
use shipshape_syntax::yaml::Node;

use crate::ctx::Ctx;
use crate::model::Framework;

use super::Build;

/// Keys of `src/main/resources/application.properties` and `application.yml`/`.yaml` (first
/// document; nested YAML keys joined with dots), each with its raw value and line. Properties
/// win over YAML, as Spring reads them.
pub(super) fn app_properties(ctx: &Ctx, dir: &str) -> BTreeMap<String, (String, Evidence)> {
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
        // A broken file is a note (from the parse helper) and contributes nothing.
        let Some((text, docs)) = ctx.yaml_nodes(&path) else {
            continue;
        };
        let Some(first) = docs.first() else { continue };
        for (key, value, line) in yaml_keys(&text, first) {
            let ev = Evidence::new(&path, Some(line), format!("{file} > {key}"));
            out.entry(key).or_insert((value, ev));
        }
    }
    out
}

/// The scalar values of a YAML document under dotted key paths (`server.port`), with the line
/// of each key. Spring's later documents (profiles after `---`) are not the defaults and are
/// not passed here.
fn yaml_keys(text: &str, doc: &Node) -> Vec<(String, String, u32)> {
    let lines = LineIndex::new(text);
    let mut out = Vec::new();
    flatten(doc, "", &lines, &mut out);
    out
}

fn flatten(node: &Node, prefix: &str, lines: &LineIndex, out: &mut Vec<(String, String, u32)>) {
    for entry in node.entries() {
        let Some(key) = entry.key.as_str().filter(|k| !k.is_empty()) else {
            continue;
        };
        let path = if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        };
        if entry.value.is_map() {
            flatten(&entry.value, &path, lines, out);
        } else if let Some(value) = entry.value.as_str() {
            out.push((path, value.to_string(), lines.line(entry.key.span.start)));
        }
    }
}

/// A port from a property value: `8081`, or the default of a placeholder `${PORT:8081}`.
pub(super) fn port_value(raw: &str) -> Option<u16> {
    let raw = raw.trim();
    if let Some(inner) = raw.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        let (_, default) = inner.split_once(':')?;
        return port_value(default);
    }
    raw.parse::<u16>().ok().filter(|p| *p > 0)
}

/// The framework's health endpoint, when its health module is a dependency.
pub(super) fn health(
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
    fn flattens_nested_yaml_keys_with_the_line_of_each_key() {
        let yaml = "spring:\n  application:\n    name: demo\n  data:\n    redis:\n      host: ${REDIS_HOST:localhost}\nserver:\n  port: 8082 # http\n---\nserver:\n  port: 9999\n";
        let docs = shipshape_syntax::yaml::parse(yaml).expect("valid YAML");
        let keys = yaml_keys(yaml, &docs[0]);
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
    fn quoted_flow_and_dotted_keys_are_read_and_lists_are_not_values() {
        let yaml = "server.port: '8083'
management: {endpoints: {web: {base-path: /manage}}}
spring:
  profiles:
    active: [dev]
";
        let docs = shipshape_syntax::yaml::parse(yaml).expect("valid YAML");
        let keys = yaml_keys(yaml, &docs[0]);
        assert_eq!(
            keys,
            [
                ("server.port".to_string(), "8083".to_string(), 1),
                (
                    "management.endpoints.web.base-path".to_string(),
                    "/manage".to_string(),
                    2
                ),
            ]
        );
    }
}
