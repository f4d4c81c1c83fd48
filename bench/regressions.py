#!/usr/bin/env python3
"""One revision against another on every hot path: the "no slowdown beyond 10 %" check.

Runs each workload below with two shipshape binaries, alternating, and prints both medians and
their ratio; with --callgrind, also the instructions each executes (valgrind's callgrind, all
threads): on a loaded 2-core machine wall time moves with the neighbours, instruction counts do
not.

  audit          audit the official-image corpus (1,032 Dockerfiles), JSON
  context        context on the real 56,000-file tree (bench/corpora.toml `context`)
  context-charts context on bitnami/charts alone (4,200 files, 139 charts): small enough for
                 callgrind on the old revisions
  secrets-tree   secrets over loki's working tree (17,800 files)
  secrets-history  secrets --history over nodejs/docker-node's 2,500 commits (a local clone)
  init           init --dry-run on open-telemetry/opentelemetry-demo (20 services)

Build a base binary without touching your checkout:
  git worktree add --detach /tmp/perf-base-src REV
  cargo build --release -p shipshape-cli --manifest-path /tmp/perf-base-src/Cargo.toml --target-dir /tmp/perf-base

  python3 bench/regressions.py --base /tmp/perf-base/release/shipshape --head target/release/shipshape \\
      [--runs 9] [--only audit,context] [--callgrind]
"""

import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpora  # noqa: E402


def history_clone(repo):
    """A non-bare clone of a fetched repository (the history scan reads a repository's .git)."""
    dest = os.path.join(corpora.SCRATCH, repo.replace("/", "+") + "-git")
    if not os.path.isdir(dest):
        subprocess.run(["git", "clone", "-q", "--no-hardlinks", corpora.git_dir(repo), dest], check=True)
    return dest


def app_checkout(repo):
    dest = os.path.join(corpora.SCRATCH, repo.replace("/", "+"))
    if not os.path.isdir(dest):
        head = subprocess.run(["git", "--git-dir", corpora.git_dir(repo), "rev-parse", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        corpora.checkout(repo, head, dest)
    return dest


def workloads():
    audit_dir, _ = corpora.audit_corpus(12)
    tree, _ = corpora.context_tree()
    loki = os.path.join(tree, "grafana+loki")
    return {
        "audit": lambda: ["audit", audit_dir, "--format", "json"],
        "context": lambda: ["context", "--format", "json", tree],
        "context-charts": lambda: ["context", "--format", "json", os.path.join(tree, "bitnami+charts")],
        "secrets-tree": lambda: ["secrets", loki, "--format", "json"],
        "secrets-history": lambda: ["secrets", history_clone("nodejs/docker-node"), "--history", "--format", "json"],
        "init": lambda: ["init", app_checkout("open-telemetry/opentelemetry-demo"), "--dry-run", "--format", "json"],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True)
    ap.add_argument("--head", required=True)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--only", help="comma-separated workload names")
    ap.add_argument("--callgrind", action="store_true", help="also count instructions (slow)")
    ap.add_argument("--no-time", action="store_true", help="only count instructions")
    args = ap.parse_args()

    table = workloads()
    names = args.only.split(",") if args.only else list(table)
    for name in names:
        if name not in table:
            sys.exit("unknown workload %s (have: %s)" % (name, ", ".join(table)))
    print("%-16s %12s %12s %8s %16s %16s %8s" % (
        "workload", "base ms", "head ms", "head/base", "base Ir", "head Ir", "head/base"))
    for name in names:
        argv = table[name]()
        row = [name]
        if not args.no_time:
            times = corpora.alternate({
                "base": ([args.base] + argv, (0, 1), None),
                "head": ([args.head] + argv, (0, 1), None),
            }, args.runs)
            mb, mh = corpora.median_ms(times["base"]), corpora.median_ms(times["head"])
            row += ["%12.1f" % mb, "%12.1f" % mh, "%8.3f" % (mh / mb)]
        else:
            row += ["%12s" % "-", "%12s" % "-", "%8s" % "-"]
        if args.callgrind or args.no_time:
            ib = corpora.callgrind_instructions([args.base] + argv)
            ih = corpora.callgrind_instructions([args.head] + argv)
            row += ["%16d" % ib, "%16d" % ih, "%8.3f" % (ih / ib)]
        print("%-16s %s" % (row[0], " ".join(row[1:])), flush=True)
    print("(%d alternating runs each, medians; Ir = instructions executed, all threads)" % args.runs)


if __name__ == "__main__":
    main()
