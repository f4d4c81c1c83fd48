//! The spanned YAML parser: every key and value spans exactly its token, in bytes.

use proptest::prelude::*;
use shipshape_syntax::yaml::{parse, Node, Value};
use shipshape_syntax::Span;

fn one(src: &str) -> Node {
    let mut docs = parse(src).unwrap_or_else(|e| panic!("{src:?} should parse: {e:?}"));
    assert_eq!(docs.len(), 1, "{src:?} should hold one document");
    docs.remove(0)
}

fn text<'a>(src: &'a str, node: &Node) -> &'a str {
    node.span.text(src)
}

fn key_text<'a>(src: &'a str, map: &Node, key: &str) -> &'a str {
    let entry = map.entry(key).unwrap_or_else(|| panic!("no key {key}"));
    entry.key.span.text(src)
}

#[test]
fn spans_keys_and_values_of_a_block_mapping() {
    let src = "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n";
    let root = one(src);
    let web = root.get("services").and_then(|s| s.get("web")).unwrap();
    assert_eq!(key_text(src, web, "image"), "image");
    assert_eq!(text(src, web.get("image").unwrap()), "nginx:1.27");
    assert_eq!(text(src, web.get("privileged").unwrap()), "true");
    assert_eq!(web.get("privileged").unwrap().as_bool(), Some(true));
    // A block mapping runs from its first key to the end of its last value.
    assert_eq!(text(src, web), "image: nginx:1.27\n    privileged: true");
}

#[test]
fn spans_flow_collections_from_bracket_to_bracket() {
    let src = "ports: [\"80:80\", 443]\nenv: {A: 1, 'B': two}\n";
    let root = one(src);
    let ports = root.get("ports").unwrap();
    assert_eq!(text(src, ports), "[\"80:80\", 443]");
    assert_eq!(text(src, &ports.items()[0]), "\"80:80\"");
    assert_eq!(ports.items()[0].as_str(), Some("80:80"));
    assert_eq!(text(src, &ports.items()[1]), "443");
    assert_eq!(ports.items()[1].as_i64(), Some(443));
    let env = root.get("env").unwrap();
    assert_eq!(text(src, env), "{A: 1, 'B': two}");
    assert_eq!(key_text(src, env, "B"), "'B'");
    assert_eq!(text(src, env.get("B").unwrap()), "two");
}

#[test]
fn spans_block_sequences_from_the_first_dash() {
    let src = "cap_add:\n  - NET_ADMIN\n  - SYS_ADMIN\n";
    let root = one(src);
    let caps = root.get("cap_add").unwrap();
    assert_eq!(text(src, caps), "- NET_ADMIN\n  - SYS_ADMIN");
    assert_eq!(text(src, &caps.items()[1]), "SYS_ADMIN");
}

#[test]
fn quoted_scalars_span_their_quotes_and_keep_unescaped_text() {
    let src = "a: \"x\\ty \\u00e9\"\nb: 'it''s'\nc: \"true\"\n";
    let root = one(src);
    let a = root.get("a").unwrap();
    assert_eq!(text(src, a), "\"x\\ty \\u00e9\"");
    assert_eq!(a.as_str(), Some("x\ty é"));
    let b = root.get("b").unwrap();
    assert_eq!(text(src, b), "'it''s'");
    assert_eq!(b.as_str(), Some("it's"));
    // Quoted text is a string, never a boolean.
    assert_eq!(root.get("c").unwrap().as_bool(), None);
}

#[test]
fn block_scalars_span_from_indicator_to_last_content_character() {
    let src =
        "a: |\n  one\n  two\n\nb: >-\n  folded\n  text\nc: !tag &x |+2 # note\n    kept\nd: end\n";
    let root = one(src);
    let a = root.get("a").unwrap();
    assert_eq!(text(src, a), "|\n  one\n  two");
    assert_eq!(a.as_str(), Some("one\ntwo\n"));
    assert!(a.as_scalar().is_some_and(|s| s.quoted));
    let b = root.get("b").unwrap();
    assert_eq!(text(src, b), ">-\n  folded\n  text");
    assert_eq!(b.as_str(), Some("folded text"));
    let c = root.get("c").unwrap();
    assert_eq!(text(src, c), "|+2 # note\n    kept");
    assert_eq!(c.as_str(), Some("  kept\n"));
}

#[test]
fn block_scalar_in_a_sequence_and_on_its_own_line() {
    let src = "cmd:\n  - |\n    echo hi\nnext:\n  |\n    body\n";
    let root = one(src);
    assert_eq!(
        text(src, &root.get("cmd").unwrap().items()[0]),
        "|\n    echo hi"
    );
    assert_eq!(text(src, root.get("next").unwrap()), "|\n    body");
}

#[test]
fn empty_block_scalar_spans_its_header() {
    let src = "a: |-\nb: 1\n";
    let root = one(src);
    assert_eq!(text(src, root.get("a").unwrap()), "|-");
    assert_eq!(root.get("a").unwrap().as_str(), Some(""));
}

#[test]
fn nulls_are_null_and_empty_values_have_an_empty_span_after_the_key() {
    let src = "a:\nb: ~\nc: null\nd: \"null\"\n";
    let root = one(src);
    let a = root.get("a").unwrap();
    assert!(a.is_null());
    assert!(a.span.is_empty());
    assert_eq!(a.span.start, 1);
    assert!(root.get("b").unwrap().is_null());
    assert_eq!(text(src, root.get("b").unwrap()), "~");
    assert!(root.get("c").unwrap().is_null());
    assert_eq!(root.get("d").unwrap().as_str(), Some("null"));
}

#[test]
fn spans_are_byte_offsets_after_non_ascii_text() {
    let src = "# Größe: 日本語\nname: \"héllo wörld\"\nport: 5432\n";
    let root = one(src);
    let name = root.get("name").unwrap();
    assert_eq!(text(src, name), "\"héllo wörld\"");
    assert_eq!(name.span.start, src.find('"').unwrap());
    let port = root.get("port").unwrap();
    assert_eq!(
        port.span,
        Span::new(src.find("5432").unwrap(), src.len() - 1)
    );
}

#[test]
fn non_ascii_keys_and_values_span_whole_characters() {
    let src = "日本: 語\nemoji: 🚢 ship\n";
    let root = one(src);
    assert_eq!(key_text(src, &root, "日本"), "日本");
    assert_eq!(text(src, root.get("日本").unwrap()), "語");
    assert_eq!(text(src, root.get("emoji").unwrap()), "🚢 ship");
}

#[test]
fn crlf_line_endings_keep_exact_spans() {
    let src = "services:\r\n  db:\r\n    image: postgres\r\n    command: |\r\n      run\r\n";
    let root = one(src);
    let db = root.get("services").and_then(|s| s.get("db")).unwrap();
    assert_eq!(text(src, db.get("image").unwrap()), "postgres");
    assert_eq!(text(src, db.get("command").unwrap()), "|\r\n      run");
    assert_eq!(db.get("command").unwrap().as_str(), Some("run\n"));
}

#[test]
fn parses_every_document_of_a_stream() {
    let src = "a: 1\n---\nb: 2\n...\n--- |\n  text\n";
    let docs = parse(src).unwrap();
    assert_eq!(docs.len(), 3);
    assert_eq!(text(src, docs[1].get("b").unwrap()), "2");
    assert_eq!(text(src, &docs[2]), "|\n  text");
}

#[test]
fn empty_or_comment_only_stream_has_no_documents() {
    assert_eq!(parse("").unwrap(), vec![]);
    assert_eq!(parse("# nothing here\n").unwrap(), vec![]);
}

#[test]
fn aliases_are_copies_of_the_anchored_node_with_its_span() {
    let src = "x-img: &img nginx:1.27\na:\n  image: *img\n";
    let root = one(src);
    let image = root.get("a").and_then(|a| a.get("image")).unwrap();
    assert_eq!(image.as_str(), Some("nginx:1.27"));
    assert_eq!(text(src, image), "nginx:1.27");
    assert_eq!(image.span, root.get("x-img").unwrap().span);
}

#[test]
fn merge_keys_are_replaced_by_the_merged_entries_and_explicit_keys_win() {
    let src = "\
x-base: &base
  restart: always
  image: base:1
web:
  <<: *base
  image: web:2
";
    let root = one(src);
    let web = root.get("web").unwrap();
    let keys: Vec<&str> = web
        .entries()
        .iter()
        .filter_map(|e| e.key.as_str())
        .collect();
    assert_eq!(keys, ["restart", "image"]);
    assert_eq!(web.get("image").and_then(Node::as_str), Some("web:2"));
    let restart = web.get("restart").unwrap();
    assert_eq!(text(src, restart), "always");
    assert!(restart.span.start < src.find("web:").unwrap());
}

#[test]
fn merge_key_with_a_sequence_gives_precedence_to_the_first_mapping() {
    let src = "\
a: &a {x: 1, y: 1}
b: &b {y: 2, z: 2}
c:
  <<: [*a, *b]
  w: 0
";
    let root = one(src);
    let c = root.get("c").unwrap();
    let pairs: Vec<(&str, &str)> = c
        .entries()
        .iter()
        .filter_map(|e| Some((e.key.as_str()?, e.value.as_str()?)))
        .collect();
    assert_eq!(pairs, [("x", "1"), ("y", "1"), ("z", "2"), ("w", "0")]);
}

#[test]
fn quoted_merge_key_is_an_ordinary_key() {
    let root = one("a: &a {x: 1}\nb:\n  '<<': *a\n");
    assert!(root.get("b").unwrap().get("<<").is_some_and(Node::is_map));
}

#[test]
fn tags_are_accepted_and_ignored() {
    let src = "a: !Ref Bucket\nb: !!str 3\nc: !Sub\n  - x\n";
    let root = one(src);
    assert_eq!(text(src, root.get("a").unwrap()), "Bucket");
    assert_eq!(root.get("b").unwrap().as_str(), Some("3"));
    assert!(root.get("c").unwrap().is_seq());
}

#[test]
fn duplicate_keys_are_kept_in_document_order() {
    let root = one("a: 1\na: 2\n");
    assert_eq!(root.entries().len(), 2);
}

#[test]
fn syntax_error_points_at_the_offending_token() {
    let src = "services:\n  web:\n    image: nginx\n  - oops\n";
    let err = parse(src).unwrap_err();
    // The parser stops at the item that cannot follow a mapping entry.
    assert_eq!(err.span.start, src.find("oops").unwrap());
    assert_eq!(err.span.len(), 1);
    assert!(!err.message.is_empty());
}

#[test]
fn unterminated_quote_is_an_error_not_a_panic() {
    let src = "a: \"never closed\n";
    let err = parse(src).unwrap_err();
    assert!(err.span.end <= src.len());
}

#[test]
fn unknown_alias_is_an_error_at_the_alias() {
    let src = "a: 1\nb: *missing\n";
    let err = parse(src).unwrap_err();
    assert_eq!(err.span.start, src.find('*').unwrap());
}

#[test]
fn error_after_multibyte_text_is_a_byte_offset() {
    let src = "ä: ö\n- x\n";
    let err = parse(src).unwrap_err();
    // Byte 9, where a character count would say 7.
    assert_eq!(err.span.start, src.find('x').unwrap());
    assert_eq!(err.span.text(src), "x");
}

#[test]
fn exponential_alias_expansion_is_refused() {
    let mut src = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = i - 1;
        src.push_str(&format!(
            "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
        ));
    }
    let err = parse(&src).unwrap_err();
    assert!(err.message.contains("aliases expand"), "{}", err.message);
}

#[test]
fn leading_byte_order_mark_does_not_shift_spans() {
    let src = "\u{feff}a: b\n";
    let root = one(src);
    assert_eq!(text(src, root.get("a").unwrap()), "b");
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let src = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(parse(&src).is_err());
}

fn check_spans(src: &str, node: &Node) {
    let span_ok = |s: Span| {
        assert!(
            s.start <= s.end && s.end <= src.len(),
            "{s:?} outside {src:?}"
        );
        assert!(src.is_char_boundary(s.start) && src.is_char_boundary(s.end));
    };
    span_ok(node.span);
    match &node.value {
        Value::Seq(items) => items.iter().for_each(|n| check_spans(src, n)),
        Value::Map(entries) => entries.iter().for_each(|e| {
            check_spans(src, &e.key);
            check_spans(src, &e.value);
        }),
        Value::Null | Value::Scalar(_) => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics_and_spans_stay_on_char_boundaries(src in "\\PC{0,80}") {
        check_result(&src);
    }

    #[test]
    fn yaml_like_text_never_panics_and_spans_stay_on_char_boundaries(
        src in "([a-zé日 :\\-\\[\\]{},&*!|>'\"#?<\\r\\n\t]|  |\n  - |: ){0,60}"
    ) {
        check_result(&src);
    }
}

fn check_result(src: &str) {
    match parse(src) {
        Ok(docs) => docs.iter().for_each(|d| check_spans(src, d)),
        Err(e) => {
            assert!(e.span.start <= e.span.end && e.span.end <= src.len());
            assert!(src.is_char_boundary(e.span.start) && src.is_char_boundary(e.span.end));
        }
    }
}
