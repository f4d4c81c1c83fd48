#!/usr/bin/env python3
"""Audit precision on real, well-maintained files: shipshape and hadolint over the corpus of
bench/corpus/repositories.tsv, findings mapped through shipshape's `equivalents`.

    python3 bench/audit_precision.py [--mirror DIR] [--shipshape BIN] [--hadolint BIN]
                                     [--json OUT] [--quiet]

1. Materialise: for every repository of the list, take the files an audit reads (Dockerfiles,
   compose files and the YAML beside them, .dockerignore, .env, bake files, CI workflows) and
   every file whose name merely looks like one (`dockerfile.go`, `Dockerfile.template`) from the
   recorded commit of its fetched git directory (`<mirror>/<owner>+<name>/repo`, as the `fetch`
   tool leaves it) into $SHIPSHAPE_CORPUS_DIR (default /tmp/shipshape-precision-corpus)/<owner>+<name>/,
   outside the repository: third-party files are never committed. A repository that is missing or lacks
   the commit stops the run: a corpus that cannot be built must not look clean.
2. Classify each materialised file: a real Dockerfile (a Dockerfile name, a `FROM`, no template
   markers), a real compose file (a compose name and top-level `services:`), or neither.
3. Run `shipshape audit <repo> --format json` per repository (the way a user runs it: compose
   files of one project are audited together) and hadolint on every real Dockerfile.
4. Map shipshape's findings to hadolint codes through each rule's `hadolint:` equivalents,
   compare `(file, instruction start line, code)`, print the agreement table and every
   disagreement with its classification from bench/corpus/classification.tsv.
5. Print the figures: parse errors on real Dockerfiles, findings on files that are neither,
   shipshape's warning+ findings and how many are classified false positives, hadolint's true
   findings shipshape misses, and how many files fail the default gate (`--fail-on warning`).

A benchmark of precision, not a test: it reads what is fetched on this machine.
"""

import argparse
import collections
import fnmatch
import glob
import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "bench", "corpus")
OUT = os.environ.get("SHIPSHAPE_CORPUS_DIR", "/tmp/shipshape-precision-corpus")
DEFAULT_MIRROR = "/work/.mirror"
DEFAULT_HADOLINT = "/work/peers/bin/hadolint"

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}

# Names that make a file a Dockerfile for Docker's own conventions (`Dockerfile`, `Dockerfile.prod`,
# `Dockerfile-dev`, `prod.Dockerfile`, and the Containerfile spellings).
DOCKERFILE_NAME = re.compile(
    r"^(?:(?:docker|container)file(?:[._-].*)?|.+\.(?:docker|container)file)$", re.I
)
# Endings that make a Dockerfile-looking name something else: templates, ignore files, source.
NOT_A_DOCKERFILE = re.compile(
    r"\.(?:template|tmpl|j2|jinja|erb|dockerignore|md|go|rs|py|sh|ps1|json|ya?ml|txt|bak|orig|"
    r"patch|example|sample|in|lock|toml|mod|sum)$",
    re.I,
)
FROM_LINE = re.compile(r"^\s*FROM\s+\S", re.I | re.M)
# A line that starts with a template directive (`{{ if … }}`, jq or Go templates): the file is
# the source of Dockerfiles, not one.
TEMPLATE_LINE = re.compile(r"^\s*\{\{", re.M)
COMPOSE_NAME = re.compile(r"^(?:.*[._-])?compose(?:[._-].*)?\.ya?ml$", re.I)
SERVICES_KEY = re.compile(r"^services\s*:", re.M)


def die(message):
    sys.exit("audit_precision: " + message)


def read_tsv(path):
    rows = []
    header = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cells = line.split("\t")
            if header is None:
                header = cells
                continue
            rows.append(dict(zip(header, cells + [""] * (len(header) - len(cells)))))
    return rows


def git(gitdir, *args, data=None):
    return subprocess.run(
        ["git", "--git-dir", gitdir, *args], input=data, capture_output=True, check=True
    ).stdout


# ---------------------------------------------------------------------------------------------
# Materialise
# ---------------------------------------------------------------------------------------------


def wanted(path, compose_dirs):
    """Whether an audit reads this path, or its name makes it look like something an audit reads."""
    base = os.path.basename(path)
    low = base.lower()
    if any(k in low for k in ("dockerfile", "containerfile", "compose", "docker-bake")):
        return True
    if low == ".dockerignore" or low.endswith(".dockerignore") or low == ".gitignore":
        return True
    if low == ".env" or low.endswith(".env"):
        return True
    # Configuration files a Dockerfile copies, read to see whether they carry credentials.
    if low in (".npmrc", ".pypirc", ".netrc", ".yarnrc", ".yarnrc.yml"):
        return True
    # Package manifests and project files: whether a build context holds one decides whether it
    # needs a .dockerignore (copy-context-without-dockerignore).
    if base in ("package.json", "requirements.txt", "pyproject.toml", "Pipfile", "setup.py", "go.mod",
                "Cargo.toml", "Gemfile", "composer.json", "pom.xml", "build.gradle", "build.gradle.kts",
                "mix.exs") or low.endswith((".csproj", ".fsproj", ".vbproj", ".sln")):
        return True
    if path.startswith(".github/workflows/") or path.startswith(".gitlab-ci"):
        return True
    # Where builds are scripted (`docker build -f … <context>`, `--target`) and the entrypoint
    # scripts an image starts with.
    if base in ("Makefile", "Justfile") or low.endswith((".mk", ".sh", ".hcl")) or "entrypoint" in low:
        return True
    # A supervisord configuration says which user each program of the image runs as.
    if low.startswith("supervisord") and low.endswith(".conf"):
        return True
    if low.endswith((".yml", ".yaml")) and os.path.dirname(path) in compose_dirs:
        return True
    return False


def globs(cell):
    return [g for g in cell.split(",") if g and g != "-"]


def materialise(repos, mirror):
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    missing = []
    for repo in repos:
        name = repo["repository"]
        gitdir = os.path.join(mirror, name.replace("/", "+"), "repo")
        if not os.path.isdir(gitdir):
            missing.append("%s (fetch github:%s)" % (name, name))
            continue
        commit = repo["commit"]
        try:
            git(gitdir, "cat-file", "-e", commit + "^{commit}")
        except subprocess.CalledProcessError:
            missing.append("%s at %s (the fetched snapshot lacks this commit)" % (name, commit))
            continue
        listing = git(gitdir, "ls-tree", "-r", "-z", "--full-tree", commit).split(b"\0")
        blobs = []
        for entry in listing:
            if not entry:
                continue
            meta, path = entry.split(b"\t", 1)
            mode, kind, sha = meta.split()
            if kind != b"blob" or mode == b"120000":
                continue
            blobs.append((path.decode("utf-8", "surrogateescape"), sha.decode()))
        include, exclude = globs(repo["include"]) or ["*"], globs(repo["exclude"])
        blobs = [
            (p, s)
            for p, s in blobs
            if any(fnmatch.fnmatch(p, g) for g in include)
            and not any(fnmatch.fnmatch(p, g) for g in exclude)
        ]
        compose_dirs = {
            os.path.dirname(p) for p, _ in blobs if COMPOSE_NAME.match(os.path.basename(p))
        }
        chosen = [(p, s) for p, s in blobs if wanted(p, compose_dirs)]
        dest = os.path.join(OUT, name.replace("/", "+"))
        os.makedirs(dest)
        request = b"".join(s.encode() + b"\n" for _, s in chosen)
        out = git(gitdir, "cat-file", "--batch", data=request)
        pos = 0
        for path, sha in chosen:
            header_end = out.index(b"\n", pos)
            size = int(out[pos:header_end].split()[2])
            body = out[header_end + 1 : header_end + 1 + size]
            pos = header_end + 1 + size + 1
            target = os.path.join(dest, path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(body)
    if missing:
        die("the corpus cannot be built; missing:\n  " + "\n  ".join(missing))


def classify_files():
    """`{corpus path: 'dockerfile' | 'compose' | 'workflow' | 'other'}` for every materialised file."""
    kinds = {}
    for dirpath, _, files in os.walk(OUT):
        for name in files:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, OUT)
            with open(full, "rb") as f:
                raw = f.read()
            text = raw.decode("utf-8", "replace")
            if DOCKERFILE_NAME.match(name) and not NOT_A_DOCKERFILE.search(name):
                real = FROM_LINE.search(text) and not TEMPLATE_LINE.search(text)
                kinds[rel] = "dockerfile" if real else "other"
            elif (COMPOSE_NAME.match(name) or name.endswith((".yml", ".yaml"))) and SERVICES_KEY.search(text):
                kinds[rel] = "compose"
            elif "/.github/workflows/" in "/" + rel.split("/", 1)[-1] and name.endswith((".yml", ".yaml")):
                # Audited by the GitHub Actions rules (measured in bench/ci/, not here).
                kinds[rel] = "workflow"
            else:
                kinds[rel] = "other"
    return kinds


# ---------------------------------------------------------------------------------------------
# Instruction ranges (independent of shipshape's parser, as in the parity test)
# ---------------------------------------------------------------------------------------------

HEREDOC = re.compile(r"(?<!<)<<(-?)([\"']?)([A-Za-z0-9_]+)\2")


def instruction_ranges(text):
    lines = text.split("\n")
    escape = "\\"
    for line in lines:
        m = re.match(r"^\s*#\s*(\w+)\s*=\s*(\S+)", line)
        if not m:
            break
        if m.group(1).lower() == "escape":
            escape = m.group(2)[0]
    blank = lambda l: not l.strip() or l.lstrip().startswith("#")
    ranges = []
    i = 0
    while i < len(lines):
        if blank(lines[i]):
            i += 1
            continue
        start = end = i
        keyword = lines[i].split()[0].upper() if lines[i].split() else ""
        heredocs = []
        while True:
            if keyword in ("RUN", "COPY", "ADD", "ONBUILD"):
                heredocs += [(m.group(3), m.group(1) == "-") for m in HEREDOC.finditer(lines[end])]
            # BuildKit: a trailing escape continues the line unless it is itself escaped.
            stripped = lines[end].rstrip()
            if not stripped.endswith(escape) or (stripped != escape and stripped[:-1].endswith(escape)):
                break
            nxt = end + 1
            while nxt < len(lines) and blank(lines[nxt]):
                nxt += 1
            if nxt >= len(lines):
                break
            end = nxt
        for delim, dash in heredocs:
            j = end + 1
            while j < len(lines):
                body = lines[j].lstrip("\t") if dash else lines[j]
                if body.rstrip() == delim:
                    break
                j += 1
            end = min(j, len(lines) - 1)
        ranges.append((start + 1, end + 1))
        i = end + 1
    return ranges


def instruction_start(ranges, line):
    for a, b in ranges:
        if a <= line <= b:
            return a
    return line


# ---------------------------------------------------------------------------------------------
# Running the tools
# ---------------------------------------------------------------------------------------------


def run_shipshape(binary, repo_dir):
    proc = subprocess.run(
        [binary, "audit", repo_dir, "--format", "json", "--fail-on", "error", "--ignore", "secrets"],
        capture_output=True,
        cwd=OUT,
    )
    if proc.returncode not in (0, 1):
        die("shipshape audit %s exited %d: %s" % (repo_dir, proc.returncode, proc.stderr.decode()))
    return json.loads(proc.stdout)


def run_hadolint(binary, files):
    config = OUT + "-hadolint.yaml"
    with open(config, "w") as f:
        f.write("{}\n")
    found = []
    for chunk in range(0, len(files), 200):
        part = files[chunk : chunk + 200]
        proc = subprocess.run(
            [binary, "--config", config, "--format", "json", "--no-fail", *part],
            capture_output=True,
            cwd=OUT,
        )
        if proc.returncode != 0:
            die("hadolint failed: %s" % proc.stderr.decode()[:2000])
        found += json.loads(proc.stdout or b"[]")
    return found


def rule_table(binary):
    proc = subprocess.run([binary, "rules", "--format", "json"], capture_output=True, check=True)
    return {r["id"]: r for r in json.loads(proc.stdout)}


# ---------------------------------------------------------------------------------------------
# Classification
# ---------------------------------------------------------------------------------------------


def load_classification():
    path = os.path.join(CORPUS, "classification.tsv")
    if not os.path.exists(path):
        return []
    return read_tsv(path)


def classify(entries, side, path, line, code):
    """The first entry that matches a finding: `(verdict, reason)` or `None`."""
    for e in entries:
        if e["side"] != side or e["rule"] not in (code, "*"):
            continue
        if e["line"] not in ("*", str(line)):
            continue
        if fnmatch.fnmatch(path, e["file"]):
            return e["verdict"], e["reason"]
    return None


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mirror", default=DEFAULT_MIRROR)
    ap.add_argument("--shipshape", default=os.path.join(ROOT, "target", "release", "shipshape"))
    ap.add_argument("--hadolint", default=DEFAULT_HADOLINT)
    ap.add_argument("--json", help="write the figures and every finding here")
    ap.add_argument("--quiet", action="store_true", help="print the figures only")
    ap.add_argument("--no-materialise", action="store_true", help="reuse the materialised corpus")
    args = ap.parse_args()

    for tool, path in (("shipshape", args.shipshape), ("hadolint", args.hadolint)):
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            die("%s not found at %s" % (tool, path))

    repos = read_tsv(os.path.join(CORPUS, "repositories.tsv"))
    if not args.no_materialise:
        materialise(repos, args.mirror)
    kinds = classify_files()
    dockerfiles = sorted(p for p, k in kinds.items() if k == "dockerfile")
    composefiles = sorted(p for p, k in kinds.items() if k == "compose")
    print(
        "corpus: %d repositories, %d Dockerfiles, %d compose files, %d other files"
        % (len(repos), len(dockerfiles), len(composefiles), sum(1 for k in kinds.values() if k == "other"))
    )

    rules = rule_table(args.shipshape)
    hadolint_codes = {
        e.split(":", 1)[1]
        for r in rules.values()
        for e in r["equivalents"]
        if e.startswith("hadolint:") and e.split(":", 1)[1].startswith("DL")
    }
    hadolint_codes -= {"DL3057", "DL3063"}  # off by default in hadolint

    # shipshape, per repository folder.
    ship = []
    skipped = []
    for repo in repos:
        d = repo["repository"].replace("/", "+")
        report = run_shipshape(args.shipshape, d)
        ship += report["findings"]
        skipped += report.get("skipped", [])
    # hadolint, every real Dockerfile.
    had = run_hadolint(args.hadolint, dockerfiles)

    ranges = {}

    def start_line(path, line):
        if path not in ranges:
            with open(os.path.join(OUT, path), encoding="utf-8", errors="replace") as f:
                ranges[path] = instruction_ranges(f.read())
        return instruction_start(ranges[path], line)

    entries = load_classification()

    # Figures.
    parse_errors = [
        f for f in ship if f["rule_id"] == "SS-PARSE-001" and kinds.get(f["location"]["path"]) == "dockerfile"
    ]
    on_other = [f for f in ship if kinds.get(f["location"]["path"], "other") == "other"]
    warn_plus = [
        f
        for f in ship
        if SEVERITY_RANK[f["severity"]] >= 1 and kinds.get(f["location"]["path"]) in ("dockerfile", "compose")
    ]

    # Agreement on mapped hadolint codes.
    s_set = set()
    s_by_key = collections.defaultdict(list)
    for f in ship:
        path = f["location"]["path"]
        if kinds.get(path) != "dockerfile":
            continue
        for e in f.get("equivalents", []):
            code = e.split(":", 1)[1] if e.startswith("hadolint:") else None
            if code in hadolint_codes:
                key = (path, start_line(path, f["location"]["start"]["line"]), code)
                s_set.add(key)
                s_by_key[key].append(f)
    h_set = set()
    h_by_key = collections.defaultdict(list)
    for f in had:
        if f["code"] in hadolint_codes:
            key = (f["file"], start_line(f["file"], f["line"]), f["code"])
            h_set.add(key)
            h_by_key[key].append(f)

    table = collections.defaultdict(lambda: [0, 0, 0])
    for key in s_set | h_set:
        row = table[key[2]]
        if key in s_set and key in h_set:
            row[0] += 1
        elif key in s_set:
            row[1] += 1
        else:
            row[2] += 1

    code_to_rules = collections.defaultdict(list)
    for r in rules.values():
        for e in r["equivalents"]:
            if e.startswith("hadolint:"):
                code_to_rules[e.split(":", 1)[1]].append(r["id"])

    print("\nAgreement with hadolint (instructions flagged; codes some shipshape rule maps to)")
    print("%-8s %-28s %6s %10s %10s" % ("code", "shipshape rule", "both", "ship only", "had only"))
    totals = [0, 0, 0]
    for code in sorted(table):
        b, s, h = table[code]
        totals = [totals[0] + b, totals[1] + s, totals[2] + h]
        print("%-8s %-28s %6d %10d %10d" % (code, ",".join(code_to_rules[code]), b, s, h))
    print("%-8s %-28s %6d %10d %10d" % ("total", "", *totals))

    # Disagreements with their classification.
    unclassified = 0
    verdicts = collections.Counter()
    false_negatives = []
    lines_out = []
    for key in sorted(s_set ^ h_set):
        path, line, code = key
        if key in s_set:
            side = "shipshape"
            rule_ids = sorted({f["rule_id"] for f in s_by_key[key]})
            c = None
            for rid in rule_ids + [code]:
                c = c or classify(entries, side, path, line, rid)
        else:
            side = "hadolint"
            c = classify(entries, side, path, line, code)
        if c is None:
            unclassified += 1
            verdict, reason = "UNCLASSIFIED", ""
        else:
            verdict, reason = c
        verdicts[(side, verdict)] += 1
        if side == "hadolint" and verdict == "fn":
            false_negatives.append(key)
        lines_out.append("%s:%d %s only-%s [%s] %s" % (path, line, code, side, verdict, reason))

    # shipshape's warning+ findings: classified false positives.
    fp = []
    warn_unclassified = 0
    for f in warn_plus:
        path = f["location"]["path"]
        line = f["location"]["start"]["line"]
        sline = start_line(path, line) if kinds.get(path) == "dockerfile" else line
        c = classify(entries, "shipshape", path, sline, f["rule_id"])
        if c is None:
            mapped = [e.split(":", 1)[1] for e in f.get("equivalents", []) if e.startswith("hadolint:")]
            agreed = any((path, sline, m) in h_set for m in mapped)
            if not agreed:
                warn_unclassified += 1
            continue
        if c[0] == "fp":
            fp.append(f)

    # The default gate, per file.
    failing = set()
    for f in ship:
        if SEVERITY_RANK[f["severity"]] >= 1:
            failing.add(f["location"]["path"])
    gate_docker = sum(1 for p in dockerfiles if p in failing)
    gate_compose = sum(1 for p in composefiles if p in failing)
    by_rule_warn = collections.Counter(f["rule_id"] for f in warn_plus)
    only_rule = collections.Counter()
    for p in dockerfiles + composefiles:
        rs = {f["rule_id"] for f in warn_plus if f["location"]["path"] == p}
        if len(rs) == 1:
            only_rule[next(iter(rs))] += 1

    if not args.quiet:
        print("\nDisagreements (%d)" % len(lines_out))
        for l in lines_out:
            print("  " + l)
        print("\nwarning+ false positives (%d)" % len(fp))
        for f in fp:
            print("  %s:%d %s %s" % (f["location"]["path"], f["location"]["start"]["line"], f["rule_id"], f["message"][:100]))
        print("\nwarning+ findings by rule")
        for rid, n in by_rule_warn.most_common():
            print("  %-14s %-40s %5d  (sole reason a file fails: %d)" % (rid, rules.get(rid, {}).get("slug", "?"), n, only_rule[rid]))
        if on_other:
            print("\nFindings on files that are neither Dockerfiles nor compose files")
            for f in on_other[:200]:
                print("  %s:%d %s %s" % (f["location"]["path"], f["location"]["start"]["line"], f["rule_id"], f["message"][:100]))
        if parse_errors:
            print("\nParse errors on real Dockerfiles")
            for f in parse_errors:
                print("  %s:%d %s" % (f["location"]["path"], f["location"]["start"]["line"], f["message"][:160]))

    figures = {
        "repositories": len(repos),
        "dockerfiles": len(dockerfiles),
        "compose_files": len(composefiles),
        "parse_errors_on_real_dockerfiles": len(parse_errors),
        "findings_on_other_files": len(on_other),
        "files_with_findings_that_are_neither": len({f["location"]["path"] for f in on_other}),
        "shipshape_warning_plus": len(warn_plus),
        "shipshape_warning_plus_false_positives": len(fp),
        "shipshape_warning_plus_unclassified_unagreed": warn_unclassified,
        "agreement_both": totals[0],
        "agreement_shipshape_only": totals[1],
        "agreement_hadolint_only": totals[2],
        "disagreements_unclassified": unclassified,
        "false_negatives_vs_hadolint": len(false_negatives),
        "dockerfiles_failing_default_gate": gate_docker,
        "compose_files_failing_default_gate": gate_compose,
        "skipped": len(skipped),
        "verdicts": {"%s/%s" % k: v for k, v in sorted(verdicts.items())},
    }
    print("\nFigures")
    for k, v in figures.items():
        print("  %-48s %s" % (k, v))
    if warn_plus:
        print("  %-48s %.2f %%" % ("false positives among warning+", 100.0 * len(fp) / len(warn_plus)))
    if dockerfiles:
        print("  %-48s %.1f %%" % ("Dockerfiles failing the default gate", 100.0 * gate_docker / len(dockerfiles)))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"figures": figures, "shipshape": ship, "hadolint": had, "kinds": kinds}, f)


if __name__ == "__main__":
    main()
