#!/usr/bin/env python3
"""How `shipshape audit` grows with the corpus, and how much memory each output format takes.

The official-image corpus (bench/corpora.toml, 86 Dockerfiles) copied 12 and 16×12 times
(1,032 and 16,512 files). Prints:
  - the median time of `audit --format json` on both, and the 16× ratio (goal: 16 ± 10 %);
  - the fixed cost of a run (the median time on a folder holding one of the corpus's files:
    start-up, rule tables, the secret automaton), and the ratio of the two sizes' times less
    that fixed cost — how the work per file grows, which a start-up cost does not bend;
  - peak resident memory (GNU `/usr/bin/time -v`) of `audit` in every format — human, json,
    sarif, github, junit, gitlab — on both sizes (goal: SARIF < 300 MiB at 16×).
Output is written to /dev/null; a human report is rendered as if to a pipe (no colour).

    python3 bench/audit_corpus_scaling.py [--copies 12] [--scale 16] [--runs 5]
"""

import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpora  # noqa: E402

FORMATS = ("human", "json", "sarif", "github", "junit", "gitlab")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--copies", type=int, default=12)
    ap.add_argument("--scale", type=int, default=16)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--binary")
    args = ap.parse_args()

    binary = args.binary or corpora.build_release()
    small, small_files = corpora.audit_corpus(args.copies)
    large, large_files = corpora.audit_corpus(args.copies * args.scale)
    print("corpus: %d files (%s) and %d files (%s)" % (len(small_files), small, len(large_files), large))

    one = tempfile.mkdtemp(prefix="shipshape-one-file-")
    first = sorted(small_files)[0]
    shutil.copy(first, os.path.join(one, "Dockerfile"))
    cmds = {
        "one file": ([binary, "audit", one, "--format", "json"], (0, 1), None),
        "1x": ([binary, "audit", small, "--format", "json"], (0, 1), None),
        "%dx" % args.scale: ([binary, "audit", large, "--format", "json"], (0, 1), None),
    }
    times = corpora.alternate(cmds, args.runs)
    shutil.rmtree(one, ignore_errors=True)
    m0 = corpora.median_ms(times["one file"])
    m1 = corpora.median_ms(times["1x"])
    mn = corpora.median_ms(times["%dx" % args.scale])
    print("audit --format json   one file: median %6.1f ms   1x: median %8.1f ms   %dx: median %8.1f ms   (%d runs each)" % (
        m0, m1, args.scale, mn, args.runs))
    print("time ratio %dx / 1x: %.2f (linear: %d, within 10 %%: %.1f-%.1f)" % (
        args.scale, mn / m1, args.scale, args.scale * 0.9, args.scale * 1.1))
    print("less the fixed cost of a run (%.1f ms): %dx / 1x = %.2f" % (m0, args.scale, (mn - m0) / (m1 - m0)))

    print("peak RSS (MiB), median of 3:")
    print("%-8s %10s %10s" % ("format", "1x", "%dx" % args.scale))
    for fmt in FORMATS:
        row = []
        for folder in (small, large):
            samples = sorted(corpora.peak_rss_mib([binary, "audit", folder, "--format", fmt]) for _ in range(3))
            row.append(samples[1])
        print("%-8s %10.1f %10.1f" % (fmt, row[0], row[1]))


if __name__ == "__main__":
    main()
