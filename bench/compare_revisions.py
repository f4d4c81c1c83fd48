#!/usr/bin/env python3
"""Run the same shipshape command with two binaries (say, the last release and the working tree)
on the same input, alternating, and print both medians and the ratio: the "no slowdown beyond
10 %" check every change to a hot path must pass.

Usage:
  bench/compare_revisions.py --base BIN --head BIN [--runs 9] -- audit bench/out/dockerfiles --format json

Build a base binary from another revision without touching your checkout:
  git worktree add --detach /tmp/ss-base <rev>
  CARGO_TARGET_DIR=/tmp/ss-base-target cargo build --release -p shipshape-cli --manifest-path /tmp/ss-base/Cargo.toml

Exit status is 0 whatever the numbers: this is a benchmark, not a test.
"""

import argparse
import statistics
import subprocess
import sys
import time


def run_once(binary, args):
    start = time.perf_counter()
    proc = subprocess.run([binary] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"{binary} {' '.join(args)} failed ({proc.returncode}): {proc.stderr.decode()[:500]}")
    return elapsed


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, help="shipshape binary of the base revision")
    ap.add_argument("--head", required=True, help="shipshape binary of the revision under test")
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("command", nargs=argparse.REMAINDER, help="-- then the shipshape arguments")
    a = ap.parse_args()
    args = a.command[1:] if a.command[:1] == ["--"] else a.command
    if not args:
        ap.error("give the shipshape arguments after --")
    # Warm the file cache and the binaries.
    run_once(a.base, args)
    run_once(a.head, args)
    base, head = [], []
    for _ in range(a.runs):
        base.append(run_once(a.base, args))
        head.append(run_once(a.head, args))
    mb, mh = statistics.median(base), statistics.median(head)
    print(f"command: shipshape {' '.join(args)}  ({a.runs} alternating runs each)")
    print(f"base  median {mb * 1000:9.1f} ms   (min {min(base) * 1000:.1f}, max {max(base) * 1000:.1f})")
    print(f"head  median {mh * 1000:9.1f} ms   (min {min(head) * 1000:.1f}, max {max(head) * 1000:.1f})")
    print(f"head / base  {mh / mb:6.3f}   ({(mh / mb - 1) * 100:+.1f} %)")


if __name__ == "__main__":
    main()
