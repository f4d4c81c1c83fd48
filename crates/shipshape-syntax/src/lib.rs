//! Parsers that keep byte spans, so every finding can point at the exact token, and the typed
//! models built on them once per file: Dockerfiles (with heredocs, directives and continuations,
//! and a semantic model of stages, lineage and `RUN` commands), image references, the shell
//! inside `RUN`, YAML (with a JSON view), GitHub Actions workflows (with their expressions), GitLab
//! CI pipelines, and an outline of HCL. [`documents`] parses each file of an inventory at most
//! once per run. Compose projects are read as Compose reads them (overrides, `extends`,
//! `include`, interpolation).

pub mod compose;
pub mod dockerfile;
pub mod dockerignore;
pub mod documents;
pub mod github_actions;
pub mod gitlab_ci;
pub mod hcl;
pub mod image;
pub mod shell;
pub mod span;
pub mod yaml;

pub use span::Span;
