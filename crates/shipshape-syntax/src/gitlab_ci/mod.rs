//! GitLab CI pipelines (`.gitlab-ci.yml` and the files it includes) as a typed model over the
//! spanned YAML tree: stages, global and job variables, `include:` entries, the `default:`
//! section, and jobs with their image, scripts, rules, environment and `extends:` chain. A job
//! reads a keyword through [`Job::get`], which follows `extends:` (and `default:` for the
//! keywords GitLab inherits) within the file, so a rule sees what GitLab would run.

use crate::yaml::{Entry, Node, Value};

/// Top-level keys that are not jobs.
pub const GLOBAL_KEYWORDS: &[&str] = &[
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "spec",
];

/// Job keywords `default:` supplies when the job does not set them.
const DEFAULT_KEYWORDS: &[&str] = &[
    "after_script",
    "artifacts",
    "before_script",
    "cache",
    "hooks",
    "id_tokens",
    "image",
    "interruptible",
    "retry",
    "services",
    "tags",
    "timeout",
];

/// One pipeline file.
#[derive(Debug, Clone)]
pub struct Pipeline<'a> {
    pub root: &'a Node,
    pub stages: Vec<&'a Node>,
    pub variables: Vec<Variable<'a>>,
    pub includes: Vec<Include<'a>>,
    pub default: Option<&'a Node>,
    pub workflow: Option<&'a Node>,
    /// Visible jobs and hidden templates (`.name`), in file order.
    pub jobs: Vec<Job<'a>>,
}

/// A CI/CD variable: `NAME: value` or `NAME: {value, description, expand}`.
#[derive(Debug, Clone, Copy)]
pub struct Variable<'a> {
    pub name: &'a str,
    pub key: &'a Node,
    /// The value token (the `value:` of the long form).
    pub value: Option<&'a Node>,
}

/// One `include:` entry.
#[derive(Debug, Clone, Copy)]
pub struct Include<'a> {
    pub node: &'a Node,
    pub kind: IncludeKind<'a>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncludeKind<'a> {
    /// `local: path` (or a plain string naming a file of the repository).
    Local(&'a str),
    /// `project: group/name` with its `ref:` (`None` when absent: the default branch).
    Project {
        project: &'a str,
        git_ref: Option<&'a str>,
    },
    /// `remote: https://…` (or a plain URL string).
    Remote(&'a str),
    /// `template: Jobs/SAST.gitlab-ci.yml`.
    Template(&'a str),
    /// `component: host/group/project/name@version`.
    Component(&'a str),
    Other,
}

/// A job or a hidden template.
#[derive(Debug, Clone)]
pub struct Job<'a> {
    pub name: &'a str,
    pub key: &'a Node,
    pub node: &'a Node,
    /// Hidden (`.template`): never run, only extended.
    pub hidden: bool,
    pipeline_root: &'a Node,
}

impl<'a> Job<'a> {
    /// A keyword as GitLab resolves it: the job's own, else the nearest through `extends:`
    /// (last-listed parent first), else `default:` for the keywords it supplies. Depth-limited,
    /// so an `extends:` cycle ends.
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.resolve(self.node, key, 0).or_else(|| {
            DEFAULT_KEYWORDS
                .contains(&key)
                .then(|| self.pipeline_root.get("default")?.get(key))
                .flatten()
                .or_else(|| {
                    // The deprecated global form of the same keywords.
                    matches!(
                        key,
                        "image" | "services" | "before_script" | "after_script" | "cache"
                    )
                    .then(|| self.pipeline_root.get(key))
                    .flatten()
                })
        })
    }

    fn resolve(&self, node: &'a Node, key: &str, depth: usize) -> Option<&'a Node> {
        if let Some(v) = node.get(key) {
            return Some(v);
        }
        if depth > 10 {
            return None;
        }
        for parent in extends_names(node).into_iter().rev() {
            if let Some(p) = self.pipeline_root.get(parent) {
                if let Some(v) = self.resolve(p, key, depth + 1) {
                    return Some(v);
                }
            }
        }
        None
    }

    /// The job's own `extends:` names.
    pub fn extends(&self) -> Vec<&'a str> {
        extends_names(self.node)
    }

    pub fn image(&self) -> Option<Image<'a>> {
        let node = self.get("image")?;
        Image::read(node)
    }

    /// Every command line of `before_script`, `script` and `after_script` (nested lists
    /// flattened, as GitLab does), each with its node.
    pub fn script_lines(&self) -> Vec<&'a Node> {
        let mut out = Vec::new();
        for key in ["before_script", "script", "after_script"] {
            if let Some(s) = self.get(key) {
                flatten_lines(s, &mut out);
            }
        }
        out
    }

    pub fn stage(&self) -> Option<&'a str> {
        self.get("stage")?.as_str()
    }

    /// The environment's name, from `environment: name` or `environment: {name: …}`.
    pub fn environment(&self) -> Option<(&'a Node, &'a str)> {
        let env = self.get("environment")?;
        let name = env.as_str().map(|_| env).or_else(|| env.get("name"))?;
        Some((name, name.as_str()?))
    }

    /// Whether the job deploys: it names an environment, or sits in a `deploy` stage.
    pub fn is_deploy(&self) -> bool {
        let action = self
            .get("environment")
            .and_then(|e| e.get("action"))
            .and_then(Node::as_str);
        let acts = !matches!(action, Some("stop" | "prepare" | "verify" | "access"));
        (self.environment().is_some() && acts)
            || self
                .stage()
                .is_some_and(|s| s.to_ascii_lowercase().contains("deploy"))
    }

    pub fn variables(&self) -> Vec<Variable<'a>> {
        variables(self.node.get("variables"))
    }
}

/// A job's `image:`, string or `{name: …}` form.
#[derive(Debug, Clone, Copy)]
pub struct Image<'a> {
    pub node: &'a Node,
    pub name: &'a str,
}

impl<'a> Image<'a> {
    fn read(node: &'a Node) -> Option<Image<'a>> {
        let name_node = if node.as_str().is_some() {
            node
        } else {
            node.get("name")?
        };
        Some(Image {
            node: name_node,
            name: name_node.as_str()?.trim(),
        })
    }
}

fn flatten_lines<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
    match &node.value {
        Value::Scalar(_) => out.push(node),
        Value::Seq(items) => items.iter().for_each(|i| flatten_lines(i, out)),
        _ => {}
    }
}

fn extends_names(node: &Node) -> Vec<&str> {
    match node.get("extends") {
        Some(e) if e.as_str().is_some() => e.as_str().into_iter().collect(),
        Some(e) => e.items().iter().filter_map(Node::as_str).collect(),
        None => Vec::new(),
    }
}

fn variables(node: Option<&Node>) -> Vec<Variable<'_>> {
    node.map(|n| n.entries().iter().filter_map(variable).collect())
        .unwrap_or_default()
}

fn variable(e: &Entry) -> Option<Variable<'_>> {
    let value = if e.value.is_map() {
        e.value.get("value")
    } else {
        (!e.value.is_null()).then_some(&e.value)
    };
    Some(Variable {
        name: e.key.as_str()?,
        key: &e.key,
        value,
    })
}

fn include(node: &Node) -> Include<'_> {
    let kind = if let Some(s) = node.as_str() {
        if s.starts_with("https://") || s.starts_with("http://") {
            IncludeKind::Remote(s)
        } else {
            IncludeKind::Local(s)
        }
    } else if let Some(l) = node.get("local").and_then(Node::as_str) {
        IncludeKind::Local(l)
    } else if let Some(p) = node.get("project").and_then(Node::as_str) {
        IncludeKind::Project {
            project: p,
            git_ref: node.get("ref").and_then(Node::as_str),
        }
    } else if let Some(r) = node.get("remote").and_then(Node::as_str) {
        IncludeKind::Remote(r)
    } else if let Some(t) = node.get("template").and_then(Node::as_str) {
        IncludeKind::Template(t)
    } else if let Some(c) = node.get("component").and_then(Node::as_str) {
        IncludeKind::Component(c)
    } else {
        IncludeKind::Other
    };
    Include { node, kind }
}

/// The pipeline in a YAML document; `None` when the document is not a mapping.
pub fn pipeline(root: &Node) -> Option<Pipeline<'_>> {
    if !root.is_map() {
        return None;
    }
    let includes = match root.get("include") {
        Some(i) if i.is_seq() => i.items().iter().map(include).collect(),
        Some(i) => vec![include(i)],
        None => Vec::new(),
    };
    let jobs = root
        .entries()
        .iter()
        .filter(|e| e.value.is_map())
        .filter_map(|e| {
            let name = e.key.as_str()?;
            (!GLOBAL_KEYWORDS.contains(&name)).then(|| Job {
                name,
                key: &e.key,
                node: &e.value,
                hidden: name.starts_with('.'),
                pipeline_root: root,
            })
        })
        .collect();
    Some(Pipeline {
        root,
        stages: root
            .get("stages")
            .map(|s| s.items().iter().collect())
            .unwrap_or_default(),
        variables: variables(root.get("variables")),
        includes,
        default: root.get("default"),
        workflow: root.get("workflow"),
        jobs,
    })
}

impl<'a> Pipeline<'a> {
    /// The jobs GitLab runs (hidden templates left out).
    pub fn visible_jobs(&self) -> impl Iterator<Item = &Job<'a>> {
        self.jobs.iter().filter(|j| !j.hidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    const PIPELINE: &str = "\
include:
  - project: ops/templates
    ref: v1.2.0
    file: /docker.yml
  - remote: https://example.com/ci.yml
  - template: Jobs/SAST.gitlab-ci.yml
stages: [test, build, deploy]
variables:
  DOCKER_DRIVER: overlay2
default:
  image: node:22-bookworm
.deploy:
  stage: deploy
  image: alpine:3.20
  script: [./deploy.sh]
test:
  stage: test
  script:
    - npm ci
    - [npm test, npm run lint]
deploy:
  extends: .deploy
  environment:
    name: production
";

    #[test]
    fn reads_includes_stages_and_jobs() {
        let docs = yaml::parse(PIPELINE).expect("valid");
        let p = pipeline(&docs[0]).expect("mapping");
        assert_eq!(p.stages.len(), 3);
        assert_eq!(
            p.includes[0].kind,
            IncludeKind::Project {
                project: "ops/templates",
                git_ref: Some("v1.2.0")
            }
        );
        assert_eq!(
            p.includes[1].kind,
            IncludeKind::Remote("https://example.com/ci.yml")
        );
        let names: Vec<&str> = p.visible_jobs().map(|j| j.name).collect();
        assert_eq!(names, ["test", "deploy"]);
        assert_eq!(p.variables[0].name, "DOCKER_DRIVER");
    }

    #[test]
    fn jobs_inherit_through_extends_and_default() {
        let docs = yaml::parse(PIPELINE).expect("valid");
        let p = pipeline(&docs[0]).expect("mapping");
        let test = p.visible_jobs().next().expect("test job");
        assert_eq!(test.image().map(|i| i.name), Some("node:22-bookworm"));
        assert_eq!(test.script_lines().len(), 3);
        let deploy = p.visible_jobs().nth(1).expect("deploy job");
        assert_eq!(deploy.image().map(|i| i.name), Some("alpine:3.20"));
        assert_eq!(deploy.stage(), Some("deploy"));
        assert!(deploy.is_deploy());
        assert_eq!(deploy.environment().map(|e| e.1), Some("production"));
        assert!(!test.is_deploy());
    }

    #[test]
    fn an_extends_cycle_ends() {
        let src = ".a:\n  extends: .b\n.b:\n  extends: .a\njob:\n  extends: .a\n  script: [x]\n";
        let docs = yaml::parse(src).expect("valid");
        let p = pipeline(&docs[0]).expect("mapping");
        let job = p.visible_jobs().next().expect("job");
        assert!(job.get("image").is_none());
    }
}
