//! Redaction cases: lines where a secret appears more than once, or once in a form no rule
//! matches (a comment, a log line, its base64 or URL-encoded copy), next to a copy that is found.
//! No finding made from them may show the value — in its message, its snippet or its
//! fingerprint — whichever copy the rule matched.
//!
//! Every case is a real finding (checked by the first test), so the second one cannot pass by
//! finding nothing.

use shipshape_secrets::base64;
use shipshape_secrets::Scanner;

/// A token of the GitHub classic-PAT shape, built at run time.
fn token() -> String {
    format!("ghp_{}", "Q7wErTy2UiOp9AsDf4GhJk6LzXc8VbNm1Pq3")
}

/// A password the generic rule finds.
fn password() -> String {
    "Zq8Lp2Wn5Rt9Xv3K".to_string()
}

/// (path, text, the value that must not appear)
fn cases() -> Vec<(&'static str, String, String)> {
    let t = token();
    let p = password();
    let url_encoded = p.replace('5', "%35");
    vec![
        // Two matched copies on one line.
        ("a.env", format!("API_TOKEN={t} # same as {t}\n"), t.clone()),
        // The matched copy, then the same value in a comment no rule matches on its own.
        (
            "a.sh",
            format!("export API_TOKEN=\"{t}\"  # previously used: {t}x\n"),
            t.clone(),
        ),
        // A generic password, repeated in a trailing comment.
        (
            "settings.py",
            format!("DB_PASSWORD = \"{p}\"  # old: {p}\n"),
            p.clone(),
        ),
        // A generic password, repeated before the assignment.
        (
            "deploy.sh",
            format!("echo {p} | docker login -u ci --password-stdin; DB_PASSWORD={p}\n"),
            p.clone(),
        ),
        // The value and its base64 form on one line.
        (
            "ci.yml",
            format!(
                "password: {p}  # base64: {}\n",
                base64::encode(p.as_bytes())
            ),
            p.clone(),
        ),
        // The value inside a URL and again as a query parameter.
        (
            "app.ini",
            format!("dsn = postgres://app:{p}@db/app?password={p}\n"),
            p.clone(),
        ),
        // A URL-encoded copy next to the plain one.
        (
            "notes.md",
            format!("password: {p} (url-encoded: {url_encoded})\n"),
            p,
        ),
        // Three copies in JSON.
        (
            "config.json",
            format!("{{\"token\": \"{t}\", \"backup\": \"{t}\", \"old\": \"{t}\"}}\n"),
            t,
        ),
    ]
}

#[test]
fn every_redaction_case_is_a_finding() {
    let scanner = Scanner::builtin();
    for (path, text, _) in cases() {
        assert!(
            !scanner.scan(path, text.as_bytes()).findings.is_empty(),
            "{path}: {text}"
        );
    }
}

#[test]
fn no_finding_shows_the_secret_whatever_copy_the_rule_matched() {
    let scanner = Scanner::builtin();
    let mut leaks = Vec::new();
    for (path, text, secret) in cases() {
        for f in scanner.scan(path, text.as_bytes()).findings {
            for (field, value) in [
                ("message", f.message.as_str()),
                ("snippet", f.snippet.as_str()),
                ("fingerprint", f.fingerprint.as_str()),
            ] {
                if value.contains(secret.as_str()) {
                    leaks.push(format!("{path}: {} {field}: {value}", f.slug));
                }
            }
        }
    }
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));
}
