#!/usr/bin/env bash
# Smoke test of generated Dockerfiles, without a Docker engine: for a few fixture apps, run the
# recipe their generated Dockerfile runs — the same install, build and start commands, from the
# generator itself (`native_recipe` example), so the two cannot drift — natively in a temporary
# copy, and expect HTTP 200 from the health endpoint on the port the Dockerfile EXPOSEs.
#
# Differences from the image, by necessity: the runtime is the machine's (Node.js, Python from
# pyenv, the installed Rust toolchain instead of the image's), and `/app` is the temporary copy.
#
# Then the lint-and-test job of the GitHub Actions workflow `init --only ci` generates
# (`ci_test_commands` example): its `run:` commands, in order, in a fresh copy, on the same
# runtimes (a step that only installs a toolchain version, `rustup toolchain install`, is left
# to the CI runner). Every command must exit 0.
#
# Usage: tests/smoke/run.sh [FIXTURE …]   (default: node-express python-fastapi-uv rust-axum)
# Env:   SHIPSHAPE_SMOKE_VENV  a Python venv for uv (default .ci/venv, created when missing)
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${SHIPSHAPE_SMOKE_VENV:-$repo/.ci/venv}"
health_timeout=60

declare -A service_of=(
  [node-express]=orders-api
  [python-fastapi-uv]=orders-api
  [rust-axum]=todo-api
)
fixtures=("$@")
if [ ${#fixtures[@]} -eq 0 ]; then
  fixtures=(node-express python-fastapi-uv rust-axum)
fi

now() { date +%s; }
log() { printf 'smoke: %s\n' "$*"; }

cargo build -q -p shipshape-gen --example native_recipe --example ci_test_commands
target_dir="${CARGO_TARGET_DIR:-$repo/target}"
recipe_bin="$target_dir/debug/examples/native_recipe"
ci_bin="$target_dir/debug/examples/ci_test_commands"

# A path or value as the image sees it (/app/…) as the temporary copy sees it.
relocate() {
  local value="$1" root="$2"
  value="${value//\/app\//$root/}"
  [ "$value" = "/app" ] && value="$root"
  printf '%s' "$value"
}

# Export KEY=value pairs, relocated; `$PATH` in a value expands as Docker's ENV does.
export_pairs() {
  local root="$1"; shift
  local pair key value
  for pair in "$@"; do
    key="${pair%%=*}"
    value="$(relocate "${pair#*=}" "$root")"
    value="${value//\$PATH/$PATH}"
    export "$key=$value"
  done
}

# The interpreter of the image's Python version: on PATH, else from pyenv.
python_for() {
  local version="$1" candidate
  if command -v "python$version" >/dev/null 2>&1 && "python$version" -c 'import sys' 2>/dev/null; then
    command -v "python$version"; return
  fi
  for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$version".*/bin/"python$version"; do
    [ -x "$candidate" ] && { printf '%s' "$candidate"; return; }
  done
  return 1
}

prepare_tools() {
  local tool pin
  for tool in "${TOOLS[@]}"; do
    pin="${tool#*=}"
    case "${tool%%=*}" in
      uv)
        [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet "uv~=$pin.0"
        export PATH="$venv/bin:$PATH"
        ;;
    esac
  done
  if printf '%s\n' "${START[@]}" "${INSTALL[@]}" | grep -q 'uv\|uvicorn\|python'; then
    local py
    py="$(python_for "$RUNTIME_VERSION")" || { log "no Python $RUNTIME_VERSION interpreter found"; return 1; }
    export UV_PYTHON="$py"
  fi
}

summary=()
failed=0

smoke() {
  local fixture="$1" service="${service_of[$1]:-}"
  [ -n "$service" ] || { log "$fixture: no service configured"; return 1; }
  local work started step_start app url code server_pid deadline
  work="$(mktemp -d)"
  started=$(now)
  cp -R "$repo/tests/fixtures/apps/$fixture/." "$work/"
  local recipe
  recipe="$("$recipe_bin" "$work" "$service")" || { log "$fixture: no recipe"; return 1; }
  eval "$recipe"
  app="$work${SERVICE_DIR:+/$SERVICE_DIR}"
  # Cargo's output is kept between runs, as the Dockerfile's dependency layer is.
  if [ -f "$work/Cargo.toml" ]; then
    mkdir -p "$target_dir/smoke/$fixture"
    ln -s "$target_dir/smoke/$fixture" "$work/target"
  fi
  log "$fixture ($service): port $PORT, health $HEALTH_PATH"
  (
    set -euo pipefail
    # The image's toolchain version is pinned by the Dockerfile; natively the installed one builds.
    export RUSTUP_TOOLCHAIN=stable
    # The image builds into the project's own target/; so does this copy (see the link above).
    unset CARGO_TARGET_DIR
    prepare_tools
    export_pairs "$work" "${BUILD_ENV[@]}"
    step_start=$(now)
    cd "$work"
    for cmd in "${INSTALL[@]}"; do log "$fixture: install: $cmd"; bash -c "$(relocate "$cmd" "$work")"; done
    cd "$app"
    for cmd in "${BUILD[@]}"; do log "$fixture: build: $cmd"; bash -c "$(relocate "$cmd" "$work")"; done
    for copy in "${COPIES[@]}"; do
      from="${copy%% *}"; to="${copy#* }"
      case "$to" in /*) to="$(relocate "$to" "$work")" ;; *) to="$work/$to" ;; esac
      cp -R "$app/$from" "$to"
    done
    log "$fixture: install and build took $(( $(now) - step_start ))s"
  ) || { rm -rf "$work"; return 1; }

  # The app's own configuration, as `docker run --env-file .env` would give it: placeholders
  # that are never connected to at start-up.
  local start=() arg
  for arg in "${START[@]}"; do start+=("$(relocate "$arg" "$work")"); done
  (
    export_pairs "$work" "${RUN_ENV[@]}"
    export DATABASE_URL="postgresql://127.0.0.1:1/smoke" REDIS_URL="redis://127.0.0.1:1/0"
    cd "$app"
    exec setsid "${start[@]}"
  ) >"$work/server.log" 2>&1 &
  server_pid=$!
  url="http://127.0.0.1:$PORT$HEALTH_PATH"
  deadline=$(( $(now) + health_timeout ))
  code=000
  while [ "$(now)" -lt "$deadline" ]; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)"
    [ "$code" = 200 ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 1
  done
  kill -TERM -- "-$server_pid" 2>/dev/null || kill -TERM "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  local took=$(( $(now) - started ))
  if [ "$code" = 200 ]; then
    log "$fixture: GET $url -> 200 (${took}s in all)"
    summary+=("$fixture ${took}s ok")
    rm -rf "$work"
  else
    log "$fixture: GET $url -> $code; server output:"
    sed 's/^/  | /' "$work/server.log" | tail -40
    summary+=("$fixture ${took}s FAILED")
    rm -rf "$work"
    return 1
  fi
}

# The generated pipeline's lint and test commands, natively in a fresh copy of the fixture.
pipeline() {
  local fixture="$1" work started cmd
  work="$(mktemp -d)"
  started=$(now)
  cp -R "$repo/tests/fixtures/apps/$fixture/." "$work/"
  local commands
  commands="$("$ci_bin" "$work")" || { log "$fixture: no pipeline commands"; rm -rf "$work"; return 1; }
  eval "$commands"
  local service="${service_of[$fixture]}" recipe
  recipe="$("$recipe_bin" "$work" "$service")" || { rm -rf "$work"; return 1; }
  eval "$recipe"
  if [ -f "$work/Cargo.toml" ]; then
    mkdir -p "$target_dir/smoke/$fixture"
    ln -s "$target_dir/smoke/$fixture" "$work/target"
  fi
  local rc=0
  (
    set -euo pipefail
    export RUSTUP_TOOLCHAIN=stable
    unset CARGO_TARGET_DIR
    prepare_tools
    cd "$work"
    for cmd in "${CI_RUN[@]}"; do
      case "$cmd" in
        rustup\ toolchain\ install*) log "$fixture: ci: (runner toolchain) $cmd"; continue ;;
      esac
      log "$fixture: ci: $cmd"
      bash -euo pipefail -c "$cmd"
    done
  ) >"$work/ci.log" 2>&1 || rc=$?
  if [ "$rc" -eq 0 ]; then
    summary+=("$fixture pipeline $(( $(now) - started ))s ok")
  else
    log "$fixture: a pipeline command failed:"
    sed 's/^/  | /' "$work/ci.log" | tail -40
    summary+=("$fixture pipeline $(( $(now) - started ))s FAILED")
  fi
  rm -rf "$work"
  return "$rc"
}

all_start=$(now)
for fixture in "${fixtures[@]}"; do
  smoke "$fixture" || failed=$((failed + 1))
  pipeline "$fixture" || failed=$((failed + 1))
done
log "summary (${#fixtures[@]} fixtures, $(( $(now) - all_start ))s):"
printf '  %s\n' "${summary[@]}"
passed=$(( 2 * ${#fixtures[@]} - failed ))
echo "smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
