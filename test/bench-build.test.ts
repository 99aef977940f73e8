import { dirname, join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// `npm run bench` runs the benchmark from lib-tools/, compiled by tsconfig.tools.json from tools/ and
// whatever tools/ imports. The skill pool's worker (src/node/scan-worker.ts) is imported by no one: the
// runner starts it by file name next to skill-runner.js, so unless the tools' program names it,
// lib-tools has no scan-worker.js and `--workers` fails with "Cannot find module".

const root = join(dirname(new URL(import.meta.url).pathname), "..");

describe("tsconfig.tools.json", () => {
  it("compiles the skill pool's worker beside the runner the benchmark imports", () => {
    const configPath = join(root, "tsconfig.tools.json");
    const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, configPath);
    const program = ts.createProgram(parsed.fileNames, { ...parsed.options, noEmit: true });
    const files = new Set(program.getSourceFiles().map((f) => f.fileName));
    expect(files.has(join(root, "src/node/skill-runner.ts"))).toBe(true);
    expect(files.has(join(root, "src/node/scan-worker.ts"))).toBe(true);
  });
});
