//! Read values, one per line, and print how the generic rule's filter judges each — whether it
//! reads as a name (`is_identifier_like`) and whether it is left unreported
//! (`is_generic_non_secret`) — as `NAME<TAB>NOT-SECRET<TAB>VALUE` with 1 for yes:
//! `cargo run --release -p shipshape-secrets --example classify_values < values.txt`.
//! Used by `bench/secrets/random_recall.py`.

use std::io::{BufRead, Write};

fn main() {
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.split(b'\n') {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(2);
            }
        };
        let value = line.strip_suffix(b"\r").unwrap_or(&line);
        let name = shipshape_secrets::filter::is_identifier_like(value);
        let not_secret = shipshape_secrets::filter::is_generic_non_secret(value);
        let _ = out.write_all(format!("{}\t{}\t", u8::from(name), u8::from(not_secret)).as_bytes());
        let _ = out.write_all(value);
        let _ = out.write_all(b"\n");
    }
}
