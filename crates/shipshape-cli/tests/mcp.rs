//! `shipshape mcp` as an agent meets it, through rmcp's client over a child process running the
//! real binary: the tools and their schemas, every tool on a fixture repository with its result
//! checked against the tool's `outputSchema`, the same JSON as the CLI's `--format json` for the
//! same call, the resources and the instructions.

#[path = "support/mcp.rs"]
mod mcp;

use mcp::*;
use serde_json::{json, Value};

/// examples/shop in a git repository of its own (for the history scope), in a temporary folder.
fn shop() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo_root().join("examples/shop"), dir.path());
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "shop"]);
    dir
}

const TOOLS: [&str; 8] = [
    "context",
    "assess",
    "plan_init",
    "apply_init",
    "audit",
    "secrets",
    "explain_rule",
    "list_rules",
];

#[tokio::test]
async fn lists_each_tool_with_a_description_schemas_and_truthful_annotations() {
    let repo = shop();
    let server = start(repo.path(), false).await;
    let tools = server.tools().await;
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(names, TOOLS);
    for t in &tools {
        assert!(
            t.description.as_ref().is_some_and(|d| d.len() > 80),
            "{}",
            t.name
        );
        assert_eq!(t.input_schema["type"], "object", "{}", t.name);
        let out = t.output_schema.as_ref().expect("an output schema");
        assert_eq!(out["type"], "object", "{}", t.name);
        assert!(out["$id"]
            .as_str()
            .unwrap()
            .starts_with("https://shipshape.dev/schemas/"));
        let a = t.annotations.as_ref().expect("annotations");
        let writes = t.name == "apply_init";
        assert_eq!(a.read_only_hint, Some(!writes), "{}", t.name);
        assert_eq!(a.destructive_hint, writes.then_some(true), "{}", t.name);
        assert_eq!(a.idempotent_hint, Some(true), "{}", t.name);
        assert_eq!(a.open_world_hint, Some(false), "{}", t.name);
    }
    // The published schema is the output schema.
    let context = tools.iter().find(|t| t.name == "context").unwrap();
    let published: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("schemas/context.schema.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        Value::Object(context.output_schema.as_ref().unwrap().as_ref().clone()),
        published
    );
    server.stop().await;
}

#[tokio::test]
async fn the_instructions_give_the_workflow_in_order() {
    let repo = shop();
    let server = start(repo.path(), false).await;
    let info = server.client.peer_info().expect("server info");
    assert_eq!(info.server_info.as_ref().unwrap().name, "shipshape");
    let text = info.instructions.clone().expect("instructions");
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("no {s} in {text}"));
    assert!(at("`context`") < at("`assess`"));
    assert!(at("`assess`") < at("`plan_init`"));
    assert!(at("`plan_init`") < at("`apply_init`"));
    assert!(at("`apply_init`") < at("`verify`"));
    assert!(at("`verify`") < at("`audit`"));
    assert!(text.contains("devops_progress"));
    server.stop().await;
}

/// Every tool on examples/shop: valid against its output schema, and the JSON the CLI prints for
/// the same call.
#[tokio::test]
async fn every_tool_returns_what_the_cli_prints_as_json_for_the_same_call() {
    let repo = shop();
    let dir = repo.path();
    let server = start(dir, true).await;

    let cases: Vec<(&str, Value, Vec<&str>)> = vec![
        (
            "context",
            json!({}),
            vec!["context", "--format", "json", "."],
        ),
        (
            "context",
            json!({"path": "api"}),
            vec!["context", "--format", "json", "api"],
        ),
        ("assess", json!({}), vec!["assess", "--format", "json", "."]),
        (
            "assess",
            json!({"history": true}),
            vec!["assess", "--history", "--format", "json", "."],
        ),
        ("audit", json!({}), vec!["audit", "--format", "json", "."]),
        (
            "audit",
            json!({"paths": ["web", "api/Dockerfile"], "select": ["dockerfile"], "ignore": ["SS-DOCKER-001"]}),
            vec![
                "audit",
                "--format",
                "json",
                "web",
                "api/Dockerfile",
                "--select",
                "dockerfile",
                "--ignore",
                "SS-DOCKER-001",
            ],
        ),
        (
            "secrets",
            json!({}),
            vec!["secrets", "--format", "json", "."],
        ),
        (
            "secrets",
            json!({"scope": "history"}),
            vec!["secrets", "--history", "--format", "json", "."],
        ),
        (
            "secrets",
            json!({"scope": "staged"}),
            vec!["secrets", "--staged", "--format", "json", "."],
        ),
        (
            "plan_init",
            json!({}),
            vec!["init", "--dry-run", "--format", "json", "."],
        ),
        (
            "plan_init",
            json!({"only": ["compose"]}),
            vec![
                "init",
                "--dry-run",
                "--only",
                "compose",
                "--format",
                "json",
                ".",
            ],
        ),
    ];
    for (tool, args, cli) in cases {
        let mcp = server.structured(tool, args.clone()).await;
        let expected = cli_json(dir, &cli);
        assert_eq!(
            mcp, expected,
            "{tool} {args} differs from shipshape {cli:?}"
        );
    }

    // Rules: the CLI prints a list; a tool result is an object, so the list is under `rules`.
    let rules = server.structured("list_rules", json!({})).await;
    assert_eq!(
        rules["rules"],
        cli_json(dir, &["rules", "--format", "json", "--repository", "."])
    );
    let docker = server
        .structured("list_rules", json!({"select": ["dockerfile"]}))
        .await;
    let docker = docker["rules"].as_array().unwrap();
    assert!(docker.len() > 30 && docker.iter().all(|r| r["domain"] == "dockerfile"));

    let explained = server
        .structured("explain_rule", json!({"rule": "no-latest-tag"}))
        .await;
    let id = explained["rule"]["id"].as_str().unwrap().to_string();
    let entry = rules["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id.as_str())
        .unwrap();
    assert_eq!(&explained["rule"], entry);
    assert_eq!(
        explained["documentation"],
        cli_text(dir, &["explain", "no-latest-tag"])
    );

    // apply_init writes what init writes: compare with the CLI on an identical copy.
    let twin = shop();
    let applied = server.structured("apply_init", json!({})).await;
    assert_eq!(
        applied,
        cli_json(twin.path(), &["init", "--format", "json", "."])
    );
    assert_eq!(applied["status"], "ok");
    assert!(dir.join("web/Dockerfile").is_file() || dir.join("api/Dockerfile").is_file());
    for area in ["docker", "ci_cd", "infra", "monitoring"] {
        assert!(applied["devops_progress"][area].is_array(), "{area}");
    }
    // Twice is the same as once.
    let again = server.structured("apply_init", json!({})).await;
    assert_eq!(again["status"], "nothing-to-do");
    server.stop().await;
}

#[tokio::test]
async fn findings_come_in_pages_that_add_up_to_the_whole_report() {
    let repo = shop();
    let server = start(repo.path(), false).await;
    let whole = cli_json(repo.path(), &["audit", "--format", "json", "."]);
    let total = whole["findings"].as_array().unwrap().len();
    assert!(total >= 4, "examples/shop has findings to page through");
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let result = server
            .call("audit", json!({"offset": offset, "limit": 3}))
            .await;
        let page = result.structured_content.clone().unwrap();
        seen.extend(page["findings"].as_array().unwrap().iter().cloned());
        assert_eq!(
            page["summary"], whole["summary"],
            "the summary counts every finding"
        );
        let meta = result.meta.as_ref().expect("_meta").0.clone();
        assert_eq!(meta["shipshape/page"]["total"], total);
        match meta["shipshape/page"]["next_offset"].as_u64() {
            Some(next) => {
                assert!(page["notes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|n| n.as_str().unwrap().contains("call again with offset=")));
                offset = next as usize;
            }
            None => break,
        }
    }
    assert_eq!(Value::Array(seen), whole["findings"]);
    let gate = server.call("audit", json!({"fail_on": "error"})).await;
    let meta = gate.meta.unwrap().0;
    assert_eq!(meta["shipshape/gate"]["fail_on"], "error");
    assert!(meta["shipshape/gate"]["failed"].is_boolean());
    server.stop().await;
}

#[tokio::test]
async fn resources_are_the_rule_documents_and_the_published_schemas() {
    let repo = shop();
    let server = start(repo.path(), false).await;
    let resources = server.client.list_all_resources().await.unwrap();
    let rules = cli_json(
        repo.path(),
        &["rules", "--format", "json", "--repository", "."],
    );
    let rule_count = rules.as_array().unwrap().len();
    let rule_docs: Vec<_> = resources
        .iter()
        .filter(|r| r.uri.starts_with("shipshape://rules/"))
        .collect();
    assert_eq!(rule_docs.len(), rule_count, "one resource per rule");
    let schemas: Vec<_> = resources
        .iter()
        .filter(|r| r.uri.starts_with("shipshape://schemas/"))
        .collect();
    for file in ["context", "assess", "audit", "secrets", "init", "rules"] {
        assert!(
            schemas
                .iter()
                .any(|r| r.uri == format!("shipshape://schemas/{file}.schema.json")),
            "{file}"
        );
    }
    let read = |uri: &str| {
        let uri = uri.to_string();
        let client = &server.client;
        async move {
            let r = client
                .read_resource(rmcp::model::ReadResourceRequestParams::new(uri.clone()))
                .await
                .unwrap_or_else(|e| panic!("{uri}: {e}"));
            match &r.contents[0] {
                rmcp::model::ResourceContents::TextResourceContents { text, .. } => text.clone(),
                other => panic!("{uri}: not text: {other:?}"),
            }
        }
    };
    assert_eq!(
        read("shipshape://rules/SS-DOCKER-001").await,
        cli_text(repo.path(), &["explain", "SS-DOCKER-001"])
    );
    let schema: Value =
        serde_json::from_str(&read("shipshape://schemas/context.schema.json").await).unwrap();
    let published: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("schemas/context.schema.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(schema, published);
    let missing = server
        .client
        .read_resource(rmcp::model::ReadResourceRequestParams::new(
            "shipshape://rules/SS-NOPE-999",
        ))
        .await;
    assert!(missing.is_err());
    server.stop().await;
}

#[tokio::test]
async fn a_bad_argument_is_a_tool_error_that_says_what_is_wrong() {
    let repo = shop();
    let server = start(repo.path(), false).await;
    for (tool, args, says) in [
        ("audit", json!({"pathz": ["."]}), "unknown field `pathz`"),
        ("audit", json!({"select": ["no-such-rule"]}), "no-such-rule"),
        (
            "audit",
            json!({"limit": 0}),
            "limit must be between 1 and 500",
        ),
        (
            "explain_rule",
            json!({"rule": "SS-NOPE-999"}),
            "no rule `SS-NOPE-999`",
        ),
        ("secrets", json!({"since": "HEAD"}), "`since` needs"),
        (
            "plan_init",
            json!({"only": ["kubernetes"]}),
            "unknown variant `kubernetes`",
        ),
        ("context", json!({"path": "nope"}), "does not exist"),
    ] {
        let r = server.call(tool, args.clone()).await;
        assert_eq!(r.is_error, Some(true), "{tool} {args}");
        assert!(text(&r).contains(says), "{tool} {args}: {}", text(&r));
    }
    // The server is still serving.
    server.structured("context", json!({})).await;
    server.stop().await;
}

#[tokio::test]
async fn an_unknown_tool_is_a_protocol_error() {
    let repo = shop();
    let server = start(repo.path(), false).await;
    let r = server
        .client
        .call_tool(rmcp::model::CallToolRequestParams::new("deploy"))
        .await;
    assert!(r.is_err());
    server.structured("context", json!({})).await;
    server.stop().await;
}

#[test]
fn the_server_refuses_a_root_that_is_not_a_folder() {
    let out = std::process::Command::new(binary())
        .args(["mcp", "/no/such/folder"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/folder"));
    assert!(
        out.stdout.is_empty(),
        "stdout is the protocol: nothing else goes there"
    );
}

#[tokio::test]
async fn the_agent_definition_names_only_tools_the_server_has_in_workflow_order() {
    let text = std::fs::read_to_string(repo_root().join("agents/devops-engineer.md")).unwrap();
    let front = text
        .strip_prefix("---\n")
        .and_then(|t| t.split_once("\n---\n"))
        .expect("front matter")
        .0;
    let field = |name: &str| {
        front
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("no `{name}` in the front matter"))
            .to_string()
    };
    assert_eq!(field("name"), "devops-engineer");
    assert!(field("description").len() > 100);
    let named: Vec<String> = field("tools")
        .split(", ")
        .filter_map(|t| t.strip_prefix("mcp__shipshape__"))
        .map(str::to_string)
        .collect();
    let repo = shop();
    let server = start(repo.path(), false).await;
    let tools: Vec<String> = server
        .tools()
        .await
        .iter()
        .map(|t| t.name.to_string())
        .collect();
    assert_eq!(named, tools, "the agent may use exactly the server's tools");
    server.stop().await;
    // The steps come in the server's workflow order, and progress is reported in init's shape.
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("no {s}"));
    assert!(at("call `context`") < at("call `assess`"));
    assert!(at("call `assess`") < at("call `plan_init`"));
    assert!(at("call `plan_init`") < at("call `apply_init`"));
    assert!(at("call `apply_init`") < at("**Verify**"));
    assert!(at("**Verify**") < at("call `audit`"));
    let example = text
        .split("```json\n")
        .nth(1)
        .and_then(|t| t.split("```").next())
        .expect("a JSON example");
    let example: Value = serde_json::from_str(example).expect("the example is JSON");
    let areas: Vec<&String> = example["devops_progress"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    let init_areas = cli_json(repo.path(), &["init", "--dry-run", "--format", "json", "."]);
    let expected: Vec<&String> = init_areas["devops_progress"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(areas, expected);
}
