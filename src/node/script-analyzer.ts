import type { ScriptAnalyzer } from "../scan/index.js";
import { createScriptAnalyzer } from "./grammars.js";

let loaded: Promise<ScriptAnalyzer> | undefined;

/** The tree-sitter analyzer, loaded once per process (grammars are files outside the pure core). */
export function loadScriptAnalyzer(): Promise<ScriptAnalyzer> {
  loaded ??= createScriptAnalyzer();
  return loaded;
}
