//! `shipshape mcp` through a second, independent client: the official MCP inspector CLI from npm
//! (`@modelcontextprotocol/inspector-cli`, on the TypeScript SDK). Its client validates every
//! `structuredContent` against the tool's `outputSchema` and fails the call when it does not
//! match; the test checks the same again with a strict 2020-12 validator, and that the JSON
//! equals the CLI's `--format json`.
//!
//! The inspector is a peer: `scripts/install-mcp-inspector.sh` installs it (`scripts/test.sh`
//! runs that and sets `SHIPSHAPE_MCP_INSPECTOR`); a missing inspector fails the test unless
//! `SHIPSHAPE_SKIP_PEERS=1`.

#[path = "support/mcp.rs"]
mod mcp;
#[path = "../../../tests/support/peers.rs"]
mod peers;

use std::path::{Path, PathBuf};
use std::process::Command;

use mcp::*;
use serde_json::{json, Value};

fn inspector() -> Option<PathBuf> {
    peers::require(
        "SHIPSHAPE_MCP_INSPECTOR",
        "mcp-inspector-cli",
        "scripts/install-mcp-inspector.sh",
    )
}

/// The `.mcp.json` example from `agents/`, pointed at the binary under test and at `root`.
fn config(dir: &Path, root: &Path, allow_write: bool) -> PathBuf {
    let example: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("agents/.mcp.json")).unwrap(),
    )
    .expect("agents/.mcp.json is JSON");
    let mut server = example["mcpServers"]["shipshape"].clone();
    assert_eq!(server["command"], "shipshape");
    assert_eq!(server["args"], json!(["mcp", "."]));
    server["command"] = json!(binary());
    let mut args = vec![json!("mcp"), json!(root)];
    if allow_write {
        args.push(json!("--allow-write"));
    }
    server["args"] = json!(args);
    let path = dir.join("mcp.json");
    let cfg = json!({ "mcpServers": { "shipshape": server } });
    std::fs::write(&path, serde_json::to_string_pretty(&cfg).unwrap()).unwrap();
    path
}

/// Run the inspector's CLI mode with `args`; its JSON output.
fn inspect(inspector: &Path, config: &Path, args: &[&str]) -> Value {
    // inspector-cli 1.0.3 finds its own package.json at `../package.json` *of the working
    // directory* (else `../../package.json`, which exists only inside the full inspector
    // package), so it runs from its `build/` folder, where that path is right.
    let build_dir = std::fs::canonicalize(inspector)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("."));
    let out = Command::new(inspector)
        .current_dir(build_dir)
        .arg("--cli")
        .arg("--config")
        .arg(config)
        .args(["--server", "shipshape"])
        .args(args)
        .output()
        .expect("the inspector runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "mcp-inspector-cli {args:?} failed:\n{}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("mcp-inspector-cli {args:?} printed no JSON ({e}):\n{stdout}"))
}

type Case<'a> = (&'a str, Vec<&'a str>, Option<Vec<&'a str>>);

fn shop() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo_root().join("examples/shop"), dir.path());
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "shop"]);
    dir
}

#[test]
fn the_inspector_lists_the_tools_and_calls_each_one_with_results_valid_against_their_schemas() {
    let Some(inspector) = inspector() else { return };
    let repo = shop();
    let scratch = tempfile::tempdir().unwrap();
    let cfg = config(scratch.path(), repo.path(), true);

    let listed = inspect(&inspector, &cfg, &["--method", "tools/list"]);
    let tools = listed["tools"].as_array().expect("tools");
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "context",
            "assess",
            "plan_init",
            "apply_init",
            "audit",
            "secrets",
            "explain_rule",
            "list_rules"
        ]
    );
    let schema_of =
        |name: &str| tools.iter().find(|t| t["name"] == name).unwrap()["outputSchema"].clone();

    let dir = repo.path();
    // (tool, its arguments as the inspector takes them, the same call to the CLI)
    let cases: Vec<Case> = vec![
        (
            "context",
            vec![],
            Some(vec!["context", "--format", "json", "."]),
        ),
        (
            "assess",
            vec![],
            Some(vec!["assess", "--format", "json", "."]),
        ),
        (
            "assess",
            vec!["history=true"],
            Some(vec!["assess", "--history", "--format", "json", "."]),
        ),
        (
            "plan_init",
            vec![],
            Some(vec!["init", "--dry-run", "--format", "json", "."]),
        ),
        (
            "audit",
            vec!["paths=[\"web\"]", "select=[\"dockerfile\"]"],
            Some(vec![
                "audit",
                "--format",
                "json",
                "web",
                "--select",
                "dockerfile",
            ]),
        ),
        (
            "audit",
            vec![],
            Some(vec!["audit", "--format", "json", "."]),
        ),
        (
            "secrets",
            vec![],
            Some(vec!["secrets", "--format", "json", "."]),
        ),
        (
            "secrets",
            vec!["scope=history"],
            Some(vec!["secrets", "--history", "--format", "json", "."]),
        ),
        ("explain_rule", vec!["rule=no-latest-tag"], None),
        ("list_rules", vec!["select=[\"compose\"]"], None),
        ("apply_init", vec![], None),
    ];
    for (tool, tool_args, cli) in cases {
        let mut args = vec!["--method", "tools/call", "--tool-name", tool];
        if !tool_args.is_empty() {
            args.push("--tool-arg");
            args.extend(tool_args.iter().copied());
        }
        let result = inspect(&inspector, &cfg, &args);
        assert_ne!(result["isError"], true, "{tool} {tool_args:?}: {result}");
        let structured = result["structuredContent"].clone();
        assert!(structured.is_object(), "{tool}: no structuredContent");
        assert_matches_schema(tool, &schema_of(tool), &structured);
        let as_text: Value =
            serde_json::from_str(result["content"][0]["text"].as_str().unwrap()).unwrap();
        assert_eq!(
            as_text, structured,
            "{tool}: text and structuredContent differ"
        );
        if let Some(cli) = cli {
            assert_eq!(
                structured,
                cli_json(dir, &cli),
                "{tool} differs from shipshape {cli:?}"
            );
        }
        if tool == "apply_init" {
            assert_eq!(structured["status"], "ok");
        }
    }

    let resources = inspect(&inspector, &cfg, &["--method", "resources/list"]);
    let uris: Vec<&str> = resources["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["uri"].as_str().unwrap())
        .collect();
    assert!(uris.contains(&"shipshape://schemas/context.schema.json"));
    assert!(uris.contains(&"shipshape://rules/SS-DOCKER-001"));
    let doc = inspect(
        &inspector,
        &cfg,
        &[
            "--method",
            "resources/read",
            "--uri",
            "shipshape://rules/SS-DOCKER-001",
        ],
    );
    assert_eq!(
        doc["contents"][0]["text"].as_str().unwrap(),
        cli_text(dir, &["explain", "SS-DOCKER-001"])
    );
}

#[test]
fn the_inspector_sees_a_refused_write_as_a_tool_error() {
    let Some(inspector) = inspector() else { return };
    let repo = shop();
    let scratch = tempfile::tempdir().unwrap();
    let cfg = config(scratch.path(), repo.path(), false);
    let result = inspect(
        &inspector,
        &cfg,
        &["--method", "tools/call", "--tool-name", "apply_init"],
    );
    assert_eq!(result["isError"], true);
    assert!(result["content"][0]["text"]
        .as_str()
        .unwrap()
        .contains("--allow-write"));
    let result = inspect(
        &inspector,
        &cfg,
        &[
            "--method",
            "tools/call",
            "--tool-name",
            "context",
            "--tool-arg",
            "path=../",
        ],
    );
    assert_eq!(result["isError"], true);
}
