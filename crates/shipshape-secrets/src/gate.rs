//! The keyword gate: every keyword of every rule (and the base64 forms of token prefixes),
//! found anywhere in the bytes, ASCII case-insensitively, overlapping matches included.
//!
//! The built-in rules' gate is an Aho-Corasick DFA made by the build script from
//! `data/builtin-gate.txt` (a test checks the file against the rules), so a run does not build
//! it (29 M instructions, 60 % of a one-file audit). Any other rule set's gate is built with
//! the aho-corasick crate at run time. A test checks that the two find the same matches.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::rules::RuleError;

include!(concat!(env!("OUT_DIR"), "/builtin_gate.rs"));

/// The patterns the embedded DFA was made from, in pattern-ID order.
pub(crate) const BUILTIN_GATE: &str = include_str!("../data/builtin-gate.txt");

#[derive(Debug, Clone)]
pub(crate) enum Gate {
    /// The DFA made at build time from [`BUILTIN_GATE`].
    Embedded,
    /// Built at run time.
    Built(AhoCorasick),
}

impl Gate {
    /// The gate over `patterns`: the embedded DFA when they are the ones it was made from.
    pub(crate) fn new(patterns: &[String]) -> Result<Gate, RuleError> {
        if patterns.len() == GATE_PATTERNS
            && patterns.iter().map(String::as_str).eq(BUILTIN_GATE.lines())
        {
            return Ok(Gate::Embedded);
        }
        build(patterns).map(Gate::Built)
    }

    /// Calls `f(pattern, start)` for every match, in order of their ends, until it returns
    /// false.
    pub(crate) fn each_match(&self, hay: &[u8], mut f: impl FnMut(usize, usize) -> bool) {
        match self {
            Gate::Built(ac) => {
                for m in ac.find_overlapping_iter(hay) {
                    if !f(m.pattern().as_usize(), m.start()) {
                        return;
                    }
                }
            }
            Gate::Embedded => embedded_matches(hay, f),
        }
    }
}

fn embedded_matches(hay: &[u8], mut f: impl FnMut(usize, usize) -> bool) {
    let mut s = GATE_START;
    let mut at = 0;
    while let Some((end, state)) = next_match_state(hay, at, s) {
        (at, s) = (end, state);
        let k = s / GATE_STRIDE - GATE_MATCH_FROM / GATE_STRIDE;
        let pids =
            &GATE_MATCH_PIDS[GATE_MATCH_OFFSETS[k] as usize..GATE_MATCH_OFFSETS[k + 1] as usize];
        for &p in pids {
            if !f(p as usize, end - GATE_PATTERN_LENS[p as usize] as usize) {
                return;
            }
        }
    }
}

/// Bytes [`next_match_state`] steps through between two tests for a match.
const BLOCK: usize = 8;

/// From state `s` at `hay[at..]`, the end of the next match and the state that ends it. The
/// loop every byte goes through: the state stays in a register (with the match handling in the
/// same loop it went through the stack, a third slower).
///
/// Bytes go [`BLOCK`] at a time with one test for a match per block: the OR of their states is
/// at least each of them, so it is below `GATE_MATCH_FROM` whenever none of them ends a match
/// (quiet states can OR to more, a false alarm that only costs a second look). A block that
/// may hold a match is stepped again byte by byte from its first state. (Blocks of 16 cost
/// 10 % more: more false alarms.)
#[inline(never)]
fn next_match_state(hay: &[u8], at: usize, mut s: usize) -> Option<(usize, usize)> {
    let rest = hay.get(at..)?;
    let (blocks, tail) = rest.as_chunks::<BLOCK>();
    for (k, block) in blocks.iter().enumerate() {
        let from = s;
        let mut seen = 0;
        for &b in block {
            s = step(s, b);
            seen |= s;
        }
        if seen >= GATE_MATCH_FROM {
            if let Some((i, end)) = first_match(block, from) {
                return Some((at + k * BLOCK + i, end));
            }
        }
    }
    first_match(tail, s).map(|(i, end)| (at + blocks.len() * BLOCK + i, end))
}

/// From state `s`, the end (relative to `bytes`) of the first match in `bytes` and its state.
#[inline(always)]
fn first_match(bytes: &[u8], mut s: usize) -> Option<(usize, usize)> {
    for (i, &b) in bytes.iter().enumerate() {
        s = step(s, b);
        if s >= GATE_MATCH_FROM {
            return Some((i + 1, s));
        }
    }
    None
}

/// The state after `b` in state `s`, a premultiplied state ID: `GATE_START` or one this
/// function returned.
#[inline(always)]
fn step(s: usize, b: u8) -> usize {
    let (trans, _) = GATE_TRANSITIONS.as_chunks::<4>();
    let at = s + GATE_CLASSES[b as usize] as usize;
    debug_assert!(at < trans.len());
    // SAFETY: `s` is a state ID (`GATE_START` or a table entry), a multiple of `GATE_STRIDE`
    // below `trans.len()`, and every class is below `GATE_STRIDE`: the build script writes
    // only such values, and `the_embedded_tables_index_inside_themselves` checks every one.
    // The bounds check this skips was two of the seven instructions per byte of text (27 % of
    // the scan, 12 M instructions in the corpus audit).
    u32::from_le_bytes(*unsafe { trans.get_unchecked(at) }) as usize
}

fn build(patterns: &[String]) -> Result<AhoCorasick, RuleError> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(patterns)
        .or_else(|_| {
            // A DFA over very many user keywords can exceed the size limit; the contiguous NFA
            // is slower but has none.
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(patterns)
        })
        .map_err(|e| RuleError::Parse {
            source_name: "secret rule keywords".into(),
            message: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(gate: &Gate, hay: &[u8]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        gate.each_match(hay, |p, s| {
            out.push((p, s));
            true
        });
        out.sort_unstable();
        out
    }

    /// A small deterministic generator (xorshift), so a failure reproduces.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// The embedded DFA finds what the aho-corasick crate's DFA over the same patterns finds:
    /// the same (pattern, start) pairs, on inputs made of whole keywords, keyword pieces in
    /// random case, and random bytes.
    #[test]
    fn the_embedded_gate_finds_what_a_built_one_finds() {
        let patterns: Vec<String> = BUILTIN_GATE.lines().map(String::from).collect();
        assert!(matches!(Gate::new(&patterns).unwrap(), Gate::Embedded));
        let built = Gate::Built(build(&patterns).unwrap());
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut total = 0;
        for _ in 0..3000 {
            let mut hay = Vec::new();
            for _ in 0..rng.below(40) {
                let p = patterns[rng.below(patterns.len())].as_bytes();
                match rng.below(4) {
                    0 => hay.extend_from_slice(p),
                    1 => {
                        let a = rng.below(p.len());
                        let b = a + 1 + rng.below(p.len() - a);
                        for &c in &p[a..b] {
                            hay.push(if rng.below(2) == 0 {
                                c.to_ascii_uppercase()
                            } else {
                                c.to_ascii_lowercase()
                            });
                        }
                    }
                    2 => hay.extend((0..rng.below(4)).map(|_| rng.next() as u8)),
                    _ => hay.extend_from_slice(&p[..rng.below(p.len())]),
                }
            }
            let want = matches(&built, &hay);
            assert_eq!(matches(&Gate::Embedded, &hay), want, "{hay:?}");
            total += want.len();
        }
        assert!(total > 10_000, "{total}");
    }

    /// What `step` relies on to index without a bounds check.
    #[test]
    fn the_embedded_tables_index_inside_themselves() {
        let (trans, rest) = GATE_TRANSITIONS.as_chunks::<4>();
        assert!(rest.is_empty());
        assert_eq!(trans.len() % GATE_STRIDE, 0);
        assert!(GATE_START.is_multiple_of(GATE_STRIDE) && GATE_START < trans.len());
        assert!(GATE_CLASSES.iter().all(|&c| (c as usize) < GATE_STRIDE));
        for t in trans {
            let t = u32::from_le_bytes(*t) as usize;
            assert!(t.is_multiple_of(GATE_STRIDE) && t < trans.len(), "{t}");
        }
    }

    #[test]
    fn the_embedded_gate_stops_when_asked() {
        let mut n = 0;
        Gate::Embedded.each_match(b"aws aws aws", |_, _| {
            n += 1;
            false
        });
        assert_eq!(n, 1);
    }
}

#[cfg(test)]
mod timing {
    use super::*;

    fn files(dir: &std::path::Path, out: &mut Vec<Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                files(&p, out);
            } else if let Ok(b) = std::fs::read(&p) {
                out.push(b);
            }
        }
    }

    /// `cargo test --release -p shipshape-secrets --lib gate_search_time -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn gate_search_time() {
        let dir = std::env::var("GATE_CORPUS")
            .unwrap_or("/tmp/shipshape-bench/official-images-x12".into());
        let mut hays = Vec::new();
        files(std::path::Path::new(&dir), &mut hays);
        let patterns: Vec<String> = BUILTIN_GATE.lines().map(String::from).collect();
        let t = std::time::Instant::now();
        let built = Gate::Built(build(&patterns).unwrap());
        eprintln!("build {:?}", t.elapsed());
        for _ in 0..5 {
            for (name, g) in [("embedded", &Gate::Embedded), ("built", &built)] {
                let t = std::time::Instant::now();
                let mut n = 0usize;
                for h in &hays {
                    g.each_match(h, |p, s| {
                        n += p + s;
                        true
                    });
                }
                eprintln!("{name}: {:?} ({n})", t.elapsed());
            }
        }
    }
}
