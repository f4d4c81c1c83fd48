//! Container engines for `shipshape verify`: find the engine that is installed (docker, podman
//! or buildah), build an image, start it, wait until it is healthy, read its logs, inspect the
//! user it runs as and its size, and remove what was started. Every step returns a typed value;
//! nothing here prints. The command lines are built by pure functions, so they are tested
//! without an engine; the integration tests build and start real images with buildah.

mod buildah;
mod check;
mod docker;
mod probe;

pub use buildah::Buildah;
pub use check::{
    check_built, check_service, container_name, image_tag, run_job, JobOutcome, ServiceCheck,
    ServiceCheckRequest,
};
pub use docker::Docker;
pub use probe::{
    healthcheck_argv, healthcheck_url, http_status, listens_on_loopback_only, parse_env_file,
    process_tree_uid, tcp_open, HealthProbe,
};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// Which container engine runs the checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    Docker,
    Podman,
    Buildah,
}

impl EngineKind {
    /// In the order `detect` tries them: a running Docker daemon first, then podman, then
    /// buildah (which builds and runs without any daemon).
    pub const ALL: &'static [EngineKind] =
        &[EngineKind::Docker, EngineKind::Podman, EngineKind::Buildah];

    pub fn program(self) -> &'static str {
        match self {
            EngineKind::Docker => "docker",
            EngineKind::Podman => "podman",
            EngineKind::Buildah => "buildah",
        }
    }

    /// `--engine` values.
    pub fn parse(name: &str) -> Option<EngineKind> {
        EngineKind::ALL
            .iter()
            .copied()
            .find(|k| k.program().eq_ignore_ascii_case(name.trim()))
    }
}

impl std::fmt::Display for EngineKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.program())
    }
}

/// What went wrong talking to an engine. A failed build or a container that never became
/// healthy is not an error: it is a result ([`BuildOutcome`], [`HealthOutcome`]).
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("no container engine found (tried {tried}): install Docker, Podman or buildah, or choose one with --engine")]
    NotFound { tried: String },
    #[error("{engine} is installed but not usable: {reason}")]
    Unusable { engine: EngineKind, reason: String },
    #[error("could not run {program}: {source}")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error("`{command}` failed ({status}): {output}")]
    Command {
        command: String,
        status: String,
        output: String,
    },
    #[error("could not read {what} from {engine}: {detail}")]
    Parse {
        engine: EngineKind,
        what: &'static str,
        detail: String,
    },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// One image to build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildRequest {
    /// The build context folder.
    pub context: PathBuf,
    /// The Dockerfile, anywhere (often inside the context).
    pub dockerfile: PathBuf,
    /// The tag the image gets (`localhost/shipshape-verify/web:1234`).
    pub tag: String,
    pub build_args: BTreeMap<String, String>,
    /// The stage to build (`--target`, compose's `build.target`); the last stage when `None`.
    pub target: Option<String>,
}

/// How a build went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuildOutcome {
    pub ok: bool,
    pub seconds: f64,
    /// The last lines of the build output (all of them up to [`LOG_TAIL_LINES`]).
    pub log_tail: Vec<String>,
}

/// How many lines of a log a result keeps.
pub const LOG_TAIL_LINES: usize = 40;

/// What the image says about itself, from the engine's inspect output.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageInfo {
    /// The `USER` of the final stage, as written (`10001:10001`, `nonroot`); `None` = root.
    pub user: Option<String>,
    pub entrypoint: Vec<String>,
    pub cmd: Vec<String>,
    pub working_dir: Option<String>,
    /// `EXPOSE`d TCP ports, ascending.
    pub exposed_ports: Vec<u16>,
    /// The `HEALTHCHECK` test as the image stores it (`["CMD", "node", "-e", …]`), if any.
    pub healthcheck: Option<Vec<String>>,
    pub size_bytes: Option<u64>,
}

impl ImageInfo {
    /// The argv the container starts with: ENTRYPOINT then CMD.
    pub fn argv(&self) -> Vec<String> {
        self.entrypoint.iter().chain(&self.cmd).cloned().collect()
    }

    /// Whether `USER` names someone other than root (a name or a UID other than 0).
    pub fn declares_non_root_user(&self) -> bool {
        self.user.as_deref().is_some_and(|u| {
            let who = u.split(':').next().unwrap_or("").trim();
            !who.is_empty() && who != "0" && who != "root"
        })
    }
}

/// One container to start from a built image.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRequest {
    pub image: String,
    /// A `.env` file whose variables go into the container's environment, as compose's
    /// `env_file` passes them (`KEY=` as an empty value).
    pub env_file: Option<PathBuf>,
    /// More variables; these win over `env_file`.
    pub env: BTreeMap<String, String>,
    /// The port the service listens on, published on 127.0.0.1 (docker, podman) or reached
    /// directly (buildah runs on the host network).
    pub port: Option<u16>,
    /// Run as this user instead of the image's `USER`.
    pub user: Option<String>,
    /// A name for the container (docker, podman); default: one made from our process ID.
    pub name: Option<String>,
    /// Replaces the image's `CMD` (compose's `command:`); the `ENTRYPOINT` stays.
    pub command: Option<Vec<String>>,
    /// How the container reaches the other containers of the check (compose's service
    /// names), and how they reach it.
    pub network: Option<ServiceNetwork>,
}

/// The names containers of one check know each other by, as compose's default network gives
/// them: a user-defined network with aliases (docker, podman), or the host network with every
/// name pointing at 127.0.0.1 (buildah).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceNetwork {
    /// The network to join (docker, podman), made with [`ContainerEngine::create_network`].
    pub name: String,
    /// This container's names on it (its compose service name).
    pub aliases: Vec<String>,
    /// The other containers' names, which on the host network resolve to 127.0.0.1.
    pub peers: Vec<String>,
}

/// How waiting for a container to become healthy went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthOutcome {
    pub ok: bool,
    pub probe: HealthProbe,
    /// The last HTTP status seen, for an HTTP probe.
    pub http_status: Option<u16>,
    pub seconds: f64,
    /// Whether the container's process was still running at the end.
    pub still_running: bool,
    /// Why it is not healthy, in a sentence.
    pub detail: Option<String>,
}

/// An engine that can build, start and remove containers.
pub trait ContainerEngine {
    fn kind(&self) -> EngineKind;

    /// Build `request` into an image; a failing build is `Ok` with `ok: false`.
    fn build(&self, request: &BuildRequest) -> Result<BuildOutcome, EngineError>;

    fn inspect(&self, image: &str) -> Result<ImageInfo, EngineError>;

    /// Start a container from `request.image`, in the background.
    fn start(&self, request: &RunRequest) -> Result<RunningContainer, EngineError>;

    /// Whether the container's main process still runs.
    fn is_running(&self, container: &mut RunningContainer) -> bool;

    /// The last `lines` lines of the container's output.
    fn logs(&self, container: &RunningContainer, lines: usize) -> Vec<String>;

    /// The real UID of the container's main process, when the engine can tell.
    fn process_uid(&self, container: &RunningContainer) -> Option<u32>;

    /// Run `argv` inside the running container (the image's own HEALTHCHECK); its exit code.
    fn exec(&self, container: &RunningContainer, argv: &[String]) -> Result<i32, EngineError>;

    /// Stop and remove the container.
    fn stop(&self, container: RunningContainer) -> Result<(), EngineError>;

    /// Remove an image built for the check.
    fn remove_image(&self, image: &str) -> Result<(), EngineError>;

    /// The exit code of the container's main process once it has exited; `None` while it runs
    /// (or when the engine cannot tell).
    fn exit_code(&self, container: &mut RunningContainer) -> Option<i32>;

    /// Whether containers run on the host's network: two checks at once would then start
    /// their services on the same ports.
    fn shares_host_network(&self) -> bool {
        false
    }

    /// Make the network the containers of one check share; engines on the host network need
    /// none.
    fn create_network(&self, _name: &str) -> Result<(), EngineError> {
        Ok(())
    }

    /// Remove a network made by [`ContainerEngine::create_network`].
    fn remove_network(&self, _name: &str) -> Result<(), EngineError> {
        Ok(())
    }

    /// Wait until the container's process exits (a one-shot job such as a migration) or
    /// `timeout` passes: its exit code, `None` on timeout.
    fn wait_exit(&self, container: &mut RunningContainer, timeout: Duration) -> Option<i32> {
        let started = Instant::now();
        loop {
            if !self.is_running(container) {
                return self.exit_code(container);
            }
            if started.elapsed() >= timeout {
                return None;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }

    /// Wait until `probe` passes, the process exits, or `timeout` passes.
    fn wait_healthy(
        &self,
        container: &mut RunningContainer,
        probe: &HealthProbe,
        timeout: Duration,
    ) -> HealthOutcome {
        let started = Instant::now();
        let mut http = None;
        loop {
            let running = self.is_running(container);
            let (ok, status) = if running {
                probe.check(|argv| self.exec(container, argv).ok())
            } else {
                (false, None)
            };
            http = status.or(http);
            let elapsed = started.elapsed();
            if ok || !running || elapsed >= timeout {
                let detail = if ok {
                    None
                } else if !running {
                    Some("the container's process exited".to_string())
                } else {
                    Some(probe.failure(http, timeout))
                };
                return HealthOutcome {
                    ok,
                    probe: probe.clone(),
                    http_status: http,
                    seconds: round_tenths(elapsed),
                    still_running: running,
                    detail,
                };
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }
}

/// A container started by [`ContainerEngine::start`]. Dropping it does not stop it: call
/// [`ContainerEngine::stop`].
#[derive(Debug)]
pub struct RunningContainer {
    /// The engine's name or ID for the container.
    pub id: String,
    /// The process that runs the container's command, when the engine runs it as a child of
    /// ours (buildah); docker and podman run it under their own daemon or conmon.
    pub(crate) child: Option<std::process::Child>,
    /// Where the child's output goes (buildah).
    pub(crate) log_path: Option<PathBuf>,
}

/// The engine to use: `preferred` when given (an error when it is missing), else the first of
/// [`EngineKind::ALL`] that is installed and usable.
pub fn detect(preferred: Option<EngineKind>) -> Result<Box<dyn ContainerEngine>, EngineError> {
    let candidates: Vec<EngineKind> = match preferred {
        Some(kind) => vec![kind],
        None => EngineKind::ALL.to_vec(),
    };
    let mut reasons = Vec::new();
    for kind in &candidates {
        let Some(program) = find_program(kind.program()) else {
            reasons.push(format!("{kind}: not installed"));
            continue;
        };
        let engine: Box<dyn ContainerEngine> = match kind {
            EngineKind::Docker | EngineKind::Podman => Box::new(Docker::new(*kind, program)),
            EngineKind::Buildah => Box::new(Buildah::new(program)),
        };
        match usable(*kind, engine.as_ref()) {
            Ok(()) => return Ok(engine),
            Err(reason) => {
                if preferred.is_some() {
                    return Err(EngineError::Unusable {
                        engine: *kind,
                        reason,
                    });
                }
                reasons.push(format!("{kind}: {reason}"));
            }
        }
    }
    Err(EngineError::NotFound {
        tried: reasons.join("; "),
    })
}

/// Whether an installed engine can work: a docker CLI without a daemon cannot.
fn usable(kind: EngineKind, _engine: &dyn ContainerEngine) -> Result<(), String> {
    let program = kind.program();
    let args: &[&str] = match kind {
        EngineKind::Docker => &["info", "--format", "{{.ServerVersion}}"],
        EngineKind::Podman => &["info", "--format", "{{.Host.Arch}}"],
        EngineKind::Buildah => &["version"],
    };
    match Command::new(program).args(args).output() {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => Err(first_line(&String::from_utf8_lossy(&out.stderr))
            .unwrap_or("it answered with an error")
            .to_string()),
        Err(e) => Err(e.to_string()),
    }
}

/// The path of `program` on PATH.
pub fn find_program(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn first_line(text: &str) -> Option<&str> {
    text.lines().map(str::trim).find(|l| !l.is_empty())
}

/// Run a command to completion; a non-zero exit is an [`EngineError::Command`].
pub(crate) fn run(command: &mut Command) -> Result<Output, EngineError> {
    let out = command.output().map_err(|source| EngineError::Spawn {
        program: command.get_program().to_string_lossy().into_owned(),
        source,
    })?;
    if out.status.success() {
        return Ok(out);
    }
    let mut output = String::from_utf8_lossy(&out.stderr).into_owned();
    output.push_str(&String::from_utf8_lossy(&out.stdout));
    Err(EngineError::Command {
        command: describe(command),
        status: out.status.to_string(),
        output: tail_lines(&output, 10).join("\n"),
    })
}

/// The program and its arguments as one line, for error messages. Values of `-e`/`--env`
/// arguments are not shown: they can hold passwords.
pub(crate) fn describe(command: &Command) -> String {
    let mut words = vec![command.get_program().to_string_lossy().into_owned()];
    let mut hide_next = false;
    for arg in command.get_args() {
        let arg = arg.to_string_lossy();
        if hide_next {
            let name = arg.split('=').next().unwrap_or("");
            words.push(format!("{name}=…"));
            hide_next = false;
        } else {
            hide_next = arg == "-e" || arg == "--env";
            words.push(arg.into_owned());
        }
    }
    words.join(" ")
}

/// The last `n` lines of `text`.
pub fn tail_lines(text: &str, n: usize) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..]
        .iter()
        .map(|l| (*l).to_string())
        .collect()
}

pub(crate) fn round_tenths(d: Duration) -> f64 {
    (d.as_secs_f64() * 10.0).round() / 10.0
}

/// The environment for a run: the env file's variables, then `request.env`.
pub(crate) fn effective_env(request: &RunRequest) -> Result<BTreeMap<String, String>, EngineError> {
    let mut env = match &request.env_file {
        Some(path) => parse_env_file(&std::fs::read_to_string(path)?),
        None => BTreeMap::new(),
    };
    env.extend(request.env.clone());
    Ok(env)
}

/// A size as engines print it (`"253 MB"`, `"1.2 GB"`, `"812kB"`) in bytes (powers of 1000,
/// as docker and buildah count).
pub fn parse_human_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor = match unit.trim().to_ascii_lowercase().as_str() {
        "b" => 1.0,
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        "tb" => 1e12,
        _ => return None,
    };
    // A parsed size is finite and non-negative; the cast keeps whole bytes.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Some((number * factor).round() as u64)
}

/// The image configuration (`User`, `Cmd`, `ExposedPorts`, `Healthcheck`, …) as both docker's
/// `image inspect` and buildah's `inspect` write it.
pub(crate) fn image_info_from_config(config: &serde_json::Value) -> ImageInfo {
    let strings = |key: &str| -> Vec<String> {
        config
            .get(key)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let text = |key: &str| -> Option<String> {
        config
            .get(key)
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let mut exposed_ports: Vec<u16> = config
        .get("ExposedPorts")
        .and_then(|v| v.as_object())
        .map(|ports| {
            ports
                .keys()
                .filter(|p| !p.ends_with("/udp"))
                .filter_map(|p| p.split('/').next()?.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    exposed_ports.sort_unstable();
    let healthcheck = config
        .get("Healthcheck")
        .and_then(|h| h.get("Test"))
        .and_then(|t| t.as_array())
        .map(|t| {
            t.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect::<Vec<_>>()
        })
        .filter(|t| !t.is_empty() && t[0] != "NONE");
    ImageInfo {
        user: text("User"),
        entrypoint: strings("Entrypoint"),
        cmd: strings("Cmd"),
        working_dir: text("WorkingDir"),
        exposed_ports,
        healthcheck,
        size_bytes: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_names_parse_case_insensitively() {
        assert_eq!(EngineKind::parse("Buildah"), Some(EngineKind::Buildah));
        assert_eq!(EngineKind::parse(" docker "), Some(EngineKind::Docker));
        assert_eq!(EngineKind::parse("containerd"), None);
    }

    #[test]
    fn sizes_read_as_engines_print_them() {
        assert_eq!(parse_human_size("253 MB"), Some(253_000_000));
        assert_eq!(parse_human_size("76.9 MB"), Some(76_900_000));
        assert_eq!(parse_human_size("812kB"), Some(812_000));
        assert_eq!(parse_human_size("1.2 GB"), Some(1_200_000_000));
        assert_eq!(parse_human_size("lots"), None);
    }

    #[test]
    fn a_user_other_than_root_is_non_root() {
        let with = |u: Option<&str>| ImageInfo {
            user: u.map(str::to_string),
            ..ImageInfo::default()
        };
        assert!(with(Some("10001:10001")).declares_non_root_user());
        assert!(with(Some("nonroot")).declares_non_root_user());
        assert!(!with(Some("0:0")).declares_non_root_user());
        assert!(!with(Some("root")).declares_non_root_user());
        assert!(!with(None).declares_non_root_user());
    }

    #[test]
    fn error_messages_hide_environment_values() {
        let mut command = Command::new("buildah");
        command.args([
            "run",
            "-e",
            "DATABASE_PASSWORD=hunter2",
            "ctr",
            "--",
            "node",
        ]);
        let line = describe(&command);
        assert!(!line.contains("hunter2"), "{line}");
        assert!(line.contains("DATABASE_PASSWORD=…"), "{line}");
    }

    #[test]
    fn the_image_configuration_is_read_from_inspect_output() {
        let config = serde_json::json!({
            "User": "10001:10001",
            "Entrypoint": null,
            "Cmd": ["node", "src/server.js"],
            "WorkingDir": "/app",
            "ExposedPorts": {"8080/tcp": {}, "53/udp": {}, "3000/tcp": {}},
            "Healthcheck": {"Test": ["CMD", "node", "-e", "fetch('http://127.0.0.1:8080/healthz')"]}
        });
        let info = image_info_from_config(&config);
        assert_eq!(info.user.as_deref(), Some("10001:10001"));
        assert_eq!(info.argv(), vec!["node", "src/server.js"]);
        assert_eq!(info.exposed_ports, vec![3000, 8080]);
        assert_eq!(info.working_dir.as_deref(), Some("/app"));
        assert_eq!(info.healthcheck.as_ref().map(Vec::len), Some(4));
    }

    #[test]
    fn healthcheck_none_is_no_healthcheck() {
        let config = serde_json::json!({"Healthcheck": {"Test": ["NONE"]}});
        assert_eq!(image_info_from_config(&config).healthcheck, None);
    }

    #[test]
    fn tails_keep_the_last_lines() {
        assert_eq!(tail_lines("a\nb\nc\n", 2), vec!["b", "c"]);
        assert_eq!(tail_lines("a", 5), vec!["a"]);
    }
}
