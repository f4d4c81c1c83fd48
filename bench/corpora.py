"""Materialise the real-world benchmark corpora listed in bench/corpora.toml, and the helpers
every benchmark shares (timing runs, medians, peak memory).

The files come from fetched bare git directories (`fetch github:OWNER/NAME` →
/work/.mirror/OWNER+NAME/repo, or --mirror DIR) at the listed commits, and are written under
/tmp, never into the repository. A missing fetch or commit stops the benchmark with what to do.
"""

import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import io
import tarfile
import time
import tomllib

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
MIRROR = os.environ.get("SHIPSHAPE_MIRROR", "/work/.mirror")
SCRATCH = os.environ.get("SHIPSHAPE_BENCH_DIR", "/tmp/shipshape-bench")
PEERS = "/work/peers/bin"


def corpora():
    with open(os.path.join(BENCH, "corpora.toml"), "rb") as f:
        return tomllib.load(f)


def git_dir(repo):
    path = os.path.join(MIRROR, repo.replace("/", "+"), "repo")
    if not os.path.isdir(path):
        sys.exit("%s is not fetched: fetch github:%s (expected a git directory at %s)" % (repo, repo, path))
    return path


def archive(repo, commit, paths=None):
    """The files of `repo` at `commit` (all, or only `paths`) as an open tar archive."""
    gd = git_dir(repo)
    ok = subprocess.run(["git", "--git-dir", gd, "cat-file", "-e", commit + "^{commit}"], capture_output=True)
    if ok.returncode != 0:
        sys.exit("%s: commit %s is not in %s — fetch it again or update bench/corpora.toml" % (repo, commit, gd))
    cmd = ["git", "--git-dir", gd, "archive", "--format=tar", commit]
    if paths:
        cmd += ["--"] + paths
    data = subprocess.run(cmd, capture_output=True, check=True).stdout
    return tarfile.open(fileobj=io.BytesIO(data))


def checkout(repo, commit, dest):
    """Write the tree of `repo` at `commit` under `dest`. A fetched copy may lack its largest
    blobs (images, archives); those files are left out. Returns how many were."""
    gd = git_dir(repo)
    listing = subprocess.run(
        ["git", "--git-dir", gd, "ls-tree", "-r", "-z", commit], capture_output=True, check=True
    ).stdout.split(b"\0")
    entries = []
    for line in listing:
        if not line:
            continue
        meta, path = line.split(b"\t", 1)
        mode, kind, oid = meta.split(b" ")
        if kind == b"blob":
            entries.append((mode, oid, os.fsdecode(path)))
    batch = subprocess.Popen(["git", "--git-dir", gd, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    missing = 0
    for mode, oid, path in entries:
        batch.stdin.write(oid + b"\n")
        batch.stdin.flush()
        header = batch.stdout.readline().split()
        if header[-1] == b"missing":
            missing += 1
            continue
        data = batch.stdout.read(int(header[2]))
        batch.stdout.read(1)
        full = os.path.join(dest, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        if mode == b"120000":
            os.symlink(os.fsdecode(data), full)
        else:
            with open(full, "wb") as f:
                f.write(data)
    batch.stdin.close()
    batch.wait()
    return missing


def official_dockerfiles():
    """[(repo, path, text)] for every file named `Dockerfile` in the audit repositories."""
    out = []
    for entry in corpora()["audit"]:
        gd = git_dir(entry["repo"])
        names = subprocess.run(
            ["git", "--git-dir", gd, "ls-tree", "-r", "--name-only", entry["commit"]],
            capture_output=True, text=True, check=True,
        ).stdout.split("\n")
        wanted = sorted(n for n in names if n.split("/")[-1] == "Dockerfile")
        if len(wanted) != entry["files"]:
            sys.exit("%s@%s has %d Dockerfiles, corpora.toml says %d" % (entry["repo"], entry["commit"], len(wanted), entry["files"]))
        with archive(entry["repo"], entry["commit"], wanted) as tar:
            for member in tar.getmembers():
                if member.isfile():
                    out.append((entry["repo"], member.name, tar.extractfile(member).read()))
    return out


def audit_corpus(copies, dest=None):
    """The official Dockerfiles copied `copies` times: DEST/cNN/OWNER+NAME/PATH/Dockerfile.
    Reused when already there with the same number of files. Returns (folder, file paths)."""
    dest = dest or os.path.join(SCRATCH, "official-images-x%d" % copies)
    marker = dest + ".files"  # beside the corpus, not in it
    if not os.path.exists(marker):
        files = official_dockerfiles()
        if os.path.isdir(dest):
            shutil.rmtree(dest)
        paths = []
        for c in range(copies):
            for repo, path, data in files:
                full = os.path.join(dest, "c%02d" % c, repo.replace("/", "+"), path)
                os.makedirs(os.path.dirname(full), exist_ok=True)
                with open(full, "wb") as f:
                    f.write(data)
                paths.append(full)
        with open(marker, "w") as f:
            f.write("\n".join(paths))
    with open(marker) as f:
        paths = f.read().split("\n")
    return dest, paths


def context_tree(dest=None):
    """Every repository of the context list side by side under one folder. Returns (folder,
    file count)."""
    dest = dest or os.path.join(SCRATCH, "context-tree")
    marker = dest + ".complete"
    if not os.path.exists(marker):
        if os.path.isdir(dest):
            shutil.rmtree(dest)
        for entry in corpora()["context"]:
            missing = checkout(entry["repo"], entry["commit"], os.path.join(dest, entry["repo"].replace("/", "+")))
            if missing:
                print("%s: %d large files are not in the fetched copy and were left out" % (entry["repo"], missing))
        with open(marker, "w") as f:
            f.write("")
    count = sum(len(fs) for _, _, fs in os.walk(dest))
    return dest, count


# --- running and measuring ---------------------------------------------------------------

def build_release(root=ROOT):
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "shipshape-cli"], cwd=root, check=True)
    return os.path.join(root, "target", "release", "shipshape")


def find_peer(explicit, name):
    for candidate in (explicit, os.path.join(PEERS, name), shutil.which(name)):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


class Sample(float):
    """Wall-clock seconds of one run, with the CPU seconds (user + system, all threads) it
    took as `.cpu`: on a shared machine wall time includes waiting for a core, CPU time does not."""

    def __new__(cls, wall, cpu):
        s = super().__new__(cls, wall)
        s.cpu = cpu
        return s


def _children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(cmd, ok_codes=(0, 1), stdout=subprocess.DEVNULL):
    """Run `cmd` once, output discarded; a Sample. A code outside `ok_codes` stops the
    benchmark: a tool that failed must not look fast."""
    cpu = _children_cpu()
    start = time.perf_counter()
    p = subprocess.run(cmd, stdout=stdout, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    cpu = _children_cpu() - cpu
    if p.returncode not in ok_codes:
        sys.exit("%s exited with %d: %s" % (" ".join(cmd[:5]), p.returncode, p.stderr.decode(errors="replace")[-800:]))
    return Sample(elapsed, cpu)


def alternate(commands, runs, warm=True):
    """commands: {name: (cmd, ok_codes, runs or None)}. One untimed warm-up each (unless the
    caller already ran each once), then the timed runs interleaved so load changes hit every
    tool alike. {name: [Sample]}."""
    for cmd, ok, _ in commands.values() if warm else ():
        run(cmd, ok)
    times = {name: [] for name in commands}
    most = max((n or runs) for _, _, n in commands.values())
    for i in range(most):
        for name, (cmd, ok, n) in commands.items():
            if i < (n or runs):
                times[name].append(run(cmd, ok))
    return times


def median_ms(samples):
    return statistics.median(samples) * 1000


def median_cpu_ms(samples):
    return statistics.median(s.cpu for s in samples) * 1000


def peak_rss_mib(cmd, ok_codes=(0, 1)):
    """Peak resident memory of `cmd` in MiB, from GNU time's `-v` report."""
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode not in ok_codes:
        sys.exit("%s exited with %d: %s" % (" ".join(cmd[:5]), p.returncode, p.stderr[-800:]))
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    if not m:
        sys.exit("/usr/bin/time -v gave no peak RSS (is GNU time installed? apt-get install time)")
    return int(m.group(1)) / 1024


def callgrind_instructions(cmd, ok_codes=(0, 1)):
    """Instructions executed by `cmd` (all threads) under callgrind: the measure that does not
    move with the machine's load."""
    out = os.path.join(SCRATCH, "callgrind.out.%d" % os.getpid())
    p = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out] + cmd,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    if p.returncode not in ok_codes:
        sys.exit("callgrind %s exited with %d: %s" % (" ".join(cmd[:5]), p.returncode, p.stderr[-800:]))
    m = re.search(r"Collected : (\d+)", p.stderr)
    os.remove(out)
    if not m:
        sys.exit("callgrind printed no instruction count: %s" % p.stderr[-400:])
    return int(m.group(1))
