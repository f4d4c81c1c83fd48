//! Time a history scan of a repository with the built-in rules, for profiling:
//! `cargo run --release -p shipshape-secrets --example scan_history -- PATH [RUNS]`.
//! Prints the commits, blobs and bytes scanned, the findings and the wall time of each run.

use std::time::Instant;

use shipshape_secrets::{scan_history, HistoryOptions, Progress, Scanner};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: scan_history PATH [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(1);
    let scanner = Scanner::builtin();
    for _ in 0..runs {
        let start = Instant::now();
        match scan_history(
            std::path::Path::new(&path),
            &scanner,
            &HistoryOptions::default(),
            &Progress::default(),
        ) {
            Ok(h) => println!(
                "{path}: {} commits, {} blobs scanned, {:.1} MiB, {} findings, {} errors, {:.3} s",
                h.commits,
                h.blobs_scanned,
                h.bytes_scanned as f64 / 1048576.0,
                h.findings.len(),
                h.errors.len(),
                start.elapsed().as_secs_f64()
            ),
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(2);
            }
        }
    }
}
