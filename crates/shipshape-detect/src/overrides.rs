//! `shipshape.toml` overrides: values the repository states about itself win over detection,
//! and the evidence says so. An override naming an unknown value becomes a note, not an error.

use serde::de::DeserializeOwned;
use shipshape_core::{Config, Located};
use toml::Spanned;

use crate::ctx::Ctx;
use crate::model::{Facts, Language, Service};

/// Parse a kebab-case value into one of the model's enums.
fn parse_enum<T: DeserializeOwned>(
    cfg: &Config,
    ctx: &Ctx,
    v: &Spanned<String>,
    key: &str,
) -> Option<Located<T>> {
    match serde_json::from_value::<T>(serde_json::Value::String(v.get_ref().clone())) {
        Ok(t) => Some(Located::new(t, cfg.evidence(v, key))),
        Err(_) => {
            let ev = cfg.evidence(v, key);
            ctx.note(
                &ev.path,
                ev.line,
                format!(
                    "`{key} = \"{}\"` is not a value shipshape knows — override ignored",
                    v.get_ref()
                ),
            );
            None
        }
    }
}

fn string(cfg: &Config, v: &Option<Spanned<String>>, key: &str) -> Option<Located<String>> {
    v.as_ref()
        .map(|s| Located::new(s.get_ref().clone(), cfg.evidence(s, key)))
}

/// Apply the overrides; returns the subjects they settled (their ambiguities are closed).
pub fn apply(cfg: &Config, ctx: &Ctx, facts: &mut Facts) -> Vec<String> {
    let mut settled = Vec::new();
    let r = &cfg.repository;
    if let Some(v) = &r.cloud {
        if let Some(l) = parse_enum(cfg, ctx, v, "repository.cloud") {
            facts.cloud = vec![l];
        }
    }
    if let Some(v) = &r.orchestrator {
        if let Some(l) = parse_enum(cfg, ctx, v, "repository.orchestrator") {
            facts.orchestrators = vec![l];
        }
    }
    if let Some(v) = &r.ci {
        if let Some(l) = parse_enum(cfg, ctx, v, "repository.ci") {
            facts.ci = vec![l];
        }
    }
    if let Some(v) = &r.environments {
        let ev = cfg.evidence(v, "repository.environments");
        facts.environments.names = v
            .get_ref()
            .iter()
            .map(|n| Located::new(n.clone(), ev.clone()))
            .collect();
    }

    for (name, o) in &cfg.services {
        let idx = facts.services.iter().position(|s| {
            s.name == *name || o.root.as_ref().is_some_and(|r| r.get_ref() == &s.root)
        });
        let idx = match idx {
            Some(i) => i,
            None => {
                // A service detection missed: it needs at least a root and a language.
                let lang = o.language.as_ref().and_then(|v| {
                    parse_enum::<Language>(cfg, ctx, v, &format!("services.{name}.language"))
                });
                match (&o.root, lang) {
                    (Some(root), Some(lang)) => {
                        facts.services.push(Service::new(
                            name.clone(),
                            root.get_ref().clone(),
                            lang,
                        ));
                        facts.services.len() - 1
                    }
                    _ => {
                        ctx.note(
                            "shipshape.toml",
                            None,
                            format!(
                                "[services.{name}] matches no detected service; give it `root` and `language` to declare it"
                            ),
                        );
                        continue;
                    }
                }
            }
        };
        let s = &mut facts.services[idx];
        let k = |f: &str| format!("services.{name}.{f}");
        if let Some(v) = &o.language {
            if let Some(l) = parse_enum(cfg, ctx, v, &k("language")) {
                s.language = l;
            }
        }
        if let Some(v) = &o.framework {
            if let Some(l) = parse_enum(cfg, ctx, v, &k("framework")) {
                s.framework = Some(l);
            }
        }
        if let Some(v) = &o.package_manager {
            if let Some(l) = parse_enum(cfg, ctx, v, &k("package_manager")) {
                s.package_manager = Some(l);
            }
        }
        if let Some(l) = string(cfg, &o.runtime_version, &k("runtime_version")) {
            s.runtime_version = Some(l);
        }
        if let Some(l) = string(cfg, &o.build_command, &k("build_command")) {
            s.build_command = Some(l);
        }
        if let Some(l) = string(cfg, &o.start_command, &k("start_command")) {
            s.start_command = Some(l);
        }
        if let Some(l) = string(cfg, &o.health_path, &k("health_path")) {
            s.health_path = Some(l);
        }
        if let Some(p) = &o.port {
            s.port = Some(Located::new(*p.get_ref(), cfg.evidence(p, &k("port"))));
            settled.push(k("port"));
        }
        if let Some(d) = &o.depends_on {
            let ev = cfg.evidence(d, &k("depends_on"));
            s.depends_on = d
                .get_ref()
                .iter()
                .map(|n| Located::new(n.clone(), ev.clone()))
                .collect();
        }
    }
    settled
}
