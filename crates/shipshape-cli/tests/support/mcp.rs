//! A real MCP client for the tests: rmcp's client over a child process running the `shipshape`
//! binary (`shipshape mcp ROOT`), recording progress notifications and the server's stderr.
//! Included by the MCP tests (`#[path = …] mod mcp;`).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use rmcp::model::{CallToolRequestParams, CallToolResult, ProgressNotificationParam, Tool};
use rmcp::service::{NotificationContext, RunningService};
use rmcp::transport::TokioChildProcess;
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use serde_json::{json, Value};
use tokio::io::AsyncBufReadExt;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_shipshape"))
}

/// Progress notifications as they arrive.
#[derive(Clone, Default)]
pub struct Recorder {
    pub progress: Arc<Mutex<Vec<ProgressNotificationParam>>>,
    pub arrived: Arc<tokio::sync::Notify>,
}

impl ClientHandler for Recorder {
    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.progress.lock().unwrap().push(params);
        self.arrived.notify_waiters();
    }
}

pub struct Server {
    pub client: RunningService<RoleClient, Recorder>,
    pub recorder: Recorder,
    /// The server's stderr, line by line.
    pub log: Arc<Mutex<Vec<String>>>,
    pub logged: Arc<tokio::sync::Notify>,
}

/// `shipshape mcp <root>` (with `--allow-write` when asked), connected.
pub async fn start(root: &Path, allow_write: bool) -> Server {
    let mut cmd = tokio::process::Command::new(binary());
    cmd.arg("mcp").arg(root);
    if allow_write {
        cmd.arg("--allow-write");
    }
    let (transport, stderr) = TokioChildProcess::builder(cmd)
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let log = Arc::new(Mutex::new(Vec::new()));
    let logged = Arc::new(tokio::sync::Notify::new());
    if let Some(stderr) = stderr {
        let (log, logged) = (Arc::clone(&log), Arc::clone(&logged));
        tokio::spawn(async move {
            let mut lines = tokio::io::BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                log.lock().unwrap().push(line);
                logged.notify_waiters();
            }
        });
    }
    let recorder = Recorder::default();
    let client = recorder
        .clone()
        .serve(transport)
        .await
        .expect("the MCP handshake succeeds");
    Server {
        client,
        recorder,
        log,
        logged,
    }
}

impl Server {
    pub async fn tools(&self) -> Vec<Tool> {
        self.client.list_all_tools().await.expect("tools/list")
    }

    /// Call `name` with `args`; the result, whatever it is.
    pub async fn call(&self, name: &str, args: Value) -> CallToolResult {
        let Value::Object(args) = args else {
            panic!("arguments are an object")
        };
        self.client
            .call_tool(CallToolRequestParams::new(name.to_string()).with_arguments(args))
            .await
            .unwrap_or_else(|e| panic!("{name}: the call got no result: {e}"))
    }

    /// Call `name`, expect success, check the result against the tool's output schema and that
    /// the text is the same JSON; the structured result.
    pub async fn structured(&self, name: &str, args: Value) -> Value {
        let result = self.call(name, args.clone()).await;
        assert_ne!(
            result.is_error,
            Some(true),
            "{name} {args} failed: {}",
            text(&result)
        );
        let structured = result
            .structured_content
            .clone()
            .unwrap_or_else(|| panic!("{name} returned no structuredContent"));
        let tool = self
            .tools()
            .await
            .into_iter()
            .find(|t| t.name == name)
            .unwrap();
        let schema = Value::Object(
            tool.output_schema
                .expect("an output schema")
                .as_ref()
                .clone(),
        );
        assert_matches_schema(name, &schema, &structured);
        let as_text: Value = serde_json::from_str(&text(&result)).expect("the text is JSON");
        assert_eq!(
            as_text, structured,
            "{name}: text and structuredContent differ"
        );
        structured
    }

    /// Wait until the server's stderr has a line containing `needle`; that line.
    pub async fn wait_for_log(&self, needle: &str, within: std::time::Duration) -> String {
        let found = tokio::time::timeout(within, async {
            loop {
                let notified = self.logged.notified();
                if let Some(l) = self.log.lock().unwrap().iter().find(|l| l.contains(needle)) {
                    return l.clone();
                }
                notified.await;
            }
        })
        .await;
        found.unwrap_or_else(|_| {
            panic!(
                "no `{needle}` in the server's log within {within:?}:\n{}",
                self.log.lock().unwrap().join("\n")
            )
        })
    }

    pub async fn stop(self) {
        let _ = self.client.cancel().await;
    }
}

/// The first text block of a result.
pub fn text(result: &CallToolResult) -> String {
    result
        .content
        .first()
        .and_then(|c| c.as_text())
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

pub fn assert_matches_schema(what: &str, schema: &Value, doc: &Value) {
    let validator = jsonschema::validator_for(schema).expect("the output schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .take(10)
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: structuredContent breaks the outputSchema:\n{}",
        errors.join("\n")
    );
}

/// `shipshape <args>` run in `dir`, its stdout parsed as JSON.
pub fn cli_json(dir: &Path, args: &[&str]) -> Value {
    let out = std::process::Command::new(binary())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the CLI runs");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "shipshape {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("shipshape {args:?} printed no JSON: {e}"))
}

/// `shipshape <args>` run in `dir`, its stdout.
pub fn cli_text(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new(binary())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the CLI runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Copy a folder (files and folders only).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Run git in `dir` with a fixed identity and dates; panics on failure.
pub fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn no_args() -> Value {
    json!({})
}
