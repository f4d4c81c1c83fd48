//! A property of `shipshape secrets` and of the secret findings in `shipshape audit`, through the
//! real binary: whatever the secret and however often it is repeated on its line (one to three
//! copies, in the value, a comment, a second assignment), in whatever kind of file, no output
//! format, no stderr, no baseline and no history report contains it.
//!
//! Each case writes one repository holding every file kind, commits it (so `--history` reads it
//! from a pack too) and checks every output. Every file must also be reported, so the property
//! cannot hold by finding nothing. `PROPTEST_CASES` raises the number of cases (16 by default:
//! each case runs the binary a dozen times).

use std::path::Path;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use proptest::prelude::*;

/// How a random secret is shaped: a provider token (found anywhere by its prefix) or a password
/// (found by the name it is assigned to).
#[derive(Debug, Clone)]
enum Shape {
    GithubToken,
    Password,
}

/// A secret: a provider prefix and random alphanumerics, or a random password whose characters
/// mix lower and upper case and digits (as a password generator's do).
fn secret() -> impl Strategy<Value = (Shape, String)> {
    prop_oneof![
        "[A-Za-z0-9]{36}".prop_map(|s| (Shape::GithubToken, format!("ghp_{s}"))),
        ("[a-z]{4}", "[A-Z]{4}", "[0-9]{4}", "[A-Za-z0-9]{4,12}").prop_map(|(a, b, c, d)| {
            // Interleaved so no long run of one class makes it look like a word or a number.
            let mut s = String::new();
            for i in 0..4 {
                s.push(a.as_bytes()[i] as char);
                s.push(c.as_bytes()[i] as char);
                s.push(b.as_bytes()[i] as char);
            }
            (Shape::Password, s + &d)
        }),
    ]
}

/// One line's worth of extra copies: the value again in a trailing comment, a second
/// assignment, inside a URL.
fn copies(s: &str, n: usize, comment: &str) -> String {
    let forms = [
        format!(" {comment} previously: {s}"),
        format!(" {comment} backup={s}"),
        format!(" {comment} see https://ci:{s}@example.test/"),
    ];
    forms[..n - 1].concat()
}

/// Every kind of file, the secret assigned on one line with `n` copies in all.
fn files(shape: &Shape, s: &str, n: usize) -> Vec<(&'static str, String)> {
    let name = match shape {
        Shape::GithubToken => "GITHUB_TOKEN",
        Shape::Password => "DB_PASSWORD",
    };
    let lower = name.to_ascii_lowercase();
    let hash = |c| copies(s, n, c);
    vec![
        (".env", format!("{name}={s}{}\n", hash("#"))),
        (
            "config/settings.py",
            format!("import os\n{name} = \"{s}\"{}\n", hash("#")),
        ),
        (
            "deploy.sh",
            format!("#!/bin/sh\nexport {name}=\"{s}\"{}\n", hash("#")),
        ),
        (
            "Dockerfile",
            format!("FROM alpine:3.20\nENV {name}={s}{}\n", hash("#")),
        ),
        (
            "compose.yaml",
            format!(
                "services:\n  app:\n    image: app:1.0\n    environment:\n      {name}: \"{s}\"{}\n",
                hash("#")
            ),
        ),
        (
            "k8s/secret.yaml",
            format!(
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\nstringData:\n  {lower}: \"{s}\"{}\n",
                hash("#")
            ),
        ),
        (
            ".github/workflows/ci.yml",
            format!(
                "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    env:\n      {name}: {s}{}\n    steps:\n      - run: make\n",
                hash("#")
            ),
        ),
        (
            "config.json",
            format!(
                "{{\"{lower}\": \"{s}\"{}}}\n",
                (1..n)
                    .map(|i| format!(", \"old{i}\": \"{s}\""))
                    .collect::<String>()
            ),
        ),
        ("app.toml", format!("{lower} = \"{s}\"{}\n", hash("#"))),
        ("app.ini", format!("[db]\n{lower} = {s}{}\n", hash(";"))),
        (
            "application.properties",
            format!("spring.{lower}={s}{}\n", hash("#")),
        ),
        ("main.tf", format!("locals {{\n  {lower} = \"{s}\"{} \n}}\n", hash("#"))),
        (
            "src/Main.java",
            format!(
                "class Main {{\n  static final String {name} = \"{s}\";{}\n}}\n",
                hash("//")
            ),
        ),
        (
            "web/index.ts",
            format!("export const {name} = \"{s}\";{}\n", hash("//")),
        ),
        (
            "docs/setup.md",
            format!("Set `{name}={s}`{} before running.\n", hash("<!--")),
        ),
        (
            ".netrc",
            format!("machine api.example.test login ci password {s}{}\n", hash("#")),
        ),
    ]
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Ada Tester")
        .env("GIT_AUTHOR_EMAIL", "ada@example.test")
        .env("GIT_COMMITTER_NAME", "Ada Tester")
        .env("GIT_COMMITTER_EMAIL", "ada@example.test")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

fn shipshape(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("shipshape")
        .unwrap()
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "trace")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(16),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_output_stderr_or_baseline_holds_a_secret((shape, s) in secret(), n in 1usize..=3) {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let kinds = files(&shape, &s, n);
        for (path, text) in &kinds {
            let p = d.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        git(d, &["init", "-q", "-b", "main"]);
        git(d, &["add", "-A"]);
        git(d, &["commit", "-qm", "files"]);
        git(d, &["repack", "-adq"]);

        let mut leaks = Vec::new();
        let mut check = |what: String, text: &str| {
            if text.contains(&s) {
                leaks.push(format!("{what}:\n{text}"));
            }
        };
        for format in ["human", "json", "sarif", "github", "junit"] {
            for extra in [&[][..], &["--history"][..]] {
                let mut args = vec!["secrets", ".", "--format", format, "--no-progress"];
                args.extend_from_slice(extra);
                let (code, out, err) = shipshape(d, &args);
                prop_assert_eq!(code, 1, "secrets {} {:?}: {}", format, extra, err);
                check(format!("secrets {format} {extra:?} stdout"), &out);
                check(format!("secrets {format} {extra:?} stderr"), &err);
                if format == "json" && extra.is_empty() {
                    // Every file kind is reported: the property is not held by finding nothing.
                    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
                    let reported: Vec<String> = v["findings"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|f| f["location"]["path"].as_str().unwrap_or("").to_string())
                        .collect();
                    let missed: Vec<&str> = kinds
                        .iter()
                        .map(|(p, _)| *p)
                        .filter(|p| !reported.iter().any(|r| r.ends_with(p)))
                        .collect();
                    prop_assert!(missed.is_empty(), "{:?}: not reported: {:?}", shape, missed);
                }
            }
        }
        for format in ["human", "json", "sarif"] {
            let (_, out, err) = shipshape(d, &["audit", ".", "--format", format]);
            check(format!("audit {format} stdout"), &out);
            check(format!("audit {format} stderr"), &err);
        }
        let baseline = d.join("baseline.json");
        let b = baseline.to_str().unwrap();
        let (code, out, err) = shipshape(d, &["secrets", ".", "--history", "--write-baseline", b]);
        prop_assert_eq!(code, 0, "{}", err);
        check("baseline stdout".into(), &out);
        check("baseline stderr".into(), &err);
        check("baseline file".into(), &std::fs::read_to_string(&baseline).unwrap());
        prop_assert!(leaks.is_empty(), "{}", leaks.join("\n\n"));
    }
}
