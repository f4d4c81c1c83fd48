//! Properties of the generic rule's filter: it never panics on any bytes, a camel-case name made
//! of words stays a name whatever the words, and random letters and digits of a password's length
//! are, in all but a few cases, not read as one.

use proptest::prelude::*;
use shipshape_secrets::filter::{is_generic_non_secret, is_identifier_like};

/// Words as code names things: each holds a vowel, most four letters or more.
const WORDS: &[&str] = &[
    "user",
    "name",
    "account",
    "session",
    "request",
    "response",
    "client",
    "server",
    "config",
    "value",
    "default",
    "access",
    "private",
    "public",
    "signing",
    "wrapped",
    "master",
    "encrypted",
    "mock",
    "test",
    "data",
    "model",
    "filter",
    "lookup",
    "claims",
    "payload",
    "header",
    "cache",
    "store",
    "service",
    "provider",
    "handler",
    "options",
    "settings",
    "storage",
    "bucket",
    "webhook",
    "endpoint",
    "license",
    "billing",
    "subscription",
    "organization",
    "member",
    "document",
    "template",
    "existing",
    "new",
    "old",
    "first",
    "third",
    "party",
    "key",
    "get",
    "set",
    "has",
    "is",
];

/// Capitals code uses as one word.
const ACRONYMS: &[&str] = &[
    "API", "JWT", "URL", "TLS", "HTTP", "UUID", "SQL", "CRL", "DB",
];

fn capitalised(w: &str) -> String {
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn any_bytes_are_judged_without_panicking(value in proptest::collection::vec(any::<u8>(), 0..80)) {
        let _ = is_identifier_like(&value);
        let _ = is_generic_non_secret(&value);
    }

    #[test]
    fn a_camel_case_name_of_words_is_a_name(
        words in proptest::collection::vec(proptest::sample::select(WORDS), 2..=5),
        long in proptest::sample::select(&WORDS[..46]),
        acronym in proptest::option::of((proptest::sample::select(ACRONYMS), 0usize..6)),
        number in proptest::option::of((1u16..=999, 0usize..6)),
    ) {
        // lowerCamel, with a word of four letters or more in it; a capitalised name that ends
        // in a number is how passwords are made, so the name starts in lower case.
        let mut parts: Vec<String> = words.iter().map(|w| capitalised(w)).collect();
        parts.insert(1, capitalised(long));
        if let Some((a, at)) = acronym {
            parts.insert(at.min(parts.len()), a.to_string());
        }
        if let Some((n, at)) = number {
            let at = at.min(parts.len() - 1);
            parts[at].push_str(&n.to_string());
        }
        // A leading acronym is written in lower case (`dbUser`, `apiKey`).
        let lead = if ACRONYMS.iter().any(|a| parts[0].starts_with(a)) {
            parts[0].chars().take_while(char::is_ascii_uppercase).count()
        } else {
            1
        };
        parts[0] = parts[0][..lead].to_ascii_lowercase() + &parts[0][lead..];
        let name = parts.concat();
        prop_assert!(is_identifier_like(name.as_bytes()), "{name}");
    }
}

/// Random letters and digits as `openssl rand -base64` gives them, symbols dropped: a fixed
/// generator (xorshift) so the figure is the same every run.
#[test]
fn random_letters_and_digits_are_rarely_read_as_a_name() {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut names, total) = (0, 20_000);
    for i in 0..total {
        let len = [16, 18, 20, 22, 24][i % 5];
        let value: Vec<u8> = (0..len)
            .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
            .collect();
        if is_generic_non_secret(&value) {
            names += 1;
        }
    }
    // 0.5-0.6 % with the name test of two odd pieces and one number; 1.5 % without it.
    assert!(
        names * 1000 < total * 8,
        "{names} of {total} random values left unreported"
    );
}
