//! GitHub Actions workflows as a typed model over the spanned YAML tree: triggers, permissions
//! (workflow and job level), jobs with their `needs`, runners, containers and reusable-workflow
//! calls, and steps with `uses` / `run` / `with` / `env`. The model borrows the YAML nodes, so
//! every value keeps the span of its token; [`expr`] parses the `${{ … }}` expressions inside.
//!
//! Reading never fails: a value of the wrong shape is left out of the typed view (the node is
//! still there for a rule that wants to say so), because a linter has to read the workflows
//! GitHub would reject too.

pub mod expr;

use crate::span::Span;
use crate::yaml::{Entry, Node, Value};

/// A workflow file: `.github/workflows/*.yml`.
#[derive(Debug, Clone)]
pub struct Workflow<'a> {
    pub root: &'a Node,
    pub name: Option<&'a Node>,
    /// The `on:` entry (key and value), when there is one.
    pub on: Option<&'a Entry>,
    pub triggers: Vec<Trigger<'a>>,
    pub permissions: Option<Permissions<'a>>,
    pub env: Vec<&'a Entry>,
    pub concurrency: Option<&'a Node>,
    pub jobs: Vec<Job<'a>>,
}

/// One event under `on:` (`push`, `pull_request_target`, `schedule`, …).
#[derive(Debug, Clone, Copy)]
pub struct Trigger<'a> {
    pub event: &'a str,
    /// The event's name token.
    pub node: &'a Node,
    /// The event's configuration (`branches`, `types`, `cron` entries…); `None` in the string and
    /// list forms of `on:`.
    pub config: Option<&'a Node>,
}

impl<'a> Trigger<'a> {
    /// The `cron` values of a `schedule` trigger.
    pub fn crons(&self) -> Vec<&'a Node> {
        self.config
            .map(|c| {
                c.items()
                    .iter()
                    .filter_map(|item| item.get("cron"))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A `permissions:` block at workflow or job level.
#[derive(Debug, Clone)]
pub struct Permissions<'a> {
    /// The value node (`read-all`, `{}`, or the mapping of scopes).
    pub node: &'a Node,
    pub kind: PermissionsKind<'a>,
}

#[derive(Debug, Clone)]
pub enum PermissionsKind<'a> {
    ReadAll,
    WriteAll,
    /// Explicit scopes (`contents: read`); empty for `permissions: {}`.
    Scopes(Vec<Scope<'a>>),
    /// Anything else (an expression, a typo): kept so a rule can flag it.
    Other,
}

/// One scope of a permissions mapping.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub name: &'a str,
    pub level: &'a str,
    pub key: &'a Node,
    pub value: &'a Node,
}

impl<'a> Permissions<'a> {
    fn read(node: &'a Node) -> Permissions<'a> {
        let kind = match &node.value {
            Value::Scalar(s) if s.text == "read-all" => PermissionsKind::ReadAll,
            Value::Scalar(s) if s.text == "write-all" => PermissionsKind::WriteAll,
            Value::Map(entries) => PermissionsKind::Scopes(
                entries
                    .iter()
                    .filter_map(|e| {
                        Some(Scope {
                            name: e.key.as_str()?,
                            level: e.value.as_str()?,
                            key: &e.key,
                            value: &e.value,
                        })
                    })
                    .collect(),
            ),
            _ => PermissionsKind::Other,
        };
        Permissions { node, kind }
    }

    /// The scopes granted `write`.
    pub fn writes(&self) -> Vec<Scope<'a>> {
        match &self.kind {
            PermissionsKind::Scopes(s) => {
                s.iter().filter(|s| s.level == "write").copied().collect()
            }
            _ => Vec::new(),
        }
    }

    /// The level of one scope (`None` when the block does not grant it).
    pub fn level(&self, scope: &str) -> Option<&'a str> {
        match &self.kind {
            PermissionsKind::ReadAll => Some("read"),
            PermissionsKind::WriteAll => Some("write"),
            PermissionsKind::Scopes(s) => s.iter().find(|s| s.name == scope).map(|s| s.level),
            PermissionsKind::Other => None,
        }
    }
}

/// One entry of `jobs:`.
#[derive(Debug, Clone)]
pub struct Job<'a> {
    pub id: &'a str,
    /// The job's key: where findings about something missing point.
    pub key: &'a Node,
    pub node: &'a Node,
    pub name: Option<&'a Node>,
    /// Each job named by `needs:` (a string or a list of strings).
    pub needs: Vec<&'a Node>,
    pub runs_on: Option<&'a Node>,
    pub permissions: Option<Permissions<'a>>,
    pub condition: Option<&'a Node>,
    pub environment: Option<&'a Node>,
    pub env: Vec<&'a Entry>,
    pub container: Option<Container<'a>>,
    pub services: Vec<(&'a Node, Container<'a>)>,
    pub strategy: Option<&'a Node>,
    /// A reusable-workflow call (`jobs.<id>.uses`).
    pub uses: Option<Uses<'a>>,
    /// `secrets:` of a reusable-workflow call (`inherit` or a mapping).
    pub secrets: Option<&'a Node>,
    pub with: Vec<&'a Entry>,
    pub steps: Vec<Step<'a>>,
}

impl<'a> Job<'a> {
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.node.get(key)
    }

    /// The runner labels of `runs-on` (a string, a list, or `{group, labels}`), each with its
    /// node; expressions are included as written.
    pub fn runner_labels(&self) -> Vec<&'a Node> {
        let Some(runs_on) = self.runs_on else {
            return Vec::new();
        };
        match &runs_on.value {
            Value::Scalar(_) => vec![runs_on],
            Value::Seq(items) => items.iter().filter(|i| i.as_str().is_some()).collect(),
            Value::Map(_) => match runs_on.get("labels") {
                Some(l) if l.as_str().is_some() => vec![l],
                Some(l) => l.items().iter().filter(|i| i.as_str().is_some()).collect(),
                None => Vec::new(),
            },
            Value::Null => Vec::new(),
        }
    }

    /// The matrix of `strategy.matrix`, when it is a mapping.
    pub fn matrix(&self) -> Option<&'a Node> {
        self.strategy?.get("matrix").filter(|m| m.is_map())
    }
}

/// A job or service container: `container: node:22` or `{image, credentials, …}`.
#[derive(Debug, Clone, Copy)]
pub struct Container<'a> {
    pub node: &'a Node,
    pub image: Option<&'a Node>,
    pub credentials: Option<&'a Node>,
}

impl<'a> Container<'a> {
    fn read(node: &'a Node) -> Container<'a> {
        if node.as_str().is_some() {
            return Container {
                node,
                image: Some(node),
                credentials: None,
            };
        }
        Container {
            node,
            image: node.get("image"),
            credentials: node.get("credentials"),
        }
    }
}

/// One step of a job.
#[derive(Debug, Clone)]
pub struct Step<'a> {
    /// Position in the job's `steps`.
    pub index: usize,
    pub node: &'a Node,
    pub id: Option<&'a Node>,
    pub name: Option<&'a Node>,
    pub uses: Option<Uses<'a>>,
    pub run: Option<&'a Node>,
    pub shell: Option<&'a Node>,
    pub with: Vec<&'a Entry>,
    pub env: Vec<&'a Entry>,
    pub condition: Option<&'a Node>,
}

impl<'a> Step<'a> {
    /// The `with:` input named `name`.
    pub fn input(&self, name: &str) -> Option<&'a Node> {
        self.with
            .iter()
            .find(|e| e.key.as_str() == Some(name))
            .map(|e| &e.value)
    }

    /// Whether the step uses the action `owner/repo` (any ref, any sub-path).
    pub fn uses_action(&self, action: &str) -> bool {
        self.uses.as_ref().is_some_and(|u| u.is_action(action))
    }
}

/// A `uses:` reference.
#[derive(Debug, Clone, Copy)]
pub struct Uses<'a> {
    pub node: &'a Node,
    pub target: UsesTarget<'a>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsesTarget<'a> {
    /// `owner/repo[/path]@ref` (an action or a reusable workflow in another repository).
    Repository {
        owner: &'a str,
        repo: &'a str,
        path: Option<&'a str>,
        /// `None` when there is no `@`.
        git_ref: Option<&'a str>,
    },
    /// `./path` in the same repository.
    Local(&'a str),
    /// `docker://image`.
    Docker(&'a str),
    /// Anything else (an expression, an empty value).
    Invalid(&'a str),
}

impl<'a> Uses<'a> {
    fn read(node: &'a Node) -> Option<Uses<'a>> {
        let text = node.as_str()?.trim();
        Some(Uses {
            node,
            target: parse_uses(text),
        })
    }

    /// Whether this names the action `owner/repo` (case-insensitively, as GitHub resolves it).
    pub fn is_action(&self, action: &str) -> bool {
        match self.target {
            UsesTarget::Repository { owner, repo, .. } => {
                action.split_once('/').is_some_and(|(o, r)| {
                    o.eq_ignore_ascii_case(owner) && r.eq_ignore_ascii_case(repo)
                })
            }
            _ => false,
        }
    }

    /// The ref after `@`, for a repository reference.
    pub fn git_ref(&self) -> Option<&'a str> {
        match self.target {
            UsesTarget::Repository { git_ref, .. } => git_ref,
            _ => None,
        }
    }

    /// Whether a repository reference is pinned to a full 40-hex-digit commit SHA.
    pub fn is_sha_pinned(&self) -> bool {
        self.git_ref().is_some_and(is_commit_sha)
    }
}

/// A full commit SHA (40 hexadecimal digits; 64 for SHA-256 repositories).
pub fn is_commit_sha(s: &str) -> bool {
    (s.len() == 40 || s.len() == 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Splits a `uses:` value into what it points at.
pub fn parse_uses(text: &str) -> UsesTarget<'_> {
    if text.starts_with("./") || text.starts_with(".\\") {
        return UsesTarget::Local(text);
    }
    if let Some(image) = text.strip_prefix("docker://") {
        return UsesTarget::Docker(image);
    }
    if text.is_empty() || text.contains("${{") {
        return UsesTarget::Invalid(text);
    }
    let (name, git_ref) = match text.split_once('@') {
        Some((n, r)) => (n, Some(r)),
        None => (text, None),
    };
    let mut parts = name.splitn(3, '/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(owner), Some(repo), path) if !owner.is_empty() && !repo.is_empty() => {
            UsesTarget::Repository {
                owner,
                repo,
                path: path.filter(|p| !p.is_empty()),
                git_ref,
            }
        }
        _ => UsesTarget::Invalid(text),
    }
}

/// The workflow in a YAML document; `None` when the document is not a mapping.
pub fn workflow(root: &Node) -> Option<Workflow<'_>> {
    if !root.is_map() {
        return None;
    }
    let on = root.entry("on");
    let triggers = on.map(|e| triggers(&e.value)).unwrap_or_default();
    let jobs = root
        .get("jobs")
        .map(|j| {
            j.entries()
                .iter()
                .filter(|e| e.value.is_map())
                .filter_map(job)
                .collect()
        })
        .unwrap_or_default();
    Some(Workflow {
        root,
        name: root.get("name"),
        on,
        triggers,
        permissions: root.get("permissions").map(Permissions::read),
        env: entries(root.get("env")),
        concurrency: root.get("concurrency"),
        jobs,
    })
}

fn triggers(on: &Node) -> Vec<Trigger<'_>> {
    match &on.value {
        Value::Scalar(s) => vec![Trigger {
            event: &s.text,
            node: on,
            config: None,
        }],
        Value::Seq(items) => items
            .iter()
            .filter_map(|i| {
                Some(Trigger {
                    event: i.as_str()?,
                    node: i,
                    config: None,
                })
            })
            .collect(),
        Value::Map(entries) => entries
            .iter()
            .filter_map(|e| {
                Some(Trigger {
                    event: e.key.as_str()?,
                    node: &e.key,
                    config: (!e.value.is_null()).then_some(&e.value),
                })
            })
            .collect(),
        Value::Null => Vec::new(),
    }
}

fn entries(node: Option<&Node>) -> Vec<&Entry> {
    node.map(|n| n.entries().iter().collect())
        .unwrap_or_default()
}

fn job(entry: &Entry) -> Option<Job<'_>> {
    let id = entry.key.as_str()?;
    let node = &entry.value;
    let needs = match node.get("needs") {
        Some(n) if n.as_str().is_some() => vec![n],
        Some(n) => n.items().iter().filter(|i| i.as_str().is_some()).collect(),
        None => Vec::new(),
    };
    let steps = node
        .get("steps")
        .map(|s| {
            s.items()
                .iter()
                .enumerate()
                .filter(|(_, n)| n.is_map())
                .map(|(index, n)| step(index, n))
                .collect()
        })
        .unwrap_or_default();
    let services = node
        .get("services")
        .map(|s| {
            s.entries()
                .iter()
                .map(|e| (&e.key, Container::read(&e.value)))
                .collect()
        })
        .unwrap_or_default();
    Some(Job {
        id,
        key: &entry.key,
        node,
        name: node.get("name"),
        needs,
        runs_on: node.get("runs-on"),
        permissions: node.get("permissions").map(Permissions::read),
        condition: node.get("if"),
        environment: node.get("environment"),
        env: entries(node.get("env")),
        container: node.get("container").map(Container::read),
        services,
        strategy: node.get("strategy"),
        uses: node.get("uses").and_then(Uses::read),
        secrets: node.get("secrets"),
        with: entries(node.get("with")),
        steps,
    })
}

fn step(index: usize, node: &Node) -> Step<'_> {
    Step {
        index,
        node,
        id: node.get("id"),
        name: node.get("name"),
        uses: node.get("uses").and_then(Uses::read),
        run: node.get("run"),
        shell: node.get("shell"),
        with: entries(node.get("with")),
        env: entries(node.get("env")),
        condition: node.get("if"),
    }
}

/// A composite, JavaScript or Docker action: `action.yml`.
#[derive(Debug, Clone)]
pub struct Action<'a> {
    pub root: &'a Node,
    pub runs: Option<&'a Node>,
    /// The steps of a composite action.
    pub steps: Vec<Step<'a>>,
}

/// The action in a YAML document (`action.yml`).
pub fn action(root: &Node) -> Option<Action<'_>> {
    if !root.is_map() {
        return None;
    }
    let runs = root.get("runs");
    let steps = runs
        .and_then(|r| r.get("steps"))
        .map(|s| {
            s.items()
                .iter()
                .enumerate()
                .filter(|(_, n)| n.is_map())
                .map(|(i, n)| step(i, n))
                .collect()
        })
        .unwrap_or_default();
    Some(Action { root, runs, steps })
}

/// Every `${{ … }}` fence written in a scalar node, with spans into `source`. The fences are
/// read from the source text (not the unquoted value), so their spans are exact even inside
/// quoted and block scalars.
pub fn fences<'s>(source: &'s str, node: &Node) -> Vec<expr::Fence<'s>> {
    match node.value {
        Value::Scalar(_) => {
            // In a single-quoted scalar every `'` of the value is written `''`.
            let quote = if source.as_bytes().get(node.span.start) == Some(&b'\'') {
                expr::Quote::Doubled
            } else {
                expr::Quote::Single
            };
            expr::fences_quoted(source, node.span, quote)
        }
        _ => Vec::new(),
    }
}

/// Every scalar below `node` (keys excluded), depth first: for rules that look at each value of
/// a workflow (expressions anywhere).
pub fn scalars(node: &Node) -> Vec<&Node> {
    let mut out = Vec::new();
    fn walk<'n>(n: &'n Node, out: &mut Vec<&'n Node>) {
        match &n.value {
            Value::Scalar(_) => out.push(n),
            Value::Seq(items) => items.iter().for_each(|i| walk(i, out)),
            Value::Map(entries) => entries.iter().for_each(|e| walk(&e.value, out)),
            Value::Null => {}
        }
    }
    walk(node, &mut out);
    out
}

/// The span of a node's key within its parent mapping, for a node found by value.
pub fn key_span(parent: &Node, key: &str) -> Option<Span> {
    parent.entry(key).map(|e| e.key.span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    const CI: &str = "\
name: ci
on:
  push:
    branches: [main]
  pull_request_target:
  schedule:
    - cron: '0 3 * * 1'
permissions: {}
jobs:
  test:
    runs-on: [self-hosted, linux]
    permissions:
      contents: read
      packages: write
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - run: echo ${{ github.event.pull_request.title }}
  release:
    needs: test
    uses: org/repo/.github/workflows/release.yml@0123456789abcdef0123456789abcdef01234567
    secrets: inherit
";

    fn with_workflow(src: &str, f: impl FnOnce(&Workflow<'_>)) {
        let docs = yaml::parse(src).expect("valid YAML");
        let wf = workflow(&docs[0]).expect("a mapping");
        f(&wf);
    }

    /// In a YAML single-quoted scalar, `''` is one quote: the expression
    /// `x == 'main'` is written `'${{ x == ''main'' }}'` (a real workflow generator writes every
    /// value this way), and its string literals keep exact spans in the source.
    #[test]
    fn expressions_in_single_quoted_scalars_read_doubled_quotes_as_one() {
        let src =
            "env:\n  A: '${{ github.ref == ''refs/heads/main'' && ''it''''s'' || '''' }}'\n  \
                   B: \"${{ contains(github.event.pull_request.labels.*.name, 'ci') }}\"\n";
        let docs = yaml::parse(src).expect("yaml");
        let a = docs[0].get("env").and_then(|e| e.get("A")).expect("A");
        let found = fences(src, a);
        assert_eq!(found.len(), 1);
        let e = found[0].parse().expect("parses");
        fn walk(e: &expr::Expr, src: &str, out: &mut Vec<(String, String)>) {
            match &e.kind {
                expr::ExprKind::String(v) => out.push((v.clone(), e.span.text(src).to_string())),
                expr::ExprKind::Binary(_, l, r) => {
                    walk(l, src, out);
                    walk(r, src, out);
                }
                _ => {}
            }
        }
        let mut strings = Vec::new();
        walk(&e, src, &mut strings);
        let want = [
            ("refs/heads/main", "''refs/heads/main''"),
            ("it's", "''it''''s''"),
            ("", "''''"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(v, t)| (v.to_string(), t.to_string()))
            .collect();
        assert_eq!(strings, want);
        let b = docs[0].get("env").and_then(|e| e.get("B")).expect("B");
        assert!(fences(src, b)[0].parse().is_ok());
    }

    #[test]
    fn reads_triggers_in_every_form() {
        with_workflow(CI, |wf| {
            let events: Vec<&str> = wf.triggers.iter().map(|t| t.event).collect();
            assert_eq!(events, ["push", "pull_request_target", "schedule"]);
            let crons = wf.triggers[2].crons();
            assert_eq!(crons[0].as_str(), Some("0 3 * * 1"));
        });
        with_workflow("on: [push, pull_request]\njobs: {}\n", |wf| {
            assert_eq!(wf.triggers.len(), 2);
        });
        with_workflow("on: push\njobs: {}\n", |wf| {
            assert_eq!(wf.triggers[0].event, "push");
        });
    }

    #[test]
    fn reads_permissions_at_both_levels() {
        with_workflow(CI, |wf| {
            let top = wf.permissions.as_ref().expect("top-level block");
            assert!(matches!(&top.kind, PermissionsKind::Scopes(s) if s.is_empty()));
            let job = wf.jobs[0].permissions.as_ref().expect("job block");
            assert_eq!(job.level("contents"), Some("read"));
            assert_eq!(job.writes()[0].name, "packages");
        });
    }

    #[test]
    fn reads_jobs_steps_and_uses() {
        with_workflow(CI, |wf| {
            let test = &wf.jobs[0];
            assert_eq!(test.runner_labels().len(), 2);
            let checkout = &test.steps[0];
            assert!(checkout.uses_action("actions/checkout"));
            assert_eq!(checkout.uses.expect("uses").git_ref(), Some("v4"));
            assert_eq!(
                checkout
                    .input("persist-credentials")
                    .and_then(Node::as_bool),
                Some(false)
            );
            let release = &wf.jobs[1];
            assert_eq!(release.needs[0].as_str(), Some("test"));
            assert!(release.uses.expect("reusable call").is_sha_pinned());
            assert_eq!(release.secrets.and_then(Node::as_str), Some("inherit"));
        });
    }

    #[test]
    fn finds_expressions_with_exact_spans() {
        with_workflow(CI, |wf| {
            let run = wf.jobs[0].steps[1].run.expect("run");
            let fences = fences(CI, run);
            assert_eq!(fences.len(), 1);
            let e = fences[0].parse().expect("parses");
            assert_eq!(e.span.text(CI), "github.event.pull_request.title");
        });
    }

    #[test]
    fn splits_uses_references() {
        assert_eq!(
            parse_uses("docker/build-push-action@v6"),
            UsesTarget::Repository {
                owner: "docker",
                repo: "build-push-action",
                path: None,
                git_ref: Some("v6")
            }
        );
        assert!(matches!(
            parse_uses("github/codeql-action/init@v3"),
            UsesTarget::Repository {
                path: Some("init"),
                ..
            }
        ));
        assert_eq!(
            parse_uses("./.github/actions/x"),
            UsesTarget::Local("./.github/actions/x")
        );
        assert_eq!(
            parse_uses("docker://alpine:3.20"),
            UsesTarget::Docker("alpine:3.20")
        );
        assert!(matches!(parse_uses("checkout"), UsesTarget::Invalid(_)));
    }
}
