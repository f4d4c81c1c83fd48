#!/usr/bin/env python3
"""How often the generic rule's filter leaves a random value unreported.

Draws N values the way people make them — `openssl rand -base64`-style bytes from the operating
system's random source, symbols dropped, cut to 16, 18, 20, 22 or 24 characters — and asks the
filter (`classify_values` example) whether each reads as a name and whether it would be left
unreported. A random value left unreported is a missed secret wherever it is assigned to a
secret-named key (`SECRET_KEY_BASE: ...`).

    cargo build --release --example classify_values -p shipshape-secrets
    python3 bench/secrets/random_recall.py [--values 100000] [--classifier PATH]

Prints the share left unreported, per length and in all, and the first few of them. Report only:
the values are random, so the figure moves by a few hundredths of a per cent between runs.
"""

import argparse
import base64
import os
import secrets
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--values", type=int, default=100_000)
    ap.add_argument("--classifier", default=os.path.join(ROOT, "target/release/examples/classify_values"))
    args = ap.parse_args()
    if not os.access(args.classifier, os.X_OK):
        sys.exit("%s not found: cargo build --release --example classify_values -p shipshape-secrets" % args.classifier)
    lengths = (16, 18, 20, 22, 24)
    values = []
    for i in range(args.values):
        raw = base64.b64encode(secrets.token_bytes(48)).decode()
        values.append("".join(c for c in raw if c.isalnum())[: lengths[i % len(lengths)]])
    out = subprocess.run([args.classifier], input="\n".join(values) + "\n", capture_output=True, text=True, check=True)
    rows = [line.split("\t") for line in out.stdout.splitlines()]
    if len(rows) != len(values):
        sys.exit("classifier answered %d lines for %d values" % (len(rows), len(values)))
    missed = [v for (_, not_secret, v) in rows if not_secret == "1"]
    print("random values left unreported by the generic filter (%d values):" % len(values))
    for n in lengths:
        of_n = [v for v in values if len(v) == n]
        m = sum(1 for v in missed if len(v) == n)
        print("  %2d characters: %5d of %6d  %.2f %%" % (n, m, len(of_n), 100.0 * m / len(of_n)))
    print("  all:            %5d of %6d  %.2f %%" % (len(missed), len(values), 100.0 * len(missed) / len(values)))
    print("  e.g. " + " ".join(missed[:8]))


if __name__ == "__main__":
    main()
