//! YAML with a byte span for every node, key and value, so rules over compose files, workflows
//! and manifests can point at the exact token. Scalars keep their text as written; typed
//! accessors interpret it (YAML 1.2 core schema).
//!
//! Built on the event stream of `granit-parser`, the parser underneath serde-saphyr (so it adds no
//! crate to the build). Unlike `saphyr-parser`, whose markers count characters, its markers
//! carry byte offsets for `&str` input; a character-to-byte table is still kept as a fallback so
//! a marker without one can never produce a span off a character boundary. serde-saphyr itself
//! deserialises into types, while rules need an untyped tree with a span on every key and value,
//! hence a small tree builder over the events here. Aliases are expanded into copies under a node
//! budget, so a "billion laughs" document fails with an error instead of exhausting memory.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use granit_parser::{Event, Marker, Options, Parser, ScalarStyle, ScanError, StructureStyle};

use crate::span::Span;

/// One node of a YAML document.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    /// The node's own span (for a mapping or sequence, from its first to its last token).
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`, `~` or nothing.
    Null,
    /// Any other scalar, with its text after unquoting and escape resolution.
    Scalar(Scalar),
    Seq(Vec<Node>),
    /// Entries in document order; duplicate keys are kept (a rule may flag them).
    Map(Vec<Entry>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub text: String,
    /// Quoted (`'…'` or `"…"`) or block scalars are always strings; plain scalars may be numbers
    /// or booleans.
    pub quoted: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

/// A document that could not be parsed: where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub span: Span,
    pub message: String,
}

impl Node {
    /// The value under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The entry (key node and value node) under `key` of a mapping.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key.as_str() == Some(key)),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(e) => e,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(v) => v,
            _ => &[],
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    pub fn is_seq(&self) -> bool {
        matches!(self.value, Value::Seq(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// The text of any scalar (numbers and booleans as written).
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => Some(&s.text),
            _ => None,
        }
    }

    /// A plain `true`/`false` (YAML 1.2); quoted text is not a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Scalar(s) if !s.quoted => match s.text.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// A plain integer.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.value {
            Value::Scalar(s) if !s.quoted => s.text.parse().ok(),
            _ => None,
        }
    }
}

impl Node {
    /// The node as a JSON value, for readers that want values rather than spans. Plain scalars
    /// are typed by the YAML 1.2 core schema ([`Scalar::to_json`]); merge keys are already
    /// resolved in the tree. JSON keys are strings: a scalar key is its text (`null` for a null
    /// key), any other key its JSON text. Of duplicate keys the last wins, as in JSON.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as Json;
        match &self.value {
            Value::Null => Json::Null,
            Value::Scalar(s) => s.to_json(),
            Value::Seq(items) => Json::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => Json::Object(
                entries
                    .iter()
                    .map(|e| {
                        let key = match &e.key.value {
                            Value::Scalar(s) => s.text.clone(),
                            Value::Null => "null".to_string(),
                            _ => e.key.to_json().to_string(),
                        };
                        (key, e.value.to_json())
                    })
                    .collect(),
            ),
        }
    }

    /// The scalar of a plain or quoted scalar node.
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }
}

impl Scalar {
    /// The scalar's value under the YAML 1.2 core schema: a quoted or block scalar is a string;
    /// a plain one is a boolean (`true`, `True`, `TRUE`, and `false` likewise), an integer
    /// (`12`, `-3`, `0o17`, `0x1F`), a float (`1.5`, `1e3`, `.5`) or else a string. YAML 1.1
    /// spellings (`yes`, `on`, `0777` as octal, `1_000`) are strings and numbers as the 1.2 core
    /// schema reads them, and infinities and NaN, which JSON cannot hold, stay text.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as Json;
        if self.quoted {
            return Json::String(self.text.clone());
        }
        let t = self.text.as_str();
        match t {
            "true" | "True" | "TRUE" => return Json::Bool(true),
            "false" | "False" | "FALSE" => return Json::Bool(false),
            _ => {}
        }
        if let Some(n) = core_schema_number(t) {
            return n;
        }
        Json::String(self.text.clone())
    }
}

/// An integer or finite float in the YAML 1.2 core schema's notation.
fn core_schema_number(t: &str) -> Option<serde_json::Value> {
    use serde_json::Value as Json;
    let radix = |digits: &str, radix: u32| {
        (!digits.is_empty() && digits.chars().all(|c| c.is_digit(radix)))
            .then(|| u64::from_str_radix(digits, radix).ok())
            .flatten()
    };
    if let Some(octal) = t.strip_prefix("0o") {
        return radix(octal, 8).map(Json::from);
    }
    if let Some(hex) = t.strip_prefix("0x") {
        return radix(hex, 16).map(Json::from);
    }
    let unsigned = t.strip_prefix(['-', '+']).unwrap_or(t);
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        // Too large for 64 bits: a float, as JSON readers do.
        return Some(
            match (t.parse::<i64>(), t.trim_start_matches('+').parse::<u64>()) {
                (Ok(i), _) => Json::from(i),
                (_, Ok(u)) => Json::from(u),
                _ => serde_json::Number::from_f64(t.parse::<f64>().ok()?).map(Json::Number)?,
            },
        );
    }
    if !is_core_schema_float(unsigned) {
        return None;
    }
    let f: f64 = t.parse().ok()?;
    serde_json::Number::from_f64(f).map(Json::Number)
}

/// `( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`, without the sign.
fn is_core_schema_float(t: &str) -> bool {
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => digits(frac),
        Some((int, frac)) => digits(int) && (frac.is_empty() || digits(frac)),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for YamlError {}

/// Most nodes that alias expansion may copy in one stream. Real files (compose `x-` templates,
/// CI job defaults) copy a few thousand at most; exponential alias nesting hits this quickly.
const ALIAS_EXPANSION_BUDGET: usize = 250_000;

/// Parses every document of a YAML stream into spanned trees. An empty stream (or one holding
/// only comments) has no documents.
pub fn parse(src: &str) -> Result<Vec<Node>, YamlError> {
    let mut options = Options::default();
    // Comments are not part of the tree; suppression comments are read from the source text.
    options.set_emit_comments(false);
    let mut builder = TreeBuilder::new(src);
    for item in Parser::new_from_str_with_options(src, options) {
        match item {
            Ok((event, span)) => {
                let start = builder.offset(&span.start);
                let end = builder.offset(&span.end).max(start);
                builder.event(event, Span::new(start, end))?;
            }
            Err(error) => return Err(builder.scan_error(&error)),
        }
    }
    if !builder.stack.is_empty() {
        return Err(builder.error_at(src.len(), "unexpected end of the YAML stream"));
    }
    Ok(builder.documents)
}

/// A collection whose end event has not been seen yet.
struct Frame {
    anchor: usize,
    /// Span of the start event: the `[`/`{` of a flow collection, an empty span before the first
    /// item of a block collection.
    open: Span,
    flow: bool,
    body: FrameBody,
}

enum FrameBody {
    Seq(Vec<Node>),
    Map {
        entries: Vec<Entry>,
        pending_key: Option<Node>,
    },
}

struct TreeBuilder<'s> {
    src: &'s str,
    documents: Vec<Node>,
    stack: Vec<Frame>,
    /// Completed anchored nodes by the parser's anchor id, with their node count.
    anchors: HashMap<usize, (Node, usize)>,
    expanded: usize,
    /// End of the previous event: a block scalar's indicator lies between it and the content.
    previous_end: usize,
    char_offsets: OnceCell<Vec<usize>>,
}

impl<'s> TreeBuilder<'s> {
    fn new(src: &'s str) -> Self {
        TreeBuilder {
            src,
            documents: Vec::new(),
            stack: Vec::new(),
            anchors: HashMap::new(),
            expanded: 0,
            previous_end: 0,
            char_offsets: OnceCell::new(),
        }
    }

    /// Byte offset of a marker, always within the source and on a character boundary.
    fn offset(&self, marker: &Marker) -> usize {
        let raw = match marker.byte_offset() {
            Some(bytes) => bytes,
            None => {
                let table = self.char_offsets.get_or_init(|| {
                    self.src
                        .char_indices()
                        .map(|(i, _)| i)
                        .chain(std::iter::once(self.src.len()))
                        .collect()
                });
                table.get(marker.index()).copied().unwrap_or(self.src.len())
            }
        };
        floor_char_boundary(self.src, raw)
    }

    fn error_at(&self, offset: usize, message: impl Into<String>) -> YamlError {
        let start = floor_char_boundary(self.src, offset);
        // One character wide, so a renderer has something to underline.
        let end = self.src[start..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8());
        YamlError {
            span: Span::new(start, end),
            message: message.into(),
        }
    }

    fn scan_error(&self, error: &ScanError) -> YamlError {
        let mut message = error.info();
        if message.is_empty() {
            message = "invalid YAML".to_string();
        }
        self.error_at(self.offset(error.marker()), message)
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), YamlError> {
        match event {
            Event::DocumentEnd => self.anchors.clear(),
            Event::Scalar(text, style, anchor, tag) => {
                let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
                // `!!str 123` is text, just like `'123'`.
                let quoted = !matches!(style, ScalarStyle::Plain)
                    || tag.is_some_and(|t| t.is_yaml_core_schema_tag("str"));
                let span = if block {
                    self.block_scalar_span(span)
                } else {
                    span
                };
                let value = if !quoted && is_null_literal(&text) {
                    Value::Null
                } else {
                    Value::Scalar(Scalar {
                        text: text.into_owned(),
                        quoted,
                    })
                };
                self.complete(Node { value, span }, anchor)?;
            }
            Event::Alias(id) => {
                let Some((node, size)) = self.anchors.get(&id) else {
                    return Err(self.error_at(
                        span.start,
                        "alias to an anchor whose node is not complete (a recursive alias)",
                    ));
                };
                self.expanded = self.expanded.saturating_add(*size);
                if self.expanded > ALIAS_EXPANSION_BUDGET {
                    return Err(self.error_at(
                        span.start,
                        format!(
                            "aliases expand to more than {ALIAS_EXPANSION_BUDGET} nodes; \
                             refusing to expand further"
                        ),
                    ));
                }
                let node = node.clone();
                self.complete(node, 0)?;
            }
            Event::SequenceStart(style, anchor, _tag) => self.stack.push(Frame {
                anchor,
                open: span,
                flow: matches!(style, StructureStyle::Flow),
                body: FrameBody::Seq(Vec::new()),
            }),
            Event::MappingStart(style, anchor, _tag) => self.stack.push(Frame {
                anchor,
                open: span,
                flow: matches!(style, StructureStyle::Flow),
                body: FrameBody::Map {
                    entries: Vec::new(),
                    pending_key: None,
                },
            }),
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Err(self.error_at(span.start, "collection end without a start"));
                };
                let node = self.close(frame, span)?;
                let anchor = node.1;
                self.complete(node.0, anchor)?;
            }
            // Stream and document boundaries, comments and anchor metadata carry no node.
            _ => {}
        }
        self.previous_end = self.previous_end.max(span.end);
        Ok(())
    }

    fn close(&self, frame: Frame, end: Span) -> Result<(Node, usize), YamlError> {
        let (value, first, last) = match frame.body {
            FrameBody::Seq(items) => {
                let first = items.first().map(|n| n.span);
                let last = items.last().map(|n| n.span);
                (Value::Seq(items), first, last)
            }
            FrameBody::Map {
                entries,
                pending_key,
            } => {
                if let Some(key) = pending_key {
                    return Err(self.error_at(key.span.start, "mapping key without a value"));
                }
                let first = entries.first().map(|e| e.key.span);
                let last = entries.last().map(|e| e.key.span.to(e.value.span));
                (Value::Map(resolve_merge_keys(entries)), first, last)
            }
        };
        let span = if frame.flow {
            frame.open.to(end)
        } else {
            // A block collection runs from its first token (the `-` of a sequence, the first
            // key of a mapping) to the end of its last item; its end event sits wherever the
            // next token happens to be.
            let start = first.map_or(frame.open.start, |f| f.start.min(frame.open.start));
            let end = last.map_or(frame.open.end, |l| l.end.max(frame.open.end));
            Span::new(start, end.max(start))
        };
        Ok((Node { value, span }, frame.anchor))
    }

    /// Attaches a finished node to its parent (or makes it a document) and records its anchor.
    fn complete(&mut self, node: Node, anchor: usize) -> Result<(), YamlError> {
        if anchor != 0 {
            let size = node_count(&node);
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.stack.last_mut() {
            None => self.documents.push(node),
            Some(Frame {
                body: FrameBody::Seq(items),
                ..
            }) => items.push(node),
            Some(Frame {
                body:
                    FrameBody::Map {
                        entries,
                        pending_key,
                    },
                ..
            }) => match pending_key.take() {
                None => *pending_key = Some(node),
                Some(key) => entries.push(Entry { key, value: node }),
            },
        }
        Ok(())
    }

    /// The parser reports a block scalar's content only; the token starts at its `|` or `>`
    /// indicator, found by skipping what may stand between the previous token and it
    /// (indicators, tags, anchors, comments). Trailing line breaks are not part of the token.
    fn block_scalar_span(&self, content: Span) -> Span {
        let bytes = self.src.as_bytes();
        let mut indicator = None;
        let mut i = self.previous_end.min(content.start);
        while i < content.start {
            match bytes[i] {
                b'|' | b'>' => {
                    indicator = Some(i);
                    break;
                }
                b' ' | b'\t' | b'\r' | b'\n' | b':' | b'-' | b'?' => i += 1,
                b'#' => {
                    while i < content.start && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                b'!' | b'&' => {
                    if bytes.get(i + 1) == Some(&b'<') {
                        while i < content.start && bytes[i] != b'>' {
                            i += 1;
                        }
                    }
                    while i < content.start && !bytes[i].is_ascii_whitespace() {
                        i += 1;
                    }
                }
                _ => break,
            }
        }
        let Some(start) = indicator else {
            return Span::new(
                content.start,
                trim_line_ends(bytes, content.start, content.end),
            );
        };
        // The header (`|`, `>-`, `|+2`) is part of the token even when the content is empty.
        let mut header_end = start + 1;
        while header_end < content.start && matches!(bytes[header_end], b'0'..=b'9' | b'+' | b'-') {
            header_end += 1;
        }
        let end = trim_line_ends(bytes, header_end, content.end.max(header_end));
        Span::new(start, end)
    }
}

/// `end` moved back over trailing blanks and line breaks, but not before `floor`.
fn trim_line_ends(bytes: &[u8], floor: usize, mut end: usize) -> usize {
    while end > floor && matches!(bytes[end - 1], b' ' | b'\t' | b'\r' | b'\n') {
        end -= 1;
    }
    end
}

fn floor_char_boundary(src: &str, offset: usize) -> usize {
    let mut offset = offset.min(src.len());
    while !src.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// YAML 1.2 core schema nulls (an empty plain scalar is the implicit null of `key:`).
fn is_null_literal(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn node_count(node: &Node) -> usize {
    1 + match &node.value {
        Value::Null | Value::Scalar(_) => 0,
        Value::Seq(items) => items.iter().map(node_count).sum(),
        Value::Map(entries) => entries
            .iter()
            .map(|e| node_count(&e.key) + node_count(&e.value))
            .sum(),
    }
}

fn is_merge_key(key: &Node) -> bool {
    matches!(&key.value, Value::Scalar(s) if !s.quoted && s.text == "<<")
}

/// Replaces each `<<` entry by the entries of the mapping (or sequence of mappings) it names.
/// Keys written in the mapping itself win over merged ones, and among merged mappings the first
/// one listed wins, as the YAML merge-key convention specifies. A `<<` whose value is not a
/// mapping is kept as an ordinary entry, so a rule can still see it.
fn resolve_merge_keys(entries: Vec<Entry>) -> Vec<Entry> {
    if !entries.iter().any(|e| is_merge_key(&e.key)) {
        return entries;
    }
    let mut seen: HashSet<String> = entries
        .iter()
        .filter(|e| !is_merge_key(&e.key))
        .filter_map(|e| e.key.as_str().map(str::to_owned))
        .collect();
    let mut merged = Vec::with_capacity(entries.len());
    for entry in entries {
        if !is_merge_key(&entry.key) {
            merged.push(entry);
            continue;
        }
        let sources: Vec<Node> = match entry.value.value {
            Value::Map(_) => vec![entry.value],
            Value::Seq(ref items) if items.iter().all(Node::is_map) => match entry.value.value {
                Value::Seq(items) => items,
                _ => Vec::new(),
            },
            _ => {
                merged.push(entry);
                continue;
            }
        };
        for source in sources {
            let Value::Map(source_entries) = source.value else {
                continue;
            };
            for candidate in source_entries {
                match candidate.key.as_str() {
                    Some(key) if !seen.insert(key.to_owned()) => {}
                    _ => merged.push(candidate),
                }
            }
        }
    }
    merged
}
