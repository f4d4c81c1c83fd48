//! One service end to end: build its image, start it, wait until it is healthy, note who it
//! runs as, and remove everything — the per-service result of `shipshape verify`.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{
    BuildRequest, ContainerEngine, EngineError, EngineKind, HealthOutcome, HealthProbe, RunRequest,
    LOG_TAIL_LINES,
};

/// What to check for one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceCheckRequest {
    pub service: String,
    pub context: PathBuf,
    pub dockerfile: PathBuf,
    pub build_args: std::collections::BTreeMap<String, String>,
    pub env_file: Option<PathBuf>,
    pub env: std::collections::BTreeMap<String, String>,
    /// The port to probe; default: the HEALTHCHECK URL's, else the first EXPOSEd.
    pub port: Option<u16>,
    /// The path to GET; default: the HEALTHCHECK URL's.
    pub health_path: Option<String>,
    pub timeout: Duration,
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
    let tag = format!(
        "localhost/shipshape-verify/{}:{}",
        slug(&request.service),
        std::process::id()
    );
    let mut result = ServiceCheck {
        service: request.service.clone(),
        engine: engine.kind(),
        build_ok: false,
        build_seconds: 0.0,
        image_size_bytes: None,
        image_user: None,
        uid: None,
        start_ok: false,
        health: None,
        healthcheck_exit: None,
        log_tail: Vec::new(),
    };
    let build = engine.build(&BuildRequest {
        context: request.context.clone(),
        dockerfile: request.dockerfile.clone(),
        tag: tag.clone(),
        build_args: request.build_args.clone(),
    })?;
    result.build_ok = build.ok;
    result.build_seconds = build.seconds;
    if !build.ok {
        result.log_tail = build.log_tail;
        return Ok(result);
    }
    let outcome = run_built(engine, request, &tag, &mut result);
    let removed = engine.remove_image(&tag);
    outcome?;
    removed?;
    Ok(result)
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
    let probe = HealthProbe::for_image(&info, request.port, request.health_path.as_deref());
    let mut container = engine.start(&RunRequest {
        image: tag.to_string(),
        env_file: request.env_file.clone(),
        env: request.env.clone(),
        port: match &probe {
            HealthProbe::Http { port, .. } | HealthProbe::Tcp { port } => Some(*port),
            _ => request.port,
        },
        user: None,
    })?;
    let mut health = engine.wait_healthy(&mut container, &probe, request.timeout);
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
