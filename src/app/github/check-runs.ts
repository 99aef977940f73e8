import type { ProbotOctokit } from "probot";
import type { AnnotationRecord } from "../../report/annotations.js";
import type { ScanResult, Severity } from "../../scan/index.js";
import { iconOf, type LevelPresentation, presentationOf } from "../../scan/index.js";

// The "Skill quarantine" check run: created completed when the scan is quick (one request), else
// created in_progress and completed with a conclusion by level (src/app/scan/run-lifecycle.ts decides).
//
// Limits of the Checks API, enforced here (sources: GitHub's OpenAPI description in @octokit/openapi,
// `checks/create` and `checks/update` request bodies, mirrored on docs.github.com/rest/checks/runs):
// - output.summary and output.text: `maxLength: 65535`. GitHub counts this in BYTES, not characters:
//   it answers 422 "summary exceeds a maximum bytesize of 65535" (github/docs#35252,
//   dorny/test-reporter#57; github/rest-api-description#5399 asks for the unit to be documented).
// - output.annotations: `maxItems: 50` per request; further annotations go in more update requests,
//   each appending to the ones already on the run ("The Checks API limits the number of annotations
//   to a maximum of 50 per API request").
// - annotation title: 255 characters; annotation message and raw_details: 64 KB.
// - actions: `maxItems: 3`; label `maxLength: 20`, description `maxLength: 40`, identifier `maxLength: 20`.
// - output.title: no documented limit; kept to one line of at most 255 characters, like annotation titles.

export const CHECK_NAME = "Skill quarantine";
export const SUMMARY_MAX_BYTES = 65_535;
export const TEXT_MAX_BYTES = 65_535;
export const ANNOTATIONS_PER_REQUEST = 50;
export const ANNOTATION_TITLE_MAX = 255;
/** 64 KB per the docs; a margin below 65 536 for JSON escaping differences. */
export const ANNOTATION_MESSAGE_MAX_BYTES = 64_000;
export const TITLE_MAX = 255;
/** Our own cap, so a pathological scan costs at most 10 update requests; the rest are listed in the text. */
export const MAX_ANNOTATIONS = 500;

export const ACTIONS = {
  rescan: { label: "Re-scan", description: "Scan this commit again", identifier: "rescan" },
  appeal: { label: "How to appeal", description: "Explains how to ask for a review", identifier: "appeal" },
} as const;

export type Conclusion = LevelPresentation["conclusion"];

/** DESIGN "Quarantine levels": MALICIOUS failure, SUSPICIOUS action_required, RISKY neutral, else success. */
export function conclusionFor(severity: Severity | null): Conclusion {
  return presentationOf(severity).conclusion;
}

export interface ApiAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: LevelPresentation["checkAnnotation"];
  title: string;
  message: string;
}

/** Cuts to at most `maxBytes` of UTF-8, on a character boundary, preferably at a line end; appends `note`. */
export function cutToBytes(text: string, maxBytes: number, note = ""): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const tail = note ? `\n\n${note}` : "";
  let budget = maxBytes - Buffer.byteLength(tail);
  const buf = Buffer.from(text);
  // Leave room to close an open code fence.
  budget -= 5;
  let end = Math.max(0, budget);
  while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end--;
  let head = buf.subarray(0, end).toString("utf8");
  const nl = head.lastIndexOf("\n");
  if (nl > head.length - 2000 && nl > 0) head = head.slice(0, nl);
  if ((head.match(/^\s*```/gm)?.length ?? 0) % 2 === 1) head += "\n```";
  return `${head}${tail}`;
}

/** One line, at most `max` characters (code points are kept whole). */
export function oneLine(text: string, max = TITLE_MAX): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join("")}…`;
}

/** A finding's annotation record (src/report/annotations.ts) as the Checks API takes it. */
export function toApiAnnotation(a: AnnotationRecord): ApiAnnotation {
  const start = Math.max(1, Math.floor(a.startLine) || 1);
  const end = Math.max(start, Math.floor(a.endLine) || start);
  // Columns are left out: the API accepts them only on one-line annotations and the whole line reads better.
  return {
    path: a.file,
    start_line: start,
    end_line: end,
    annotation_level: presentationOf(a.severity).checkAnnotation,
    title: oneLine(a.title, ANNOTATION_TITLE_MAX),
    message: cutToBytes(a.message, ANNOTATION_MESSAGE_MAX_BYTES, "(cut: message over 64 KB)"),
  };
}

export function batches<T>(items: T[], size = ANNOTATIONS_PER_REQUEST): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The one-line title: the worst level and how many skills carry it. */
export function titleFor(result: ScanResult, worst: Severity | null): string {
  const t = result.totals;
  if (result.errors.length > 0) return oneLine(`❌ Scan incomplete: ${result.errors[0]}`);
  if (t.skills === 0) return "✅ No SKILL.md found: nothing to scan";
  if (!worst) return `✅ ${plural(t.skills, "skill")} scanned: nothing to quarantine`;
  const n = t.bySeverity[worst];
  const what: Record<Severity, string> = {
    MALICIOUS: "must not be installed",
    SUSPICIOUS: "blocked until a reviewer decides",
    RISKY: "installable after confirmation",
    LOW_QUALITY: "installable, metadata needs work",
  };
  return oneLine(`${iconOf(worst)} ${worst}: ${n} of ${plural(t.skills, "skill")} ${what[worst]}`);
}

export interface CheckRunRef {
  owner: string;
  repo: string;
}

export interface CompletedOutput {
  conclusion: Conclusion;
  title: string;
  summary: string;
  text?: string;
  annotations: ApiAnnotation[];
  detailsUrl?: string;
  /** Buttons; omitted for a run that ended in an error before a verdict (only Re-scan then). */
  actions: (typeof ACTIONS)[keyof typeof ACTIONS][];
}

type Octokit = ProbotOctokit;

export interface ListedRun {
  id: number;
  externalId: string | null;
  status: string;
  startedAt: string | null;
}

/** Every "Skill quarantine" run of this App on `sha`, oldest first. */
export async function listRunsForSha(
  octokit: Octokit,
  ref: CheckRunRef,
  sha: string,
  appId?: number,
): Promise<ListedRun[]> {
  const runs = await octokit.paginate(octokit.rest.checks.listForRef, {
    ...ref,
    ref: sha,
    check_name: CHECK_NAME,
    filter: "all",
    per_page: 100,
    ...(appId ? { app_id: appId } : {}),
  });
  return runs
    .map((r) => ({
      id: r.id,
      externalId: r.external_id ?? null,
      status: r.status,
      startedAt: r.started_at ?? null,
    }))
    .sort((a, b) => a.id - b.id);
}

/**
 * The check run this delivery already created, if any: the delivery id is the run's external_id,
 * so a redelivered webhook finds its own run instead of creating a second one. No local state.
 */
export async function findRunForDelivery(
  octokit: Octokit,
  ref: CheckRunRef,
  sha: string,
  deliveryId: string,
  appId?: number,
): Promise<{ id: number; status: string; startedAt: string | null } | undefined> {
  const run = (await listRunsForSha(octokit, ref, sha, appId)).find((r) => r.externalId === deliveryId);
  return run ? { id: run.id, status: run.status, startedAt: run.startedAt } : undefined;
}

export async function startCheckRun(
  octokit: Octokit,
  ref: CheckRunRef,
  sha: string,
  deliveryId: string,
  now: Date,
): Promise<number> {
  const { data } = await octokit.rest.checks.create({
    ...ref,
    name: CHECK_NAME,
    head_sha: sha,
    external_id: deliveryId,
    status: "in_progress",
    started_at: now.toISOString(),
    output: { title: "Scanning skills…", summary: "The skills in this commit are being scanned." },
  });
  return data.id;
}

/** The completing part of a request body: conclusion, output with the given annotations, buttons. */
function completedFields(out: CompletedOutput, annotations: ApiAnnotation[], now: () => Date) {
  return {
    status: "completed" as const,
    conclusion: out.conclusion,
    completed_at: now().toISOString(),
    ...(out.detailsUrl ? { details_url: out.detailsUrl } : {}),
    output: {
      title: oneLine(out.title),
      summary: cutToBytes(out.summary, SUMMARY_MAX_BYTES, "_Summary cut at GitHub's 65 535-byte limit._"),
      ...(out.text
        ? { text: cutToBytes(out.text, TEXT_MAX_BYTES, "_Details cut at GitHub's 65 535-byte limit._") }
        : {}),
      ...(annotations.length ? { annotations } : {}),
    },
    actions: out.actions.map((a) => ({ ...a })),
  };
}

/**
 * Completes a run. Annotations beyond the first 50 go first, in update requests of at most 50 while
 * the run is still in progress; the last request carries the conclusion, the full output and the
 * final batch, so whoever sees the run completed sees all of it. `sentBefore` annotations (from the
 * first of out.annotations) are on the run already.
 */
export async function completeCheckRun(
  octokit: Octokit,
  ref: CheckRunRef,
  checkRunId: number,
  out: CompletedOutput,
  now: () => Date,
  sentBefore = 0,
): Promise<void> {
  const total = Math.min(out.annotations.length, MAX_ANNOTATIONS);
  const groups = batches(out.annotations.slice(sentBefore, total));
  const last = groups.pop() ?? [];
  let sent = sentBefore;
  for (const group of groups) {
    sent += group.length;
    await octokit.rest.checks.update({
      ...ref,
      check_run_id: checkRunId,
      output: {
        title: "Adding annotations…",
        summary: `Adding annotations ${sent}/${total}.`,
        annotations: group,
      },
    });
  }
  await octokit.rest.checks.update({
    ...ref,
    check_run_id: checkRunId,
    ...completedFields(out, last, now),
  });
}

/**
 * A run created with its verdict (issue 14, "writes per run"): ONE request when there are at most 50
 * annotations. With more, the run is created in progress with the first 50 and completed by
 * completeCheckRun, still one request per 50 annotations and never a completed run missing some.
 * The delivery id is the external_id, as for a run created in progress (findRunForDelivery).
 */
export async function createCompletedRun(
  octokit: Octokit,
  ref: CheckRunRef,
  sha: string,
  deliveryId: string,
  startedAt: Date,
  out: CompletedOutput,
  now: () => Date,
): Promise<number> {
  const total = Math.min(out.annotations.length, MAX_ANNOTATIONS);
  const head = {
    ...ref,
    name: CHECK_NAME,
    head_sha: sha,
    external_id: deliveryId,
    started_at: startedAt.toISOString(),
  };
  if (total <= ANNOTATIONS_PER_REQUEST) {
    const { data } = await octokit.rest.checks.create({
      ...head,
      ...completedFields(out, out.annotations.slice(0, total), now),
    });
    return data.id;
  }
  const first = out.annotations.slice(0, ANNOTATIONS_PER_REQUEST);
  const { data } = await octokit.rest.checks.create({
    ...head,
    status: "in_progress",
    output: {
      title: "Adding annotations…",
      summary: `Adding annotations ${first.length}/${total}.`,
      annotations: first,
    },
  });
  await completeCheckRun(octokit, ref, data.id, out, now, first.length);
  return data.id;
}

/** Ends a run that could not produce a verdict: fail closed, say why, offer Re-scan. */
export async function failCheckRun(
  octokit: Octokit,
  ref: CheckRunRef,
  checkRunId: number,
  title: string,
  summary: string,
  now: () => Date,
): Promise<void> {
  await completeCheckRun(
    octokit,
    ref,
    checkRunId,
    { conclusion: "failure", title, summary, annotations: [], actions: [ACTIONS.rescan] },
    now,
  );
}

/** A run as GitHub has it now (its output included): what a button press starts from. */
export async function readCheckRun(octokit: Octokit, ref: CheckRunRef, checkRunId: number) {
  const { data } = await octokit.rest.checks.get({ ...ref, check_run_id: checkRunId });
  return data;
}

/** Replaces a run's output (title, summary, text) and leaves its status and conclusion as they are. */
export async function replaceCheckRunOutput(
  octokit: Octokit,
  ref: CheckRunRef,
  checkRunId: number,
  output: { title: string; summary: string; text?: string },
): Promise<void> {
  await octokit.rest.checks.update({ ...ref, check_run_id: checkRunId, output });
}
