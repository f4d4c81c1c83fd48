//! Scan a working tree with the built-in rules and print one line per finding — path, line,
//! column, rule and the redacted snippet — for classifying findings on real repositories:
//! `cargo run --release -p shipshape-secrets --example scan_tree -- PATH [RULE-SLUG]`.

use shipshape_core::Inventory;
use shipshape_secrets::{scan_tree, Progress, Scanner};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: scan_tree PATH [RULE-SLUG]");
        std::process::exit(2);
    };
    let only = args.next();
    let inv = match Inventory::open(std::path::Path::new(&path)) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let start = std::time::Instant::now();
    let scan = scan_tree(&inv, &Scanner::builtin(), None, &Progress::default());
    let elapsed = start.elapsed().as_secs_f64();
    for f in &scan.findings {
        if only.as_deref().is_some_and(|o| o != f.slug) {
            continue;
        }
        println!(
            "{}:{}:{}\t{}\t{}",
            f.location.path,
            f.location.start.line,
            f.location.start.column,
            f.slug,
            f.snippet.trim()
        );
    }
    eprintln!(
        "{path}: {} files, {:.1} MiB, {} findings, {:.3} s",
        scan.files_scanned,
        scan.bytes_scanned as f64 / 1048576.0,
        scan.findings.len(),
        elapsed
    );
}
