import { stat } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import type {
  RuleSet,
  ScanConfig,
  ScanOptions,
  ScanResult,
  ScriptAnalyzer,
  SkillReport,
} from "../scan/index.js";
import { resultOf, scanSkills } from "../scan/index.js";
import { LocalFileSet } from "../sources/local.js";

export interface PathScanOptions {
  ruleSet: RuleSet;
  config: ScanConfig;
  scriptAnalyzer?: ScriptAnalyzer;
  shard?: ScanOptions["shard"];
  publisher?: ScanOptions["publisher"];
  onProgress?: ScanOptions["onProgress"];
  decisions?: ScanOptions["decisions"];
  baselineOf?: ScanOptions["baselineOf"];
  onSkill?: (report: SkillReport) => void;
  /** Where skills are scanned (src/node/skill-runner.ts); default one after the other here. */
  runner?: ScanOptions["runner"];
}

/** Scans a folder (or the folder of a SKILL.md given directly) on disk. */
export async function scanPath(input: string, opts: PathScanOptions): Promise<ScanResult> {
  const abs = resolve(input);
  const st = await stat(abs).catch(() => undefined);
  if (!st) throw new Error(`path ${input} does not exist`);
  const root = st.isFile() ? dirname(abs) : abs;
  const fs = new LocalFileSet(root, { maxDepth: opts.config.limits.maxDepth });
  const skills: SkillReport[] = [];
  for await (const s of scanSkills(fs, {
    ruleSet: opts.ruleSet,
    config: opts.config,
    scriptAnalyzer: opts.scriptAnalyzer,
    rootName: basename(root),
    rootParentName: basename(dirname(root)),
    shard: opts.shard,
    publisher: opts.publisher,
    onProgress: opts.onProgress,
    decisions: opts.decisions,
    baselineOf: opts.baselineOf,
    runner: opts.runner,
  })) {
    opts.onSkill?.(s);
    skills.push(s);
  }
  return resultOf(input, skills);
}
