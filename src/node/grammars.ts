import { access, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Parser } from "@vscode/tree-sitter-wasm";
import type { ScriptAnalyzer } from "../scan/index.js";
import {
  loadScriptAnalysis,
  MAX_SCRIPT_CHARS,
  type ScriptLanguage,
  type ScriptParsers,
  scriptLanguage,
  type TreeSitterScriptAnalyzer,
} from "../scan/index.js";

// The only place that reads tree-sitter .wasm files. They come from @vscode/tree-sitter-wasm: its
// wasm/ folder in node_modules, or a wasm/ folder copied next to a bundle (the GitHub Action).

type Runtime = typeof import("@vscode/tree-sitter-wasm");

const GRAMMARS: Record<ScriptLanguage, string> = {
  python: "tree-sitter-python.wasm",
  javascript: "tree-sitter-javascript.wasm",
  typescript: "tree-sitter-typescript.wasm",
  shell: "tree-sitter-bash.wasm",
  powershell: "tree-sitter-powershell.wasm",
};

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The folder holding tree-sitter.wasm and the grammars. */
export async function wasmDir(): Promise<string> {
  const candidates: string[] = [];
  try {
    // Next to the running bundle (dist/index.js + dist/wasm/).
    candidates.push(fileURLToPath(new URL("./wasm/", import.meta.url)));
  } catch {
    // import.meta.url is not a file: URL (unusual bundlers); fall through to node_modules.
  }
  // A CommonJS bundle has no import.meta.url, but has __dirname.
  if (typeof __dirname === "string") candidates.push(join(__dirname, "wasm"));
  try {
    candidates.push(dirname(createRequire(import.meta.url).resolve("@vscode/tree-sitter-wasm")));
  } catch {
    // Not installed: only the bundle location is possible.
  }
  for (const dir of candidates) if (await exists(join(dir, "tree-sitter.wasm"))) return dir;
  throw new Error(
    `tree-sitter WASM files not found (looked in ${candidates.join(", ") || "nowhere"}); install @vscode/tree-sitter-wasm or copy its wasm/ folder next to the bundle`,
  );
}

async function loadRuntime(): Promise<Runtime> {
  // The package is UMD/CommonJS: under Node ESM its exports are the default export.
  const mod = (await import("@vscode/tree-sitter-wasm")) as Runtime & { default?: Runtime };
  return mod.default ?? mod;
}

let runtime: Promise<{ ts: Runtime; dir: string }> | undefined;
/** The object Parser.init made the runtime's module (see enableDirectTreeCopy in scripts/syntax.ts). */
let runtimeModule: unknown;

/** The loaded script analysis, its tree copies switched to the runtime's cursor functions. */
function withDirectCopy<M extends { enableDirectTreeCopy(module: unknown): boolean }>(m: M): M {
  analysisModule = m;
  if (runtimeModule) m.enableDirectTreeCopy(runtimeModule);
  return m;
}
/** Set when the script analysis loaded first: the runtime switches its copies on when it starts. */
let analysisModule: { enableDirectTreeCopy(module: unknown): boolean } | undefined;

/** The tree-sitter runtime, initialised once per thread. */
function initRuntime(): Promise<{ ts: Runtime; dir: string }> {
  runtime ??= (async () => {
    const dir = await wasmDir();
    const ts = await loadRuntime();
    const wasmBinary = await readFile(join(dir, "tree-sitter.wasm"));
    // wasmBinary stops the runtime from fetching or reading tree-sitter.wasm itself; locateFile keeps
    // any other lookup inside the same folder.
    const options = { wasmBinary, locateFile: (file: string) => join(dir, file) };
    await ts.Parser.init(options);
    // The runtime made `options` its module: tree copies may call its cursor functions directly once
    // the script analysis is loaded (withDirectCopy).
    runtimeModule = options;
    analysisModule?.enableDirectTreeCopy(options);
    return { ts, dir };
  })();
  runtime.catch(() => {
    runtime = undefined;
  });
  return runtime;
}

const grammars = new Map<ScriptLanguage, Promise<Parser>>();

/** One language's parser, its grammar compiled once per thread. */
function loadGrammar(lang: ScriptLanguage): Promise<Parser> {
  let p = grammars.get(lang);
  if (!p) {
    const start = performance.now();
    p = initRuntime().then(async ({ ts, dir }) => {
      const language = await ts.Language.load(await readFile(join(dir, GRAMMARS[lang])));
      const parser: Parser = new ts.Parser();
      parser.setLanguage(language);
      // On the performance timeline for `npm run bench:action` (runtime start-up included).
      performance.measure(`skill-quarantine:grammar ${lang}`, { start });
      return parser;
    });
    p.catch(() => grammars.delete(lang));
    grammars.set(lang, p);
  }
  return p;
}

const LANGUAGES = Object.keys(GRAMMARS) as ScriptLanguage[];

async function loadParsers(): Promise<ScriptParsers> {
  const parsers = await Promise.all(LANGUAGES.map(loadGrammar));
  return Object.fromEntries(LANGUAGES.map((l, i) => [l, parsers[i]])) as ScriptParsers;
}

let loaded: Promise<TreeSitterScriptAnalyzer> | undefined;

/** The tree-sitter script analyzer; runtime and grammars are loaded once per process. */
export function createScriptAnalyzer(): Promise<TreeSitterScriptAnalyzer & ScriptAnalyzer> {
  loaded ??= Promise.all([loadParsers(), loadScriptAnalysis()]).then(
    ([parsers, analysis]) => withDirectCopy(analysis).createTreeSitterAnalyzer(parsers),
    (err: unknown) => {
      loaded = undefined;
      throw err;
    },
  );
  return loaded;
}

/**
 * A script analyzer that has loaded no grammar yet. A parse in a language not loaded fails (the
 * scanner treats that as a parser failure) and is recorded; `takeMissing()` names those languages
 * and `load()` loads them. A scan is only final when it ran with nothing missing: see
 * scanWithGrammars in src/node/skill-runner.ts, which scans a skill again after loading. Whatever
 * loads the grammars also sees scripts nested in other scripts or in Markdown code blocks, which
 * deciding the languages up front from file names could not. The analysis code itself is loaded with
 * the first grammar: until then a script is recorded as missing its language, as a parse would be.
 */
export interface LazyScriptAnalyzer {
  analyzer: ScriptAnalyzer;
  /** Languages a parse asked for since the last call, not loaded yet. */
  takeMissing(): ScriptLanguage[];
  load(langs: ScriptLanguage[]): Promise<void>;
  /** Languages loaded so far (for tests and the benchmark). */
  loadedLanguages(): ScriptLanguage[];
}

export class GrammarNotLoadedError extends Error {
  override name = "GrammarNotLoadedError";
}

export function createLazyScriptAnalyzer(): LazyScriptAnalyzer {
  const ready = new Map<ScriptLanguage, Parser>();
  const missing = new Set<ScriptLanguage>();
  const parsers = {} as ScriptParsers;
  for (const lang of LANGUAGES)
    Object.defineProperty(parsers, lang, {
      enumerable: true,
      get() {
        const p = ready.get(lang);
        if (p) return p;
        missing.add(lang);
        throw new GrammarNotLoadedError(`the ${lang} grammar is not loaded yet`);
      },
    });
  let analysis: TreeSitterScriptAnalyzer | undefined;
  // What the analysis answers for a file it does not parse (no grammar, or too large); any other
  // script needs its language, as a parse without the grammar would have recorded.
  const notYet = (file: { path: string; kind: Parameters<typeof scriptLanguage>[1]; text: string }) => {
    const lang = scriptLanguage(file.path, file.kind);
    if (lang && file.text.length <= MAX_SCRIPT_CHARS) missing.add(lang);
    return { findings: [], capabilities: [] };
  };
  const analyzer: ScriptAnalyzer & Required<Pick<ScriptAnalyzer, "analyzeDetailed">> = {
    analyze: (file, ctx) => (analysis ? analysis.analyze(file, ctx) : notYet(file).findings),
    analyzeDetailed: (file, ctx) => (analysis ? analysis.analyzeDetailed(file, ctx) : notYet(file)),
  };
  return {
    analyzer,
    takeMissing() {
      const out = [...missing];
      missing.clear();
      return out;
    },
    async load(langs) {
      const [loadedParsers, module] = await Promise.all([
        Promise.all(langs.map(loadGrammar)),
        analysis ? undefined : loadScriptAnalysis(),
      ]);
      analysis ??= module ? withDirectCopy(module).createTreeSitterAnalyzer(parsers) : undefined;
      for (const [i, l] of langs.entries()) ready.set(l, loadedParsers[i]!);
    },
    loadedLanguages: () => [...ready.keys()].sort(),
  };
}
