import type { ProbotOctokit } from "probot";
import {
  ACTIONS,
  type CheckRunRef,
  type CompletedOutput,
  completeCheckRun,
  createCompletedRun,
  failCheckRun,
  listRunsForSha,
  startCheckRun,
} from "../github/check-runs.js";
import { isRetryOf } from "../queue/job-scope.js";

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

/** What a delivery does: nothing (its run exists), take over its own stale run, or make a new one. */
export type Claim = { kind: "skip" } | { kind: "takeover"; id: number } | { kind: "new" };

/**
 * Whether this delivery scans, and into which run: nothing to do when the delivery's run exists and
 * is complete or still alive; its own stale run is taken over; otherwise a new run is made, but only
 * when the scan ends or is slow (RunWriter): a quick result then costs one request. Runs of other
 * deliveries left in progress past the deadline are ended on the way.
 */
export async function claimRun(
  octokit: Octokit,
  ref: CheckRunRef,
  sha: string,
  opts: ClaimOptions,
): Promise<Claim> {
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
      return { kind: "takeover", id: existing.id };
    }
    if (!stale.includes(existing)) {
      log.info(
        { checkRunId: existing.id, status: existing.status },
        "redelivery: check run exists, nothing to do",
      );
      return { kind: "skip" };
    }
    log.warn({ checkRunId: existing.id }, "taking over a stale in-progress check run");
    return { kind: "takeover", id: existing.id };
  }
  return { kind: "new" };
}

/** A scan that has no verdict after this shows an in-progress run (QUICK_RESULT_MS). */
export const DEFAULT_QUICK_RESULT_MS = 10_000;

/**
 * The run of one delivery, created as late as possible: `complete` creates it already completed
 * when nothing was created yet (one request), `start` (called when the scan is slow) creates it in
 * progress so people see it working. After creating, the runs of the commit are read again: when
 * another replica created one for the same delivery first, the oldest wins and this one is closed
 * as a duplicate (never another's live run), and `duplicate` turns true.
 */
export class RunWriter {
  id: number | undefined;
  duplicate = false;
  private starting: Promise<void> | undefined;
  private startFailed = false;
  /** Set once the verdict is being written: a late `start` (the slow-scan timer) must not create a run. */
  private completing = false;
  private readonly startedAt: Date;

  constructor(
    private readonly octokit: Octokit,
    private readonly ref: CheckRunRef,
    private readonly sha: string,
    private readonly opts: ClaimOptions,
    takeover?: number,
  ) {
    this.id = takeover;
    this.startedAt = opts.now();
  }

  /** Creates the run in progress unless it exists; failures are logged, `complete` still creates it. */
  start(): Promise<void> {
    if (this.id !== undefined || this.starting || this.completing) return this.starting ?? Promise.resolve();
    this.starting = (async () => {
      try {
        const id = await startCheckRun(
          this.octokit,
          this.ref,
          this.sha,
          this.opts.deliveryId,
          this.startedAt,
        );
        this.id = id;
        await this.closeIfDuplicate(id);
      } catch (err) {
        this.startFailed = true;
        this.opts.log.warn(
          { err },
          "could not create the in-progress check run; it is created with the verdict",
        );
      }
    })();
    return this.starting;
  }

  /** Writes the verdict: one request when the run does not exist yet and has at most 50 annotations. */
  async complete(out: CompletedOutput): Promise<void> {
    this.completing = true;
    if (this.starting) await this.starting;
    if (this.duplicate) return;
    if (this.id === undefined && this.startFailed) {
      // The create may have reached GitHub before it failed here: complete that run, not a second.
      const listed = (await listRunsForSha(this.octokit, this.ref, this.sha, this.opts.appId)).find(
        (r) => r.externalId === this.opts.deliveryId,
      );
      this.id = listed?.id;
    }
    if (this.id !== undefined) {
      await completeCheckRun(this.octokit, this.ref, this.id, out, this.opts.now);
      return;
    }
    const id = await createCompletedRun(
      this.octokit,
      this.ref,
      this.sha,
      this.opts.deliveryId,
      this.startedAt,
      out,
      this.opts.now,
    );
    this.id = id;
    await this.closeIfDuplicate(id);
  }

  private async closeIfDuplicate(id: number): Promise<void> {
    const mine = (await listRunsForSha(this.octokit, this.ref, this.sha, this.opts.appId)).filter(
      (r) => r.externalId === this.opts.deliveryId,
    );
    const oldest = mine[0];
    if (!oldest || oldest.id >= id) return;
    this.duplicate = true;
    this.opts.log.info(
      { checkRunId: id, keeps: oldest.id },
      "the same delivery is scanned by another worker: duplicate closed",
    );
    await completeCheckRun(
      this.octokit,
      this.ref,
      id,
      {
        conclusion: "neutral",
        title: `Duplicate of run ${oldest.id}`,
        summary: `The same webhook delivery (${this.opts.deliveryId}) reached two workers at once. Run ${oldest.id} carries the verdict; this one was closed without scanning.`,
        annotations: [],
        actions: [],
      },
      this.opts.now,
    );
  }
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

/** The output of a run that ended without a verdict: fail closed, say why, offer Re-scan. */
export const notScanned = (title: string, summary: string): CompletedOutput => ({
  conclusion: "failure",
  title,
  summary,
  annotations: [],
  actions: [ACTIONS.rescan],
});

/**
 * Ends a run with a short "not scanned" failure, retrying: a run that could not be completed with
 * its verdict must still not stay in progress. Throws the last error when every attempt failed.
 */
export async function endRunWithRetry(
  writer: Pick<RunWriter, "complete">,
  title: string,
  summary: string,
  delays: number[] = END_RETRY_DELAYS_MS,
): Promise<void> {
  let last: unknown;
  for (let attempt = 0; attempt <= delays.length; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, delays[attempt - 1]));
    try {
      // From the second attempt on, the shortest body: the first may have failed on its size.
      await writer.complete(
        attempt === 0
          ? notScanned(title, summary)
          : notScanned(
              "❌ Not scanned: the result could not be saved",
              "Nothing was cleared: press **Re-scan** to try again.",
            ),
      );
      return;
    } catch (err) {
      last = err;
    }
  }
  throw last;
}
