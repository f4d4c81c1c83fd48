//! GitHub Actions expressions: the `${{ … }}` fences in workflow values and the bare
//! expressions of `if:`. A small parser with a byte span on every node, so a rule can point at
//! `github.event.issue.title` inside a long `run:` script, and tell a syntax error from an
//! expression it merely dislikes.
//!
//! The grammar is GitHub's: literals (`null`, booleans, numbers, `'strings'` with `''` as the
//! escaped quote), context references with `.name`, `.*` and `[index]`, function calls, `!`,
//! comparisons, `&&` and `||` (lowest), and parentheses.

use crate::span::Span;

/// One `${{ … }}` fence in a source text.
#[derive(Debug, Clone, PartialEq)]
pub struct Fence<'s> {
    /// From `${{` to `}}`, both included.
    pub span: Span,
    /// The expression between the braces, as written (untrimmed).
    pub inner: Span,
    pub text: &'s str,
    /// How a `'` of the expression is written in the source: once, or twice inside a YAML
    /// single-quoted scalar (`'${{ x == ''main'' }}'`), where `''` stands for one quote.
    pub quote: Quote,
}

/// How the source writes one `'` of an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Quote {
    #[default]
    Single,
    /// Doubled: the expression sits in a YAML single-quoted scalar.
    Doubled,
}

impl Fence<'_> {
    /// The parsed expression, spans absolute in the source the fence came from.
    pub fn parse(&self) -> Result<Expr, ExprError> {
        parse_quoted(self.text, self.inner.start, self.quote)
    }
}

/// Every `${{ … }}` fence in `source[span]`. A fence ends at the first `}}` outside a string
/// literal; an unterminated fence runs to the end of the span (and its parse fails).
pub fn fences(source: &str, span: Span) -> Vec<Fence<'_>> {
    fences_quoted(source, span, Quote::Single)
}

/// [`fences`] in text whose quotes are written as `quote` says.
pub fn fences_quoted(source: &str, span: Span, quote: Quote) -> Vec<Fence<'_>> {
    let span = span.clamp(source);
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let mut i = span.start;
    while i + 2 < span.end {
        // Most scalars hold no expression: jump to the next `${{` (or stop).
        match source[i..span.end].find("${{") {
            Some(at) => i += at,
            None => break,
        }
        let inner_start = i + 3;
        let mut j = inner_start;
        let mut in_string = false;
        let mut end = None;
        while j < span.end {
            let b = bytes[j];
            if in_string {
                if b == b'\'' {
                    in_string = false;
                }
            } else if b == b'\'' {
                in_string = true;
            } else if b == b'}' && j + 1 < span.end && bytes[j + 1] == b'}' {
                end = Some(j);
                break;
            }
            j += 1;
        }
        let (inner_end, fence_end) = match end {
            Some(e) => (e, e + 2),
            None => (span.end, span.end),
        };
        let inner = Span::new(inner_start, inner_end).clamp(source);
        out.push(Fence {
            span: Span::new(i, fence_end).clamp(source),
            inner,
            text: inner.text(source),
            quote,
        });
        i = fence_end.max(i + 3);
    }
    out
}

/// A node of an expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    /// A bare name: a context (`github`, `matrix`) or, inside a call, nothing else.
    Ident(String),
    /// `base.name`
    Property(Box<Expr>, String),
    /// `base.*`
    Star(Box<Expr>),
    /// `base[index]`
    Index(Box<Expr>, Box<Expr>),
    Call(String, Vec<Expr>),
    Not(Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    And,
    Or,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A syntax error, at the offending token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    pub span: Span,
    pub message: String,
}

/// A context reference flattened to its path: `github.event.pull_request.title`,
/// `secrets.*` for a computed index, with the span of the whole reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextPath {
    pub path: String,
    pub span: Span,
}

impl ContextPath {
    /// The path's parts (`["github", "event", "issue", "title"]`).
    pub fn parts(&self) -> Vec<&str> {
        self.path.split('.').collect()
    }

    /// The context it reads (`github`, `secrets`, `matrix`, …), lower-cased as GitHub compares.
    pub fn context(&self) -> String {
        self.path
            .split('.')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    }

    /// Whether the path starts with `prefix` part by part, case-insensitively.
    pub fn starts_with(&self, prefix: &str) -> bool {
        let mut mine = self.path.split('.');
        prefix.split('.').all(|p| {
            mine.next()
                .is_some_and(|m| p == "*" || m.eq_ignore_ascii_case(p))
        })
    }
}

impl Expr {
    /// Every context reference in the expression, outermost first: `a.b[c.d]` gives `a.b.*` and
    /// `c.d`.
    pub fn contexts(&self) -> Vec<ContextPath> {
        let mut out = Vec::new();
        self.collect_contexts(&mut out);
        out
    }

    fn collect_contexts(&self, out: &mut Vec<ContextPath>) {
        match &self.kind {
            ExprKind::Ident(_)
            | ExprKind::Property(..)
            | ExprKind::Star(_)
            | ExprKind::Index(..) => {
                if let Some(path) = self.path() {
                    out.push(ContextPath {
                        path,
                        span: self.span,
                    });
                }
                // Indexes computed from other contexts read those too.
                let mut node = self;
                loop {
                    match &node.kind {
                        ExprKind::Property(b, _) | ExprKind::Star(b) => node = b,
                        ExprKind::Index(b, i) => {
                            if !matches!(i.kind, ExprKind::String(_) | ExprKind::Number(_)) {
                                i.collect_contexts(out);
                            }
                            node = b;
                        }
                        ExprKind::Call(..) => {
                            node.collect_contexts(out);
                            break;
                        }
                        _ => break,
                    }
                }
            }
            ExprKind::Call(_, args) => args.iter().for_each(|a| a.collect_contexts(out)),
            ExprKind::Not(e) => e.collect_contexts(out),
            ExprKind::Binary(_, l, r) => {
                l.collect_contexts(out);
                r.collect_contexts(out);
            }
            _ => {}
        }
    }

    /// The dotted path of a context reference (`None` when it starts from a call's result).
    pub fn path(&self) -> Option<String> {
        match &self.kind {
            ExprKind::Ident(name) => Some(name.clone()),
            ExprKind::Property(base, name) => Some(format!("{}.{name}", base.path()?)),
            ExprKind::Star(base) => Some(format!("{}.*", base.path()?)),
            ExprKind::Index(base, index) => {
                let base = base.path()?;
                Some(match &index.kind {
                    ExprKind::String(s) => format!("{base}.{s}"),
                    ExprKind::Number(n) => format!("{base}.{n}"),
                    _ => format!("{base}.*"),
                })
            }
            _ => None,
        }
    }

    /// Every call in the expression, with its name and arguments.
    pub fn calls(&self) -> Vec<&Expr> {
        let mut out = Vec::new();
        self.walk(&mut |e| {
            if matches!(e.kind, ExprKind::Call(..)) {
                out.push(e);
            }
        });
        out
    }

    /// Visit every node, parents before children.
    pub fn walk<'e>(&'e self, f: &mut impl FnMut(&'e Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Property(b, _) | ExprKind::Star(b) | ExprKind::Not(b) => b.walk(f),
            ExprKind::Index(b, i) => {
                b.walk(f);
                i.walk(f);
            }
            ExprKind::Call(_, args) => args.iter().for_each(|a| a.walk(f)),
            ExprKind::Binary(_, l, r) => {
                l.walk(f);
                r.walk(f);
            }
            _ => {}
        }
    }

    /// Whether the value is known without running anything: literals and operators or calls
    /// over literals only.
    pub fn is_constant(&self) -> bool {
        match &self.kind {
            ExprKind::Null | ExprKind::Bool(_) | ExprKind::Number(_) | ExprKind::String(_) => true,
            ExprKind::Not(e) => e.is_constant(),
            ExprKind::Binary(_, l, r) => l.is_constant() && r.is_constant(),
            ExprKind::Call(name, args) => {
                // Status functions read the run's state; the rest are pure.
                !matches!(
                    name.to_ascii_lowercase().as_str(),
                    "success" | "failure" | "always" | "cancelled" | "hashfiles"
                ) && args.iter().all(Expr::is_constant)
            }
            _ => false,
        }
    }

    /// The call's name, lower-cased, when this is a call.
    pub fn call_name(&self) -> Option<String> {
        match &self.kind {
            ExprKind::Call(name, _) => Some(name.to_ascii_lowercase()),
            _ => None,
        }
    }
}

/// Parse an expression whose text starts at byte `offset` of its source.
pub fn parse_at(text: &str, offset: usize) -> Result<Expr, ExprError> {
    parse_quoted(text, offset, Quote::Single)
}

/// [`parse_at`] for an expression whose quotes are written as `quote` says.
pub fn parse_quoted(text: &str, offset: usize, quote: Quote) -> Result<Expr, ExprError> {
    let tokens = lex(text, offset, quote)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        end: offset + text.len(),
        depth: 0,
    };
    if p.peek().is_none() {
        return Err(ExprError {
            span: Span::new(offset, offset + text.len()),
            message: "empty expression".to_string(),
        });
    }
    let e = p.or()?;
    if let Some(t) = p.peek() {
        return Err(ExprError {
            span: t.span,
            message: format!("unexpected `{}` after the expression", t.show()),
        });
    }
    Ok(e)
}

/// Parse a standalone expression (an `if:` without fences), spans relative to its start.
pub fn parse(text: &str) -> Result<Expr, ExprError> {
    parse_at(text, 0)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Dot,
    Comma,
    Star,
    Not,
    Op(BinaryOp),
    Ident(String),
    Number(f64),
    String(String),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    span: Span,
}

impl Token {
    fn show(&self) -> String {
        match &self.tok {
            Tok::LParen => "(".into(),
            Tok::RParen => ")".into(),
            Tok::LBracket => "[".into(),
            Tok::RBracket => "]".into(),
            Tok::Dot => ".".into(),
            Tok::Comma => ",".into(),
            Tok::Star => "*".into(),
            Tok::Not => "!".into(),
            Tok::Op(op) => op_text(*op).into(),
            Tok::Ident(s) => s.clone(),
            Tok::Number(n) => n.to_string(),
            Tok::String(s) => format!("'{s}'"),
        }
    }
}

fn op_text(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::And => "&&",
        BinaryOp::Or => "||",
        BinaryOp::Eq => "==",
        BinaryOp::Ne => "!=",
        BinaryOp::Lt => "<",
        BinaryOp::Le => "<=",
        BinaryOp::Gt => ">",
        BinaryOp::Ge => ">=",
    }
}

fn lex(text: &str, offset: usize, quote: Quote) -> Result<Vec<Token>, ExprError> {
    // One `'` of the expression is `q` bytes of the source.
    let q = match quote {
        Quote::Single => 1,
        Quote::Doubled => 2,
    };
    let is_quote = |bytes: &[u8], at: usize| {
        bytes
            .get(at..at + q)
            .is_some_and(|w| w.iter().all(|&b| b == b'\''))
    };
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |at: usize, len: usize, message: String| ExprError {
        span: Span::new(offset + at, offset + (at + len).min(text.len())),
        message,
    };
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        let single = |tok: Tok| Token {
            tok,
            span: Span::new(offset + start, offset + start + 1),
        };
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'(' => out.push(single(Tok::LParen)),
            b')' => out.push(single(Tok::RParen)),
            b'[' => out.push(single(Tok::LBracket)),
            b']' => out.push(single(Tok::RBracket)),
            b',' => out.push(single(Tok::Comma)),
            b'*' => out.push(single(Tok::Star)),
            b'.' if !bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => out.push(single(Tok::Dot)),
            b'!' | b'=' | b'<' | b'>' | b'&' | b'|' => {
                let next = bytes.get(i + 1).copied();
                let (tok, len) = match (b, next) {
                    (b'!', Some(b'=')) => (Tok::Op(BinaryOp::Ne), 2),
                    (b'!', _) => (Tok::Not, 1),
                    (b'=', Some(b'=')) => (Tok::Op(BinaryOp::Eq), 2),
                    (b'<', Some(b'=')) => (Tok::Op(BinaryOp::Le), 2),
                    (b'<', _) => (Tok::Op(BinaryOp::Lt), 1),
                    (b'>', Some(b'=')) => (Tok::Op(BinaryOp::Ge), 2),
                    (b'>', _) => (Tok::Op(BinaryOp::Gt), 1),
                    (b'&', Some(b'&')) => (Tok::Op(BinaryOp::And), 2),
                    (b'|', Some(b'|')) => (Tok::Op(BinaryOp::Or), 2),
                    _ => return Err(err(i, 1, format!("unexpected `{}`", b as char))),
                };
                out.push(Token {
                    tok,
                    span: Span::new(offset + i, offset + i + len),
                });
                i += len;
                continue;
            }
            b'\'' if is_quote(bytes, i) => {
                let mut value = String::new();
                let mut j = i + q;
                let mut closed = false;
                while j < bytes.len() {
                    if is_quote(bytes, j) {
                        if is_quote(bytes, j + q) {
                            value.push('\'');
                            j += 2 * q;
                            continue;
                        }
                        closed = true;
                        break;
                    }
                    let ch = text[j..].chars().next().unwrap_or('\0');
                    value.push(ch);
                    j += ch.len_utf8().max(1);
                }
                if !closed {
                    return Err(err(i, text.len() - i, "unterminated string".to_string()));
                }
                out.push(Token {
                    tok: Tok::String(value),
                    span: Span::new(offset + i, offset + j + q),
                });
                i = j + q;
                continue;
            }
            b'0'..=b'9' | b'-' | b'+' | b'.' => {
                let mut j = i + 1;
                while j < bytes.len()
                    && (bytes[j].is_ascii_alphanumeric()
                        || bytes[j] == b'.'
                        || ((bytes[j] == b'-' || bytes[j] == b'+')
                            && matches!(bytes[j - 1], b'e' | b'E')))
                {
                    j += 1;
                }
                let word = &text[i..j];
                let value = parse_number(word)
                    .ok_or_else(|| err(i, j - i, format!("`{word}` is not a number")))?;
                out.push(Token {
                    tok: Tok::Number(value),
                    span: Span::new(offset + i, offset + j),
                });
                i = j;
                continue;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let mut j = i + 1;
                while j < bytes.len()
                    && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_' || bytes[j] == b'-')
                {
                    j += 1;
                }
                out.push(Token {
                    tok: Tok::Ident(text[i..j].to_string()),
                    span: Span::new(offset + i, offset + j),
                });
                i = j;
                continue;
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or('?');
                return Err(err(
                    i,
                    ch.len_utf8(),
                    format!("unexpected character `{ch}` in an expression"),
                ));
            }
        }
        i += 1;
    }
    Ok(out)
}

/// GitHub's number literals: decimal, `0x` hexadecimal, `0o` octal, exponents, `Infinity`
/// and `NaN` are words (handled as identifiers).
fn parse_number(word: &str) -> Option<f64> {
    let (sign, digits) = match word.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, word.strip_prefix('+').unwrap_or(word)),
    };
    if let Some(hex) = digits.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok().map(|n| sign * n as f64);
    }
    if let Some(oct) = digits.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8).ok().map(|n| sign * n as f64);
    }
    if digits.is_empty()
        || !digits
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'.')
    {
        return None;
    }
    digits.parse::<f64>().ok().map(|n| sign * n)
}

/// Nesting deeper than this is refused rather than recursed into (real expressions nest a few
/// levels; each level costs several stack frames, and test threads have small stacks).
const MAX_DEPTH: usize = 48;

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    /// Byte offset just past the expression, for errors at its end.
    end: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn at_end_error(&self, what: &str) -> ExprError {
        ExprError {
            span: Span::new(self.end, self.end),
            message: format!("expected {what}, found the end of the expression"),
        }
    }

    fn expect(&mut self, want: &Tok, what: &str) -> Result<Token, ExprError> {
        match self.next() {
            Some(t) if &t.tok == want => Ok(t),
            Some(t) => Err(ExprError {
                span: t.span,
                message: format!("expected {what}, found `{}`", t.show()),
            }),
            None => Err(self.at_end_error(what)),
        }
    }

    fn binary(
        &mut self,
        ops: &[BinaryOp],
        next: fn(&mut Parser) -> Result<Expr, ExprError>,
    ) -> Result<Expr, ExprError> {
        let mut left = next(self)?;
        while let Some(Token {
            tok: Tok::Op(op), ..
        }) = self.peek()
        {
            let op = *op;
            if !ops.contains(&op) {
                break;
            }
            self.pos += 1;
            let right = next(self)?;
            let span = left.span.to(right.span);
            left = Expr {
                kind: ExprKind::Binary(op, Box::new(left), Box::new(right)),
                span,
            };
        }
        Ok(left)
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ExprError {
                span: self
                    .peek()
                    .map_or(Span::new(self.end, self.end), |t| t.span),
                message: "expression nested too deeply".to_string(),
            });
        }
        let e = self.binary(&[BinaryOp::Or], Parser::and);
        self.depth -= 1;
        e
    }

    fn and(&mut self) -> Result<Expr, ExprError> {
        self.binary(&[BinaryOp::And], Parser::equality)
    }

    fn equality(&mut self) -> Result<Expr, ExprError> {
        self.binary(&[BinaryOp::Eq, BinaryOp::Ne], Parser::comparison)
    }

    fn comparison(&mut self) -> Result<Expr, ExprError> {
        self.binary(
            &[BinaryOp::Lt, BinaryOp::Le, BinaryOp::Gt, BinaryOp::Ge],
            Parser::unary,
        )
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        if let Some(Token {
            tok: Tok::Not,
            span,
        }) = self.peek().cloned()
        {
            self.pos += 1;
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(ExprError {
                    span,
                    message: "expression nested too deeply".to_string(),
                });
            }
            let inner = self.unary();
            self.depth -= 1;
            let inner = inner?;
            let span = span.to(inner.span);
            return Ok(Expr {
                kind: ExprKind::Not(Box::new(inner)),
                span,
            });
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, ExprError> {
        let mut e = self.primary()?;
        loop {
            match self.peek().map(|t| t.tok.clone()) {
                Some(Tok::Dot) => {
                    self.pos += 1;
                    match self.next() {
                        Some(Token {
                            tok: Tok::Ident(name),
                            span,
                        }) => {
                            let span = e.span.to(span);
                            e = Expr {
                                kind: ExprKind::Property(Box::new(e), name),
                                span,
                            };
                        }
                        Some(Token {
                            tok: Tok::Star,
                            span,
                        }) => {
                            let span = e.span.to(span);
                            e = Expr {
                                kind: ExprKind::Star(Box::new(e)),
                                span,
                            };
                        }
                        Some(t) => {
                            return Err(ExprError {
                                span: t.span,
                                message: format!(
                                    "expected a property name after `.`, found `{}`",
                                    t.show()
                                ),
                            })
                        }
                        None => return Err(self.at_end_error("a property name after `.`")),
                    }
                }
                Some(Tok::LBracket) => {
                    self.pos += 1;
                    let index = if matches!(self.peek().map(|t| &t.tok), Some(Tok::Star)) {
                        let t = self.next().expect("peeked");
                        Expr {
                            kind: ExprKind::Null,
                            span: t.span,
                        }
                    } else {
                        self.or()?
                    };
                    let close = self.expect(&Tok::RBracket, "`]`")?;
                    let span = e.span.to(close.span);
                    e = Expr {
                        kind: if index.kind == ExprKind::Null {
                            ExprKind::Star(Box::new(e))
                        } else {
                            ExprKind::Index(Box::new(e), Box::new(index))
                        },
                        span,
                    };
                }
                _ => return Ok(e),
            }
        }
    }

    fn primary(&mut self) -> Result<Expr, ExprError> {
        let Some(t) = self.next() else {
            return Err(self.at_end_error("a value"));
        };
        let span = t.span;
        let kind = match t.tok {
            Tok::Number(n) => ExprKind::Number(n),
            Tok::String(s) => ExprKind::String(s),
            Tok::Ident(name) => match name.as_str() {
                "null" => ExprKind::Null,
                "true" => ExprKind::Bool(true),
                "false" => ExprKind::Bool(false),
                "NaN" => ExprKind::Number(f64::NAN),
                "Infinity" => ExprKind::Number(f64::INFINITY),
                _ if matches!(self.peek().map(|t| &t.tok), Some(Tok::LParen)) => {
                    self.pos += 1;
                    let mut args = Vec::new();
                    if matches!(self.peek().map(|t| &t.tok), Some(Tok::RParen)) {
                        let close = self.next().expect("peeked");
                        return Ok(Expr {
                            kind: ExprKind::Call(name, args),
                            span: span.to(close.span),
                        });
                    }
                    loop {
                        args.push(self.or()?);
                        match self.next() {
                            Some(Token {
                                tok: Tok::Comma, ..
                            }) => continue,
                            Some(Token {
                                tok: Tok::RParen,
                                span: close,
                            }) => {
                                return Ok(Expr {
                                    kind: ExprKind::Call(name, args),
                                    span: span.to(close),
                                })
                            }
                            Some(t) => {
                                return Err(ExprError {
                                    span: t.span,
                                    message: format!(
                                        "expected `,` or `)` in the call to {name}, found `{}`",
                                        t.show()
                                    ),
                                })
                            }
                            None => {
                                return Err(
                                    self.at_end_error(&format!("`)` closing the call to {name}"))
                                )
                            }
                        }
                    }
                }
                _ => ExprKind::Ident(name),
            },
            Tok::LParen => {
                let inner = self.or()?;
                let close = self.expect(&Tok::RParen, "`)`")?;
                return Ok(Expr {
                    kind: inner.kind,
                    span: span.to(close.span),
                });
            }
            other => {
                return Err(ExprError {
                    span,
                    message: format!(
                        "expected a value, found `{}`",
                        Token { tok: other, span }.show()
                    ),
                })
            }
        };
        Ok(Expr { kind, span })
    }
}

/// The functions GitHub's expression language has, lower-case, with their argument counts
/// (`min..=max`; `usize::MAX` for variadic).
pub const FUNCTIONS: &[(&str, usize, usize)] = &[
    ("contains", 2, 2),
    ("startswith", 2, 2),
    ("endswith", 2, 2),
    ("format", 1, usize::MAX),
    ("join", 1, 2),
    ("tojson", 1, 1),
    ("fromjson", 1, 1),
    ("hashfiles", 1, usize::MAX),
    ("success", 0, 0),
    ("always", 0, 0),
    ("cancelled", 0, 0),
    ("failure", 0, 0),
    ("case", 3, usize::MAX),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(text: &str) -> Vec<String> {
        parse(text)
            .expect("parses")
            .contexts()
            .into_iter()
            .map(|c| c.path)
            .collect()
    }

    #[test]
    fn finds_fences_with_their_spans() {
        let src = "run: echo ${{ github.event.issue.title }} and ${{ '}}' }}";
        let f = fences(src, Span::new(0, src.len()));
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].span.text(src), "${{ github.event.issue.title }}");
        assert_eq!(f[0].text.trim(), "github.event.issue.title");
        assert_eq!(f[1].text.trim(), "'}}'");
        let e = f[0].parse().expect("parses");
        assert_eq!(e.span.text(src), "github.event.issue.title");
    }

    #[test]
    fn flattens_context_references() {
        assert_eq!(
            paths("github.event['pull_request'].head.ref"),
            ["github.event.pull_request.head.ref"]
        );
        assert_eq!(paths("secrets[matrix.name]"), ["secrets.*", "matrix.name"]);
        assert_eq!(
            paths("contains(github.event.*.labels, 'x') && needs.a.outputs.b"),
            ["github.event.*.labels", "needs.a.outputs.b"]
        );
        assert_eq!(
            paths("fromJSON(steps.meta.outputs.json).tags"),
            ["steps.meta.outputs.json"]
        );
    }

    #[test]
    fn parses_operators_by_precedence() {
        let e = parse("a || b && !c == 'x'").expect("parses");
        let ExprKind::Binary(BinaryOp::Or, _, right) = e.kind else {
            panic!("|| binds loosest: {e:?}")
        };
        assert!(matches!(right.kind, ExprKind::Binary(BinaryOp::And, _, _)));
    }

    #[test]
    fn reports_syntax_errors_at_the_token() {
        let err = parse("github.event.issue.title ==").expect_err("incomplete");
        assert!(
            err.message.contains("end of the expression"),
            "{}",
            err.message
        );
        let err = parse("foo(a, b").expect_err("unclosed");
        assert!(err.message.contains("`)`"), "{}", err.message);
        let err = parse("a.b ; c").expect_err("bad character");
        assert_eq!(err.span, Span::new(4, 5));
        assert!(parse("'it''s'").is_ok());
        assert!(parse("0x1F == 31 && -1.5e3 < 2").is_ok());
    }

    #[test]
    fn constant_expressions_are_told_apart() {
        assert!(parse("'ubuntu-' + 'latest'").is_err());
        assert!(parse("format('{0}', 'x')").expect("parses").is_constant());
        assert!(!parse("format('{0}', github.ref)")
            .expect("parses")
            .is_constant());
        assert!(!parse("always()").expect("parses").is_constant());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = format!("{}a{}", "(".repeat(5000), ")".repeat(5000));
        assert!(parse(&deep).is_err());
        let nots = format!("{}a", "!".repeat(5000));
        assert!(parse(&nots).is_err());
    }
}
