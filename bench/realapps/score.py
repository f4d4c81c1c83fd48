#!/usr/bin/env python3
"""Scoreboard of shipshape on real public applications (bench/realapps/apps.toml).

For each application: recreate its checkout from the fetched git directory, run
`shipshape context --format json` and compare every service's facts with the hand-checked
expectations; then run `shipshape init` on a copy, build and start every generated service with
the container harness (tests/containers/harness.py: buildah, local stand-in base images), and
report whether the image builds, runs as a non-root UID and answers its health check.

    python3 bench/realapps/score.py [--checkouts DIR] [--only NAME ...] [--no-run]

The checkouts are made with `git --git-dir=<mirror>/<owner>+<name>/repo archive <commit>`;
fetch a missing repository first (`fetch github:OWNER/NAME`). Run as root (buildah, vfs).

Compose files cannot be started here (no Docker daemon; podman cannot run containers on these
machines), so compose is checked statically: it parses, every build context and Dockerfile it
names exists, every env_file it names exists once `.env.example` is copied to `.env` as the
generated README says, and every depends_on target is a service of the file.

Before `init`, the copy loses the application's own Dockerfiles, compose files and
.dockerignore ("fresh" mode, the default): the scoreboard measures what shipshape generates.
`--keep-existing` keeps them, as a user's repository would.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "tests" / "containers"))
import harness  # noqa: E402  (the container harness, tests/containers/harness.py)

FIELDS = ["found", "language", "framework", "package_manager", "runtime_version", "start", "port", "health", "backing"]
EXISTING = ["Dockerfile", "Containerfile", "compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml", ".dockerignore"]
# Words in a build log that mean a registry these machines cannot reach was asked.
UNREACHABLE = [
    "proxy.golang.org", "repo.maven.apache.org", "repo1.maven.org", "services.gradle.org", "plugins.gradle.org",
    "rubygems.org", "packagist.org", "api.nuget.org", "dl-cdn.alpinelinux.org", "Could not resolve host",
    "dial tcp: lookup", "no such host", "Temporary failure in name resolution",
]


def value(fact):
    return fact.get("value") if isinstance(fact, dict) else fact


def leading_numbers(text: str) -> str:
    m = re.search(r"\d+(\.\d+)*", text or "")
    return m.group(0) if m else ""


def same_version(expected: str, detected) -> bool:
    if not expected:
        return not detected
    want, got = leading_numbers(expected), leading_numbers(str(detected or ""))
    if not got:
        return False
    # An upper bound alone (`<3.13`, from pins that install on no newer Python) is right when
    # the expected version is below it.
    if str(detected).startswith("<") and not expected.startswith("<"):
        key = lambda v: [int(p) for p in v.split(".") if p.isdigit()]
        return key(want) < key(got)
    # A declared "3.12.1" and a detected "3.12" (or the reverse) name the same release line.
    return want == got or want.startswith(got + ".") or got.startswith(want + ".")


def compare(expected: dict, detected: dict | None) -> dict[str, bool]:
    if detected is None:
        return {f: False for f in FIELDS}
    start = str(value(detected.get("start_command")) or "")
    backing = sorted({value(b) for b in detected.get("backing_services") or []} - {None})
    backing = [b for b in backing if not str(b).endswith("worker")]
    port = value(detected.get("port"))
    return {
        "found": True,
        "language": (value(detected.get("language")) or "") == expected["language"],
        "framework": (value(detected.get("framework")) or "") == expected["framework"],
        "package_manager": (value(detected.get("package_manager")) or "") == expected["package_manager"],
        "runtime_version": same_version(expected["runtime_version"], value(detected.get("runtime_version"))),
        "start": (expected["start"] in start) if expected["start"] else True,
        "port": (port == expected["port"]) if expected["port"] else True,
        "health": (value(detected.get("health_path")) or "") == expected["health"],
        "backing": backing == sorted(expected["backing"]),
    }


def checkout(app: dict, root: Path, mirror: Path) -> Path | None:
    dest = root / app["name"]
    stamp = dest / ".shipshape-checkout"
    if stamp.is_file() and stamp.read_text().strip() == app["commit"]:
        return dest
    git_dir = mirror / app["repo"].replace("/", "+") / "repo"
    if not git_dir.is_dir():
        return None
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    archive = subprocess.Popen(["git", f"--git-dir={git_dir}", "archive", app["commit"]], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(dest)], stdin=archive.stdout, check=True)
    if archive.wait() != 0:
        shutil.rmtree(dest, ignore_errors=True)
        return None
    stamp.write_text(app["commit"] + "\n")
    return dest


def strip_existing(root: Path) -> list[str]:
    removed = []
    for path in sorted(root.rglob("*")):
        if "node_modules" in path.parts or not path.is_file():
            continue
        if path.name in EXISTING or path.name.startswith("Dockerfile."):
            removed.append(str(path.relative_to(root)))
            path.unlink()
    return removed


def compose_problems(root: Path) -> list[str] | None:
    """Static compose check; None when there is no compose file."""
    compose = next((root / n for n in ("compose.yaml", "compose.yml", "docker-compose.yml") if (root / n).is_file()), None)
    if compose is None:
        return None
    try:
        import yaml

        doc = yaml.safe_load(compose.read_text(encoding="utf-8")) or {}
    except Exception as e:  # noqa: BLE001 - any parse failure is the finding
        return [f"{compose.name} does not parse: {e}"]
    problems = []
    services = doc.get("services") or {}
    for name, svc in services.items():
        if not isinstance(svc, dict):
            continue
        build = svc.get("build")
        if isinstance(build, str):
            build = {"context": build}
        if build:
            context = root / build.get("context", ".")
            if not context.is_dir():
                problems.append(f"{name}: build context {build.get('context')} missing")
            elif not (context / build.get("dockerfile", "Dockerfile")).is_file():
                problems.append(f"{name}: dockerfile {build.get('dockerfile', 'Dockerfile')} missing")
        env_files = svc.get("env_file") or []
        for env_file in [env_files] if isinstance(env_files, (str, dict)) else env_files:
            path = env_file.get("path") if isinstance(env_file, dict) else env_file
            required = env_file.get("required", True) if isinstance(env_file, dict) else True
            exists = (root / path).is_file() or (path in (".env", "./.env") and (root / ".env.example").is_file())
            if required and not exists:
                problems.append(f"{name}: env_file {path} missing and no .env.example to copy")
        depends = svc.get("depends_on") or []
        for target in depends if isinstance(depends, list) else depends.keys():
            if target not in services:
                problems.append(f"{name}: depends_on {target} is not a service")
    return problems


def classify(result: dict, jobs: list | None = None) -> str:
    if result.get("health_ok") and result.get("uid") not in (0, None):
        return ""
    # The service was not started because a job it waits for (a migration) failed: the job's
    # log says why.
    failed = [j for j in (jobs or []) if not j.get("passed")]
    if failed and str(result.get("error") or "").startswith("not started"):
        job = failed[0]
        return f"job {job.get('service')}: " + (job.get("error") or "") + " — " + last_error_line(job.get("log_tail") or [])
    text = "\n".join(result.get("log_tail") or []) + "\n" + str(result.get("error") or "")
    if "does not exist (the compose file builds from it)" in str(result.get("error") or ""):
        return "no Dockerfile generated, compose.yaml builds one"
    if result.get("refused"):
        return str(result.get("error"))[:160]
    if any(word in text for word in UNREACHABLE):
        return "unreachable registry"
    if not result.get("build_ok"):
        return "build: " + last_error_line(result.get("log_tail") or [])
    if result.get("uid") == 0:
        return "runs as root"
    return "run: " + (result.get("error") or "") + " — " + last_error_line(result.get("log_tail") or [])


def last_error_line(lines: list[str]) -> str:
    for line in reversed(lines):
        low = line.lower()
        noise = ("subprocess exited", "error: exit status", "error: building at step", "complete log of this run", "waiting for other jobs", "this error originates from a subprocess", "elifecycle")
        if any(w in low for w in ("error", "exception", "failed", "cannot", "not found", "no such")) and not any(n in low for n in noise):
            return line.strip()[:140]
    return (lines[-1].strip()[:140] if lines else "")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkouts", default="/tmp/shipshape-realapps", help="folder of checkouts (made when missing)")
    p.add_argument("--mirror", default="/work/.mirror", help="where the fetched git directories are")
    p.add_argument("--shipshape", default=str(REPO / "target/debug/shipshape"))
    p.add_argument("--only", nargs="*", help="only these apps")
    p.add_argument("--no-run", action="store_true", help="detection and init only, no container builds")
    p.add_argument("--all-builds", action="store_true", help="also build apps whose registries are unreachable here")
    p.add_argument("--keep-existing", action="store_true", help="keep the apps' own Dockerfiles and compose files")
    p.add_argument("--timeout", type=float, default=90)
    p.add_argument("--json", help="write every result to this file")
    p.add_argument("--reuse-runs", help="take build-and-run results from this earlier --json file (same shipshape commit) instead of building again")
    ns = p.parse_args()

    apps = tomllib.loads((HERE / "apps.toml").read_text(encoding="utf-8"))["app"]
    if ns.only:
        apps = [a for a in apps if a["name"] in ns.only]
    shipshape = Path(ns.shipshape).resolve()
    checkouts = Path(ns.checkouts)
    checkouts.mkdir(parents=True, exist_ok=True)
    reused = {}
    if ns.reuse_runs:
        for row in json.loads(Path(ns.reuse_runs).read_text()):
            reused[(row["app"], row["service"])] = row.get("run")
    rows, details = [], []
    field_right = {f: 0 for f in FIELDS}
    field_total = 0
    started = time.monotonic()
    for app in apps:
        src = checkout(app, checkouts, Path(ns.mirror))
        if src is None:
            rows.append({"app": app["name"], "error": "not fetched"})
            continue
        ctx = subprocess.run([str(shipshape), "context", "--format", "json", str(src)], text=True, capture_output=True)
        try:
            services = json.loads(ctx.stdout)["facts"]["services"]
        except (json.JSONDecodeError, KeyError):
            services = []
        by_root = {s.get("root"): s for s in services}
        expected_roots = [s["root"] for s in app["service"]]
        extra = sorted(r for r in by_root if r not in expected_roots)
        with tempfile.TemporaryDirectory(prefix="shipshape-realapp-") as tmp:
            work = Path(tmp) / app["name"]
            shutil.copytree(src, work, symlinks=True)
            removed = [] if ns.keep_existing else strip_existing(work)
            init = subprocess.run([str(shipshape), "init", str(work)], text=True, capture_output=True)
            compose = compose_problems(work)
            runs: list[dict] | None = None
            for svc in app["service"]:
                checks = compare(svc, by_root.get(svc["root"]))
                field_total += 1
                for f, ok in checks.items():
                    field_right[f] += ok
                row = {
                    "app": app["name"], "service": svc["root"], "reachable": app["reachable"],
                    "blocked": svc.get("blocked", ""),
                    "detect": checks, "init_rc": init.returncode, "removed": removed,
                    "extra_services": extra, "compose": compose,
                }
                dockerfile = (work / svc["root"] / "Dockerfile").resolve()
                if (app["name"], svc["root"]) in reused:
                    row["run"] = reused[(app["name"], svc["root"])]
                elif ns.no_run or not (app["reachable"] or ns.all_builds):
                    row["run"] = None
                elif init.returncode != 0 or not dockerfile.is_file():
                    # init says why it wrote no Dockerfile: `! <service>: no Dockerfile generated
                    # for <folder> — <reason>`.
                    folder = "the repository root" if svc["root"] == "." else f"{svc['root']}/"
                    why = next(
                        (l.split(" — ", 1)[1].strip() for l in (init.stdout + init.stderr).splitlines()
                         if "no Dockerfile generated for " + folder in l and " — " in l),
                        "no Dockerfile generated for this service",
                    )
                    row["run"] = {"error": "init refused: " + why, "build_ok": False, "refused": True}
                else:
                    if runs is None:
                        # Every service of the app at once, as `shipshape verify` runs them:
                        # backing services and migration jobs included.
                        try:
                            harness.standins_for(work)
                            _, report, stderr = harness.verify(work, shipshape, ns.timeout)
                            runs = harness.rows_of(report, stderr)
                        except Exception as e:  # noqa: BLE001 - one app's trouble must not end the scoreboard
                            runs = [{"service": "-", "kind": "service", "error": f"harness: {type(e).__name__}: {e}", "build_ok": False}]
                    match = [r for r in runs if r["kind"] == "service" and r.get("dockerfile") and (work / r["dockerfile"]).resolve() == dockerfile]
                    if not match and len(runs) == 1 and runs[0]["service"] == "-":
                        match = runs
                    row["run"] = match[0] if match else {"error": "verify checked no service built from this Dockerfile (compose.yaml builds none)", "build_ok": False}
                    jobs = [r for r in runs if r["kind"] == "job"]
                    if jobs:
                        row["jobs"] = jobs
                if init.returncode != 0:
                    row["init_log"] = (init.stdout + init.stderr).splitlines()[-10:]
                rows.append(row)
                details.append(row)
                print(summary_line(row), flush=True)
                if ns.json:  # after every service: a crash keeps what was measured
                    Path(ns.json).write_text(json.dumps(details, indent=1))
    total = time.monotonic() - started
    print_board(rows, field_right, field_total, total, shipshape)
    if ns.json:
        Path(ns.json).write_text(json.dumps(details, indent=1))
    return 0


def summary_line(row: dict) -> str:
    checks = row["detect"]
    run = row.get("run")
    status = "not built" if run is None else (
        "healthy" if run.get("health_ok") and run.get("uid") not in (0, None) else classify(run, row.get("jobs")))
    return f"{row['app']}/{row['service']}: detect {sum(checks.values())}/{len(checks)}; {status}"


def print_board(rows, field_right, field_total, total, shipshape) -> None:
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], text=True, capture_output=True).stdout.strip()
    print()
    print(f"# Real-app scoreboard — {datetime.date.today()} — shipshape {commit}")
    print()
    print("| app / service | detect | init | build | non-root | health | compose | cause |")
    print("|---|---|---|---|---|---|---|---|")
    reach_total = reach_ok = open_total = open_ok = 0
    for row in rows:
        if "detect" not in row:
            print(f"| {row['app']} | — | — | — | — | — | — | {row.get('error')} |")
            continue
        checks = row["detect"]
        missed = [f for f, ok in checks.items() if not ok]
        detect = f"{sum(checks.values())}/{len(checks)}" + (f" (✗ {', '.join(missed)})" if missed else "")
        run = row.get("run")
        compose = "—" if row["compose"] is None else ("ok" if not row["compose"] else "✗ " + "; ".join(row["compose"])[:80])
        if run is None:
            why = "not built in this run" if row["reachable"] else "registry unreachable here: not built"
            cells = ["n/a", "n/a", "n/a", why]
        else:
            built = run.get("build_ok")
            cells = [
                f"✓ {run.get('build_seconds', 0):.0f}s" if built else "✗",
                ("✓ " + str(run.get("uid"))) if run.get("uid") not in (0, None) else ("✗ root" if run.get("uid") == 0 else "—"),
                ("✓ " + str(run.get("health_status") or "port")) if run.get("health_ok") else ("✗" if built else "—"),
                classify(run, row.get("jobs")),
            ]
            if row["reachable"]:
                ok = bool(run.get("health_ok") and run.get("uid") not in (0, None))
                reach_total += 1
                reach_ok += ok
                if not row.get("blocked") or ok:
                    open_total += 1
                    open_ok += ok
                elif not ok:
                    cells[3] = f"{cells[3]} [blocked here: {row['blocked']}]"
        init = "✓" if row["init_rc"] == 0 else f"✗ rc {row['init_rc']}"
        print(f"| {row['app']} / {row['service']} | {detect} | {init} | {cells[0]} | {cells[1]} | {cells[2]} | {compose} | {cells[3]} |")
    print()
    print("Detection right per field (services): " + ", ".join(f"{f} {field_right[f]}/{field_total}" for f in FIELDS))
    if reach_total:
        print(f"Build + non-root + health, apps whose registries are reachable: {reach_ok}/{reach_total} ({100 * reach_ok // reach_total}%)")
    if open_total:
        print(f"Of those, leaving out services blocked by something no registry here provides (`blocked` in apps.toml, each read in its log): {open_ok}/{open_total} ({100 * open_ok // open_total}%)")
    print(f"Took {total:.0f}s. Compose: checked statically (no engine here can run compose).")


if __name__ == "__main__":
    sys.exit(main())
