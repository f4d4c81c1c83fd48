//! Helpers shared by the integration tests: the planted corpus (built from every rule's first
//! example at run time, so the repository holds no complete credentials) and throwaway git
//! repositories made with the `git` command line, with fixed identities and dates.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

use shipshape_secrets::rules::example_text;
use shipshape_secrets::RuleSet;

/// One planted secret: the rule it comes from, the file and the line it must be found on.
#[derive(Debug, Clone)]
pub struct Plant {
    pub slug: String,
    pub path: String,
    pub line: u32,
}

/// Whether a rule's examples are whole files of their own format at their own path (a
/// `.pgpass`, an XML file, a Kubernetes manifest) rather than lines that fit in any file.
pub fn is_file_format_rule(set: &RuleSet, rule: usize) -> bool {
    set.rules()[rule].example_path.is_some()
}

/// The examples that are whole files: (path, content, slug, line of the secret).
pub fn format_files() -> Vec<(String, String, String, u32)> {
    let set = RuleSet::builtin();
    let mut out = Vec::new();
    for (i, rule) in set.rules().iter().enumerate() {
        if !is_file_format_rule(&set, i) {
            continue;
        }
        let path = rule.example_path.clone().unwrap_or_default();
        for (n, ex) in rule.examples.iter().enumerate() {
            let text = example_text(ex);
            // Each example in a folder of its own, so one path holds one file.
            let path = if n == 0 {
                path.clone()
            } else {
                format!("example-{n}/{path}")
            };
            let line = secret_line_in(&set, i, &text) + 1;
            out.push((path, text, rule.slug.clone(), line));
        }
    }
    out
}

/// The line (0-based, within the example) where the rule's secret starts.
fn secret_line_in(set: &RuleSet, rule: usize, text: &str) -> u32 {
    let m = set.find_rule(rule, text.as_bytes());
    let at = m.first().map_or(0, |m| m.secret.start);
    text[..at].matches('\n').count() as u32
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// Write the planted corpus under `dir`: every rule's first example, spread over Python, YAML,
/// .env, JSON, Jupyter notebook and Terraform files. Returns where each must be found.
pub fn write_planted(dir: &Path) -> Vec<Plant> {
    let set = RuleSet::builtin();
    // (file, header lines, body lines, footer lines)
    struct File {
        name: &'static str,
        lines: Vec<String>,
    }
    let mut files = vec![
        File {
            name: "app/settings.py",
            lines: vec!["\"\"\"Settings.".into(), String::new()],
        },
        File {
            name: "deploy/values.yaml",
            lines: vec!["config:".into()],
        },
        File {
            name: ".env",
            lines: vec!["# local settings".into()],
        },
        File {
            name: "config/secrets.json",
            lines: vec!["{".into()],
        },
        File {
            name: "notebooks/explore.ipynb",
            lines: vec![
                "{".into(),
                " \"cells\": [".into(),
                "  {".into(),
                "   \"cell_type\": \"code\",".into(),
                "   \"source\": [".into(),
            ],
        },
        File {
            name: "infra/main.tf",
            lines: vec!["locals {".into(), "  blob = <<EOT".into()],
        },
    ];
    let mut plants = Vec::new();
    for (path, text, slug, line) in format_files() {
        let p = dir.join(&path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        plants.push(Plant { slug, path, line });
    }
    for (i, rule) in set.rules().iter().enumerate() {
        if is_file_format_rule(&set, i) {
            continue;
        }
        let text = example_text(&rule.examples[0]);
        let multiline = text.contains('\n');
        let jsonable = !text.contains('"') && !text.contains('\\') && !multiline;
        // Rotate through the formats an example can live in unchanged.
        let choices: &[usize] = if multiline {
            &[0, 2, 5]
        } else if jsonable {
            &[0, 1, 2, 3, 4, 5]
        } else {
            &[0, 1, 2, 5]
        };
        let f = choices[i % choices.len()];
        let file = &mut files[f];
        let first = file.lines.len() as u32 + 1;
        match f {
            1 => {
                file.lines.push(format!("  k{i}: |"));
                file.lines.push(format!("    {text}"));
            }
            3 => file
                .lines
                .push(format!("  \"k{i}\": {},", json_string(&text))),
            4 => file
                .lines
                .push(format!("    {},", json_string(&format!("{text}\n")))),
            _ => file.lines.extend(text.lines().map(str::to_string)),
        }
        let first = if f == 1 { first + 1 } else { first };
        plants.push(Plant {
            slug: rule.slug.clone(),
            path: file.name.to_string(),
            line: first + secret_line_in(&set, i, &text),
        });
    }
    // Close every format so each file is valid of its kind.
    files[0].lines.push("\"\"\"".into());
    files[3].lines.push("  \"end\": true".into());
    files[3].lines.push("}".into());
    files[4].lines.push("    \"# end\"".into());
    files[4]
        .lines
        .extend(["   ]".into(), "  }".into(), " ]".into(), "}".into()]);
    files[5].lines.push("EOT".into());
    files[5].lines.push("}".into());
    for f in files {
        let p = dir.join(f.name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, f.lines.join("\n") + "\n").unwrap();
    }
    plants
}

/// Every rule's first example, one after the other in a single text, with their lines (rules
/// whose examples are whole files of their own format excepted: see [`format_files`]).
pub fn all_examples_text() -> (String, Vec<(String, u32)>) {
    let set = RuleSet::builtin();
    let mut text = String::new();
    let mut at = Vec::new();
    for (i, rule) in set.rules().iter().enumerate() {
        if is_file_format_rule(&set, i) {
            continue;
        }
        let ex = example_text(&rule.examples[0]);
        let first = text.matches('\n').count() as u32 + 1;
        at.push((rule.slug.clone(), first + secret_line_in(&set, i, &ex)));
        text.push_str(&ex);
        text.push('\n');
    }
    (text, at)
}

/// Run git in `dir` with a fixed identity and date; panics with git's output on failure.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Ada Tester")
        .env("GIT_AUTHOR_EMAIL", "ada@example.test")
        .env("GIT_COMMITTER_NAME", "Ada Tester")
        .env("GIT_COMMITTER_EMAIL", "ada@example.test")
        .env("GIT_AUTHOR_DATE", "2024-03-01T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-03-01T12:00:00Z")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Run git with standard input, fixed identity and date (for `mktree`, `hash-object --stdin`).
pub fn git_stdin(dir: &Path, args: &[&str], input: &str) -> String {
    use std::io::Write;
    let mut child = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Ada Tester")
        .env("GIT_AUTHOR_EMAIL", "ada@example.test")
        .env("GIT_COMMITTER_NAME", "Ada Tester")
        .env("GIT_COMMITTER_EMAIL", "ada@example.test")
        .env("GIT_COMMITTER_DATE", "2024-03-01T12:00:00Z")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("git runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

pub fn init_repo(dir: &Path) {
    git(dir, &["init", "-q", "-b", "main"]);
}

/// Import a fast-import stream (much faster than one `git commit` per commit).
pub fn fast_import(dir: &Path, stream: &str) {
    use std::io::Write;
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("git fast-import runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stream.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
}
