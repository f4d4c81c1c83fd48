//! Docker and Podman: the same command line (`build`, `run -d`, `inspect`, `logs`, `exec`,
//! `rm -f`), a daemon (or conmon) that keeps the container running after we return.

use std::path::PathBuf;
use std::process::Command;

use super::{
    effective_env, image_info_from_config, process_tree_uid, run, tail_lines, BuildOutcome,
    BuildRequest, ContainerEngine, EngineError, EngineKind, ImageInfo, RunRequest,
    RunningContainer, LOG_TAIL_LINES,
};

/// `docker` or `podman` at `program`.
#[derive(Debug, Clone)]
pub struct Docker {
    kind: EngineKind,
    program: PathBuf,
}

impl Docker {
    pub fn new(kind: EngineKind, program: PathBuf) -> Docker {
        Docker { kind, program }
    }

    fn command(&self) -> Command {
        Command::new(&self.program)
    }

    /// `build` arguments. Podman writes OCI images by default, which drop HEALTHCHECK: ask it
    /// for the Docker format.
    pub fn build_args(&self, request: &BuildRequest) -> Vec<String> {
        let mut args = vec!["build".to_string()];
        if self.kind == EngineKind::Podman {
            args.extend(["--format".into(), "docker".into()]);
        }
        args.extend([
            "-f".into(),
            request.dockerfile.display().to_string(),
            "-t".into(),
            request.tag.clone(),
        ]);
        for (key, value) in &request.build_args {
            args.extend(["--build-arg".into(), format!("{key}={value}")]);
        }
        if let Some(target) = &request.target {
            args.extend(["--target".into(), target.clone()]);
        }
        args.push(request.context.display().to_string());
        args
    }

    /// `run` arguments. Variables are passed by name only (`-e KEY`) and their values through
    /// the engine's own environment, so no value shows in a process listing.
    pub fn run_args(&self, request: &RunRequest, env_names: &[String], name: &str) -> Vec<String> {
        let mut args = vec!["run".into(), "-d".into(), "--name".into(), name.into()];
        for key in env_names {
            args.extend(["-e".into(), key.clone()]);
        }
        if let Some(network) = &request.network {
            args.extend(["--network".into(), network.name.clone()]);
            for alias in &network.aliases {
                args.extend(["--network-alias".into(), alias.clone()]);
            }
        }
        if let Some(port) = request.port {
            args.extend(["-p".into(), format!("127.0.0.1:{port}:{port}")]);
        }
        if let Some(user) = &request.user {
            args.extend(["--user".into(), user.clone()]);
        }
        args.push(request.image.clone());
        args.extend(request.command.iter().flatten().cloned());
        args
    }
}

/// `docker image inspect` output: an array with one object holding `Config` and `Size`.
pub fn parse_image_inspect(kind: EngineKind, json: &str) -> Result<ImageInfo, EngineError> {
    let parse_error = |detail: String| EngineError::Parse {
        engine: kind,
        what: "the image configuration",
        detail,
    };
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| parse_error(e.to_string()))?;
    let image = value
        .as_array()
        .and_then(|a| a.first())
        .ok_or_else(|| parse_error("no image in the inspect output".into()))?;
    let config = image.get("Config").cloned().unwrap_or_default();
    let mut info = image_info_from_config(&config);
    info.size_bytes = image.get("Size").and_then(serde_json::Value::as_u64);
    Ok(info)
}

impl ContainerEngine for Docker {
    fn kind(&self) -> EngineKind {
        self.kind
    }

    fn build(&self, request: &BuildRequest) -> Result<BuildOutcome, EngineError> {
        let started = std::time::Instant::now();
        let mut command = self.command();
        command.args(self.build_args(request));
        let out = command.output().map_err(|source| EngineError::Spawn {
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
        let out = run(self.command().args(["image", "inspect", image]))?;
        parse_image_inspect(self.kind, &String::from_utf8_lossy(&out.stdout))
    }

    fn start(&self, request: &RunRequest) -> Result<RunningContainer, EngineError> {
        let env = effective_env(request)?;
        let names: Vec<String> = env.keys().cloned().collect();
        let name = request
            .name
            .clone()
            .unwrap_or_else(|| format!("shipshape-verify-{}", std::process::id()));
        let mut command = self.command();
        command
            .args(self.run_args(request, &names, &name))
            .envs(&env);
        let out = run(&mut command)?;
        let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
        Ok(RunningContainer {
            id: if id.is_empty() { name } else { id },
            child: None,
            log_path: None,
        })
    }

    fn is_running(&self, container: &mut RunningContainer) -> bool {
        self.command()
            .args(["inspect", "-f", "{{.State.Running}}", &container.id])
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "true")
    }

    fn logs(&self, container: &RunningContainer, lines: usize) -> Vec<String> {
        let Ok(out) = self
            .command()
            .args(["logs", "--tail", &lines.to_string(), &container.id])
            .output()
        else {
            return Vec::new();
        };
        let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&out.stderr));
        tail_lines(&text, lines)
    }

    fn process_uid(&self, container: &RunningContainer) -> Option<u32> {
        // The PID is in this machine's namespace only when the engine runs here.
        let out = self
            .command()
            .args(["inspect", "-f", "{{.State.Pid}}", &container.id])
            .output()
            .ok()?;
        let pid: u32 = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
        (pid != 0).then(|| process_tree_uid(pid)).flatten()
    }

    fn exec(&self, container: &RunningContainer, argv: &[String]) -> Result<i32, EngineError> {
        let status = self
            .command()
            .arg("exec")
            .arg(&container.id)
            .args(argv)
            .output()
            .map_err(|source| EngineError::Spawn {
                program: self.program.display().to_string(),
                source,
            })?
            .status;
        Ok(status.code().unwrap_or(-1))
    }

    fn stop(&self, container: RunningContainer) -> Result<(), EngineError> {
        run(self.command().args(["rm", "-f", &container.id])).map(|_| ())
    }

    fn remove_image(&self, image: &str) -> Result<(), EngineError> {
        run(self.command().args(["rmi", "-f", image])).map(|_| ())
    }

    fn exit_code(&self, container: &mut RunningContainer) -> Option<i32> {
        let out = self
            .command()
            .args([
                "inspect",
                "-f",
                "{{.State.Running}} {{.State.ExitCode}}",
                &container.id,
            ])
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        match text.split_whitespace().collect::<Vec<_>>()[..] {
            ["false", code] => code.parse().ok(),
            _ => None,
        }
    }

    fn create_network(&self, name: &str) -> Result<(), EngineError> {
        run(self.command().args(["network", "create", name])).map(|_| ())
    }

    fn remove_network(&self, name: &str) -> Result<(), EngineError> {
        run(self.command().args(["network", "rm", name])).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn docker(kind: EngineKind) -> Docker {
        Docker::new(kind, PathBuf::from(kind.program()))
    }

    #[test]
    fn build_names_dockerfile_tag_arguments_and_context() {
        let request = BuildRequest {
            context: "/repo".into(),
            dockerfile: "/repo/apps/api/Dockerfile".into(),
            tag: "localhost/shipshape-verify/api:1".into(),
            build_args: BTreeMap::from([("NODE_ENV".into(), "production".into())]),
            target: None,
        };
        assert_eq!(
            docker(EngineKind::Docker).build_args(&request).join(" "),
            "build -f /repo/apps/api/Dockerfile -t localhost/shipshape-verify/api:1 \
             --build-arg NODE_ENV=production /repo"
        );
        // compose's build.target: a migration job built from the stage with the dev tools.
        let staged = BuildRequest {
            target: Some("build".into()),
            ..request.clone()
        };
        assert!(docker(EngineKind::Docker)
            .build_args(&staged)
            .join(" ")
            .ends_with("--build-arg NODE_ENV=production --target build /repo"));
        assert!(docker(EngineKind::Podman)
            .build_args(&request)
            .join(" ")
            .starts_with("build --format docker -f"));
    }

    #[test]
    fn run_publishes_the_port_on_loopback_and_passes_variables_by_name() {
        let request = RunRequest {
            image: "app:1".into(),
            env: BTreeMap::from([("DATABASE_URL".into(), "postgres://u:secret@db/app".into())]),
            port: Some(8080),
            user: Some("10001".into()),
            ..RunRequest::default()
        };
        let args = docker(EngineKind::Docker).run_args(&request, &["DATABASE_URL".into()], "c1");
        let line = args.join(" ");
        assert_eq!(
            line,
            "run -d --name c1 -e DATABASE_URL -p 127.0.0.1:8080:8080 --user 10001 app:1"
        );
        assert!(!line.contains("secret"));
    }

    #[test]
    fn containers_of_one_check_share_a_network_under_their_service_names() {
        let request = RunRequest {
            image: "app:1".into(),
            command: Some(vec!["alembic".into(), "upgrade".into(), "head".into()]),
            network: Some(crate::engine::ServiceNetwork {
                name: "shipshape-verify-7".into(),
                aliases: vec!["migrate".into()],
                peers: vec!["postgres".into()],
            }),
            ..RunRequest::default()
        };
        assert_eq!(
            docker(EngineKind::Docker).run_args(&request, &[], "c2").join(" "),
            "run -d --name c2 --network shipshape-verify-7 --network-alias migrate app:1 alembic upgrade head"
        );
    }

    #[test]
    fn image_inspect_output_is_read() {
        let json = r#"[{"Id":"sha256:1","Size":253000000,"Config":{"User":"10001:10001",
            "Cmd":["node","src/server.js"],"ExposedPorts":{"8080/tcp":{}},
            "Healthcheck":{"Test":["CMD","node","-e","fetch('http://127.0.0.1:8080/healthz')"]}}}]"#;
        let info = parse_image_inspect(EngineKind::Docker, json).expect("parses");
        assert_eq!(info.size_bytes, Some(253_000_000));
        assert_eq!(info.exposed_ports, vec![8080]);
        assert!(info.declares_non_root_user());
    }

    #[test]
    fn unreadable_inspect_output_is_an_error_not_a_panic() {
        assert!(parse_image_inspect(EngineKind::Docker, "[]").is_err());
        assert!(parse_image_inspect(EngineKind::Podman, "not json").is_err());
    }
}
