import { join } from "node:path";
import { loadBuiltinRuleSet } from "../src/node/load.js";
import { scanPath } from "../src/node/scan-path.js";
import { loadScriptAnalyzer } from "../src/node/script-analyzer.js";
import { MemoryFileSet } from "../src/scan/fileset.js";
import { scanFileSet } from "../src/scan/index.js";
import type { ScanOptions } from "../src/scan/options.js";
import type { ScanConfig } from "../src/scan/scan-config.js";
import { defaultConfig } from "../src/scan/scan-config.js";
import type { ScanResult, SkillReport } from "../src/scan/types.js";

export const skillMd = (name: string, description: string, body = "# Title\n\nDo the task step by step.\n") =>
  `---\nname: ${name}\ndescription: ${description}\nlicense: MIT\n---\n${body}`;

export async function scanRecord(
  record: Record<string, string | Uint8Array>,
  extra: Partial<ScanOptions> & { config?: ScanConfig } = {},
): Promise<ScanResult> {
  const fs = MemoryFileSet.fromRecord("test", record);
  return scanFileSet(fs, {
    ruleSet: await loadBuiltinRuleSet(),
    scriptAnalyzer: await loadScriptAnalyzer(),
    config: extra.config ?? defaultConfig(),
    rootName: "fixtures",
    ...extra,
  });
}

export async function scanOne(
  record: Record<string, string | Uint8Array>,
  extra: Parameters<typeof scanRecord>[1] = {},
): Promise<SkillReport> {
  const r = await scanRecord(record, extra);
  if (r.skills.length !== 1) throw new Error(`expected one skill, got ${r.skills.length}`);
  return r.skills[0]!;
}

export const ruleIds = (s: SkillReport) => s.findings.map((f) => f.ruleId);

/** The technique fixtures (test/fixtures/techniques): our malicious and benign skills, one per technique. */
export const TECHNIQUES_DIR = join(import.meta.dirname, "fixtures", "techniques");

let techniques: Promise<SkillReport[]> | undefined;

/** Every technique fixture, scanned once per test file however many suites read it. */
export function scanTechniques(): Promise<SkillReport[]> {
  techniques ??= (async () =>
    (
      await scanPath(TECHNIQUES_DIR, {
        ruleSet: await loadBuiltinRuleSet(),
        config: defaultConfig(),
        scriptAnalyzer: await loadScriptAnalyzer(),
      })
    ).skills)();
  return techniques;
}

/** One fixture's report by its path (`malicious/…`, `benign/…`); throws when it was not scanned. */
export function fixtureSkill(skills: readonly SkillReport[], path: string): SkillReport {
  const s = skills.find((k) => k.path === path);
  if (!s) throw new Error(`technique fixture ${path} was not scanned`);
  return s;
}
