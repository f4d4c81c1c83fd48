//! Private keys made by the real generators at test time — `ssh-keygen` (RSA, ECDSA, Ed25519;
//! OpenSSH, PEM and PKCS#8 formats; with and without a passphrase), `openssl genpkey`, `genrsa`,
//! `ecparam` and `req`, `gpg` — and PuTTY key files written here from an `ssh-keygen` key: every
//! one is reported, passphrase-protected ones at warning severity, and so are their base64 forms
//! (a Kubernetes `tls.key`, a JSON string with `\n` escapes). Public keys, certificates and
//! certificate requests made alongside are not.
//!
//! The generators must be installed (`openssh-client`, `openssl`, `gnupg`): a missing one fails
//! the test rather than skipping it.

use std::path::Path;
use std::process::Command;

use shipshape_core::Severity;
use shipshape_secrets::base64;
use shipshape_secrets::Scanner;

fn run(dir: &Path, program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("GNUPGHOME", dir.join("gnupg"))
        .output()
        .unwrap_or_else(|e| panic!("{program} must be installed for this test: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A generated key: where it came from, its text, and whether a passphrase protects it.
struct Generated {
    what: String,
    text: String,
    protected: bool,
}

fn ssh_keygen_keys(dir: &Path) -> Vec<Generated> {
    let mut out = Vec::new();
    let types: &[(&str, &[&str])] = &[
        ("rsa", &["-b", "2048"]),
        ("ecdsa", &["-b", "256"]),
        ("ecdsa", &["-b", "521"]),
        ("ed25519", &[]),
    ];
    for (kind, bits) in types {
        for format in ["OpenSSH", "PEM", "PKCS8"] {
            for passphrase in ["", "correct horse battery"] {
                let name = format!(
                    "{kind}{}-{format}-{}",
                    bits.get(1).copied().unwrap_or(""),
                    if passphrase.is_empty() {
                        "plain"
                    } else {
                        "protected"
                    }
                );
                let mut args = vec!["-q", "-t", kind];
                args.extend_from_slice(bits);
                // OpenSSH is the default format.
                if format != "OpenSSH" {
                    args.extend_from_slice(&["-m", format]);
                }
                args.extend_from_slice(&["-N", passphrase, "-C", "dummy key", "-f", &name]);
                run(dir, "ssh-keygen", &args);
                out.push(Generated {
                    what: format!("ssh-keygen {}", args.join(" ")),
                    text: std::fs::read_to_string(dir.join(&name)).unwrap(),
                    protected: !passphrase.is_empty(),
                });
            }
        }
    }
    out
}

fn openssl_keys(dir: &Path) -> Vec<Generated> {
    let mut out = Vec::new();
    let mut gen = |what: &str, args: &[&str], file: &str, protected: bool| {
        run(dir, "openssl", args);
        out.push(Generated {
            what: format!("openssl {what}"),
            text: std::fs::read_to_string(dir.join(file)).unwrap(),
            protected,
        });
    };
    for (alg, opts) in [
        ("RSA", &["-pkeyopt", "rsa_keygen_bits:2048"][..]),
        ("EC", &["-pkeyopt", "ec_paramgen_curve:P-256"][..]),
        ("ED25519", &[][..]),
        ("X25519", &[][..]),
        ("ED448", &[][..]),
    ] {
        let plain = format!("{alg}.pem");
        let mut args = vec!["genpkey", "-algorithm", alg];
        args.extend_from_slice(opts);
        args.extend_from_slice(&["-out", &plain]);
        gen(&args.join(" "), &args, &plain, false);
        let enc = format!("{alg}-enc.pem");
        let mut args = vec!["genpkey", "-algorithm", alg];
        args.extend_from_slice(opts);
        args.extend_from_slice(&["-aes-256-cbc", "-pass", "pass:hunter22", "-out", &enc]);
        gen(&args.join(" "), &args, &enc, true);
    }
    gen(
        "genrsa -traditional",
        &["genrsa", "-traditional", "-out", "trad.pem", "2048"],
        "trad.pem",
        false,
    );
    gen(
        "genrsa -traditional -aes128 (Proc-Type/DEK-Info)",
        &[
            "genrsa",
            "-traditional",
            "-aes128",
            "-passout",
            "pass:hunter22",
            "-out",
            "trad-enc.pem",
            "2048",
        ],
        "trad-enc.pem",
        true,
    );
    gen(
        "ecparam -genkey",
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-out",
            "ec.pem",
        ],
        "ec.pem",
        false,
    );
    gen(
        "req -x509 -newkey -nodes",
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "req-key.pem",
            "-out",
            "req-cert.pem",
            "-subj",
            "/CN=acme.test",
            "-days",
            "1",
        ],
        "req-key.pem",
        false,
    );
    out
}

fn gpg_key(dir: &Path) -> Generated {
    std::fs::create_dir_all(dir.join("gnupg")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.join("gnupg"), std::fs::Permissions::from_mode(0o700))
            .unwrap();
    }
    let common = ["--batch", "--pinentry-mode", "loopback", "--passphrase", ""];
    let mut args = common.to_vec();
    args.extend_from_slice(&[
        "--quick-gen-key",
        "Ada Tester <ada@example.test>",
        "ed25519",
        "sign",
        "never",
    ]);
    run(dir, "gpg", &args);
    let mut args = common.to_vec();
    args.extend_from_slice(&[
        "--armor",
        "--output",
        "secret.asc",
        "--export-secret-keys",
        "ada@example.test",
    ]);
    run(dir, "gpg", &args);
    Generated {
        what: "gpg --quick-gen-key ed25519 --export-secret-keys --armor".into(),
        text: std::fs::read_to_string(dir.join("secret.asc")).unwrap(),
        protected: false,
    }
}

fn read_u32(b: &[u8], at: &mut usize) -> usize {
    let v = u32::from_be_bytes([b[*at], b[*at + 1], b[*at + 2], b[*at + 3]]) as usize;
    *at += 4;
    v
}

fn read_string<'a>(b: &'a [u8], at: &mut usize) -> &'a [u8] {
    let n = read_u32(b, at);
    let s = &b[*at..*at + n];
    *at += n;
    s
}

fn wrap64(text: &str) -> String {
    text.as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

fn ssh_string(b: &[u8]) -> Vec<u8> {
    let mut v = (b.len() as u32).to_be_bytes().to_vec();
    v.extend_from_slice(b);
    v
}

/// PuTTY key files (format 2 and 3, plain and protected) holding the Ed25519 key of an
/// unencrypted OpenSSH key file, written the way PuTTYgen writes them. The MAC is not computed:
/// no scanner verifies it.
fn putty_keys(openssh: &str) -> Vec<Generated> {
    let body: String = openssh
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let key = base64::decode(body.as_bytes()).unwrap();
    let mut at = "openssh-key-v1\0".len();
    for _ in 0..3 {
        read_string(&key, &mut at); // cipher, kdf, kdf options
    }
    assert_eq!(read_u32(&key, &mut at), 1);
    let public = read_string(&key, &mut at).to_vec();
    let private = read_string(&key, &mut at);
    let mut p = 8; // check integers
    read_string(private, &mut p); // key type
    read_string(private, &mut p); // public point
    let secret = &read_string(private, &mut p)[..32];
    let public_lines = wrap64(&base64::encode(&public));
    let private_lines = wrap64(&base64::encode(&ssh_string(secret)));
    let encrypted_lines = wrap64(&base64::encode(&[0x5au8; 48].map(|b| b ^ secret[0])));
    let count = |s: &str| s.lines().count();
    let mac = "9b2f6c1e4d8a7035b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4";
    let mut out = Vec::new();
    for version in [2, 3] {
        out.push(Generated {
            what: format!("PuTTY-User-Key-File-{version}, Encryption: none"),
            text: format!(
                "PuTTY-User-Key-File-{version}: ssh-ed25519\r\nEncryption: none\r\nComment: dummy key for the staging bastion\r\nPublic-Lines: {}\r\n{}\r\nPrivate-Lines: {}\r\n{}\r\nPrivate-MAC: {mac}\r\n",
                count(&public_lines),
                public_lines.replace('\n', "\r\n"),
                count(&private_lines),
                private_lines.replace('\n', "\r\n"),
            ),
            protected: false,
        });
    }
    out.push(Generated {
        what: "PuTTY-User-Key-File-3, Encryption: aes256-cbc".into(),
        text: format!(
            "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: aes256-cbc\nComment: ops\nPublic-Lines: {}\n{public_lines}\nKey-Derivation: Argon2id\nArgon2-Memory: 8192\nArgon2-Passes: 21\nArgon2-Parallelism: 1\nArgon2-Salt: 6d3f2a9c1b5e4d7a8c0f2e4b6d8a1c3e\nPrivate-Lines: {}\n{encrypted_lines}\nPrivate-MAC: {mac}\n",
            count(&public_lines),
            count(&encrypted_lines),
        ),
        protected: true,
    });
    out
}

const KEY_RULES: &[&str] = &[
    "private-key-pem",
    "private-key-encrypted",
    "private-key-pem-legacy-encrypted",
    "private-key-openssh",
    "private-key-openssh-encrypted",
    "private-key-pgp",
    "putty-private-key",
    "putty-private-key-encrypted",
];

/// The key's finding in `text` scanned at `path`, or why there is none.
fn key_finding(
    scanner: &Scanner,
    path: &str,
    text: &str,
) -> Result<shipshape_diagnostics::Finding, String> {
    let scan = scanner.scan(path, text.as_bytes());
    let keys: Vec<_> = scan
        .findings
        .iter()
        .filter(|f| KEY_RULES.contains(&f.slug.as_str()))
        .collect();
    match keys.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(format!(
            "not reported (other findings: {:?})",
            scan.findings.iter().map(|f| &f.slug).collect::<Vec<_>>()
        )),
        many => Err(format!(
            "reported {} times: {:?}",
            many.len(),
            many.iter().map(|f| &f.slug).collect::<Vec<_>>()
        )),
    }
}

/// The line of a key file where the secret starts: the `BEGIN … PRIVATE KEY` line, or for a
/// PuTTY file the first private line.
fn secret_line(text: &str) -> u32 {
    let at = |needle: &str| text.lines().position(|l| l.contains(needle));
    let line = match at("Private-Lines:") {
        Some(i) => i + 1,
        None => at("PRIVATE KEY").expect("a private key block"),
    };
    line as u32 + 1
}

fn check_all(keys: &[Generated]) {
    let scanner = Scanner::builtin();
    let mut failures = Vec::new();
    for k in keys {
        let expected = if k.protected {
            Severity::Warning
        } else {
            Severity::Error
        };
        // As a file, base64-encoded in a Kubernetes Secret, and as a JSON string with escapes.
        let encoded = base64::encode(k.text.as_bytes());
        let forms = [
            ("keys/deploy_key", k.text.clone(), secret_line(&k.text)),
            (
                "k8s/tls.yaml",
                format!(
                    "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\nmetadata:\n  name: tls\ndata:\n  tls.key: {encoded}\n"
                ),
                7,
            ),
            (
                "config/credentials.json",
                format!(
                    "{{\n  \"type\": \"service_account\",\n  \"private_key\": {}\n}}\n",
                    serde_json::to_string(&k.text).unwrap()
                ),
                3,
            ),
        ];
        for (path, text, line) in forms {
            match key_finding(&scanner, path, &text) {
                Ok(f) if f.severity == expected && f.location.start.line == line => {}
                Ok(f) => failures.push(format!(
                    "{} as {path}: {} at line {} with severity {:?}, expected line {line}, {expected:?}",
                    k.what, f.slug, f.location.start.line, f.severity
                )),
                Err(e) => failures.push(format!("{} as {path}: {e}", k.what)),
            }
        }
    }
    // The figure the acceptance quotes (`cargo test -- --nocapture`).
    println!(
        "{} keys, {} forms: {} reported at their line and severity",
        keys.len(),
        keys.len() * 3,
        keys.len() * 3 - failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} key forms wrong:\n{}",
        failures.len(),
        keys.len() * 3,
        failures.join("\n")
    );
}

#[test]
fn every_key_ssh_keygen_makes_is_reported_encrypted_ones_as_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let keys = ssh_keygen_keys(dir.path());
    assert_eq!(keys.len(), 24);
    assert!(keys
        .iter()
        .any(|k| k.text.contains("Proc-Type: 4,ENCRYPTED")));
    assert!(keys.iter().any(|k| k.text.contains("BEGIN OPENSSH")));
    assert!(keys
        .iter()
        .any(|k| k.text.contains("BEGIN ENCRYPTED PRIVATE KEY")));
    check_all(&keys);
}

#[test]
fn every_key_openssl_makes_is_reported_encrypted_ones_as_warnings() {
    let dir = tempfile::tempdir().unwrap();
    check_all(&openssl_keys(dir.path()));
}

#[test]
fn a_gpg_secret_key_export_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    check_all(&[gpg_key(dir.path())]);
}

#[test]
fn putty_key_files_are_reported_whatever_their_comment_says() {
    let dir = tempfile::tempdir().unwrap();
    run(
        dir.path(),
        "ssh-keygen",
        &["-q", "-t", "ed25519", "-N", "", "-C", "x", "-f", "k"],
    );
    let openssh = std::fs::read_to_string(dir.path().join("k")).unwrap();
    check_all(&putty_keys(&openssh));
}

#[test]
fn public_keys_certificates_and_requests_made_alongside_are_not_reported() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    run(
        d,
        "ssh-keygen",
        &["-q", "-t", "ed25519", "-N", "", "-f", "id"],
    );
    run(
        d,
        "ssh-keygen",
        &["-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", "rsa"],
    );
    run(
        d,
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "k.pem",
            "-out",
            "cert.pem",
            "-subj",
            "/CN=acme.test",
            "-days",
            "1",
        ],
    );
    run(
        d,
        "openssl",
        &[
            "req",
            "-new",
            "-key",
            "k.pem",
            "-out",
            "req.csr",
            "-subj",
            "/CN=acme.test",
        ],
    );
    run(
        d,
        "openssl",
        &["pkey", "-in", "k.pem", "-pubout", "-out", "pub.pem"],
    );
    run(
        d,
        "openssl",
        &["ecparam", "-name", "prime256v1", "-out", "params.pem"],
    );
    let scanner = Scanner::builtin();
    for name in [
        "id.pub",
        "rsa.pub",
        "cert.pem",
        "req.csr",
        "pub.pem",
        "params.pem",
    ] {
        let text = std::fs::read_to_string(d.join(name)).unwrap();
        let found = scanner.scan(name, text.as_bytes()).findings;
        assert!(found.is_empty(), "{name}: {found:?}");
        let encoded = base64::encode(text.as_bytes());
        let k8s = format!("kind: Secret\ndata:\n  ca.crt: {encoded}\n");
        let found = scanner.scan("k8s/ca.yaml", k8s.as_bytes()).findings;
        assert!(found.is_empty(), "{name} in base64: {found:?}");
    }
}
