import { pathToFileURL } from "node:url";
import { deadLetterHandler, deliveryProcessor } from "./deliveries.js";
import { BullmqQueue, queueSettings } from "./queue/index.js";
import { sharedScanPool } from "./scan-pool.js";
import { loadProbot, readSettings, SettingsError } from "./server.js";

// `npm run worker`: takes queued deliveries from Redis and runs them through the App's handlers
// (probot.receive), scanning in worker threads (SCAN_WORKERS). Run any number of these on any number
// of machines next to the web processes (`npm start`). SIGTERM (or SIGINT) stops taking jobs, lets
// the running ones finish, and exits; a worker killed outright loses nothing: its job's lock lapses
// (JOB_LOCK_MS, 30 s) and another worker runs it again, taking over the same check run.
//
// Same variables as `npm start` (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, ...), plus REDIS_URL
// (required), WORKER_CONCURRENCY (jobs at once, default 2), JOB_ATTEMPTS (3), JOB_DEADLINE_MS.

function optionalMs(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new SettingsError(`${name} must be a positive whole number of milliseconds, not "${raw}"`);
  return n;
}

export async function startWorker(env: NodeJS.ProcessEnv = process.env) {
  const settings = readSettings(env);
  const { url, ...options } = queueSettings(env);
  if (!url)
    throw new SettingsError(
      "REDIS_URL is not set: `npm run worker` takes jobs from Redis; without Redis, `npm start` runs the jobs itself",
    );
  const lockDurationMs = optionalMs(env, "JOB_LOCK_MS");
  const stalledIntervalMs = optionalMs(env, "JOB_STALLED_INTERVAL_MS");
  const probot = await loadProbot(settings, { env });
  const queue = new BullmqQueue({ url, ...options, lockDurationMs, stalledIntervalMs, log: probot.log });
  queue.start(
    deliveryProcessor(probot),
    deadLetterHandler(probot, { appId: settings.appId, log: probot.log }),
  );
  probot.log.info(
    { concurrency: options.concurrency, attempts: options.attempts },
    "skill-quarantine worker taking jobs",
  );
  return { probot, queue };
}

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let started: Awaited<ReturnType<typeof startWorker>>;
  try {
    started = await startWorker(env);
  } catch (err) {
    if (err instanceof SettingsError) {
      process.stderr.write(`skill-quarantine worker: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    started.probot.log.info(`${signal}: no new jobs; finishing the running ones`);
    started.queue
      .close()
      .then(() => sharedScanPool().close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`skill-quarantine worker: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
