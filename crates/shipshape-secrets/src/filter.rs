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
    "localhost",
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
    ".html",
    ".php",
    ".svg",
    ".png",
];

/// Prefixes of values that are public by design or are digests, never credentials: publishable
/// payment and analytics keys, SSH and age public keys, wallet addresses, content hashes.
const PUBLIC_PREFIXES: &[&str] = &[
    // Publishable keys (Stripe, Clerk, Lob, Spree): `pk_` is public by convention.
    "pk_",
    "pk.ey",
    "phc_",
    "ssh-rsa",
    "ssh-ed25519",
    "ssh-dss",
    "ecdsa-sha2-",
    "sk-ssh-",
    "sk-ecdsa-",
    "aaaab3nzac1",
    "aaaac3nzac1",
    "aaaae2vjzhnh",
    "age1",
    "npub1",
    "xpub",
    "sha1-",
    "sha256-",
    "sha384-",
    "sha512-",
    "sha1:",
    "sha256:",
    "sha512:",
    "md5:",
    "-----begin public",
    "-----begin certificate",
    "-----begin pgp public",
];

/// Whether `value` starts with the prefix of a publishable key, a public key or a digest.
pub fn has_public_prefix(value: &[u8]) -> bool {
    let l = lower(value);
    if PUBLIC_PREFIXES.iter().any(|p| l.starts_with(p.as_bytes())) {
        return true;
    }
    // Google Analytics measurement and property IDs: `G-XXXXXXXXXX`, `UA-1234567-1`.
    let ga = |rest: &[u8]| rest.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-');
    if (value.starts_with(b"G-") && value.len() <= 14 && ga(&value[2..]))
        || (value.starts_with(b"UA-") && ga(&value[3..]))
    {
        return true;
    }
    // An Ethereum address (the public half of a wallet).
    value.len() == 42 && value.starts_with(b"0x") && value[2..].iter().all(u8::is_ascii_hexdigit)
}

/// Whether `w` reads like a word: letters only, two or more, with a vowel.
fn is_word(w: &[u8]) -> bool {
    w.len() >= 2
        && w.iter().all(u8::is_ascii_alphabetic)
        && w.iter().any(|c| b"aeiouyAEIOUY".contains(c))
}

/// The camel-case segments of a run of letters and digits: `getUserName` → `get User Name`.
/// The plural of capitals stays one segment: `VLANsView` → `VLANs View`, `userIDs` → `user IDs`.
fn camel_segments(value: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..value.len() {
        let (prev, cur) = (value[i - 1], value[i]);
        let lower_to_upper = prev.is_ascii_lowercase() && cur.is_ascii_uppercase();
        // `HTTPServer`: the last capital of a run starts the next word, unless what follows it
        // is a plural `s` that ends the segment (`VLANs`, `IDs`).
        let plural = value.get(i + 1) == Some(&b's')
            && value.get(i + 2).is_none_or(|b| !b.is_ascii_lowercase());
        let acronym_end = prev.is_ascii_uppercase()
            && cur.is_ascii_uppercase()
            && value.get(i + 1).is_some_and(u8::is_ascii_lowercase)
            && !plural;
        if lower_to_upper || acronym_end {
            out.push(&value[start..i]);
            start = i;
        }
    }
    out.push(&value[start..]);
    out
}

/// Whether `value` is a name rather than a value: an environment variable (`DB_PASSWORD_FILE`),
/// an attribute path (`settings.api_key`), a host name (`db.internal`), words joined by `_`,
/// `-` or case (`app-credentials-prod`, `userPassword`), a function call or a type
/// (`get_token()`, `VARCHAR(80)`).
pub fn is_identifier_like(value: &[u8]) -> bool {
    // `cssVars=`, `user.Key!`, `request.Passkeys?`: a name with a stray `=` or a null check is
    // still a name.
    let dotted = value.contains(&b'.');
    let trailing = value
        .iter()
        .rev()
        .take_while(|b| **b == b'=' || (dotted && matches!(b, b'!' | b'?')))
        .count();
    let value = &value[..value.len() - trailing];
    // `!isReady`, `@api_key`, `&config`, `*ptr`, `_mockKey`: code that negates, dereferences or
    // names a (private) variable. `user?.key` and `user!.key` are attribute paths.
    let leading = value.iter().take_while(|b| b"!@&*_".contains(b)).count();
    let value: Vec<u8> = {
        let v = &value[leading..];
        let mut out = Vec::with_capacity(v.len());
        let mut i = 0;
        while i < v.len() {
            if matches!(v[i], b'?' | b'!') && v.get(i + 1) == Some(&b'.') {
                i += 1;
                continue;
            }
            out.push(v[i]);
            i += 1;
        }
        out
    };
    let value = &value[..];
    if value.is_empty() {
        return leading > 0;
    }
    let upper_env = value
        .iter()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
        && value.contains(&b'_');
    if upper_env {
        return true;
    }
    // Attribute paths and host names: dotted segments that each start with a letter.
    if value.contains(&b'.')
        && value.split(|b| *b == b'.').all(|seg| {
            seg.first()
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
                && seg
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
        })
    {
        return true;
    }
    // `get_token(request)`, `VARCHAR(80)`, `Column(String)`.
    if let Some(open) = value.iter().position(|b| *b == b'(') {
        let head = &value[..open];
        if !head.is_empty()
            && head[0].is_ascii_alphabetic()
            && head
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.')
        {
            return true;
        }
    }
    // Words joined by separators (`app-credentials-prod`, `BW-GHAPP-ID,BW-GHAPP-KEY`,
    // `pm-1234-device-auth`): every part a word, a number, or a short abbreviation (`sm`, `v2`),
    // and at least one a word of three letters or more.
    let parts: Vec<&[u8]> = value
        .split(|b| matches!(b, b'_' | b'-' | b'.' | b'/' | b':' | b',' | b'='))
        .filter(|p| !p.is_empty())
        .collect();
    let joined = parts.len() >= 2;
    let word_like = |s: &[u8]| {
        is_word(s)
            // `utf8`, `sha256`: a word with a number at the end.
            || {
                let letters = s.iter().take_while(|b| b.is_ascii_alphabetic()).count();
                letters >= 2
                    && is_word(&s[..letters])
                    && s[letters..].iter().all(u8::is_ascii_digit)
            }
            || ((2..=5).contains(&s.len()) && s.iter().all(u8::is_ascii_uppercase))
    };
    let part_is_plain = |p: &[u8]| {
        p.iter().all(u8::is_ascii_digit) || camel_segments(p).iter().all(|s| word_like(s))
    };
    // `x`, `sm`, `v2`, `pm1`: one to three letters, perhaps a short number.
    let abbreviation = |p: &[u8]| {
        let letters = p.iter().take_while(|b| b.is_ascii_alphabetic()).count();
        (1..=3).contains(&letters)
            && p.len() - letters <= 3
            && p[letters..].iter().all(u8::is_ascii_digit)
    };
    let real_word =
        |p: &[u8]| p.iter().filter(|b| b.is_ascii_alphabetic()).count() >= 3 && part_is_plain(p);
    if joined
        && parts.iter().all(|p| part_is_plain(p) || abbreviation(p))
        && parts.iter().any(|p| real_word(p))
    {
        return true;
    }
    // `checkout_pk`, `user_id2`: a lower-case snake_case name, abbreviations included.
    let snake = value.first().is_some_and(u8::is_ascii_lowercase)
        && value.contains(&b'_')
        && value
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
        && value
            .split(|b| *b == b'_')
            .next()
            .is_some_and(|first| first.iter().all(u8::is_ascii_lowercase));
    if snake {
        return true;
    }
    // One word, or words run together in camel case (`correcthorse`, `userPassword`,
    // `StrFilterLookup`, `JWTClaims`). A word and a number (`hunter22`) is left to the entropy
    // check: it is how people make passwords.
    !joined
        && value[0].is_ascii_alphabetic()
        && ((value.iter().all(u8::is_ascii_alphabetic) && part_is_plain(value))
            || (value.iter().all(u8::is_ascii_alphanumeric) && camel_name(value)))
        && odd_segments(value) <= 2
}

/// The camel-case segments of every run of letters in `value`: digits and symbols split runs
/// (`Sha256Hasher` → `Sha Hasher`).
fn letter_segments(value: &[u8]) -> Vec<&[u8]> {
    value
        .split(|b| !b.is_ascii_alphabetic())
        .filter(|run| !run.is_empty())
        .flat_map(camel_segments)
        .collect()
}

/// How many of a value's camel-case segments are not words: capitals (`TLS`, `FE`), single
/// letters (`A`) and letters without a vowel (`Pk`). A name has at most two (`TLSClientKeyA`,
/// `credWithDummyCRL`); random letters and digits often have three or more
/// (`MKOahUxcbFE7QIzmFSEq`: `MK`, `FE`, `Q`, `FS`), which a vowel in each other segment would
/// otherwise let read as words. A name holds one number (`Sha256Hasher`,
/// `organization1Domain`); each number after the first counts as odd too.
fn odd_segments(value: &[u8]) -> usize {
    let numbers = value
        .split(|b| !b.is_ascii_digit())
        .filter(|run| !run.is_empty())
        .count();
    let odd = letter_segments(value)
        .into_iter()
        .filter(|s| s.len() == 1 || s.iter().all(u8::is_ascii_uppercase) || !is_word(s))
        .count();
    odd + numbers.saturating_sub(1)
}

/// Whether letters in camel case read as a name: every segment a word, an acronym or a short
/// abbreviation, at most one abbreviation without a vowel (`Str`, `Pk`), and at least one word
/// of four letters or more. Random letters (`xQpZmKrTvLwN`, `kjHsdfUwqeRt`) have several
/// vowel-less segments or long ones.
fn camel_name(value: &[u8]) -> bool {
    // Letter runs split at case changes; a short number (`Uint8Array`, `Sha256Hasher`) is
    // neutral.
    let segs = letter_segments(value);
    let digits = value.iter().filter(|b| b.is_ascii_digit()).count();
    // Capitalised words and a closing number (`SecurePass123`) is how passwords are made;
    // `mockEncryptedKey1` is a variable.
    let password_shape =
        value[0].is_ascii_uppercase() && value.last().is_some_and(u8::is_ascii_digit);
    if segs.len() < 2 || digits > 3 || password_shape {
        return false;
    }
    let mut long_words = 0;
    let mut vowelless = 0;
    for s in &segs {
        let acronym = (2..=5).contains(&s.len()) && s.iter().all(u8::is_ascii_uppercase);
        if is_word(s) {
            if s.len() >= 4 {
                long_words += 1;
            }
        } else if acronym {
            continue;
        } else if s.len() <= 4 {
            vowelless += 1;
        } else {
            return false;
        }
    }
    long_words >= 1 && vowelless <= 1
}

/// A format template: `{module}`, `{0}`, `{user.name}` somewhere in the value.
fn has_template_field(value: &[u8]) -> bool {
    let mut i = 0;
    while let Some(open) = value[i..].iter().position(|b| *b == b'{') {
        let start = i + open + 1;
        let Some(close) = value[start..].iter().position(|b| *b == b'}') else {
            return false;
        };
        let field = &value[start..start + close];
        if field
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.')
        {
            return true;
        }
        i = start + close + 1;
    }
    false
}

/// Versions, dates, times, IP addresses and plain numbers.
fn is_number_like(value: &[u8]) -> bool {
    let v = value.strip_prefix(b"v").unwrap_or(value);
    let digits = v.iter().filter(|b| b.is_ascii_digit()).count();
    // `12345678`, `1.2.3`, `10.0.0.1`, `2024-01-31`, `12:30:00`, `2024-01-31T12:00:00Z`.
    digits > 0
        && v.iter()
            .all(|b| b.is_ascii_digit() || b".-:+TZ".contains(b))
}

/// Bits per character the value's character classes allow: 16 for hex, else the sum of the
/// classes present (lower 26, upper 26, digits 10, symbols 33).
fn charset_bits(value: &[u8]) -> f64 {
    // Hex, UUIDs included: their dashes carry no information.
    let hex = value.iter().all(|b| b.is_ascii_hexdigit() || *b == b'-')
        && value.iter().filter(|b| **b == b'-').count() <= 4
        && !(value.iter().any(u8::is_ascii_lowercase) && value.iter().any(u8::is_ascii_uppercase));
    if hex {
        return 4.0;
    }
    let mut size = 0.0;
    if value.iter().any(u8::is_ascii_lowercase) {
        size += 26.0;
    }
    if value.iter().any(u8::is_ascii_uppercase) {
        size += 26.0;
    }
    if value.iter().any(u8::is_ascii_digit) {
        size += 10.0;
    }
    if value.iter().any(|b| !b.is_ascii_alphanumeric()) {
        size += 33.0;
    }
    f64::log2(size)
}

/// Entropy as a share of the most the value could have, given its length and its character
/// classes: 1.0 for a value whose characters are all different, lower for repetition. Unlike raw
/// Shannon entropy it does not punish short passwords or hex strings for their small alphabet.
pub fn charset_entropy(value: &[u8]) -> f64 {
    if value.len() < 2 {
        return 0.0;
    }
    let most = charset_bits(value).min(f64::log2(value.len() as f64));
    shannon_entropy(value) / most
}

/// Least [`charset_entropy`] a literal must have to be taken for a credential.
pub const MIN_CHARSET_ENTROPY: f64 = 0.75;

/// Character classes present: lower, upper, digit, symbol.
fn classes(value: &[u8]) -> usize {
    [
        value.iter().any(u8::is_ascii_lowercase),
        value.iter().any(u8::is_ascii_uppercase),
        value.iter().any(u8::is_ascii_digit),
        value.iter().any(|b| !b.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|c| **c)
    .count()
}

/// Whether the value of a generic assignment is code, a reference, a word, a number or a public
/// value rather than a literal credential. A credential is random enough for its character
/// classes ([`charset_entropy`]) and mixes at least two classes — or is long and random letters.
/// A value found in a credential file's password field by its parser (`<Pass>` of a FileZilla
/// site, a `.pgpass` line): it stands where a password stands, so only what says it is not one
/// rules it out by its shape when it is long and varied: a random `YnRoVspxZuCEYUEk` looks like
/// camel-case letters and is still the saved password. Stop words, `password123`-style names and
/// template fields are never passwords; short values (`postgres`, `*`) get the generic checks.
pub fn is_generic_non_secret_password(value: &[u8]) -> bool {
    if let Some(text) = base64_text(value) {
        return is_generic_non_secret_password(&text);
    }
    let l = lower(value);
    let named = STOP_WORDS.iter().any(|w| l == w.as_bytes())
        || ["password", "passwd", "secret", "token", "credential"]
            .iter()
            .any(|w| contains(&l, w.as_bytes()))
        || has_template_field(value);
    if named {
        return true;
    }
    // Long and varied: random, whatever it looks like. Shorter values (`postgres`, `*`) are
    // judged as any other generic value. Letters and digits alone are varied for their length
    // and classes ([`charset_entropy`], as a generic value is judged): 4.4 % of random
    // 16-character ones fall under a fixed 3.5 bits (`EzvceZYbUzzYhvHS`, 3.45), and a
    // letters-only one was then judged a name. Values with separators (`x-oauth-basic` is words)
    // or of digits alone (a date, a number) keep the fixed bound.
    let letters_and_digits =
        value.iter().all(u8::is_ascii_alphanumeric) && value.iter().any(u8::is_ascii_alphabetic);
    let varied = shannon_entropy(value) >= 3.5
        || (letters_and_digits && charset_entropy(value) >= MIN_CHARSET_ENTROPY);
    if value.len() >= 12 && varied && !value.iter().any(|b| *b < 0x21) {
        return false;
    }
    is_generic_non_secret(value)
}

/// The text a base64 value (`cGFzc3dvcmQ=`) encodes, when it decodes to printable text; `None`
/// for anything else (a value that decodes to binary is a random key, judged as it is).
fn base64_text(value: &[u8]) -> Option<Vec<u8>> {
    if value.len() < 8
        || !value.len().is_multiple_of(4)
        || !value.iter().all(|b| crate::base64::is_base64_byte(*b))
    {
        return None;
    }
    let text = crate::base64::decode(value)?;
    (text.len() >= 4 && text.iter().all(|b| b.is_ascii_graphic() || *b == b' ')).then_some(text)
}

pub fn is_generic_non_secret(value: &[u8]) -> bool {
    // A base64 value that decodes to text (`cGFzc3dvcmQ=`) is judged by what it encodes; one
    // that decodes to binary is a random key and judged as it is.
    if let Some(text) = base64_text(value) {
        return is_generic_non_secret(&text);
    }
    let l = lower(value);
    if STOP_WORDS.iter().any(|w| l == w.as_bytes()) {
        return true;
    }
    // `password123`, `my-secret-name`: named after what they are, not random.
    if ["password", "passwd", "secret", "token", "credential"]
        .iter()
        .any(|w| contains(&l, w.as_bytes()))
    {
        return true;
    }
    // Natural language other than English, escapes and control characters.
    if value.iter().any(|b| *b >= 0x80 || b.is_ascii_control()) {
        return true;
    }
    // Paths and URLs.
    if l.starts_with(b"/")
        || l.starts_with(b"./")
        || l.starts_with(b"../")
        || l.starts_with(b"~/")
        || contains(&l, b"://")
    {
        return true;
    }
    if FILE_EXTENSIONS.iter().any(|e| l.ends_with(e.as_bytes())) {
        return true;
    }
    // An e-mail address.
    if let Some(at) = value.iter().position(|b| *b == b'@') {
        if at > 0 && is_identifier_like(&value[at + 1..]) && value[at + 1..].contains(&b'.') {
            return true;
        }
    }
    // Elided in documentation: `eyJ0eXBlIjoi...`.
    if l.ends_with(b"...") || l.ends_with("\u{2026}".as_bytes()) {
        return true;
    }
    // Format strings: `%s:%s`, `{}`, `{0}`, `{module}`.
    if contains(&l, b"%s") || contains(&l, b"%d") || has_template_field(value) {
        return true;
    }
    if is_number_like(value) || is_identifier_like(value) || has_public_prefix(value) {
        return true;
    }
    if charset_entropy(value) < MIN_CHARSET_ENTROPY {
        return true;
    }
    // Letters only (not words, per the check above) count only when long: shorter runs of
    // letters are abbreviations and names.
    classes(value) < 2 && value.len() < 16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_field_holds_a_password_whatever_its_shape() {
        // Letters only, camel-case looking: code elsewhere, a password in a password field.
        assert!(is_generic_non_secret(b"YnRoVspxZuCEYUEk"));
        assert!(!is_generic_non_secret_password(b"YnRoVspxZuCEYUEk"));
        assert!(!is_generic_non_secret_password(b"WW5Sb1ZzcHhadUNFWVVFaw=="));
        // Random, and less varied than most random values of their length (3.45, 3.33 and
        // 3.45 bits): missed in the generated-files test about one run in forty.
        for random in ["EzvceZYbUzzYhvHS", "miAimInXilxAsx1Q", "KWCXJXWYKSAKb9RE"] {
            assert!(shannon_entropy(random.as_bytes()) < 3.5, "{random}");
            assert!(
                !is_generic_non_secret_password(random.as_bytes()),
                "{random}"
            );
        }
        assert!(is_generic_non_secret_password(b"x-oauth-basic"));
        assert!(is_generic_non_secret_password(b"202401311200"));
        for not in [
            "changeme",
            "password123",
            "{{ .Values.pass }}",
            "${FTP_PASS}",
        ] {
            assert!(
                is_generic_non_secret_password(not.as_bytes()) || is_placeholder(not.as_bytes()),
                "{not}"
            );
        }
    }

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
            "app-credentials-prod",
            "userPassword",
            "getUserName",
            "VARCHAR(80)",
            "get_token(request)",
            "db.internal.acme.dev",
            "ops@acme.dev",
            "2024-01-31T12:00:00Z",
            "10.0.0.12",
            "87654321",
            "text-gray-500",
            "%s:%s@%s",
            "{module}",
            "eyJ0eXBlIjoic2VydmljZV9hY2NvdW50Ii...",
            "checkout_pk",
            "StrFilterLookup",
            "JWTClaims",
            "TLSClientKeyA",
            "credWithDummyCRL",
            "PDFExportURLsView",
            "userIDsList",
            "organization1Domain2",
            "Sha256Hasher",
            "MyAppKey",
            "Uint8Array",
            "TrpcRouteMeta",
            "cssVars=",
            "!isSplitView",
            "@api_key",
            "@user.api_key",
            "_mockEncryptedString",
            "_mockEncryptedKey1",
            "user.Key!",
            "request.Passkeys?",
            "_v1PrivateKey",
            "unlockData?.MasterKeyWrappedUserKey",
            "BW-GHAPP-ID,BW-GHAPP-KEY",
            "sm-standalone",
            "pm-12345-private-key-regeneration",
            "v1-encryptedPrivateKey",
            "pk_live_51HqLyjWDarjtT1zdp7dcXkq",
            "phc_8YkQ2vL7pR4tZw2Lp5Nt9",
            "G-8YKQ2VL7PR",
            "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
            "ssh-ed25519",
            "0xa20729ab60e4802ecf91c107f24e30fe7603e6ed",
            "aaaabbbb1111",
            "Passwort",
            "contraseña1",
            // base64 of "password" and of "min-length=12"
            "cGFzc3dvcmQ=",
            "bWluLWxlbmd0aD0xMg==",
        ] {
            assert!(is_generic_non_secret(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn real_passwords_and_keys_are_credentials_whatever_their_classes() {
        for v in [
            "Xk9mQ2vL7pR4t",
            "f3b8c1d9e2a74b6c58d0",
            // Real passwords: letters and a digit or a symbol, 8 characters with a repeat.
            "hunter22",
            "mydbpass2020",
            "Tr0ub4dor&3",
            "SecurePass123!",
            "P@ssw0rd!",
            "kjHsdfUwqeRtZmXn",
            "xQpZmKrTvLwNbGhY",
            // Random letters and digits whose camel-case segments each hold a vowel: read as
            // names by the vowel test alone (1.6 % of random 16-24 character values were).
            "MKOahUxcbFE7QIzmFSEq",
            "KoVvaIKGnSKUjsri",
            "ziVjEVT2Fpoucxi0",
            "TGR4mJYQo6ARVajkJKAR2Ydf",
            "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
            "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "django-insecure-8k$2&x!q9z^m@w7r#t5y(p)e+u-i=o_a4s6d",
        ] {
            assert!(!is_generic_non_secret(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn charset_entropy_judges_a_value_against_its_own_alphabet() {
        // Every character different: as random as its length allows.
        assert!((charset_entropy(b"hunter2!") - 1.0).abs() < 1e-9);
        assert!(charset_entropy(b"3f9a0c7e1b2d4f6a") > 0.9);
        assert!(charset_entropy(b"abcabcabcabc") < MIN_CHARSET_ENTROPY);
        assert!(charset_entropy(b"aaaa1111") < MIN_CHARSET_ENTROPY);
    }
}
