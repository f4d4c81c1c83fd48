//! Parsers that keep byte spans, so every finding can point at the exact token: Dockerfiles
//! (with heredocs, directives and continuations), the shell inside `RUN`, YAML, and compose
//! projects as Compose reads them (overrides, `extends`, `include`, interpolation).

pub mod compose;
pub mod dockerfile;
pub mod dockerignore;
pub mod shell;
pub mod span;
pub mod yaml;

pub use span::Span;
