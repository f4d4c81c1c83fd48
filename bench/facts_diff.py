#!/usr/bin/env python3
"""Compare the facts two shipshape binaries detect in the same checkouts.

For every repository folder given, runs `shipshape context --format json` with both binaries and
prints whether the facts are identical, and if not, every value that differs (as a JSON path with
the old and new value). Use it before and after a change to detection or parsing, on a folder of
real checkouts (see realworld.md for how to take them), and read every difference.

    python3 bench/facts_diff.py OLD_BINARY NEW_BINARY DIR [DIR ...]
"""

import json
import subprocess
import sys


def facts(binary, root):
    out = subprocess.run(
        [binary, "context", "--format", "json", root],
        capture_output=True,
        text=True,
    )
    if out.returncode not in (0, 1):
        return {"error": out.stderr.strip()}
    return json.loads(out.stdout)


def differences(old, new, path=""):
    if type(old) is not type(new):
        return [(path, old, new)]
    if isinstance(old, dict):
        found = []
        for key in sorted(set(old) | set(new)):
            found += differences(old.get(key), new.get(key), f"{path}/{key}")
        return found
    if isinstance(old, list):
        if len(old) != len(new):
            return [(path, old, new)]
        found = []
        for i, (a, b) in enumerate(zip(old, new)):
            found += differences(a, b, f"{path}/{i}")
        return found
    return [] if old == new else [(path, old, new)]


def short(value):
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 160 else text[:157] + "..."


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    old_bin, new_bin, roots = sys.argv[1], sys.argv[2], sys.argv[3:]
    same = 0
    for root in roots:
        diffs = differences(facts(old_bin, root), facts(new_bin, root))
        if not diffs:
            same += 1
            continue
        print(f"{root}: {len(diffs)} difference(s)")
        for path, a, b in diffs:
            print(f"  {path}\n    old: {short(a)}\n    new: {short(b)}")
    print(f"{same} of {len(roots)} repositories: identical facts")


if __name__ == "__main__":
    main()
