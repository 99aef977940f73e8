import type { ProbotOctokit } from "probot";
import {
  ACTIONS,
  type CheckRunRef,
  completeCheckRun,
  failCheckRun,
  listRunsForSha,
  startCheckRun,
} from "./check-run.js";
import { isRetryOf } from "./queue/job-scope.js";

// How a check run is claimed and how it always ends. A run must never stay "in progress": GitHub
// shows it as pending forever and a required check then blocks the branch, or worse, people learn to
// ignore it. So every run has a deadline of our own, a run past it is ended by the next delivery that
// sees it, and completing is retried. And one delivery makes one run, even when GitHub (or a
// person's "Redeliver") sends it to several replicas at once.

type Octokit = ProbotOctokit;

/** RUN_DEADLINE_MS: a run that has no verdict after this ends as "not scanned". */
export const DEFAULT_RUN_DEADLINE_MS = 5 * 60 * 1000;

/** The run's own deadline passed before a verdict (a download or an API call that does not answer). */
export class RunDeadlineError extends Error {
  override name = "RunDeadlineError";
  constructor(readonly ms: number) {
    super(`no verdict within ${minutes(ms)}`);
  }
}

export const minutes = (ms: number) =>
  ms >= 60_000 ? `${Math.round(ms / 6_000) / 10} min` : `${Math.round(ms / 100) / 10} s`;

/**
 * Runs `work` with a signal that aborts at the deadline; rejects with RunDeadlineError then, even if
 * `work` ignores the signal (its late result is dropped).
 */
export async function withDeadline<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new RunDeadlineError(ms);
      controller.abort(err);
      reject(err);
    }, ms);
  });
  const running = work(controller.signal);
  running.catch(() => {});
  try {
    return await Promise.race([running, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

// ---- one run per delivery -----------------------------------------------------------------------------

const inFlight = new Map<string, Promise<unknown>>();

/**
 * Runs deliveries with the same key one after the other in this process: the second finds the run
 * the first created (check-then-create is not atomic, the lock makes it so within a process).
 */
export async function withDeliveryLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const before = inFlight.get(key);
  const mine = (async () => {
    if (before) await before.catch(() => {});
    return fn();
  })();
  inFlight.set(key, mine);
  try {
    return await mine;
  } finally {
    if (inFlight.get(key) === mine) inFlight.delete(key);
  }
}

export interface ClaimOptions {
  deliveryId: string;
  appId?: number;
  now: () => Date;
  /** A run in progress for longer than this was abandoned (crashed worker, deadline not honoured). */
  staleAfterMs: number;
  log: { info: (o: object, m: string) => void; warn: (o: object, m: string) => void };
}

/**
 * The run this delivery scans into, or undefined when there is nothing to do (the delivery's run
 * exists and is complete or still alive, or another replica created the same delivery's run first).
 * Runs of other deliveries left in progress past the deadline are ended on the way.
 */
export async function claimRun(
  octokit: Octokit,
  ref: CheckRunRef,
  sha: string,
  opts: ClaimOptions,
): Promise<number | undefined> {
  const { deliveryId, log } = opts;
  const runs = await listRunsForSha(octokit, ref, sha, opts.appId);
  const age = (startedAt: string | null) => (startedAt ? opts.now().getTime() - Date.parse(startedAt) : 0);
  const stale = runs.filter((r) => r.status !== "completed" && age(r.startedAt) >= opts.staleAfterMs);
  for (const r of stale.filter((x) => x.externalId !== deliveryId)) {
    log.warn({ checkRunId: r.id, externalId: r.externalId }, "ending a check run left in progress");
    await endStaleRun(octokit, ref, r.id, opts.staleAfterMs, opts.now).catch((err: unknown) =>
      log.warn({ err, checkRunId: r.id }, "could not end a stale check run; the next delivery tries again"),
    );
  }

  const existing = runs.find((r) => r.externalId === deliveryId);
  if (existing) {
    if (existing.status !== "completed" && isRetryOf(deliveryId)) {
      log.warn(
        { checkRunId: existing.id },
        "queue retry: taking over this delivery's run from the earlier try",
      );
      return existing.id;
    }
    if (!stale.includes(existing)) {
      log.info(
        { checkRunId: existing.id, status: existing.status },
        "redelivery: check run exists, nothing to do",
      );
      return undefined;
    }
    log.warn({ checkRunId: existing.id }, "taking over a stale in-progress check run");
    return existing.id;
  }

  const id = await startCheckRun(octokit, ref, sha, deliveryId, opts.now());
  // Another replica may have passed the same check at the same moment. The runs carry the delivery
  // id, so the oldest one wins and every other replica closes its own (never another's live run).
  const mine = (await listRunsForSha(octokit, ref, sha, opts.appId)).filter(
    (r) => r.externalId === deliveryId,
  );
  const oldest = mine[0];
  if (oldest && oldest.id < id) {
    log.info(
      { checkRunId: id, keeps: oldest.id },
      "the same delivery is scanned by another worker: duplicate closed",
    );
    await completeCheckRun(
      octokit,
      ref,
      id,
      {
        conclusion: "neutral",
        title: `Duplicate of run ${oldest.id}`,
        summary: `The same webhook delivery (${deliveryId}) reached two workers at once. Run ${oldest.id} carries the verdict; this one was closed without scanning.`,
        annotations: [],
        actions: [],
      },
      opts.now,
    );
    return undefined;
  }
  return id;
}

/** Ends a run nobody will finish: failure, the reason, and the Re-scan button. */
export function endStaleRun(
  octokit: Octokit,
  ref: CheckRunRef,
  checkRunId: number,
  staleAfterMs: number,
  now: () => Date,
): Promise<void> {
  return failCheckRun(
    octokit,
    ref,
    checkRunId,
    "❌ Not scanned: the scan stopped before a verdict",
    `This run was still in progress after ${minutes(staleAfterMs)}: the worker that ran it stopped or GitHub did not answer. Nothing was cleared: press **Re-scan** to try again.`,
    now,
  );
}

/** Waits between attempts to end a run; short, because each attempt is a single small request. */
export const END_RETRY_DELAYS_MS = [200, 1_000, 3_000];

/**
 * Ends a run with a short "not scanned" failure, retrying: a run that could not be completed with
 * its verdict must still not stay in progress. Throws the last error when every attempt failed.
 */
export async function endRunWithRetry(
  octokit: Octokit,
  ref: CheckRunRef,
  checkRunId: number,
  title: string,
  summary: string,
  now: () => Date,
  delays: number[] = END_RETRY_DELAYS_MS,
): Promise<void> {
  let last: unknown;
  for (let attempt = 0; attempt <= delays.length; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, delays[attempt - 1]));
    try {
      // From the second attempt on, the shortest body: the first may have failed on its size.
      await (attempt === 0
        ? failCheckRun(octokit, ref, checkRunId, title, summary, now)
        : completeCheckRun(
            octokit,
            ref,
            checkRunId,
            {
              conclusion: "failure",
              title: "❌ Not scanned: the result could not be saved",
              summary: "Nothing was cleared: press **Re-scan** to try again.",
              annotations: [],
              actions: [ACTIONS.rescan],
            },
            now,
          ));
      return;
    } catch (err) {
      last = err;
    }
  }
  throw last;
}

// ---- rate limits ----------------------------------------------------------------------------------

/** The longest wait for a rate limit to lift before a request is given up (the run then says why). */
export const MAX_RATE_LIMIT_WAIT_MS = 60_000;

interface ThrottledRequest {
  method?: string;
  url?: string;
  request?: { retryCount?: number };
}

/**
 * Octokit's throttling plugin asks these whether to wait and retry. Probot's defaults always say yes,
 * so a primary rate limit whose reset is an hour away held the run "in progress" for that hour. A
 * short wait (a secondary limit's retry-after) is waited for, twice at most; a long one fails the
 * request at once and the run ends as "not scanned: rate limit" with the Re-scan button.
 */
export function throttleOptions(maxWaitMs = MAX_RATE_LIMIT_WAIT_MS) {
  const decide =
    (what: string) =>
    (retryAfter: number, options: ThrottledRequest, octokit: { log: { warn: (m: string) => void } }) => {
      const wait = retryAfter * 1000 <= maxWaitMs && (options.request?.retryCount ?? 0) < 2;
      octokit.log.warn(
        `${what} on ${options.method} ${options.url}: ${wait ? `retrying in ${retryAfter} s` : `lifts in ${retryAfter} s, longer than ${minutes(maxWaitMs)}: not waiting`}`,
      );
      return wait;
    };
  return { onRateLimit: decide("rate limit"), onSecondaryRateLimit: decide("secondary rate limit") };
}
