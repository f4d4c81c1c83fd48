#!/usr/bin/env python3
"""Compare the facts two shipshape binaries detect in the same checkouts.

For every repository folder given, runs `shipshape context --format json` with both binaries and
prints whether the facts are identical, and if not, every value that differs (as a JSON path with
the old and new value). With `--audit`, compares `shipshape audit --format json` instead: the
findings only one binary reports (file, rule, line, column, message). Use it before and after a
change to detection, parsing or rules, on a folder of real checkouts (realworld_facts.md lists
the last run), and read every difference.

    python3 bench/facts_diff.py [--audit] OLD_BINARY NEW_BINARY DIR [DIR ...]
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


def findings(binary, root):
    out = subprocess.run(
        [binary, "audit", root, "--format", "json", "--fail-on", "error"],
        capture_output=True,
        text=True,
    )
    if out.returncode not in (0, 1):
        return {("error", out.stderr.strip())}
    return {
        (
            f["location"]["path"],
            f["rule_id"],
            f["location"]["start"]["line"],
            f["location"]["start"]["column"],
            f["message"],
        )
        for f in json.loads(out.stdout)["findings"]
    }


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
    args = sys.argv[1:]
    audit = "--audit" in args
    args = [a for a in args if a != "--audit"]
    if len(args) < 3:
        sys.exit(__doc__)
    old_bin, new_bin, roots = args[0], args[1], args[2:]
    same = 0
    for root in roots:
        if audit:
            old, new = findings(old_bin, root), findings(new_bin, root)
            if old == new:
                same += 1
                continue
            print(f"{root}: {len(old - new)} finding(s) gone, {len(new - old)} new")
            for sign, items in (("-", old - new), ("+", new - old)):
                for item in sorted(items, key=str):
                    print(f"  {sign} {short(item)}")
            continue
        diffs = differences(facts(old_bin, root), facts(new_bin, root))
        if not diffs:
            same += 1
            continue
        print(f"{root}: {len(diffs)} difference(s)")
        for path, a, b in diffs:
            print(f"  {path}\n    old: {short(a)}\n    new: {short(b)}")
    what = "findings" if audit else "facts"
    print(f"{same} of {len(roots)} repositories: identical {what}")


if __name__ == "__main__":
    main()
