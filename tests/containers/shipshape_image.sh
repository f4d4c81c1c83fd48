#!/usr/bin/env bash
# Builds shipshape's own image from the repository's Dockerfile with buildah and runs it: the
# binary answers `--version`, audits a repository mounted read-only, and does so as the image's
# non-root user. Run as root (CI runs as root); prints how long each step took.
#
#   bash tests/containers/shipshape_image.sh
#
# The FROM lines are pinned by digest to the upstream images. No image registry is reachable
# here, so the build runs on the local stand-ins (tests/containers/README.md) — which carry the
# same names but not the same digests — from a copy of the Dockerfile with the digests removed.
# Cargo's registry and target folders are cache mounts that outlive the build: the first build
# compiles every dependency, later ones only shipshape's own crates.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"

step() { printf '[image] %-52s %6ss\n' "$1" "$2"; }
fail() { echo "[image] FAILED: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "buildah runs as root here: run as root"
command -v buildah >/dev/null || fail "buildah is not installed: run tests/containers/setup.sh"

storage=()
[ -n "${SHIPSHAPE_STORAGE_DRIVER:-}" ] && storage=(--storage-driver "$SHIPSHAPE_STORAGE_DRIVER")
bh() { buildah "${storage[@]}" "$@"; }

start=$(date +%s)
base_images=$(sed -n 's/^FROM \([^ @]*\).*/\1/p' Dockerfile)
t=$(date +%s)
# shellcheck disable=SC2086 # one image per word
python3 tests/containers/harness.py standins $base_images >/dev/null
step "stand-ins: $(echo $base_images | tr '\n' ' ')" $(( $(date +%s) - t ))

work=$(mktemp -d)
tag="localhost/shipshape-image-test:$$"
ctr=""
cleanup() {
  [ -n "$ctr" ] && bh rm "$ctr" >/dev/null 2>&1 || true
  bh rmi -f "$tag" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

sed -E 's/^(FROM [^ @]+)@sha256:[0-9a-f]{64}/\1/' Dockerfile > "$work/Dockerfile.standins"
grep -q '@sha256:' "$work/Dockerfile.standins" && fail "a digest is left in the stand-in copy"

t=$(date +%s)
if ! bh bud --isolation chroot --network host --format docker --layers=false \
     -f "$work/Dockerfile.standins" -t "$tag" . >"$work/build.log" 2>&1; then
  tail -n 40 "$work/build.log" >&2
  fail "the image did not build (log above)"
fi
step "build (buildah bud, release profile)" $(( $(date +%s) - t ))

size=$(bh images --format '{{.Size}}' "$tag" | head -n1)
user=$(bh inspect --type image --format '{{.OCIv1.Config.User}}' "$tag")
echo "[image] size $size, USER $user"
case "$user" in
  ""|0|0:*|root|root:*) fail "the image runs as root (USER '$user')" ;;
esac

# A repository to audit: shipshape's own Dockerfile (no finding expected), a Dockerfile with
# known problems, and a file only root may read. A non-root process cannot open the last one,
# so the audit lists it as skipped: proof the command ran without root's privileges.
mkdir -p "$work/repo/clean" "$work/repo/flawed" "$work/repo/root-only"
cp Dockerfile "$work/repo/clean/Dockerfile"
printf 'FROM debian:latest\nRUN apt-get update && apt-get install -y curl\nUSER root\n' \
  > "$work/repo/flawed/Dockerfile"
printf 'FROM debian:latest\n' > "$work/repo/root-only/Dockerfile"
chmod 0600 "$work/repo/root-only/Dockerfile"
chmod -R a+rX "$work/repo/clean" "$work/repo/flawed"
chmod a+rx "$work" "$work/repo" "$work/repo/root-only"

ctr=$(bh from --pull-never "$tag" | tail -n1)
run() { bh run --isolation chroot --network host -v "$work/repo:/work:ro" "$ctr" -- "$@"; }

t=$(date +%s)
version=$(run /usr/local/bin/shipshape --version)
want="shipshape $(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)"
[ "$version" = "$want" ] || fail "--version printed '$version', expected '$want'"
step "shipshape --version: $version" $(( $(date +%s) - t ))

t=$(date +%s)
run /usr/local/bin/shipshape audit /work/clean >"$work/clean.txt" 2>&1 \
  || { cat "$work/clean.txt" >&2; fail "shipshape's own Dockerfile has findings in the image"; }
step "audit of shipshape's Dockerfile: exit 0" $(( $(date +%s) - t ))

t=$(date +%s)
set +e
run /usr/local/bin/shipshape audit --format json /work >"$work/audit.json" 2>"$work/audit.err"
rc=$?
set -e
[ "$rc" = 1 ] || { cat "$work/audit.err" >&2; fail "audit of the flawed repository exited $rc, expected 1"; }
python3 - "$work/audit.json" <<'PY' || fail "the audit report is not what the mounted repository holds"
import json, sys
doc = json.load(open(sys.argv[1]))
paths = {f["location"]["path"] for f in doc["findings"]}
rules = {f["slug"] for f in doc["findings"]}
skipped = {s["path"]: s["reason"] for s in doc["skipped"]}
assert any("flawed/" in p for p in paths), paths
assert not any("clean/" in p for p in paths), paths
assert "no-latest-tag" in rules, rules
denied = [p for p, why in skipped.items() if p.endswith("root-only/Dockerfile")]
assert denied, f"root-only/Dockerfile was read, so with root's privileges: skipped = {skipped}"
print(f"[image] audit: {len(doc['findings'])} findings in flawed/, root-only/Dockerfile skipped "
      f"({skipped[denied[0]]}): the process is not root")
PY
step "audit of a mounted repository as UID ${user%%:*}: exit 1" $(( $(date +%s) - t ))

step "total" $(( $(date +%s) - start ))
