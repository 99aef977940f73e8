import { workerData } from "node:worker_threads";
import type { ScanOptions, SkillReport } from "../scan/index.js";
import { LocalFileSet } from "../sources/local.js";
import { createLazyScriptAnalyzer } from "./grammars.js";
import { ruleSetFromJson } from "./rule-set-data.js";
import { type SkillTask, scanWithGrammars, type WorkerSetup } from "./skill-runner.js";

// A thread of the skill pool (src/node/skill-runner.ts, started by tinypool): it gets the caller's
// rule set once, as data, loads grammars when a skill first needs one, and scans one skill per task,
// reading its files from disk itself. Skill content is only read here, never executed.
//
// Not the App's src/app/scan/scan-worker.ts: an App job is a whole repository already in memory (fetched
// from GitHub) under a time budget that ends the worker; here a task is one skill of a folder on
// disk, and the files are read by the thread that scans them, so no file's bytes cross threads.

// tinypool's workerData is [its own data, ours].
const setup = (workerData as [unknown, WorkerSetup] | undefined)?.[1];
const ruleSet = setup ? ruleSetFromJson(setup.rules) : undefined;
const lazy = setup?.scripts ? createLazyScriptAnalyzer() : undefined;

export default async function scanTask(task: SkillTask): Promise<SkillReport> {
  if (!ruleSet) throw new Error("scan-worker.js runs inside the skill pool only (no rule set was given)");
  const fs = new LocalFileSet(task.root);
  const baseline = task.baseline ? new Map(task.baseline) : undefined;
  const opts: ScanOptions = {
    ...task.opts,
    ruleSet,
    ...(baseline ? { baselineOf: (id: string) => baseline.get(id) } : {}),
  };
  return scanWithGrammars(fs, task.skill, opts, lazy);
}
