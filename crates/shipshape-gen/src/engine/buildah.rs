//! buildah: builds without a daemon and runs an image's command with `buildah run`, as the
//! image's USER, on the host network. The running command is a child process of ours (in its
//! own process group, so stopping it stops everything it started), and its output goes to a
//! log file we read.
//!
//! Isolation is `chroot` unless `BUILDAH_ISOLATION` says otherwise: it needs no user
//! namespaces or OCI runtime, which is what works on machines without a container daemon
//! (podman's and crun's `run` cannot set rlimits on some of them). The storage driver is
//! buildah's own choice (its storage.conf).

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{
    effective_env, image_info_from_config, parse_human_size, process_tree_uid, run, tail_lines,
    BuildOutcome, BuildRequest, ContainerEngine, EngineError, EngineKind, ImageInfo, RunRequest,
    RunningContainer, LOG_TAIL_LINES,
};

#[derive(Debug, Clone)]
pub struct Buildah {
    program: PathBuf,
    isolation: String,
}

impl Buildah {
    pub fn new(program: PathBuf) -> Buildah {
        let isolation = std::env::var("BUILDAH_ISOLATION")
            .ok()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "chroot".to_string());
        Buildah { program, isolation }
    }

    fn command(&self) -> Command {
        Command::new(&self.program)
    }

    /// `bud` arguments. The Docker format keeps HEALTHCHECK (OCI images drop it); RUN steps
    /// use the host network, as `docker build` does by default.
    pub fn build_args(&self, request: &BuildRequest) -> Vec<String> {
        let mut args = vec![
            "bud".to_string(),
            "--isolation".into(),
            self.isolation.clone(),
            "--format".into(),
            "docker".into(),
            "--network".into(),
            "host".into(),
            // A failed build leaves no working containers behind (buildah accepts --force-rm
            // only together with --layers or --no-cache).
            "--no-cache".into(),
            "--force-rm".into(),
            "-f".into(),
            request.dockerfile.display().to_string(),
            "-t".into(),
            request.tag.clone(),
        ];
        for (key, value) in &request.build_args {
            args.extend(["--build-arg".into(), format!("{key}={value}")]);
        }
        if let Some(target) = &request.target {
            args.extend(["--target".into(), target.clone()]);
        }
        args.push(request.context.display().to_string());
        args
    }

    /// `from` arguments: a working container of the image, where the other services of the
    /// check (on the host network, like this one) resolve to 127.0.0.1.
    pub fn from_args(&self, request: &RunRequest) -> Vec<String> {
        let mut args = vec!["from".to_string(), "--pull-never".into()];
        for peer in request.network.iter().flat_map(|n| &n.peers) {
            args.extend(["--add-host".into(), format!("{peer}:127.0.0.1")]);
        }
        args.push(request.image.clone());
        args
    }

    /// `run` arguments for the image's command `argv` in working container `container`.
    pub fn run_args(&self, container: &str, user: Option<&str>, argv: &[String]) -> Vec<String> {
        let mut args = vec![
            "run".to_string(),
            "--isolation".into(),
            self.isolation.clone(),
            "--network".into(),
            "host".into(),
        ];
        if let Some(user) = user {
            args.extend(["--user".into(), user.to_string()]);
        }
        args.push(container.to_string());
        args.push("--".into());
        args.extend(argv.iter().cloned());
        args
    }
}

/// `buildah inspect --type image` output: one object with the configuration under `Docker`
/// (Docker-format images) or `OCIv1`.
pub fn parse_inspect(json: &str) -> Result<ImageInfo, EngineError> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| EngineError::Parse {
        engine: EngineKind::Buildah,
        what: "the image configuration",
        detail: e.to_string(),
    })?;
    let config = ["Docker", "OCIv1"]
        .iter()
        .find_map(|format| value.get(format)?.get("config").filter(|c| c.is_object()))
        .ok_or_else(|| EngineError::Parse {
            engine: EngineKind::Buildah,
            what: "the image configuration",
            detail: "neither Docker.config nor OCIv1.config in the inspect output".into(),
        })?;
    Ok(image_info_from_config(config))
}

/// `buildah images --json IMAGE` output: the first image's `size` (`"253 MB"`) in bytes.
pub fn parse_images_size(json: &str) -> Option<u64> {
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    parse_human_size(value.as_array()?.first()?.get("size")?.as_str()?)
}

impl ContainerEngine for Buildah {
    fn kind(&self) -> EngineKind {
        EngineKind::Buildah
    }

    fn shares_host_network(&self) -> bool {
        true
    }

    fn build(&self, request: &BuildRequest) -> Result<BuildOutcome, EngineError> {
        let started = Instant::now();
        let out = self
            .command()
            .args(self.build_args(request))
            .output()
            .map_err(|source| EngineError::Spawn {
                program: self.program.display().to_string(),
                source,
            })?;
        let mut log = String::from_utf8_lossy(&out.stdout).into_owned();
        log.push_str(&String::from_utf8_lossy(&out.stderr));
        Ok(BuildOutcome {
            ok: out.status.success(),
            seconds: super::round_tenths(started.elapsed()),
            log_tail: tail_lines(&log, LOG_TAIL_LINES),
        })
    }

    fn inspect(&self, image: &str) -> Result<ImageInfo, EngineError> {
        let out = run(self.command().args(["inspect", "--type", "image", image]))?;
        let mut info = parse_inspect(&String::from_utf8_lossy(&out.stdout))?;
        info.size_bytes = self
            .command()
            .args(["images", "--json", image])
            .output()
            .ok()
            .and_then(|o| parse_images_size(&String::from_utf8_lossy(&o.stdout)));
        Ok(info)
    }

    fn start(&self, request: &RunRequest) -> Result<RunningContainer, EngineError> {
        let info = self.inspect(&request.image)?;
        let argv = start_argv(&info, request.command.as_deref());
        if argv.is_empty() {
            return Err(EngineError::Parse {
                engine: EngineKind::Buildah,
                what: "the command to start",
                detail: format!("{} has neither ENTRYPOINT nor CMD", request.image),
            });
        }
        let out = run(self.command().args(self.from_args(request)))?;
        let container = String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or_default()
            .trim()
            .to_string();
        let started = self.start_in(&container, request, &argv);
        if started.is_err() {
            let _ = self.command().args(["rm", &container]).output();
        }
        started
    }

    fn is_running(&self, container: &mut RunningContainer) -> bool {
        container
            .child
            .as_mut()
            .is_some_and(|child| matches!(child.try_wait(), Ok(None)))
    }

    fn logs(&self, container: &RunningContainer, lines: usize) -> Vec<String> {
        container
            .log_path
            .as_ref()
            .and_then(|p| std::fs::read(p).ok())
            .map(|bytes| tail_lines(&String::from_utf8_lossy(&bytes), lines))
            .unwrap_or_default()
    }

    fn process_uid(&self, container: &RunningContainer) -> Option<u32> {
        let pid = container.child.as_ref()?.id();
        process_tree_uid(pid)
    }

    fn exec(&self, container: &RunningContainer, argv: &[String]) -> Result<i32, EngineError> {
        let status = self
            .command()
            .args(self.run_args(&container.id, None, argv))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|source| EngineError::Spawn {
                program: self.program.display().to_string(),
                source,
            })?;
        Ok(status.code().unwrap_or(-1))
    }

    fn stop(&self, mut container: RunningContainer) -> Result<(), EngineError> {
        if let Some(child) = container.child.as_mut() {
            stop_process_group(child);
        }
        if let Some(path) = &container.log_path {
            let _ = std::fs::remove_file(path);
        }
        run(self.command().args(["rm", &container.id])).map(|_| ())
    }

    fn remove_image(&self, image: &str) -> Result<(), EngineError> {
        run(self.command().args(["rmi", "-f", image])).map(|_| ())
    }

    fn exit_code(&self, container: &mut RunningContainer) -> Option<i32> {
        let status = container.child.as_mut()?.try_wait().ok()??;
        // Killed by a signal: the shell's convention, 128 + the signal.
        status
            .code()
            .or_else(|| std::os::unix::process::ExitStatusExt::signal(&status).map(|s| 128 + s))
    }
}

/// What a container runs: the `ENTRYPOINT`, then `command` (compose's `command:`) or the
/// image's `CMD`.
pub(crate) fn start_argv(info: &ImageInfo, command: Option<&[String]>) -> Vec<String> {
    match command {
        Some(command) => info.entrypoint.iter().chain(command).cloned().collect(),
        None => info.argv(),
    }
}

impl Buildah {
    fn start_in(
        &self,
        container: &str,
        request: &RunRequest,
        argv: &[String],
    ) -> Result<RunningContainer, EngineError> {
        // `buildah run -e KEY` without a value sets an empty variable, so values go into the
        // working container's configuration (a short-lived `buildah config`), not into the
        // long-running `buildah run` command line.
        let env = effective_env(request)?;
        if !env.is_empty() {
            let mut config = self.command();
            config.arg("config");
            for (key, value) in &env {
                config.args(["--env", &format!("{key}={value}")]);
            }
            config.arg(container);
            run(&mut config)?;
        }
        let log_path = std::env::temp_dir().join(format!(
            "shipshape-verify-{}-{container}.log",
            std::process::id()
        ));
        let log = std::fs::File::create(&log_path)?;
        // The image's user opens /dev/stdout and /dev/stderr again (nginx does): through
        // /proc/self/fd that needs write permission on the log file itself.
        std::fs::set_permissions(
            &log_path,
            std::os::unix::fs::PermissionsExt::from_mode(0o666),
        )?;
        let mut command = self.command();
        command
            .args(self.run_args(container, request.user.as_deref(), argv))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command.spawn().map_err(|source| EngineError::Spawn {
            program: self.program.display().to_string(),
            source,
        })?;
        Ok(RunningContainer {
            id: container.to_string(),
            child: Some(child),
            log_path: Some(log_path),
        })
    }
}

/// SIGTERM to the child's process group, SIGKILL after ten seconds to whatever of the group is
/// left. The group, not the child: `buildah run` may be gone while the server it started lives
/// on (uWSGI takes SIGTERM as "reload", and its master and workers kept port 8000 after a run).
fn stop_process_group(child: &mut std::process::Child) {
    stop_process_group_within(child, Duration::from_secs(10));
}

fn stop_process_group_within(child: &mut std::process::Child, grace: Duration) {
    let pgid = child.id();
    let group = format!("-{pgid}");
    let alive = || group_has_live_process(pgid);
    let _ = Command::new("kill")
        .args(["-TERM", "--", &group])
        .stderr(std::process::Stdio::null())
        .status();
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        let _ = child.try_wait();
        if !alive() {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    if alive() {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(std::process::Stdio::null())
            .status();
    }
    let _ = child.wait();
    let deadline = Instant::now() + Duration::from_secs(2);
    while group_has_live_process(pgid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Whether a process of group `pgid` is still running (zombies waiting for their parent to reap
/// them are not), read from /proc.
fn group_has_live_process(pgid: u32) -> bool {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return false;
    };
    entries.flatten().any(|e| {
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            return false;
        };
        // `pid (comm) state ppid pgrp …`: comm may hold spaces and parentheses.
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
            return false;
        };
        let mut fields = rest.split_whitespace();
        let state = fields.next().unwrap_or("Z");
        let group = fields.nth(1).and_then(|g| g.parse::<u32>().ok());
        group == Some(pgid) && state != "Z" && state != "X"
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn stopping_kills_what_the_child_left_behind_in_its_group() {
        // The child exits at once; what it started ignores SIGTERM and keeps running, as a
        // uWSGI master does (it reloads on SIGTERM).
        let mut command = Command::new("sh");
        command.args(["-c", "sh -c 'trap \"\" TERM; sleep 60' & exit 0"]);
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command.spawn().expect("sh runs");
        let pgid = child.id();
        std::thread::sleep(Duration::from_millis(300));
        assert!(
            group_has_live_process(pgid),
            "the sleeper runs before the stop"
        );
        stop_process_group(&mut child);
        assert!(
            !group_has_live_process(pgid),
            "a process of the group survived"
        );
    }

    fn buildah() -> Buildah {
        Buildah {
            program: "buildah".into(),
            isolation: "chroot".into(),
        }
    }

    #[test]
    fn bud_keeps_the_healthcheck_and_builds_with_the_host_network() {
        let request = BuildRequest {
            context: "/repo".into(),
            dockerfile: "/repo/Dockerfile".into(),
            tag: "localhost/shipshape-verify/web:1".into(),
            build_args: BTreeMap::new(),
            target: None,
        };
        assert_eq!(
            buildah().build_args(&request).join(" "),
            "bud --isolation chroot --format docker --network host --no-cache --force-rm -f /repo/Dockerfile \
             -t localhost/shipshape-verify/web:1 /repo"
        );
    }

    #[test]
    fn run_starts_the_image_command_after_a_double_dash() {
        let argv = vec!["node".to_string(), "server.js".to_string()];
        assert_eq!(
            buildah().run_args("web-working-container", Some("10001"), &argv).join(" "),
            "run --isolation chroot --network host --user 10001 web-working-container -- node server.js"
        );
    }

    #[test]
    fn other_services_resolve_to_the_host_network() {
        let request = RunRequest {
            image: "localhost/app:1".into(),
            network: Some(super::super::ServiceNetwork {
                name: "unused".into(),
                aliases: vec!["api".into()],
                peers: vec!["postgres".into(), "redis".into()],
            }),
            ..RunRequest::default()
        };
        assert_eq!(
            buildah().from_args(&request).join(" "),
            "from --pull-never --add-host postgres:127.0.0.1 --add-host redis:127.0.0.1 localhost/app:1"
        );
    }

    #[test]
    fn a_command_override_keeps_the_entrypoint() {
        let info = ImageInfo {
            entrypoint: vec!["/docker-entrypoint.sh".into()],
            cmd: vec!["gunicorn".into(), "app:app".into()],
            ..ImageInfo::default()
        };
        let migrate = vec!["python".to_string(), "manage.py".into(), "migrate".into()];
        assert_eq!(
            start_argv(&info, Some(&migrate)),
            vec!["/docker-entrypoint.sh", "python", "manage.py", "migrate"]
        );
        assert_eq!(
            start_argv(&info, None),
            vec!["/docker-entrypoint.sh", "gunicorn", "app:app"]
        );
    }

    #[test]
    fn inspect_reads_the_docker_configuration_first() {
        let json = r#"{"Type":"buildah 0.0.1","OCIv1":{"config":{"User":"","Cmd":["bash"]}},
            "Docker":{"config":{"User":"65532:65532","Entrypoint":["/app/server"],
            "ExposedPorts":{"8080/tcp":{}},"Healthcheck":{"Test":["NONE"]}}}}"#;
        let info = parse_inspect(json).expect("parses");
        assert_eq!(info.user.as_deref(), Some("65532:65532"));
        assert_eq!(info.argv(), vec!["/app/server"]);
        assert_eq!(info.healthcheck, None);
        assert!(parse_inspect(r#"{"Type":"x"}"#).is_err());
    }

    #[test]
    fn the_image_size_is_read_from_images_json() {
        let json = r#"[{"id":"89e48b2a7917","names":["localhost/app:1"],"size":"253 MB"}]"#;
        assert_eq!(parse_images_size(json), Some(253_000_000));
        assert_eq!(parse_images_size("[]"), None);
    }
}
