import { getTransformStream } from "@probot/pino";
import { pino } from "pino";
import type { Probot } from "probot";
import { completeCheckRun, findRunForDelivery, startCheckRun } from "./github/check-runs.js";
import { incDeadLetters } from "./metrics.js";
import type { DeadLetterHandler, Delivery, Processor } from "./queue/index.js";
import { jobScope } from "./queue/job-scope.js";
import { endRunWithRetry } from "./scan/run-lifecycle.js";

// What a worker does with a queued delivery: hand it to Probot, exactly as the webhook endpoint did
// before the queue, so every handler runs unchanged. And what happens when it never succeeds: its
// check run is ended as "not scanned" with the reason and the Re-scan button.

/**
 * Probot's logger (same format switches: LOG_FORMAT, LOG_LEVEL_IN_STRING) with every line written
 * during a job carrying the job's delivery id, installation and repository, including the lines of
 * the handlers, which only know Probot's context logger.
 */
export async function jobAwareLogger(env: NodeJS.ProcessEnv = process.env) {
  const transform = await getTransformStream({
    logFormat: env.LOG_FORMAT === "json" ? "json" : "pretty",
    logLevelInString: env.LOG_LEVEL_IN_STRING === "true",
    sentryDsn: env.SENTRY_DSN,
  });
  transform.pipe(pino.destination(1) as unknown as NodeJS.WritableStream);
  return pino(
    {
      level: env.LOG_LEVEL || "info",
      name: "probot",
      mixin: () => {
        const s = jobScope.getStore();
        return s
          ? { deliveryId: s.deliveryId, installationId: s.installationId, repository: s.repository }
          : {};
      },
    },
    transform,
  );
}

/** The queue's processor: the delivery through probot.receive, in the job's scope. */
export function deliveryProcessor(probot: Pick<Probot, "receive">): Processor {
  return (job) =>
    jobScope.run(
      {
        deliveryId: job.delivery.id,
        installationId: job.installationId,
        repository: job.repository,
        attempt: job.attempt,
      },
      () => probot.receive(job.delivery as Parameters<Probot["receive"]>[0]),
    );
}

/** The commit a scanning delivery runs on, or undefined for events that make no run of their own. */
export function commitOf(delivery: Delivery): { owner: string; repo: string; sha: string } | undefined {
  // biome-ignore lint/suspicious/noExplicitAny: untrusted webhook JSON, every field checked below
  const p = delivery.payload as any;
  const full = p?.repository?.full_name;
  if (typeof full !== "string" || !/^[\w.-]+\/[\w.-]+$/.test(full)) return undefined;
  const [owner, repo] = full.split("/") as [string, string];
  const sha =
    delivery.name === "push"
      ? p.after
      : delivery.name === "pull_request"
        ? p.pull_request?.head?.sha
        : delivery.name === "check_run"
          ? p.check_run?.head_sha
          : delivery.name === "check_suite"
            ? p.check_suite?.head_sha
            : undefined;
  if (typeof sha !== "string" || !/^[0-9a-f]{40}$/.test(sha) || /^0+$/.test(sha)) return undefined;
  return { owner, repo, sha };
}

export interface DeadLetterOptions {
  appId?: number;
  now?: () => Date;
  log?: Pick<Probot["log"], "warn" | "info">;
}

/**
 * A delivery that failed its last try (or its deadline): its check run, in progress or never
 * created, is completed as "not scanned" with the reason and Re-scan. A completed run is left as is.
 */
export function deadLetterHandler(
  probot: Pick<Probot, "auth">,
  options: DeadLetterOptions = {},
): DeadLetterHandler {
  const now = options.now ?? (() => new Date());
  return async (job, reason) => {
    incDeadLetters();
    const commit = commitOf(job.delivery);
    if (!commit || job.installationId === undefined) {
      options.log?.info(
        { deliveryId: job.delivery.id, event: job.delivery.name },
        "dead letter: the event makes no check run of its own; nothing to end",
      );
      return;
    }
    const octokit = await probot.auth(job.installationId);
    const ref = { owner: commit.owner, repo: commit.repo };
    const run = await findRunForDelivery(octokit, ref, commit.sha, job.delivery.id, options.appId);
    if (run?.status === "completed") return;
    const id = run?.id ?? (await startCheckRun(octokit, ref, commit.sha, job.delivery.id, now()));
    await endRunWithRetry(
      { complete: (out) => completeCheckRun(octokit, ref, id, out, now) },
      "❌ Not scanned: the scan failed on every try",
      `The delivery was tried ${job.attempts} time${job.attempts === 1 ? "" : "s"} and never finished: ${reason.replace(/[<>`*_[\]]/g, "")}. Nothing was cleared: press **Re-scan** to try again.`,
    );
    options.log?.info(
      { deliveryId: job.delivery.id, checkRunId: id },
      "dead letter: check run completed as not scanned",
    );
  };
}
