//! Links between the things detection found: which services share which backing service, and
//! which frontend calls which backend. A link is made only on evidence (a URL naming the
//! backend's host or port, or an API-URL variable when exactly one API exists).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::{Evidence, Located};

use crate::ctx::Ctx;
use crate::model::{BackingService, Facts, ServiceRole};

static URL_RX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"https?://([a-z0-9][a-z0-9.-]*):(\d{2,5})").expect("built-in pattern")
});
static API_VAR_RX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|_)(?:API|BACKEND|SERVER)_(?:URL|BASE_URL|HOST|ORIGIN|ENDPOINT)$")
        .expect("built-in pattern")
});

pub fn link(ctx: &Ctx, facts: &mut Facts) {
    link_backing_services(facts);
    link_frontends(ctx, facts);
}

fn link_backing_services(facts: &mut Facts) {
    let mut shared: BTreeMap<String, BackingService> = BTreeMap::new();
    for s in &mut facts.services {
        for b in &s.backing_services {
            let id = b.value.id().to_string();
            let entry = shared.entry(id.clone()).or_insert_with(|| BackingService {
                id: id.clone(),
                kind: b.value,
                used_by: Vec::new(),
                evidence: Vec::new(),
            });
            if !entry.used_by.contains(&s.name) {
                entry.used_by.push(s.name.clone());
            }
            entry.evidence.extend(b.evidence.iter().cloned());
            if !s.depends_on.iter().any(|d| d.value == id) {
                s.depends_on.push(Located {
                    value: id,
                    evidence: b.evidence.clone(),
                });
            }
        }
    }
    facts.backing_services = shared.into_values().collect();
}

fn link_frontends(ctx: &Ctx, facts: &mut Facts) {
    let apis: Vec<(String, String, Option<u16>)> = facts
        .services
        .iter()
        .filter(|s| matches!(s.role, ServiceRole::Api))
        .map(|s| {
            let base = s.root.rsplit('/').next().unwrap_or(&s.root).to_string();
            (s.name.clone(), base, s.port.as_ref().map(|p| p.value))
        })
        .collect();
    if apis.is_empty() {
        return;
    }
    for s in &mut facts.services {
        if !matches!(s.role, ServiceRole::Web | ServiceRole::Static) {
            continue;
        }
        let mut links: Vec<Located<String>> = Vec::new();
        // 1. A URL in the frontend's code or env files naming a backend by host or port.
        let mut texts = ctx.source_texts(&s.root, crate::scan::extensions(s.language.value));
        for f in ctx
            .service_files(&s.root)
            .filter(|f| f.kind == shipshape_core::ArtifactKind::DotEnv)
        {
            if let Some(t) = ctx.inv.text(f) {
                texts.push((f, t));
            }
        }
        for (f, text) in &texts {
            for c in URL_RX.captures_iter(text) {
                let host = &c[1];
                let port: Option<u16> = c[2].parse().ok();
                let own_port = s.port.as_ref().map(|p| p.value);
                let target = apis.iter().find(|(name, base, p)| {
                    *name != s.name
                        && (host == name
                            || host == base
                            || (port.is_some() && *p == port && own_port != port))
                });
                if let Some((name, _, _)) = target {
                    let off = c.get(0).map(|m| m.start()).unwrap_or(0);
                    push_link(
                        &mut links,
                        name,
                        Evidence::at_offset(&f.path, text, off, "backend URL"),
                    );
                }
            }
        }
        // 2. An API-URL variable, when exactly one API could be meant.
        if links.is_empty() && apis.len() == 1 && apis[0].0 != s.name {
            if let Some(v) = s.env_vars.iter().find(|v| API_VAR_RX.is_match(&v.value)) {
                let mut ev = v.evidence[0].clone();
                ev.note = format!("reads {} (the only API service is {})", v.value, apis[0].0);
                push_link(&mut links, &apis[0].0, ev);
            }
        }
        for l in links {
            if !s.depends_on.iter().any(|d| d.value == l.value) {
                s.depends_on.push(l);
            }
        }
    }
}

fn push_link(links: &mut Vec<Located<String>>, name: &str, ev: Evidence) {
    match links.iter_mut().find(|l| l.value == name) {
        Some(l) => {
            if l.evidence.len() < 3 {
                l.evidence.push(ev)
            }
        }
        None => links.push(Located::new(name.to_string(), ev)),
    }
}
