#!/usr/bin/env -S node --liftoff-only --max-semi-space-size=4
// --liftoff-only: WebAssembly (the tree-sitter parsers) runs on V8's baseline compiler only. Its
// optimising compiler spends seconds and, on Node 24, up to 2 GB of memory compiling the grammars'
// huge lexer functions during a scan, for a parse that is ~35 % faster once it is done: on the
// 312 real skills of corpus-broad the CLI's peak memory drops from 2.3 GB to 345 MB on Node 24 (and
// from 359 to 250 MB on Node 20, 12.5 s → 7 s). `env -S` passes the flags (Linux, macOS, npm's shims).
// --max-semi-space-size=4: this thread's young generation stays small. With a worker pool it only lists
// skills and receives reports, and its default young generation (16 MB semi-spaces) was ~70 MB of the
// 5,000-skill memory check's peak (295 → 218 MB); the workers keep the default young generation
// (src/node/skill-runner.ts). One thread alone (`--workers 1`) was no slower with it.
// Thin launcher: the CLI is compiled to lib/ by `npm ci` (prepare → build). The test suite runs the
// TypeScript sources instead (SQ_FROM_SOURCE=1 under `node --import tsx`), so tests need no build.
const entry = process.env.SQ_FROM_SOURCE === "1" ? "../src/cli/main.ts" : "../lib/cli/main.js";
import(entry)
  .then((m) => m.main(process.argv))
  .catch((err) => {
    process.stderr.write(`skill-quarantine: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  });
