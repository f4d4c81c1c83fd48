//! The container-engine library against a real engine: buildah builds an image, starts it as
//! its non-root USER, probes its health endpoint, and removes everything.
//!
//! Needs buildah, root, and the stand-in base images of tests/containers (built on demand by
//! tests/containers/harness.py, once per machine). Without buildah the tests say so loudly and
//! pass; with `SHIPSHAPE_REQUIRE_CONTAINERS=1` (CI) a missing engine fails them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use shipshape_gen::engine::{
    check_service, detect, ContainerEngine, EngineKind, HealthProbe, ServiceCheckRequest,
};

const BASE: &str = "docker.io/library/python:3.11-slim-bookworm";

fn required() -> bool {
    std::env::var("SHIPSHAPE_REQUIRE_CONTAINERS").is_ok_and(|v| v == "1")
}

/// One test at a time: two buildah commits from the same base in one vfs store can race
/// ("creating image …: layer not known", seen once under load); the engine itself is used by
/// one process at a time.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// The buildah engine with the stand-in base image in place, or `None` (after a loud message)
/// when this machine cannot run the test.
fn engine() -> Option<Box<dyn ContainerEngine>> {
    std::env::set_var("BUILDAH_ISOLATION", "chroot");
    let skip = |why: String| {
        assert!(!required(), "SHIPSHAPE_REQUIRE_CONTAINERS=1 but {why}");
        eprintln!("\n!!!!! SKIPPED: {why} — the container engine was NOT tested !!!!!\n");
        None
    };
    let engine = match detect(Some(EngineKind::Buildah)) {
        Ok(engine) => engine,
        Err(e) => return skip(format!("no usable buildah ({e})")),
    };
    let harness = repo_root().join("tests/containers/harness.py");
    let status = Command::new("python3")
        .arg(&harness)
        .args(["standins", BASE])
        .status();
    match status {
        Ok(s) if s.success() => Some(engine),
        Ok(s) => skip(format!("the stand-in {BASE} could not be built ({s})")),
        Err(e) => skip(format!("could not run {} ({e})", harness.display())),
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

fn app(dockerfile: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("Dockerfile"), dockerfile).expect("write Dockerfile");
    std::fs::write(dir.path().join("index.html"), "ok\n").expect("write page");
    std::fs::write(dir.path().join(".env"), "GREETING=hello\nUNSET=\n").expect("write .env");
    dir
}

fn request(dir: &Path, service: &str) -> ServiceCheckRequest {
    ServiceCheckRequest {
        service: service.into(),
        context: dir.to_path_buf(),
        dockerfile: dir.join("Dockerfile"),
        build_args: BTreeMap::new(),
        target: None,
        env_file: Some(dir.join(".env")),
        env: BTreeMap::new(),
        port: None,
        health_path: None,
        healthcheck: None,
        timeout: Duration::from_secs(30),
        command: None,
        network: None,
    }
}

#[test]
fn builds_starts_as_the_image_user_and_answers_health() {
    let _one_at_a_time = serial();
    let Some(engine) = engine() else { return };
    let port = free_port();
    let dir = app(&format!(
        "FROM {BASE}\n\
         WORKDIR /srv\n\
         RUN useradd --system --uid 10001 --no-create-home app\n\
         COPY index.html .\n\
         USER 10001:10001\n\
         EXPOSE {port}\n\
         HEALTHCHECK CMD [\"python\", \"-c\", \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:{port}/index.html')\"]\n\
         CMD [\"sh\", \"-c\", \"test \\\"$GREETING\\\" = hello && exec python -m http.server {port} --bind 0.0.0.0\"]\n"
    ));
    let check =
        check_service(engine.as_ref(), &request(dir.path(), "static-page")).expect("engine works");
    assert!(check.build_ok, "build failed: {:#?}", check.log_tail);
    assert_eq!(check.image_user.as_deref(), Some("10001:10001"));
    assert_eq!(check.uid, Some(10001), "{check:#?}");
    let health = check.health.as_ref().expect("probed");
    assert_eq!(
        health.probe,
        HealthProbe::Http {
            port,
            path: "/index.html".into()
        }
    );
    assert!(health.ok, "{check:#?}");
    assert_eq!(health.http_status, Some(200));
    assert_eq!(check.healthcheck_exit, Some(0));
    assert!(check.image_size_bytes.is_some_and(|b| b > 10_000_000));
    assert!(check.passed());
}

#[test]
fn a_failing_build_is_a_result_with_its_log() {
    let _one_at_a_time = serial();
    let Some(engine) = engine() else { return };
    let dir = app(&format!(
        "FROM {BASE}\nRUN echo missing-dependency >&2 && exit 3\n"
    ));
    let check =
        check_service(engine.as_ref(), &request(dir.path(), "broken")).expect("engine works");
    assert!(!check.build_ok);
    assert!(!check.passed());
    assert!(
        check
            .log_tail
            .iter()
            .any(|l| l.contains("missing-dependency")),
        "{:#?}",
        check.log_tail
    );
}

#[test]
fn a_process_that_exits_is_not_healthy_and_its_output_is_kept() {
    let _one_at_a_time = serial();
    let Some(engine) = engine() else { return };
    let port = free_port();
    let dir = app(&format!(
        "FROM {BASE}\nUSER 65534\nEXPOSE {port}\nCMD [\"sh\", \"-c\", \"echo cannot reach the database; exit 1\"]\n"
    ));
    let check =
        check_service(engine.as_ref(), &request(dir.path(), "exits")).expect("engine works");
    assert!(check.build_ok, "{:#?}", check.log_tail);
    assert!(!check.start_ok);
    let health = check.health.as_ref().expect("probed");
    assert!(!health.ok && !health.still_running, "{health:#?}");
    assert!(
        check
            .log_tail
            .iter()
            .any(|l| l.contains("cannot reach the database")),
        "{:#?}",
        check.log_tail
    );
}

#[test]
fn a_server_bound_to_loopback_only_is_not_healthy() {
    let _one_at_a_time = serial();
    let Some(engine) = engine() else { return };
    let port = free_port();
    let dir = app(&format!(
        "FROM {BASE}\nUSER 65534\nEXPOSE {port}\nCMD [\"python\", \"-m\", \"http.server\", \"{port}\", \"--bind\", \"127.0.0.1\"]\n"
    ));
    let check =
        check_service(engine.as_ref(), &request(dir.path(), "loopback")).expect("engine works");
    assert!(check.start_ok, "{check:#?}");
    let health = check.health.as_ref().expect("probed");
    assert!(!health.ok, "{health:#?}");
    assert!(
        health
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("127.0.0.1")),
        "{health:#?}"
    );
}
