//! Property tests of GitHub Actions expressions written inside a single-quoted YAML scalar,
//! where every `'` of the expression is written `''`: any text parses or fails without
//! panicking, and an expression with its quotes doubled parses to the same tree as the
//! expression itself.

use proptest::prelude::*;
use shipshape_syntax::github_actions::expr::{self, Expr, Quote};

/// The tree without spans (the doubled text is longer, so spans differ by design).
fn shape(e: &Expr) -> String {
    let debug = format!("{:?}", e.kind);
    let mut out = String::new();
    let mut rest = debug.as_str();
    while let Some(at) = rest.find("span: Span {") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        rest = &rest[rest.find('}').map_or(rest.len(), |e| e + 1)..];
    }
    out.push_str(rest);
    out
}

fn expression() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        "[a-z]{1,6}(\\.[a-z_]{1,6}){0,3}",
        "'[a-z/ -]{0,8}'",
        "'[a-z]{0,3}''[a-z]{0,3}'",
        "[0-9]{1,3}",
        Just("true".to_string()),
        Just("null".to_string()),
    ];
    (
        atom.clone(),
        prop::option::of((prop_oneof!["==", "!=", "&&", "||"], atom)),
    )
        .prop_map(|(a, rest)| match rest {
            Some((op, b)) => format!("{a} {op} {b}"),
            None => a,
        })
}

proptest! {
    #[test]
    fn any_text_parses_or_fails_without_panicking(text in "\\PC{0,40}") {
        let _ = expr::parse_quoted(&text, 0, Quote::Doubled);
        let _ = expr::parse_quoted(&text, 0, Quote::Single);
    }

    #[test]
    fn doubled_quotes_parse_to_the_same_tree(e in expression()) {
        let plain = expr::parse_quoted(&e, 0, Quote::Single);
        let doubled = expr::parse_quoted(&e.replace('\'', "''"), 0, Quote::Doubled);
        match (plain, doubled) {
            (Ok(a), Ok(b)) => prop_assert_eq!(shape(&a), shape(&b)),
            (Err(_), Err(_)) => {}
            (a, b) => prop_assert!(false, "{e:?}: {a:?} vs {b:?}"),
        }
    }
}
