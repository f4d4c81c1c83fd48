//! Credential files of every supported format, their secrets made at test time by the tools that
//! make them for real — `openssl passwd` (APR1 for `.htpasswd`, SHA-512 crypt for `shadow`),
//! `openssl rand` (Rails `master.key` and `secret_key_base`, Laravel's `APP_KEY`, passwords), the
//! operating system's random source through Python's `secrets` with Django's and WordPress's own
//! alphabets, an HMAC-signed JWT — written in the file formats as those tools' users write them.
//! Every secret is found, by the expected rule, at its exact bytes (recall 100 %).
//!
//! `openssl` and `python3` must be installed: a missing one fails the test.

use std::process::Command;

use shipshape_core::Inventory;
use shipshape_secrets::{base64, scan_tree, Progress, Scanner};

fn output(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} must be installed for this test: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn openssl(args: &[&str]) -> String {
    output("openssl", args)
}

/// A password as people generate them: `openssl rand -base64`, without the symbols some files
/// cannot hold.
fn password(n: usize) -> String {
    openssl(&["rand", "-base64", "48"])
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(n)
        .collect()
}

/// `n` characters drawn by Python's `secrets` from `alphabet`.
fn python_secret(alphabet: &str, n: usize) -> String {
    let code = format!(
        "import secrets,sys; a=sys.argv[1]; print(''.join(secrets.choice(a) for _ in range({n})))"
    );
    output("python3", &["-c", &code, alphabet])
}

/// A JWT signed with HMAC-SHA256 by Python's standard library.
fn jwt() -> String {
    let code = r#"
import base64, hashlib, hmac, json, secrets, time
def b64(b): return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
payload = b64(json.dumps({"sub": secrets.token_hex(8), "iat": int(time.time())}).encode())
sig = hmac.new(secrets.token_bytes(32), f"{header}.{payload}".encode(), hashlib.sha256).digest()
print(f"{header}.{payload}.{b64(sig)}")
"#;
    output("python3", &["-c", code])
}

/// A planted credential: the file, its content, the secret as it is in the file and the rule
/// that must find it.
struct Planted {
    path: &'static str,
    content: String,
    secret: String,
    slug: &'static str,
}

fn planted() -> Vec<Planted> {
    let mut out = Vec::new();
    let mut add = |path, content: String, secret: String, slug| {
        assert!(
            content.contains(&secret),
            "{path}: the secret is in the file"
        );
        out.push(Planted {
            path,
            content,
            secret,
            slug,
        });
    };

    let p = password(20);
    add(
        "home/ci/.netrc",
        format!("machine git.acme.dev\n    login ci\n    password {p}\n\nmachine registry.acme.dev login deploy password {}\n", password(18)),
        p,
        "netrc-file-password",
    );
    let p = password(22);
    add(
        "home/app/.pgpass",
        format!("# hostname:port:database:username:password\ndb.internal:5432:shop:shop:{p}\n"),
        p,
        "pgpass-password",
    );
    let hash = openssl(&["passwd", "-apr1", &password(16)]);
    add(
        "deploy/nginx/.htpasswd",
        format!("admin:{hash}\n"),
        hash,
        "htpasswd-hash",
    );
    let hash = openssl(&["passwd", "-6", &password(16)]);
    add(
        "image/rootfs/etc/shadow",
        format!("root:{hash}:19700:0:99999:7:::\ndaemon:*:19700:0:99999:7:::\n"),
        hash,
        "shadow-hash",
    );
    let p = password(24);
    add(
        "NuGet.Config",
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSourceCredentials>\n    <acme>\n      <add key=\"Username\" value=\"ci\" />\n      <add key=\"ClearTextPassword\" value=\"{p}\" />\n    </acme>\n  </packageSourceCredentials>\n</configuration>\n"
        ),
        p,
        "nuget-config-password",
    );
    let p = base64::encode(password(16).as_bytes());
    add(
        "backup/filezilla/sitemanager.xml",
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<FileZilla3 version=\"3.66.4\" platform=\"windows\">\n  <Servers>\n    <Server>\n      <Host>ftp.acme.dev</Host>\n      <Port>21</Port>\n      <User>deploy</User>\n      <Pass encoding=\"base64\">{p}</Pass>\n    </Server>\n  </Servers>\n</FileZilla3>\n"
        ),
        p,
        "filezilla-password",
    );
    let p = password(20);
    add(
        "home/ci/.git-credentials",
        format!("https://ci:{p}@git.acme.dev\n"),
        p,
        "git-credential-store",
    );
    let key = openssl(&["rand", "-hex", "16"]);
    add(
        "config/master.key",
        format!("{key}\n"),
        key,
        "rails-master-key",
    );
    let base = openssl(&["rand", "-hex", "64"]);
    add(
        "config/secrets.yml",
        format!("production:\n  secret_key_base: {base}\n"),
        base,
        "rails-secret-key-base",
    );
    // Django's startproject: get_random_secret_key() draws 50 characters from this alphabet.
    let key = format!(
        "django-insecure-{}",
        python_secret("abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)", 50)
    );
    add(
        "shop/settings.py",
        format!("DEBUG = True\nSECRET_KEY = '{key}'\n"),
        key,
        "django-insecure-secret-key",
    );
    // `php artisan key:generate`: base64 of 32 random bytes.
    let key = format!("base64:{}", openssl(&["rand", "-base64", "32"]));
    add(
        ".env",
        format!("APP_NAME=Shop\nAPP_KEY={key}\n"),
        key,
        "laravel-app-key",
    );
    let p = password(18);
    add(
        "wordpress/wp-config.php",
        format!("<?php\ndefine( 'DB_NAME', 'wordpress' );\ndefine( 'DB_PASSWORD', '{p}' );\n"),
        p,
        "wordpress-db-password",
    );
    // The WordPress secret-key service's alphabet, quotes and backslash left out.
    let salt = python_secret(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()-_ []{}<>~`+=,.;:/?|",
        64,
    );
    add(
        "wordpress/salts/wp-config.php",
        format!("<?php\ndefine( 'AUTH_KEY', '{salt}' );\n"),
        salt,
        "wordpress-auth-key",
    );
    let p = password(24);
    let encoded = base64::encode(p.as_bytes());
    add(
        "k8s/app-secret.yaml",
        format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n  username: {}\n  password: {encoded}\n", base64::encode(b"shop")),
        encoded,
        "kubernetes-secret-data",
    );
    let p = password(24);
    add(
        "k8s/string-secret.yaml",
        format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\nstringData:\n  api-key: \"{p}\"\n"),
        p,
        "kubernetes-secret-data",
    );
    let token = jwt();
    add(
        "web/src/config.ts",
        format!("export const session = \"{token}\";\n"),
        token,
        "jwt",
    );
    let p = password(20);
    add(
        "compose.yaml",
        format!("services:\n  web:\n    environment:\n      SECRET_KEY_BASE: {p}\n"),
        p,
        "generic-secret-assignment",
    );
    let access = password(40);
    add(
        "home/ops/.s3cfg",
        format!(
            "[default]\naccess_key = AKIA{}\nsecret_key = {access}\n",
            password(16)
                .to_ascii_uppercase()
                .replace(['0', '1', '8', '9'], "Q")
        ),
        access,
        "generic-secret-assignment",
    );
    out
}

#[test]
fn every_credential_file_made_with_real_generators_is_found_at_its_secret() {
    let dir = tempfile::tempdir().unwrap();
    let plants = planted();
    for p in &plants {
        let path = dir.path().join(p.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &p.content).unwrap();
    }
    let inv = Inventory::open(dir.path()).unwrap();
    let scan = scan_tree(&inv, &Scanner::builtin(), None, &Progress::default());
    let mut failures = Vec::new();
    for p in &plants {
        // The secret's position in the file, as a line and a column.
        let at = p.content.find(&p.secret).unwrap();
        let line = p.content[..at].matches('\n').count() as u32 + 1;
        let line_start = p.content[..at].rfind('\n').map_or(0, |i| i + 1);
        let column = p.content[line_start..at].chars().count() as u32 + 1;
        let end = at + p.secret.len();
        let end_line = p.content[..end].matches('\n').count() as u32 + 1;
        let hit = scan.findings.iter().find(|f| {
            f.location.path == p.path
                && f.location.start.line == line
                && f.location.start.column == column
                && f.location.end.line == end_line
        });
        match hit {
            Some(f) if f.slug == p.slug => {}
            Some(f) => failures.push(format!("{}: found by {}, not {}", p.path, f.slug, p.slug)),
            // The value is made for this run: printed, a miss can be turned into a fixture.
            None => failures.push(format!(
                "{}: {} not found at {line}:{column} (value {:?}); findings there: {:?}",
                p.path,
                p.slug,
                p.secret,
                scan.findings
                    .iter()
                    .filter(|f| f.location.path == p.path)
                    .map(|f| (
                        f.slug.as_str(),
                        f.location.start.line,
                        f.location.start.column
                    ))
                    .collect::<Vec<_>>()
            )),
        }
    }
    println!(
        "credential files: {} of {} found at their secret by their rule",
        plants.len() - failures.len(),
        plants.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} planted credential files missed:\n{}",
        failures.len(),
        plants.len(),
        failures.join("\n")
    );
}
