import { createHash } from "node:crypto";
import type { AnalysisContext } from "./analyze/analysis-context.js";
import { hostMatches } from "./analyze/hosts.js";
import { CHECKS } from "./code-checks.js";
import { type DiscoveredSkill, discoverSkills } from "./discover.js";
import type { FileSet } from "./fileset.js";
import { findingAt } from "./findings.js";
import { LEVEL_NAMES, levelOf, maxSeverity } from "./levels.js";
import type { ScanOptions, SkillScanner } from "./options.js";
import { timedAsync } from "./profile.js";
import { allowedDomainProblem, defaultConfig } from "./scan-config.js";
import { scanSkill } from "./skill.js";
import { type ScanResult, SEVERITIES, type Severity, type SkillReport } from "./types.js";

export { compareSkills } from "./diff.js";
export type { DiscoveredSkill } from "./discover.js";
export type { ScanOptions, SkillScanner } from "./options.js";
export * from "./types.js";

export const VERSION = "0.1.0";

/** Stable shard of a skill id: the same id always lands in the same shard of n. */
export function shardOf(id: string, count: number): number {
  return createHash("sha256").update(id).digest().readUInt32BE(0) % count;
}

function analysisContext(opts: ScanOptions): AnalysisContext {
  const config = opts.config ?? defaultConfig();
  // Every surface refuses a public suffix (`*.com`) in allowed-domains; a config built in code is
  // held to it too.
  const allow = [
    ...opts.ruleSet.domains.allow,
    ...opts.ruleSet.domains.installers,
    ...config.allowedDomains.filter((a) => allowedDomainProblem(a) === undefined),
  ];
  const cache = new Map<string, boolean>();
  return {
    ruleSet: opts.ruleSet,
    config,
    scriptAnalyzer: opts.scriptAnalyzer,
    clock: opts.profile,
    isAllowedHost(host) {
      let v = cache.get(host);
      if (v === undefined) {
        v = allow.some((a) => hostMatches(host, a));
        cache.set(host, v);
      }
      return v;
    },
  };
}

/**
 * Scans skill by skill and yields each report as soon as it is ready, so memory grows with the
 * largest skill rather than with the number of skills.
 */
export async function* scanSkills(fs: FileSet, opts: ScanOptions): AsyncGenerator<SkillReport> {
  const ctx = analysisContext(opts);
  const { skills, orphanProblems } = await timedAsync(ctx.clock, "discovery", () =>
    discoverSkills(fs, ctx.config),
  );
  opts.onUnscanned?.(orphanProblems.map((e) => `${e.path}: ${e.problem}`));
  let done = 0;
  const runner = opts.runner?.(skills);
  if (runner) {
    yield* inOrder(skills, runner, fs, opts);
    return;
  }
  for (const skill of skills) {
    const report = await scanSkill(fs, skill, ctx, opts);
    done++;
    opts.onProgress?.(done, skills.length);
    if (opts.shard && shardOf(report.id, opts.shard.count) !== opts.shard.index) continue;
    yield report;
  }
}

/**
 * Up to `runner.concurrency` skills in flight, reports yielded in discovery order: memory holds at
 * most that many reports, and the output is the same whichever skill finishes first.
 */
async function* inOrder(
  skills: DiscoveredSkill[],
  runner: SkillScanner,
  fs: FileSet,
  opts: ScanOptions,
): AsyncGenerator<SkillReport> {
  const inflight: Promise<SkillReport>[] = [];
  let next = 0;
  const fill = () => {
    while (next < skills.length && inflight.length < Math.max(1, runner.concurrency)) {
      const p = runner.scan(skills[next++]!, fs, opts);
      // Awaited in turn below; a later one failing while an earlier one is awaited is not unhandled.
      p.catch(() => {});
      inflight.push(p);
    }
  };
  fill();
  let done = 0;
  while (inflight.length) {
    const report = await inflight.shift()!;
    fill();
    done++;
    opts.onProgress?.(done, skills.length);
    if (opts.shard && shardOf(report.id, opts.shard.count) !== opts.shard.index) continue;
    yield report;
  }
}

/** Scans one discovered skill in this thread: what a SkillScanner runs, here or in a worker. */
export function scanOneSkill(fs: FileSet, skill: DiscoveredSkill, opts: ScanOptions): Promise<SkillReport> {
  return scanSkill(fs, skill, analysisContext(opts), opts);
}

export function totals(skills: SkillReport[]): ScanResult["totals"] {
  const bySeverity = Object.fromEntries(LEVEL_NAMES.map((n) => [n, 0])) as Record<Severity | "none", number>;
  let findings = 0;
  for (const s of skills) {
    bySeverity[s.severity ?? "none"]++;
    findings += s.findings.length;
  }
  return { skills: skills.length, findings, bySeverity };
}

export function resultOf(root: string, skills: SkillReport[], errors: string[] = []): ScanResult {
  return {
    tool: { name: "skill-quarantine", version: VERSION },
    root,
    skills,
    errors,
    totals: totals(skills),
  };
}

/**
 * Scans every skill in a FileSet; with `baseline` (earlier reports by skill id), each skill is compared
 * with its earlier version inside the one weighing pipeline, before its verdict is assembled.
 */
export async function scanFileSet(
  fs: FileSet,
  opts: ScanOptions & { baseline?: Map<string, SkillReport> },
): Promise<ScanResult> {
  const skills: SkillReport[] = [];
  const errors: string[] = [];
  const baseline = opts.baseline;
  const baselineOf = baseline ? (id: string) => baseline.get(id) : opts.baselineOf;
  for await (const report of scanSkills(fs, { ...opts, baselineOf, onUnscanned: (e) => errors.push(...e) }))
    skills.push(report);
  return resultOf(fs.label, skills, errors);
}

/** Merges results (e.g. shards); a skill id present twice keeps its first report. */
export function mergeResults(results: ScanResult[], root: string): ScanResult {
  const seen = new Set<string>();
  const skills: SkillReport[] = [];
  for (const r of results) {
    for (const s of r.skills) {
      const key = `${s.id}\0${s.path}\0${r.root}`;
      if (seen.has(key)) continue;
      seen.add(key);
      skills.push(s);
    }
  }
  return resultOf(
    root,
    skills,
    results.flatMap((r) => r.errors),
  );
}

/** The highest level in a result. */
export function worstSkill(result: ScanResult): SkillReport | undefined {
  return result.skills.reduce<SkillReport | undefined>(
    (w, s) => (!w || s.level > w.level ? s : w),
    undefined,
  );
}

export function highestSeverity(result: ScanResult): Severity | null {
  return result.skills.reduce<Severity | null>((acc, s) => maxSeverity(acc, s.severity), null);
}

export type { ScriptParsers, TreeSitterScriptAnalyzer } from "../scripts/index.js";
export { MAX_SCRIPT_CHARS, type ScriptLanguage, scriptLanguage } from "../scripts/language.js";
/**
 * The script analysis (walkers, taint engine), loaded on first use: a bundle keeps it in a chunk of
 * its own, which a run without scripts never compiles (src/node/grammars.ts).
 */
export const loadScriptAnalysis = () => import("../scripts/index.js");
// The core's public surface: every folder outside src/scan imports the core from here only
// (test/boundaries.test.ts enforces it), so everything not listed below is private to the core.
export { ALL_CHECKS } from "./all-checks.js";
export { parseRepositoryConfig } from "./config-trust.js";
export { type FileEntry, type FileSet, MemoryFileSet, VCS_DIR } from "./fileset.js";
export { LEVEL_NAMES, parseLevel, severityOf } from "./levels.js";
export { SCAN_LIMITS } from "./limits.js";
export type { AnalysisContext, EntryKind, ScriptAnalyzer, TextFile } from "./ports.js";
export {
  iconOf,
  type LevelPresentation,
  PRESENTATION,
  presentationOf,
  TRUST_PRESENTATION,
  type TrustPresentation,
  trustPresentationOf,
  trustText,
} from "./presentation.js";
export { STAGE_LABELS, STAGES, type Stage, StageClock } from "./profile.js";
export { type CompiledRule, RuleError } from "./rules/compile.js";
export { assertExamples } from "./rules/examples.js";
export type { TextKind } from "./rules/schema.js";
export { buildRuleSet, type RuleSet } from "./ruleset.js";
export {
  ACCEPTED_PATH,
  type AcceptedNote,
  CONFIG_PATH,
  ConfigError,
  configFileSchema,
  defaultConfig,
  parseConfigText,
  type ReviewDecision,
  type ScanConfig,
} from "./scan-config.js";
export { fileKind, isScriptKind } from "./text/file-kind.js";
export { escapeInvisible } from "./text/lines.js";
export { CHECKS, findingAt, levelOf, SEVERITIES };
