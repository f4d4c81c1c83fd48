//! ## What it does
//! Flags a build tool that works on the current directory (`npm ci`, `yarn install`,
//! `composer install`, `go build`, `mvn package`, `make`, `pip install -r requirements.txt`, …)
//! run in a stage where no `WORKDIR` has been set, neither in the stage nor in a local stage it
//! builds on, and without a `cd` earlier in the same `RUN`. Global installs
//! (`npm install -g`, `pip install flask`) do not depend on the directory and pass. Heredoc
//! scripts are read like any other `RUN`.
//!
//! Relative `COPY` destinations are the concern of `copy-relative-without-workdir`; this rule is
//! about the commands that follow.
//!
//! ## Why is this bad?
//! Without a `WORKDIR` the command runs in the base image's working directory, usually `/`. It
//! does not find the project copied to `/app`, or it fills the image root with `node_modules`,
//! `vendor` or build output; recent npm versions refuse to install in `/` altogether.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-alpine
//! COPY package.json package-lock.json /app/
//! RUN npm ci
//! ```
//!
//! Use instead:
//! ```dockerfile
//! FROM node:22-alpine
//! WORKDIR /app
//! COPY package.json package-lock.json ./
//! RUN npm ci
//! ```
//!
//! ## Fix
//! Set `WORKDIR` to the project directory before building.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;
use shipshape_syntax::shell::Command;

use super::util::lineage;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct MissingWorkdir;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-024",
    slug: "missing-workdir",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "Build command runs without WORKDIR",
    equivalents: &[],
};

/// Whether a command works on the project in the current directory.
fn uses_cwd(cmd: &Command) -> bool {
    let Some(name) = cmd.name() else { return false };
    if crate::rules::docker::only_reports(cmd) {
        return false;
    }
    let program = shipshape_syntax::shell::base_name(name);
    let sub = cmd
        .operands()
        .first()
        .map(|w| w.value.clone())
        .unwrap_or_default();
    match program {
        "npm" | "pnpm" => {
            !cmd.has_flag('g', "global")
                && !matches!(sub.as_str(), "config" | "cache" | "--version")
        }
        "yarn" => sub != "global" && sub != "config" && sub != "cache",
        "bundle" => matches!(sub.as_str(), "install" | "exec" | "config" | "lock"),
        "composer" => {
            sub != "global" && sub != "config" && sub != "self-update" && sub != "create-project"
        }
        "go" => matches!(sub.as_str(), "build" | "mod" | "test" | "generate" | "vet"),
        "cargo" => matches!(sub.as_str(), "build" | "fetch" | "test" | "check"),
        "dotnet" => matches!(sub.as_str(), "restore" | "build" | "publish" | "test"),
        "poetry" | "pipenv" => matches!(sub.as_str(), "install" | "build" | "sync"),
        "uv" => sub == "sync",
        "mvn" | "mvnw" | "gradle" | "gradlew" | "make" => true,
        "pip" | "pip3" => {
            let from_file = cmd
                .flag_value('r', "requirement")
                .is_some_and(|f| !f.value.starts_with('/'));
            let local = cmd
                .operands()
                .iter()
                .any(|w| w.value == "." || w.value.starts_with("./"));
            from_file || local
        }
        _ => false,
    }
}

impl DockerfileRule for MissingWorkdir {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let ast = doc.ast;
        let stages = ast.stages();
        for stage in &stages {
            let chain = lineage(ast, &stages, stage.index);
            let inherited = chain[..chain.len() - 1].iter().any(|&p| {
                stages.get(p).is_some_and(|s| {
                    ast.instructions[s.instructions.clone()]
                        .iter()
                        .any(|i| i.keyword == Keyword::Workdir)
                })
            });
            if inherited {
                continue;
            }
            for index in stage.instructions.clone() {
                let Some(instr) = ast.instructions.get(index) else {
                    continue;
                };
                if instr.keyword == Keyword::Workdir {
                    break;
                }
                if instr.keyword != Keyword::Run {
                    continue;
                }
                let mut moved = false;
                for cmd in instr.run_commands_ref() {
                    let cmd = cmd.unwrapped();
                    if cmd.name() == Some("cd") || cmd.name() == Some("pushd") {
                        moved = true;
                    }
                    if moved || !uses_cwd(&cmd) {
                        continue;
                    }
                    let Some(word) = cmd.name_word() else {
                        continue;
                    };
                    out.push(Diagnostic::new(
                        word.span,
                        format!(
                            "`{}` works on the current directory, but no WORKDIR is set: it runs in the base image's working directory, usually `/`",
                            word.value
                        ),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::flagged;
    use super::*;

    #[test]
    fn flags_project_tools_before_any_workdir() {
        let src = "FROM a:1 AS base\nCOPY . /app/\nRUN npm install -g pnpm && npm ci\nRUN pip install -r requirements.txt flask\nRUN cd /app && make\nFROM b:1\nWORKDIR /app\nRUN go build ./...\nFROM base\nRUN yarn install\n";
        assert_eq!(flagged(&MissingWorkdir, src), ["npm", "pip", "yarn"]);
    }

    #[test]
    fn passes_global_installs_and_inherited_workdirs() {
        let src = "FROM a:1 AS base\nWORKDIR /src\nRUN pip install flask\nFROM base\nRUN npm ci\nFROM c:1\nRUN npm i -g npm@10 && go install x@v1\n";
        assert!(flagged(&MissingWorkdir, src).is_empty());
    }
}
