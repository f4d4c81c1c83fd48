//! One service end to end: build its image, start it, wait until it is healthy, note who it
//! runs as, and remove everything — the per-service result of `shipshape verify`.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{
    BuildOutcome, BuildRequest, ContainerEngine, EngineError, EngineKind, HealthOutcome,
    HealthProbe, RunRequest, ServiceNetwork, LOG_TAIL_LINES,
};

/// What to check for one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceCheckRequest {
    pub service: String,
    pub context: PathBuf,
    pub dockerfile: PathBuf,
    pub build_args: std::collections::BTreeMap<String, String>,
    /// The stage to build; the last when `None`.
    pub target: Option<String>,
    pub env_file: Option<PathBuf>,
    pub env: std::collections::BTreeMap<String, String>,
    /// The port to probe; default: the HEALTHCHECK URL's, else the first EXPOSEd.
    pub port: Option<u16>,
    /// The path to GET; default: the HEALTHCHECK URL's.
    pub health_path: Option<String>,
    /// Compose's `healthcheck.test` for this service, which replaces the image's HEALTHCHECK
    /// (`["NONE"]` when compose disables it: then the process only has to stay up).
    #[serde(default)]
    pub healthcheck: Option<Vec<String>>,
    pub timeout: Duration,
    /// Replaces the image's `CMD` (compose's `command:`).
    pub command: Option<Vec<String>>,
    /// The names of the other containers of the check.
    pub network: Option<ServiceNetwork>,
}

/// The result for one service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceCheck {
    pub service: String,
    pub engine: EngineKind,
    pub build_ok: bool,
    pub build_seconds: f64,
    pub image_size_bytes: Option<u64>,
    /// The image's `USER`.
    pub image_user: Option<String>,
    /// The real UID of the started process, when the engine can tell.
    pub uid: Option<u32>,
    pub start_ok: bool,
    pub health: Option<HealthOutcome>,
    /// The exit code of the image's own HEALTHCHECK command, run once the service was up.
    pub healthcheck_exit: Option<i32>,
    /// Build output (when the build failed) or the container's output (when it did not get
    /// healthy).
    pub log_tail: Vec<String>,
}

impl ServiceCheck {
    /// Built, started, healthy, and not running as root.
    pub fn passed(&self) -> bool {
        self.build_ok
            && self.start_ok
            && self.health.as_ref().is_some_and(|h| h.ok)
            && self.uid != Some(0)
    }
}

/// Build, start, probe and clean up one service. Engine errors (a missing program, unreadable
/// inspect output) are errors; a failed build or an unhealthy service is a result.
pub fn check_service(
    engine: &dyn ContainerEngine,
    request: &ServiceCheckRequest,
) -> Result<ServiceCheck, EngineError> {
    let tag = image_tag(&request.service);
    let build = engine.build(&BuildRequest {
        context: request.context.clone(),
        dockerfile: request.dockerfile.clone(),
        tag: tag.clone(),
        build_args: request.build_args.clone(),
        target: request.target.clone(),
    })?;
    if !build.ok {
        return Ok(ServiceCheck::build_failed(
            engine.kind(),
            &request.service,
            build,
        ));
    }
    let result = check_built(engine, request, &tag, &build);
    let removed = engine.remove_image(&tag);
    let result = result?;
    removed?;
    Ok(result)
}

/// The tag an image built for the check of `service` gets.
pub fn image_tag(service: &str) -> String {
    format!(
        "localhost/shipshape-verify/{}:{}",
        slug(service),
        std::process::id()
    )
}

impl ServiceCheck {
    /// The result for a service whose image did not build.
    pub fn build_failed(engine: EngineKind, service: &str, build: BuildOutcome) -> ServiceCheck {
        ServiceCheck {
            service: service.to_string(),
            engine,
            build_ok: false,
            build_seconds: build.seconds,
            image_size_bytes: None,
            image_user: None,
            uid: None,
            start_ok: false,
            health: None,
            healthcheck_exit: None,
            log_tail: build.log_tail,
        }
    }
}

/// Start, probe and stop a service whose image `tag` has been built (`build`); the image stays.
pub fn check_built(
    engine: &dyn ContainerEngine,
    request: &ServiceCheckRequest,
    tag: &str,
    build: &BuildOutcome,
) -> Result<ServiceCheck, EngineError> {
    let mut result = ServiceCheck {
        build_ok: build.ok,
        build_seconds: build.seconds,
        ..ServiceCheck::build_failed(
            engine.kind(),
            &request.service,
            BuildOutcome {
                ok: true,
                seconds: build.seconds,
                log_tail: Vec::new(),
            },
        )
    };
    run_built(engine, request, tag, &mut result)?;
    Ok(result)
}

/// How a one-shot job (a migration) went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobOutcome {
    /// Its exit code; `None` when it did not finish in time.
    pub exit_code: Option<i32>,
    pub seconds: f64,
    /// The real UID it ran as, when the engine could tell while it ran.
    pub uid: Option<u32>,
    /// Its output, when it did not exit 0.
    pub log_tail: Vec<String>,
}

impl JobOutcome {
    pub fn ok(&self) -> bool {
        self.exit_code == Some(0)
    }
}

/// Run image `tag` with `request`'s command and environment to completion: a migration job
/// that must exit 0 before the services that depend on it start.
pub fn run_job(
    engine: &dyn ContainerEngine,
    request: &ServiceCheckRequest,
    tag: &str,
) -> Result<JobOutcome, EngineError> {
    let started = std::time::Instant::now();
    let mut container = engine.start(&RunRequest {
        image: tag.to_string(),
        env_file: request.env_file.clone(),
        env: request.env.clone(),
        port: None,
        user: None,
        name: Some(container_name(&request.service)),
        command: request.command.clone(),
        network: request.network.clone(),
    })?;
    // Who the job runs as, sampled while it runs: right after the start the deepest process can
    // still be the engine's own root helper (buildah), so a non-root UID seen at any sample wins
    // over the root ones; a job that runs as root shows root in every sample.
    let mut uid = None;
    while started.elapsed() < request.timeout && engine.is_running(&mut container) {
        match engine.process_uid(&container) {
            Some(seen) if seen != 0 => {
                uid = Some(seen);
                break;
            }
            Some(seen) => uid = uid.or(Some(seen)),
            None => {}
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let exit_code = engine.wait_exit(
        &mut container,
        request.timeout.saturating_sub(started.elapsed()),
    );
    let log_tail = if exit_code == Some(0) {
        Vec::new()
    } else {
        engine.logs(&container, LOG_TAIL_LINES)
    };
    engine.stop(container)?;
    Ok(JobOutcome {
        exit_code,
        seconds: super::round_tenths(started.elapsed()),
        uid,
        log_tail,
    })
}

/// The container name of a service's check (docker, podman): unique per run.
pub fn container_name(service: &str) -> String {
    format!("shipshape-verify-{}-{}", slug(service), std::process::id())
}

fn run_built(
    engine: &dyn ContainerEngine,
    request: &ServiceCheckRequest,
    tag: &str,
    result: &mut ServiceCheck,
) -> Result<(), EngineError> {
    let info = engine.inspect(tag)?;
    result.image_size_bytes = info.size_bytes;
    result.image_user = info.user.clone();
    // Compose's health check replaces the image's.
    let mut info = info;
    if let Some(test) = &request.healthcheck {
        info.healthcheck = (test.first().map(String::as_str) != Some("NONE"))
            .then(|| test.iter().map(|a| a.replace("$$", "$")).collect());
    }
    let probe = match &info.healthcheck {
        None if request.healthcheck.is_some() => HealthProbe::StaysUp,
        Some(test) if request.healthcheck.is_some() && super::healthcheck_url(test).is_none() => {
            HealthProbe::Command {
                argv: super::probe::healthcheck_argv(test),
            }
        }
        _ => HealthProbe::for_image(&info, request.port, request.health_path.as_deref()),
    };
    // A process with nothing to probe is judged after a short while, not the whole timeout.
    let timeout = if probe == HealthProbe::StaysUp && request.healthcheck.is_some() {
        request.timeout.min(Duration::from_secs(10))
    } else {
        request.timeout
    };
    let mut container = engine.start(&RunRequest {
        image: tag.to_string(),
        env_file: request.env_file.clone(),
        env: request.env.clone(),
        port: match &probe {
            HealthProbe::Http { port, .. } | HealthProbe::Tcp { port } => Some(*port),
            _ => request.port,
        },
        user: None,
        name: Some(container_name(&request.service)),
        command: request.command.clone(),
        network: request.network.clone(),
    })?;
    let mut health = engine.wait_healthy(&mut container, &probe, timeout);
    if probe == HealthProbe::StaysUp {
        health.ok = health.still_running;
    }
    // buildah runs on the host network, where a server bound to 127.0.0.1 answers; published
    // through `docker run -p` it would not.
    if let (true, EngineKind::Buildah, HealthProbe::Http { port, .. } | HealthProbe::Tcp { port }) =
        (health.ok, engine.kind(), &probe)
    {
        if super::listens_on_loopback_only(*port) {
            health.ok = false;
            health.detail = Some(format!(
                "the server listens on 127.0.0.1:{port} only: a published port cannot reach it"
            ));
        }
    }
    result.uid = engine.process_uid(&container);
    result.start_ok = health.still_running;
    if health.still_running {
        if let Some(test) = &info.healthcheck {
            result.healthcheck_exit = engine
                .exec(&container, &super::probe::healthcheck_argv(test))
                .ok();
        }
    }
    if !health.ok || result.healthcheck_exit.is_some_and(|code| code != 0) {
        result.log_tail = engine.logs(&container, LOG_TAIL_LINES);
    }
    result.health = Some(health);
    engine.stop(container)
}

/// A name an image reference accepts: lowercase letters, digits, `.`, `_`, `-`.
fn slug(name: &str) -> String {
    let slug: String = name
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if slug.is_empty() {
        "service".into()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_names_become_image_names() {
        assert_eq!(slug("Orders API"), "orders-api");
        assert_eq!(slug("apps/web"), "apps-web");
        assert_eq!(slug(""), "service");
    }
}
