#!/usr/bin/env node
// Builds the GitHub Action: src/action/index.ts → dist/index.js (minified ESM, Node 20+;
// dist/scan-worker.js and dist/entry/worker.js for its worker pool; dist/<name>-<hash>.js chunks
// for the code both share and for what is loaded only when needed), plus the tree-sitter .wasm
// files the bundle names → dist/wasm/. Nothing else is written, and the
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
import { basename, dirname, join, relative, resolve, sep } from "node:path";
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

// Dependencies ship code the Action never runs; leaving it out keeps it off the cold start:
// - @actions/core's OIDC client: core loads it, and with it @actions/http-client and Node's http,
//   https and tls, at start-up, for getIDToken only. Replaced by one that says so if ever called.
// - zod's `locales` namespace (every translation of its error messages): only the English default,
//   which zod imports directly, is used. Replaced by a namespace holding just `en`.
// - src/node/redos.ts (recheck, ~3 MB): proves user rules safe; the Action runs built-in rules only.
const lean = {
  name: "lean",
  setup(b) {
    b.onResolve({ filter: /^\.\/oidc-utils$/ }, (args) =>
      /[\\/]@actions[\\/]core[\\/]/.test(args.importer)
        ? { path: "oidc-utils", namespace: "lean-oidc" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "lean-oidc" }, () => ({
      contents:
        'exports.OidcClient = { getIDToken() { throw new Error("skill-quarantine bundles @actions/core without its OIDC client"); } };',
      loader: "js",
    }));
    b.onResolve({ filter: /^\.\/redos\.js$/ }, (args) =>
      /[\\/]src[\\/]node[\\/]load\.ts$/.test(args.importer)
        ? { path: "redos", namespace: "lean-redos" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "lean-redos" }, () => ({
      contents:
        'export function assertSafePatterns() { throw new Error("the bundled Action loads no user rule files (no ReDoS prover bundled)"); }',
      loader: "js",
    }));
    // The path in this namespace is relative to the checkout: esbuild hashes a chunk with the paths of
    // its modules, and an absolute one would give every checkout different chunk names.
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer)
        ? {
            path: relative(root, join(dirname(args.importer), "..", "locales", "en.js"))
              .split(sep)
              .join("/"),
            namespace: "lean-zod-locales",
          }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "lean-zod-locales" }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(`./${args.path}`)};`,
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
  // Code reached only through import() (the appeals reader's GitHub client, tree-sitter, the script
  // analysis, the worker pool) goes into chunks of its own, read and compiled only when a run needs it: a cold start
  // compiles and evaluates every byte of a chunk it loads. Chunk names hash their content, so the
  // same sources still give the same files.
  splitting: true,
  // In dist/ itself: the bundle finds wasm/, scan-worker.js and tinypool's entry/worker.js next to
  // the code that looks for them (import.meta.url), whichever chunk that code lands in.
  chunkNames: "[name]-[hash]",
  legalComments: "none",
  sourcemap: false,
  charset: "utf8",
  banner: { js: banner },
  plugins: [lean, builtinRules],
  logLevel: "warning",
});

// The .wasm files are loaded at run time by name: copy exactly those the bundle (any of its files) mentions.
const outputs = [];
const listJs = async (dir) => {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) await listJs(join(dir, e.name));
    else if (e.name.endsWith(".js")) outputs.push(join(dir, e.name));
  }
};
await listJs(dist);
outputs.sort();
const code = (await Promise.all(outputs.map((f) => readFile(f, "utf8")))).join("\n");
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

// What a cold start reads: index.js and the chunks it imports statically (the others load on demand).
const sizeOf = async (f) => (await readFile(f)).byteLength;
const startup = new Set([outfile]);
for (const f of startup) {
  const text = await readFile(f, "utf8");
  for (const m of text.matchAll(/(?:^|[;}])import[^"'()]*?from\s*"(\.[^"]+)"/g))
    startup.add(join(dirname(f), m[1]));
}
let startupBytes = 0;
for (const f of startup) startupBytes += await sizeOf(f);
console.log(
  `dist/index.js ${((await sizeOf(outfile)) / 1024).toFixed(0)} KiB, ${(startupBytes / 1024).toFixed(0)} KiB with the chunks it imports at start-up; ${outputs.length} JavaScript files${wasm.length ? `; dist/wasm/: ${wasm.join(", ")}` : ""}`,
);
