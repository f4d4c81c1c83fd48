#!/usr/bin/env python3
"""Secret scanning speed: shipshape (this build and, optionally, an earlier one) against
gitleaks and Kingfisher on the same real repositories, working tree and whole history.

    python3 bench/secrets/speed.py CHECKOUTS [--shipshape BIN] [--before BIN] [--runs N]
                                             [--only tree|history] [--repos a,b]

CHECKOUTS holds one git clone per repository listed in bench/secrets/repositories.toml (the
folder name is the `name` there; `--single-branch` clones of the recorded branch, see
bench/secrets/README.md). Each clone must be at the recorded commit, or the script stops.

Every tool reads the same bytes, so the throughput is reported against one denominator per
repository: the working tree's text files for tree scans, and every distinct blob reachable
from the recorded branch for history scans. MiB/s per core is those bytes over the CPU time
(user + system) the tool used; wall time is the median of the runs. Tools run alternately after
one untimed warm-up run each.

The peers are looked for on PATH, then in /work/peers/bin. A peer that cannot run fails the
benchmark; SHIPSHAPE_SKIP_PEERS=1 leaves them out, loudly.
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def find_tool(name):
    path = shutil.which(name)
    if path:
        return path
    fallback = os.path.join("/work/peers/bin", name)
    return fallback if os.access(fallback, os.X_OK) else None


def timed(cmd, cwd=None):
    """Run `cmd`; return (wall seconds, CPU seconds of the child, exit code)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode, proc.stderr.decode(errors="replace")


def tree_bytes(repo):
    """Bytes of the text files git tracks in the working tree."""
    files = subprocess.run(["git", "-C", repo, "ls-files", "-z"], capture_output=True,
                           check=True).stdout.split(b"\0")
    total = 0
    for f in files:
        if not f:
            continue
        p = os.path.join(repo.encode(), f)
        try:
            with open(p, "rb") as fh:
                head = fh.read(8192)
            if b"\0" in head:
                continue
            total += os.path.getsize(p)
        except OSError:
            pass
    return total


def history_bytes(repo):
    """Bytes of every distinct blob reachable from any reference."""
    objs = subprocess.run(["git", "-C", repo, "rev-list", "--objects", "--all"],
                          capture_output=True, check=True).stdout
    ids = b"\n".join(line.split(b" ")[0] for line in objs.splitlines()) + b"\n"
    sizes = subprocess.run(["git", "-C", repo, "cat-file",
                            "--batch-check=%(objecttype) %(objectsize)"],
                           input=ids, capture_output=True, check=True).stdout
    return sum(int(s.split()[1]) for s in sizes.splitlines() if s.startswith(b"blob"))


def commands(mode, repo, tools, scratch):
    """The command of each tool for a tree or history scan of `repo`."""
    cmds = {}
    for label, binary in tools.get("shipshape", {}).items():
        c = [binary, "secrets", repo, "--format", "json", "--no-progress", "--fail-on", "error"]
        if mode == "history":
            c.append("--history")
        cmds[label] = c
    if "gitleaks" in tools:
        report = os.path.join(scratch, "gitleaks.json")
        if mode == "tree":
            cmds["gitleaks"] = [tools["gitleaks"], "dir", repo, "--no-banner", "--exit-code", "0",
                                "--report-path", report, "--log-level", "error"]
        else:
            cmds["gitleaks"] = [tools["gitleaks"], "git", repo, "--no-banner", "--exit-code", "0",
                                "--report-path", report, "--log-level", "error"]
    if "kingfisher" in tools:
        cmds["kingfisher"] = [tools["kingfisher"], "scan", repo, "--no-validate",
                              "--no-update-check", "--format", "json", "--output",
                              os.path.join(scratch, "kingfisher.json"), "--git-history",
                              "full" if mode == "history" else "none"]
    return cmds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("checkouts")
    ap.add_argument("--shipshape", default=os.path.join(ROOT, "target/release/shipshape"))
    ap.add_argument("--before", default=None, help="an earlier shipshape build to compare")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", choices=["tree", "history"], default=None)
    ap.add_argument("--repos", default=None)
    args = ap.parse_args()

    spec = tomllib.load(open(os.path.join(HERE, "repositories.toml"), "rb"))
    repos = [r for r in spec["speed"] if not args.repos or r["name"] in args.repos.split(",")]

    tools = {"shipshape": {"shipshape": args.shipshape}}
    if args.before:
        tools["shipshape"]["shipshape-before"] = args.before
    if os.environ.get("SHIPSHAPE_SKIP_PEERS") == "1":
        print("!!! SHIPSHAPE_SKIP_PEERS=1: gitleaks and Kingfisher are NOT compared !!!")
    else:
        for peer in ["gitleaks", "kingfisher"]:
            path = find_tool(peer)
            if not path:
                sys.exit(f"{peer} not found on PATH or in /work/peers/bin — install it "
                         f"(pip install {peer}-bin or see bench/secrets/README.md) or set "
                         "SHIPSHAPE_SKIP_PEERS=1")
            tools[peer] = path

    scratch = os.path.join(ROOT, "bench/out/secrets-speed")
    os.makedirs(scratch, exist_ok=True)
    modes = [args.only] if args.only else ["tree", "history"]
    print(f"{'repository':<10} {'mode':<8} {'tool':<17} {'MiB':>7} {'wall s':>7} "
          f"{'cpu s':>7} {'MiB/s/core':>10}")
    rows = []
    for r in repos:
        repo = os.path.join(args.checkouts, r["name"])
        head = subprocess.run(["git", "-C", repo, "rev-parse", "HEAD"], capture_output=True,
                              text=True).stdout.strip()
        if head != r["commit"]:
            sys.exit(f"{repo} is at {head or 'nothing'}, not at the recorded {r['commit']}")
        for mode in [m for m in modes if m in r["modes"]]:
            size = tree_bytes(repo) if mode == "tree" else history_bytes(repo)
            cmds = commands(mode, repo, tools, scratch)
            for label, cmd in cmds.items():
                wall, cpu, code, err = timed(cmd)
                if code not in (0, 1, 200, 205):  # kingfisher: 200 findings, 205 validated
                    sys.exit(f"{label} failed on {r['name']} ({mode}), exit {code}:\n{err}")
            samples = {label: [] for label in cmds}
            for _ in range(args.runs):
                for label, cmd in cmds.items():
                    wall, cpu, _, _ = timed(cmd)
                    samples[label].append((wall, cpu))
            for label, s in samples.items():
                wall = statistics.median(w for w, _ in s)
                cpu = statistics.median(c for _, c in s)
                mib = size / 1048576
                print(f"{r['name']:<10} {mode:<8} {label:<17} {mib:>7.1f} {wall:>7.2f} "
                      f"{cpu:>7.2f} {mib / cpu:>10.1f}")
                rows.append({"repository": r["name"], "commit": r["commit"], "mode": mode,
                             "tool": label, "mib": round(mib, 1), "wall_s": round(wall, 3),
                             "cpu_s": round(cpu, 3), "mib_per_s_per_core": round(mib / cpu, 1)})
    with open(os.path.join(scratch, "results.json"), "w") as f:
        json.dump(rows, f, indent=2)
    print(f"\nresults in {os.path.relpath(os.path.join(scratch, 'results.json'), ROOT)}")


if __name__ == "__main__":
    main()
