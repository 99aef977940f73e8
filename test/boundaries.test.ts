import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// The architecture in README ("Architecture") as a test: every import in src/ and tools/ is read
// here (ts.preProcessFile, so `import type`, `export … from` and `import("…")` all count: a type
// import still ties two modules together for a reader) and checked against the table below.

const root = join(dirname(new URL(import.meta.url).pathname), "..");

type Area = "core" | "scripts" | "report" | "sources" | "node" | "appeals" | "surface" | "tools";

const CORE_ENTRY = "src/scan/index.ts";
const SURFACES = ["src/cli/", "src/action/", "src/app/"];

function areaOf(file: string): Area | undefined {
  if (file.startsWith("src/scripts/")) return "scripts";
  if (file.startsWith("src/scan/")) return "core";
  for (const a of ["report", "sources", "node", "appeals"] as const)
    if (file.startsWith(`src/${a}/`)) return a;
  if (SURFACES.some((s) => file.startsWith(s))) return "surface";
  if (file.startsWith("tools/")) return "tools";
  return undefined;
}

/** Which folders an area may import from, besides its own folder (and besides npm packages). */
const MAY_IMPORT: Record<Area, { prefixes: string[]; why: string }> = {
  // The core runs script analysis (scan/index.ts, all-checks.ts), so it may import src/scripts/.
  core: {
    prefixes: [
      "src/scan/",
      "src/scripts/index.ts",
      "src/scripts/language.ts",
      "src/scripts/script-checks.ts",
    ],
    why: "the core imports only the core and script analysis's entry, its language table and its catalogue",
  },
  scripts: {
    prefixes: ["src/scripts/", "src/scan/script-port.ts"],
    why: "script analysis imports only itself and the core's port for it (src/scan/script-port.ts)",
  },
  report: { prefixes: [CORE_ENTRY, "src/report/"], why: "report imports only the core's entry" },
  sources: { prefixes: [CORE_ENTRY, "src/sources/"], why: "sources import only the core's entry" },
  // node/ is the Node.js binding of the core: it reads a folder through sources/ (scan-path.ts).
  node: {
    prefixes: [CORE_ENTRY, "src/node/", "src/sources/"],
    why: "node imports only the core's entry and sources",
  },
  appeals: { prefixes: [CORE_ENTRY, "src/appeals/"], why: "appeals imports only the core's entry" },
  surface: {
    prefixes: [CORE_ENTRY, "src/report/", "src/sources/", "src/node/", "src/appeals/"],
    why: "a surface imports only the core's entry, report, sources, node and appeals, never another surface",
  },
  tools: {
    prefixes: [CORE_ENTRY, "src/report/", "src/sources/", "src/node/", "tools/"],
    why: "a tool uses the product through the core's entry, report, sources and node only",
  },
};

/** npm packages and Node modules that would give the core I/O or GitHub: it gets those through ports.ts. */
const CORE_FORBIDDEN_PACKAGES =
  /^(node:)?(fs|fs\/promises|child_process|net|http|https|worker_threads|os|process)$|^probot$|^@actions\/|^@octokit\//;

type Graph = Map<string, { spec: string; target: string | undefined }[]>;

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    // tools/bench/peer installs the benchmark's peer scanner there: not the project's source.
    if (e.name === "node_modules") continue;
    const p = posix.join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

/** Import graph of the given files: each relative specifier resolved to a repository path (.js → .ts). */
function importGraph(files: string[], read: (f: string) => string): Graph {
  const graph: Graph = new Map();
  for (const file of files) {
    const info = ts.preProcessFile(read(file), true, true);
    graph.set(
      file,
      info.importedFiles.map(({ fileName: spec }) => {
        if (!spec.startsWith(".")) return { spec, target: undefined };
        const target = posix.normalize(posix.join(posix.dirname(file), spec)).replace(/\.js$/, ".ts");
        return { spec, target };
      }),
    );
  }
  return graph;
}

/** Every import that breaks the table, each as one sentence naming the importer and the import. */
function boundaryViolations(graph: Graph): string[] {
  const problems: string[] = [];
  for (const [file, imports] of graph) {
    const area = areaOf(file);
    if (!area) {
      problems.push(
        `${file} is in no known folder: add its folder to test/boundaries.test.ts and README's Architecture`,
      );
      continue;
    }
    const own = area === "surface" ? (SURFACES.find((s) => file.startsWith(s)) ?? "") : "";
    for (const { spec, target } of imports) {
      if (target === undefined) {
        if ((area === "core" || area === "scripts") && CORE_FORBIDDEN_PACKAGES.test(spec))
          problems.push(
            `${file} imports ${spec}: the core does no I/O; hand it in through src/scan/ports.ts`,
          );
        continue;
      }
      if (!graph.has(target)) {
        problems.push(`${file} imports ${spec}, which resolves to ${target}: no such source file`);
        continue;
      }
      const rule = MAY_IMPORT[area];
      const allowed =
        (own !== "" && target.startsWith(own)) ||
        rule.prefixes.some((p) => (p.endsWith("/") ? target.startsWith(p) : target === p));
      if (!allowed) problems.push(`${file} imports ${target}: ${rule.why}`);
    }
  }
  return problems;
}

/** Every import cycle (depth-first search), each as the chain of files that closes it. */
function importCycles(graph: Graph): string[] {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const cycles: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const { target } of graph.get(file) ?? []) {
      if (target === undefined || !graph.has(target)) continue;
      const s = state.get(target);
      if (s === "open") cycles.push([...stack.slice(stack.indexOf(target)), target].join(" → "));
      else if (s === undefined) visit(target);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}

// Detectors only find: they record what they saw about a match (types.ts `Observation`) and never
// change a level. The one function that changes a level (weigh/adjust.ts) is the weighing stages'
// (and verdict.ts's, which holds the declared and silence stages' bodies); detectors import nothing
// from the weighing folder at all.
const DETECTORS = [
  "src/scan/analyze/",
  "src/scan/archive/",
  "src/scan/markdown/",
  "src/scan/text/",
  "src/scripts/",
];
const LEVEL_CHANGE = "src/scan/weigh/adjust.ts";
const MAY_CHANGE_LEVELS = ["src/scan/weigh/", "src/scan/verdict.ts"];

function weighingViolations(graph: Graph): string[] {
  const problems: string[] = [];
  for (const [file, imports] of graph)
    for (const { target } of imports) {
      if (target === undefined) continue;
      if (DETECTORS.some((d) => file.startsWith(d)) && target.startsWith("src/scan/weigh/"))
        problems.push(
          `${file} imports ${target}: a detector records what it saw (findings.ts observe) and never weighs`,
        );
      else if (target === LEVEL_CHANGE && !MAY_CHANGE_LEVELS.some((p) => file.startsWith(p)))
        problems.push(
          `${file} imports ${target}: levels change only in the weighing stages (src/scan/weigh/)`,
        );
    }
  return problems;
}

function repositoryGraph(): Graph {
  const files = [...tsFiles("src"), ...tsFiles("tools")];
  return importGraph(files, (f) => readFileSync(join(root, f), "utf8"));
}

describe("architecture boundaries", () => {
  const graph = repositoryGraph();

  it("reads the whole tree", () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.has(CORE_ENTRY)).toBe(true);
    expect(graph.has("tools/eval/main.ts")).toBe(true);
    // Sanity of the reader itself: the CLI is known to import the core's entry.
    expect(graph.get("src/cli/main.ts")?.some((i) => i.target === CORE_ENTRY)).toBe(true);
  });

  it("every import follows the folder rules", () => {
    expect(boundaryViolations(graph)).toEqual([]);
  });

  it("has no import cycle", () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it("detectors only find: no detector weighs, and only the weighing stages change a level", () => {
    expect(weighingViolations(graph)).toEqual([]);
    const fake = importGraph(
      [
        "src/scan/analyze/rules.ts",
        "src/scripts/taint-engine.ts",
        "src/scan/skill.ts",
        "src/scan/weigh/adjust.ts",
        "src/scan/weigh/index.ts",
        "src/scan/weigh/match-context.ts",
      ],
      (f) =>
        ({
          "src/scan/analyze/rules.ts": 'import { lowered } from "../weigh/adjust.js";',
          "src/scripts/taint-engine.ts": 'import { weighMatch } from "../scan/weigh/match-context.js";',
          "src/scan/skill.ts":
            'import { adjust } from "./weigh/adjust.js";\nimport { weigh } from "./weigh/index.js";',
          "src/scan/weigh/index.ts": 'import { adjust } from "./adjust.js";',
        })[f] ?? "",
    );
    expect(weighingViolations(fake)).toEqual([
      "src/scan/analyze/rules.ts imports src/scan/weigh/adjust.ts: a detector records what it saw (findings.ts observe) and never weighs",
      "src/scripts/taint-engine.ts imports src/scan/weigh/match-context.ts: a detector records what it saw (findings.ts observe) and never weighs",
      "src/scan/skill.ts imports src/scan/weigh/adjust.ts: levels change only in the weighing stages (src/scan/weigh/)",
    ]);
  });

  it("names the offending import when a rule is broken", () => {
    const fake = importGraph(
      [
        "src/cli/main.ts",
        "src/app/sweep.ts",
        "src/report/text.ts",
        "src/scan/index.ts",
        "src/scan/skill.ts",
        "src/scan/a.ts",
        "src/scan/b.ts",
      ],
      (f) =>
        ({
          "src/cli/main.ts":
            'import { sweep } from "../app/sweep.js";\nimport { x } from "../scan/index.js";',
          "src/app/sweep.ts": "export const sweep = 1;",
          "src/report/text.ts": 'import type { Finding } from "../scan/skill.js";',
          "src/scan/index.ts": 'export * from "./skill.js";\nimport { cli } from "../cli/main.js";',
          "src/scan/skill.ts": 'import { readFile } from "node:fs/promises";\nconst t = import("./a.js");',
          "src/scan/a.ts": 'export { b } from "./b.js";',
          "src/scan/b.ts": 'import type { a } from "./a.js";',
        })[f] ?? "",
    );
    expect(boundaryViolations(fake)).toEqual([
      "src/cli/main.ts imports src/app/sweep.ts: a surface imports only the core's entry, report, sources, node and appeals, never another surface",
      "src/report/text.ts imports src/scan/skill.ts: report imports only the core's entry",
      "src/scan/index.ts imports src/cli/main.ts: the core imports only the core and script analysis's entry, its language table and its catalogue",
      "src/scan/skill.ts imports node:fs/promises: the core does no I/O; hand it in through src/scan/ports.ts",
    ]);
    expect(importCycles(fake).sort()).toEqual([
      "src/cli/main.ts → src/scan/index.ts → src/cli/main.ts",
      "src/scan/a.ts → src/scan/b.ts → src/scan/a.ts",
    ]);
  });

  it("a source file over 500 lines says at its top why it is one file", () => {
    const unexplained = [...graph.keys()].filter((f) => {
      const text = readFileSync(join(root, f), "utf8");
      const long = text.split("\n").length > 500;
      return long && !/^\/\/ Why one file of/.test(text);
    });
    expect(unexplained).toEqual([]);
  });

  it("keeps script analysis off the surfaces, the shared layers and the core's internals", () => {
    const fake = importGraph(
      [
        "src/scripts/python/walker.ts",
        "src/scripts/syntax.ts",
        "src/scan/script-port.ts",
        "src/scan/types.ts",
        "src/report/text.ts",
      ],
      (f) =>
        f === "src/scripts/python/walker.ts"
          ? 'import "../syntax.js";\nimport "../../scan/script-port.js";\nimport "../../scan/types.js";\nimport "../../report/text.js";'
          : "",
    );
    const why = "script analysis imports only itself and the core's port for it (src/scan/script-port.ts)";
    expect(boundaryViolations(fake)).toEqual([
      `src/scripts/python/walker.ts imports src/scan/types.ts: ${why}`,
      `src/scripts/python/walker.ts imports src/report/text.ts: ${why}`,
    ]);
  });

  it("refuses a file in a folder the table does not know", () => {
    const fake = importGraph(["src/misc/x.ts"], () => "");
    expect(boundaryViolations(fake)).toEqual([
      "src/misc/x.ts is in no known folder: add its folder to test/boundaries.test.ts and README's Architecture",
    ]);
  });
});
