// The package's Node entry point (`import … from "skill-quarantine/node"`): scanning folders on disk
// with the shipped rules. The pure scanner, without file-system access, is the main entry ("skill-quarantine").
export { loadConfigFile } from "./config-file.js";
export { createScriptAnalyzer } from "./grammars.js";
export { loadBuiltinRuleSet, loadRuleSet } from "./load.js";
export { type PathScanOptions, scanPath } from "./scan-path.js";
