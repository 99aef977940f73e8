import { createServer, type Server } from "node:http";
import { pathToFileURL } from "node:url";
import { deadLetterHandler, deliveryProcessor } from "./deliveries.js";
import { METRICS_CONTENT_TYPE, metricsText, setQueueStatsSource } from "./metrics.js";
import { BullmqQueue, queueSettings } from "./queue/index.js";
import { sharedScanPool } from "./scan/scan-pool.js";
import { loadProbot, readSettings, SettingsError } from "./server.js";

// `npm run worker`: takes queued deliveries from Redis and runs them through the App's handlers
// (probot.receive), scanning in worker threads (SCAN_WORKERS). Run any number of these on any number
// of machines next to the web processes (`npm start`). SIGTERM (or SIGINT) stops taking jobs, lets
// the running ones finish, and exits; a worker killed outright loses nothing: its job's lock lapses
// (JOB_LOCK_MS, 30 s) and another worker runs it again, taking over the same check run.
//
// Same variables as `npm start` (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, ...), plus REDIS_URL
// (required), WORKER_CONCURRENCY (jobs at once, default 2), JOB_ATTEMPTS (3), JOB_DEADLINE_MS, and
// METRICS_PORT: each process counts its own scans, runs and GitHub requests (prom-client registries
// are per process), so a worker serves its own GET /metrics and /healthz there for Prometheus to scrape.

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
  setQueueStatsSource(() => queue.stats());
  const metricsPort = optionalPort(env);
  const metrics = metricsPort === undefined ? undefined : await serveMetrics(metricsPort, env.HOST);
  probot.log.info(
    { concurrency: options.concurrency, attempts: options.attempts, metricsPort },
    "skill-quarantine worker taking jobs",
  );
  return { probot, queue, metrics };
}

function optionalPort(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.METRICS_PORT?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0 || n > 65535)
    throw new SettingsError(`METRICS_PORT must be a port number (0–65535), not "${raw}"`);
  return n;
}

/** The worker's own GET /metrics and /healthz (nothing else is served). */
async function serveMetrics(port: number, host: string | undefined): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/metrics") {
      metricsText().then(
        (text) => res.writeHead(200, { "content-type": METRICS_CONTENT_TYPE }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    if (req.method === "GET" && req.url === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server;
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
    started.metrics?.close();
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
