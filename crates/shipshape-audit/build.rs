//! Collects each rule's documentation — the `//!` comment at the top of its file — into a table
//! keyed by rule ID, so `shipshape explain` prints the same text a reader of the source sees.

use std::fmt::Write as _;
use std::path::Path;

fn visit(dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            visit(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            println!("cargo:rerun-if-changed={}", p.display());
            let Ok(text) = std::fs::read_to_string(&p) else {
                continue;
            };
            let doc: Vec<&str> = text
                .lines()
                .take_while(|l| l.starts_with("//!"))
                .map(|l| {
                    l.strip_prefix("//! ")
                        .unwrap_or(l.trim_start_matches("//!"))
                })
                .collect();
            let id = text.lines().find_map(|l| {
                let l = l.trim();
                let rest = l.strip_prefix("id: \"")?;
                rest.split('"').next().map(str::to_string)
            });
            if let Some(id) = id {
                if doc.iter().any(|l| l.starts_with("## ")) {
                    out.push((id, doc.join("\n")));
                }
            }
        }
    }
}

fn main() {
    let root = Path::new("src/rules");
    println!("cargo:rerun-if-changed=src/rules");
    let mut docs = Vec::new();
    visit(root, &mut docs);
    let mut code = String::from("/// Rule ID → the rule file's documentation comment.\npub static RULE_DOCS: &[(&str, &str)] = &[\n");
    for (id, doc) in docs {
        let _ = writeln!(code, "    ({id:?}, {doc:?}),");
    }
    code.push_str("];\n");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("rule_docs.rs"), code).expect("OUT_DIR is writable");
}
