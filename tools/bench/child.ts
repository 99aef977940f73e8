// Runs scans in a process of their own: the peak RSS reported is then that scan's alone, and a
// hostile input that makes a scan run away can be stopped by killing the process (a regex cannot be
// interrupted from inside the process that runs it).
// Usage (spawned by the benchmark):
//   child.js <dir> load|stream|collect [rules dir…]
//   child.js <dir> measure <rounds> <max-file-bytes> <max-skill-bytes> [rules dir…]
//   child.js <dir> pool <workers> <rounds> [rules dir…]   (reports streamed through the skill runner)
//   child.js <dir> pool-warm <workers> <rounds> [rules dir…]   (the same runner and pool for every round)
import { performance } from "node:perf_hooks";
import { loadRuleSet } from "../../src/node/load.js";
import { scanPath } from "../../src/node/scan-path.js";
import { loadScriptAnalyzer } from "../../src/node/script-analyzer.js";
import { createSkillRunner } from "../../src/node/skill-runner.js";
import { defaultConfig, scanSkills } from "../../src/scan/index.js";
import { LocalFileSet } from "../../src/sources/local.js";
import { type Measured, measure, timeScan } from "./measure.js";

export interface ChildResult {
  mode: string;
  skills: number;
  bytes: number;
  ms: number;
  /** process.resourceUsage().maxRSS, in bytes. */
  maxRss: number;
  heapUsed: number;
  /** For mode "measure": the rounds' figures (per-skill lists kept, per-skill times dropped). */
  measured?: Measured;
  /** For mode "pool": each round's wall time, pool start-up included, and the threads it started. */
  roundsMs?: number[];
  threads?: number;
}

async function run(): Promise<void> {
  const [dir, mode = "stream", ...rest] = process.argv.slice(2);
  if (!dir) throw new Error("usage: child.js <dir> <load|stream|collect|measure> …");
  const config = defaultConfig();
  let rounds = 1;
  let rules = rest;
  if (mode === "pool" || mode === "pool-warm") return runPool(dir, rest, mode === "pool-warm");
  if (mode === "measure") {
    const [r = "3", maxFile, maxSkill, ...more] = rest;
    rounds = Number(r);
    config.limits.maxFileBytes = Number(maxFile) || config.limits.maxFileBytes;
    config.limits.maxSkillBytes = Number(maxSkill) || config.limits.maxSkillBytes;
    rules = more;
  }
  const ruleSet = await loadRuleSet(rules);
  const scriptAnalyzer = await loadScriptAnalyzer();
  const t0 = performance.now();
  let skills = 0;
  let bytes = 0;
  let measured: Measured | undefined;
  if (mode === "stream") {
    // Reports are counted and dropped as they stream out: memory should track the largest skill.
    const r = await timeScan(dir, { ruleSet, config, scriptAnalyzer });
    skills = r.skills;
    bytes = r.bytes;
  } else if (mode === "collect") {
    // What the CLI does: scanPath keeps every report for the final output.
    const result = await scanPath(dir, { ruleSet, config, scriptAnalyzer });
    skills = result.skills.length;
    bytes = result.skills.reduce((n, s) => n + s.stats.bytes, 0);
  } else if (mode === "measure") {
    measured = await measure(dir, { ruleSet, config, scriptAnalyzer }, rounds, 0);
    for (const s of measured.scans) s.perSkillMs = [];
    skills = measured.skills;
    bytes = measured.bytes;
  }
  const out: ChildResult = {
    mode,
    skills,
    bytes,
    ms: performance.now() - t0,
    maxRss: process.resourceUsage().maxRSS * 1024,
    heapUsed: process.memoryUsage().heapUsed,
    measured,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/**
 * Scans with the skill runner as the CLI does (a fresh pool per round), or with one runner kept
 * across rounds (`keep`: its threads stay up and warm, as in a long-running process); reports are
 * dropped.
 */
async function runPool(dir: string, rest: string[], keep: boolean): Promise<void> {
  const [w = "1", r = "1", ...rules] = rest;
  const config = defaultConfig();
  const ruleSet = await loadRuleSet(rules);
  const roundsMs: number[] = [];
  const tStart = performance.now();
  let skills = 0;
  let bytes = 0;
  let threads = 0;
  const kept = keep ? createSkillRunner({ ruleSet, workers: Number(w) }) : undefined;
  // One warm-up round, not counted.
  for (let i = 0; i <= Number(r); i++) {
    const t0 = performance.now();
    const runner = kept ?? createSkillRunner({ ruleSet, workers: Number(w) });
    skills = 0;
    bytes = 0;
    try {
      for await (const s of scanSkills(new LocalFileSet(dir, { maxDepth: config.limits.maxDepth }), {
        ruleSet,
        config,
        runner: runner.runner,
      })) {
        skills++;
        bytes += s.stats.bytes;
      }
    } finally {
      if (!kept) await runner.close();
    }
    threads = runner.threads;
    if (i > 0) roundsMs.push(performance.now() - t0);
  }
  await kept?.close();
  const out: ChildResult = {
    mode: keep ? "pool-warm" : "pool",
    skills,
    bytes,
    // Every round, the warm-up included (the memory check runs only that one).
    ms: performance.now() - tStart,
    maxRss: process.resourceUsage().maxRSS * 1024,
    heapUsed: process.memoryUsage().heapUsed,
    roundsMs,
    threads,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

run().catch((err) => {
  process.stderr.write(`bench child: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
