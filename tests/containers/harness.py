#!/usr/bin/env python3
"""Build and start container images without a Docker daemon or a reachable image registry.

Two jobs, one file (Python standard library only, run as root):

* `standins` builds the local stand-ins for the base images that generated Dockerfiles name
  (standins/standins.toml says which name maps to which recipe), once per machine: an image
  whose recipe has not changed is reused, a missing one is built, and every step is timed.
* `run DIR` builds the stand-ins DIR's Dockerfiles and compose backing services need, then runs
  `shipshape verify --engine buildah DIR`: buildah (`--isolation chroot`) builds every service,
  `buildah run` starts it as the image's USER on the host network (`podman run` cannot set
  rlimits on these machines) next to its backing services, and verify reports build ok +
  seconds, image size, the UID the process runs as, start ok, health, and the log tail on
  failure; migration jobs must exit 0 first. Everything it started is removed.
* `fixtures` does `shipshape init` + `run` on copies of the fixture apps of fixtures.toml and
  prints one table (CI runs it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, field
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
        if "line" in groups and "corepack" in entry:
            groups["corepack"] = entry["corepack"].get(groups["line"], entry["corepack"].get("default", "latest"))
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
    # The suite's settings beyond its mirror (a debootstrap script, an expired Release file to
    # accept) are arguments too, so a change to them rebuilds the image.
    extra = {k: v for k, v in table["suites"][suite].items() if k != "mirror"}
    plan = StandinPlan(image=f"docker.io/library/debian:{suite}-slim", key=f"debian-{suite}", recipe="debian", args={"suite": suite, **extra}, limits="")
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
            script = table["suites"][suite].get("script")
            cmd = ["debootstrap", "--variant=minbase", suite, str(rootfs), mirror]
            if script:
                cmd.append(f"/usr/share/debootstrap/scripts/{script}")
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
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
        # A suite served from a frozen mirror (Debian testing here) has a Release file whose
        # Valid-Until has passed: apt refuses it unless told that this is expected.
        conf = rootfs / "etc/apt/apt.conf.d/99shipshape-standin"
        if table["suites"][suite].get("accept_expired_release"):
            conf.parent.mkdir(parents=True, exist_ok=True)
            conf.write_text('Acquire::Check-Valid-Until "false";\n')
        elif conf.exists():
            conf.unlink()
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
    base = debian_image(plan.args.get("suite", "bookworm"), timings, table)
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


def recipe_mysql(plan: StandinPlan, fingerprint: str, timings: Timings, table: dict) -> None:
    base = debian_image("bookworm", timings, table)
    with timings.step(f"build {plan.key}"):
        bud(plan, fingerprint, STANDINS, "mysql.Containerfile", {"BASE": base})


def recipe_redis(plan: StandinPlan, fingerprint: str, timings: Timings, table: dict) -> None:
    base = debian_image("bookworm", timings, table)
    with timings.step(f"build {plan.key}"):
        bud(plan, fingerprint, STANDINS, "redis.Containerfile", {"BASE": base})


RECIPES = {
    "debian": recipe_debian,
    "postgres": recipe_postgres,
    "mysql": recipe_mysql,
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
# Build and run: `shipshape verify --engine buildah`
# ---------------------------------------------------------------------------------------------


def compose_images(root: Path) -> list[str]:
    """The `image:` of compose services that have no `build:` (the backing services verify
    starts from their image), read line by line: the generated compose file writes one
    `image:` line per service."""
    for name in ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"):
        path = root / name
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            return [m.group(1) for m in re.finditer(r"^\s+image:\s*[\"']?([^\"'\s#]+)", text, re.M) if "$" not in m.group(1)]
    return []


def standins_for(root: Path) -> list[str]:
    """Build the stand-ins every Dockerfile under `root` and its compose backing services need;
    returns the problems (an image no recipe covers), which `verify` then reports as failed
    builds or backing services."""
    images: list[str] = []
    for df in sorted(root.rglob("*")):
        if df.name in ("Dockerfile", "Containerfile") and "node_modules" not in df.parts and df.is_file():
            images += from_images(df)
    images += compose_images(root)
    problems = []
    timings = Timings()
    table = load_table()
    for image in dict.fromkeys(images):
        try:
            ensure_standins([image], timings, table)
        except (StandinError, subprocess.CalledProcessError) as e:
            problems.append(f"{image}: {str(e).splitlines()[0] if str(e) else e}")
    timings.save()
    return problems


def standin_limits(root: Path) -> list[str]:
    """How the stand-ins the app's images start from differ from upstream (printed beside results)."""
    table = load_table()
    notes = []
    for df in sorted(root.rglob("Dockerfile")):
        if "node_modules" in df.parts:
            continue
        for image in from_images(df):
            plan = plan_for(image, table)
            if plan and plan.limits:
                notes.append(f"{plan.image}: {plan.limits}")
    return sorted(set(notes))


def verify(root: Path, shipshape: Path, timeout: float, services: list[str] | None = None) -> tuple[int, dict | None, str]:
    """`shipshape verify --engine buildah --format json ROOT`: (exit code, report, stderr)."""
    argv = [str(shipshape), "verify", "--engine", "buildah", "--format", "json", "--timeout", str(int(timeout))]
    for service in services or []:
        argv += ["--service", service]
    argv.append(str(root))
    out = subprocess.run(argv, text=True, capture_output=True, env={**os.environ, **ENGINE_ENV})
    try:
        report = json.loads(out.stdout) if out.stdout.strip() else None
    except json.JSONDecodeError:
        report = None
    # Layers of multi-stage builds that no image names any more.
    buildah("rmi", "--prune", check=False)
    return out.returncode, report, out.stderr


def rows_of(report: dict | None, stderr: str = "") -> list[dict]:
    """One flat row per job and service of a verify report (what score.py and the fixture
    table read)."""
    if report is None:
        return [{"service": "-", "kind": "service", "build_ok": False, "error": "verify did not run: " + (stderr.strip().splitlines() or ["no output"])[-1], "log_tail": stderr.splitlines()[-15:]}]
    rows = []
    backing_down = [f"{b['service']} ({b['image']}): {b.get('detail') or 'not healthy'}" for b in report.get("backing", []) if not b.get("healthy")]
    for job in report.get("jobs", []):
        outcome = job.get("outcome") or {}
        rows.append({
            "service": job["service"], "kind": "job", "dockerfile": job["dockerfile"],
            "build_ok": job["build_ok"], "build_seconds": job["build_seconds"],
            "uid": outcome.get("uid"), "exit_code": outcome.get("exit_code"),
            "start_ok": outcome.get("exit_code") is not None, "health_ok": job["passed"],
            "passed": job["passed"], "error": job.get("error"), "log_tail": job.get("log_tail") or [],
            "backing_down": backing_down,
        })
    for svc in report.get("services", []):
        check = svc.get("check") or {}
        health = check.get("health") or {}
        probe = health.get("probe") or {}
        size = check.get("image_size_bytes")
        rows.append({
            "service": svc["service"], "kind": "service", "dockerfile": svc["dockerfile"], "context": svc["context"],
            "build_ok": bool(check.get("build_ok")), "build_seconds": check.get("build_seconds"),
            "image_size_mb": round(size / 1e6, 1) if size else None,
            "user": check.get("image_user"), "uid": check.get("uid"),
            "start_ok": bool(check.get("start_ok")), "health_ok": bool(health.get("ok")),
            "health_status": health.get("http_status"), "probe": probe,
            "healthcheck_exit": check.get("healthcheck_exit"),
            "passed": svc["passed"], "error": svc.get("error"), "log_tail": check.get("log_tail") or [],
            "backing_down": backing_down,
        })
    return rows


def cmd_run(ns) -> int:
    """Stand-ins for what ROOT's images need, then `shipshape verify` on ROOT."""
    root = Path(ns.dir).resolve()
    shipshape = Path(ns.shipshape).resolve()
    for problem in standins_for(root):
        log(f"[standin] no stand-in: {problem}")
    argv = [str(shipshape), "verify", "--engine", "buildah", "--timeout", str(int(ns.timeout))]
    if ns.json:
        argv += ["--format", "json"]
    for service in ns.service:
        argv += ["--service", service]
    if ns.env_file:
        argv += ["--env-file", ns.env_file]
    rc = subprocess.run([*argv, str(root)], env={**os.environ, **ENGINE_ENV}).returncode
    buildah("rmi", "--prune", check=False)
    if not ns.json:
        for limit in standin_limits(root):
            print(f"stand-in: {limit}")
    return rc


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
    """`shipshape init` on a copy of each fixture app, then `shipshape verify` on the result."""
    table = tomllib.loads((HERE / "fixtures.toml").read_text(encoding="utf-8"))
    repo = HERE.parent.parent
    shipshape = Path(ns.shipshape).resolve()
    names = ns.names or [f["name"] for f in table["fixture"]]
    unknown = sorted(set(names) - {f["name"] for f in table["fixture"]})
    if unknown:
        print(f"not in fixtures.toml: {', '.join(unknown)}", file=sys.stderr)
        return 2
    results: list[dict] = []
    started = time.monotonic()
    for fixture in table["fixture"]:
        if fixture["name"] not in names:
            continue
        t = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="shipshape-fixture-") as tmp:
            app = Path(tmp) / fixture["name"]
            shutil.copytree(repo / "tests/fixtures/apps" / fixture["name"], app, symlinks=True)
            if ns.relock or fixture.get("relock"):
                for line in relock(app):
                    log(f"[relock] {fixture['name']}/{line}")
            init = subprocess.run([str(shipshape), "init", str(app)], text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if init.returncode != 0:
                results.append({"fixture": fixture["name"], "service": "-", "kind": "service", "build_ok": False, "error": "init failed", "log_tail": init.stdout.splitlines()[-15:]})
                continue
            for problem in standins_for(app):
                log(f"[standin] {fixture['name']}: no stand-in: {problem}")
            rc, report, stderr = verify(app, shipshape, ns.timeout, fixture.get("services"))
            rows = rows_of(report, stderr)
        expected = set(fixture.get("expect_jobs", []))
        seen_jobs = {r["service"] for r in rows if r["kind"] == "job"}
        # `migrate` is met by a job named `migrate` or `<service>-migrate`.
        found = {e for e in expected if any(j == e or j.endswith("-" + e) for j in seen_jobs)}
        for missing in sorted(expected - found):
            rows.append({"service": missing, "kind": "job", "build_ok": False, "passed": False, "error": "fixtures.toml expects this migration job; the generated compose.yaml has none", "log_tail": []})
        for row in rows:
            row = {"fixture": fixture["name"], "seconds": round(time.monotonic() - t, 1), **row}
            if fixture.get("xfail"):
                row["xfail"] = fixture["xfail"]
            results.append(row)
            if ns.json:
                print(json.dumps(row), flush=True)
            elif not row.get("passed"):
                print(f"--- {fixture['name']} / {row['service']}: {row.get('error')}")
                for line in row.get("log_tail") or []:
                    print(f"   | {line}")
                for line in row.get("backing_down") or []:
                    print(f"   backing service down: {line}")
        sys.stdout.flush()
    total = time.monotonic() - started
    print()
    print(f"{'fixture':30s} {'service':18s} {'kind':7s} {'build':>7s} {'MB':>6s} {'uid':>6s} {'start':>5s} {'health':>7s}")
    for row in results:
        build = f"{row.get('build_seconds') or 0:.0f}s" if row.get("build_ok") else "FAIL"
        if row["kind"] == "job":
            health = f"exit {row.get('exit_code')}"
        else:
            probe = row.get("probe") or {}
            answer = str(row.get("health_status")) if row.get("health_status") else probe.get("kind", "-")
            health = answer if row.get("health_ok") else ("FAIL" if row.get("build_ok") else "-")
        start = "yes" if row.get("start_ok") else ("NO" if row.get("build_ok") else "-")
        uid = row.get("uid")
        print(f"{row['fixture']:30s} {str(row.get('service')):18s} {row['kind']:7s} {build:>7s} {str(row.get('image_size_mb') or '-'):>6s} {str(uid if uid is not None else '-'):>6s} {start:>5s} {health:>7s}")
    ok = lambda r: bool(r.get("passed")) and r.get("uid") not in (0, None)  # noqa: E731
    passed = sum(1 for r in results if ok(r))
    xfailed = [r for r in results if not ok(r) and r.get("xfail")]
    xpassed = [r for r in results if ok(r) and r.get("xfail")]
    failed = len(results) - passed - len(xfailed)
    for r in xfailed:
        print(f"XFAIL {r['fixture']} / {r['service']}: {r['xfail']}")
    for r in xpassed:
        print(f"XPASS {r['fixture']} / {r['service']}: passes but fixtures.toml marks it xfail — remove the mark")
    print(f"{passed} passed, {failed} failed, {len(xfailed)} known failures (xfail), {len(xpassed)} unexpected passes")
    print(f"container verification took {total:.0f}s")
    return 0 if failed == 0 and not xpassed else 1


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
    r = sub.add_parser("run", help="stand-ins for a folder's images, then `shipshape verify` on it")
    r.add_argument("dir")
    r.add_argument("--service", action="append", default=[], help="only this service (repeatable)")
    r.add_argument("--env-file", help="environment for the containers (default: .env, else .env.example)")
    r.add_argument("--timeout", type=float, default=90, help="seconds to wait for health (default 90)")
    r.add_argument("--json", action="store_true", help="verify's JSON report")
    r.add_argument("--shipshape", default=str(HERE.parent.parent / "target/debug/shipshape"), help="the shipshape binary")
    r.set_defaults(fn=cmd_run)
    f = sub.add_parser("fixtures", help="init + run on copies of the fixture apps in fixtures.toml")
    f.add_argument("names", nargs="*", help="only these fixtures")
    f.add_argument("--shipshape", default=str(HERE.parent.parent / "target/debug/shipshape"), help="the shipshape binary")
    f.add_argument("--timeout", type=float, default=90)
    f.add_argument("--json", action="store_true")
    f.add_argument("--relock", action="store_true", help="regenerate the fixtures' lockfiles (in the copy) with the real package managers first")
    f.set_defaults(fn=cmd_fixtures)
    ns = p.parse_args()
    return ns.fn(ns)


if __name__ == "__main__":
    sys.exit(main())
