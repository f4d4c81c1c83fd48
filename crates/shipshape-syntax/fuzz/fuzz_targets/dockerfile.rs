//! Fuzz target: any input (taken as UTF-8, lossily) must parse as a Dockerfile and split as shell
//! text without panicking, with every span inside the input on character boundaries.
//! Run with `cargo +nightly fuzz run dockerfile` from `crates/shipshape-syntax`.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/common/invariants.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    invariants::check_dockerfile(&src);
    invariants::check_shell(&src);
});
