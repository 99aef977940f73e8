import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, realpath, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import * as core from "@actions/core";
import {
  ACCEPTED_PATH,
  AcceptedError,
  acceptedDecisions,
  acceptedNotes,
  acceptedUse,
  readAcceptedAtOperatorCommit,
} from "../node/accepted.js";
import {
  CONFIG_PATH,
  ConfigLoadError,
  type ConfigOrigin,
  effectiveFailOn,
  loadOperatorConfig,
  NEVER_FAIL,
  payloadField,
} from "../node/config-file.js";
import { loadBuiltinRuleSet } from "../node/load.js";
import { createSkillRunner } from "../node/skill-runner.js";
import {
  ANNOTATIONS_PER_LEVEL_PER_STEP,
  type AnnotationRecord,
  annotationsFor,
  limitAnnotations,
  repoPath,
} from "../report/annotations.js";
import { escapeMarkdown, markdownDetails, markdownSummary, totalsLine } from "../report/markdown.js";
import { renderSarif, toUri } from "../report/sarif.js";
import type { LevelNumber, ScanOptions, ScanResult, SkillReport } from "../scan/index.js";
import {
  highestSeverity,
  LEVEL_NAMES,
  levelOf,
  type ScanConfig,
  scanFileSet,
  worstSkill,
} from "../scan/index.js";
import { openGitRef } from "../sources/git.js";
import { LocalFileSet } from "../sources/local.js";
import { readFromAppealsRepository } from "./appeals.js";
import { type ActionInputs, InputError, readInputs, resolveOutputPath } from "./inputs.js";
import { markStep } from "./marks.js";

// The Action: inputs → scan (with the baseline when there is one) → SARIF and JSON report →
// annotations → job summary → outputs → pass or fail. Each step is one call; the decisions are the
// core's, the rendering is src/report's.

/** GitHub refuses a step summary above 1 MiB; stay well below it. */
const SUMMARY_MAX_BYTES = 1000 * 1024;

interface Env {
  workspace: string;
  eventName: string;
  eventPath: string | undefined;
  serverUrl: string;
  repository: string | undefined;
  sha: string | undefined;
  actionRepository: string | undefined;
}

function readEnv(): Env {
  const e = process.env;
  return {
    workspace: resolve(e.GITHUB_WORKSPACE || process.cwd()),
    eventName: e.GITHUB_EVENT_NAME ?? "",
    eventPath: e.GITHUB_EVENT_PATH || undefined,
    serverUrl: (e.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, ""),
    repository: e.GITHUB_REPOSITORY || undefined,
    sha: e.GITHUB_SHA || undefined,
    actionRepository: e.GITHUB_ACTION_REPOSITORY || undefined,
  };
}

const inside = (root: string, p: string) =>
  p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
const posix = (p: string) => p.split(sep).join("/");

export interface Target {
  /** The folder scanned, real path. */
  root: string;
  /** The scanned folder relative to the repository root, POSIX, "" for the root itself. */
  prefix: string;
  /** The repository's top folder (the git work tree, or the workspace outside git). */
  repoRoot: string;
}

/** Step 2: the folder to scan; it must exist and stay inside the workspace (symbolic links resolved). */
export async function resolveTarget(workspace: string, input: string): Promise<Target> {
  const ws = await realpath(workspace).catch(() => {
    throw new InputError(`GITHUB_WORKSPACE ${workspace} does not exist`);
  });
  const wanted = resolve(ws, input);
  const real = await realpath(wanted).catch(() => undefined);
  if (!real) throw new InputError(`Input 'path': "${input}" does not exist in the workspace (${ws})`);
  if (!inside(ws, real))
    throw new InputError(
      `Input 'path': "${input}" is outside the workspace (${ws}); give a folder inside it`,
    );
  const st = await stat(real);
  const root = st.isFile() ? dirname(real) : real;
  const repoRoot = (await gitTopLevel(root)) ?? ws;
  return { root, prefix: posix(relative(repoRoot, root)), repoRoot };
}

async function gitTopLevel(dir: string): Promise<string | undefined> {
  return new Promise((res) => {
    execFile("git", ["rev-parse", "--show-toplevel"], { cwd: dir, encoding: "utf8" }, (err, out) => {
      if (err) return res(undefined);
      realpath(out.trim()).then(res, () => res(undefined));
    });
  });
}

export type { ConfigOrigin };

/**
 * Step 3: the config file (explicit, or the default path when present) plus inputs, through the one
 * loader the CLI uses too (src/node/config-file.ts): on a pull request read from the base commit,
 * never from the head. `notes` say when the base could not be read (defaults used).
 */
export async function loadConfig(
  ws: string,
  inputs: ActionInputs,
  origin?: ConfigOrigin,
): Promise<{ config: ScanConfig; notes: string[] }> {
  const label = inputs.config ? `Input 'config'` : `Input 'config' (default ${CONFIG_PATH})`;
  let loaded: { config: ScanConfig; notes: string[] };
  try {
    loaded = await loadOperatorConfig(ws, inputs.config, label, origin);
  } catch (err) {
    if (err instanceof ConfigLoadError) throw new InputError(err.message);
    throw err;
  }
  const { config, notes } = loaded;
  if (inputs["allowed-domains"].length)
    return {
      config: { ...config, allowedDomains: [...config.allowedDomains, ...inputs["allowed-domains"]] },
      notes,
    };
  return { config, notes };
}

function failLevel(inputs: ActionInputs, config: ScanConfig): number {
  const v = inputs["fail-on"];
  return effectiveFailOn(v === "config" ? undefined : v === 0 ? NEVER_FAIL : v, config);
}

function readPayload(env: Env): Record<string, unknown> | undefined {
  if (!env.eventPath) return undefined;
  try {
    const v: unknown = JSON.parse(readFileSync(env.eventPath, "utf8"));
    return v && typeof v === "object" ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const get = payloadField;

export type BaselineChoice = { ref: string; why: string } | { ref: undefined; why: string };

/** The baseline: the input, or the pull request's base sha, or the push's `before` (none for a new branch). */
export function chooseBaseline(
  input: ActionInputs["baseline-ref"],
  eventName: string,
  payload: Record<string, unknown> | undefined,
): BaselineChoice {
  if (input.mode === "none") return { ref: undefined, why: "baseline-ref is none" };
  if (input.mode === "ref") return { ref: input.ref, why: `baseline-ref ${input.ref}` };
  if (eventName.startsWith("pull_request")) {
    const sha = get(payload, "pull_request", "base", "sha");
    return typeof sha === "string" && sha
      ? { ref: sha, why: "the pull request's base" }
      : { ref: undefined, why: "the event payload has no pull_request.base.sha" };
  }
  if (eventName === "push") {
    const before = get(payload, "before");
    if (get(payload, "created") === true || typeof before !== "string" || /^0*$/.test(before))
      return {
        ref: undefined,
        why: "this push created the branch, so there is no earlier version to compare with",
      };
    return { ref: before, why: "the commit before this push" };
  }
  return {
    ref: undefined,
    why: `a ${eventName || "manual"} run has no baseline; set baseline-ref to compare`,
  };
}

interface BaselineOutcome {
  reports?: Map<string, SkillReport>;
  note: string;
  /** True when the history was too shallow or the ref missing. */
  unavailable?: boolean;
}

/** Step 5: scan the skills at the baseline commit from the checkout's history. Never throws. */
async function scanBaseline(
  choice: BaselineChoice,
  target: Target,
  opts: ScanOptions,
): Promise<BaselineOutcome> {
  if (!choice.ref) return { note: `No baseline: ${choice.why}.` };
  const opened = await openGitRef({ cwd: target.root, ref: choice.ref, subPath: target.prefix });
  if (!opened.available)
    return {
      unavailable: true,
      note: `Baseline not available, so behaviour changes were not checked: ${opened.reason}.`,
    };
  try {
    const base = await scanFileSet(opened.fileSet, opts);
    return {
      reports: new Map(base.skills.map((s) => [s.id, s])),
      note: `Compared with ${choice.why} (${opened.commit.slice(0, 12)}): ${base.skills.length} skill${base.skills.length === 1 ? "" : "s"} there.`,
    };
  } catch (err) {
    return {
      unavailable: true,
      note: `Baseline ${choice.ref} could not be scanned, so behaviour changes were not checked: ${err instanceof Error ? err.message : String(err)}.`,
    };
  } finally {
    opened.fileSet.close();
  }
}

/** Most skills named in the failure line; the job summary lists every one. */
const FAILED_NAMED = 10;

/** One line naming every skill at or above fail-on (worst first, up to FAILED_NAMED, then a count). */
export function failureMessage(skills: SkillReport[], failOn: LevelNumber, prefix: string): string {
  const failed = skills.filter((s) => s.level >= failOn).sort((a, b) => b.level - a.level);
  const failName = LEVEL_NAMES[failOn];
  const describe = (s: SkillReport) => {
    const where = repoPath(prefix, s.path === "." ? "" : s.path) || ".";
    return `${s.id}${where === s.id ? "" : ` (${where})`} is ${s.severity}`;
  };
  const reason = (s: SkillReport) => s.quarantineStatus.reason.replace(/\s+/g, " ").trim();
  if (failed.length === 1)
    return `Skill ${describe(failed[0]!)}, at or above fail-on ${failName}: ${reason(failed[0]!)}.`;
  const named = failed.slice(0, FAILED_NAMED).map((s) => `${describe(s)} (${reason(s)})`);
  const more =
    failed.length > FAILED_NAMED
      ? `; and ${failed.length - FAILED_NAMED} more, listed in the job summary`
      : "";
  return `${failed.length} skills are at or above fail-on ${failName}: ${named.join("; ")}${more}.`;
}

function reportPathFor(sarifPath: string): string {
  const base = sarifPath.replace(/\.sarif(\.json)?$/i, "");
  return base === sarifPath ? `${sarifPath}.report.json` : `${base}.json`;
}

const shown = (ws: string, p: string) => (inside(ws, p) ? posix(relative(ws, p)) || "." : p);

/** Step 8: annotations, most severe first, at most GitHub's per-step limit of each level. */
export function annotate(records: AnnotationRecord[]): number {
  const { shown: keep, omittedTotal, omitted } = limitAnnotations(records);
  for (const r of keep) {
    const props: core.AnnotationProperties = {
      title: r.title,
      file: r.file,
      startLine: r.startLine,
      endLine: r.endLine,
    };
    if (r.startLine === r.endLine) props.startColumn = r.startColumn;
    if (r.level === "error") core.error(r.message, props);
    else if (r.level === "warning") core.warning(r.message, props);
    else core.notice(r.message, props);
  }
  if (omittedTotal > 0)
    core.notice(
      `${omittedTotal} more finding${omittedTotal === 1 ? " is" : "s are"} not annotated (${omitted.error} error, ${omitted.warning} warning, ${omitted.notice} notice): GitHub shows at most ${ANNOTATIONS_PER_LEVEL_PER_STEP} annotations of each level per step. The job summary and the SARIF file list every finding.`,
      { title: "skill-quarantine: more findings" },
    );
  return omittedTotal;
}

/** Step 9: the job summary, L1 first, cut to GitHub's size limit. */
function summaryMarkdown(result: ScanResult, target: Target, env: Env, notes: string[]): string {
  const lineUrl =
    env.repository && env.sha
      ? (file: string, line: number) =>
          `${env.serverUrl}/${env.repository}/blob/${env.sha}/${toUri(repoPath(target.prefix, file))}#L${line}`
      : undefined;
  let budget = 600_000;
  for (;;) {
    const head = markdownSummary(result, { maxLength: Math.floor(budget / 3) });
    const notesMd = notes.length ? `${notes.map((n) => `> ${n}`).join("\n>\n")}\n\n` : "";
    const details = markdownDetails(result, { lineUrl, maxLength: Math.floor((budget * 2) / 3) });
    const md = `${head}\n${notesMd}${details}\n${totalsLine(result)}\n`;
    if (Buffer.byteLength(md) <= SUMMARY_MAX_BYTES || budget < 20_000) return md;
    budget = Math.floor(budget / 2);
  }
}

/** What a user can do about a quarantined skill here: appeal through the App, or accept after review. */
function wayOut(
  result: ScanResult,
  appealsRepository: string | undefined,
  open: { skillId: string; url: string }[],
): string | undefined {
  if (!result.skills.some((s) => s.quarantineStatus.quarantined)) return undefined;
  const shownOpen = open.slice(0, 10).map((o) => `[${escapeMarkdown(o.skillId)}](${o.url})`);
  const pending = open.length
    ? ` Open appeals: ${shownOpen.join(", ")}${open.length > 10 ? ` and ${open.length - 10} more` : ""}.`
    : "";
  if (appealsRepository)
    return `**To appeal a quarantined skill:** comment \`/appeal <skill-id> <why>\` on the pull request (the skill-quarantine App answers there), or open an issue in ${escapeMarkdown(appealsRepository)}. A reviewer's decision there is bound to the skill's exact content and applies on the next run.${pending}`;
  return `**To accept a quarantined skill after review:** add an entry (skill id, contentHash from the JSON report, level, reason, by, at) to \`${ACCEPTED_PATH}\` on the default branch; whoever can write the default branch is the reviewer here. A pull request cannot accept its own skills.`;
}

export async function run(): Promise<void> {
  const env = readEnv();

  // 1. Inputs: every one through one schema; a bad value fails naming the input.
  const inputs = readInputs((name) => core.getInput(name));

  // 2. Where: the folder to scan, inside the workspace; its place in the repository.
  const target = await resolveTarget(env.workspace, inputs.path);
  const ws = await realpath(env.workspace);

  // 3. Config: .github/skill-quarantine.yml (or the `config` input; from the base commit on a pull
  // request) plus `allowed-domains`.
  const payload = readPayload(env);
  const { config, notes: configNotes } = await loadConfig(ws, inputs, {
    eventName: env.eventName,
    payload,
    repoRoot: target.repoRoot,
  });
  for (const n of configNotes) core.notice(n, { title: "skill-quarantine: config" });
  const failOn = failLevel(inputs, config);

  // 3b. Accepted findings: from the base commit or the default branch, never from the change itself.
  const origin = { eventName: env.eventName, payload, repoRoot: target.repoRoot };
  const accepted = await readAcceptedAtOperatorCommit(origin).catch((err: unknown) => {
    if (err instanceof AcceptedError) throw new InputError(err.message);
    throw err;
  });
  // Where the file is not in use, a missing default branch is no news.
  const acceptedInUse = existsSync(join(target.repoRoot, ACCEPTED_PATH)) || accepted.source !== undefined;
  const acceptedNotesShown = acceptedInUse ? accepted.notes : [];
  for (const n of acceptedNotesShown) core.notice(n, { title: "skill-quarantine: accepted findings" });
  const where = { prefix: target.prefix, namespace: config.namespace };
  // 3c. Reviewer decisions from the App's appeals repository, when one is named; they come first, so
  // a reviewer's later decision on a skill outweighs an accepted-findings entry for it.
  const appealsRepository = inputs["appeals-repository"] ?? config.appealsRepository;
  const fromApp =
    appealsRepository && env.repository
      ? await readFromAppealsRepository(inputs, appealsRepository, env.repository, where)
      : undefined;
  for (const n of fromApp?.notes ?? []) core.notice(n, { title: "skill-quarantine: reviewer decisions" });
  const decisions = [
    ...(fromApp?.decisions ?? []),
    ...acceptedDecisions(accepted.entries, accepted.source ?? ACCEPTED_PATH, where),
  ];

  markStep("setup");
  // 4. Rules shipped with the Action. Script grammars load when a skill first needs one.
  const ruleSet = await loadBuiltinRuleSet();
  markStep("rules");
  const scanOpts: ScanOptions = {
    ruleSet,
    config,
    rootName: basename(target.root),
    rootParentName: basename(dirname(target.root)),
    author: env.repository?.split("/")[0],
    // github.repository_owner: a verified publisher when the operator's trust.verified-publishers lists it.
    publisher: process.env.GITHUB_REPOSITORY_OWNER || env.repository?.split("/")[0],
  };

  // 5. Baseline: the same skills at the base commit, read from git history.
  const choice = chooseBaseline(inputs["baseline-ref"], env.eventName, payload);
  // The baseline is read from git history, so it is scanned in this thread.
  const baseRunner = createSkillRunner({ ruleSet, workers: 1 });
  const baseline = await scanBaseline(choice, target, { ...scanOpts, runner: baseRunner.runner });
  if (baseline.unavailable) core.warning(baseline.note);
  else core.info(baseline.note);
  markStep("baseline");

  // 6. Scan the checkout.
  const local = new LocalFileSet(target.root, { maxDepth: config.limits.maxDepth });
  const runner = createSkillRunner({ ruleSet, workers: inputs.workers, baseline: baseline.reports });
  let scanned: ScanResult;
  try {
    scanned = await scanFileSet(local, {
      ...scanOpts,
      baseline: baseline.reports,
      runner: runner.runner,
      decisions,
    });
  } finally {
    await runner.close();
  }
  const result: ScanResult = { ...scanned, root: shown(ws, target.root) };
  markStep("scan");

  // 7. Files: SARIF for code scanning and the JSON report next to it.
  const sarifPath = await resolveOutputPath(ws, process.env.RUNNER_TEMP, inputs["sarif-file"]);
  const reportPath = reportPathFor(sarifPath);
  await mkdir(dirname(sarifPath), { recursive: true });
  const informationUri = env.actionRepository ? `${env.serverUrl}/${env.actionRepository}` : undefined;
  await writeFile(sarifPath, renderSarif(result, { pathPrefix: target.prefix, informationUri }));
  await writeFile(reportPath, `${JSON.stringify(result, null, 2)}\n`);
  markStep("files");

  // 8. Annotations on the lines.
  const notes: string[] = [...configNotes, ...acceptedNotesShown, ...(fromApp?.notes ?? [])].map(
    escapeMarkdown,
  );
  if (accepted.source) {
    const use = acceptedUse(accepted.entries, result, where);
    for (const line of acceptedNotes(use, accepted.source)) {
      core.warning(line, { title: "skill-quarantine: accepted findings" });
      notes.push(escapeMarkdown(line));
    }
    if (use.applied.length)
      notes.push(
        escapeMarkdown(
          `${use.applied.length} skill${use.applied.length === 1 ? " was" : "s were"} accepted by ${accepted.source} (read from the base commit or the default branch, never from this change): ${use.applied.map((a) => `${a.skillId} accepted by ${a.entry.by} on ${a.entry.at}: ${a.entry.reason}`).join("; ")}.`,
        ),
      );
  }
  if (result.skills.length === 0) {
    core.notice(`No SKILL.md found under ${shown(ws, target.root)}: nothing to scan.`);
  }
  if (inputs.annotate) {
    const omitted = annotate(annotationsFor(result, { pathPrefix: target.prefix }));
    if (omitted > 0)
      notes.push(
        `GitHub shows at most ${ANNOTATIONS_PER_LEVEL_PER_STEP} annotations of each level per step: ${omitted} more finding${omitted === 1 ? " is" : "s are"} only in the table below and in the SARIF file.`,
      );
  }
  const howTo = wayOut(result, appealsRepository, fromApp?.open ?? []);
  if (howTo) notes.push(howTo);
  notes.push(
    escapeMarkdown(baseline.note) +
      (baseline.unavailable ? " Use `fetch-depth: 0` on actions/checkout." : ""),
  );
  for (const e of result.errors) core.warning(`The scan had a problem: ${e}`);

  // 9. Job summary.
  if (process.env.GITHUB_STEP_SUMMARY)
    await core.summary.addRaw(summaryMarkdown(result, target, env, notes)).write();
  else core.info("GITHUB_STEP_SUMMARY is not set (not on a runner?): no job summary written.");

  // 10. Outputs.
  const worst = worstSkill(result);
  const severity = highestSeverity(result);
  core.setOutput("severity", severity ?? "");
  core.setOutput("level", String(levelOf(severity)));
  core.setOutput("quarantined", String(result.skills.some((s) => s.quarantineStatus.quarantined)));
  core.setOutput("skills", String(result.totals.skills));
  core.setOutput("findings", String(result.totals.findings));
  core.setOutput("report-file", shown(ws, reportPath));
  core.setOutput("sarif-file", shown(ws, sarifPath));

  markStep("report");
  // 11. Pass or fail: one line naming every skill at or above fail-on (the first ten, then a count).
  const failName = failOn >= NEVER_FAIL ? "none" : LEVEL_NAMES[failOn as LevelNumber];
  if (failOn < NEVER_FAIL && result.errors.length > 0) {
    core.setFailed(
      `The scan did not complete (${result.errors[0]}); failing so that no skill passes unchecked.`,
    );
    return;
  }
  if (failOn < NEVER_FAIL && worst && worst.level >= failOn) {
    core.setFailed(failureMessage(result.skills, failOn as LevelNumber, target.prefix));
    return;
  }
  core.info(
    `${result.totals.skills} skill${result.totals.skills === 1 ? "" : "s"} scanned; highest level ${severity ?? "none"}; fail-on ${failName}.`,
  );
}
