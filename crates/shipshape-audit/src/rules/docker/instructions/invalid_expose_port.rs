//! ## What it does
//! Flags an `EXPOSE` argument that is not a valid port spec: a port above 65535, a range whose
//! ends are reversed or out of range (`8000-70000`), a protocol other than `tcp`, `udp` or `sctp`,
//! a host mapping (`8080:80`, which belongs to `docker run -p`), or no number at all. Variables
//! are resolved from `ARG`/`ENV` defaults; one that stays unknown passes.
//!
//! ## Why is this bad?
//! Docker rejects the build, or, for a host mapping, warns and will reject it in a future
//! release. The intended port is also documentation for whoever runs the image: a wrong one
//! sends them to a port nothing listens on.
//!
//! ## Example
//! ```dockerfile
//! EXPOSE 80800
//! EXPOSE 8080:80
//! ```
//!
//! Use instead:
//! ```dockerfile
//! EXPOSE 8080
//! EXPOSE 80/tcp
//! ```
//!
//! ## Fix
//! Expose the container port only, as `port`, `port/protocol` or `first-last`, between 0 and
//! 65535; publish host ports with `docker run -p` or compose `ports:`.

use shipshape_core::Severity;
use shipshape_syntax::dockerfile::Keyword;

use super::util::{expose_ports, parse_port, PortError};
use crate::rule::{Diagnostic, DockerfileDoc, DockerfileRule, Domain, RuleMeta};

pub struct InvalidExposePort;

pub static META: RuleMeta = RuleMeta {
    id: "SS-DOCKER-012",
    slug: "invalid-expose-port",
    domain: Domain::Dockerfile,
    severity: Severity::Error,
    title: "EXPOSE with an invalid port",
    equivalents: &[
        "hadolint:DL3011",
        "trivy:DS-0008",
        "buildkit:ExposeInvalidFormat",
    ],
};

impl DockerfileRule for InvalidExposePort {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &DockerfileDoc, out: &mut Vec<Diagnostic>) {
        for (index, instr) in doc.ast.instructions_of(Keyword::Expose) {
            for (word, port) in expose_ports(doc.ast, index, instr) {
                let problem = match parse_port(&port) {
                    Ok(_) => continue,
                    Err(PortError::OutOfRange(_)) => "is outside the port range 0-65535".to_string(),
                    Err(PortError::ReversedRange) => "is a range whose first port is above its last".to_string(),
                    Err(PortError::Protocol(p)) => {
                        format!("has protocol `{p}`; EXPOSE knows `tcp`, `udp` and `sctp`")
                    }
                    Err(PortError::HostMapping) => {
                        "maps a host port, which EXPOSE cannot do; publish it with `docker run -p` or compose `ports:`"
                            .to_string()
                    }
                    Err(PortError::NotANumber) => "is not a port number".to_string(),
                };
                let shown = if port == word.value {
                    format!("`{port}`")
                } else {
                    format!("`{}` (= `{port}`)", word.value)
                };
                out.push(Diagnostic::new(
                    word.span,
                    format!("EXPOSE {shown} {problem}"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::util::testing::flagged;
    use super::*;

    #[test]
    fn flags_invalid_specs() {
        let src = "FROM a:1\nEXPOSE 80 443/tcp 53/UDP 8000-8010 0\nEXPOSE 65536 8080:80 80/http 9-1 web\n";
        assert_eq!(
            flagged(&InvalidExposePort, src),
            ["65536", "8080:80", "80/http", "9-1", "web"]
        );
    }

    #[test]
    fn resolves_variables() {
        let src = "FROM a:1\nARG PORT=99999\nARG OK=8080\nEXPOSE $PORT ${OK} $UNSET\n";
        assert_eq!(flagged(&InvalidExposePort, src), ["$PORT"]);
    }
}
