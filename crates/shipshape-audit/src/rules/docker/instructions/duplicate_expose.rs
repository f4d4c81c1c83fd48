//! ## What it does
//! Flags a port a stage already exposes (`EXPOSE 8080` twice, or `8080` and `8080/tcp`), in the
//! same or a later `EXPOSE` of the stage or of a local stage it builds on.
//!
//! ## Why is this bad?
//! The second declaration changes nothing. It is usually what is left of an edit: someone
//! changed the port in one `EXPOSE` and not the other, and readers can no longer tell which port
//! the application really listens on.
//!
//! ## Example
//! ```dockerfile
//! EXPOSE 8080
//! COPY . /app
//! EXPOSE 8080/tcp
//! ```
//!
//! Use instead:
//! ```dockerfile
//! EXPOSE 8080
//! COPY . /app
//! ```
//!
//! ## Fix
//! Keep one declaration per port, next to the instruction that starts the server.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;
use shipshape_syntax::span::line_col;

use super::util::{chain_instructions, expose_ports, lineage, parse_port, PortSpec};
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct DuplicateExpose;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-029",
    slug: "duplicate-expose",
    domain: Domain::Dockerfile,
    severity: Severity::Info,
    title: "Port exposed twice",
    equivalents: &[],
};

impl DockerfileRule for DuplicateExpose {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        let ast = doc.ast;
        let stages = ast.stages();
        for stage in &stages {
            let chain = lineage(ast, &stages, stage.index);
            let mut seen: Vec<(PortSpec, usize)> = Vec::new();
            for (index, instr) in chain_instructions(ast, &stages, &chain) {
                if instr.keyword != Keyword::Expose {
                    continue;
                }
                let own = stage.instructions.contains(&index);
                for (word, port) in expose_ports(ast, index, instr) {
                    let Ok(spec) = parse_port(&port) else {
                        continue;
                    };
                    match seen.iter().find(|(s, _)| *s == spec) {
                        // Duplicates inside a parent stage are reported for the parent itself.
                        Some((_, first)) if own => {
                            let (line, _) = line_col(doc.source, *first);
                            out.push(Diagnostic::new(
                                word.span,
                                format!("port `{port}` is already exposed on line {line}"),
                            ));
                        }
                        Some(_) => {}
                        None => seen.push((spec, word.span.start)),
                    }
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
    fn flags_repeated_ports_once() {
        let src = "FROM a:1 AS base\nEXPOSE 80 80/tcp 80/udp\nFROM base\nEXPOSE 80 443\nFROM b:1\nEXPOSE 80\n";
        assert_eq!(flagged(&DuplicateExpose, src), ["80/tcp", "80"]);
    }
}
