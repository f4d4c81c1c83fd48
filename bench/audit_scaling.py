#!/usr/bin/env python3
"""How audit time grows with the size of one Dockerfile: a file of N `RUN` instructions (and the
same file with a multi-stage tail and continuation lines), audited by the release binary.

    python3 bench/audit_scaling.py [--shipshape BIN] [--sizes 2000,8000,20000] [--runs 3]

Prints the median wall time per size and the time per RUN. Linear time shows as a constant time
per RUN; the goal is a 20,000-RUN file in under a second. The generated files go under
bench/out/scaling/ (ignored by git). A benchmark, not a test: nothing fails when the goal is
missed.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "out", "scaling")


def dockerfile(runs):
    """Stages every 500 RUNs, each built FROM the previous one, with ARG/ENV use, pipes, apt
    installs and continuation lines: what rules look at per instruction."""
    lines = ["# syntax=docker/dockerfile:1", "ARG BASE=debian:12", "FROM ${BASE} AS s0"]
    for i in range(runs):
        if i and i % 500 == 0:
            lines.append("FROM s%d AS s%d" % (i // 500 - 1, i // 500))
            lines.append("ARG V%d=1" % i)
            lines.append("ENV E%d=${V%d}" % (i, i))
        if i % 3 == 0:
            lines.append(
                "RUN apt-get update && apt-get install -y --no-install-recommends pkg%d \\\n"
                "    && rm -rf /var/lib/apt/lists/*" % i
            )
        elif i % 3 == 1:
            lines.append('RUN curl -fsSL https://example.com/%d | tar -xz -C /opt && echo "$E%d"' % (i, i))
        else:
            lines.append("RUN cd /opt/x%d && make && chmod 0755 /opt/x%d/bin" % (i, i))
    lines += ["USER 1000", 'CMD ["/opt/app"]', ""]
    return "\n".join(lines)


def time_audit(binary, folder, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(
            [binary, "audit", folder, "--format", "json", "--fail-on", "error"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        times.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            sys.exit("shipshape failed (%d): %s" % (proc.returncode, proc.stderr.decode()[:500]))
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shipshape", default=os.path.join(ROOT, "target", "release", "shipshape"))
    ap.add_argument("--sizes", default="2000,8000,20000")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    if not os.access(a.shipshape, os.X_OK):
        sys.exit("no shipshape binary at %s (cargo build --release -p shipshape-cli)" % a.shipshape)
    print("%8s %10s %14s" % ("RUNs", "median s", "µs per RUN"))
    for size in [int(s) for s in a.sizes.split(",")]:
        folder = os.path.join(OUT, "runs-%d" % size)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "Dockerfile"), "w") as f:
            f.write(dockerfile(size))
        t = time_audit(a.shipshape, folder, a.runs)
        print("%8d %10.3f %14.1f" % (size, t, 1e6 * t / size))


if __name__ == "__main__":
    main()
