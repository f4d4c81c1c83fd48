#!/usr/bin/env python3
"""The real-world GitHub Actions corpus: workflow files of public repositories, recorded by
repository and commit in bench/ci/corpus.tsv (never their text), and materialised from git
directories fetched beforehand (the `fetch` tool puts them under /work/.mirror/<owner>+<name>/repo,
or pass --mirrors).

    python3 bench/ci/corpus.py record [--mirrors DIR] [--min-files N]
        Writes corpus.tsv: for every fetched repository with workflows, its HEAD commit and the
        last commit at least a year older (a second, different version of the same workflows).
    python3 bench/ci/corpus.py materialise [--out bench/out/ci-corpus] [--mirrors DIR]
        Extracts .github/workflows/*.y{a,}ml of every listed commit into OUT/<owner>+<name>@<short>/
        (one folder per commit, a repository layout each tool reads), skipping byte-identical
        duplicates. Prints how many files and repositories it wrote.
"""

import argparse
import hashlib
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LIST = os.path.join(HERE, "corpus.tsv")
MIRRORS = "/work/.mirror"


def git(gitdir, *args):
    return subprocess.run(["git", "--git-dir", gitdir, *args], capture_output=True, text=True,
                          check=False).stdout


def workflows(gitdir, commit):
    names = git(gitdir, "ls-tree", "-r", "--name-only", commit, ".github/workflows").split()
    return [n for n in names if n.endswith((".yml", ".yaml")) and n.count("/") == 2]


def record(args):
    rows = []
    for entry in sorted(os.listdir(args.mirrors)):
        gitdir = os.path.join(args.mirrors, entry, "repo")
        if not os.path.isdir(gitdir):
            continue
        head = git(gitdir, "rev-parse", "HEAD").strip()
        if not head or len(workflows(gitdir, head)) < args.min_files:
            continue
        repo = entry.replace("+", "/", 1)
        rows.append((repo, head, "HEAD"))
        when = git(gitdir, "log", "-1", "--format=%ct", head).strip()
        if when:
            older = git(gitdir, "rev-list", "-1", "--before=%d" % (int(when) - 365 * 86400),
                        head).strip()
            if older and workflows(gitdir, older):
                rows.append((repo, older, "a year before HEAD"))
    with open(LIST, "w") as f:
        f.write("# repository\tcommit\twhich\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    print("recorded %d commits of %d repositories in %s"
          % (len(rows), len({r[0] for r in rows}), os.path.relpath(LIST, ROOT)))


def listed():
    with open(LIST) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            repo, commit, _ = line.rstrip("\n").split("\t")
            yield repo, commit


def materialise(args):
    seen = set()
    files = 0
    repos = set()
    missing = []
    for repo, commit in listed():
        gitdir = os.path.join(args.mirrors, repo.replace("/", "+", 1), "repo")
        if not os.path.isdir(gitdir):
            missing.append(repo)
            continue
        names = workflows(gitdir, commit)
        if not names:
            continue
        dest = os.path.join(args.out, "%s@%s" % (repo.replace("/", "+"), commit[:10]))
        for name in names:
            blob = subprocess.run(["git", "--git-dir", gitdir, "cat-file", "blob",
                                   "%s:%s" % (commit, name)], capture_output=True,
                                  check=False).stdout
            digest = hashlib.sha256(blob).hexdigest()
            if not blob or digest in seen:
                continue
            seen.add(digest)
            path = os.path.join(dest, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(blob)
            files += 1
            repos.add(repo)
    if missing:
        print("not fetched (skipped): %s" % ", ".join(sorted(set(missing))), file=sys.stderr)
    print("%d distinct workflow files from %d repositories in %s" % (files, len(repos), args.out))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("command", choices=["record", "materialise"])
    p.add_argument("--mirrors", default=MIRRORS)
    p.add_argument("--out", default=os.path.join(ROOT, "bench", "out", "ci-corpus"))
    p.add_argument("--min-files", type=int, default=2)
    args = p.parse_args()
    {"record": record, "materialise": materialise}[args.command](args)


if __name__ == "__main__":
    main()
