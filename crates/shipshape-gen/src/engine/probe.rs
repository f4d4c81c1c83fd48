//! How a started container is judged healthy, and the small readers that need no engine: an
//! HTTP status over a plain TCP connection, an open port, a `.env` file, the UID of a process.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::ImageInfo;

/// What "healthy" means for one container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum HealthProbe {
    /// `GET http://127.0.0.1:{port}{path}` answers 200.
    Http { port: u16, path: String },
    /// Something accepts a TCP connection on 127.0.0.1:{port}.
    Tcp { port: u16 },
    /// The image's own HEALTHCHECK command, run inside the container, exits 0.
    Command { argv: Vec<String> },
    /// The process is still running after the timeout: all that can be said of a service with
    /// no port and no health check.
    StaysUp,
}

impl HealthProbe {
    /// The probe for an image: its HEALTHCHECK's URL when it names one (an HTTP check from the
    /// host), else a TCP check on `port` or the first EXPOSEd port, else the HEALTHCHECK command
    /// itself, else [`HealthProbe::StaysUp`]. `port` and `path` override what the image says.
    pub fn for_image(info: &ImageInfo, port: Option<u16>, path: Option<&str>) -> HealthProbe {
        let url = info.healthcheck.as_deref().and_then(healthcheck_url);
        let port = port
            .or(url.as_ref().map(|(p, _)| *p))
            .or(info.exposed_ports.first().copied());
        match (port, path, url) {
            (Some(port), Some(path), _) => HealthProbe::Http {
                port,
                path: path.to_string(),
            },
            (Some(port), None, Some((url_port, url_path))) if url_port == port => {
                HealthProbe::Http {
                    port,
                    path: url_path,
                }
            }
            (Some(port), None, _) => HealthProbe::Tcp { port },
            (None, _, _) => match &info.healthcheck {
                Some(test) => HealthProbe::Command {
                    argv: healthcheck_argv(test),
                },
                None => HealthProbe::StaysUp,
            },
        }
    }

    /// One attempt: whether it passed, and the HTTP status when there was one. `exec` runs a
    /// command in the container and gives its exit code.
    pub fn check(&self, exec: impl Fn(&[String]) -> Option<i32>) -> (bool, Option<u16>) {
        match self {
            HealthProbe::Http { port, path } => {
                let status = http_status(*port, path, Duration::from_secs(3));
                (status == Some(200), status)
            }
            HealthProbe::Tcp { port } => (tcp_open(*port), None),
            HealthProbe::Command { argv } => (exec(argv) == Some(0), None),
            // Judged by the caller once the time is up: still running = healthy.
            HealthProbe::StaysUp => (false, None),
        }
    }

    /// Why the probe did not pass, for the report.
    pub fn failure(&self, last_status: Option<u16>, timeout: Duration) -> String {
        let secs = timeout.as_secs();
        match self {
            HealthProbe::Http { port, path } => match last_status {
                Some(status) => format!("GET http://127.0.0.1:{port}{path} answered {status}"),
                None => format!("nothing answered on http://127.0.0.1:{port}{path} within {secs}s"),
            },
            HealthProbe::Tcp { port } => format!("nothing listened on port {port} within {secs}s"),
            HealthProbe::Command { .. } => {
                format!("the image's HEALTHCHECK command did not pass within {secs}s")
            }
            HealthProbe::StaysUp => "no port and no health check: only stayed up".to_string(),
        }
    }
}

/// The argv a HEALTHCHECK test runs (`["CMD", a, b]` → `[a, b]`, `["CMD-SHELL", s]` →
/// `["/bin/sh", "-c", s]`).
pub fn healthcheck_argv(test: &[String]) -> Vec<String> {
    match test.first().map(String::as_str) {
        Some("CMD") => test[1..].to_vec(),
        Some("CMD-SHELL") => vec!["/bin/sh".into(), "-c".into(), test[1..].join(" ")],
        _ => test.to_vec(),
    }
}

/// The port and path of the loopback URL a HEALTHCHECK probes, when it names one
/// (`http://127.0.0.1:8080/healthz` → `(8080, "/healthz")`).
pub fn healthcheck_url(test: &[String]) -> Option<(u16, String)> {
    let joined = test.join(" ");
    for host in ["127.0.0.1", "localhost", "0.0.0.0"] {
        for scheme in ["http://", "https://"] {
            let needle = format!("{scheme}{host}");
            let Some(at) = joined.find(&needle) else {
                continue;
            };
            let rest = &joined[at + needle.len()..];
            let (port, rest) = match rest.strip_prefix(':') {
                Some(after) => {
                    let end = after
                        .find(|c: char| !c.is_ascii_digit())
                        .unwrap_or(after.len());
                    (after[..end].parse().ok()?, &after[end..])
                }
                None => (if scheme == "https://" { 443 } else { 80 }, rest),
            };
            let path_end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | ')' | '`'))
                .unwrap_or(rest.len());
            let path = &rest[..path_end];
            let path = if path.starts_with('/') { path } else { "/" };
            return Some((port, path.to_string()));
        }
    }
    None
}

/// The status code of `GET http://127.0.0.1:{port}{path}`, over HTTP/1.0 with no redirects
/// followed; `None` when nothing answered in time or the answer was not HTTP.
pub fn http_status(port: u16, path: &str, timeout: Duration) -> Option<u16> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&addr, timeout).ok()?;
    stream.set_read_timeout(Some(timeout)).ok()?;
    stream.set_write_timeout(Some(timeout)).ok()?;
    let request = format!(
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: shipshape-verify\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut head = [0u8; 64];
    let mut read = 0;
    while read < 12 {
        match stream.read(&mut head[read..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => read += n,
        }
    }
    status_of(&head[..read])
}

/// The status code in an HTTP status line (`HTTP/1.1 200 OK`).
fn status_of(head: &[u8]) -> Option<u16> {
    let text = std::str::from_utf8(head).ok()?;
    let mut words = text.split_whitespace();
    words.next().filter(|w| w.starts_with("HTTP/"))?;
    words.next()?.parse().ok()
}

/// Whether something accepts TCP connections on 127.0.0.1:{port}.
pub fn tcp_open(port: u16) -> bool {
    TcpStream::connect_timeout(
        &SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_millis(500),
    )
    .is_ok()
}

/// Whether the only listening TCP sockets on `port` are bound to the loopback address (from
/// `/proc/net/tcp` and `tcp6`). An engine that runs containers on the host network (buildah)
/// reaches such a server; `docker run -p` would not, so it counts as unreachable.
pub fn listens_on_loopback_only(port: u16) -> bool {
    let mut scopes = Vec::new();
    for (table, loopback) in [
        ("/proc/net/tcp", "0100007F"),
        ("/proc/net/tcp6", "00000000000000000000000001000000"),
    ] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            // fields: sl, local_address, rem_address, st (0A = LISTEN), …
            let (Some(local), Some("0A")) = (fields.get(1), fields.get(3).copied()) else {
                continue;
            };
            let Some((addr, hex_port)) = local.split_once(':') else {
                continue;
            };
            if u16::from_str_radix(hex_port, 16).ok() == Some(port) {
                scopes.push(addr == loopback);
            }
        }
    }
    !scopes.is_empty() && scopes.iter().all(|&is_loopback| is_loopback)
}

/// `KEY=VALUE` lines of a `.env` file, comments and blank lines left out. `KEY=` stays, as an
/// empty value: compose's `env_file` passes it so, and the check must start the container the
/// way `docker compose up` would (an empty `PATH` in `.env.example` breaks a container there
/// too, and the check must show it).
pub fn parse_env_file(text: &str) -> BTreeMap<String, String> {
    let mut env = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        let mut value = value.trim();
        // A quoted value ends at its closing quote; what follows (`"direct" # note`) is a
        // comment, as compose reads it. An unclosed quote is kept as written.
        let closing = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].find(q).map(|end| 1 + end),
            _ => None,
        };
        if let Some(end) = closing {
            value = &value[1..end];
        } else if let Some(at) = value.find(" #") {
            value = value[..at].trim_end();
        }
        if !key.is_empty() {
            env.insert(key.to_string(), value.to_string());
        }
    }
    env
}

/// The real UID of the deepest process under `root` (itself included). An engine that runs
/// the container's command as our child (buildah) sits above it with helpers of its own that
/// run as root (buildah re-executes itself from a memfd copy to set up the chroot); the image's
/// command is the last link of that chain, and a server's workers, deeper still, run as the
/// same user. Linux `/proc` only.
pub fn process_tree_uid(root: u32) -> Option<u32> {
    let mut children: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so split after the
        // last ')'.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(ppid) = ppid {
            children.entry(ppid).or_default().push(pid);
        }
    }
    let mut level = vec![root];
    loop {
        let next: Vec<u32> = level
            .iter()
            .flat_map(|pid| children.get(pid).into_iter().flatten().copied())
            .collect();
        if next.is_empty() {
            return level.iter().find_map(|pid| uid_of(*pid));
        }
        level = next;
    }
}

fn uid_of(pid: u32) -> Option<u32> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_string()).collect()
    }

    #[test]
    fn the_healthcheck_url_gives_port_and_path() {
        let node = strings(&[
            "CMD",
            "node",
            "-e",
            "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1))",
        ]);
        assert_eq!(healthcheck_url(&node), Some((8080, "/healthz".to_string())));
        let wget = strings(&["CMD", "wget", "-q", "--spider", "http://127.0.0.1:8080/"]);
        assert_eq!(healthcheck_url(&wget), Some((8080, "/".to_string())));
        let shell = strings(&["CMD-SHELL", "curl -fsS http://localhost/ping || exit 1"]);
        assert_eq!(healthcheck_url(&shell), Some((80, "/ping".to_string())));
        assert_eq!(healthcheck_url(&strings(&["CMD", "pg_isready"])), None);
    }

    #[test]
    fn an_image_with_a_healthcheck_url_is_probed_over_http() {
        let info = ImageInfo {
            exposed_ports: vec![8000],
            healthcheck: Some(strings(&[
                "CMD",
                "python",
                "-c",
                "urllib.request.urlopen('http://127.0.0.1:8000/health/', timeout=4)",
            ])),
            ..ImageInfo::default()
        };
        assert_eq!(
            HealthProbe::for_image(&info, None, None),
            HealthProbe::Http {
                port: 8000,
                path: "/health/".into()
            }
        );
    }

    #[test]
    fn an_image_without_a_healthcheck_is_probed_on_its_port() {
        let info = ImageInfo {
            exposed_ports: vec![3000],
            ..ImageInfo::default()
        };
        assert_eq!(
            HealthProbe::for_image(&info, None, None),
            HealthProbe::Tcp { port: 3000 }
        );
        assert_eq!(
            HealthProbe::for_image(&info, Some(4000), Some("/up")),
            HealthProbe::Http {
                port: 4000,
                path: "/up".into()
            }
        );
        assert_eq!(
            HealthProbe::for_image(&ImageInfo::default(), None, None),
            HealthProbe::StaysUp
        );
    }

    #[test]
    fn a_healthcheck_command_without_url_runs_inside() {
        let info = ImageInfo {
            healthcheck: Some(strings(&["CMD-SHELL", "pg_isready -U app"])),
            ..ImageInfo::default()
        };
        assert_eq!(
            HealthProbe::for_image(&info, None, None),
            HealthProbe::Command {
                argv: strings(&["/bin/sh", "-c", "pg_isready -U app"])
            }
        );
    }

    #[test]
    fn env_files_read_as_compose_reads_them() {
        let env = parse_env_file(
            "# comment\nPORT=8080\nexport NODE_ENV=production\nEMPTY=\nQUOTED=\"a b\"\n\
             SINGLE='x'\nTRAILING=value # note\nnot a line\n\
             QUOTED_NOTE=\"direct\" # pass-thru (a real .env.example writes this)\n",
        );
        assert_eq!(env.get("QUOTED_NOTE").map(String::as_str), Some("direct"));
        assert_eq!(env.get("PORT").map(String::as_str), Some("8080"));
        assert_eq!(env.get("NODE_ENV").map(String::as_str), Some("production"));
        assert_eq!(env.get("QUOTED").map(String::as_str), Some("a b"));
        assert_eq!(env.get("SINGLE").map(String::as_str), Some("x"));
        assert_eq!(env.get("TRAILING").map(String::as_str), Some("value"));
        assert_eq!(env.get("EMPTY").map(String::as_str), Some(""));
        assert_eq!(env.len(), 7);
    }

    #[test]
    fn status_lines_are_read() {
        assert_eq!(status_of(b"HTTP/1.1 200 OK\r\n"), Some(200));
        assert_eq!(status_of(b"HTTP/1.0 404 Not Found"), Some(404));
        assert_eq!(status_of(b"SSH-2.0-OpenSSH"), None);
    }

    #[test]
    fn an_http_status_is_read_from_a_live_server() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let server = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().expect("accept");
            let mut buf = [0u8; 512];
            let n = conn.read(&mut buf).expect("read");
            let request = String::from_utf8_lossy(&buf[..n]).into_owned();
            conn.write_all(b"HTTP/1.1 204 No Content\r\n\r\n")
                .expect("write");
            request
        });
        assert_eq!(
            http_status(port, "/healthz", Duration::from_secs(2)),
            Some(204)
        );
        let request = server.join().expect("server thread");
        assert!(request.starts_with("GET /healthz HTTP/1.0"), "{request}");
    }

    #[test]
    fn a_loopback_listener_is_told_apart_from_one_on_every_address() {
        let local = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let everywhere = std::net::TcpListener::bind("0.0.0.0:0").expect("bind any");
        assert!(listens_on_loopback_only(
            local.local_addr().expect("addr").port()
        ));
        assert!(!listens_on_loopback_only(
            everywhere.local_addr().expect("addr").port()
        ));
    }

    #[test]
    fn the_uid_of_this_process_is_found() {
        let me = std::process::id();
        let expected = uid_of(me).expect("own status readable");
        assert_eq!(process_tree_uid(me), Some(expected));
    }
}
