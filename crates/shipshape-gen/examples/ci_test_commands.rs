//! Prints, as a bash array, the `run:` commands of the lint-and-test jobs of the GitHub Actions
//! workflow `init --only ci` generates for a repository, in order: the smoke test
//! (`tests/smoke/run.sh`) runs them natively in a copy of the fixture, so a pipeline that would
//! fail on its first step is caught here rather than on a user's first push.
//!
//! Usage: `cargo run -q -p shipshape-gen --example ci_test_commands -- REPO_DIR`

use std::path::PathBuf;
use std::process::ExitCode;

use shipshape_gen::ci::CiProvider;
use shipshape_gen::{plan, Artifact, InitOptions};

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: ci_test_commands REPO_DIR");
        return ExitCode::from(2);
    };
    let inv = match shipshape_core::Inventory::open(&PathBuf::from(&dir)) {
        Ok(inv) => inv,
        Err(e) => {
            eprintln!("ci_test_commands: {dir}: {e}");
            return ExitCode::from(2);
        }
    };
    let facts = shipshape_detect::detect(&inv);
    let planned = plan(
        &facts,
        &inv,
        &InitOptions {
            only: vec![Artifact::Ci],
            ci: Some(CiProvider::GithubActions),
            ..InitOptions::default()
        },
    );
    let Some(workflow) = planned
        .files
        .iter()
        .find(|f| f.path == ".github/workflows/ci.yml")
    else {
        eprintln!("ci_test_commands: {dir}: no workflow generated");
        return ExitCode::from(1);
    };
    let docs = match shipshape_syntax::yaml::parse(&workflow.content) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("ci_test_commands: the generated workflow does not parse: {e:?}");
            return ExitCode::from(1);
        }
    };
    let mut commands = Vec::new();
    for doc in &docs {
        let Some(wf) = shipshape_syntax::github_actions::workflow(doc) else {
            continue;
        };
        for job in wf.jobs.iter().filter(|j| j.id.starts_with("test")) {
            for step in &job.steps {
                if let Some(run) = step.run.and_then(|r| r.as_str()) {
                    commands.push(quote(run.trim_end()));
                }
            }
        }
    }
    if commands.is_empty() {
        eprintln!("ci_test_commands: {dir}: the workflow has no test job with commands");
        return ExitCode::from(1);
    }
    println!("CI_RUN=({})", commands.join(" "));
    ExitCode::SUCCESS
}
