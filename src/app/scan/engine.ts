import { createScriptAnalyzer } from "../../node/grammars.js";
import { loadBuiltinRuleSet } from "../../node/load.js";
import { annotationsFor } from "../../report/annotations.js";
import { markdownDetails, markdownSummary } from "../../report/markdown.js";
import type { RuleSet, ScriptAnalyzer } from "../../scan/index.js";
import { scanFileSet } from "../../scan/index.js";

// The one place the App touches the core and the renderers: the App decides nothing itself.

export interface Engine {
  ruleSet: RuleSet;
  scriptAnalyzer?: ScriptAnalyzer;
  scan: typeof scanFileSet;
  summary: typeof markdownSummary;
  details: typeof markdownDetails;
  annotations: typeof annotationsFor;
}

let engine: Promise<Engine> | undefined;

/** Rules and grammars are loaded once per process and shared by every delivery. */
export function loadEngine(): Promise<Engine> {
  engine ??= (async () => ({
    ruleSet: await loadBuiltinRuleSet(),
    scriptAnalyzer: await createScriptAnalyzer(),
    scan: scanFileSet,
    summary: markdownSummary,
    details: markdownDetails,
    annotations: annotationsFor,
  }))();
  // A failed load is retried by the next delivery rather than cached.
  engine.catch(() => {
    engine = undefined;
  });
  return engine;
}
