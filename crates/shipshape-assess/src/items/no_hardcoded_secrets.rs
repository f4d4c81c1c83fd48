//! No hardcoded secrets: decided by the secret scanner — every rule of the `secrets` domain,
//! built-in or the repository's own, over the working tree and, when asked (`--history`), every
//! commit — and by the file-kind rules that see a secret first: a literal in a Dockerfile
//! `ENV`/`ARG`, in a compose `environment:`, or a password set in a `RUN`. One secret is one
//! finding, whichever checker saw it, so each is counted once.

use shipshape_diagnostics::Finding;

use crate::input::{Input, RuleFindings};
use crate::item::{ItemDef, Outcome};

pub static ITEM: ItemDef = ItemDef {
    id: "no-hardcoded-secrets",
    title: "No hardcoded secrets",
    impact: 3,
    effort: 2,
    fix: "Rotate every credential found (it stays in git history), delete it from the files, and read it from the environment or a secrets manager instead; keep .env files out of git.",
    generator: None,
    rules: &["secrets", "SS-DOCKER-082", "SS-COMPOSE-009", "SS-DOCKER-099"],
    facts: &[],
    run,
};

/// A password a `RUN` takes from a variable is not written in the repository: of
/// `password-in-run`, only findings that mask a literal count.
fn is_hardcoded(f: &Finding) -> bool {
    f.rule_id != "SS-DOCKER-099" || f.holds_secret()
}

fn in_working_tree(f: &Finding) -> bool {
    f.provenance.as_ref().is_none_or(|p| p.in_working_tree)
}

fn run(input: &Input, found: &RuleFindings) -> Outcome {
    let secrets: Vec<&Finding> = found.problems().filter(|f| is_hardcoded(f)).collect();
    let history = input.history();
    let read_in_part = history.is_some_and(|h| !h.errors.is_empty());
    let scope = match history {
        None => "the working tree (git history not scanned: add --history)",
        Some(_) if read_in_part => {
            "the working tree and the part of git history that could be read"
        }
        Some(_) => "the working tree and git history",
    };
    if secrets.is_empty() {
        return Outcome::pass(format!("no secret found in {scope}"));
    }
    let in_tree = secrets.iter().filter(|f| in_working_tree(f)).count();
    let history_only = secrets.len() - in_tree;
    let summary = match (in_tree, history_only) {
        (n, 0) => format!("{n} hardcoded secret(s) in the working tree"),
        (0, m) => format!("{m} secret(s) in git history only (still valid until rotated)"),
        (n, m) => {
            format!("{n} hardcoded secret(s) in the working tree, {m} more in git history only")
        }
    };
    Outcome::fail(summary).with(secrets)
}

#[cfg(test)]
mod tests {
    use crate::items::testing::{assessed, Repo};

    /// A GitHub token built at run time, so this file holds none.
    fn token() -> String {
        format!("ghp_{}", "Q7wErTy2UiOp9AsDf4GhJk6LzXc8VbNm1Pq3")
    }

    #[test]
    fn a_token_in_source_fails_with_the_scanner_finding_as_evidence() {
        let repo = Repo::new().file(
            "app/settings.py",
            &format!("import os\n\nGITHUB_TOKEN = \"{}\"\n", token()),
        );
        let item = assessed(&repo, "no-hardcoded-secrets");
        assert_eq!(item.status.label(), "fail");
        assert_eq!(item.summary, "1 hardcoded secret(s) in the working tree");
        let e = &item.evidence[0];
        assert_eq!((e.path.as_str(), e.line), ("app/settings.py", Some(3)));
        assert!(e
            .rule
            .as_deref()
            .is_some_and(|r| r.starts_with("SS-SECRET-")));
        assert!(
            !e.note.contains(&token()),
            "evidence leaks the secret: {}",
            e.note
        );
    }

    #[test]
    fn a_token_in_a_dockerfile_env_counts_once_under_the_dockerfile_rule() {
        let repo = Repo::new().file(
            "Dockerfile",
            &format!(
                "FROM node:22-slim\nENV GITHUB_TOKEN={}\nUSER node\n",
                token()
            ),
        );
        let item = assessed(&repo, "no-hardcoded-secrets");
        assert_eq!(item.status.label(), "fail");
        assert_eq!(item.evidence.len(), 1, "{:?}", item.evidence);
        assert_eq!(item.evidence[0].rule.as_deref(), Some("SS-DOCKER-082"));
        assert_eq!(item.evidence[0].line, Some(2));
    }

    #[test]
    fn a_password_in_compose_environment_fails() {
        let password = format!("{}{}", "Zq8Lp2Wn5", "Rt9Xv3Km");
        let repo = Repo::new().file(
            "compose.yaml",
            &format!(
                "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: {password}\n"
            ),
        );
        let item = assessed(&repo, "no-hardcoded-secrets");
        assert_eq!(item.status.label(), "fail");
        assert_eq!(item.evidence[0].rule.as_deref(), Some("SS-COMPOSE-009"));
    }

    #[test]
    fn an_env_file_with_placeholders_only_passes() {
        // Secret-named variables alone used to fail the item; only real values count now.
        let repo = Repo::new().file(".env", "SECRET_KEY=changeme\nDATABASE_PASSWORD=\n");
        let item = assessed(&repo, "no-hardcoded-secrets");
        assert_eq!(item.status.label(), "pass", "{item:?}");
    }

    #[test]
    fn a_password_a_run_takes_from_a_build_argument_is_not_hardcoded() {
        let from_variable = Repo::new().file(
            "Dockerfile",
            "FROM debian:12\nARG PASS\nRUN echo \"app:$PASS\" | chpasswd\nUSER 10001\n",
        );
        assert_eq!(
            assessed(&from_variable, "no-hardcoded-secrets")
                .status
                .label(),
            "pass"
        );
        let literal = Repo::new().file(
            "Dockerfile",
            "FROM debian:12\nRUN echo 'app:Wn5Rt9Xv3' | chpasswd\nUSER 10001\n",
        );
        let item = assessed(&literal, "no-hardcoded-secrets");
        assert_eq!(item.status.label(), "fail");
        assert_eq!(item.evidence[0].rule.as_deref(), Some("SS-DOCKER-099"));
    }

    #[test]
    fn a_clean_tree_passes_and_says_history_was_not_scanned() {
        let repo = Repo::new().file(
            "app.py",
            "import os\nTOKEN = os.environ[\"GITHUB_TOKEN\"]\n",
        );
        let item = assessed(&repo, "no-hardcoded-secrets");
        assert_eq!(item.status.label(), "pass");
        assert!(
            item.summary.contains("git history not scanned"),
            "{}",
            item.summary
        );
    }
}
