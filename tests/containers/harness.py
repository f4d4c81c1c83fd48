#!/usr/bin/env python3
"""Build and start container images without a Docker daemon or a reachable image registry.

Two jobs, one file (Python standard library only, run as root):

* `standins` builds the local stand-ins for the base images that generated Dockerfiles name
  (standins/standins.toml says which name maps to which recipe), once per machine: an image
  whose recipe has not changed is reused, a missing one is built, and every step is timed.
* `run DIR` builds the Dockerfile in DIR with buildah (`--isolation chroot`),
  starts the image's command as the image's USER on the host network (`buildah run`; `podman
  run` cannot set rlimits on these machines), waits for the health endpoint or the port, and
  reports: build ok + seconds, image size, the UID the process runs as, start ok, the HTTP
  status of the health endpoint, the HEALTHCHECK command's own exit code, and the log tail on
  failure. It removes what it created.

`run --json` prints one JSON object per service, for bench/realapps/score.py.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
STANDINS = HERE / "standins"
# Debian root filesystems, unpacked runtimes and the timing log live here, outside the
# repository: they are machine state, rebuilt from the table when missing.
CACHE = Path(os.environ.get("SHIPSHAPE_CONTAINERS_CACHE", "/var/cache/shipshape-containers"))
STANDIN_REPO = "localhost/shipshape-standin"
LABEL = "org.shipshape.standin.recipe"
# chroot isolation: no user namespaces or OCI runtime needed, which is what runs here. The
# storage driver is buildah's own choice (overlay on these machines); SHIPSHAPE_STORAGE_DRIVER=vfs
# forces vfs where overlay is unavailable (every layer is then a full copy: keep images small).
ENGINE_ENV = {"BUILDAH_ISOLATION": "chroot"}
GLOBAL_FLAGS = ["--storage-driver", os.environ["SHIPSHAPE_STORAGE_DRIVER"]] if os.environ.get("SHIPSHAPE_STORAGE_DRIVER") else []
# A separate image store (SHIPSHAPE_STORAGE_ROOT), e.g. to time a cold start without touching
# the machine's images.
if os.environ.get("SHIPSHAPE_STORAGE_ROOT"):
    GLOBAL_FLAGS += ["--root", os.environ["SHIPSHAPE_STORAGE_ROOT"], "--runroot", os.environ["SHIPSHAPE_STORAGE_ROOT"] + "-run"]
# Variables through which each client that fetches packages in a RUN step finds a CA bundle:
# Node.js and npm, OpenSSL (Python's ssl, Go, uv), pip, requests (poetry, pipenv), cargo, git.
# Bump when recipe_debian changes what goes into the Debian root filesystem.
DEBIAN_RECIPE_VERSION = "2"
CA_ENV = ["SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS", "PIP_CERT", "REQUESTS_CA_BUNDLE", "CARGO_HTTP_CAINFO", "GIT_SSL_CAINFO"]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def buildah(*args: str, check: bool = True, capture: bool = True, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, **ENGINE_ENV}
    return subprocess.run(
        ["buildah", *GLOBAL_FLAGS, *args],
        check=check,
        env=env,
        text=True,
        stdout=subprocess.PIPE if capture else None,
        stderr=subprocess.STDOUT if capture else None,
        **kw,
    )


# ---------------------------------------------------------------------------------------------
# Image names
# ---------------------------------------------------------------------------------------------


def qualify(image: str) -> str:
    """The fully qualified name a FROM line resolves to (`node:20-x` → `docker.io/library/node:20-x`)."""
    name = image.split("@", 1)[0]
    first = name.split("/", 1)[0]
    if "/" not in name:
        name = f"docker.io/library/{name}"
    elif not ("." in first or ":" in first or first == "localhost"):
        name = f"docker.io/{name}"
    last = name.rsplit("/", 1)[1]
    if ":" not in last:
        name += ":latest"
    return name


def from_images(dockerfile: Path, build_args: dict[str, str] | None = None) -> list[str]:
    """Base images of a Dockerfile's stages, without the stages that name an earlier stage."""
    text = dockerfile.read_text(encoding="utf-8", errors="replace").replace("\\\n", " ")
    args = dict(build_args or {})
    stages: set[str] = set()
    images: list[str] = []
    seen_from = False
    for line in text.splitlines():
        words = line.strip().split()
        if not words or words[0].startswith("#"):
            continue
        op = words[0].upper()
        if op == "ARG" and not seen_from and len(words) > 1:
            name, _, default = words[1].partition("=")
            args.setdefault(name, default.strip('"'))
        if op != "FROM":
            continue
        seen_from = True
        rest = [w for w in words[1:] if not w.startswith("--")]
        if not rest:
            continue
        ref = re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m.group(1), ""), rest[0])
        if len(rest) >= 3 and rest[1].upper() == "AS":
            stages.add(rest[2].lower())
        if ref.lower() in stages or ref == "scratch":
            continue
        images.append(ref)
    return images


# ---------------------------------------------------------------------------------------------
# Stand-ins
# ---------------------------------------------------------------------------------------------


@dataclass
class StandinPlan:
    image: str  # the fully qualified name a Dockerfile asks for
    key: str
    recipe: str
    args: dict[str, str]
    limits: str
    extra: dict = field(default_factory=dict)

    @property
    def local_name(self) -> str:
        return f"{STANDIN_REPO}/{self.key}:latest"


def load_table() -> dict:
    return tomllib.loads((STANDINS / "standins.toml").read_text(encoding="utf-8"))


def plan_for(image: str, table: dict) -> StandinPlan | None:
    full = qualify(image)
    for entry in table["standin"]:
        m = re.match(entry["match"], full)
        if not m:
            continue
        groups = {k: v or "" for k, v in m.groupdict().items()}
        if "tag" in groups and not groups["tag"]:
            groups["tag"] = "latest"
        if "line" in groups and "npm" in entry:
            groups["npm"] = entry["npm"].get(groups["line"], "latest")
        fill = lambda s: s.format(**groups)  # noqa: E731
        return StandinPlan(
            image=full,
            key=fill(entry["key"]),
            recipe=entry["recipe"],
            args={k: fill(v) for k, v in entry.get("args", {}).items()},
            limits=entry.get("limits", ""),
        )
    return None


def image_exists(name: str) -> bool:
    return buildah("inspect", "--type", "image", name, check=False).returncode == 0


def image_label(name: str, label: str) -> str | None:
    out = buildah("inspect", "--type", "image", name, check=False)
    if out.returncode != 0:
        return None
    try:
        info = json.loads(out.stdout)
    except json.JSONDecodeError:
        return None
    labels = (info.get("OCIv1", {}).get("config") or {}).get("Labels") or {}
    return labels.get(label) or ((info.get("Docker", {}).get("config") or {}).get("Labels") or {}).get(label)


def machine_ca_bundle() -> Path | None:
    """The CA bundle this machine trusts. The network here re-signs TLS with its own CA, so a
    RUN step that fetches from npm, PyPI or crates.io must trust what the host trusts."""
    for candidate in (os.environ.get("SSL_CERT_FILE"), "/etc/ssl/certs/ca-certificates.crt"):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def recipe_fingerprint(plan: StandinPlan) -> str:
    """Changes when the recipe's inputs change: its Containerfile, its arguments, the harness."""
    h = hashlib.sha256()
    h.update(plan.recipe.encode())
    h.update(json.dumps(plan.args, sort_keys=True).encode())
    for f in sorted(STANDINS.glob(f"{plan.recipe}*")):
        h.update(f.read_bytes())
    # Every stand-in but uv starts from the Debian one: what changes it changes them.
    h.update(DEBIAN_RECIPE_VERSION.encode())
    bundle = machine_ca_bundle()
    if bundle:
        h.update(bundle.read_bytes())
    if plan.recipe == "nginx":
        h.update((STANDINS / "nginx.conf").read_bytes() + (STANDINS / "default.conf").read_bytes())
    return h.hexdigest()[:16]


class Timings:
    """Seconds per stand-in step, printed at the end and appended to CACHE/timings.jsonl."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, float, str]] = []

    def step(self, name: str):
        timings = self

        class _Step:
            def __enter__(self):
                self.t = time.monotonic()
                log(f"[standin] {name} …")

            def __exit__(self, exc_type, exc, tb):
                secs = time.monotonic() - self.t
                outcome = "ok" if exc_type is None else f"failed: {exc}"
                timings.rows.append((name, secs, outcome))
                log(f"[standin] {name}: {secs:.1f}s {outcome}")
                return False

        return _Step()

    def save(self) -> None:
        CACHE.mkdir(parents=True, exist_ok=True)
        with open(CACHE / "timings.jsonl", "a", encoding="utf-8") as f:
            for name, secs, outcome in self.rows:
                f.write(json.dumps({"step": name, "seconds": round(secs, 1), "outcome": outcome, "at": time.time()}) + "\n")


def ensure_standins(images: list[str], timings: Timings, table: dict | None = None) -> list[StandinPlan]:
    """Make every named image resolvable locally; returns the plans used (for their limits)."""
    table = table or load_table()
    plans: list[StandinPlan] = []
    for image in images:
        full = qualify(image)
        if full.startswith(STANDIN_REPO + "/"):
            continue
        plan = plan_for(full, table)
        if plan is None:
            if image_exists(full):
                continue
            raise StandinError(f"no stand-in for base image {full}: add one to tests/containers/standins/standins.toml")
        build_standin(plan, timings, table)
        if image_label(full, LABEL) != recipe_fingerprint(plan) or not image_exists(full):
            buildah("tag", plan.local_name, full)
        plans.append(plan)
    return plans


class StandinError(Exception):
    pass


def build_standin(plan: StandinPlan, timings: Timings, table: dict) -> None:
    fingerprint = recipe_fingerprint(plan)
    if image_label(plan.local_name, LABEL) == fingerprint:
        return
    recipe = RECIPES.get(plan.recipe)
    if recipe is None:
        raise StandinError(f"unknown recipe {plan.recipe}")
    with timings.step(f"stand-in {plan.key}"):
        recipe(plan, fingerprint, timings, table)


def debian_image(suite: str, timings: Timings, table: dict) -> str:
    """The Debian minbase image for `suite`, built once (debootstrap, prune, import)."""
    plan = StandinPlan(image=f"docker.io/library/debian:{suite}-slim", key=f"debian-{suite}", recipe="debian", args={"suite": suite}, limits="")
    build_standin(plan, timings, table)
    return plan.local_name


def recipe_debian(plan: StandinPlan, fingerprint: str, timings: Timings, table: dict) -> None:
    suite = plan.args["suite"]
    mirror = table["suites"][suite]["mirror"]
    rootfs = CACHE / f"rootfs-{suite}"
    tarball = CACHE / f"{suite}.tar"
    if not (rootfs / "etc" / "debian_version").exists():
        shutil.rmtree(rootfs, ignore_errors=True)
        CACHE.mkdir(parents=True, exist_ok=True)
        with timings.step(f"debootstrap {suite}"):
            subprocess.run(["debootstrap", "--variant=minbase", suite, str(rootfs), mirror], check=True, stdout=subprocess.DEVNULL)
    with timings.step(f"prune and pack {suite}"):
        for sub in ["var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc", "usr/share/man", "usr/share/info"]:
            d = rootfs / sub
            if d.is_dir():
                for child in d.iterdir():
                    if child.is_dir() and not child.is_symlink():
                        if sub != "var/cache/apt/archives":
                            shutil.rmtree(child)
                    elif child.name not in ("lock",):
                        child.unlink()
        locale = rootfs / "usr/share/locale"
        if locale.is_dir():
            for child in locale.iterdir():
                if child.name != "locale.alias":
                    shutil.rmtree(child) if child.is_dir() else child.unlink()
        # As in Debian's official images: package scripts never start services during a build
        # (with host networking they would bind the host's ports).
        policy = rootfs / "usr/sbin/policy-rc.d"
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
        # The machine's CA bundle, where update-ca-certificates keeps it when a later
        # `apt-get install ca-certificates` rebuilds /etc/ssl/certs (see machine_ca_bundle).
        bundle = machine_ca_bundle()
        if bundle:
            for target in (rootfs / "usr/local/share/ca-certificates/machine-ca.crt", rootfs / "etc/ssl/certs/ca-certificates.crt"):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(bundle, target)
        subprocess.run(
            ["tar", "-C", str(rootfs), "--exclude=./proc", "--exclude=./sys", "--exclude=./dev", "--numeric-owner", "-cf", str(tarball), "."],
            check=True,
        )
    with timings.step(f"import {suite}"):
        ctr = buildah("from", "scratch").stdout.strip().splitlines()[-1]
        try:
            buildah("add", ctr, str(tarball), "/")
            ca = "/etc/ssl/certs/ca-certificates.crt"
            trust = [f"--env={name}={ca}" for name in CA_ENV] if machine_ca_bundle() else []
            buildah(
                "config",
                "--env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                *trust,
                "--cmd", "bash",
                "--label", f"{LABEL}={fingerprint}",
                "--label", "org.shipshape.standin=true",
                ctr,
            )
            buildah("commit", "-q", "--rm", ctr, plan.local_name)
        except Exception:
            buildah("rm", ctr, check=False)
            raise
    tarball.unlink(missing_ok=True)


def bud(plan: StandinPlan, fingerprint: str, context: Path, containerfile: str, build_args: dict[str, str]) -> None:
    args = ["bud", "--isolation", "chroot", "--format", "docker", "--network", "host", "--no-cache", "--force-rm", "-f", str(STANDINS / containerfile)]
    for k, v in build_args.items():
        args += ["--build-arg", f"{k}={v}"]
    args += ["--label", f"{LABEL}={fingerprint}", "--label", "org.shipshape.standin=true", "-t", plan.local_name, str(context)]
    out = buildah(*args, check=False)
    if out.returncode != 0:
        # buildah 1.28 fails now and then while setting up a RUN step ("Close_Fd sealing memfd
        # copy: Device or resource busy"); the same build passes when repeated.
        log(f"[standin] building {plan.key} failed; trying once more")
        out = buildah(*args, check=False)
    if out.returncode != 0:
        raise StandinError(f"building stand-in {plan.key} failed:\n" + "\n".join(out.stdout.splitlines()[-30:]))
    buildah("rmi", "--prune", check=False)


def npm_pack(spec: str, dest: Path) -> Path:
    """Download one package tarball from the npm registry with npm itself; returns its path."""
    dest.mkdir(parents=True, exist_ok=True)
    out = subprocess.run(["npm", "pack", "--silent", spec], cwd=dest, check=True, text=True, stdout=subprocess.PIPE)
    return dest / out.stdout.strip().splitlines()[-1]


def untar_package(tgz: Path, dest: Path) -> None:
    """Unpack an npm tarball's `package/` folder into dest."""
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tgz) as tar:
        for member in tar.getmembers():
            if not member.name.startswith("package/"):
                continue
            member.name = member.name[len("package/"):]
            if member.name:
                tar.extract(member, dest, filter="tar")


def pip_download(spec: str, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", "--platform", "manylinux_2_17_x86_64", "-d", str(dest), spec],
        check=True,
    )
    wheels = sorted(dest.glob("*.whl"))
    if not wheels:
        raise StandinError(f"pip downloaded no wheel for {spec}")
    return wheels[-1]


def link(path: Path, target: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or path.exists():
        path.unlink()
    path.symlink_to(target)


def recipe_node(plan: StandinPlan, fingerprint: str, timings: Timings, table: dict) -> None:
    base = debian_image("bookworm", timings, table)
    with tempfile.TemporaryDirectory(prefix="standin-node-") as tmp:
        ctx = Path(tmp)
        root = ctx / "rootfs/usr/local"
        with timings.step(f"npm pack {plan.key}"):
            node = npm_pack(plan.args["node"], ctx / "dl")
            untar_package(node, ctx / "node")
            (root / "bin").mkdir(parents=True)
            shutil.copy2(ctx / "node/bin/node", root / "bin/node")
            if (ctx / "node/include").is_dir():
                shutil.copytree(ctx / "node/include", root / "include")
            for spec, name in [(plan.args["npm"], "npm"), (plan.args["corepack"], "corepack")]:
                untar_package(npm_pack(spec, ctx / "dl"), root / "lib/node_modules" / name)
            untar_package(npm_pack(plan.args["yarn"], ctx / "dl"), ctx / "rootfs/opt/yarn")
        link(root / "bin/npm", "../lib/node_modules/npm/bin/npm-cli.js")
        link(root / "bin/npx", "../lib/node_modules/npm/bin/npx-cli.js")
        link(root / "bin/corepack", "../lib/node_modules/corepack/dist/corepack.js")
        link(root / "bin/yarn", "/opt/yarn/bin/yarn.js")
        link(root / "bin/yarnpkg", "/opt/yarn/bin/yarn.js")
        version = json.loads((ctx / "node/package.json").read_text())["version"]
        with timings.step(f"build {plan.key}"):
            bud(plan, fingerprint, ctx, "node.Containerfile", {"BASE": base, "NODE_VERSION": version})


def recipe_bun(plan: StandinPlan, fingerprint: str, timings: Timings, table: dict) -> None:
    base = debian_image("bookworm", timings, table)
    with tempfile.TemporaryDirectory(prefix="standin-bun-") as tmp:
        ctx = Path(tmp)
        with timings.step(f"npm pack {plan.key}"):
            untar_package(npm_pack(plan.args["bun"], ctx / "dl"), ctx / "bun")
        (ctx / "rootfs/usr/local/bin").mkdir(parents=True)
        shutil.copy2(ctx / "bun/bin/bun", ctx / "rootfs/usr/local/bin/bun")
        (ctx / "rootfs/usr/local/bin/bun").chmod(0o755)
        link(ctx / "rootfs/usr/local/bin/bunx", "bun")
        with timings.step(f"build {plan.key}"):
            bud(plan, fingerprint, ctx, "bun.Containerfile", {"BASE": base})


def recipe_python(plan: StandinPlan, fingerprint: str, timings: Timings, table: dict) -> None:
    base = debian_image(plan.args["suite"], timings, table)
    with tempfile.TemporaryDirectory(prefix="standin-python-") as tmp:
        with timings.step(f"build {plan.key}"):
            bud(plan, fingerprint, Path(tmp), "python.Containerfile", {"BASE": base})


def recipe_uv(plan: StandinPlan, fingerprint: str, timings: Timings, table: dict) -> None:
    with tempfile.TemporaryDirectory(prefix="standin-uv-") as tmp:
        ctx = Path(tmp)
        with timings.step(f"pip download {plan.key}"):
            wheel = pip_download(plan.args["uv"], ctx / "dl")
        (ctx / "rootfs").mkdir()
        with zipfile.ZipFile(wheel) as z:
            for name in z.namelist():
                if re.search(r"\.data/scripts/(uv|uvx)$", name):
                    target = ctx / "rootfs" / Path(name).name
                    target.write_bytes(z.read(name))
                    target.chmod(0o755)
        with timings.step(f"build {plan.key}"):
            bud(plan, fingerprint, ctx, "uv.Containerfile", {})


def recipe_golang(plan: StandinPlan, fingerprint: str, timings: Timings, table: dict) -> None:
    base = debian_image("bookworm", timings, table)
    with tempfile.TemporaryDirectory(prefix="standin-go-") as tmp:
        ctx = Path(tmp)
        with timings.step(f"pip download {plan.key}"):
            wheel = pip_download(plan.args["go"], ctx / "dl")
        dest = ctx / "rootfs/usr/local"
        dest.mkdir(parents=True)
        with zipfile.ZipFile(wheel) as z:
            for info in z.infolist():
                if not info.filename.startswith("go/") or info.filename.startswith(("go/test/", "go/doc/")):
                    continue
                if info.filename.endswith("__init__.py"):
                    continue
                target = dest / info.filename
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(z.read(info))
                mode = (info.external_attr >> 16) & 0o777
                if mode:
                    target.chmod(mode)
                elif "/bin/" in info.filename or "/pkg/tool/" in info.filename:
                    target.chmod(0o755)
        with timings.step(f"build {plan.key}"):
            bud(plan, fingerprint, ctx, "golang.Containerfile", {"BASE": base})


def recipe_rust(plan: StandinPlan, fingerprint: str, timings: Timings, table: dict) -> None:
    base = debian_image("bookworm", timings, table)
    sysroot = Path(subprocess.run(["rustc", "--print", "sysroot"], check=True, text=True, stdout=subprocess.PIPE).stdout.strip())
    with tempfile.TemporaryDirectory(prefix="standin-rust-") as tmp:
        ctx = Path(tmp)
        dest = ctx / "rootfs/usr/local/rust"
        with timings.step(f"copy toolchain {sysroot.name}"):
            (dest / "bin").mkdir(parents=True)
            for tool in ["rustc", "cargo", "rustdoc"]:
                if (sysroot / "bin" / tool).exists():
                    shutil.copy2(sysroot / "bin" / tool, dest / "bin" / tool)
            (dest / "lib").mkdir()
            for so in (sysroot / "lib").glob("*.so*"):
                shutil.copy2(so, dest / "lib" / so.name, follow_symlinks=False) if so.is_symlink() else shutil.copy2(so, dest / "lib" / so.name)
            host = "x86_64-unknown-linux-gnu"
            shutil.copytree(sysroot / "lib/rustlib" / host, dest / "lib/rustlib" / host, symlinks=True)
            for f in (sysroot / "lib/rustlib").iterdir():
                if f.is_file():
                    shutil.copy2(f, dest / "lib/rustlib" / f.name)
            if (sysroot / "libexec").is_dir():
                shutil.copytree(sysroot / "libexec", dest / "libexec", symlinks=True)
        with timings.step(f"build {plan.key}"):
            bud(plan, fingerprint, ctx, "rust.Containerfile", {"BASE": base})


def recipe_distroless(plan: StandinPlan, fingerprint: str, timings: Timings, table: dict) -> None:
    base = debian_image("bookworm", timings, table)
    nonroot = plan.args["tag"] == "nonroot"
    with tempfile.TemporaryDirectory(prefix="standin-distroless-") as tmp:
        with timings.step(f"build {plan.key}"):
            bud(
                plan,
                fingerprint,
                Path(tmp),
                "distroless.Containerfile",
                {"BASE": base, "VARIANT": plan.args["variant"], "USER": "65532" if nonroot else "0", "HOME": "/home/nonroot" if nonroot else "/root"},
            )


def recipe_nginx(plan: StandinPlan, fingerprint: str, timings: Timings, table: dict) -> None:
    base = debian_image("bookworm", timings, table)
    with timings.step(f"build {plan.key}"):
        bud(plan, fingerprint, STANDINS, "nginx.Containerfile", {"BASE": base})


def recipe_postgres(plan: StandinPlan, fingerprint: str, timings: Timings, table: dict) -> None:
    base = debian_image("bookworm", timings, table)
    with timings.step(f"build {plan.key}"):
        bud(plan, fingerprint, STANDINS, "postgres.Containerfile", {"BASE": base})


def recipe_redis(plan: StandinPlan, fingerprint: str, timings: Timings, table: dict) -> None:
    base = debian_image("bookworm", timings, table)
    with timings.step(f"build {plan.key}"):
        bud(plan, fingerprint, STANDINS, "redis.Containerfile", {"BASE": base})


RECIPES = {
    "debian": recipe_debian,
    "postgres": recipe_postgres,
    "redis": recipe_redis,
    "node": recipe_node,
    "bun": recipe_bun,
    "python": recipe_python,
    "uv": recipe_uv,
    "golang": recipe_golang,
    "rust": recipe_rust,
    "distroless": recipe_distroless,
    "nginx": recipe_nginx,
}


# ---------------------------------------------------------------------------------------------
# Build and run one service
# ---------------------------------------------------------------------------------------------


@dataclass
class Result:
    service: str
    dockerfile: str
    context: str
    build_ok: bool = False
    build_seconds: float = 0.0
    image_size_mb: float | None = None
    user: str | None = None  # the image's USER
    uid: int | None = None  # the UID the started process really has
    start_ok: bool = False
    port: int | None = None
    health_path: str | None = None
    health_status: int | None = None  # HTTP status seen from the host
    health_ok: bool = False
    port_open: bool = False
    loopback_only: bool = False  # listens on 127.0.0.1 only: unreachable through `docker run -p`
    healthcheck_exit: int | None = None  # the image's own HEALTHCHECK command, run inside
    run_seconds: float = 0.0
    stage: str = "build"  # where it stopped: build, start, health, done
    error: str | None = None
    log_tail: list[str] = field(default_factory=list)
    standin_limits: list[str] = field(default_factory=list)


def port_is_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def listen_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on `port` (from /proc/net/tcp and tcp6).
    The harness runs containers on the host network, where a server bound to 127.0.0.1
    answers; under `docker run -p` it would not, so a loopback-only listener is a failure."""
    found: set[str] = set()
    for table, loopback in (("/proc/net/tcp", "0100007F"), ("/proc/net/tcp6", "00000000000000000000000001000000")):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if len(parts) < 4 or parts[3] != "0A":
                continue
            addr, _, hexport = parts[1].partition(":")
            if int(hexport, 16) == port:
                found.add("loopback" if addr == loopback else "any" if set(addr) == {"0"} else addr)
    return found


def http_status(port: int, path: str) -> int | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=3) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except (urllib.error.URLError, OSError, ValueError):
        return None


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a .env file. `KEY=` is kept as an empty value, as compose's
    `env_file` passes it: the check starts the container the way `docker compose up` would
    after `cp .env.example .env`."""
    env: dict[str, str] = {}
    if not path.is_file():
        return env
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        if key.strip():
            env[key.strip()] = value
    return env


def descendants(pid: int) -> list[tuple[int, int]]:
    """(pid, depth) of every process under `pid`, breadth first."""
    children: dict[int, list[int]] = {}
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(p.name))
    out, todo = [], [(pid, 0)]
    while todo:
        parent, depth = todo.pop(0)
        for c in children.get(parent, []):
            out.append((c, depth + 1))
            todo.append((c, depth + 1))
    return out


def process_uid(root_pid: int) -> int | None:
    """Real UID of the image's own command: the deepest process under `buildah run`. Above it
    are buildah's own helpers (it re-executes itself from a memfd copy to set up the chroot),
    which run as root; a server's worker processes, deeper still, run as the same user."""
    procs = descendants(root_pid)
    if not procs:
        return None
    deepest = max(depth for _, depth in procs)
    for pid, depth in procs:
        if depth != deepest:
            continue
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("Uid:"):
                    return int(line.split()[1])
        except OSError:
            continue
    return None


def parse_healthcheck(test: list[str] | None) -> tuple[list[str] | None, int | None, str | None]:
    """The HEALTHCHECK argv and the port and path of the URL it probes, when it names one."""
    if not test or test[0] == "NONE":
        return None, None, None
    argv = test[1:] if test[0] in ("CMD", "CMD-SHELL") else test
    if test[0] == "CMD-SHELL":
        argv = ["/bin/sh", "-c", " ".join(argv)]
    m = re.search(r"https?://(?:127\.0\.0\.1|localhost|0\.0\.0\.0)(?::(\d+))?(/[^'\" )]*)?", " ".join(test))
    if not m:
        return argv, None, None
    return argv, int(m.group(1) or 80), m.group(2) or "/"


def image_size_mb(image: str) -> float | None:
    out = buildah("images", "--json", image, check=False)
    try:
        size = json.loads(out.stdout)[0]["size"]
    except (json.JSONDecodeError, IndexError, KeyError):
        return None
    m = re.match(r"([\d.]+)\s*([kMG]?B)", size)
    if not m:
        return None
    return round(float(m.group(1)) * {"B": 1e-6, "kB": 1e-3, "MB": 1, "GB": 1e3}[m.group(2)], 1)


def tail(path: Path, n: int = 25) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()[-n:]
    except OSError:
        return []


def build_and_run(
    service: str,
    context: Path,
    dockerfile: Path,
    env: dict[str, str],
    port: int | None,
    health_path: str | None,
    timeout: float,
    build_args: dict[str, str],
    keep: bool = False,
) -> Result:
    res = Result(service=service, dockerfile=str(dockerfile), context=str(context))
    timings = Timings()
    work = Path(tempfile.mkdtemp(prefix="shipshape-run-"))
    tag = f"localhost/shipshape-check/{re.sub(r'[^a-z0-9_.-]', '-', service.lower())}:{os.getpid()}"
    ctr = None
    proc = None
    try:
        if not dockerfile.is_file():
            res.error = f"{dockerfile} does not exist (compose.yaml builds from it)"
            return res
        try:
            plans = ensure_standins(from_images(dockerfile, build_args), timings)
            res.standin_limits = sorted({f"{p.image}: {p.limits}" for p in plans})
        except (StandinError, subprocess.CalledProcessError) as e:
            res.error = f"stand-in: {e}"
            return res
        finally:
            timings.save()
        build_log = work / "build.log"
        # --force-rm: a failed build leaves no working containers behind.
        args = ["bud", "--isolation", "chroot", "--format", "docker", "--network", "host", "--no-cache", "--force-rm", "-f", str(dockerfile), "-t", tag]
        for k, v in build_args.items():
            args += ["--build-arg", f"{k}={v}"]
        t = time.monotonic()
        with open(build_log, "w") as f:
            rc = subprocess.run(["buildah", *GLOBAL_FLAGS, *args, str(context)], env={**os.environ, **ENGINE_ENV}, stdout=f, stderr=subprocess.STDOUT).returncode
        res.build_seconds = round(time.monotonic() - t, 1)
        if rc != 0:
            res.error = "build failed"
            res.log_tail = tail(build_log, 40)
            return res
        res.build_ok = True
        res.stage = "start"
        res.image_size_mb = image_size_mb(tag)
        info = json.loads(buildah("inspect", "--type", "image", tag).stdout)
        cfg = info.get("Docker", {}).get("config") or info["OCIv1"].get("config", {})
        res.user = cfg.get("User") or "root (no USER)"
        argv = (cfg.get("Entrypoint") or []) + (cfg.get("Cmd") or [])
        hc_argv, hc_port, hc_path = parse_healthcheck((cfg.get("Healthcheck") or {}).get("Test"))
        exposed = sorted(int(p.split("/")[0]) for p in (cfg.get("ExposedPorts") or {}))
        res.port = port or hc_port or (exposed[0] if exposed else None)
        res.health_path = health_path or (hc_path if hc_port == res.port or hc_port is None else None)
        if not argv:
            res.error = "the image has neither ENTRYPOINT nor CMD"
            return res
        if res.port and port_is_open(res.port):
            res.error = f"port {res.port} is already in use on this machine: cannot tell the service's answer from another's"
            return res
        ctr = buildah("from", "--pull-never", tag).stdout.strip().splitlines()[-1]
        run_log = work / "run.log"
        run_args = ["buildah", *GLOBAL_FLAGS, "run", "--isolation", "chroot", "--network", "host"]
        for k, v in env.items():
            run_args += ["-e", f"{k}={v}"]
        t = time.monotonic()
        run_log.touch()
        # The image's user opens /dev/stdout and /dev/stderr again (nginx does): through
        # /proc/self/fd that needs write permission on the log file itself.
        run_log.chmod(0o666)
        with open(run_log, "w") as f:
            proc = subprocess.Popen([*run_args, ctr, "--", *argv], env={**os.environ, **ENGINE_ENV}, stdout=f, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            if res.port and port_is_open(res.port):
                res.port_open = True
                if not res.health_path:
                    break
                res.health_status = http_status(res.port, res.health_path)
                if res.health_status == 200:
                    break
            time.sleep(1)
        res.run_seconds = round(time.monotonic() - t, 1)
        alive = proc.poll() is None
        if alive:
            res.uid = process_uid(proc.pid)
        if res.port_open and res.port:
            res.loopback_only = listen_addresses(res.port) == {"loopback"}
        res.start_ok = alive and (res.port_open or res.port is None)
        res.health_ok = res.start_ok and not res.loopback_only and (res.health_status == 200 if res.health_path else res.port_open)
        if alive and hc_argv:
            try:
                hc = subprocess.run(
                    ["buildah", *GLOBAL_FLAGS, "run", "--isolation", "chroot", "--network", "host", ctr, "--", *hc_argv],
                    env={**os.environ, **ENGINE_ENV}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=30,
                )
                res.healthcheck_exit = hc.returncode
            except subprocess.TimeoutExpired:
                res.healthcheck_exit = -1  # did not finish in 30 s: a HEALTHCHECK that hangs
        if not alive:
            res.error = f"the process exited with status {proc.returncode}"
        elif not res.port_open and res.port:
            res.error = f"nothing listened on port {res.port} within {timeout:.0f}s"
        elif res.loopback_only:
            res.error = f"the server listens on 127.0.0.1:{res.port} only: a published port cannot reach it"
        elif res.health_path and res.health_status != 200:
            res.error = f"GET {res.health_path} answered {res.health_status}"
        res.stage = "done" if res.health_ok else ("health" if res.start_ok else "start")
        if not res.health_ok or (res.healthcheck_exit not in (0, None)):
            res.log_tail = tail(run_log, 60)
        return res
    finally:
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()
        if not keep:
            if ctr:
                buildah("rm", ctr, check=False)
            buildah("rmi", "-f", tag, check=False)
            buildah("rmi", "--prune", check=False)
            shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Services of a generated setup
# ---------------------------------------------------------------------------------------------


@dataclass
class ServiceSpec:
    name: str
    context: Path
    dockerfile: Path
    env: dict[str, str]
    port: int | None


# The value the harness writes where the generated README tells the user to fill in a value
# (a variable compose requires with `${NAME:?…}` and .env.example leaves empty). Letters and
# digits only: it ends up inside connection URLs.
PLACEHOLDER = "verify0placeholder"


def interpolate(text: str, variables: dict[str, str]) -> str:
    """Compose's variable interpolation: ${NAME}, ${NAME:-default}, ${NAME-default},
    ${NAME:?error}, ${NAME?error}, $NAME and $$. A required variable that is empty gets
    PLACEHOLDER, as the user filling in .env would give it a value."""

    def one(m: re.Match) -> str:
        if m.group(0) == "$$":
            return "$"
        name = m.group("braced") or m.group("bare")
        op, arg = m.group("op") or "", m.group("arg") or ""
        value = variables.get(name)
        if op in (":-", "-"):
            if value is None or (op == ":-" and value == ""):
                return interpolate(arg, variables)
            return value
        if op in (":?", "?"):
            if value is None or value == "":
                return PLACEHOLDER
            return value
        if op in (":+", "+"):
            return interpolate(arg, variables) if value else ""
        return value or ""

    pattern = r"\$\$|\$\{(?P<braced>\w+)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}|\$(?P<bare>[A-Za-z_]\w*)"
    return re.sub(pattern, one, text)


def services_of(root: Path) -> list[ServiceSpec]:
    """The services to build: compose.yaml's `build:` entries when it has them, else every
    Dockerfile (context: its own folder). Environment: .env or .env.example, then compose's
    `environment:` (which wins, as in compose), interpolated as compose does."""
    base_env = read_env_file(root / ".env") or read_env_file(root / ".env.example")
    specs: list[ServiceSpec] = []
    compose = next((root / n for n in ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml") if (root / n).is_file()), None)
    if compose is not None:
        try:
            import yaml  # PyYAML, present with the machine's Python; optional

            doc = yaml.safe_load(compose.read_text(encoding="utf-8")) or {}
        except Exception:  # noqa: BLE001 - a compose file we cannot read falls back to Dockerfiles
            doc = {}
        for name, svc in (doc.get("services") or {}).items():
            build = svc.get("build") if isinstance(svc, dict) else None
            if not build:
                continue
            if isinstance(build, str):
                build = {"context": build}
            context = (root / build.get("context", ".")).resolve()
            dockerfile = (context / build.get("dockerfile", "Dockerfile")).resolve()
            env = dict(base_env)
            environment = svc.get("environment") or {}
            if isinstance(environment, list):
                environment = dict(e.split("=", 1) for e in environment if "=" in e)
            env.update({k: interpolate(str(v), base_env) for k, v in environment.items() if v is not None})
            port = None
            for p in svc.get("ports") or []:
                m = re.search(r"(\d+)(?:/\w+)?$", str(p))
                port = int(m.group(1)) if m else None
                break
            specs.append(ServiceSpec(name, context, dockerfile, env, port))
    if specs:
        return specs
    for df in sorted(root.rglob("Dockerfile")):
        if "node_modules" in df.parts:
            continue
        name = df.parent.name if df.parent != root else root.name
        specs.append(ServiceSpec(name, df.parent, df, dict(base_env), None))
    return specs


def print_human(r: Result) -> None:
    yes = lambda b: "yes" if b else "NO"  # noqa: E731
    print(f"== {r.service}  ({r.dockerfile})")
    print(f"   build   : {yes(r.build_ok)} in {r.build_seconds}s" + (f", {r.image_size_mb} MB" if r.image_size_mb else ""))
    if r.build_ok:
        print(f"   user    : image USER {r.user}; process UID {r.uid}" + ("  (non-root)" if r.uid not in (0, None) else ""))
        print(f"   start   : {yes(r.start_ok)} (port {r.port}, open: {yes(r.port_open)}) after {r.run_seconds}s")
        print(f"   health  : {yes(r.health_ok)} GET {r.health_path} → {r.health_status}; HEALTHCHECK exit {r.healthcheck_exit}")
    if r.error:
        print(f"   error   : {r.error}")
    for line in r.log_tail:
        print(f"   | {line}")
    for limit in r.standin_limits:
        print(f"   stand-in: {limit}")


def cmd_standins(ns) -> int:
    started = time.monotonic()
    table = load_table()
    timings = Timings()
    images = list(ns.images)
    if ns.from_dockerfiles:
        for d in ns.from_dockerfiles:
            for df in Path(d).rglob("Dockerfile"):
                images += from_images(df)
    failed = False
    for image in dict.fromkeys(images):
        try:
            ensure_standins([image], timings, table)
        except (StandinError, subprocess.CalledProcessError) as e:
            log(f"[standin] {image}: {e}")
            failed = True
    timings.save()
    total = time.monotonic() - started
    print("step seconds outcome")
    for name, secs, outcome in timings.rows:
        print(f"{name:40s} {secs:7.1f}  {outcome}")
    print(f"total: {total:.1f}s (a stand-in whose recipe is unchanged is reused, not rebuilt)")
    return 1 if failed else 0


def cmd_run(ns) -> int:
    root = Path(ns.dir).resolve()
    if ns.dockerfile:
        context = Path(ns.context).resolve() if ns.context else root
        env = read_env_file(Path(ns.env_file)) if ns.env_file else read_env_file(root / ".env.example")
        specs = [ServiceSpec(ns.service or root.name, context, Path(ns.dockerfile).resolve(), env, ns.port)]
    else:
        specs = services_of(root)
        if ns.service:
            specs = [s for s in specs if s.name == ns.service]
    if not specs:
        print(f"no Dockerfile under {root}", file=sys.stderr)
        return 2
    build_args = dict(a.split("=", 1) for a in ns.build_arg)
    ok = True
    for spec in specs:
        if ns.env_file:
            spec.env.update(read_env_file(Path(ns.env_file)))
        r = build_and_run(spec.name, spec.context, spec.dockerfile, spec.env, ns.port or spec.port, ns.health, ns.timeout, build_args, ns.keep)
        ok &= r.health_ok
        if ns.json:
            print(json.dumps(asdict(r)), flush=True)
        else:
            print_human(r)
    return 0 if ok else 1


# How to regenerate each lockfile from its manifest, with the ordinary client of a reachable
# registry (`fixtures --relock`). Fixture lockfiles are written by hand and do not resolve; with
# --relock the harness tests the generated files against lockfiles a real project would have.
RELOCK = {
    "package-lock.json": [["npm", "install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"]],
    "yarn.lock": [["npx", "-y", "yarn@1", "install", "--ignore-scripts", "--no-frozen-lockfile", "--silent"]],
    "pnpm-lock.yaml": [["npx", "-y", "pnpm@9", "install", "--lockfile-only", "--ignore-scripts"]],
    # The bun of the stand-in (oven/bun:1.3), whose lockfile format the image's bun reads.
    "bun.lockb": [["npx", "-y", "bun@1.3", "install", "--lockfile-only", "--save-text-lockfile"]],
    "Cargo.lock": [["cargo", "generate-lockfile"]],
    "uv.lock": [["{tools}/uv", "lock"]],
    "poetry.lock": [["{tools}/poetry", "lock"]],
    "Pipfile.lock": [["{tools}/pipenv", "lock"]],
}


def python_tools() -> Path:
    """A virtualenv with uv, poetry and pipenv from PyPI, made once per machine."""
    venv = CACHE / "tools"
    if not (venv / "bin" / "pipenv").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "uv", "poetry", "pipenv"], check=True)
    return venv / "bin"


def relock(app: Path) -> list[str]:
    """Regenerate every lockfile under `app` in place; returns what was done (or failed)."""
    done = []
    for lock in sorted(app.rglob("*")):
        if lock.name not in RELOCK or "node_modules" in lock.parts or not lock.is_file():
            continue
        folder = lock.parent
        # Resolve from the manifest alone: the tools read an old lockfile first and keep (npm) or
        # stop on (poetry, uv, bun) entries that never resolved.
        lock.unlink()
        for argv in RELOCK[lock.name]:
            argv = [a.replace("{tools}", str(python_tools())) for a in argv]
            if lock.name in ("uv.lock", "poetry.lock", "Pipfile.lock"):
                env = {**os.environ, "PIPENV_IGNORE_VIRTUALENVS": "1", "PIPENV_VENV_IN_PROJECT": "0"}
            else:
                env = dict(os.environ)
            out = subprocess.run(argv, cwd=folder, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
            rel = lock.relative_to(app)
            done.append(f"{rel}: {'relocked' if out.returncode == 0 else 'relock failed: ' + (out.stdout.strip().splitlines() or [''])[-1][:120]}")
        shutil.rmtree(folder / "node_modules", ignore_errors=True)
    return done


def cmd_fixtures(ns) -> int:
    """`shipshape init` on a copy of each fixture app, then `run` on what it generated."""
    table = tomllib.loads((HERE / "fixtures.toml").read_text(encoding="utf-8"))
    repo = HERE.parent.parent
    shipshape = Path(ns.shipshape).resolve()
    names = ns.names or [f["name"] for f in table["fixture"]]
    results: list[dict] = []
    started = time.monotonic()
    for fixture in table["fixture"]:
        if fixture["name"] not in names:
            continue
        with tempfile.TemporaryDirectory(prefix="shipshape-fixture-") as tmp:
            app = Path(tmp) / fixture["name"]
            shutil.copytree(repo / "tests/fixtures/apps" / fixture["name"], app, symlinks=True)
            if ns.relock:
                for line in relock(app):
                    log(f"[relock] {fixture['name']}/{line}")
            init = subprocess.run([str(shipshape), "init", str(app)], text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if init.returncode != 0:
                results.append({"fixture": fixture["name"], "service": "-", "error": "init failed", "log_tail": init.stdout.splitlines()[-15:]})
                continue
            for spec in services_of(app):
                if fixture.get("services") and spec.name not in fixture["services"]:
                    continue
                r = build_and_run(spec.name, spec.context, spec.dockerfile, spec.env, spec.port, None, ns.timeout, {})
                row = {"fixture": fixture["name"], **asdict(r)}
                results.append(row)
                if ns.json:
                    print(json.dumps(row), flush=True)
                else:
                    print(f"--- {fixture['name']}")
                    print_human(r)
                    sys.stdout.flush()
    total = time.monotonic() - started
    print()
    print(f"{'fixture':28s} {'service':18s} {'build':>8s} {'MB':>6s} {'uid':>6s} {'start':>5s} {'health':>7s}")
    for row in results:
        build = f"{row.get('build_seconds', 0):.0f}s" if row.get("build_ok") else "FAIL"
        health = str(row.get("health_status")) if row.get("health_ok") else ("FAIL" if row.get("build_ok") else "-")
        start = "yes" if row.get("start_ok") else ("NO" if row.get("build_ok") else "-")
        print(f"{row['fixture']:28s} {str(row.get('service')):18s} {build:>8s} {str(row.get('image_size_mb') or '-'):>6s} {str(row.get('uid') if row.get('uid') is not None else '-'):>6s} {start:>5s} {health:>7s}")
    passed = sum(1 for r in results if r.get("health_ok") and r.get("uid") not in (0, None))
    print(f"{passed} passed, {len(results) - passed} failed")
    print(f"container verification took {total:.0f}s")
    return 0 if passed == len(results) else 1


def main() -> int:
    if os.geteuid() != 0:
        print("the harness runs buildah as root: run it as root", file=sys.stderr)
        return 2
    if shutil.which("buildah") is None:
        print("buildah is not installed: run tests/containers/setup.sh (apt-get install buildah debootstrap)", file=sys.stderr)
        return 2
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("standins", help="build the stand-in base images (once per machine)")
    s.add_argument("images", nargs="*", help="image names as FROM lines write them")
    s.add_argument("--from-dockerfiles", nargs="*", metavar="DIR", help="every FROM image of the Dockerfiles under DIR")
    s.set_defaults(fn=cmd_standins)
    r = sub.add_parser("run", help="build, start and probe the services of a folder")
    r.add_argument("dir")
    r.add_argument("--dockerfile", help="build this Dockerfile only (context: --context or DIR)")
    r.add_argument("--context")
    r.add_argument("--service", help="only this compose service (or the name to report)")
    r.add_argument("--env-file", help="environment for the container (default: .env, else .env.example, plus compose's environment)")
    r.add_argument("--port", type=int, help="the port to wait for (default: compose's port, the HEALTHCHECK URL's, EXPOSE)")
    r.add_argument("--health", help="the path to GET (default: the HEALTHCHECK URL's)")
    r.add_argument("--timeout", type=float, default=60, help="seconds to wait for health (default 60)")
    r.add_argument("--build-arg", action="append", default=[])
    r.add_argument("--keep", action="store_true", help="keep the image and container (debugging)")
    r.add_argument("--json", action="store_true", help="one JSON object per service")
    r.set_defaults(fn=cmd_run)
    f = sub.add_parser("fixtures", help="init + run on copies of the fixture apps in fixtures.toml")
    f.add_argument("names", nargs="*", help="only these fixtures")
    f.add_argument("--shipshape", default=str(HERE.parent.parent / "target/debug/shipshape"), help="the shipshape binary")
    f.add_argument("--timeout", type=float, default=60)
    f.add_argument("--json", action="store_true")
    f.add_argument("--relock", action="store_true", help="regenerate the fixtures' lockfiles (in the copy) with the real package managers first")
    f.set_defaults(fn=cmd_fixtures)
    ns = p.parse_args()
    return ns.fn(ns)


if __name__ == "__main__":
    sys.exit(main())
