import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { assertExamples, buildRuleSet, type RuleSet } from "../scan/index.js";
import { BUILTIN_RULES_JSON } from "./builtin-rules.js";
import { ruleSetFromJson } from "./rule-set-data.js";

/**
 * The folder holding this package's `rules/`. Works from `lib/…` (npm install), from `src/…`
 * (tests through tsx/vitest) and from `dist/` (the bundled Action, run from a checkout of this repo).
 */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "rules", "domains.yml"))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(`cannot find the rules/ folder above ${from}; reinstall skill-quarantine`);
}

export async function readRuleFiles(dir: string): Promise<{ file: string; text: string }[]> {
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/i.test(n)).sort();
  return Promise.all(
    names.map(async (n) => ({ file: join(dir, n), text: await readFile(join(dir, n), "utf8") })),
  );
}

let builtin: Promise<RuleSet> | undefined;

/** The rules shipped with the package, loaded and validated once per process. */
export function loadBuiltinRuleSet(): Promise<RuleSet> {
  builtin ??=
    BUILTIN_RULES_JSON !== undefined
      ? Promise.resolve(builtinFromBundle(BUILTIN_RULES_JSON))
      : readRuleFiles(join(packageRoot(), "rules")).then(buildRuleSet);
  return builtin;
}

/** The bundle's rules (file names only, see scripts/bundle.mjs), each named by its file in rules/. */
export function builtinFromBundle(json: string, dir = join(packageRoot(), "rules")): RuleSet {
  const set = ruleSetFromJson(json);
  for (const r of set.rules) r.source = join(dir, basename(r.source));
  return set;
}

/**
 * Built-in rules plus user-supplied rule files. User rules get the checks built-in rules get in the
 * test suite: their examples are run and their patterns proven free of catastrophic backtracking.
 */
export async function loadRuleSet(extraDirs: string[] = []): Promise<RuleSet> {
  if (extraDirs.length === 0) return loadBuiltinRuleSet();
  const files = await readRuleFiles(join(packageRoot(), "rules"));
  const extra: { file: string; text: string }[] = [];
  for (const d of extraDirs) extra.push(...(await readRuleFiles(resolve(d))));
  const set = buildRuleSet([...files, ...extra]);
  const userRules = set.rules.filter((r) => extra.some((e) => e.file === r.source));
  assertExamples(userRules);
  const { assertSafePatterns } = await import("./redos.js");
  assertSafePatterns(userRules);
  return set;
}
