//! Parsers that keep byte spans, so every finding can point at the exact token: Dockerfiles
//! (with heredocs, directives and continuations), the shell inside `RUN`, and YAML.

pub mod dockerfile;
pub mod image;
pub mod shell;
pub mod span;
pub mod yaml;

pub use span::Span;
