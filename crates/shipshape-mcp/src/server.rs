//! The MCP server: `tools/list` and `tools/call` over the tool table, `resources/*` over the rule
//! documentation and the published schemas. Each call runs on the blocking pool, waits for a turn
//! among [`limits::MAX_RUNNING`], has a time limit, stops when the client cancels it, and sends
//! progress notifications while a scan runs. Whatever happens in a call — a bad argument, a
//! command error, a panic — becomes a tool error; the server goes on serving.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListResourcesResult, ListToolsResult, MetaObject, PaginatedRequestParams,
    ProgressNotificationParam, ProgressToken, ReadResourceRequestParams, ReadResourceResponse,
    ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::Value;
use shipshape_secrets::{Progress, Stage};
use tokio::sync::Semaphore;

use crate::limits;
use crate::resources;
use crate::tools::{self, Call};

/// How often a running scan reports progress.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// What an agent is told when it connects: the workflow the tools are made for.
const INSTRUCTIONS: &str = include_str!("instructions.md");

pub struct ShipshapeServer {
    root: Arc<PathBuf>,
    allow_write: bool,
    running: Arc<Semaphore>,
    waiting: Arc<AtomicUsize>,
    calls: AtomicU64,
}

impl ShipshapeServer {
    /// A server for the repository at `root` (canonical; the working directory).
    pub fn new(root: PathBuf, allow_write: bool) -> ShipshapeServer {
        ShipshapeServer {
            root: Arc::new(root),
            allow_write,
            running: Arc::new(Semaphore::new(limits::MAX_RUNNING)),
            waiting: Arc::new(AtomicUsize::new(0)),
            calls: AtomicU64::new(0),
        }
    }

    /// Run one call to the end: a result, or a message for a tool error.
    async fn call(
        &self,
        id: u64,
        spec: &'static tools::ToolSpec,
        args: Value,
        context: &RequestContext<RoleServer>,
    ) -> Result<tools::Output, String> {
        let started = Instant::now();
        let limit = if spec.is_long(&args) {
            limits::HISTORY_TIME_LIMIT
        } else {
            limits::CALL_TIME_LIMIT
        };
        let deadline = tokio::time::Instant::now() + limit;
        let progress = Arc::new(Progress::default());

        // Wait for a turn: bounded, cancellable, within the time limit.
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= limits::MAX_WAITING {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(format!(
                "busy: {} calls are running and {} waiting; try again shortly",
                limits::MAX_RUNNING,
                limits::MAX_WAITING
            ));
        }
        let permit = tokio::select! {
            p = Arc::clone(&self.running).acquire_owned() => p,
            _ = context.ct.cancelled() => {
                self.waiting.fetch_sub(1, Ordering::SeqCst);
                return Err("cancelled before it started".into());
            }
            _ = tokio::time::sleep_until(deadline) => {
                self.waiting.fetch_sub(1, Ordering::SeqCst);
                return Err(format!("timed out after {} s waiting for a turn", limit.as_secs()));
            }
        };
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        let permit = permit.map_err(|_| "the server is shutting down".to_string())?;

        let root = Arc::clone(&self.root);
        let allow_write = self.allow_write;
        let scan = Arc::clone(&progress);
        let name = spec.name;
        let mut work = tokio::task::spawn_blocking(move || {
            // The turn is held until the work really ends, even when the caller stopped waiting.
            let _permit = permit;
            let call = Call {
                root: &root,
                allow_write,
                progress: &scan,
            };
            let result = tools::run(name, args, &call);
            if scan.is_cancelled() {
                log(format_args!(
                    "call {id} ({name}) stopped early: {} of {} {} done",
                    scan.done.load(Ordering::Relaxed),
                    scan.total.load(Ordering::Relaxed),
                    stage_name(scan.stage())
                ));
            }
            result
        });

        let token = context.meta.get_progress_token().filter(|_| spec.progress);
        let mut ticks = tokio::time::interval(PROGRESS_EVERY);
        let mut reported = Reported::default();
        loop {
            tokio::select! {
                joined = &mut work => {
                    let result = match joined {
                        Ok(r) => r,
                        Err(e) if e.is_panic() => Err(format!(
                            "internal error: shipshape failed on this call ({}) — please report \
                             it with the arguments",
                            panic_message(e.into_panic())
                        )),
                        Err(e) => Err(format!("internal error: {e}")),
                    };
                    log(format_args!(
                        "call {id} ({name}) {} in {} ms",
                        if result.is_ok() { "done" } else { "failed" },
                        started.elapsed().as_millis()
                    ));
                    return result;
                }
                _ = context.ct.cancelled() => {
                    progress.cancel();
                    log(format_args!("call {id} ({name}) cancelled by the client"));
                    return Err("cancelled".into());
                }
                _ = tokio::time::sleep_until(deadline) => {
                    progress.cancel();
                    log(format_args!("call {id} ({name}) timed out"));
                    return Err(format!(
                        "timed out after {} s — narrow the call (a sub-folder; for history, \
                         `since`)",
                        limit.as_secs()
                    ));
                }
                _ = ticks.tick(), if token.is_some() => {
                    let Some(token) = &token else { continue };
                    let Some(note) = reported.next(token, &progress) else { continue };
                    // A client that stopped listening does not stop the work.
                    let _ = context.peer.notify_progress(note).await;
                }
            }
        }
    }
}

/// What has been reported of a scan's progress. The protocol wants a value that only grows, and
/// the scan's counters restart at each stage (commits, then blobs): each stage counts on from
/// where the one before ended.
#[derive(Default)]
struct Reported {
    stage: Option<Stage>,
    base: f64,
    last: f64,
    sent: bool,
}

impl Reported {
    /// The notification to send now, if there is news.
    fn next(
        &mut self,
        token: &ProgressToken,
        progress: &Progress,
    ) -> Option<ProgressNotificationParam> {
        let stage = progress.stage();
        let done = progress.done.load(Ordering::Relaxed) as f64;
        let total = progress.total.load(Ordering::Relaxed) as f64;
        if self.stage != Some(stage) {
            self.stage = Some(stage);
            self.base = self.last;
        }
        let value = self.base + done;
        let news = if self.sent {
            value > self.last
        } else {
            value > 0.0 || total > 0.0
        };
        if !news {
            return None;
        }
        self.sent = true;
        self.last = value;
        let mut note = ProgressNotificationParam::new(token.clone(), value).with_message(format!(
            "{} {}{}",
            stage_name(stage),
            done as u64,
            if total > 0.0 {
                format!(" of {}", total as u64)
            } else {
                String::new()
            }
        ));
        if total > 0.0 {
            note = note.with_total(self.base + total);
        }
        Some(note)
    }
}

fn stage_name(stage: Stage) -> &'static str {
    stage.noun()
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".into()
    }
}

/// Logs go to stderr: stdout is the protocol.
pub(crate) fn log(args: std::fmt::Arguments) {
    eprintln!("shipshape mcp: {args}");
}

/// The JSON a tool returns, as the result: `structuredContent`, the same JSON as text, then any
/// notes; `_meta` for the page, the gate and what was cut.
fn tool_result(out: tools::Output) -> CallToolResult {
    let text = serde_json::to_string_pretty(&out.value).unwrap_or_default();
    let mut content = vec![ContentBlock::text(text)];
    content.extend(out.notes.into_iter().map(ContentBlock::text));
    let mut result = if out.is_error {
        CallToolResult::structured_error(out.value)
    } else {
        CallToolResult::structured(out.value)
    };
    result.content = content;
    if !out.meta.is_empty() {
        result = result.with_meta(Some(MetaObject(out.meta)));
    }
    result
}

impl ServerHandler for ShipshapeServer {
    fn get_info(&self) -> ServerConfig {
        let caps = ServerCapabilities::builder()
            .enable_tools()
            .enable_resources()
            .build();
        ServerConfig::new(caps)
            .with_server_info(
                Implementation::new("shipshape", env!("CARGO_PKG_VERSION"))
                    .with_title("shipshape")
                    .with_description(
                        "Assess, generate and audit the operations side of an application \
                         repository, offline and deterministically.",
                    ),
            )
            .with_instructions(INSTRUCTIONS.replace("{ROOT}", &self.root.display().to_string()))
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(
            tools::TOOLS.iter().map(tools::ToolSpec::describe).collect(),
        ))
    }

    fn get_tool(&self, name: &str) -> Option<rmcp::model::Tool> {
        tools::find(name).map(tools::ToolSpec::describe)
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let Some(spec) = tools::find(&request.name) else {
            return Err(McpError::invalid_params(
                format!(
                    "no tool `{}`; the tools are {}",
                    request.name,
                    tools::TOOLS
                        .iter()
                        .map(|t| t.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None,
            ));
        };
        let id = self.calls.fetch_add(1, Ordering::Relaxed) + 1;
        let args = request.arguments.map(Value::Object).unwrap_or(Value::Null);
        let result = match self.call(id, spec, args, &context).await {
            Ok(out) => tool_result(out),
            Err(message) => CallToolResult::error(vec![ContentBlock::text(message)]),
        };
        Ok(result.into())
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        let list = tokio::task::spawn_blocking(resources::list)
            .await
            .map_err(|e| McpError::internal_error(e.to_string(), None))?;
        Ok(ListResourcesResult::with_all_items(list))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        let uri = request.uri.clone();
        let read = tokio::task::spawn_blocking(move || resources::read(&uri))
            .await
            .map_err(|e| McpError::internal_error(e.to_string(), None))?;
        match read {
            Some(contents) => Ok(rmcp::model::ReadResourceResult::new(vec![contents]).into()),
            None => Err(McpError::resource_not_found(
                format!(
                    "no resource `{}`: rules are shipshape://rules/<ID>, schemas \
                     shipshape://schemas/<file>",
                    request.uri
                ),
                None,
            )),
        }
    }
}
