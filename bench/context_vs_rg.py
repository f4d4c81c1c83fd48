#!/usr/bin/env python3
"""Time `shipshape context` against `rg --files --hidden` on the same tree.

By default the tree is real: the repositories of bench/corpora.toml's `context` list side by
side under /tmp/shipshape-bench/context-tree (56,000 files: istio, the bitnami and helm/charts
Helm charts, Kubernetes examples, Argo CD, Loki, Tempo). `--synthetic` uses a generated
100,000-file monorepo instead. Both walk the tree; shipshape also classifies every file and runs
detection. Each tool's file count is printed first. Warm cache (one untimed run of each), then N
timed runs each, alternating; prints medians and the ratio. A benchmark, not a test.

    python3 bench/context_vs_rg.py [--runs 9] [--synthetic [--files 100000]] [--tree DIR]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpora  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PACKAGE_JSON = """{
  "name": "svc-%(i)d",
  "scripts": {"build": "tsc -p .", "start": "node dist/index.js"},
  "dependencies": {"express": "4.19.2", "pg": "8.12.0"},
  "devDependencies": {"typescript": "5.5.4"}
}
"""
PYPROJECT = """[project]
name = "svc-%(i)d"
requires-python = ">=3.12"
dependencies = ["fastapi>=0.111", "uvicorn>=0.30", "redis>=5"]
"""
GO_MOD = """module example.com/svc%(i)d

go 1.22

require github.com/go-chi/chi/v5 v5.0.12
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def build_tree(root, total):
    """A monorepo: 20 services of three stacks, deep source folders, docs, assets and configs."""
    if os.path.isdir(root):
        shutil.rmtree(root)
    count = 0
    write(os.path.join(root, ".gitignore"), "dist/\n*.log\n")
    services = 20
    per_service = (total - 200) // services
    for i in range(services):
        kind = ("node", "python", "go")[i % 3]
        base = os.path.join(root, "services", "svc-%d" % i)
        if kind == "node":
            write(os.path.join(base, "package.json"), PACKAGE_JSON % {"i": i})
            write(os.path.join(base, "package-lock.json"), '{"lockfileVersion": 3}\n')
            ext, body = "ts", "export const v%d = process.env.FEATURE_%d ?? 'x';\n"
        elif kind == "python":
            write(os.path.join(base, "pyproject.toml"), PYPROJECT % {"i": i})
            ext, body = "py", "import os\nV%d = os.getenv('FEATURE_%d')\n"
        else:
            write(os.path.join(base, "go.mod"), GO_MOD % {"i": i})
            ext, body = "go", "package p\n\nvar V%d = \"%d\"\n"
        count += 2
        for j in range(per_service):
            sub = os.path.join(base, "src", "m%02d" % (j % 50), "n%02d" % (j // 50 % 40))
            if j % 10 == 9:
                write(os.path.join(sub, "notes_%d.md" % j), "# notes %d\n" % j)
            elif j % 25 == 24:
                write(os.path.join(sub, "config_%d.yaml" % j), "key: %d\nenabled: true\n" % j)
            else:
                write(os.path.join(sub, "f%d.%s" % (j, ext)), body % (j, j))
            count += 1
    d = 0
    while count < total:
        write(os.path.join(root, "docs", "d%02d" % (d % 100), "page%d.md" % d), "# page %d\n" % d)
        d += 1
        count += 1
    return count


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--synthetic", action="store_true")
    ap.add_argument("--tree", help="an existing tree to use instead")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--binary")
    args = ap.parse_args()

    rg = shutil.which("rg")
    if not rg:
        sys.exit("ripgrep not found: apt-get install ripgrep")
    binary = args.binary or corpora.build_release()

    if args.tree:
        pass
    elif args.synthetic:
        args.tree = os.path.join(corpora.SCRATCH, "synthetic-tree")
        marker = os.path.join(args.tree, ".files")
        if args.rebuild or not os.path.exists(marker) or open(marker).read().strip() != str(args.files):
            n = build_tree(args.tree, args.files)
            write(marker, str(args.files))
            print("built %d files under %s" % (n, args.tree))
    else:
        args.tree, _ = corpora.context_tree()

    ship = [binary, "context", "--format", "json", args.tree]
    rgf = [rg, "--files", "--hidden", args.tree]
    timed(ship), timed(rgf)  # warm the cache
    listed = subprocess.run(rgf, capture_output=True, check=True).stdout.count(b"\n")
    answer = json.loads(subprocess.run(ship, capture_output=True, check=True).stdout)
    print("tree: %s; rg lists %d files, shipshape scanned %d" % (args.tree, listed, answer["files_scanned"]))
    ts, tr = [], []
    for _ in range(args.runs):
        ts.append(timed(ship))
        tr.append(timed(rgf))
    ms, mr = statistics.median(ts), statistics.median(tr)
    print("runs: %d, cores: %d" % (args.runs, os.cpu_count()))
    print("shipshape context   median %7.1f ms" % (ms * 1000))
    print("rg --files          median %7.1f ms" % (mr * 1000))
    print("ratio shipshape/rg  %.2f (goal <= 1.5)" % (ms / mr))


if __name__ == "__main__":
    main()
