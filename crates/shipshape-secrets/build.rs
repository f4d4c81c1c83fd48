//! Turns the built-in rules file (`data/rules.toml`, the one place the rules are written) into
//! Rust data, so a run does not parse 120 KiB of TOML before it can scan (9.5 M instructions,
//! the second largest fixed cost of an audit). The crate's tests check that the generated rules
//! are the file as `parse_rules_file` reads it, field for field.

use std::fmt::Write as _;

/// The fields of a `[[rule]]` table, as `RuleSpec` declares them (it denies any other).
const FIELDS: &[&str] = &[
    "id",
    "slug",
    "description",
    "regex",
    "parser",
    "paths",
    "check",
    "keywords",
    "secret_group",
    "entropy",
    "generic_value",
    "multiline",
    "severity",
    "examples",
    "negatives",
    "example_path",
];

fn string(rule: &toml::Table, key: &str, at: usize) -> Option<String> {
    rule.get(key).map(|v| match v {
        toml::Value::String(s) => format!("{s:?}"),
        other => panic!("data/rules.toml rule {at}: `{key}` is not a string: {other}"),
    })
}

fn optional_string(rule: &toml::Table, key: &str, at: usize) -> String {
    match string(rule, key, at) {
        Some(s) => format!("Some({s})"),
        None => "None".into(),
    }
}

fn strings(rule: &toml::Table, key: &str, at: usize) -> String {
    let Some(v) = rule.get(key) else {
        return "&[]".into();
    };
    let toml::Value::Array(items) = v else {
        panic!("data/rules.toml rule {at}: `{key}` is not an array");
    };
    let items: Vec<String> = items
        .iter()
        .map(|i| match i {
            toml::Value::String(s) => format!("{s:?}"),
            other => panic!("data/rules.toml rule {at}: `{key}` holds {other}"),
        })
        .collect();
    format!("&[{}]", items.join(", "))
}

fn boolean(rule: &toml::Table, key: &str, at: usize) -> bool {
    match rule.get(key) {
        None => false,
        Some(toml::Value::Boolean(b)) => *b,
        Some(other) => panic!("data/rules.toml rule {at}: `{key}` is not a boolean: {other}"),
    }
}

fn main() {
    println!("cargo:rerun-if-changed=data/rules.toml");
    println!("cargo:rerun-if-changed=build.rs");
    let text = std::fs::read_to_string("data/rules.toml").expect("data/rules.toml is readable");
    let file: toml::Table = text
        .parse()
        .unwrap_or_else(|e| panic!("data/rules.toml does not parse: {e}"));
    let mut code = String::from(
        "/// `data/rules.toml`, made by the build script.\n\
         pub(crate) static BUILTIN_SPECS: &[StaticSpec] = &[\n",
    );
    for key in file.keys() {
        assert!(key == "rule", "data/rules.toml: unknown table `{key}`");
    }
    let Some(toml::Value::Array(rules)) = file.get("rule") else {
        panic!("data/rules.toml has no [[rule]]");
    };
    for (at, rule) in rules.iter().enumerate() {
        let toml::Value::Table(rule) = rule else {
            panic!("data/rules.toml rule {at} is not a table");
        };
        for key in rule.keys() {
            assert!(
                FIELDS.contains(&key.as_str()),
                "data/rules.toml rule {at}: unknown field `{key}`"
            );
        }
        let required = |key: &str| {
            string(rule, key, at)
                .unwrap_or_else(|| panic!("data/rules.toml rule {at}: `{key}` is missing"))
        };
        let secret_group = match rule.get("secret_group") {
            None => "None".to_string(),
            Some(toml::Value::Integer(g)) if *g >= 0 => format!("Some({g})"),
            Some(other) => panic!("data/rules.toml rule {at}: secret_group {other}"),
        };
        let entropy = match rule.get("entropy") {
            None => "None".to_string(),
            Some(toml::Value::Float(f)) => format!("Some({f:?})"),
            Some(toml::Value::Integer(i)) => format!("Some({:?})", *i as f64),
            Some(other) => panic!("data/rules.toml rule {at}: entropy {other}"),
        };
        let _ = writeln!(
            code,
            "    StaticSpec {{ id: {}, slug: {}, description: {}, regex: {}, parser: {}, \
             paths: {}, check: {}, keywords: {}, secret_group: {secret_group}, \
             entropy: {entropy}, generic_value: {}, multiline: {}, severity: {}, examples: {}, \
             negatives: {}, example_path: {} }},",
            required("id"),
            optional_string(rule, "slug", at),
            required("description"),
            optional_string(rule, "regex", at),
            optional_string(rule, "parser", at),
            strings(rule, "paths", at),
            optional_string(rule, "check", at),
            strings(rule, "keywords", at),
            boolean(rule, "generic_value", at),
            boolean(rule, "multiline", at),
            optional_string(rule, "severity", at),
            strings(rule, "examples", at),
            strings(rule, "negatives", at),
            optional_string(rule, "example_path", at),
        );
    }
    code.push_str("];\n");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("builtin_rules.rs"), code).expect("OUT_DIR is writable");
    gate(&out);
}

/// The keyword gate of the built-in rules (`data/builtin-gate.txt`, one pattern a line, which a
/// test checks against the rules) as an Aho-Corasick DFA made here rather than at every start
/// (building it took 29 M instructions, 60 % of a one-file audit). Matching is ASCII
/// case-insensitive and reports every pattern ending at every position, as the aho-corasick
/// crate's `find_overlapping_iter` with `MatchKind::Standard` does; a test checks that the two
/// find the same matches.
///
/// Layout: bytes map to classes (`GATE_CLASSES`; a letter's two cases share one, bytes in no
/// pattern share class 0); `builtin_gate.bin` holds the transitions as little-endian `u32`
/// state IDs premultiplied by the number of classes, in breadth-first order with the states
/// that end a pattern last (an ID from `GATE_MATCH_FROM` on ends one: its patterns are listed in
/// `GATE_MATCH_PIDS`, own patterns first, then those of its failure state).
fn gate(out: &std::path::Path) {
    println!("cargo:rerun-if-changed=data/builtin-gate.txt");
    let text = std::fs::read_to_string("data/builtin-gate.txt")
        .expect("data/builtin-gate.txt is readable");
    let pats: Vec<&[u8]> = text.lines().map(str::as_bytes).collect();
    const NONE: usize = usize::MAX;
    let mut class = [0u8; 256];
    let mut classes = 1usize;
    for p in &pats {
        assert!(!p.is_empty(), "data/builtin-gate.txt: an empty pattern");
        for &b in *p {
            let l = b.to_ascii_lowercase();
            if class[l as usize] == 0 {
                assert!(
                    classes < 256,
                    "data/builtin-gate.txt: too many distinct bytes"
                );
                class[l as usize] = classes as u8;
                class[l.to_ascii_uppercase() as usize] = classes as u8;
                classes += 1;
            }
        }
    }
    let stride = classes;
    // The trie.
    let mut trans: Vec<usize> = vec![NONE; stride];
    let mut outs: Vec<Vec<usize>> = vec![Vec::new()];
    for (pid, p) in pats.iter().enumerate() {
        let mut s = 0;
        for &b in *p {
            let at = s * stride + class[b as usize] as usize;
            s = match trans[at] {
                NONE => {
                    let new = outs.len();
                    outs.push(Vec::new());
                    trans.extend(std::iter::repeat_n(NONE, stride));
                    trans[at] = new;
                    new
                }
                t => t,
            };
        }
        outs[s].push(pid);
    }
    // Failure links breadth first; every missing transition becomes its failure state's.
    let n = outs.len();
    let mut fail = vec![0usize; n];
    let mut queue = std::collections::VecDeque::new();
    for t in &mut trans[..stride] {
        match *t {
            NONE => *t = 0,
            to => queue.push_back(to),
        }
    }
    let mut bfs = Vec::with_capacity(n);
    while let Some(s) = queue.pop_front() {
        bfs.push(s);
        let f = fail[s];
        let inherited = outs[f].clone();
        outs[s].extend(inherited);
        for c in 0..stride {
            match trans[s * stride + c] {
                NONE => trans[s * stride + c] = trans[f * stride + c],
                t => {
                    fail[t] = trans[f * stride + c];
                    queue.push_back(t);
                }
            }
        }
    }
    // Breadth-first order, the states that end no pattern first: the root and the shallow
    // states, where nearly every byte of text leads, share a few pages and cache lines.
    let by_depth: Vec<usize> = std::iter::once(0).chain(bfs.iter().copied()).collect();
    let order: Vec<usize> = by_depth
        .iter()
        .copied()
        .filter(|&s| outs[s].is_empty())
        .chain(by_depth.iter().copied().filter(|&s| !outs[s].is_empty()))
        .collect();
    assert_eq!(order.len(), n);
    let quiet = (0..n).filter(|&s| outs[s].is_empty()).count();
    let mut id = vec![0usize; n];
    for (new, &old) in order.iter().enumerate() {
        id[old] = new;
    }
    assert!(n * stride < u32::MAX as usize);
    let mut bin = Vec::with_capacity(n * stride * 4);
    for &old in &order {
        for c in 0..stride {
            let to = (id[trans[old * stride + c]] * stride) as u32;
            bin.extend_from_slice(&to.to_le_bytes());
        }
    }
    let mut offsets = vec![0usize];
    let mut pids = Vec::new();
    for &old in &order[quiet..] {
        pids.extend(outs[old].iter().copied());
        offsets.push(pids.len());
    }
    let list =
        |v: &mut dyn Iterator<Item = usize>| v.map(|x| x.to_string()).collect::<Vec<_>>().join(",");
    let code = format!(
        "/// `data/builtin-gate.txt` as a DFA, made by the build script.\n\
         pub(crate) const GATE_PATTERNS: usize = {};\n\
         pub(crate) const GATE_STRIDE: usize = {stride};\n\
         pub(crate) const GATE_START: usize = {};\n\
         pub(crate) const GATE_MATCH_FROM: usize = {};\n\
         pub(crate) static GATE_CLASSES: [u8; 256] = [{}];\n\
         pub(crate) static GATE_MATCH_OFFSETS: [u32; {}] = [{}];\n\
         pub(crate) static GATE_MATCH_PIDS: [u16; {}] = [{}];\n\
         pub(crate) static GATE_PATTERN_LENS: [u8; {}] = [{}];\n\
         pub(crate) static GATE_TRANSITIONS: &[u8] = \
         include_bytes!(concat!(env!(\"OUT_DIR\"), \"/builtin_gate.bin\"));\n",
        pats.len(),
        id[0] * stride,
        quiet * stride,
        list(&mut class.iter().map(|&c| c as usize)),
        offsets.len(),
        list(&mut offsets.iter().copied()),
        pids.len(),
        list(&mut pids.iter().copied()),
        pats.len(),
        list(&mut pats.iter().map(|p| {
            assert!(p.len() < 256);
            p.len()
        })),
    );
    assert!(pats.len() <= u16::MAX as usize);
    std::fs::write(out.join("builtin_gate.bin"), bin).expect("OUT_DIR is writable");
    std::fs::write(out.join("builtin_gate.rs"), code).expect("OUT_DIR is writable");
}
