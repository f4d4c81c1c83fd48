//! Helpers shared by the instruction rules: image references, how stages relate to each other,
//! variable references, `EXPOSE` port specs, and exact spans inside a word.

use std::ops::Range;

use shipshape_syntax::dockerfile::{Dockerfile, Instruction, Keyword, Stage, Word};
use shipshape_syntax::Span;

/// The parts of an image reference `[registry[:port]/]name[:tag][@digest]`, as byte ranges into
/// the reference text. Only meaningful for text without variables.
pub(super) struct ImageRef {
    pub tag: Option<Range<usize>>,
    pub digest: Option<Range<usize>>,
}

pub(super) fn image_ref(text: &str) -> ImageRef {
    let reference = shipshape_syntax::image::parse(text);
    ImageRef {
        tag: reference.tag_span().map(|s| s.start..s.end),
        digest: reference.digest_span().map(|s| s.start..s.end),
    }
}

/// The source span of `range` within a word's value: exact when the word is written as it reads
/// (no quotes or escapes), otherwise the whole word, which is still the right token.
pub(super) fn span_in(word: &Word, src: &str, range: Range<usize>) -> Span {
    if word.span.text(src) == word.value && range.end <= word.value.len() {
        Span::new(word.span.start + range.start, word.span.start + range.end)
    } else {
        word.span
    }
}

/// The image of a `FROM` that pulls from a registry: not `scratch`, not an earlier stage, and
/// with every variable resolved from the global `ARG` defaults (what `FROM` sees).
pub(super) struct PulledImage {
    /// The image word as written.
    pub word: Word,
    /// The reference after substituting variables.
    pub resolved: String,
}

impl PulledImage {
    /// How to name the image in a message: as written, plus its value when a variable was used.
    pub fn shown(&self) -> String {
        if self.resolved == self.word.value {
            format!("`{}`", self.word.value)
        } else {
            format!("`{}` (= `{}`)", self.word.value, self.resolved)
        }
    }
}

/// The registry images the stages start from. Images whose reference still holds a variable or
/// uses an `ARG` without default (set with `--build-arg`), images the repository builds itself
/// (a compose service's `image`, a scripted `docker build -t`) and one-component names no
/// registry serves ([`local_only`]) are left out.
pub(super) fn pulled_images(
    ast: &Dockerfile,
    stages: &[Stage],
    repo: &crate::rule::Repository,
) -> Vec<PulledImage> {
    stages
        .iter()
        .filter(|s| parent(ast, stages, s).is_none())
        .filter_map(|s| {
            let resolved = ast.resolve_arg(&s.image.value, None);
            let set_at_build = var_refs(&s.image.value)
                .iter()
                .any(|(_, name)| ast.resolve_arg(&format!("${{{name}}}"), None).is_empty());
            let usable = !resolved.is_empty()
                && !set_at_build
                && !resolved.contains('$')
                && !resolved.eq_ignore_ascii_case("scratch")
                && !repo.builds_image(&resolved)
                && !local_only(&resolved);
            usable.then(|| PulledImage {
                word: s.image.clone(),
                resolved,
            })
        })
        .collect()
}

/// Whether `reference` is a one-component name (`bats-jenkins`, `myapp:dev`) that is not one of
/// Docker Hub's official images: no registry serves it, so it is an image built on the machine
/// (by a test script or a Makefile the repository index cannot read), not one pulled.
pub(super) fn local_only(reference: &str) -> bool {
    if reference.contains('/') {
        return false;
    }
    let name = reference.split(['@', ':']).next().unwrap_or(reference);
    !name.is_empty() && !crate::repository::is_official_image(name)
}

/// The stage a `--from` value or `FROM` image names. Docker compares stage names
/// case-insensitively.
pub(super) fn stage_named<'a>(stages: &'a [Stage], name: &str) -> Option<&'a Stage> {
    stages.iter().find(|s| {
        s.alias
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case(name))
    })
}

/// The earlier stage `stage` builds on (`FROM builder`), if its image names one.
pub(super) fn parent(ast: &Dockerfile, stages: &[Stage], stage: &Stage) -> Option<usize> {
    let image = ast.resolve_arg(&stage.image.value, None);
    stage_named(&stages[..stage.index.min(stages.len())], &image).map(|s| s.index)
}

/// The stage at `index` and the local stages it builds on, the root-most first: the order in
/// which their instructions shape the image.
pub(super) fn lineage(ast: &Dockerfile, stages: &[Stage], index: usize) -> Vec<usize> {
    let mut chain = vec![index];
    let mut current = index;
    // A parent always comes earlier, so the walk ends; the bound is belt and braces.
    while let Some(p) = stages.get(current).and_then(|s| parent(ast, stages, s)) {
        if p >= current || chain.len() > stages.len() {
            break;
        }
        chain.push(p);
        current = p;
    }
    chain.reverse();
    chain
}

/// The instructions of the stages in `chain`, in build order.
pub(super) fn chain_instructions<'a>(
    ast: &'a Dockerfile,
    stages: &[Stage],
    chain: &[usize],
) -> Vec<(usize, &'a Instruction)> {
    chain
        .iter()
        .filter_map(|&s| stages.get(s))
        .flat_map(|s| s.instructions.clone())
        .filter_map(|i| ast.instructions.get(i).map(|instr| (i, instr)))
        .collect()
}

/// What a `COPY --from=…` (or a `RUN --mount=…,from=…`) value refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum FromTarget {
    /// A stage of this file, by name or index.
    Stage(usize),
    /// A numeric index past the last stage.
    MissingIndex(usize),
    /// An image reference (it has a tag, digest, registry or path): pulled, not a stage.
    Image,
    /// A bare name that is neither a stage nor recognisably an image.
    Unknown,
    /// Still holds a variable after resolution: only known at build time.
    Unresolved,
}

/// Resolves a `--from` value in the scope of the stage that holds instruction `index`.
pub(super) fn from_target(
    ast: &Dockerfile,
    stages: &[Stage],
    index: usize,
    value: &str,
) -> FromTarget {
    let resolved = ast.resolve_arg(value, ast.stage_of(index));
    if resolved.contains('$') || resolved.is_empty() {
        return FromTarget::Unresolved;
    }
    if resolved.bytes().all(|b| b.is_ascii_digit()) {
        return match resolved.parse::<usize>() {
            Ok(n) if n < stages.len() => FromTarget::Stage(n),
            Ok(n) => FromTarget::MissingIndex(n),
            Err(_) => FromTarget::MissingIndex(usize::MAX),
        };
    }
    if let Some(stage) = stage_named(stages, &resolved) {
        return FromTarget::Stage(stage.index);
    }
    if resolved.contains([':', '/', '@', '.']) {
        FromTarget::Image
    } else {
        FromTarget::Unknown
    }
}

/// The `from=` values of `RUN --mount` flags, each with the span of the value (the whole flag
/// when the value cannot be located in the source).
pub(super) fn mount_froms(instr: &Instruction, src: &str) -> Vec<(String, Span)> {
    instr
        .flags_named("mount")
        .filter_map(|f| {
            let value = f.value.as_deref()?;
            let from = value
                .split(',')
                .find_map(|kv| kv.trim().strip_prefix("from="))?
                .trim_matches(['"', '\'']);
            let raw = f.span.text(src);
            let span = raw
                .find(&format!("from={from}"))
                .map(|at| {
                    let start = f.span.start + at + "from=".len();
                    Span::new(start, start + from.len())
                })
                .unwrap_or(f.span);
            Some((from.to_string(), span))
        })
        .collect()
}

/// Per stage, the instructions with `keyword` that a later one of the same stage overrides, each
/// with the overriding (last) one.
pub(super) fn overridden(ast: &Dockerfile, keyword: Keyword) -> Vec<(&Instruction, &Instruction)> {
    let mut found = Vec::new();
    for stage in ast.stages() {
        let same: Vec<&Instruction> = ast.instructions[stage.instructions.clone()]
            .iter()
            .filter(|i| i.keyword == keyword)
            .collect();
        if let Some((last, earlier)) = same.split_last() {
            found.extend(earlier.iter().map(|e| (*e, *last)));
        }
    }
    found
}

/// Every instruction, followed by the trigger of an `ONBUILD` where there is one: rules about
/// `COPY` or `WORKDIR` apply to the trigger just the same when the child image builds.
pub(super) fn with_triggers(ast: &Dockerfile) -> impl Iterator<Item = &Instruction> {
    ast.instructions
        .iter()
        .flat_map(|i| std::iter::once(i).chain(i.onbuild.as_deref()))
}

/// `$NAME` and `${NAME…}` references in `text`: the byte range of each whole reference and the
/// variable name. `$$` and a `$` not followed by a name are not references.
pub(super) fn var_refs(text: &str) -> Vec<(Range<usize>, &str)> {
    let bytes = text.as_bytes();
    let mut refs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            // An escaped `\$` is a literal dollar.
            i += 2;
            continue;
        }
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        let start = i;
        if bytes.get(i + 1) == Some(&b'{') {
            let name_start = i + 2;
            let name_end = name_end(bytes, name_start);
            let mut depth = 1usize;
            let mut j = i + 2;
            while j < bytes.len() && depth > 0 {
                match bytes[j] {
                    b'{' => depth += 1,
                    b'}' => depth -= 1,
                    _ => {}
                }
                j += 1;
            }
            if name_end > name_start && depth == 0 {
                refs.push((start..j, &text[name_start..name_end]));
            }
            i = j.max(i + 2);
        } else {
            let end = name_end(bytes, i + 1);
            if end > i + 1 {
                refs.push((start..end, &text[i + 1..end]));
            }
            i = end.max(i + 1);
        }
    }
    refs
}

fn name_end(bytes: &[u8], from: usize) -> usize {
    let mut j = from;
    while j < bytes.len() && (bytes[j] == b'_' || bytes[j].is_ascii_alphanumeric()) {
        if j == from && bytes[j].is_ascii_digit() {
            break;
        }
        j += 1;
    }
    j
}

/// Whether a path is absolute for Docker: `/…`, or a Windows drive path (`C:\…`, `C:/…`).
pub(super) fn is_absolute(path: &str) -> bool {
    let b = path.as_bytes();
    path.starts_with('/')
        || (b.len() >= 3
            && b[0].is_ascii_alphabetic()
            && b[1] == b':'
            && matches!(b[2], b'\\' | b'/'))
}

/// The sources and the destination of a `COPY` or `ADD` (JSON or plain form). Heredoc markers
/// (`<<EOF`) count as sources: they become files.
pub(super) fn copy_parts(instr: &Instruction) -> Option<(&[Word], &Word)> {
    let words = instr.words();
    let (dest, sources) = words.split_last()?;
    if sources.is_empty() {
        return None;
    }
    Some((sources, dest))
}

/// Whether the instruction is a `COPY` or an `ADD`.
pub(super) fn is_copy_or_add(instr: &Instruction) -> bool {
    matches!(instr.keyword, Keyword::Copy | Keyword::Add)
}

/// One `EXPOSE` argument: a port or a range, with its protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PortSpec {
    pub first: u64,
    pub last: u64,
    /// Lower-cased; `tcp` when none is written.
    pub protocol: String,
}

/// Why an `EXPOSE` argument is not a valid port spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum PortError {
    HostMapping,
    NotANumber,
    OutOfRange(u64),
    ReversedRange,
    Protocol(String),
}

/// Parses `8080`, `8080/udp`, `8000-8010/tcp`.
pub(super) fn parse_port(text: &str) -> Result<PortSpec, PortError> {
    let (ports, protocol) = match text.split_once('/') {
        Some((p, proto)) => (p, proto.to_ascii_lowercase()),
        None => (text, "tcp".to_string()),
    };
    if !matches!(protocol.as_str(), "tcp" | "udp" | "sctp") {
        return Err(PortError::Protocol(protocol));
    }
    if ports.contains(':') {
        return Err(PortError::HostMapping);
    }
    let number = |s: &str| -> Result<u64, PortError> {
        // Bounded length: a long digit string is out of range, not an overflow.
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PortError::NotANumber);
        }
        let n = if s.len() > 7 {
            u64::MAX
        } else {
            s.parse::<u64>().unwrap_or(u64::MAX)
        };
        if n > 65_535 {
            Err(PortError::OutOfRange(n))
        } else {
            Ok(n)
        }
    };
    let (first, last) = match ports.split_once('-') {
        Some((a, b)) => (number(a)?, number(b)?),
        None => {
            let n = number(ports)?;
            (n, n)
        }
    };
    if first > last {
        return Err(PortError::ReversedRange);
    }
    Ok(PortSpec {
        first,
        last,
        protocol,
    })
}

/// The words of an `EXPOSE` with variables resolved in the stage's scope; words that still hold a
/// variable after resolution are left out (their value is only known at build time).
pub(super) fn expose_ports(
    ast: &Dockerfile,
    index: usize,
    instr: &Instruction,
) -> Vec<(Word, String)> {
    let stage = ast.stage_of(index);
    instr
        .words()
        .iter()
        .flat_map(|w| {
            let resolved = ast.resolve_arg(&w.value, stage);
            resolved
                .split_whitespace()
                .map(|s| (w.clone(), s.to_string()))
                .collect::<Vec<_>>()
        })
        .filter(|(_, s)| !s.contains('$'))
        .collect()
}

#[cfg(test)]
pub(super) mod testing {
    use crate::rule::{DockerfileDoc, DockerfileRule};

    /// The text under each diagnostic a rule reports on `src`.
    pub fn flagged(rule: &dyn DockerfileRule, src: &str) -> Vec<String> {
        diagnostics(rule, src)
            .into_iter()
            .map(|(text, _)| text)
            .collect()
    }

    /// `(underlined text, message)` of each diagnostic.
    pub fn diagnostics(rule: &dyn DockerfileRule, src: &str) -> Vec<(String, String)> {
        let ast = shipshape_syntax::dockerfile::parse(src);
        let doc = DockerfileDoc::alone("Dockerfile", src, &ast, Some(""));
        let mut out = Vec::new();
        rule.check(&doc, &mut out);
        out.into_iter()
            .map(|d| (d.span.text(src).to_string(), d.message))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_component_names_off_docker_hub_are_local_images() {
        assert!(local_only("bats-jenkins"));
        assert!(local_only("myapp:dev"));
        assert!(!local_only("python"));
        assert!(!local_only("node:22-slim"));
        assert!(
            !local_only("centos:7"),
            "deprecated official images still pull"
        );
        assert!(!local_only("team/app"));
        assert!(!local_only("ghcr.io/team/app"));
        assert!(!local_only("localhost:5000/app"));
    }

    #[test]
    fn splits_tags_from_registry_ports_and_digests() {
        let r = image_ref("localhost:5000/team/app:1.2@sha256:abc");
        assert_eq!(r.tag, Some(24..27));
        assert_eq!(r.digest, Some(28..38));
        assert!(image_ref("localhost:5000/app").tag.is_none());
        assert_eq!(image_ref("node:22").tag, Some(5..7));
    }

    #[test]
    fn finds_plain_and_braced_variable_references() {
        let refs = var_refs(r"a$B-${C:-x}${D}\$E $1");
        let names: Vec<&str> = refs.iter().map(|(_, n)| *n).collect();
        assert_eq!(names, ["B", "C", "D"]);
        assert_eq!(refs[1].0, 4..11);
    }

    #[test]
    fn parses_port_specs() {
        assert_eq!(
            parse_port("80/UDP").map(|p| p.protocol),
            Ok("udp".to_string())
        );
        assert_eq!(
            parse_port("8000-8010").map(|p| (p.first, p.last)),
            Ok((8000, 8010))
        );
        assert_eq!(parse_port("70000"), Err(PortError::OutOfRange(70000)));
        assert_eq!(
            parse_port("99999999999999999999"),
            Err(PortError::OutOfRange(u64::MAX))
        );
        assert_eq!(parse_port("8080:80"), Err(PortError::HostMapping));
        assert_eq!(parse_port("90-80"), Err(PortError::ReversedRange));
        assert_eq!(
            parse_port("80/http"),
            Err(PortError::Protocol("http".into()))
        );
        assert_eq!(parse_port("http"), Err(PortError::NotANumber));
    }
}
