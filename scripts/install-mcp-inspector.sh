#!/usr/bin/env bash
# Installs the official MCP inspector CLI (@modelcontextprotocol/inspector-cli, from npm) into
# .ci/mcp-inspector, once, and prints the path of its `mcp-inspector-cli` command. The MCP tests
# drive `shipshape mcp` through it as a second, independent client (crates/shipshape-cli/tests/
# mcp_inspector.rs); `scripts/test.sh` runs this and exports SHIPSHAPE_MCP_INSPECTOR.
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned: the inspector validates results against output schemas with its own SDK version.
version="1.0.3"
prefix="$PWD/.ci/mcp-inspector"
bin="$prefix/node_modules/.bin/mcp-inspector-cli"
manifest="$prefix/node_modules/@modelcontextprotocol/inspector-cli/package.json"

if ! command -v npm >/dev/null 2>&1; then
  echo "install-mcp-inspector: npm is not installed (Node.js 20 or newer is needed)" >&2
  exit 1
fi
if [ ! -x "$bin" ] || ! grep -q "\"version\": \"$version\"" "$manifest" 2>/dev/null; then
  start=$(date +%s)
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-audit --no-fund --no-save --silent \
    "@modelcontextprotocol/inspector-cli@$version" >&2
  echo "mcp-inspector-cli $version installed in $(( $(date +%s) - start ))s" >&2
fi
echo "$bin"
