//! Property tests of the image reference parser: a reference assembled from known parts splits
//! back into exactly those parts, and any text at all splits without panicking into parts that
//! lie in order inside it on character boundaries.

use proptest::prelude::*;
use shipshape_syntax::image;

fn component() -> impl Strategy<Value = String> {
    "[a-z0-9]([a-z0-9._-]{0,8}[a-z0-9])?"
}

/// A namespace: no `.`, or Docker would take it for a registry host.
fn namespace() -> impl Strategy<Value = String> {
    "[a-z0-9]([a-z0-9_-]{0,8}[a-z0-9])?"
}

/// Registry hosts: a dotted name or `localhost`, optionally with a port.
fn registry() -> impl Strategy<Value = String> {
    let host = prop_oneof![
        Just("localhost".to_string()),
        ("[a-z]{1,6}", "[a-z]{2,3}").prop_map(|(a, b)| format!("{a}.{b}")),
    ];
    (host, proptest::option::of(1u16..65535)).prop_map(|(h, port)| match port {
        Some(p) => format!("{h}:{p}"),
        None => h,
    })
}

fn tag() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9_][A-Za-z0-9_.-]{0,12}",
        "[a-z]{1,4}".prop_map(|v| format!("${{{}:-1.0}}", v.to_uppercase())),
        "[A-Z]{1,4}".prop_map(|v| format!("${v}")),
    ]
}

fn digest() -> impl Strategy<Value = String> {
    "[a-f0-9]{8,64}".prop_map(|hex| format!("sha256:{hex}"))
}

proptest! {
    #[test]
    fn assembled_references_split_back_into_their_parts(
        registry in proptest::option::of(registry()),
        first in namespace(),
        rest in prop::collection::vec(component(), 0..3),
        tag in proptest::option::of(tag()),
        digest in proptest::option::of(digest()),
    ) {
        let path: Vec<String> = std::iter::once(first).chain(rest).collect();
        let repository = path.join("/");
        let mut text = String::new();
        if let Some(r) = &registry {
            text.push_str(r);
            text.push('/');
        }
        text.push_str(&repository);
        if let Some(t) = &tag {
            text.push(':');
            text.push_str(t);
        }
        if let Some(d) = &digest {
            text.push('@');
            text.push_str(d);
        }
        let r = image::parse(&text);
        prop_assert_eq!(r.registry(), registry.as_deref());
        prop_assert_eq!(r.repository(), repository.as_str());
        prop_assert_eq!(r.tag(), tag.as_deref());
        prop_assert_eq!(r.digest(), digest.as_deref());
        prop_assert_eq!(r.is_interpolated(), tag.as_deref().is_some_and(|t| t.contains('$')));
        prop_assert_eq!(r.name(), path.last().map(String::as_str).unwrap_or(""));
    }

    #[test]
    fn any_text_splits_into_ordered_parts_on_character_boundaries(text in "\\PC{0,40}") {
        let r = image::parse(&text);
        let mut spans = Vec::new();
        spans.extend(r.registry_span());
        spans.push(r.repository_span());
        spans.extend(r.tag_span());
        spans.extend(r.digest_span());
        let mut previous_end = 0;
        for span in spans {
            prop_assert!(span.start <= span.end && span.end <= text.len());
            prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            prop_assert!(span.start >= previous_end, "parts overlap or are out of order");
            previous_end = span.end;
        }
        // The normalised forms never panic either.
        let _ = (r.normalized(), r.familiar_repository(), r.registry_host());
    }

    #[test]
    fn a_variable_never_loses_its_braces(name in "[A-Z]{1,6}", default in "[a-z0-9.:/-]{0,10}") {
        let text = format!("app:${{{name}:-{default}}}");
        let r = image::parse(&text);
        prop_assert_eq!(r.repository(), "app");
        let expected = format!("${{{name}:-{default}}}");
        prop_assert_eq!(r.tag(), Some(expected.as_str()));
    }
}
