//! SS-DOCKER-093 `copy-all-before-install`: the whole source tree is copied before dependencies
//! are installed.
//!
//! ## What it does
//! Flags a `COPY . …` (or `ADD . …`) of the whole build context that comes before a dependency
//! installation in the same stage: `npm ci`/`npm install`, `yarn install`, `pnpm install`,
//! `pip install -r …`, `poetry install`, `uv sync`, `bundle install`, `composer install`,
//! `go mod download`, `cargo fetch`, `dotnet restore`, `mvn dependency:go-offline`.
//!
//! ## Why is this bad?
//! Docker reuses a cached layer only while everything before it is unchanged. With the whole
//! source tree copied first, any edit to any file invalidates the copy and therefore the install
//! after it: every build downloads and installs all dependencies again, which makes builds and
//! CI minutes slow for no reason.
//!
//! ## Example
//! ```dockerfile
//! COPY . .
//! RUN npm ci
//! RUN npm run build
//! ```
//!
//! Use instead:
//! ```dockerfile
//! COPY package.json package-lock.json ./
//! RUN npm ci
//! COPY . .
//! RUN npm run build
//! ```
//!
//! ## Fix
//! Copy only the dependency manifests and lock files first, install, and copy the rest of the
//! source afterwards.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;
use shipshape_syntax::shell::Command;

use super::util::whole_context_source;
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct CopyAllBeforeInstall;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-093",
    slug: "copy-all-before-install",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title:
        "`COPY . .` comes before the dependency install, so any code change re-installs everything",
    equivalents: &[],
};

/// The dependency installation a command performs, as it would be written (`npm ci`).
pub(crate) fn dependency_install(raw: &Command) -> Option<String> {
    let cmd = raw.unwrapped();
    let name = cmd.name()?;
    let program = shipshape_syntax::shell::base_name(name);
    if crate::rules::docker::only_reports(&cmd) {
        return None;
    }
    let ops = cmd.operands();
    let op = |i: usize| ops.get(i).map(|w| w.value.as_str());
    let installs = match program {
        "npm" => op(0) == Some("ci") || (matches!(op(0), Some("install" | "i")) && ops.len() == 1),
        "yarn" => op(0).is_none() || (op(0) == Some("install") && ops.len() == 1),
        "pnpm" => matches!(op(0), Some("install" | "i")) && ops.len() == 1,
        "bundle" | "composer" | "poetry" => op(0) == Some("install"),
        "uv" => op(0) == Some("sync"),
        "go" => op(0) == Some("mod") && op(1) == Some("download"),
        "cargo" => op(0) == Some("fetch"),
        "dotnet" => op(0) == Some("restore"),
        "mvn" | "mvnw" | "./mvnw" => ops.iter().any(|w| w.value.starts_with("dependency:")),
        _ if program.starts_with("pip") => {
            op(0) == Some("install")
                && cmd.args().iter().any(|w| {
                    matches!(w.value.as_str(), "-r" | "--requirement")
                        || w.value.starts_with("--requirement=")
                })
        }
        _ => false,
    };
    if !installs {
        return None;
    }
    let shown: Vec<&str> = std::iter::once(program)
        .chain(
            ops.iter()
                .take(2)
                .map(|w| w.value.as_str())
                .take_while(|w| !w.contains(['.', '/'])),
        )
        .collect();
    Some(shown.join(" "))
}

impl DockerfileRule for CopyAllBeforeInstall {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let ast = doc.ast;
        for stage in ast.stages() {
            let mut copied_all = None;
            for inst in &ast.instructions[stage.instructions.clone()] {
                match inst.keyword {
                    Keyword::Copy | Keyword::Add if copied_all.is_none() => {
                        copied_all = whole_context_source(inst);
                    }
                    Keyword::Run => {
                        let Some(source) = copied_all else { continue };
                        if let Some(install) =
                            inst.run_commands_ref().iter().find_map(dependency_install)
                        {
                            out.push(Diagnostic::new(
                                source.span,
                                format!(
                                    "the whole build context is copied before `{install}`: any code change \
                                     invalidates the cache and re-installs every dependency — copy the \
                                     manifests and lock files first"
                                ),
                            ));
                            break;
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::docker::own::util::testing::{check, flagged};

    #[test]
    fn installs_before_the_full_copy_pass() {
        let src = "FROM a\nCOPY package.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n";
        assert!(check(&CopyAllBeforeInstall, src).is_empty());
    }

    #[test]
    fn reports_the_copy_once_per_stage() {
        let src = "FROM a\nCOPY . /app\nRUN go mod download\nRUN cargo fetch\n";
        assert_eq!(flagged(&CopyAllBeforeInstall, src), ["."]);
    }
}
