// The core as script analysis (src/scripts/) sees it: the one module that package imports from the
// core. What it needs is what a detector needs — the context it is handed, how to make a finding,
// whose server an address is, how to record what was seen about a match — and nothing else of the
// core's internals. It never weighs: levels change only in the weighing stages (src/scan/weigh/).
// test/boundaries.test.ts keeps src/scripts/ to this file.

export type { AnalysisContext, ScriptAnalyzer, TextFile } from "./analyze/analysis-context.js";
export { classifyHost, hostOf, isPlaceholderHost } from "./analyze/hosts.js";
export { provenanceOf } from "./analyze/provenance.js";
export { type CheckMeta, findingAt } from "./findings.js";
export { type StageClock, timed } from "./profile.js";
export type { TextKind } from "./rules/schema.js";
export { extensionOf, fileKind, isScriptKind } from "./text/file-kind.js";
export type { Capability, Finding, Observation, RelatedLocation } from "./types.js";
