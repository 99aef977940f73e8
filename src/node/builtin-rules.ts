// The built-in rule set already parsed and validated, as src/node/rule-set-data.ts writes it. Empty
// here: scripts/bundle.mjs replaces this module in the bundled Action with the rules of rules/ at
// build time, so a cold start neither parses YAML nor runs the schema (the test suite proves the
// rules, examples and ReDoS freedom included, before a bundle is built). The CLI and the library
// read rules/ at run time.
export const BUILTIN_RULES_JSON: string | undefined = undefined;
