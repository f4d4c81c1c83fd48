//! Credential files read as the formats they are, one module per format: a `.netrc` machine
//! block over several lines, `.pgpass` fields with their escapes, XML attributes and elements,
//! YAML `data:` maps of Kubernetes Secrets. Each parser gives the exact span of every credential
//! it holds; the engine then applies the same filters as to a regex match.

use std::ops::Range;

mod filezilla;
mod git_credentials;
mod htpasswd;
mod kubernetes_secret;
mod netrc;
mod nuget_config;
mod pgpass;
mod shadow;

/// A credential a parser found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The credential's bytes in the file.
    pub secret: Range<usize>,
    /// The entry that holds it (the line, the element), for suppressions and context.
    pub whole: Range<usize>,
    /// The name the entry gives the value (a Kubernetes data key), when it has one.
    pub name: Option<Range<usize>>,
    /// The value as the application sees it, when the file holds it encoded (base64).
    pub decoded: Option<Vec<u8>>,
}

impl Candidate {
    fn plain(secret: Range<usize>, whole: Range<usize>) -> Candidate {
        Candidate {
            secret,
            whole,
            name: None,
            decoded: None,
        }
    }
}

/// A credential file format, by its name in the rules file (`parser = "…"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parser {
    Netrc,
    Pgpass,
    Htpasswd,
    Shadow,
    NugetConfig,
    FileZilla,
    GitCredentials,
    KubernetesSecret,
}

impl Parser {
    pub const NAMES: &'static [&'static str] = &[
        "netrc",
        "pgpass",
        "htpasswd",
        "shadow",
        "nuget-config",
        "filezilla",
        "git-credentials",
        "kubernetes-secret",
    ];

    pub fn parse_name(name: &str) -> Option<Parser> {
        Some(match name {
            "netrc" => Parser::Netrc,
            "pgpass" => Parser::Pgpass,
            "htpasswd" => Parser::Htpasswd,
            "shadow" => Parser::Shadow,
            "nuget-config" => Parser::NugetConfig,
            "filezilla" => Parser::FileZilla,
            "git-credentials" => Parser::GitCredentials,
            "kubernetes-secret" => Parser::KubernetesSecret,
            _ => return None,
        })
    }

    /// Every credential in `hay`.
    pub fn candidates(self, hay: &[u8]) -> Vec<Candidate> {
        match self {
            Parser::Netrc => netrc::passwords(hay),
            Parser::Pgpass => pgpass::passwords(hay),
            Parser::Htpasswd => htpasswd::hashes(hay),
            Parser::Shadow => shadow::hashes(hay),
            Parser::NugetConfig => nuget_config::passwords(hay),
            Parser::FileZilla => filezilla::passwords(hay),
            Parser::GitCredentials => git_credentials::passwords(hay),
            Parser::KubernetesSecret => kubernetes_secret::values(hay),
        }
    }

    /// Whether the engine should also scan the decoded value with every rule and prefer what
    /// a more specific rule finds in it (a PEM key in `tls.key`).
    pub fn scans_decoded_values(self) -> bool {
        matches!(self, Parser::KubernetesSecret | Parser::FileZilla)
    }
}

/// Lines of `hay` with their start offsets, line ends (`\n`, `\r\n`) left out.
pub(crate) fn lines(hay: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= hay.len() {
            return None;
        }
        let start = at;
        let end = memchr::memchr(b'\n', &hay[at..]).map_or(hay.len(), |i| at + i);
        at = end + 1;
        let mut line = &hay[start..end];
        if line.last() == Some(&b'\r') {
            line = &line[..line.len() - 1];
        }
        Some((start, line))
    })
}
