//! What shipshape says about a rule, declared once. Rules written in Rust declare a static
//! [`RuleMeta`] and document themselves in their file's doc comment; rules kept as data (the secret
//! rules, rules a repository defines, imported gitleaks rules) are built at run time. Both become
//! a [`RuleInfo`] in the [`Catalog`](crate::Catalog), which `rules`, `explain`, SARIF and every
//! renderer read.

use std::borrow::Cow;

use serde::Serialize;
use shipshape_core::Severity;

/// The kind of artifact a rule reads. Selection accepts the [`Domain::name`] (`--select compose`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Domain {
    Dockerfile,
    Compose,
    GithubActions,
    GitlabCi,
    Kubernetes,
    Terraform,
    Secrets,
    /// Diagnostics of the engine itself: files that do not parse, suppressions that match nothing.
    Engine,
}

impl Domain {
    pub const ALL: &'static [Domain] = &[
        Domain::Dockerfile,
        Domain::Compose,
        Domain::GithubActions,
        Domain::GitlabCi,
        Domain::Kubernetes,
        Domain::Terraform,
        Domain::Secrets,
        Domain::Engine,
    ];

    pub fn name(&self) -> &'static str {
        match self {
            Domain::Dockerfile => "dockerfile",
            Domain::Compose => "compose",
            Domain::GithubActions => "github-actions",
            Domain::GitlabCi => "gitlab-ci",
            Domain::Kubernetes => "kubernetes",
            Domain::Terraform => "terraform",
            Domain::Secrets => "secrets",
            Domain::Engine => "engine",
        }
    }

    /// The domain a selection key names, accepting the usual alternative spellings.
    pub fn from_key(key: &str) -> Option<Domain> {
        let k = key.to_ascii_lowercase();
        Some(match k.as_str() {
            "dockerfile" | "docker" | "containerfile" => Domain::Dockerfile,
            "compose" | "docker-compose" => Domain::Compose,
            "github-actions" | "actions" | "github" | "workflows" => Domain::GithubActions,
            "gitlab-ci" | "gitlab" => Domain::GitlabCi,
            "kubernetes" | "k8s" => Domain::Kubernetes,
            "terraform" | "tf" | "hcl" => Domain::Terraform,
            "secrets" | "secret" => Domain::Secrets,
            "engine" => Domain::Engine,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Domain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The static declaration of a rule written in Rust. Its prose (why, example, fix) is the rule
/// file's doc comment, collected at build time into [`RuleDocs`]: never a second copy here.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable ID, never reused: `SS-DOCKER-001`.
    pub id: &'static str,
    /// Kebab-case name: `no-latest-tag`.
    pub slug: &'static str,
    pub domain: Domain,
    pub severity: Severity,
    /// One line: what the rule flags.
    pub title: &'static str,
    /// The same check in other tools, as `tool:ID` (`hadolint:DL3007`, `checkov:CKV_DOCKER_7`,
    /// `trivy:DS-0001`, `buildkit:SecretsUsedInArgOrEnv`, `kics:<query name>`).
    pub equivalents: &'static [&'static str],
}

/// A rule's documentation in four parts, as `explain` prints it and the docs site shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RuleDocs {
    /// What it does.
    pub what: Cow<'static, str>,
    /// Why is this bad?
    pub why: Cow<'static, str>,
    /// Example (Markdown, with code blocks); may be empty.
    pub example: Cow<'static, str>,
    /// Fix.
    pub fix: Cow<'static, str>,
}

impl RuleDocs {
    /// Read the four sections of a Markdown doc comment (`## What it does`, `## Why is this bad?`,
    /// `## Example`, `## Fix`). Text before the first heading is ignored (a title line).
    pub fn from_markdown(doc: &str) -> RuleDocs {
        let mut docs = RuleDocs::default();
        let mut current: Option<&mut Cow<'static, str>> = None;
        let mut buf = String::new();
        let flush = |slot: Option<&mut Cow<'static, str>>, buf: &mut String| {
            if let Some(slot) = slot {
                *slot = Cow::Owned(buf.trim().to_string());
            }
            buf.clear();
        };
        for line in doc.lines() {
            if let Some(heading) = line.strip_prefix("## ") {
                flush(current.take(), &mut buf);
                let h = heading.trim().to_ascii_lowercase();
                current = if h.starts_with("what") {
                    Some(&mut docs.what)
                } else if h.starts_with("why") {
                    Some(&mut docs.why)
                } else if h.starts_with("example") {
                    Some(&mut docs.example)
                } else if h.starts_with("fix") {
                    Some(&mut docs.fix)
                } else {
                    None
                };
                continue;
            }
            if current.is_some() {
                buf.push_str(line);
                buf.push('\n');
            }
        }
        flush(current, &mut buf);
        docs
    }

    /// The first paragraph of `text`, unwrapped onto one line: for short forms (SARIF
    /// descriptions, annotation help).
    pub fn first_paragraph(text: &str) -> String {
        text.split("\n\n")
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The fix in one paragraph.
    pub fn short_fix(&self) -> String {
        RuleDocs::first_paragraph(&self.fix)
    }

    /// Why it matters, in one paragraph.
    pub fn short_why(&self) -> String {
        RuleDocs::first_paragraph(&self.why)
    }
}

/// Where a rule came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RuleOrigin {
    /// Compiled into shipshape.
    Builtin,
    /// `[[secrets.rules]]` (or another rule table) in `shipshape.toml`.
    Config,
    /// A gitleaks configuration file.
    Gitleaks,
}

/// Everything about one rule, static or defined at run time: what the catalog holds.
#[derive(Debug, Clone, Serialize)]
pub struct RuleInfo {
    pub id: Cow<'static, str>,
    pub slug: Cow<'static, str>,
    pub domain: Domain,
    pub severity: Severity,
    pub title: Cow<'static, str>,
    pub docs: RuleDocs,
    pub equivalents: Vec<Cow<'static, str>>,
    pub origin: RuleOrigin,
}

impl RuleInfo {
    /// A built-in rule from its static declaration and its doc comment.
    pub fn from_meta(meta: &'static RuleMeta, docs: RuleDocs) -> RuleInfo {
        RuleInfo {
            id: Cow::Borrowed(meta.id),
            slug: Cow::Borrowed(meta.slug),
            domain: meta.domain,
            severity: meta.severity,
            title: Cow::Borrowed(meta.title),
            docs,
            equivalents: meta.equivalents.iter().map(|e| Cow::Borrowed(*e)).collect(),
            origin: RuleOrigin::Builtin,
        }
    }

    /// Where the rule's documentation page is (SARIF `helpUri`).
    pub fn help_uri(&self) -> Option<String> {
        (self.origin == RuleOrigin::Builtin)
            .then(|| format!("{}/{}.md", crate::RULE_DOCS_BASE, self.id))
    }

    /// Whether `key` (an ID, a slug, an ID prefix such as `SS-DOCKER`, or a domain name) names
    /// this rule.
    pub fn matches_key(&self, key: &str) -> bool {
        let key = key.trim();
        if key.is_empty() {
            return false;
        }
        key.eq_ignore_ascii_case(&self.id)
            || key == self.slug
            || Domain::from_key(key) == Some(self.domain)
            || (self.id.len() > key.len()
                && self.id.as_bytes()[key.len()] == b'-'
                && self.id[..key.len()].eq_ignore_ascii_case(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "SS-X-001 `x`: title line\n\n## What it does\nFlags x.\n\n## Why is this bad?\nBecause y\nwraps here.\n\nSecond paragraph.\n\n## Example\n```dockerfile\nFROM x\n```\n\n## Fix\nDo z.\n";

    #[test]
    fn reads_the_four_sections_of_a_doc_comment() {
        let d = RuleDocs::from_markdown(DOC);
        assert_eq!(d.what, "Flags x.");
        assert!(d.why.starts_with("Because y\nwraps here."));
        assert_eq!(d.short_why(), "Because y wraps here.");
        assert_eq!(d.example, "```dockerfile\nFROM x\n```");
        assert_eq!(d.fix, "Do z.");
    }

    static META: RuleMeta = RuleMeta {
        id: "SS-DOCKER-004",
        slug: "no-latest-tag",
        domain: Domain::Dockerfile,
        severity: Severity::Warning,
        title: "t",
        equivalents: &["hadolint:DL3007"],
    };

    #[test]
    fn keys_name_a_rule_by_id_slug_prefix_or_domain() {
        let r = RuleInfo::from_meta(&META, RuleDocs::default());
        for k in [
            "SS-DOCKER-004",
            "ss-docker-004",
            "no-latest-tag",
            "SS-DOCKER",
            "ss-docker",
            "dockerfile",
            "docker",
            "SS",
        ] {
            assert!(r.matches_key(k), "{k}");
        }
        for k in ["SS-DOCK", "SS-DOCKER-00", "compose", "latest", ""] {
            assert!(!r.matches_key(k), "{k}");
        }
    }
}
