#!/usr/bin/env node
// Builds the GitHub Action: src/action/index.ts → dist/index.js (one minified ESM file, Node 20+;
// dist/scan-worker.js and dist/entry/worker.js for its worker pool),
// plus the tree-sitter .wasm files the bundle names → dist/wasm/. Nothing else is written, and the
// same sources give the same bytes (no timestamps, paths or source maps in the output), so CI can
// rebuild and `git diff --exit-code dist` to catch a stale bundle.
//
// esbuild rather than rollup: one dependency with no plugins, TypeScript and CommonJS dependencies
// (@actions/core) handled natively, a full build in well under a second.
//
// ESM output: src/node/load.ts finds rules/ through import.meta.url (dist/../rules in a checkout of
// this repository, whose package.json says "type": "module"). CommonJS dependencies still call
// require/__filename, so the banner provides them.

import { copyFile, mkdir, readdir, readFile, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const outfile = join(dist, "index.js");
const wasmSource = join(root, "node_modules", "@vscode", "tree-sitter-wasm", "wasm");

const banner = [
  'import{createRequire as __sqRequire}from"node:module";',
  'import{fileURLToPath as __sqPath}from"node:url";',
  'import{dirname as __sqDir}from"node:path";',
  "const require=__sqRequire(import.meta.url);",
  "const __filename=__sqPath(import.meta.url);",
  "const __dirname=__sqDir(__filename);",
].join("");

// Two dependencies ship code the Action never runs; leaving them out halves the bundle:
// - undici (and @fastify/busboy): @actions/http-client loads it for proxy agents of fetch, used only
//   by core.getIDToken (OIDC), which this Action never calls. Replaced by an empty module.
// - zod's `locales` namespace (every translation of its error messages): only the English default,
//   which zod imports directly, is used. Replaced by a namespace holding just `en`.
const lean = {
  name: "lean",
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: "undici", namespace: "lean-empty" }));
    b.onLoad({ filter: /.*/, namespace: "lean-empty" }, () => ({
      contents: "module.exports = {};",
      loader: "js",
    }));
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer)
        ? { path: join(dirname(args.importer), "..", "locales", "en.js"), namespace: "lean-zod-locales" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "lean-zod-locales" }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      loader: "js",
      resolveDir: root,
    }));
  },
};

// The built-in rules, parsed and validated now rather than at every cold start (YAML parsing and
// the schema check were ~40 % of a cold run): src/node/builtin-rules.ts is replaced by their JSON.
// Rule sources are file names only, so the bundle holds no path of the machine that built it.
const { tsImport } = await import("tsx/esm/api");
const { readRuleFiles } = await tsImport("../src/node/load.ts", import.meta.url);
const { buildRuleSet } = await tsImport("../src/scan/index.ts", import.meta.url);
const { ruleSetToJson } = await tsImport("../src/node/rule-set-data.ts", import.meta.url);
const ruleFiles = (await readRuleFiles(join(root, "rules"))).map((f) => ({
  file: basename(f.file),
  text: f.text,
}));
const rulesJson = ruleSetToJson(buildRuleSet(ruleFiles));
const builtinRules = {
  name: "builtin-rules",
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]node[\\/]builtin-rules\.ts$/ }, () => ({
      contents: `export const BUILTIN_RULES_JSON = ${JSON.stringify(rulesJson)};`,
      loader: "js",
    }));
  },
};

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

await build({
  absWorkingDir: root,
  // The Action, and the two files its worker pool starts (src/node/skill-runner.ts): tinypool's
  // thread entry, which it finds at entry/worker.js next to the code that imports it, and ours.
  entryPoints: {
    index: "src/action/index.ts",
    "scan-worker": "src/node/scan-worker.ts",
    "entry/worker": "node_modules/tinypool/dist/entry/worker.js",
  },
  outdir: dist,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minify: true,
  legalComments: "none",
  sourcemap: false,
  charset: "utf8",
  banner: { js: banner },
  plugins: [lean, builtinRules],
  logLevel: "warning",
});

// The .wasm files are loaded at run time by name: copy exactly those the bundle mentions.
const code = await readFile(outfile, "utf8");
const available = new Set((await readdir(wasmSource).catch(() => [])).filter((n) => n.endsWith(".wasm")));
const named = new Set([...code.matchAll(/tree-sitter(?:-[a-z0-9_]+)*\.wasm/g)].map((m) => m[0]));
const wasm = [...named].filter((n) => available.has(n)).sort();
const usesRuntime = code.includes("tree-sitter.wasm") || wasm.length > 0;
if (usesRuntime && !wasm.some((n) => n !== "tree-sitter.wasm")) {
  console.error(
    "bundle: the bundle loads tree-sitter but names no grammar file literally (tree-sitter-<lang>.wasm); list the grammar file names as string literals so they can be copied",
  );
  process.exit(1);
}
if (usesRuntime && !wasm.includes("tree-sitter.wasm") && available.has("tree-sitter.wasm"))
  wasm.unshift("tree-sitter.wasm");
if (wasm.length) {
  await mkdir(join(dist, "wasm"), { recursive: true });
  for (const name of wasm) await copyFile(join(wasmSource, name), join(dist, "wasm", name));
}

const size = (await readFile(outfile)).byteLength;
console.log(
  `dist/index.js ${(size / 1024).toFixed(0)} KiB${wasm.length ? `; dist/wasm/: ${wasm.join(", ")}` : ""}`,
);
