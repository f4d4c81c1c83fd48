#!/usr/bin/env bash
# Prints the newest release tag and its commit for every action in
# crates/shipshape-gen/data/ci_pins.toml, for a reviewer to copy into the table. Needs network
# (git ls-remote against github.com); shipshape itself never fetches anything.
set -euo pipefail
cd "$(dirname "$0")/.."
grep -oE '^"[^"]+"' crates/shipshape-gen/data/ci_pins.toml | tr -d '"' | while read -r action; do
  repo="https://github.com/${action}.git"
  tag=$(git ls-remote --tags --refs "$repo" | awk -F/ '{print $NF}' \
        | grep -E '^v?[0-9]+\.[0-9]+\.[0-9]+$' | sort -V | tail -1)
  # An annotated tag's commit is the peeled ref (`^{}`); a lightweight tag names it directly.
  sha=$(git ls-remote --tags "$repo" "refs/tags/${tag}^{}" | cut -f1)
  [ -n "$sha" ] || sha=$(git ls-remote --tags "$repo" "refs/tags/${tag}" | cut -f1)
  printf '"%s" = { version = "%s", sha = "%s" }\n' "$action" "$tag" "$sha"
done
