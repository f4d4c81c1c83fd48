//! The one answer to "does this variable hold a secret?" and "is this value a real one?", shared
//! by every checker (Dockerfile `ENV`/`ARG`, compose `environment:`, `.env` files, generated
//! `.env.example` files and the assessment), so a name flagged in one file kind is flagged in all.

/// Words that make a variable name a secret on their own (`DB_PASSWORD`, `npmAuthToken`).
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PWD",
    "PASSPHRASE",
    "SECRET",
    "SECRETS",
    "TOKEN",
    "CREDENTIAL",
    "CREDENTIALS",
    "APIKEY",
    "PRIVATEKEY",
    "ACCESSKEY",
    "SECRETKEY",
];

/// Endings that mark a run-together word as a secret (`PGPASSWORD`, `DBPASS`, `GHTOKEN`).
const SECRET_SUFFIXES: &[&str] = &["PASSWORD", "PASSWD", "SECRET", "TOKEN", "PASSPHRASE"];

/// The word before `KEY` that makes `…_KEY` a secret (`API_KEY`, `PRIVATE_KEY`, Laravel's
/// `APP_KEY`); a bare `KEY` is too often a public key ID (`GPG_KEY` in the official images).
const KEY_QUALIFIERS: &[&str] = &[
    "API",
    "APP",
    "PRIVATE",
    "ACCESS",
    "SECRET",
    "AUTH",
    "ENCRYPTION",
    "SIGNING",
    "MASTER",
    "LICENSE",
    "SERVICE",
    "CLIENT",
    "SESSION",
    "JWT",
];

/// Last words that make the variable describe a secret rather than hold one: `PASSWORD_FILE`
/// points at a file, `TOKEN_URL` at an endpoint, `PASSWORD_MIN_LENGTH` is a policy.
const DESCRIBES_A_SECRET: &[&str] = &[
    "FILE",
    "PATH",
    "DIR",
    "URL",
    "URI",
    "HOST",
    "ENDPOINT",
    "NAME",
    "USER",
    "USERNAME",
    "LENGTH",
    "LEN",
    "TYPE",
    "ENABLED",
    "ENABLE",
    "DISABLED",
    "HEADER",
    "TTL",
    "EXPIRY",
    "EXPIRES",
    "EXPIRATION",
    "TIMEOUT",
    "ID",
    "MOUNT",
    "POLICY",
    "LIFETIME",
    "VERSION",
    "REGION",
    "ALGORITHM",
    "HASHER",
    "METHOD",
    "PREFIX",
    "COMMAND",
    "CMD",
    "FIELD",
    "PARAM",
];

/// Words anywhere in the name that make it a switch about a secret, not the secret
/// (`MYSQL_ALLOW_EMPTY_PASSWORD`, `MYSQL_RANDOM_ROOT_PASSWORD`).
const SWITCH_WORDS: &[&str] = &[
    "ALLOW", "EMPTY", "RANDOM", "GENERATE", "REQUIRED", "REQUIRE", "MIN", "MAX", "SKIP",
];

/// Splits a variable name into upper-case words: `npmAuthToken` → `NPM AUTH TOKEN`,
/// `DB_PASSWORD` → `DB PASSWORD`, `secret_key_base` → `SECRET KEY BASE`.
pub fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_uppercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// Whether a variable name says it holds a password, token, API key or other credential.
pub fn is_secret_name(name: &str) -> bool {
    let words = name_words(name);
    let Some(last) = words.last() else {
        return false;
    };
    // `PWD` alone is the working directory every shell sets; `PASS` alone is too vague.
    if words.len() == 1 && (last == "PWD" || last == "PASS") {
        return false;
    }
    // The AWS key ID is half of a credential pair even though it ends in `ID`.
    let access_key_id = words.windows(3).any(|w| w == ["ACCESS", "KEY", "ID"]);
    if DESCRIBES_A_SECRET.contains(&last.as_str()) && !access_key_id {
        return false;
    }
    if words.iter().any(|w| SWITCH_WORDS.contains(&w.as_str())) {
        return false;
    }
    words.iter().any(|w| {
        SECRET_WORDS.contains(&w.as_str())
            || SECRET_SUFFIXES
                .iter()
                .any(|s| w.len() > s.len() && w.ends_with(s))
    }) || words
        .windows(2)
        .any(|w| w[1] == "KEY" && KEY_QUALIFIERS.contains(&w[0].as_str()))
}

/// Whether a value refers to another variable (`$TOKEN`, `${TOKEN:-}`) rather than being a
/// literal: then the secret comes from outside the file.
pub fn has_reference(value: &str) -> bool {
    let b = value.as_bytes();
    b.iter().enumerate().any(|(i, &c)| {
        c == b'$'
            && b.get(i + 1)
                .is_some_and(|&n| n == b'{' || n == b'_' || n.is_ascii_alphabetic())
    })
}

/// Whether a value is obviously not a real secret: empty, a placeholder to be replaced, a
/// template expression, or a switch (`ALLOW_EMPTY_PASSWORD=yes`).
pub fn is_placeholder_value(value: &str) -> bool {
    let v = value.trim().trim_matches(['"', '\'']).trim();
    if v.is_empty() {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    const SWITCHES: &[&str] = &[
        "yes",
        "no",
        "true",
        "false",
        "on",
        "off",
        "none",
        "null",
        "nil",
        "undefined",
        "empty",
        "unset",
        "disabled",
        "enabled",
        "tbd",
    ];
    if SWITCHES.contains(&lower.as_str()) {
        return true;
    }
    // Short numbers are flags or sizes, not credentials.
    if v.len() <= 4 && v.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    // `xxx`, `***`, `...`, `<token>`, `{{ token }}`, `%(secret)s`.
    if v.chars()
        .all(|c| matches!(c, 'x' | 'X' | '*' | '.' | '-' | '_' | '#'))
    {
        return true;
    }
    if (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with("{{") && v.ends_with("}}"))
        || (v.starts_with("%(") && v.ends_with(")s"))
    {
        return true;
    }
    const MARKERS: &[&str] = &[
        "changeme",
        "change-me",
        "change_me",
        "changeit",
        "replace",
        "placeholder",
        "your-",
        "your_",
        "yourpassword",
        "example",
        "dummy",
        "redacted",
        "todo",
        "fixme",
        "set-me",
        "set_me",
        "not-set",
        "notset",
        "secret-here",
    ];
    MARKERS.iter().any(|m| lower.contains(m))
}

/// Whether `value`, set under a secret-looking name, is a literal credential: not empty, not a
/// reference to another variable, not a placeholder.
pub fn is_literal_secret_value(value: &str) -> bool {
    !has_reference(value) && !is_placeholder_value(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_are_recognised_by_their_words() {
        for name in [
            "DB_PASSWORD",
            "npmAuthToken",
            "API_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID",
            "GITHUB_TOKEN",
            "PGPASSWORD",
            "SECRET_KEY",
            "JWT_SECRET_KEY",
            "secret_key_base",
            "SECRET_KEY_BASE",
            "APP_KEY",
            "password_digest_salt",
            "MY_SECRET_VALUE",
            "SSH_PASSPHRASE",
            "CLIENT_SECRET",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn names_about_secrets_are_not_secrets() {
        for name in [
            "PWD",
            "PASSWORD_FILE",
            "POSTGRES_PASSWORD_FILE",
            "TOKEN_URL",
            "PASSWORD_MIN_LENGTH",
            "MYSQL_ALLOW_EMPTY_PASSWORD",
            "MYSQL_RANDOM_ROOT_PASSWORD",
            "GPG_KEY",
            "SECRET_NAME",
            "PATH",
            "HOME",
            "KEYCLOAK_URL",
            "TOKEN_TTL",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn placeholders_and_references_are_not_literal_secrets() {
        for v in [
            "",
            "changeme",
            "${DB_PASSWORD}",
            "$TOKEN",
            "<your token>",
            "{{ .Values.token }}",
            "xxxx",
            "yes",
            "1",
            "your-api-key",
        ] {
            assert!(!is_literal_secret_value(v), "{v:?}");
        }
        for v in ["hunter2", "s3cr3t-Value-123", "Zq8Lp2Wn5Rt9"] {
            assert!(is_literal_secret_value(v), "{v:?}");
        }
    }
}
