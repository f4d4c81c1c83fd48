//! Structural checks a rule can ask for (`check = "…"` in the rules file): a match is reported
//! only when the bytes are what the rule says they are — a private key that decodes to a key of
//! its format, a JSON Web Token whose parts decode to JSON, an assignment whose name says it
//! holds a credential and whose value looks like one.
//!
//! A key that passes its structural check is reported even where the placeholder filter would
//! have dropped it: real keys hold runs like `AAAAAA` (zero bytes in base64) and their comments
//! may say "dummy"; a truncated or made-up key body does not decode to a key and is dropped here.

use std::ops::Range;

use crate::base64;
use crate::filter;

/// A structural check, by its name in the rules file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// PEM armour around DER (`RSA`, `EC`, `DSA`, PKCS#8, encrypted PKCS#8): the body decodes
    /// to a complete DER SEQUENCE.
    PemKey,
    /// PEM with legacy OpenSSL encryption headers (`Proc-Type: 4,ENCRYPTED`, `DEK-Info`): the
    /// body decodes to whole cipher blocks.
    PemLegacyEncrypted,
    /// `openssh-key-v1` with cipher `none`.
    OpensshKey,
    /// `openssh-key-v1` with a cipher (passphrase-protected).
    OpensshEncryptedKey,
    /// The private lines of a PuTTY key file decode.
    PuttyKey,
    /// An OpenPGP secret-key packet.
    PgpPrivateKey,
    /// Header and payload of a JSON Web Token decode to JSON objects; the header names `alg`.
    Jwt,
    /// A generic `name = value` assignment: the name says it holds a credential and the value
    /// is not public, a word, code or a placeholder.
    SecretAssignment,
    /// A password hash in crypt form (`$6$…`, `$apr1$…`, `$2y$…`, `{SHA}…`, DES).
    CryptHash,
    /// A key made by a generator (Django's `get_random_secret_key`, WordPress salts): long and
    /// random for its alphabet. Such keys may hold any punctuation, `${` and `%(` included.
    GeneratedKey,
    /// A value of a Kubernetes Secret: not under a key that names public data (`username`,
    /// `host`, `port`), and a credential by the generic-value filter.
    KubernetesSecretValue,
    /// The regex pins a token format that itself holds a run of one character (Dropbox's
    /// `AAAAAAAAAA`): the format is the proof, the rule's entropy minimum the guard.
    TokenFormat,
}

impl Check {
    pub fn parse(name: &str) -> Option<Check> {
        Some(match name {
            "pem-key" => Check::PemKey,
            "pem-legacy-encrypted" => Check::PemLegacyEncrypted,
            "openssh-key" => Check::OpensshKey,
            "openssh-encrypted-key" => Check::OpensshEncryptedKey,
            "putty-key" => Check::PuttyKey,
            "pgp-private-key" => Check::PgpPrivateKey,
            "jwt" => Check::Jwt,
            "secret-assignment" => Check::SecretAssignment,
            "crypt-hash" => Check::CryptHash,
            "generated-key" => Check::GeneratedKey,
            "kubernetes-secret-value" => Check::KubernetesSecretValue,
            "token-format" => Check::TokenFormat,
            _ => return None,
        })
    }

    /// The names [`Check::parse`] accepts.
    pub const NAMES: &'static [&'static str] = &[
        "pem-key",
        "pem-legacy-encrypted",
        "openssh-key",
        "openssh-encrypted-key",
        "putty-key",
        "pgp-private-key",
        "jwt",
        "secret-assignment",
        "crypt-hash",
        "generated-key",
        "kubernetes-secret-value",
        "token-format",
    ];

    /// Whether the check proves the bytes are a key, so the placeholder filter (meant for
    /// free-form values) does not apply.
    pub fn proves_structure(self) -> bool {
        !matches!(self, Check::SecretAssignment | Check::KubernetesSecretValue)
    }

    /// Whether the match passes. `whole` is the whole match, `secret` the secret's bytes and
    /// `name` the bytes of the regex group named `name`, when there is one; `before` is the
    /// text of the line before the match.
    pub fn accepts(self, m: &CheckInput<'_>) -> bool {
        match self {
            Check::PemKey => pem_body(m.whole).is_some_and(|b| is_complete_der(&b)),
            Check::PemLegacyEncrypted => legacy_encrypted_pem(m.whole),
            Check::OpensshKey => openssh_cipher(m.whole).is_some_and(|c| c == b"none"),
            Check::OpensshEncryptedKey => openssh_cipher(m.whole).is_some_and(|c| c != b"none"),
            Check::PuttyKey => base64::decode(m.secret).is_some_and(|b| b.len() >= 32),
            Check::PgpPrivateKey => pgp_secret_packet(m.whole),
            Check::Jwt => jwt(m.secret),
            Check::SecretAssignment => secret_assignment(m),
            Check::CryptHash => is_crypt_hash(m.secret),
            Check::GeneratedKey => {
                m.secret.len() >= 32
                    && filter::charset_entropy(m.secret) >= filter::MIN_CHARSET_ENTROPY
            }
            Check::KubernetesSecretValue => kubernetes_secret_value(m),
            Check::TokenFormat => true,
        }
    }
}

/// What a check looks at.
pub struct CheckInput<'a> {
    pub whole: &'a [u8],
    /// The secret's bytes as the application sees them (decoded, when the file holds them
    /// encoded).
    pub secret: &'a [u8],
    pub name: Option<&'a [u8]>,
    /// The line up to the start of the match.
    pub before: &'a [u8],
    /// The line up to the start of the secret as it is in the file.
    pub before_secret: &'a [u8],
}

/// The base64 body of a PEM block: between the `-----BEGIN …-----` line and `-----END`, header
/// lines (`Proc-Type: …`) left out, decoded.
fn pem_body(block: &[u8]) -> Option<Vec<u8>> {
    let after_begin = memchr::memmem::find(block, b"-----BEGIN")? + 10;
    let header_end = memchr::memmem::find(&block[after_begin..], b"-----")? + after_begin + 5;
    let end = memchr::memmem::find(&block[header_end..], b"-----END")? + header_end;
    let body = &block[header_end..end];
    let mut text = Vec::with_capacity(body.len());
    for line in split_lines(body) {
        if line.contains(&b':') {
            continue;
        }
        text.extend_from_slice(line);
    }
    base64::decode(&text)
}

/// Lines of a block that may be a real file (`\n`, `\r\n`) or a string with `\n` escapes.
fn split_lines(body: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < body.len() {
        if body[i] == b'\n' {
            out.push(&body[start..i]);
            start = i + 1;
        } else if body[i] == b'\\' && matches!(body.get(i + 1), Some(b'n')) {
            out.push(&body[start..i]);
            start = i + 2;
            i += 1;
        }
        i += 1;
    }
    out.push(&body[start..]);
    out.into_iter()
        .map(|l| {
            let l = l.strip_suffix(b"\r").unwrap_or(l);
            l.strip_suffix(b"\\r").unwrap_or(l)
        })
        .collect()
}

/// Whether `der` is one complete DER SEQUENCE (a key, not a truncated or invented body).
fn is_complete_der(der: &[u8]) -> bool {
    if der.len() < 32 || der[0] != 0x30 {
        return false;
    }
    let (len, header) = match der[1] {
        n if n < 0x80 => (usize::from(n), 2),
        0x81 => (usize::from(*der.get(2).unwrap_or(&0)), 3),
        0x82 => (
            usize::from(der[2]) << 8 | usize::from(*der.get(3).unwrap_or(&0)),
            4,
        ),
        0x83 => (
            usize::from(der[2]) << 16 | usize::from(der[3]) << 8 | usize::from(der[4]),
            5,
        ),
        _ => return false,
    };
    // The whole SEQUENCE must be there; trailing bytes (a second key, padding) are allowed.
    header + len <= der.len() && len > 0
}

fn legacy_encrypted_pem(block: &[u8]) -> bool {
    let has = |s: &[u8]| memchr::memmem::find(block, s).is_some();
    if !(has(b"Proc-Type: 4,ENCRYPTED") && has(b"DEK-Info:")) {
        return false;
    }
    pem_body(block).is_some_and(|b| b.len() >= 64 && b.len().is_multiple_of(8))
}

const OPENSSH_MAGIC: &[u8] = b"openssh-key-v1\0";

fn read_u32(b: &[u8], at: &mut usize) -> Option<usize> {
    let v = b.get(*at..*at + 4)?;
    *at += 4;
    Some(u32::from_be_bytes([v[0], v[1], v[2], v[3]]) as usize)
}

fn read_string<'a>(b: &'a [u8], at: &mut usize) -> Option<&'a [u8]> {
    let n = read_u32(b, at)?;
    let s = b.get(*at..at.checked_add(n)?)?;
    *at += n;
    Some(s)
}

/// The cipher of a complete `openssh-key-v1` key, or `None` when it is not one.
fn openssh_cipher(block: &[u8]) -> Option<Vec<u8>> {
    let key = pem_body(block)?;
    let rest = key.strip_prefix(OPENSSH_MAGIC)?;
    let mut at = 0;
    let cipher = read_string(rest, &mut at)?.to_vec();
    let _kdf = read_string(rest, &mut at)?;
    let _kdf_options = read_string(rest, &mut at)?;
    let keys = read_u32(rest, &mut at)?;
    if keys == 0 || keys > 64 {
        return None;
    }
    for _ in 0..keys {
        read_string(rest, &mut at)?;
    }
    // The private section must be there in full.
    let private = read_string(rest, &mut at)?;
    (private.len() >= 8).then_some(cipher)
}

/// The first packet of an armoured OpenPGP block is a secret key (tag 5) or secret subkey (7).
fn pgp_secret_packet(block: &[u8]) -> bool {
    let Some(start) = memchr::memmem::find(block, b"-----BEGIN PGP PRIVATE KEY BLOCK-----") else {
        return false;
    };
    let body = &block[start + 37..];
    let end = memchr::memmem::find(body, b"-----END").unwrap_or(body.len());
    let mut text = Vec::new();
    for line in split_lines(&body[..end]) {
        // Armour headers (`Version: …`) and the checksum line (`=AbCd`).
        if line.contains(&b':') || line.starts_with(b"=") {
            continue;
        }
        text.extend_from_slice(line);
    }
    let Some(packets) = base64::decode(&text) else {
        return false;
    };
    let Some(&first) = packets.first() else {
        return false;
    };
    if packets.len() < 32 || first & 0x80 == 0 {
        return false;
    }
    let tag = if first & 0x40 != 0 {
        first & 0x3f
    } else {
        (first >> 2) & 0x0f
    };
    tag == 5 || tag == 7
}

/// Whether a base64url part decodes to text that opens a JSON object: `{`, then a member name
/// (`"`) or the end of the object.
fn json_object_part(part: &[u8]) -> Option<Vec<u8>> {
    let bytes = base64::decode(part)?;
    let mut text = bytes.iter().filter(|b| !b.is_ascii_whitespace());
    let opens = text.next() == Some(&b'{') && matches!(text.next(), Some(b'"' | b'}'));
    opens.then_some(bytes)
}

fn jwt(token: &[u8]) -> bool {
    let mut parts = token.split(|b| *b == b'.');
    let (Some(header), Some(payload), Some(signature)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let Some(header) = json_object_part(header) else {
        return false;
    };
    memchr::memmem::find(&header, b"\"alg\"").is_some()
        && json_object_part(payload).is_some()
        && !signature.is_empty()
}

/// Last words that make a name describe or configure a secret rather than hold one, beyond
/// those of the shared vocabulary: `PASSWORD_REGEX`, `TOKEN_LABEL`, `SECRET_PLACEHOLDER`.
const DESCRIBING_LAST_WORDS: &[&str] = &[
    "REGEX",
    "REGEXP",
    "PATTERN",
    "LABEL",
    "PLACEHOLDER",
    "HINT",
    "MESSAGE",
    "MSG",
    "TEXT",
    "TITLE",
    "PROMPT",
    "ERROR",
    "ERRORS",
    "FORMAT",
    "RULE",
    "RULES",
    "STRENGTH",
    "CHARS",
    "CHARSET",
    "ALPHABET",
    "MODE",
    "KIND",
    "CLASS",
    "STYLE",
    "SELECTOR",
    "COLUMN",
    "ROUTE",
    "PAGE",
    "VIEW",
    "FORM",
    "TEMPLATE",
    "COUNT",
    "SIZE",
    "INDEX",
    "DESCRIPTION",
    "HELP",
    "LINK",
    "STATUS",
    "STATE",
    "VALIDATOR",
    "VALIDATION",
    "PROVIDER",
    "BACKEND",
    "STORE",
    "HANDLER",
    "CALLBACK",
    "GENERATOR",
    "ICON",
    "FIELD",
    "FIELDS",
    "KEYS",
    "MANAGER",
    // Django field lookups: `created_by__password__icontains=…`.
    "CONTAINS",
    "ICONTAINS",
    "EXACT",
    "IEXACT",
    "STARTSWITH",
    "ENDSWITH",
    "ISNULL",
];

/// Words that make the named value public by design: publishable payment keys, anonymous
/// client keys, reCAPTCHA site keys.
const PUBLIC_NAME_WORDS: &[&str] = &[
    "PUBLIC",
    "PUBLISHABLE",
    "PUB",
    "ANON",
    "ANONYMOUS",
    "SITE",
    "SITEKEY",
    // Anti-forgery tokens are per session and published in every form.
    "CSRF",
    "XSRF",
    "CSRFTOKEN",
    "XSRFTOKEN",
];

/// First words that make a name a switch or an action about a secret (`show_password`,
/// `has_token`, `reset_password_url`).
const SWITCH_FIRST_WORDS: &[&str] = &[
    "IS", "HAS", "SHOW", "HIDE", "USE", "GET", "SET", "NO", "RESET", "FORGOT", "VERIFY", "CHECK",
    "VALIDATE", "NEW", "OLD",
];

/// Whether an assignment's name says it holds a credential: the shared vocabulary of secret
/// names, minus names of public values and names that describe a secret.
pub fn is_credential_name(name: &[u8]) -> bool {
    let name = String::from_utf8_lossy(name);
    if !shipshape_core::secret_names::is_secret_name(&name) {
        return false;
    }
    let words = shipshape_core::secret_names::name_words(&name);
    // `NordPass`, `KeePassXC`: in a PascalCase name (a type, an enum member, a product), `Pass`
    // is a brand, not a password. `DB_PASS` and `smtpPass` still count.
    let pascal = name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.contains(|c: char| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric());
    if pascal
        && words.len() > 1
        && words.iter().any(|w| w == "PASS")
        && !words
            .iter()
            .any(|w| w != "PASS" && shipshape_core::secret_names::is_secret_name(w))
    {
        return false;
    }
    if words
        .iter()
        .any(|w| PUBLIC_NAME_WORDS.contains(&w.as_str()))
    {
        return false;
    }
    if words
        .last()
        .is_some_and(|w| DESCRIBING_LAST_WORDS.contains(&w.as_str()))
    {
        return false;
    }
    !(words.len() > 1
        && words
            .first()
            .is_some_and(|w| SWITCH_FIRST_WORDS.contains(&w.as_str())))
}

/// Whether the match sits in the query of a badge image URL (`badge.svg?token=…`): those
/// tokens are read-only and published with the badge. `before` ends where the match starts
/// (at the `?` or `&` that opens the parameter).
fn in_badge_url(before: &[u8]) -> bool {
    let start = before
        .iter()
        .rposition(|b| b.is_ascii_whitespace() || matches!(b, b'(' | b'"' | b'\'' | b'[' | b'<'))
        .map_or(0, |i| i + 1);
    let url = before[start..].to_ascii_lowercase();
    memchr::memmem::find(&url, b"://").is_some()
        && (memchr::memmem::find(&url, b"badge").is_some()
            || [&b".svg"[..], b".png", b"/graph"].iter().any(|e| {
                url.split(|b| *b == b'?')
                    .next()
                    .is_some_and(|p| p.ends_with(e))
            }))
}

/// Longest line prefix a generic assignment is taken on.
const MINIFIED_LINE: usize = 4096;

fn secret_assignment(m: &CheckInput<'_>) -> bool {
    if let Some(name) = m.name {
        if !is_credential_name(name) {
            return false;
        }
        // `"OAuth client secret": "…"`: the last word of a quoted phrase (a translation key, a
        // label) is not an assignment's name.
        let name_at = memchr::memmem::find(m.whole, name).unwrap_or(0);
        let after = m.whole.get(name_at + name.len()).copied();
        if m.whole.first() == Some(&b' ') && matches!(after, Some(b'"' | b'\'')) {
            return false;
        }
    }
    // Minified code: an assignment on a line this long is code, not configuration. (First: the
    // line text is cut at this length, see `line_before`.)
    if m.before.len() > MINIFIED_LINE {
        return false;
    }
    // `label("Password:"), x.render("…")`: when the quote before a quoted value closes a string
    // rather than opening one, the "value" is code between two strings.
    if let Some(&q @ (b'"' | b'\'' | b'`')) = m.before_secret.last() {
        let inside = &m.before_secret[..m.before_secret.len() - 1];
        let mut count = 0;
        let mut escaped = false;
        for &b in inside {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == q {
                count += 1;
            }
        }
        if count % 2 == 1 {
            return false;
        }
    }
    if in_badge_url(m.before) {
        return false;
    }
    if is_type_annotation(m.before_secret, m.secret) {
        return false;
    }
    !filter::is_generic_non_secret(m.secret)
}

/// TypeScript's built-in types, one of which a union in a type annotation names.
const TS_BUILTIN_TYPES: &[&[u8]] = &[
    b"null",
    b"undefined",
    b"string",
    b"number",
    b"boolean",
    b"bigint",
    b"unknown",
    b"any",
    b"never",
    b"void",
    b"object",
];

/// `apikey:string|null = null`, `privateKey: CryptoKey|null`: after a colon, a union of type
/// names one of which is a TypeScript built-in is the declaration's type, not its value.
fn is_type_annotation(before_secret: &[u8], secret: &[u8]) -> bool {
    let colon = before_secret.trim_ascii_end().last() == Some(&b':');
    let mut parts = 0;
    let mut builtin = false;
    for part in secret.split(|b| *b == b'|') {
        let name = part.strip_suffix(b"[]").unwrap_or(part);
        let ident = name
            .first()
            .is_some_and(|b| b.is_ascii_alphabetic() || b"_$".contains(b))
            && name
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"_$.".contains(b));
        if !ident {
            return false;
        }
        builtin |= TS_BUILTIN_TYPES.contains(&name);
        parts += 1;
    }
    colon && parts >= 2 && builtin
}

/// Crypt-form password hashes: `$id$[params$]salt$hash` (MD5, SHA-256/512, bcrypt, yescrypt,
/// APR1), `{SHA}` + base64 (Apache), or 13-character DES crypt.
pub fn is_crypt_hash(h: &[u8]) -> bool {
    let crypt_char = |b: &u8| b.is_ascii_alphanumeric() || b"./=+,".contains(b);
    if let Some(rest) = h.strip_prefix(b"{SHA}") {
        return rest.len() == 28 && base64::decode(rest).is_some_and(|d| d.len() == 20);
    }
    if h.first() == Some(&b'$') {
        let parts: Vec<&[u8]> = h[1..].split(|b| *b == b'$').collect();
        return parts.len() >= 3
            && parts[0].iter().all(u8::is_ascii_alphanumeric)
            && !parts[0].is_empty()
            && parts.iter().skip(1).all(|p| p.iter().all(crypt_char))
            && parts.last().is_some_and(|p| p.len() >= 16);
    }
    h.len() == 13 && h.iter().all(crypt_char)
}

/// Last words of a Kubernetes Secret key whose value is public configuration, not a credential.
const PUBLIC_SECRET_KEYS: &[&str] = &[
    "USER",
    "USERNAME",
    "LOGIN",
    "HOST",
    "HOSTNAME",
    "PORT",
    "NAME",
    "EMAIL",
    "DATABASE",
    "DB",
    "REGION",
    "NAMESPACE",
    "ENDPOINT",
    "BUCKET",
    "ID",
    "CRT",
    "CERT",
    "CA",
    "PEM",
    "PUB",
];

fn kubernetes_secret_value(m: &CheckInput<'_>) -> bool {
    if let Some(name) = m.name {
        let words = shipshape_core::secret_names::name_words(&String::from_utf8_lossy(name));
        let public = words
            .last()
            .is_some_and(|w| PUBLIC_SECRET_KEYS.contains(&w.as_str()))
            && !shipshape_core::secret_names::is_secret_name(&String::from_utf8_lossy(name));
        if public {
            return false;
        }
    }
    m.secret.len() >= 6 && !filter::is_generic_non_secret(m.secret)
}

/// The text of the line before `at`, or its last `MINIFIED_LINE + 1` bytes when the line is
/// longer: such a line is minified code (see `secret_assignment`), and looking further back for
/// every match on it made scanning a minified file quadratic.
pub(crate) fn line_before(hay: &[u8], at: usize) -> Range<usize> {
    let from = at.saturating_sub(MINIFIED_LINE + 1);
    let start = memchr::memrchr(b'\n', &hay[from..at]).map_or(from, |i| from + i + 1);
    start..at
}
