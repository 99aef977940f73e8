import type { Context } from "probot";
import { escapeMarkdown } from "../../report/markdown.js";
import type { ScanConfig, ScanResult, Severity } from "../../scan/index.js";
import { highestSeverity } from "../../scan/index.js";
import { TarballError } from "../../sources/tarball.js";
import { loadOperatorConfig, loadRepoConfig, PolicyError } from "../config.js";
import type { AppEnv, CheckRequest } from "../env.js";
import { AppealsError, type AppealsState, loadAppealsState } from "../github/appeals-store.js";
import { endingRun, WriteBudgetError, withRunBudget } from "../github/budget.js";
import {
  ACTIONS,
  type CompletedOutput,
  conclusionFor,
  MAX_ANNOTATIONS,
  SUMMARY_MAX_BYTES,
  TEXT_MAX_BYTES,
  titleFor,
  toApiAnnotation,
} from "../github/check-runs.js";
import { updateOpenAppeals } from "../github/rescan-appeals.js";
import { runsByConclusion, scanDuration } from "../metrics.js";
import type { Engine } from "./engine.js";
import {
  claimRun,
  endRunWithRetry,
  minutes,
  RunDeadlineError,
  RunWriter,
  withDeadline,
  withDeliveryLock,
} from "./run-lifecycle.js";
import { type CommitScan, scanCommit, short } from "./scan-commit.js";
import { ScanTimeoutError } from "./scan-job.js";

// The flow every scanning handler shares (DESIGN "GitHub App flows" 1–2): find this delivery's run
// (redelivery → nothing to do), create the run in progress, read the config, scan the commit as one
// tarball against its baseline, complete the run. Errors end the run with a clear title.

type AnyContext = Context;

export const APPEAL_HELP_MARKER = "<!-- skill-quarantine:appeal-help -->";

/** What the "How to appeal" button and a quarantined summary say. Deadlines: DESIGN, review policy. */
export function appealHelp(appealsRepository: string | undefined): string {
  const where = appealsRepository ? `in ${escapeMarkdown(appealsRepository)}` : "in this repository";
  return [
    APPEAL_HELP_MARKER,
    "### How to appeal",
    "If you believe this verdict is wrong, comment `/appeal <skill-id> <why the skill is safe>` on the pull request, or on the commit if there is none (the skill id as listed above; with one quarantined skill, `/appeal <why>` is enough).",
    `A review issue is opened ${where} and a reviewer decides. Review deadlines, counted from the appeal: MALICIOUS 5–10 days, SUSPICIOUS 3–7 days, RISKY 1–3 days, LOW_QUALITY 1–2 days.`,
    "Pushing a fix re-scans the skill automatically; **Re-scan** runs the same commit again.",
  ].join("\n\n");
}

function lineUrlFor(req: CheckRequest) {
  return (file: string, line: number) =>
    `${req.htmlUrl}/blob/${req.sha}/${file.split("/").map(encodeURIComponent).join("/")}#L${line}`;
}

export function buildOutput(
  engine: Engine,
  result: ScanResult,
  req: CheckRequest,
  extra: {
    configProblem?: string;
    notes: string[];
    appealsRepository?: string;
    /** What the repository's own config set and was not taken (see src/scan/config-trust.ts). */
    ignored?: string[];
    /** True when the operator named a policy file: the settings used are then not the defaults. */
    policyNamed?: boolean;
  },
): CompletedOutput {
  const worst: Severity | null = highestSeverity(result);
  const conclusion = result.errors.length > 0 ? "failure" : conclusionFor(worst);
  const lineUrl = lineUrlFor(req);
  const head: string[] = [];
  if (extra.configProblem)
    head.push(
      `> ⚠️ **Config not used:** ${escapeMarkdown(extra.configProblem)}. The scan ran with the ${extra.policyNamed ? "operator's" : "default"} settings.`,
    );
  if (extra.ignored?.length)
    head.push(
      [
        `> ⚠️ **Ignored: set by the repository under scan:** ${extra.ignored.map((l) => escapeMarkdown(l.split(":")[0]!)).join(", ")}. A repository's own config can only add strictness (blocked hashes, hosts, IPs and authors, a stricter \`fail-on\`); the rest is the operator's.`,
        ...extra.ignored.map((l) => `> - ${escapeMarkdown(l)}`),
      ].join("\n"),
    );
  for (const n of extra.notes) head.push(`> ℹ️ ${escapeMarkdown(n)}`);
  const tail = worst ? appealHelp(extra.appealsRepository) : "";
  const reserve = Buffer.byteLength(head.join("\n\n") + tail) + 2_000;
  const summary = [...head, engine.summary(result, { lineUrl, maxLength: SUMMARY_MAX_BYTES - reserve }), tail]
    .filter(Boolean)
    .join("\n\n");
  const annotations = engine.annotations(result).map(toApiAnnotation);
  let text = engine.details(result, { lineUrl, maxLength: TEXT_MAX_BYTES - 2_000 });
  if (annotations.length > MAX_ANNOTATIONS)
    text += `\n\n> The first ${MAX_ANNOTATIONS} of ${annotations.length} findings are annotated on the lines; the table lists them all.`;
  let title = titleFor(result, worst);
  if (extra.configProblem) title += " · config invalid, defaults used";
  return {
    conclusion,
    title,
    summary,
    text,
    annotations,
    detailsUrl: conclusion === "action_required" ? req.appealUrl : undefined,
    actions: worst ? [ACTIONS.rescan, ACTIONS.appeal] : [ACTIONS.rescan],
  };
}

/** A title and summary for an error that stopped the scan. */
export function describeError(err: unknown, req: CheckRequest): { title: string; summary: string } {
  const s = (err as { status?: number }).status;
  const headers = (err as { response?: { headers?: Record<string, string> } }).response?.headers ?? {};
  const tail = "Nothing was cleared: press **Re-scan** to try again.";
  if (err instanceof PolicyError)
    return {
      title: oneLineTitle(`❌ Not scanned: ${err.message}`),
      summary: `${escapeMarkdown(err.message)}. The operator's blocklist and settings live there, so the scan does not run without them.\n\n${tail}`,
    };
  if (err instanceof RunDeadlineError)
    return {
      title: `❌ Not scanned: no verdict within ${minutes(err.ms)}`,
      summary: `GitHub did not answer in time (the commit's archive or the API calls before the scan). The run stops at its deadline rather than stay in progress.\n\n${tail}`,
    };
  if (err instanceof AppealsError)
    return {
      title: oneLineTitle(`❌ Not scanned: ${err.message}`),
      summary: `${escapeMarkdown(err.message)}. Blocked authors, user reports and reviewers' decisions live there, so the scan does not run without them.\n\n${tail}`,
    };
  if (err instanceof TarballError)
    return {
      title: `❌ Not scanned: ${err.message.replace(/^[^:]*: /, "")}`,
      summary: `${escapeMarkdown(err.message)}.\n\n${tail}`,
    };
  if (err instanceof WriteBudgetError)
    return {
      title: "❌ Not scanned: GitHub's write limit for this installation is spent",
      summary: `${escapeMarkdown(err.message)}, after this run's deadline.\n\n${tail}`,
    };
  if (s === 404 || s === 422)
    return {
      title: `❌ Not scanned: commit ${short(req.sha)} not found (deleted or force-pushed away)`,
      summary: `GitHub answered ${s} for the archive of ${short(req.sha)} in ${escapeMarkdown(`${req.owner}/${req.repo}`)}: the commit no longer exists or the App cannot read it.\n\n${tail}`,
    };
  if (
    (s === 403 || s === 429) &&
    (headers["x-ratelimit-remaining"] === "0" ||
      s === 429 ||
      /rate limit/i.test(String((err as Error).message)))
  )
    return {
      title: "❌ Not scanned: GitHub API rate limit reached",
      summary: `GitHub refused more requests for now (${s}${headers["x-ratelimit-reset"] ? `, resets at ${new Date(Number(headers["x-ratelimit-reset"]) * 1000).toISOString()}` : ""}${headers["retry-after"] ? `, secondary rate limit: retry after ${headers["retry-after"]} s` : ""}). The App waits for a limit to lift only until the run's deadline.\n\n${tail}`,
    };
  if (s === 403)
    return {
      title: "❌ Not scanned: the App may not read this repository's contents",
      summary: `GitHub answered 403. Check that the App is installed with "Contents: read".\n\n${tail}`,
    };
  if (s !== undefined && s >= 500)
    return {
      title: `❌ Not scanned: GitHub answered ${s}`,
      summary: `GitHub kept failing (${s}) after retries.\n\n${tail}`,
    };
  return {
    title: "❌ Not scanned: internal error",
    summary: `The scan stopped on an unexpected error; it is logged with the delivery id.\n\n${tail}`,
  };
}

const oneLineTitle = (s: string) => (s.length > 255 ? `${s.slice(0, 254)}…` : s);

export interface PreparedScan extends CommitScan {
  engine: Engine;
  /** The operator's config with what the repository's file may add, plus the blocked authors. */
  config: ScanConfig;
  problem?: string;
  /** What the repository's own config set and was not taken. */
  ignored: string[];
  appeals: AppealsState;
}

/**
 * Config, then the appeals repository's state (blocked authors, reports, decisions), then the commit
 * scanned with them: the one path every scan takes, for check runs and for `/appeal` and `/report`.
 */
export async function scanWithAppeals(
  context: AnyContext,
  req: CheckRequest,
  env: AppEnv,
  signal?: AbortSignal,
): Promise<PreparedScan> {
  const operator = await loadOperatorConfig(context, env, { owner: req.owner, repo: req.repo });
  const { config: repoConfig, problem, ignored } = await loadRepoConfig(context, operator.config);
  const appeals = await loadAppealsState(context, env, repoConfig, { owner: req.owner, repo: req.repo });
  const config: ScanConfig = {
    ...repoConfig,
    blocklist: {
      ...repoConfig.blocklist,
      authors: [...new Set([...repoConfig.blocklist.authors, ...appeals.blockedAuthors])],
    },
  };
  const engine = await env.engine();
  const scan = await scanCommit(context.octokit, req, {
    engine,
    config,
    limits: env.tarballLimits,
    decisions: appeals.decisions,
    reports: appeals.reports,
    signal,
  });
  return {
    ...scan,
    notes: [...operator.notes, ...appeals.notes, ...scan.notes],
    engine,
    config,
    problem,
    ignored,
    appeals,
  };
}

/** One line per skill whose level a reviewer's decision set, so the run says why it changed. */
export function decisionNotes(prepared: Pick<PreparedScan, "result" | "appeals">): string[] {
  return prepared.result.skills
    .filter(
      (s) => s.quarantineStatus.reviewStatus !== "none" && s.quarantineStatus.reviewStatus !== "pending",
    )
    .map((s) => {
      const d = prepared.appeals.decisions.find((x) => x.skillId === s.id && x.contentHash === s.contentHash);
      return `${s.id}: ${s.quarantineStatus.reason}${d?.url ? ` (${d.url})` : ""}. The decision applies to this version of the skill only.`;
    });
}

export function runCheck(context: AnyContext, req: CheckRequest, env: AppEnv): Promise<void> {
  return withDeliveryLock(`${req.owner}/${req.repo}@${req.sha}#${context.id}`, () =>
    runCheckOnce(context, req, env),
  );
}

async function runCheckOnce(context: AnyContext, req: CheckRequest, env: AppEnv): Promise<void> {
  const { octokit } = context;
  const deliveryId = context.id;
  // context.log carries the delivery, installation and repository already (src/app/index.ts).
  const log = context.log.child({ sha: req.sha });
  const ref = { owner: req.owner, repo: req.repo };
  const runStarted = Date.now();

  const claim = await claimRun(octokit, ref, req.sha, {
    deliveryId,
    appId: env.appId,
    now: env.now,
    staleAfterMs: env.staleAfterMs,
    log,
  });
  if (claim.kind === "skip") return;
  const writer = new RunWriter(
    octokit,
    ref,
    req.sha,
    { deliveryId, appId: env.appId, now: env.now, staleAfterMs: env.staleAfterMs, log },
    claim.kind === "takeover" ? claim.id : undefined,
  );
  // Writes per run (README "Write model"): a quick verdict creates the run completed, one request;
  // a slow one shows the run in progress after QUICK_RESULT_MS, then completes it.
  // Not when the installation's writes are queued already: that would spend a write of the budget
  // on a progress display exactly when the App is behind.
  const installation = (context.payload as { installation?: { id?: number } }).installation?.id;
  const slow = setTimeout(async () => {
    const backlog =
      installation === undefined
        ? 0
        : await env
            .writeLimiter()
            .nextWriteIn(String(installation))
            .catch(() => 0);
    if (backlog === 0) void writer.start();
    else log.debug({ backlogMs: backlog }, "writes queued for this installation: no in-progress run");
  }, env.quickResultMs);

  let prepared: PreparedScan;
  try {
    const started = Date.now();
    prepared = await withRunBudget(runStarted + env.runDeadlineMs, () =>
      withDeadline(env.runDeadlineMs, (signal) => scanWithAppeals(context, req, env, signal)),
    );
    const { engine, result, notes, problem, config, ignored } = prepared;
    if (problem) log.warn({ problem }, "invalid config; scanning with defaults");
    const out = buildOutput(engine, result, req, {
      configProblem: problem,
      notes: [...notes, ...decisionNotes(prepared)],
      appealsRepository: env.appealsRepository ?? config.appealsRepository,
      ignored,
      policyNamed: env.policy !== undefined,
    });
    clearTimeout(slow);
    scanDuration.observe((Date.now() - started) / 1000);
    // A ready verdict waits for its write slot as long as the run's deadline and one minute allow.
    await endingRun(() => writer.complete(out), runStarted + env.runDeadlineMs + 60_000);
    if (writer.duplicate) return;
    runsByConclusion.inc({ conclusion: out.conclusion });
    log.info(
      {
        checkRunId: writer.id,
        conclusion: out.conclusion,
        skills: result.totals.skills,
        ms: Date.now() - started,
      },
      "check run completed",
    );
  } catch (err) {
    clearTimeout(slow);
    // Ending the run may wait for a rate limit a little past the run's deadline (never forever).
    const end = <T>(fn: () => Promise<T>) => endingRun(fn, runStarted + env.runDeadlineMs + 60_000);
    if (writer.duplicate) return;
    if (err instanceof ScanTimeoutError && (await end(() => endTooSlow(writer, err, req, log)))) {
      runsByConclusion.inc({ conclusion: "action_required" });
      return;
    }
    log.error({ err, checkRunId: writer.id }, "scan failed");
    const { title, summary } = describeError(err, req);
    try {
      await end(() => endRunWithRetry(writer, title, summary));
      runsByConclusion.inc({ conclusion: "failure" });
    } catch (err2) {
      log.error({ err: err2, checkRunId: writer.id }, "could not end the check run");
      throw err;
    }
    return;
  }
  const checkRunId = writer.id;
  if (checkRunId === undefined) return;

  // DESIGN "GitHub App flows" 3: every scan reports on the repository's open appeals. The run is
  // complete already; a failure here is logged and retried by the next scan.
  try {
    await updateOpenAppeals(prepared, req, env, { checkRunId, log });
  } catch (err) {
    log.error({ err, checkRunId }, "could not update the open appeals");
  }
}

/**
 * A scan over its time budget: nobody looked at the skills, and a skill can be made slow on purpose
 * to get through. SUSPICIOUS (action_required), never success; Re-scan and the appeal stay open.
 */
async function endTooSlow(
  writer: RunWriter,
  err: ScanTimeoutError,
  req: CheckRequest,
  log: AnyContext["log"],
): Promise<boolean> {
  log.warn({ checkRunId: writer.id, ms: err.ms }, "scan over its time budget: stopped");
  try {
    await writer.complete({
      conclusion: "action_required",
      title: `❌ SUSPICIOUS: Not finished: too slow to check (over ${Math.round(err.ms / 1000)} s)`,
      summary: `The scan of ${escapeMarkdown(err.label)} took longer than its budget of ${Math.round(err.ms / 1000)} s and was stopped. A skill that makes the scanner this slow is treated as SUSPICIOUS until a reviewer decides.\n\nPress **Re-scan** to try again.`,
      annotations: [],
      detailsUrl: req.appealUrl,
      actions: [ACTIONS.rescan, ACTIONS.appeal],
    });
    return true;
  } catch (err2) {
    log.error({ err: err2, checkRunId: writer.id }, "could not complete the run of a scan over budget");
    return false;
  }
}
