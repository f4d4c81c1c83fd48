#!/usr/bin/env python3
"""Precision of the generic assignment rule on real repositories.

    python3 bench/secrets/classify_generic.py CHECKOUTS [--scanner PATH]

CHECKOUTS holds the working tree of every `[[precision]]` repository of
bench/secrets/repositories.toml (folder name = `name`, at the recorded commit). Every finding
of generic-secret-assignment is looked up in generic-classification.tsv, the hand
classification; the script prints precision per repository (real, test and example values count
as worth reporting, `fp` does not) and fails when a finding has no classification — classify
it by reading the file, then run again. Classified locations no longer found are listed too (a
change removed them: a true positive lost, or a false positive fixed).
"""

import argparse
import collections
import os
import subprocess
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("checkouts")
    ap.add_argument("--scanner", default=os.path.join(ROOT, "target/release/examples/scan_tree"))
    args = ap.parse_args()
    spec = tomllib.load(open(os.path.join(HERE, "repositories.toml"), "rb"))
    table = {}
    for line in open(os.path.join(HERE, "generic-classification.tsv")):
        if line.startswith("#") or line.startswith("repository\t"):
            continue
        repo, loc, cls, note = line.rstrip("\n").split("\t")
        table[(repo, loc)] = cls
    unclassified, seen = [], set()
    counts = collections.Counter()
    for r in spec["precision"]:
        path = os.path.join(args.checkouts, r["name"])
        if not os.path.isdir(path):
            sys.exit(f"{path} missing: extract {r['repository']} at {r['commit']} there")
        out = subprocess.run([args.scanner, path], capture_output=True, text=True,
                             check=True).stdout
        counts[(r["name"], "findings")] += 0
        for line in out.splitlines():
            loc, slug = line.split("\t")[:2]
            if slug != "generic-secret-assignment":
                continue
            key = (r["name"], loc)
            seen.add(key)
            cls = table.get(key)
            if cls is None:
                unclassified.append(f"{r['name']}\t{loc}\t{line.split(chr(9), 2)[2][:120]}")
                continue
            counts[(r["name"], cls)] += 1
    print(f"{'repository':<22} {'role':<9} {'findings':>8} {'real':>5} {'test':>5} "
          f"{'example':>7} {'fp':>4} {'precision':>9}")
    total = collections.Counter()
    for r in spec["precision"]:
        n = r["name"]
        c = {k: counts[(n, k)] for k in ("real", "test", "example", "fp")}
        found = sum(c.values())
        for k, v in c.items():
            total[k] += v
        prec = f"{(found - c['fp']) / found:.1%}" if found else "-"
        print(f"{n:<22} {r['role']:<9} {found:>8} {c['real']:>5} {c['test']:>5} "
              f"{c['example']:>7} {c['fp']:>4} {prec:>9}")
    found = sum(total.values())
    print(f"{'all':<22} {'':<9} {found:>8} {total['real']:>5} {total['test']:>5} "
          f"{total['example']:>7} {total['fp']:>4} {(found - total['fp']) / found:>9.1%}")
    gone = sorted(k for k in table if k not in seen)
    if gone:
        print(f"\n{len(gone)} classified finding(s) no longer reported:")
        for repo, loc in gone:
            print(f"  {repo}\t{loc}\t(was {table[(repo, loc)]})")
    if unclassified:
        print(f"\n{len(unclassified)} finding(s) not classified yet:")
        print("\n".join(unclassified))
        sys.exit(1)


if __name__ == "__main__":
    main()
