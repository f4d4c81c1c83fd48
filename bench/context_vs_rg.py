#!/usr/bin/env python3
"""Time `shipshape context` against `rg --files` on the same synthetic 100,000-file tree.

Both walk the tree honouring .gitignore; shipshape also classifies every file and runs detection.
Warm cache (one untimed run of each first), then N timed runs each, alternating; prints medians
and the ratio. A benchmark, not a test: numbers depend on the machine.

    python3 bench/context_vs_rg.py [--files 100000] [--runs 9] [--tree DIR]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

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
    ap.add_argument("--tree", default=os.path.join(ROOT, "bench", "out", "tree"))
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()

    rg = shutil.which("rg")
    if not rg:
        sys.exit("ripgrep not found: apt-get install ripgrep")
    binary = os.path.join(ROOT, "target", "release", "shipshape")
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "shipshape-cli"], cwd=ROOT, check=True)

    marker = os.path.join(args.tree, ".files")
    if args.rebuild or not os.path.exists(marker) or open(marker).read().strip() != str(args.files):
        n = build_tree(args.tree, args.files)
        write(marker, str(args.files))
        print("built %d files under %s" % (n, args.tree))

    ship = [binary, "context", "--format", "json", args.tree]
    rgf = [rg, "--files", "--hidden", args.tree]
    timed(ship), timed(rgf)  # warm the cache
    ts, tr = [], []
    for _ in range(args.runs):
        ts.append(timed(ship))
        tr.append(timed(rgf))
    ms, mr = statistics.median(ts), statistics.median(tr)
    print("files: %d, runs: %d, cores: %d" % (args.files, args.runs, os.cpu_count()))
    print("shipshape context   median %7.1f ms" % (ms * 1000))
    print("rg --files          median %7.1f ms" % (mr * 1000))
    print("ratio shipshape/rg  %.2f (goal <= 1.5)" % (ms / mr))


if __name__ == "__main__":
    main()
