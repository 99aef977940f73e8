import type { ScriptAnalyzer } from "../scan/analyze/context.js";

let loaded: Promise<ScriptAnalyzer | undefined> | undefined;

/** The tree-sitter analyzer, loaded once per process. */
export function loadScriptAnalyzer(): Promise<ScriptAnalyzer | undefined> {
  loaded ??= Promise.resolve(undefined);
  return loaded;
}
