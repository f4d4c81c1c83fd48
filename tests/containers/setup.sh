#!/usr/bin/env bash
# Installs what the container harness needs and builds the stand-in base images, once per
# machine: a second run finds everything in place and takes seconds. Prints how long each step
# took. Run as root (CI runs as root). Usage:
#
#   bash tests/containers/setup.sh              # the stand-ins the fixture apps need
#   bash tests/containers/setup.sh IMAGE…       # these images (as FROM lines write them)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

step() { printf '[setup] %-44s %6ss\n' "$1" "$2"; }

start=$(date +%s)
if ! command -v buildah >/dev/null || ! command -v debootstrap >/dev/null; then
  t=$(date +%s)
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends buildah debootstrap >/dev/null
  step "apt-get install buildah debootstrap" $(( $(date +%s) - t ))
else
  step "buildah and debootstrap already installed" 0
fi

# The images the generated Dockerfiles of tests/containers/fixtures.toml name (base-image
# table defaults and the versions the fixtures declare), and the compose backing services.
default_images=(
  node:18-bookworm-slim
  node:20-bookworm-slim
  node:22-bookworm-slim
  node:24-bookworm-slim
  python:3.11-slim-bookworm
  python:3.12-slim-bookworm
  ghcr.io/astral-sh/uv:0.13
  golang:1.22-bookworm
  golang:1.26-bookworm
  rust:1.95-slim-bookworm
  gcr.io/distroless/static-debian12:nonroot
  gcr.io/distroless/cc-debian12:nonroot
  nginxinc/nginx-unprivileged:stable-alpine
  oven/bun:1.3-slim
  postgres:18.1-trixie
  redis:8.2-alpine
)
if [ "$#" -gt 0 ]; then images=("$@"); else images=("${default_images[@]}"); fi

python3 "$here/harness.py" standins "${images[@]}"
step "setup total" $(( $(date +%s) - start ))
