# syntax=docker/dockerfile:1
#
# shipshape's own image: a release build on the Rust image, copied alone onto distroless/cc
# (glibc and the C runtime, no shell, no package manager), run as UID 65532.
#
# Build:  docker build -t shipshape .
# Run:    docker run --rm --read-only -v "$PWD:/work:ro" shipshape audit .
# Check:  shipshape audit Dockerfile
#
# The base images are pinned by digest (the digests these tags carried when pinned); move them
# with Dependabot or Renovate, or by hand with `docker buildx imagetools inspect IMAGE:TAG`.

FROM rust:1.95-slim-bookworm@sha256:d7482085ff5b415f84dba5647ae71606650bdef00db7aeb69f4b3d170c3e4082 AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY crates/ crates/
# The registry and target folders are cache mounts: a rebuild after a source change recompiles
# shipshape's own crates only. The binary is copied out because the mount is gone after RUN.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p shipshape-cli \
 && install -D -m 0755 target/release/shipshape /out/shipshape

FROM gcr.io/distroless/cc-debian12:nonroot@sha256:9dac0a79194e45a7da0158a9c6da57b217585af0786db3845d1f0ec1a0dd182f
LABEL org.opencontainers.image.title="shipshape" \
      org.opencontainers.image.description="Assess, generate and audit the operations side of an application repository" \
      org.opencontainers.image.source="https://github.com/shipshape-dev/shipshape" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /out/shipshape /usr/local/bin/shipshape
# The repository to read is mounted here; shipshape writes nothing but `init`'s files and
# baselines, so the root filesystem can be read-only.
WORKDIR /work
USER 65532:65532
# A command-line tool, not a server: nothing to probe.
HEALTHCHECK NONE
ENTRYPOINT ["/usr/local/bin/shipshape"]
CMD ["--help"]
