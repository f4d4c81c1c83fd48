#!/usr/bin/env python3
"""How `shipshape audit` grows with the corpus, and how much memory each output format takes.

The official-image corpus (bench/corpora.toml, 86 Dockerfiles) copied 12 and 16×12 times
(1,032 and 16,512 files). Prints:
  - the median time of `audit --format json` on both, and the 16× ratio (goal: 16 ± 10 %);
  - the fixed cost of a run (the median time on a folder holding one of the corpus's files:
    start-up, rule tables, the secret automaton), and the ratio of the two sizes' times less
    that fixed cost — how the work per file grows, which a start-up cost does not bend;
  - the same for CPU time (user + system): how the work grows, apart from how busy the cores are;
  - the times at 1, 2, 4, 8 and 16 times the corpus, a least-squares straight line through them
    (its intercept: what a run costs whatever its size), each size's distance from it (goal:
    within 10 %), and the 16x/1x ratio the line itself gives;
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
    c0, c1, cn = (corpora.median_cpu_ms(times[k]) for k in ("one file", "1x", "%dx" % args.scale))
    print("CPU time (user + system)   one file: median %6.1f ms   1x: median %8.1f ms   %dx: median %8.1f ms" % (
        c0, c1, args.scale, cn))
    print("CPU ratio %dx / 1x: %.2f (the work; the time ratio also holds how well the cores are kept busy)" % (
        args.scale, cn / c1))

    # The sizes between: is the time a straight line in the number of files? A least-squares
    # line through every size; its intercept is what a run costs whatever its size (start-up,
    # and the warm-up a varied corpus adds: rules' patterns compiled on first use, code and
    # heap pages touched the first time), which the one-file run does not all show.
    sizes = [1, 2, 4, 8, args.scale]
    points = {}
    for k in sizes:
        folder, files = (small, small_files) if k == 1 else (large, large_files) if k == args.scale \
            else corpora.audit_corpus(args.copies * k)
        points[k] = (len(files), [binary, "audit", folder, "--format", "json"])
    fit_times = corpora.alternate({k: (cmd, (0, 1), None) for k, (_, cmd) in points.items()}, args.runs)
    xs = [points[k][0] for k in sizes]
    ys = [corpora.median_ms(fit_times[k]) for k in sizes]
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    intercept = my - slope * mx
    print("straight line through %s: %.1f ms + %.4f ms per file (%d runs each)" % (
        ", ".join("%dx" % k for k in sizes), intercept, slope, args.runs))
    worst = 0.0
    for k, x, y in zip(sizes, xs, ys):
        fitted = intercept + slope * x
        worst = max(worst, abs(y - fitted) / fitted)
        print("  %3dx %6d files   median %8.1f ms   line %8.1f ms   %+5.1f %%" % (k, x, y, fitted, 100 * (y - fitted) / fitted))
    print("largest distance from the line: %.1f %% (linear within 10 %%: %s)" % (
        100 * worst, "yes" if worst <= 0.10 else "no"))
    # What the 16x/1x time ratio is for a cost that is exactly this straight line: below 16 by
    # the intercept alone (a run's fixed cost weighs more in the smaller run).
    small_n, large_n = points[1][0], points[args.scale][0]
    print("the line's own %dx / 1x ratio: %.2f (a fixed cost of %.1f ms makes it less than %d)" % (
        args.scale, (intercept + slope * large_n) / (intercept + slope * small_n), intercept, args.scale))

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
