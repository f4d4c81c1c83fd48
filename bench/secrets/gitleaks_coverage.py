#!/usr/bin/env python3
"""Which of gitleaks' default rules have a counterpart in shipshape's catalogue.

For every gitleaks rule with a content regex, a sample that the regex matches is generated from
the regex itself (random characters for every class, the first branch of every alternation, the
shortest repetition that still gives a token its length), written to a file of its own, and the
folder is scanned with shipshape's built-in rules. A rule is covered when shipshape reports a
finding on the sample's line.

    python3 bench/secrets/gitleaks_coverage.py GITLEAKS_TOML [--scanner PATH | --cli PATH] [--out FILE]

GITLEAKS_TOML is gitleaks' config/gitleaks.toml (take it from a checkout of gitleaks/gitleaks;
the commit used is in bench/secrets/README.md). The scanner is the `scan_tree` example
(`cargo build --release -p shipshape-secrets --example scan_tree`); `--cli` runs a shipshape
binary instead (`shipshape secrets DIR --format json`), to compare builds.
"""

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import tomllib

try:
    import re._parser as sre_parse
    from re._constants import (ANY, AT, BRANCH, CATEGORY, CATEGORY_DIGIT, CATEGORY_NOT_DIGIT,
                               CATEGORY_NOT_SPACE, CATEGORY_NOT_WORD, CATEGORY_SPACE,
                               CATEGORY_WORD, GROUPREF, IN, LITERAL, MAX_REPEAT, MIN_REPEAT,
                               NEGATE, NOT_LITERAL, RANGE, SUBPATTERN)
except ImportError:  # Python < 3.11
    import sre_parse
    from sre_constants import (ANY, AT, BRANCH, CATEGORY, CATEGORY_DIGIT, CATEGORY_NOT_DIGIT,
                               CATEGORY_NOT_SPACE, CATEGORY_NOT_WORD, CATEGORY_SPACE,
                               CATEGORY_WORD, GROUPREF, IN, LITERAL, MAX_REPEAT, MIN_REPEAT,
                               NEGATE, NOT_LITERAL, RANGE, SUBPATTERN)

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def go_to_python(pattern):
    """Go RE2 syntax to Python's: inline flags in the middle, POSIX classes, \\z."""
    p = pattern.replace("[[:alnum:]]", "[A-Za-z0-9]").replace("[:alnum:]", "A-Za-z0-9")
    p = p.replace("\\z", "\\Z")
    # A global flag group after the start: drop it (generation keeps the case as written).
    head, rest = (p[:4], p[4:]) if p.startswith("(?i)") else ("", p)
    rest = rest.replace("(?i)", "")
    return head + rest


def chars_of(items):
    """The characters a character class admits, and whether it is negated."""
    allowed, negate = [], False
    for op, av in items:
        if op is NEGATE:
            negate = True
        elif op is LITERAL:
            allowed.append(chr(av))
        elif op is RANGE:
            allowed.extend(chr(c) for c in range(av[0], av[1] + 1))
        elif op is CATEGORY:
            allowed.extend({
                CATEGORY_DIGIT: "0123456789",
                CATEGORY_WORD: ALNUM + "_",
                CATEGORY_SPACE: " ",
                CATEGORY_NOT_DIGIT: "abcXYZ",
                CATEGORY_NOT_WORD: "-",
                CATEGORY_NOT_SPACE: ALNUM,
            }.get(av, ""))
    if negate:
        allowed = [c for c in ALNUM if c not in allowed]
    # Prefer letters and digits: a sample should look like a token, not punctuation.
    alnum = [c for c in allowed if c in ALNUM]
    return alnum or allowed or ["x"]


def is_suffix_slot(sub):
    """A repetition of one class holding word characters, spaces and dots."""
    items = list(sub)
    return len(items) == 1 and items[0][0] is IN and "a" in chars_of(items[0][1])


def pick_branch(alternatives):
    """`=` among assignment operators; otherwise the alternative with the most literal
    characters (`AKIA` rather than `A3T[A-Z0-9]`)."""
    for alt in alternatives:
        items = list(alt)
        if len(items) == 1 and items[0] == (LITERAL, ord("=")):
            return alt
    return max(alternatives, key=lambda alt: sum(1 for op, _ in alt if op is LITERAL))


def generate(tree, rng, groups):
    out = []
    for op, av in tree:
        if op is LITERAL:
            out.append(chr(av))
        elif op is NOT_LITERAL:
            out.append(rng.choice([c for c in ALNUM if ord(c) != av]))
        elif op is ANY:
            out.append(rng.choice(ALNUM))
        elif op is IN:
            out.append(rng.choice(chars_of(av)))
        elif op in (MAX_REPEAT, MIN_REPEAT):
            lo, hi, sub = av
            if lo == 0 and hi == 20 and is_suffix_slot(sub):
                # gitleaks' `(?:[ \t\w.-]{0,20})` after a provider name: what people write there.
                out.append("_api_key")
                continue
            if op is MIN_REPEAT or (lo == 0 and hi <= 5):
                n = lo  # lazy prefixes and optional delimiters: as few as allowed
            elif hi == lo:
                n = lo
            elif hi >= 4096:
                n = lo + 16  # `*` and `+`: a token-sized run
            else:
                n = (lo + hi) // 2  # a typical length, not the shortest accepted
            for _ in range(n):
                out.append(generate(sub, rng, groups))
        elif op is BRANCH:
            out.append(generate(pick_branch(av[1]), rng, groups))
        elif op is SUBPATTERN:
            group, _, _, sub = av
            text = generate(sub, rng, groups)
            if group:
                groups[group] = text
            out.append(text)
        elif op in (AT, GROUPREF):
            pass
    return "".join(out)


def sample(pattern, seed):
    rng = random.Random(seed)
    tree = sre_parse.parse(go_to_python(pattern))
    text = generate(tree, rng, {})
    return text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gitleaks_toml")
    ap.add_argument("--scanner", default="target/release/examples/scan_tree")
    ap.add_argument("--cli", default=None)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    rules = tomllib.load(open(args.gitleaks_toml, "rb"))["rules"]
    results = []
    with tempfile.TemporaryDirectory() as d:
        samples = {}
        for r in rules:
            if "regex" not in r:
                results.append((r["id"], "no content regex (path rule)", None))
                continue
            try:
                s = sample(r["regex"], r["id"])
                compiled = re.compile(go_to_python(r["regex"]))
            except Exception as e:  # noqa: BLE001 - report and go on
                results.append((r["id"], f"could not generate: {e}", None))
                continue
            if not compiled.search(s):
                results.append((r["id"], "generated sample does not match", None))
                continue
            name = re.sub(r"[^a-z0-9-]", "-", r["id"])
            with open(os.path.join(d, f"{name}.txt"), "w") as f:
                f.write("sample\n" + s + "\n")
            samples[f"{name}.txt"] = r["id"]
        found = {}
        if args.cli:
            run = subprocess.run([args.cli, "secrets", d, "--format", "json", "--no-progress"],
                                 capture_output=True, text=True)
            import json
            for f in json.loads(run.stdout)["findings"]:
                if f["location"]["start"]["line"] == 2:
                    found.setdefault(os.path.basename(f["location"]["path"]), set()).add(f["slug"])
        else:
            out = subprocess.run([args.scanner, d], capture_output=True, text=True,
                                 check=True).stdout
            for line in out.splitlines():
                loc, slug = line.split("\t")[:2]
                path, lineno = loc.split(":")[:2]
                if lineno == "2":
                    found.setdefault(os.path.basename(path), set()).add(slug)
        for fname, rid in samples.items():
            results.append((rid, "covered" if fname in found else "not covered",
                            ",".join(sorted(found.get(fname, [])))))
    results.sort()
    covered = sum(1 for r in results if r[1] == "covered")
    with_regex = sum(1 for r in results if r[1] in ("covered", "not covered"))
    generic_only = sum(1 for r in results
                       if r[1] == "covered" and r[2] == "generic-secret-assignment")
    lines = [f"{covered} of {with_regex} sampled gitleaks rules found by shipshape "
             f"({len(rules)} rules in the file); {covered - generic_only} by a provider or "
             f"format rule, {generic_only} by the generic assignment rule only", ""]
    lines += [f"{rid}\t{status}\t{slugs or ''}" for rid, status, slugs in results]
    text = "\n".join(lines) + "\n"
    if args.out:
        open(args.out, "w").write(text)
    print(text)


if __name__ == "__main__":
    sys.exit(main())
