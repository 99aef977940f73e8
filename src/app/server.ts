import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { pathToFileURL } from "node:url";
import { createProbot, type Options, type Probot, ProbotOctokit } from "probot";
import type { TarballLimits } from "../sources/tarball.js";
import { deadLetterHandler, deliveryProcessor, jobAwareLogger } from "./deliveries.js";
import { type AppOptions, createApp, handlesEvent, isOwnEvent } from "./index.js";
import { METRICS_CONTENT_TYPE, metricsText, setQueueStatsSource } from "./metrics.js";
import { createDeliveryQueue, type DeliveryQueue, QueueSettingsError, queueSettings } from "./queue/index.js";
import { createWebhookHandler } from "./webhook-http.js";

// `npm start`: the App's web process on a plain Node HTTP server. It verifies a delivery, drops the
// App's own events, queues it (de-duplicated by delivery id) and answers 202 at once; the scan runs
// on a worker (src/app/worker.ts, `npm run worker`) when REDIS_URL is set, else in this process.
// Stateless: every decision is read back from GitHub (check runs by delivery id, config from the
// repository), so any number of replicas can run behind one URL.
//
// Required: APP_ID, PRIVATE_KEY (PEM, base64 of a PEM, or PEM with "\n" escapes) or
// PRIVATE_KEY_PATH, WEBHOOK_SECRET. Optional: PORT (default 3000), HOST, WEBHOOK_PATH (default
// /api/github/webhooks), LOG_LEVEL (default info), LOG_FORMAT, GHE_HOST, REDIS_URL (shared
// throttling across replicas), and the archive limits TARBALL_MAX_DOWNLOAD_BYTES,
// TARBALL_MAX_UNPACKED_BYTES, TARBALL_MAX_ENTRIES, TARBALL_MAX_ENTRY_BYTES, and the robustness
// settings SCAN_TIMEOUT_MS (120 s), SCAN_WORKERS (1), RUN_DEADLINE_MS (5 min), and the queue's
// WORKER_CONCURRENCY (2), JOB_ATTEMPTS (3), JOB_DEADLINE_MS (run deadline + 2 min), APP_SLUG.

export class SettingsError extends Error {
  override name = "SettingsError";
}

export interface ServerSettings {
  appId: number;
  privateKey: string;
  secret: string;
  port: number;
  host?: string;
  webhookPath: string;
  tarballLimits: Partial<TarballLimits>;
}

const LIMIT_VARS: Record<string, keyof TarballLimits> = {
  TARBALL_MAX_DOWNLOAD_BYTES: "maxDownloadBytes",
  TARBALL_MAX_UNPACKED_BYTES: "maxUnpackedBytes",
  TARBALL_MAX_ENTRIES: "maxEntries",
  TARBALL_MAX_ENTRY_BYTES: "maxEntryBytes",
};

function positiveInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new SettingsError(`${name} must be a positive whole number, not "${raw}"`);
  return n;
}

function readPrivateKey(env: NodeJS.ProcessEnv): string {
  let pem: string;
  let from: string;
  if (env.PRIVATE_KEY?.trim()) {
    from = "PRIVATE_KEY";
    const raw = env.PRIVATE_KEY.trim();
    pem = raw.includes("-----BEGIN")
      ? raw.replace(/\\n/g, "\n")
      : Buffer.from(raw, "base64").toString("utf8");
  } else if (env.PRIVATE_KEY_PATH?.trim()) {
    from = "PRIVATE_KEY_PATH";
    try {
      pem = readFileSync(env.PRIVATE_KEY_PATH.trim(), "utf8");
    } catch (err) {
      throw new SettingsError(
        `PRIVATE_KEY_PATH: cannot read ${env.PRIVATE_KEY_PATH} (${(err as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
  } else {
    throw new SettingsError(
      "PRIVATE_KEY or PRIVATE_KEY_PATH is not set; give the App's private key (.pem) from its settings page",
    );
  }
  try {
    createPrivateKey(pem);
  } catch {
    throw new SettingsError(`${from} is not a PEM private key; download one from the App's settings page`);
  }
  return pem;
}

/** Reads and checks the environment; throws SettingsError naming the first missing or bad variable. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): ServerSettings {
  const appId = positiveInt(env, "APP_ID");
  if (appId === undefined) throw new SettingsError("APP_ID is not set; it is on the App's settings page");
  const privateKey = readPrivateKey(env);
  const secret = env.WEBHOOK_SECRET;
  if (!secret)
    throw new SettingsError("WEBHOOK_SECRET is not set; use the secret entered when the App was registered");
  const port = positiveInt(env, "PORT") ?? 3000;
  if (port > 65535) throw new SettingsError(`PORT must be at most 65535, not "${env.PORT}"`);
  // Read again where they are used (src/app/index.ts, scan-pool.ts); checked here so a typo stops
  // the start with one line instead of failing every scan.
  for (const name of [
    "SCAN_TIMEOUT_MS",
    "SCAN_WORKERS",
    "RUN_DEADLINE_MS",
    "QUICK_RESULT_MS",
    "WRITE_SPACING_MS",
    "WRITES_PER_HOUR",
  ])
    positiveInt(env, name);
  try {
    queueSettings(env);
  } catch (err) {
    if (err instanceof QueueSettingsError) throw new SettingsError(err.message);
    throw err;
  }
  const tarballLimits: Partial<TarballLimits> = {};
  for (const [name, key] of Object.entries(LIMIT_VARS)) {
    const v = positiveInt(env, name);
    if (v !== undefined) tarballLimits[key] = v;
  }
  return {
    appId,
    privateKey,
    secret,
    port,
    host: env.HOST || undefined,
    webhookPath: env.WEBHOOK_PATH || "/api/github/webhooks",
    tarballLimits,
  };
}

/**
 * The App's Octokit. Rate limits are the App's own (src/app/github/budget.ts: writes spaced per
 * installation, retry-after and x-ratelimit-reset honoured within the run's deadline), so Probot's
 * throttling is off and a 429 is not retried blindly by the retry plugin, which ignores retry-after.
 */
export function withRateLimitWaits(Octokit: typeof ProbotOctokit): typeof ProbotOctokit {
  return Octokit.defaults((o: { throttle?: object; retry?: object }) => ({
    ...o,
    retry: { ...o.retry, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
    throttle: { ...o.throttle, enabled: false },
  }));
}

/** Probot with the App loaded, as both the web process and the workers run it. */
export async function loadProbot(
  settings: ServerSettings,
  options: { env?: NodeJS.ProcessEnv; app?: AppOptions; probot?: Options } = {},
): Promise<Probot> {
  const env = options.env ?? process.env;
  // REDIS_URL is the delivery queue's. Given to Probot, its Octokit throttle would cluster through
  // Redis with an ioredis that Probot npx-installs at run time (a download on a production start),
  // so Probot's throttle stays per process here.
  const { REDIS_URL: _queueOnly, ...probotEnv } = env;
  const probot = createProbot({
    env: { ...probotEnv, LOG_LEVEL: env.LOG_LEVEL ?? "info" },
    overrides: {
      appId: settings.appId,
      privateKey: settings.privateKey,
      secret: settings.secret,
      webhookPath: settings.webhookPath,
      log: await jobAwareLogger({ ...env, LOG_LEVEL: env.LOG_LEVEL ?? "info" }),
      ...options.probot,
      Octokit: withRateLimitWaits(options.probot?.Octokit ?? ProbotOctokit),
    },
  });
  const app = createApp({ appId: settings.appId, tarballLimits: settings.tarballLimits, ...options.app });
  await probot.load(app);
  return probot;
}

/** The web process's server: the HTTP server and the queue it feeds. */
export type AppServer = Server & { queue: DeliveryQueue };

/**
 * Starts the HTTP server; resolves once it listens. `GET /healthz` answers 200 for load balancers
 * without touching the queue or GitHub. Without REDIS_URL the queue is in process and this process
 * also runs the jobs.
 */
export async function startServer(
  settings: ServerSettings,
  options: { env?: NodeJS.ProcessEnv; app?: AppOptions; probot?: Options; queue?: DeliveryQueue } = {},
): Promise<AppServer> {
  const env = options.env ?? process.env;
  const probot = await loadProbot(settings, options);
  const queue = options.queue ?? createDeliveryQueue(env, probot.log);
  if (queue.backend === "memory")
    queue.start(
      deliveryProcessor(probot),
      deadLetterHandler(probot, { appId: settings.appId, log: probot.log }),
    );
  // Only a configured slug is compared here (no GitHub request on the web path); without it the
  // worker's handlers drop the App's own events.
  const slug = env.APP_SLUG?.trim();
  const appLogin = () =>
    slug ? Promise.resolve(`${slug}[bot]`) : Promise.reject(new Error("APP_SLUG is not set"));
  const webhooks = createWebhookHandler({
    probot,
    secret: settings.secret,
    path: settings.webhookPath,
    enqueue: (delivery) => queue.enqueue(delivery),
    handles: handlesEvent,
    isOwnEvent: (payload) => isOwnEvent({ payload } as never, { appLogin } as never),
  });
  const server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
      return;
    }
    if (req.method === "GET" && req.url === "/metrics") {
      metricsText().then(
        (text) => res.writeHead(200, { "content-type": METRICS_CONTENT_TYPE }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    webhooks(req, res).then(
      (handled) => {
        if (!handled) res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      },
      (err: unknown) => {
        probot.log.error({ err }, "webhook request failed");
        if (!res.headersSent) res.writeHead(500).end();
      },
    );
  }) as AppServer;
  server.queue = queue;
  setQueueStatsSource(() => queue.stats());
  server.once("close", () => {
    queue.close().catch((err: unknown) => probot.log.warn({ err }, "the queue did not close cleanly"));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(settings.port, settings.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  probot.log.info(
    `skill-quarantine App listening on port ${settings.port}, webhooks at ${settings.webhookPath}, ${queue.backend} queue`,
  );
  return server;
}

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let settings: ServerSettings;
  try {
    settings = readSettings(env);
  } catch (err) {
    if (err instanceof SettingsError) {
      process.stderr.write(`skill-quarantine app: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const server = await startServer(settings, { env });
  // Stop answering, then let the in-process jobs finish (queue.close() waits for them).
  const stop = () => {
    server.close();
    server.queue.close().finally(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`skill-quarantine app: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
