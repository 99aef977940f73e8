import type { Parser, Tree } from "@vscode/tree-sitter-wasm";
import type { AnalysisContext, Capability, Finding, ScriptAnalyzer, TextFile } from "../scan/script-port.js";
import { type StageClock, timed } from "../scan/script-port.js";
import { walkJavaScript } from "./javascript/walker.js";
import { MAX_SCRIPT_CHARS, type ScriptLanguage, scriptLanguage } from "./language.js";
import { walkPowerShell } from "./powershell/walker.js";
import { walkPython } from "./python/walker.js";
import { type NormalisedShell, normaliseShell, plainLineAt } from "./shell/normalise.js";
import { walkShell } from "./shell/walker.js";
import { type SNode, toSyntax } from "./syntax.js";
import { Engine } from "./taint-engine.js";
import { type CodeLang, EMPTY, type Value } from "./values.js";

// Script analysis over tree-sitter syntax trees. Pure: parsers are handed in (src/node/grammars.ts
// loads them), nothing here touches the file system or runs the scanned code.

export { MAX_SCRIPT_CHARS, type ScriptLanguage, scriptLanguage } from "./language.js";
export { SCRIPT_CHECKS } from "./script-checks.js";
export { enableDirectTreeCopy } from "./syntax.js";
export type ScriptParsers = Record<ScriptLanguage, Parser>;
/** Parsing is cancelled after this long; the file then gets no script findings. */
const PARSE_BUDGET_MS = 2000;

export interface ScriptReport {
  findings: Finding[];
  /** What the script can do, including capabilities that are no finding on their own (e.g. `shell` for soffice). */
  capabilities: Capability[];
  language?: ScriptLanguage;
  /** Why the file was not (fully) analysed. */
  skipped?: "unsupported" | "too-large" | "parse-failed" | "error";
}

export interface TreeSitterScriptAnalyzer extends ScriptAnalyzer {
  analyzeDetailed(file: TextFile, ctx: AnalysisContext): ScriptReport;
}

export function createTreeSitterAnalyzer(parsers: ScriptParsers): TreeSitterScriptAnalyzer {
  // The clock of the scan in progress (analyzeDetailed sets it): nested parses and walks run from
  // inside the engine, which does not carry the scan's context down to runNested.
  let clock: StageClock | undefined;

  /** Parses and copies the tree into plain objects; the WASM tree is freed before returning. */
  const parse = (lang: ScriptLanguage, code: string): SNode | undefined =>
    timed(clock, "parse", () => {
      const parser = parsers[lang];
      parser.reset();
      const deadline = performance.now() + PARSE_BUDGET_MS;
      let tree: Tree | null = null;
      try {
        tree = parser.parse(code, null, { progressCallback: () => performance.now() > deadline });
        return tree ? toSyntax(tree) : undefined;
      } finally {
        tree?.delete();
      }
    });

  const walk = (
    lang: ScriptLanguage | CodeLang,
    root: SNode,
    code: string,
    eng: Engine,
    stdin?: Value,
  ): Value =>
    timed(clock, "taint", () => {
      switch (lang) {
        case "python":
          walkPython(root, code, eng);
          return EMPTY;
        case "javascript":
        case "typescript":
          walkJavaScript(root, code, eng);
          return EMPTY;
        case "shell":
          return walkShell(root, code, eng, stdin);
        case "powershell":
          walkPowerShell(root, code, eng, stdin);
          return EMPTY;
      }
    });

  const runNested = (lang: CodeLang, code: string, eng: Engine, stdin?: Value): Value => {
    // Code built at run time (`X={curl,URL}; eval $X`) is spelled as freely as code written down.
    const plain = lang === "shell" ? (normaliseShell(code)?.text ?? code) : code;
    const root = parse(lang, plain);
    return root ? walk(lang, root, plain, eng, stdin) : EMPTY;
  };

  const analyzeDetailed = (file: TextFile, ctx: AnalysisContext): ScriptReport => {
    const language = scriptLanguage(file.path, file.kind);
    if (!language) return { findings: [], capabilities: [], skipped: "unsupported" };
    if (file.text.length > MAX_SCRIPT_CHARS)
      return { findings: [], capabilities: [], language, skipped: "too-large" };
    clock = ctx.clock;
    const eng = new Engine(file, ctx, runNested);
    // Shell spelled so that neither a reader nor the grammar sees the command (`cu\⏎rl`, `{curl,URL}`,
    // `$'\x63…'`) is read in its plain form; offsets are unchanged, so findings point at the file.
    const norm = language === "shell" ? normaliseShell(file.text) : undefined;
    const code = norm?.text ?? file.text;
    let root: SNode | undefined;
    try {
      root = parse(language, code);
    } catch {
      return { findings: [], capabilities: [], language, skipped: "parse-failed" };
    }
    if (!root) return { findings: [], capabilities: [], language, skipped: "parse-failed" };
    try {
      walk(language, root, code, eng);
    } catch {
      // A walker bug or a runtime error must not hide the text rules' findings; keep what was found.
      return { findings: eng.finish(), capabilities: [...eng.caps].sort(), language, skipped: "error" };
    }
    const findings = eng.finish();
    if (norm) showPlainForm(file, norm, findings);
    return { findings, capabilities: [...eng.caps].sort(), language };
  };

  return {
    analyzeDetailed,
    analyze: (file, ctx) => analyzeDetailed(file, ctx).findings,
  };
}

/**
 * A finding on a line that was rewritten shows what the line reads as (`decoded`), as a finding on
 * decoded base64 shows the decoded text: the excerpt alone (`$'\x63\x75…'`) says nothing to a reader.
 * A command over several lines is reported where it starts, so a rewrite counts for that line.
 */
function showPlainForm(file: TextFile, norm: NormalisedShell, findings: Finding[]): void {
  const byLine = new Map<number, string>();
  for (const r of norm.rewrites) {
    const plain = plainLineAt(file.text, norm, r.start);
    const last = file.lines.position(plain.end).line;
    for (let l = file.lines.position(plain.start).line; l <= last; l++)
      if (!byLine.has(l)) byLine.set(l, plain.text);
  }
  for (const f of findings) {
    const text = byLine.get(f.line);
    if (text && !f.decoded) f.decoded = { encoding: "shell spelling", text };
  }
}
