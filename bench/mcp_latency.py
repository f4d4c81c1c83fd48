#!/usr/bin/env python3
"""Latency of `shipshape mcp` tool calls over the protocol, as an agent sees it.

Starts the release binary as an MCP server on a repository (examples/shop by default), speaks
JSON-RPC over its stdin/stdout like any MCP client (initialize, then tools/call), and times each
call from the request written to the response read. One untimed call of each tool warms the file
cache, then N timed calls each, alternating; prints median, p90, min and max per tool, and checks
every response is a result, not an error. Goal: `context` and `audit` under 100 ms median.

A benchmark, not a test: numbers depend on the machine.

    python3 bench/mcp_latency.py [--runs 51] [--repo examples/shop] [--tools context,audit]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOAL_MS = 100.0


class Client:
    """A minimal MCP client over a child process's stdio: one request at a time."""

    def __init__(self, argv):
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            bufsize=0,
        )
        self.next_id = 0

    def send(self, message):
        self.proc.stdin.write((json.dumps(message) + "\n").encode())
        self.proc.stdin.flush()

    def request(self, method, params):
        self.next_id += 1
        rid = self.next_id
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("the server closed its stdout")
            msg = json.loads(line)
            if msg.get("id") == rid:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg["result"]
            # Notifications (progress, logs) are not what we wait for.

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", type=int, default=51)
    ap.add_argument("--repo", default=os.path.join(ROOT, "examples/shop"))
    ap.add_argument("--tools", default="context,audit")
    ap.add_argument("--binary", default=os.path.join(ROOT, "target/release/shipshape"))
    ap.add_argument("--no-build", action="store_true")
    args = ap.parse_args()

    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "-p", "shipshape-cli"], cwd=ROOT, check=True)
    client = Client([args.binary, "mcp", args.repo])
    init = client.request(
        "initialize",
        {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "mcp-latency-bench", "version": "1"},
        },
    )
    client.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    print(f"server: {init['serverInfo']['name']} {init['serverInfo']['version']}, "
          f"protocol {init['protocolVersion']}, repository {args.repo}")

    tools = args.tools.split(",")
    times = {t: [] for t in tools}
    sizes = {}

    def call(tool):
        start = time.perf_counter()
        result = client.request("tools/call", {"name": tool, "arguments": {}})
        elapsed = (time.perf_counter() - start) * 1000
        if result.get("isError"):
            raise RuntimeError(f"{tool}: {result['content'][0]['text']}")
        if not isinstance(result.get("structuredContent"), dict):
            raise RuntimeError(f"{tool}: no structuredContent")
        sizes[tool] = len(json.dumps(result))
        return elapsed

    for t in tools:
        call(t)  # warm-up
    for _ in range(args.runs):
        for t in tools:
            times[t].append(call(t))
    client.close()

    print(f"{args.runs} calls per tool, alternating, after one warm-up call each")
    print(f"{'tool':<10} {'median':>9} {'p90':>9} {'min':>9} {'max':>9} {'result':>10}  goal")
    failed = False
    for t in tools:
        xs = sorted(times[t])
        med = statistics.median(xs)
        p90 = xs[min(len(xs) - 1, int(round(0.9 * (len(xs) - 1))))]
        ok = med < GOAL_MS
        failed |= not ok
        print(f"{t:<10} {med:>7.1f}ms {p90:>7.1f}ms {xs[0]:>7.1f}ms {xs[-1]:>7.1f}ms "
              f"{sizes[t]:>8}B  {'<' if ok else '>='} {GOAL_MS:.0f} ms {'ok' if ok else 'MISSED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
