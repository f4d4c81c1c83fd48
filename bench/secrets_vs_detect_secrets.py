#!/usr/bin/env python3
"""Secret scanning, side by side: shipshape vs detect-secrets.

Two workloads, both generated here and deterministic (fixed seeds):

  tree     a synthetic text tree (default 1 GiB) of code, config and data files with planted
           credentials, scanned as a working tree;
  history  a generated git repository (default 10,000 commits) scanned with --history.
           detect-secrets has no history mode; it gets the same bytes instead — every distinct
           blob of the repository written out once — which is the work a history scan must do.

For each tool and workload the script runs the scan N times (default 3) and reports medians of
wall time, CPU time (user + system), throughput in MiB/s per core (bytes / CPU seconds) and peak
resident memory. detect-secrets is single-threaded and slow; by default it scans a fixed sample
of the tree (--peer-fraction) and its per-core throughput is computed on what it scanned. Use
--peer-fraction 1 to give it the whole tree.

Usage:
  cargo build --release -p shipshape-cli
  python3 bench/secrets_vs_detect_secrets.py [--size-mib 1024] [--commits 10000] [--runs 3]
      [--workdir /tmp/ss-bench] [--shipshape target/release/shipshape]
      [--detect-secrets detect-secrets] [--peer-fraction 0.0625]

No network is used. The generated inputs are kept in --workdir and reused when present.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time

MIB = 1024 * 1024
FILE_SIZE = 256 * 1024  # bytes per generated tree file


def b62(rng, n):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(rng.choice(alphabet) for _ in range(n))


def hexs(rng, n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def planted(rng):
    """A credential-shaped line; prefixes are joined here so this file holds no whole token."""
    kind = rng.randrange(6)
    if kind == 0:
        return 'GITHUB_TOKEN = "' + "gh" + "p_" + b62(rng, 36) + '"'
    if kind == 1:
        return "aws_access_key_id = " + "AK" + "IA" + "".join(
            rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
    if kind == 2:
        return "SLACK_BOT_TOKEN=" + "xo" + "xb-" + "384920175638-4820395716284-" + b62(rng, 24)
    if kind == 3:
        return "DATABASE_URL=postgres://app:" + b62(rng, 16) + "@db.internal:5432/app"
    if kind == 4:
        return "STRIPE_KEY=" + "sk_" + "live_" + b62(rng, 24)
    return 'db_password = "' + b62(rng, 14) + '7"'


WORDS = ("request response token password secret key user account service config value "
         "handler client server session cache queue worker deploy build release metrics "
         "logger error retry timeout limit offset cursor payload header status").split()


def filler_line(rng):
    kind = rng.randrange(10)
    w = lambda: rng.choice(WORDS)
    if kind == 0:
        return f"    # {w()} {w()} {w()} {w()} {w()} {w()}"
    if kind == 1:
        return f"    {w()}_{w()} = get_{w()}({w()}, {w()}={rng.randrange(1000)})"
    if kind == 2:
        return f'    "{w()}_id": "{hexs(rng, 8)}-{hexs(rng, 4)}-{hexs(rng, 4)}-{hexs(rng, 4)}-{hexs(rng, 12)}",'
    if kind == 3:
        return f"    if {w()}.{w()} is None: raise {w().title()}Error(\"{w()} {w()}\")"
    if kind == 4:
        return f"  {w()}: ${{{w().upper()}_{w().upper()}}}"
    if kind == 5:
        return f"    sha256 = \"{hexs(rng, 64)}\""
    if kind == 6:
        return f"    url = \"https://{w()}.example.org/{w()}/{w()}?page={rng.randrange(50)}\""
    if kind == 7:
        return f"    {w()}_{w()} = os.environ[\"{w().upper()}_{w().upper()}\"]"
    if kind == 8:
        return f"    return [{w()} for {w()} in {w()}s if {w()}.{w()} > {rng.randrange(100)}]"
    return f"    log.info(\"{w()} %s {w()} %d\", {w()}, {rng.randrange(10**6)})"


def gen_tree(root, size_mib, seed=1):
    marker = os.path.join(root, ".complete")
    if os.path.exists(marker):
        return
    shutil.rmtree(root, ignore_errors=True)
    rng = random.Random(seed)
    total = size_mib * MIB
    n_files = max(1, total // FILE_SIZE)
    exts = [".py", ".yaml", ".json", ".env", ".tf", ".js", ".go", ".md"]
    written = 0
    for i in range(n_files):
        d = os.path.join(root, f"pkg{i // 64:03d}")
        os.makedirs(d, exist_ok=True)
        lines = []
        size = 0
        while size < FILE_SIZE:
            line = planted(rng) if rng.random() < 0.0005 else filler_line(rng)
            lines.append(line)
            size += len(line) + 1
        with open(os.path.join(d, f"mod{i:05d}{exts[i % len(exts)]}"), "w") as f:
            f.write("\n".join(lines) + "\n")
        written += size
    open(marker, "w").close()
    return written


def tree_bytes(root, fraction=1.0):
    files = []
    for dirpath, _, names in os.walk(root):
        for n in names:
            if n != ".complete":
                files.append(os.path.join(dirpath, n))
    files.sort()
    if fraction < 1.0:
        step = max(1, round(1 / fraction))
        files = files[::step]
    return files, sum(os.path.getsize(f) for f in files)


def gen_history(root, commits, seed=2):
    marker = os.path.join(root, ".git", "bench-complete")
    if os.path.exists(marker):
        return
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1")
    subprocess.run(["git", "init", "-q", "-b", "main", root], check=True, env=env)
    rng = random.Random(seed)
    n_files = 400
    contents = {}
    for i in range(n_files):
        contents[f"src/part{i % 20:02d}/file{i:03d}.py"] = "\n".join(
            filler_line(rng) for _ in range(100)) + "\n"
    proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=root, stdin=subprocess.PIPE, env=env)
    out = proc.stdin

    def data(text):
        b = text.encode()
        out.write(b"data %d\n" % len(b))
        out.write(b + b"\n")

    for c in range(commits):
        out.write(b"commit refs/heads/main\n")
        out.write(b"mark :%d\n" % (c + 1))
        out.write(b"committer Bench <bench@example.test> %d +0000\n" % (1_600_000_000 + c * 60))
        data(f"change {c}")
        if c > 0:
            out.write(b"from :%d\n" % c)
        paths = list(contents) if c == 0 else rng.sample(list(contents), 3)
        for p in paths:
            lines = contents[p].split("\n")
            k = rng.randrange(len(lines))
            lines[k] = planted(rng) if rng.random() < 0.01 else filler_line(rng)
            contents[p] = "\n".join(lines)
            out.write(f"M 100644 inline {p}\n".encode())
            data(contents[p])
    out.close()
    if proc.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "-C", root, "reset", "-q", "--hard"], check=True, env=env)
    subprocess.run(["git", "-C", root, "gc", "-q"], check=True, env=env)
    open(marker, "w").close()


def export_blobs(repo, dest):
    """Every distinct blob of the repository, once, as files (detect-secrets' share of the work)."""
    marker = os.path.join(dest, ".complete")
    if os.path.exists(marker):
        return
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    ids = subprocess.run(
        ["git", "-C", repo, "cat-file", "--batch-all-objects", "--batch-check=%(objecttype) %(objectname)"],
        check=True, capture_output=True, text=True).stdout.split("\n")
    blobs = [l.split()[1] for l in ids if l.startswith("blob ")]
    proc = subprocess.Popen(["git", "-C", repo, "cat-file", "--batch"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)
    for i, b in enumerate(blobs):
        proc.stdin.write(b.encode() + b"\n")
        proc.stdin.flush()
        header = proc.stdout.readline().split()
        size = int(header[2])
        body = proc.stdout.read(size)
        proc.stdout.read(1)
        d = os.path.join(dest, f"b{i // 1000:03d}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"{b}.py"), "wb") as f:
            f.write(body)
    proc.stdin.close()
    proc.wait()
    open(marker, "w").close()


def measure(cmd, cwd=None):
    """Run `cmd`; wall seconds, CPU seconds (user + system, children included), peak RSS MiB."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    stdout = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mib": usage.ru_maxrss / 1024,
        "code": proc.returncode,
        "stdout": stdout,
    }


def summarise(name, runs, nbytes):
    wall = statistics.median(r["wall"] for r in runs)
    cpu = statistics.median(r["cpu"] for r in runs)
    rss = statistics.median(r["rss_mib"] for r in runs)
    mib = nbytes / MIB
    return {
        "tool": name,
        "MiB": round(mib, 1),
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "MiB/s": round(mib / wall, 1),
        "MiB/s/core": round(mib / cpu, 1) if cpu > 0 else None,
        "peak_MiB": round(rss, 1),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--commits", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workdir", default="/tmp/ss-bench")
    ap.add_argument("--shipshape", default="target/release/shipshape")
    ap.add_argument("--detect-secrets", default=shutil.which("detect-secrets") or "detect-secrets")
    ap.add_argument("--peer-fraction", type=float, default=1 / 16)
    ap.add_argument("--skip", choices=["tree", "history"], action="append", default=[])
    args = ap.parse_args()

    os.makedirs(args.workdir, exist_ok=True)
    results = {}
    if "tree" not in args.skip:
        tree = os.path.join(args.workdir, f"tree-{args.size_mib}")
        gen_tree(tree, args.size_mib)
        _, total = tree_bytes(tree)
        runs = [measure([args.shipshape, "secrets", tree, "--format", "json", "--no-progress"])
                for _ in range(args.runs)]
        found = len(json.loads(runs[0]["stdout"])["findings"])
        ours = summarise("shipshape", runs, total)
        ours["findings"] = found
        # detect-secrets on a sample of the same files (every k-th file).
        files, peer_bytes = tree_bytes(tree, args.peer_fraction)
        sample = os.path.join(args.workdir, f"tree-{args.size_mib}-sample")
        if not os.path.exists(os.path.join(sample, ".complete")):
            shutil.rmtree(sample, ignore_errors=True)
            for f in files:
                dest = os.path.join(sample, os.path.relpath(f, tree))
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                os.link(f, dest)
            open(os.path.join(sample, ".complete"), "w").close()
        peer_runs = [measure([args.detect_secrets, "scan", "--all-files", "."], cwd=sample)
                     for _ in range(args.runs)]
        theirs = summarise("detect-secrets", peer_runs, peer_bytes)
        results["tree"] = [ours, theirs]
        print(json.dumps(results["tree"]), flush=True)
    if "history" not in args.skip:
        repo = os.path.join(args.workdir, f"history-{args.commits}")
        gen_history(repo, args.commits)
        runs = [measure([args.shipshape, "secrets", repo, "--history", "--format", "json", "--no-progress"])
                for _ in range(args.runs)]
        doc = json.loads(runs[0]["stdout"])
        scanned = doc["history"]["bytes_scanned"]
        ours = summarise("shipshape --history", runs, scanned)
        ours["commits"] = doc["history"]["commits"]
        ours["unique_blobs"] = doc["history"]["unique_blobs"]
        ours["findings"] = len(doc["findings"])
        blobs = os.path.join(args.workdir, f"history-{args.commits}-blobs")
        export_blobs(repo, blobs)
        files, blob_bytes = tree_bytes(blobs, args.peer_fraction)
        sample = blobs + "-sample"
        if not os.path.exists(os.path.join(sample, ".complete")):
            shutil.rmtree(sample, ignore_errors=True)
            for f in files:
                dest = os.path.join(sample, os.path.relpath(f, blobs))
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                os.link(f, dest)
            open(os.path.join(sample, ".complete"), "w").close()
        peer_runs = [measure([args.detect_secrets, "scan", "--all-files", "."], cwd=sample)
                     for _ in range(args.runs)]
        theirs = summarise("detect-secrets (distinct blobs)", peer_runs, blob_bytes)
        results["history"] = [ours, theirs]

    for workload, rows in results.items():
        print(f"\n## {workload} (median of {args.runs} runs, {os.cpu_count()} cores)")
        keys = list(dict.fromkeys(k for r in rows for k in r))
        print("| " + " | ".join(keys) + " |")
        print("|" + "---|" * len(keys))
        for r in rows:
            print("| " + " | ".join(str(r.get(k, "")) for k in keys) + " |")
        a, b = rows
        if a.get("MiB/s/core") and b.get("MiB/s/core"):
            print(f"\nper-core throughput ratio: {a['MiB/s/core'] / b['MiB/s/core']:.0f}x")
    print("\n" + json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
