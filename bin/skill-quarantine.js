#!/usr/bin/env node
// Thin launcher: the CLI is compiled to lib/ by `npm ci` (prepare → build). The test suite runs the
// TypeScript sources instead (SQ_FROM_SOURCE=1 under `node --import tsx`), so tests need no build.
const entry = process.env.SQ_FROM_SOURCE === "1" ? "../src/cli/main.ts" : "../lib/cli/main.js";
import(entry)
  .then((m) => m.main(process.argv))
  .catch((err) => {
    process.stderr.write(`skill-quarantine: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  });
