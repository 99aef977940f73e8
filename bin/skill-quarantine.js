#!/usr/bin/env node
// Thin launcher: the CLI is compiled to lib/ by `npm ci` (prepare → build).
import("../lib/cli/main.js")
  .then((m) => m.main(process.argv))
  .catch((err) => {
    process.stderr.write(`skill-quarantine: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  });
