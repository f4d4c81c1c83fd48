//! Dockerfile rules, one per file, in three groups: rules about instructions and stages
//! (`instructions/`), rules about the shell commands inside `RUN` (`run/`), and shipshape's own
//! checks that no single peer has (`own/`).

use crate::rule::Rule;

pub mod instructions;
pub mod own;
pub mod run;

/// Every Dockerfile rule.
pub(crate) fn rules() -> Vec<&'static dyn Rule> {
    let mut v = instructions::rules();
    v.extend(run::rules());
    v.extend(own::rules());
    v
}
