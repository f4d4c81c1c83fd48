//! The checks a regex match must pass before it is reported: enough randomness (Shannon
//! entropy), not a placeholder (`${VAR}`, `<your-key>`, `changeme`, `xxxx`, repeated
//! characters), and — for rules whose value may be any literal — not a stop word, a variable
//! reference, a path or an identifier.

/// Shannon entropy in bits per byte.
pub fn shannon_entropy(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let n = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Substrings that mark a value as a stand-in, not a credential.
const PLACEHOLDER_MARKERS: &[&str] = &[
    "${",
    "{{",
    "}}",
    "%(",
    "$(",
    "#{",
    "example",
    "changeme",
    "change_me",
    "change-me",
    "placeholder",
    "your_",
    "your-",
    "yourkey",
    "yourtoken",
    "yourpassword",
    "dummy",
    "sample",
    "redacted",
    "xxxx",
    "****",
    "....",
    "replace_me",
    "replaceme",
    "replace-me",
    "insert_",
    "insert-",
    "12345678",
    "abcdefgh",
    "0123456789abcdef",
    "notreal",
    "not_real",
    "not-real",
    "fake",
];

fn lower(bytes: &[u8]) -> Vec<u8> {
    bytes.iter().map(u8::to_ascii_lowercase).collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

/// Whether `secret` is a template variable, an angle-bracket hint, a well-known placeholder or a
/// run of one character.
pub fn is_placeholder(secret: &[u8]) -> bool {
    let l = lower(secret);
    if PLACEHOLDER_MARKERS
        .iter()
        .any(|m| contains(&l, m.as_bytes()))
    {
        return true;
    }
    // `<your-key>`, `<token>`.
    if l.first() == Some(&b'<') || l.last() == Some(&b'>') {
        return true;
    }
    // `$DB_PASSWORD`, `%API_KEY%`.
    if l.first() == Some(&b'$')
        && l.get(1)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
    {
        return true;
    }
    if l.len() > 2 && l.first() == Some(&b'%') && l.last() == Some(&b'%') {
        return true;
    }
    // A long run of one character, or almost no variety at all.
    let mut run = 1;
    for w in l.windows(2) {
        if w[0] == w[1] {
            run += 1;
            if run >= 6 {
                return true;
            }
        } else {
            run = 1;
        }
    }
    if l.len() >= 8 {
        let mut seen = [false; 256];
        let distinct = l
            .iter()
            .filter(|&&b| !std::mem::replace(&mut seen[b as usize], true))
            .count();
        if distinct <= 3 {
            return true;
        }
    }
    false
}

/// Values a generic `password = …` assignment holds that are not credentials.
const STOP_WORDS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "null",
    "none",
    "true",
    "false",
    "undefined",
    "string",
    "required",
    "optional",
    "hidden",
    "masked",
    "value",
    "default",
    "empty",
    "unknown",
    "admin",
    "root",
    "guest",
    "public",
    "private",
    "bearer",
    "basic",
    "oauth",
];

const FILE_EXTENSIONS: &[&str] = &[
    ".pem",
    ".key",
    ".crt",
    ".cer",
    ".p12",
    ".pfx",
    ".json",
    ".yaml",
    ".yml",
    ".txt",
    ".env",
    ".ini",
    ".cfg",
    ".conf",
    ".toml",
    ".xml",
    ".properties",
    ".js",
    ".ts",
    ".py",
    ".rb",
    ".go",
];

/// Whether the value of a generic assignment is code, a reference or a word rather than a
/// literal credential.
pub fn is_generic_non_secret(value: &[u8]) -> bool {
    let l = lower(value);
    if STOP_WORDS.iter().any(|w| l == w.as_bytes()) {
        return true;
    }
    // `password123`, `my-secret-name`: named after what they are, not random.
    if ["password", "passwd", "secret", "token"]
        .iter()
        .any(|w| contains(&l, w.as_bytes()))
    {
        return true;
    }
    // Paths and URLs.
    if l.starts_with(b"/") || l.starts_with(b"./") || l.starts_with(b"~/") || contains(&l, b"://") {
        return true;
    }
    if FILE_EXTENSIONS.iter().any(|e| l.ends_with(e.as_bytes())) {
        return true;
    }
    let has_digit = value.iter().any(u8::is_ascii_digit);
    let has_alpha = value.iter().any(u8::is_ascii_alphabetic);
    // Real credentials mix letters and digits; words and sentences do not.
    if !(has_digit && has_alpha) {
        return true;
    }
    // `ENV_VAR_NAME2`, `settings.secret_key`, `self.token2`: identifiers and attribute paths.
    let identifier_chars = value
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.');
    if identifier_chars {
        let upper_env = value
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
            && value.contains(&b'_');
        let dotted = value.contains(&b'.')
            && value.split(|b| *b == b'.').all(|seg| {
                seg.first()
                    .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
            });
        if upper_env || dotted {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_of_uniform_and_repeated_bytes() {
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
        assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
        assert!(shannon_entropy(b"q8Zw2Lp5Nt9Rv3Xk") > 3.5);
    }

    #[test]
    fn template_variables_and_hints_are_placeholders() {
        for p in [
            "${DB_PASSWORD}",
            "{{ .Values.token }}",
            "<your-api-key>",
            "changeme",
            "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
            "AKIAIOSFODNN7EXAMPLE",
            "aaaaaaaaaaaa",
            "abababababab",
            "$API_KEY",
            "%API_KEY%",
            "#{secret}",
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p}");
        }
        assert!(!is_placeholder(b"q8Zw2Lp5Nt9Rv3Xk"));
    }

    #[test]
    fn generic_values_that_are_code_or_words_are_not_secrets() {
        for v in [
            "password123",
            "settings.api_key",
            "DB_PASSWORD_FILE",
            "/run/secrets/db",
            "certs/app.pem",
            "correcthorse",
            "https://vault.acme.dev",
        ] {
            assert!(is_generic_non_secret(v.as_bytes()), "{v}");
        }
        assert!(!is_generic_non_secret(b"Xk9mQ2vL7pR4t"));
        assert!(!is_generic_non_secret(b"f3b8c1d9e2a74b6c58d0"));
    }
}
